"""Stored Responses API answers, for ``previous_response_id`` and ``GET``/``DELETE /v1/responses/{id}``.

The memory store is bounded by count and by bytes (least recently used entries go first) and
entries expire after a time to live. Bytes are counted as the JSON size of an entry's response
and of its whole conversation: conservative, since the turns of one chain share their items in
memory, but simple and never under the truth, so the bound holds (``responses_store_bytes``).

It lives in one process: replicas behind a load balancer do not share it, so a client chaining
responses must reach the same replica until a persistent store implements ``ResponseStore``.

Each entry holds the whole conversation up to and including that response (every input item and
output item of the chain, without ``instructions``, which the API does not carry over). In
memory the item objects are shared between the entries of one chain, so a long chain costs one
list of references per turn; a persistent store may prefer to keep each turn's own items plus a
link to its parent.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Protocol

import orjson

__all__ = ["DEFAULT_MAX_BYTES", "MemoryResponseStore", "ResponseStore", "StoredResponse"]

log = logging.getLogger("freehold.responses")

DEFAULT_MAX_BYTES: Final = 256 * 1024 * 1024


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
    """An LRU map with a time to live, bounded by entries and by bytes, for one process."""

    def __init__(
        self,
        max_entries: int = 10_000,
        ttl_seconds: float = 24 * 3600.0,
        clock: Callable[[], float] = time.monotonic,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        if max_entries < 1 or ttl_seconds <= 0 or max_bytes < 1:
            raise ValueError("max_entries and max_bytes must be at least 1 and ttl_seconds positive")
        self._max = max_entries
        self._max_bytes = max_bytes
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, StoredResponse, int]] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        """What the entries count for against ``max_bytes``."""
        return self._bytes

    async def get(self, response_id: str) -> StoredResponse | None:
        entry = self._entries.get(response_id)
        if entry is None:
            return None
        expires, stored, _ = entry
        if expires <= self._clock():
            self._drop(response_id)
            return None
        self._entries.move_to_end(response_id)
        return stored

    async def put(self, response_id: str, stored: StoredResponse) -> None:
        size = len(orjson.dumps(stored.response)) + len(orjson.dumps(stored.conversation))
        if response_id in self._entries:
            self._drop(response_id)
        if size > self._max_bytes:
            log.info(
                "response %s (%d bytes) is larger than the store's bound (%d bytes): not kept",
                response_id,
                size,
                self._max_bytes,
            )
            return
        now = self._clock()
        self._entries[response_id] = (now + self._ttl, stored, size)
        self._bytes += size
        while len(self._entries) > self._max or self._bytes > self._max_bytes:
            self._drop(next(iter(self._entries)))
        # Expired entries are dropped when read; sweep the oldest few here so idle ones do not linger.
        for _ in range(2):
            oldest_id, (expires, _, _) = next(iter(self._entries.items()))
            if expires > now:
                break
            self._drop(oldest_id)

    async def delete(self, response_id: str) -> bool:
        entry = self._entries.get(response_id)
        if entry is None:
            return False
        self._drop(response_id)
        return entry[0] > self._clock()

    def _drop(self, response_id: str) -> None:
        _, _, size = self._entries.pop(response_id)
        self._bytes -= size
