"""Provider ``azure``: Azure OpenAI deployments.

Azure OpenAI speaks OpenAI's wire format with three differences, which is all this module holds:

- the URL names the Azure deployment and carries the API version:
  ``POST {api_base}/openai/deployments/{deployment}/chat/completions?api-version={api_version}``;
- the key goes in an ``api-key`` header (a Microsoft Entra ID token in ``Authorization: Bearer``);
- errors add Azure's own shapes: numeric-string codes (``"code": "429"``), ``DeploymentNotFound``,
  and content-filter refusals (400, ``code: content_filter`` with an ``innererror`` naming the
  filtered categories);
- rate-limit headers: Azure sends OpenAI's ``x-ratelimit-remaining-{requests,tokens}`` (``-1`` when
  it does not know) but rarely the ``-reset-*`` ones; a token-limited 429 may instead carry
  ``x-rate-limit-reset-tokens`` in bare seconds and no ``Retry-After``.

Bodies are forwarded and answers relayed exactly as by the ``openai`` adapter, which this one
subclasses. Azure streams may open with a chunk whose ``choices`` is empty and which carries
``prompt_filter_results``; it is relayed as it is (the ``openai`` SDK accepts it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypedDict
from urllib.parse import quote

from pydantic import Field, SecretStr, field_validator, model_validator

from freehold.config.common import BaseUrl, DeploymentBase, Headers, OneLine
from freehold.config.secrets import SecretRef
from freehold.errors import ProviderError, ProviderRejected
from freehold.providers.base import RateLimitHint
from freehold.providers.openai_compat import OpenAICompatProvider, classify_error, error_fields, parse_duration
from freehold.providers.openai_compat import parse_rate_limits as openai_rate_limits
from freehold.redact import redact
from freehold.transport.seam import Transport

__all__ = [
    "DEFAULT_API_VERSION",
    "AzureDeployment",
    "AzureProvider",
    "auth_headers",
    "endpoint_urls",
    "parse_error",
    "parse_rate_limits",
]

DEFAULT_API_VERSION = "2024-10-21"
"""The latest GA version of Azure OpenAI's dated data-plane inference API."""


