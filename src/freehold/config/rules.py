"""An alias's routing: ordered rules (``routes:``) and the difficulty router (``router:``).

Routing rewrites a request's ``model`` to another alias before dispatch, so the target's own
deployments, fallbacks, retries and breakers apply. ``routing/rules.py`` evaluates what is
declared here; docs/routing.md explains the vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from freehold.config.common import StrictModel
from freehold.config.privacy import Action
from freehold.privacy.spans import CATEGORIES

__all__ = ["RouteRule", "RouterSpec", "When", "describe_when", "is_import", "routing_edges"]

_Text = Annotated[str, StringConstraints(min_length=1, max_length=200)]
_Values = tuple[_Text, ...]
_TAG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_IMPORT = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


def _values(value: object) -> object:
    """A single string where a list is expected means a list of one: ``teams: research``."""
    return (value,) if isinstance(value, str) else value


class When(StrictModel):
    """The conditions of one rule: all that are set must hold (AND); a list means any of its values (OR)."""

    keys: _Values | None = None
    """Virtual keys, by id (``key_…``) or name."""
    teams: _Values | None = None
    """Teams of the key, by id (``team_…``) or name."""
    key_metadata: dict[_Text, _Values] | None = None
    """Fields of the key's ``metadata`` (else its team's), each one of the listed values: ``{tier: [gold]}``."""
    tags: dict[_Text, _Values] | None = None
    """The request's ``x-freehold-metadata-<name>`` headers (names lower case), each one of the listed values."""
    prompt_tokens_over: int | None = Field(None, ge=0)
    """The prompt's estimated tokens (about four characters each) exceed this."""
    prompt_tokens_under: int | None = Field(None, ge=1)
    """The prompt's estimated tokens are below this."""
    has_tools: bool | None = None
    """The request offers tools (true) or none (false)."""
    has_images: bool | None = None
    """A message carries an image (true) or none does (false)."""
    privacy: tuple[str, ...] | None = None
    """The privacy stage found one of these categories; ``sensitive``: any; ``clean``: none (or not scanned)."""
    privacy_action: tuple[Action, ...] | None = None
    """The privacy policy applied one of these actions (``redact``, ``pseudonymize``, ``local_only``, ...)."""
    budget_used_over: float | None = Field(None, gt=0, le=10)
    """The key's or its team's budget (whichever is more used) has spent more than this share of this period's."""

    _keys = field_validator("keys", "teams", "privacy_action", mode="before")(_values)

    @field_validator("privacy", mode="before")
    @classmethod
    def _privacy(cls, value: object) -> object:
        value = _values(value)
        if isinstance(value, list | tuple):
            words = set(value)
            if words & {"sensitive", "clean"} and len(words) > 1:
                raise ValueError("'sensitive' and 'clean' stand alone; or list categories")
            for item in value:
                if item not in CATEGORIES and item not in ("sensitive", "clean"):
                    raise ValueError(
                        f"unknown category {item!r}; use 'sensitive' (any), 'clean' (none), or categories of: "
                        + ", ".join(CATEGORIES)
                    )
        return value

    @field_validator("key_metadata", "tags", mode="before")
    @classmethod
    def _mapping(cls, value: object) -> object:
        if isinstance(value, Mapping):
            return {k: _values(v) for k, v in value.items()}
        return value

    @field_validator("tags")
    @classmethod
    def _tag_names(cls, value: dict[str, tuple[str, ...]] | None) -> dict[str, tuple[str, ...]] | None:
        for name in value or {}:
            if not _TAG.match(name):
                raise ValueError(
                    f"tag '{name}' must be lower case letters, digits, - and _ (the x-freehold-metadata-<name> "
                    "header's suffix)"
                )
        return value

    @model_validator(mode="after")
    def _something(self) -> When:
        if not self.model_fields_set:
            raise ValueError(
                "has no condition; give at least one (teams, keys, key_metadata, tags, prompt_tokens_over, "
                "prompt_tokens_under, has_tools, has_images, privacy, privacy_action, budget_used_over)"
            )
        over, under = self.prompt_tokens_over, self.prompt_tokens_under
        if over is not None and under is not None and under <= over + 1:
            raise ValueError("prompt_tokens_under must exceed prompt_tokens_over + 1, or no prompt can match")
        return self


class RouteRule(StrictModel):
    """``when`` the conditions hold, send the request ``to`` another alias."""

    when: When
    to: str = Field(min_length=1)


class RouterSpec(StrictModel):
    """The difficulty router: prompts scored above ``threshold`` go to ``strong``, the rest to ``weak``."""

    strong: str = Field(min_length=1)
    weak: str = Field(min_length=1)
    threshold: float | None = Field(None, ge=0, le=1)
    """Defaults to the model's own threshold."""
    model: str = Field("default", min_length=1)
    """``default`` (the shipped router), a trained router's path, or ``package.module:factory`` returning a scorer."""

    @field_validator("model")
    @classmethod
    def _model(cls, value: str) -> str:
        if ":" in value and "/" not in value and not _IMPORT.match(value):
            raise ValueError("must be 'default', a path, or 'package.module:factory'")
        return value


def is_import(model: str) -> bool:
    """``router.model`` names a ``package.module:factory`` (tests' stub scorers, an operator's own)."""
    return bool(_IMPORT.match(model))


def describe_when(when: When) -> str:
    """A rule's conditions, readable, in a stable order: ``teams=research & tags.env=prod``."""
    parts: list[str] = []
    for name in When.model_fields:
        value = getattr(when, name)
        if value is None:
            continue
        if isinstance(value, dict):
            parts.extend(f"{name.removesuffix('s')}.{k}={'|'.join(v)}" for k, v in value.items())
        elif isinstance(value, tuple):
            parts.append(f"{name}={'|'.join(value)}")
        elif isinstance(value, bool):
            parts.append(name if value else f"not {name}")
        else:
            parts.append(f"{name}={value:g}" if isinstance(value, float) else f"{name}={value}")
    return " & ".join(parts).replace("key_metadata.", "key.").replace("tag.", "tags.")


def routing_edges(routes: tuple[RouteRule, ...], router: RouterSpec | None) -> list[tuple[str, str]]:
    """``(where, target)`` for every alias an alias may route to, with the key path of each."""
    out = [(f"routes[{i}].to", rule.to) for i, rule in enumerate(routes)]
    if router is not None:
        out += [("router.strong", router.strong), ("router.weak", router.weak)]
    return out
