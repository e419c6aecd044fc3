"""Stored Responses API answers, for ``previous_response_id`` and ``GET``/``DELETE /v1/responses/{id}``.

The memory store is bounded (least recently used entries go first) and entries expire after a
time to live. It lives in one process: replicas behind a load balancer do not share it, so a
client chaining responses must reach the same replica until a persistent store implements
``ResponseStore``.

Each entry holds the whole conversation up to and including that response (every input item and
output item of the chain, without ``instructions``, which the API does not carry over). In
memory the item objects are shared between the entries of one chain, so a long chain costs one
list of references per turn; a persistent store may prefer to keep each turn's own items plus a
link to its parent.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["MemoryResponseStore", "ResponseStore", "StoredResponse"]


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """One stored answer.

    Attributes:
        response: the ``response`` object as the client received it (what ``GET`` returns).
        conversation: the input and output items of the whole chain, oldest first, in the
            Responses API's item format; a follow-up turn is sent with these before its own input.
    """

    response: dict[str, Any]
    conversation: list[dict[str, Any]]


class ResponseStore(Protocol):
    """Where stored responses live; the memory store below, or later a persistent one."""

    async def get(self, response_id: str) -> StoredResponse | None: ...

    async def put(self, response_id: str, stored: StoredResponse) -> None: ...

    async def delete(self, response_id: str) -> bool:
        """Forget a response; False if it was not stored."""
        ...


class MemoryResponseStore:
    """An LRU map with a time to live, for one process."""

    def __init__(
        self,
        max_entries: int = 10_000,
        ttl_seconds: float = 24 * 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1 or ttl_seconds <= 0:
            raise ValueError("max_entries must be at least 1 and ttl_seconds positive")
        self._max = max_entries
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, StoredResponse]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, response_id: str) -> StoredResponse | None:
        entry = self._entries.get(response_id)
        if entry is None:
            return None
        expires, stored = entry
        if expires <= self._clock():
            del self._entries[response_id]
            return None
        self._entries.move_to_end(response_id)
        return stored

    async def put(self, response_id: str, stored: StoredResponse) -> None:
        now = self._clock()
        self._entries[response_id] = (now + self._ttl, stored)
        self._entries.move_to_end(response_id)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
        # Expired entries are dropped when read; sweep the oldest few here so idle ones do not linger.
        for _ in range(2):
            oldest = next(iter(self._entries.items()))
            if oldest[1][0] > now:
                break
            del self._entries[oldest[0]]

    async def delete(self, response_id: str) -> bool:
        entry = self._entries.pop(response_id, None)
        return entry is not None and entry[0] > self._clock()
