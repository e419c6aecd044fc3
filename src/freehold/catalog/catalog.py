"""Lookup of what a model accepts: context window, output limit, abilities, parameter quirks.

Entries are matched by exact name first, then by the longest listed prefix, so dated snapshots
(``gpt-4o-2024-08-06``, ``claude-sonnet-4-5-20250929``) find their family's entry. A model that
is not listed is treated as accepting everything: the upstream then has the last word.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from freehold.config.common import Price

__all__ = ["ModelInfo", "load_catalog", "lookup", "max_output_tokens"]


class ModelInfo(BaseModel):
    """One catalog entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    vendor: Literal["openai", "anthropic", "google", "meta", "mistral", "deepseek", "xai", "other"]
    context_window: int = Field(gt=0)
    max_output_tokens: int = Field(gt=0)
    tools: bool = True
    vision: bool = False
    json_schema: bool = False
    """Native structured output (``response_format: json_schema``)."""
    streaming_usage: bool = True
    """Reports usage at the end of a stream."""
    reasoning: bool = False
    """A reasoning model: takes ``max_completion_tokens``, and a reasoning effort or budget."""
    fixed_temperature: bool = False
    """Rejects ``temperature``/``top_p`` other than the default (OpenAI o-series, gpt-5)."""
    embeddings: bool = False
    price: Price | None = None
    """List price in USD per million tokens; None when the catalog does not know it."""


@cache
def load_catalog() -> dict[str, ModelInfo]:
    """The packaged catalog, parsed once."""
    text = resources.files("freehold.catalog").joinpath("models.yaml").read_text(encoding="utf-8")
    entries = yaml.safe_load(text)["models"]
    return {e["name"]: ModelInfo.model_validate(e) for e in entries}


@cache
def lookup(model: str) -> ModelInfo | None:
    """The entry for ``model``: exact, else longest matching prefix, else None."""
    catalog = load_catalog()
    if model in catalog:
        return catalog[model]
    bare = model.rsplit("/", 1)[-1]  # "models/gemini-2.5-pro", "openai/gpt-4o"
    best = max((name for name in catalog if bare.startswith(name)), key=len, default=None)
    return catalog[best] if best else None


def max_output_tokens(model: str, default: int = 4096) -> int:
    """The model's output limit, for vendors that require ``max_tokens`` (Anthropic)."""
    info = lookup(model)
    return info.max_output_tokens if info else default
