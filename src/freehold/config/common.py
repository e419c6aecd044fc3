"""Config pieces shared by every provider's deployment model."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from yarl import URL

__all__ = ["BaseUrl", "DeploymentBase", "Headers", "OneLine", "Price", "StrictModel", "Timeout", "one_line"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def one_line(value: str) -> str:
    """Refuse control characters: a value that travels in a request line or header must not break it.

    Caught here, at load, with the key's path; otherwise the config loads and every request to
    the deployment fails when the HTTP client refuses the header.
    """
    if _CONTROL.search(value):
        raise ValueError("must be one line without control characters (a line break, tab or NUL was found)")
    return value


def _header_name(value: str) -> str:
    if not _TOKEN.fullmatch(value):
        raise ValueError("is not a valid HTTP header name (letters, digits and !#$%&'*+.^_`|~- only)")
    return value


def _header_value(value: str) -> str:
    if _CONTROL.search(value.replace("\t", " ")):
        raise ValueError("must be one line without control characters (a line break or NUL was found)")
    return value


def _base_url(value: str) -> str:
    """A base URL the HTTP client will accept: checked now, not on every request.

    The scheme is each provider's own check (with its own example); this one looks at the rest.
    """
    if not value.startswith(("http://", "https://")):
        return value
    if any(c.isspace() for c in value):
        raise ValueError("must be a URL without spaces")
    try:
        url = URL(value)
        _ = url.port
    except ValueError as exc:
        raise ValueError(f"is not a valid URL ({exc})") from None
    if not url.host:
        raise ValueError("must name a host, e.g. https://api.example.com/v1")
    return value


OneLine = Annotated[str, AfterValidator(one_line)]
"""A string that goes into a URL or a header as it is."""
BaseUrl = Annotated[str, AfterValidator(one_line), AfterValidator(_base_url)]
"""An upstream's base URL (each provider adds its own checks of the path)."""
Headers = dict[Annotated[str, AfterValidator(_header_name)], Annotated[str, AfterValidator(_header_value)]]
"""Extra HTTP headers for an upstream, checked at load rather than failing each request."""


class StrictModel(BaseModel):
    """Frozen, and rejects unknown keys so that typos fail at start-up instead of being ignored."""

    # Attribute docstrings become field descriptions: docs/providers.md lists them.
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Timeout(StrictModel):
    """Upstream time limits in seconds. A bare number in the file sets ``total``.

    ``connect`` and ``read`` left out default to their usual values capped at ``total``.
    """

    connect: float = Field(10.0, gt=0)
    """Establishing the TCP (and TLS) connection."""
    read: float = Field(120.0, gt=0)
    """Longest wait for the next bytes: the time to first token, or between stream events."""
    total: float = Field(600.0, gt=0)
    """Whole request, streams included."""

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = {"total": value}
        if isinstance(value, dict):
            total = value.get("total")
            if isinstance(total, int | float) and not isinstance(total, bool) and total > 0:
                # Limits left out default to at most the total, so `timeout: 5` means what it says.
                return {"connect": min(10.0, total), "read": min(120.0, total), **value}
        elif not isinstance(value, Timeout):
            raise ValueError("must be a number of seconds, or a mapping with connect, read and total")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Timeout:
        for name in ("connect", "read"):
            if getattr(self, name) > self.total:
                raise ValueError(f"{name} ({getattr(self, name):g}s) must not exceed total ({self.total:g}s)")
        return self


class Price(StrictModel):
    """What a model costs, in US dollars per million tokens (decimals: money is never a float).

    ``cached_input`` (prompt tokens read from the vendor's prompt cache) and ``cache_write``
    (tokens written to it) default to ``input``: charging a cached token as a fresh one errs on
    the side a budget can live with.
    """

    input: Decimal = Field(ge=0, max_digits=14, decimal_places=6)
    """Per million prompt tokens."""
    output: Decimal = Field(ge=0, max_digits=14, decimal_places=6)
    """Per million answer tokens (reasoning tokens included)."""
    cached_input: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=6)
    """Per million prompt tokens served from the vendor's prompt cache."""
    cache_write: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=6)
    """Per million prompt tokens written to the vendor's prompt cache."""


class DeploymentBase(StrictModel):
    """Fields every deployment has, whatever its provider."""

    provider: str
    """The provider type; each provider's model narrows it to its own literal."""
    name: str | None = Field(None, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:/@+-]+$")
    """Shown in ``x-freehold-deployment``; defaults to ``<alias>/<provider>/<model>``."""
    model: OneLine = Field(min_length=1)
    """The model name the upstream knows."""
    weight: float = Field(1.0, gt=0)
    """Share of the alias's traffic, relative to its sibling deployments."""
    timeout: Timeout = Timeout()
    rpm: int | None = Field(None, ge=1)
    """Requests per minute this deployment may receive (its quota); the balancer keeps under it."""
    tpm: int | None = Field(None, ge=1)
    """Tokens per minute (prompt estimate + max output) this deployment may receive."""
    price: Price | None = None
    """USD per million tokens, e.g. ``{input: 0.15, output: 0.60, cached_input: 0.075}``; overrides
    the model catalog's price (set it for models the catalog does not price, e.g. self-hosted ones)."""
    local: bool = False
    """The deployment runs on premises the operator controls: requests a ``local_only`` privacy
    policy keeps home may go only to such deployments (docs/privacy.md)."""
