"""Where cached answers live: one small protocol, in-process (LRU) or in Redis (shared by replicas).

A value is opaque bytes under a key, with a time to live. The in-process store is bounded by
entries and by bytes, and forgets the least recently used first; Redis expires entries itself
(``SET ... PX``) and is bounded by its own ``maxmemory`` policy. A store that fails (Redis down)
makes the cache miss, never the request fail: ``get`` and ``put`` errors are logged by the caller.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["CacheStore", "MemoryStore", "RedisStore"]


class CacheStore(Protocol):
    async def get(self, key: str) -> bytes | None:
        """The value under ``key``, unless it is missing or expired."""
        ...

    async def put(self, key: str, value: bytes, ttl: float) -> None:
        """Store ``value`` for ``ttl`` seconds (replacing any)."""
        ...

    async def close(self) -> None: ...


class MemoryStore:
    """An LRU map bounded by entries and bytes; expired entries are dropped when read or pushed out."""

    def __init__(self, max_entries: int, max_bytes: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._clock = clock
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: str) -> bytes | None:
        found = self._entries.get(key)
        if found is None:
            return None
        expires, value = found
        if expires <= self._clock():
            del self._entries[key]
            self.bytes -= len(value)
            return None
        self._entries.move_to_end(key)
        return value

    async def put(self, key: str, value: bytes, ttl: float) -> None:
        if len(value) > self._max_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= len(old[1])
        self._entries[key] = (self._clock() + ttl, value)
        self.bytes += len(value)
        while len(self._entries) > self._max_entries or self.bytes > self._max_bytes:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.bytes -= len(dropped)

    async def close(self) -> None:
        self._entries.clear()
        self.bytes = 0


class RedisStore:
    """Entries in Redis under ``prefix`` + ``cache:`` + key, expiring by themselves: shared by every replica."""

    def __init__(self, client: Redis, prefix: str) -> None:
        self._redis = client
        self._prefix = prefix + "cache:"

    @classmethod
    def from_url(cls, url: str, prefix: str, timeout: float = 0.5) -> RedisStore:
        from freehold.stores.redis_client import redis_client

        return cls(redis_client(url, timeout=timeout), prefix)

    @property
    def client(self) -> Redis:
        return self._redis

    @property
    def prefix(self) -> str:
        return self._prefix

    async def get(self, key: str) -> bytes | None:
        value = await self._redis.get(self._prefix + key)
        return value if isinstance(value, bytes) else None

    async def put(self, key: str, value: bytes, ttl: float) -> None:
        await self._redis.set(self._prefix + key, value, px=max(1, int(ttl * 1000)))

    async def close(self) -> None:
        await self._redis.aclose(close_connection_pool=True)
