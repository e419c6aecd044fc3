"""The cache stage from the gateway file: its store, and the semantic index where an alias asks for one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from freehold.cache.exact import ExactCache
from freehold.cache.stage import CacheStage
from freehold.cache.store import CacheStore, MemoryStore, RedisStore
from freehold.errors import ConfigError

if TYPE_CHECKING:
    from freehold.cache.config import SemanticPolicy
    from freehold.cache.semantic import SemanticIndex
    from freehold.config.model import GatewayConfig
    from freehold.observability.metrics import Metrics

__all__ = ["cache_stage"]


def cache_stage(
    config: GatewayConfig, redis_url: str | None, redis_prefix: str, metrics: Metrics | None
) -> tuple[CacheStage, list[str]] | None:
    """The stage and the aliases it applies to; None when no alias turns caching on (nothing is built)."""
    policies = {alias: spec.cache for alias, spec in config.aliases.items() if spec.cache is not None}
    if not policies:
        return None
    section = config.cache
    backend = section.backend or ("redis" if redis_url else "memory")
    store: CacheStore
    if backend == "redis":
        if not redis_url:
            raise ConfigError(["cache.backend: 'redis' needs server.redis_url (or FREEHOLD_REDIS_URL)"])
        store = RedisStore.from_url(redis_url, redis_prefix)
    else:
        store = MemoryStore(section.max_entries, section.max_bytes)
    semantic: SemanticIndex | None = None
    wanted = {alias: p.semantic for alias, p in policies.items() if p.semantic is not None}
    if wanted:
        semantic = _semantic(wanted, store, redis_prefix, section.max_entries)
    counter = metrics.cache if metrics is not None else None
    stage = CacheStage(policies, ExactCache(store, section.max_entry_bytes), section.ttl, semantic, counter)
    return stage, list(policies)


def _semantic(wanted: dict[str, SemanticPolicy], store: CacheStore, prefix: str, max_entries: int) -> SemanticIndex:
    embedders = {p.embedder for p in wanted.values()}
    if len(embedders) > 1:
        raise ConfigError([f"aliases.*.cache.semantic.embedder: one embedder for every alias, got {sorted(embedders)}"])
    path = embedders.pop()
    try:
        from freehold.cache.semantic import MemoryVectors, RedisVectors, SemanticIndex, Vectors, load_embedder
    except ImportError as exc:
        alias = next(iter(wanted))
        raise ConfigError(
            [
                f"aliases.{alias}.cache.semantic: needs numpy ({exc}); "
                "install the 'router' extra: pip install 'freehold[router]'"
            ]
        ) from None
    try:
        embedder = load_embedder(path)
    except ValueError as exc:
        alias = next(a for a, p in wanted.items() if p.embedder == path)
        raise ConfigError([f"aliases.{alias}.cache.semantic.embedder: {exc}"]) from None
    vectors: Vectors
    if isinstance(store, RedisStore):
        vectors = RedisVectors(store.client, store.prefix, embedder.dim, max_entries)
    else:
        vectors = MemoryVectors(embedder.dim, max_entries)
    return SemanticIndex(embedder, vectors)
