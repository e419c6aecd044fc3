"""The exact cache: answers stored under the hash of the normalized request and its scope (``keys.py``).

An entry is the deployment that answered (its prices make a hit's saved cost) and the canonical
answer body. Store failures (Redis down) are a miss, logged once per outage, never an error:
the cache is an optimisation, the upstream is still there.
"""

from __future__ import annotations

import logging

from freehold.cache.store import CacheStore

__all__ = ["Entry", "ExactCache"]

log = logging.getLogger("freehold.cache")

Entry = tuple[str, bytes]
"""(deployment, answer body)."""


class ExactCache:
    def __init__(self, store: CacheStore, max_entry_bytes: int) -> None:
        self.store = store
        self._max_entry_bytes = max_entry_bytes
        self._failing = False

    async def get(self, key: str) -> Entry | None:
        try:
            value = await self.store.get(key)
        except Exception as exc:
            self._failed("read", exc)
            return None
        self._recovered()
        if value is None:
            return None
        deployment, sep, body = value.partition(b"\n")
        return (deployment.decode(), body) if sep else None

    async def put(self, key: str, deployment: str, body: bytes, ttl: float) -> bool:
        """Store an answer; False when it is too large or the store failed."""
        if len(body) > self._max_entry_bytes or "\n" in deployment:
            return False
        try:
            await self.store.put(key, deployment.encode() + b"\n" + body, ttl)
        except Exception as exc:
            self._failed("write", exc)
            return False
        self._recovered()
        return True

    def _failed(self, what: str, exc: Exception) -> None:
        if not self._failing:
            self._failing = True
            log.warning("cache: %s failed, serving from upstream until the store answers: %s", what, exc)

    def _recovered(self) -> None:
        if self._failing:
            self._failing = False
            log.warning("cache: store answers again")