class AzureDeployment(DeploymentBase):
    """A model deployment on an Azure OpenAI resource.

    ``model`` is the model the deployment runs (``gpt-4o``, ``o4-mini``): the catalog looks up its
    limits and parameter quirks by it, so name the model there when the deployment's name differs.
    """

    provider: Literal["azure"]
    api_base: BaseUrl
    """The resource endpoint, e.g. ``https://my-resource.openai.azure.com``."""
    deployment: OneLine | None = Field(None, min_length=1, max_length=128)
    """The Azure deployment name; defaults to ``model``."""
    api_version: str = Field(DEFAULT_API_VERSION, min_length=1, pattern=r"^[A-Za-z0-9._-]+$")
    """The ``api-version`` query parameter."""
    api_key: SecretRef | None = None
    """``env:NAME`` or ``file:/path``; sent as the ``api-key`` header."""
    azure_ad_token: SecretRef | None = None
    """A Microsoft Entra ID token instead of a key; sent as ``Authorization: Bearer``."""
    headers: Headers = Field(default_factory=dict)
    """Extra headers for every upstream request."""

    @field_validator("api_base")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (e.g. https://my-resource.openai.azure.com)")
        value = value.rstrip("/")
        if "/openai" in value.split("://", 1)[1]:
            raise ValueError(
                "give the resource endpoint only (e.g. https://my-resource.openai.azure.com); "
                "the gateway adds /openai/deployments/<deployment>/..."
            )
        return value

    @model_validator(mode="after")
    def _one_credential(self) -> AzureDeployment:
        if (self.api_key is None) == (self.azure_ad_token is None):
            raise ValueError(
                "set exactly one of 'api_key' (e.g. env:AZURE_OPENAI_API_KEY) "
                "or 'azure_ad_token' (e.g. env:AZURE_AD_TOKEN)"
            )
        return self


# --- wire types (errors; bodies are OpenAI's) ---------------------------------------------


class _FilterCategory(TypedDict, total=False):
    filtered: bool
    severity: str
    detected: bool


class _InnerError(TypedDict, total=False):
    code: str  # "ResponsibleAIPolicyViolation"
    content_filter_result: dict[str, _FilterCategory]


class _AzureError(TypedDict, total=False):
    message: str
    type: str | None
    param: str | None
    code: str | None  # an OpenAI code, an Azure one ("DeploymentNotFound", "content_filter") or a status ("429")
    status: int
    innererror: _InnerError


# --- pure functions -----------------------------------------------------------------------


def endpoint_urls(config: AzureDeployment) -> tuple[str, str]:
    """The chat completions and embeddings URLs of a deployment."""
    root = f"{config.api_base}/openai/deployments/{quote(config.deployment or config.model, safe='')}"
    query = "?api-version=" + quote(config.api_version, safe="")
    return root + "/chat/completions" + query, root + "/embeddings" + query


def auth_headers(config: AzureDeployment) -> tuple[dict[str, str], tuple[str, ...]]:
    """The request headers (auth included) and the secret values to scrub from upstream messages."""
    headers = {"Content-Type": "application/json", **config.headers}
    key: SecretStr | None = config.api_key  # type: ignore[assignment]  # resolved by the validator
    token: SecretStr | None = config.azure_ad_token  # type: ignore[assignment]
    if key is not None:
        secret = key.get_secret_value()
        headers["api-key"] = secret
    else:
        assert token is not None  # the config requires one of the two
        secret = token.get_secret_value()
        headers["Authorization"] = "Bearer " + secret
    return headers, (secret,)


def _filtered_categories(inner: Any) -> list[str]:
    result = inner.get("content_filter_result") if isinstance(inner, dict) else None
    if not isinstance(result, dict):
        return []
    return sorted(
        name for name, verdict in result.items() if isinstance(verdict, dict) and verdict.get("filtered") is True
    )


def parse_rate_limits(headers: Mapping[str, str]) -> RateLimitHint | None:
    """OpenAI's ``x-ratelimit-*`` reading, plus the ``x-rate-limit-reset-tokens`` Azure puts on 429s."""
    hint = openai_rate_limits(headers)
    if hint is not None and hint.reset_tokens is not None:
        return hint
    reset_tokens = parse_duration(headers.get("x-rate-limit-reset-tokens"))
    if reset_tokens is None:
        return hint
    if hint is None:
        return RateLimitHint(reset_tokens=reset_tokens)
    return RateLimitHint(hint.remaining_requests, hint.remaining_tokens, hint.reset_requests, reset_tokens)


def parse_error(
    status: int, raw: bytes, headers: Mapping[str, str], deployment: str, secrets: tuple[str, ...] = ()
) -> ProviderError:
    """Classify an Azure OpenAI error response by status and structured fields.

    Content-filter refusals become ``ProviderRejected`` with code ``content_filter`` (the filtered
    categories appended to the message); numeric-string codes carry nothing beyond the status
    and are dropped so the error keeps the gateway's own code. Everything else is OpenAI's shape.
    """
    fields: _AzureError = error_fields(raw)  # type: ignore[assignment]
    code = fields.get("code")
    if status == 400 and code == "content_filter":
        message = redact(str(fields.get("message") or "The request was filtered by Azure's content policy."), secrets)
        categories = _filtered_categories(fields.get("innererror"))
        if categories:
            message += f" (filtered categories: {', '.join(categories)})"
        refused = ProviderRejected(
            message,
            deployment=deployment,
            upstream_status=status,
            code="content_filter",
            param=fields.get("param") if isinstance(fields.get("param"), str) else None,
        )
        refused.ratelimit = parse_rate_limits(headers)
        return refused
    if isinstance(code, str) and code.isdigit():
        fields = {**fields, "code": None}
    return classify_error(status, fields, headers, deployment, secrets, parse_rate_limits)


# --- adapter ------------------------------------------------------------------------------


class AzureProvider(OpenAICompatProvider):
    """Adapter for one Azure OpenAI deployment: the ``openai`` adapter with Azure's URLs, auth and errors."""

    _parse_error = staticmethod(parse_error)
    _parse_rate_limits = staticmethod(parse_rate_limits)

    def __init__(self, name: str, config: AzureDeployment, transport: Transport) -> None:
        chat_url, embeddings_url = endpoint_urls(config)
        headers, secrets = auth_headers(config)
        self._setup(
            name,
            config.model,
            transport,
            config.timeout,
            chat_url=chat_url,
            embeddings_url=embeddings_url,
            headers=headers,
            secrets=secrets,
        )
