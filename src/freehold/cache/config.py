"""The gateway file's ``cache:`` section and each alias's ``cache:`` policy (docs/caching.md).

Caching is off unless an alias turns it on: a cached answer is repeated verbatim, which changes
what a sampled prompt (temperature > 0) means. An operator opts in per alias, where repeating an
answer is acceptable.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from freehold.config.common import StrictModel

__all__ = ["AliasCache", "CacheSection", "SemanticPolicy"]


class CacheSection(StrictModel):
    """Top-level defaults: where entries live and how long."""

    backend: Literal["memory", "redis"] | None = None
    """``memory`` (per process) or ``redis`` (shared by replicas; needs ``server.redis_url``).
    Default: redis when ``server.redis_url`` is set, else memory."""
    ttl: float = Field(3600, gt=0, le=30 * 86400)
    """Seconds an entry is served."""
    max_entries: int = Field(10_000, ge=1)
    """Entries the in-process store keeps (least recently used go first); vectors of the semantic index
    (in process: in all; in Redis: per partition)."""
    max_bytes: int = Field(256 * 1024 * 1024, ge=1024)
    """Bytes of answers the in-process store keeps."""
    max_entry_bytes: int = Field(1024 * 1024, ge=1024)
    """An answer larger than this is not cached."""


class SemanticPolicy(StrictModel):
    """A hit for a paraphrase: the last user message's embedding close enough to a cached one's."""

    threshold: float = Field(0.95, gt=0, le=1)
    """Cosine similarity a cached prompt must reach."""
    max_chars: int = Field(2000, ge=1, le=100_000)
    """Longer last messages are looked up exactly only (the embedding reads their start only)."""
    embedder: str = Field("freehold.embedding.minilm:shared", pattern=r"^[\w.]+:\w+$")
    """The embedding model, as ``module:function`` returning it (the ``router`` extra's MiniLM by default)."""


class AliasCache(StrictModel):
    """An alias's cache policy."""

    exact: bool = True
    """Serve an identical request (after normalization) from the cache."""
    semantic: SemanticPolicy | None = None
    """Also serve a paraphrase (needs the ``router`` extra: numpy and the embedding model)."""
    scope: Literal["key", "team"] = "key"
    """Whose answers a request may get: its key's own, or its key's team's (a key without a team: its own)."""
    ttl: float | None = Field(None, gt=0, le=30 * 86400)
    """Seconds; default ``cache.ttl``."""
    tools: bool = False
    """Cache requests that offer tools (their answers may be calls that act on the world)."""
    streams: bool = True
    """Store streamed answers too (assembled from their chunks) and replay hits as streams."""

    @model_validator(mode="after")
    def _caches_something(self) -> AliasCache:
        if not self.exact and self.semantic is None:
            raise ValueError("exact: false needs semantic: {...}; to turn the cache off, leave 'cache' out")
        return self
