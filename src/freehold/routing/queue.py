"""Waiting for capacity instead of failing: a bounded, priority-ordered queue per alias.

When every deployment an alias could use is saturated (quota exhausted, circuit open), a request
waits here until one frees up or its deadline comes, whichever is first. Waiters are served by
priority (higher first), then in arrival order; only the head of the queue polls for capacity,
so a freed slot goes to the most important waiter. Past the deadline, or when the queue is full,
the caller gets a 429 whose Retry-After is the time until capacity is expected.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
from collections.abc import Callable

from freehold.config.routing import QueuePolicy
from freehold.errors import RateLimited

__all__ = ["AdmissionQueue"]


class AdmissionQueue:
    def __init__(self, alias: str, policy: QueuePolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self._alias = alias
        self._policy = policy
        self._clock = clock
        self._heap: list[tuple[int, int]] = []  # (-priority, seq)
        self._seq = itertools.count()
        self._changed = asyncio.Event()

    def __len__(self) -> int:
        return len(self._heap)

    async def wait(self, priority: int, deadline: float, capacity_in: Callable[[], float]) -> float:
        """Return once ``capacity_in()`` says 0 and this waiter is first in line; returns seconds waited.

        Raises:
            RateLimited: the queue is full, or capacity did not come before the deadline.
        """
        start = self._clock()
        limit = min(deadline, start + self._policy.max_wait)
        wait = capacity_in()
        if len(self._heap) >= self._policy.max_size:
            raise self._rejected(wait, "its wait queue is full")
        if start + wait > limit:  # capacity will not come in time: say so now rather than at the deadline
            raise self._rejected(wait, "capacity is not expected before the request's deadline or the queue's max_wait")
        entry = (-priority, next(self._seq))
        heapq.heappush(self._heap, entry)
        try:
            while True:
                wait = capacity_in()
                if self._heap[0] == entry and wait <= 0:
                    return self._clock() - start
                left = limit - self._clock()
                if left <= 0:
                    raise self._rejected(wait, "no capacity came within the request's deadline")  # pragma: no cover
                self._changed.clear()
                # Sleep until capacity is due, the line moves, or the deadline: whichever is first.
                timeout = min(left, wait) if wait > 0 else left
                # Awaited directly, so that this waiter is on the event before any other task runs. On
                # Python 3.11 ``wait_for`` would wrap it in a task that only starts later: a waiter
                # leaving in between sets the event, another going back to sleep clears it, and this
                # one sleeps on, at the head of the line, until its ``max_wait`` runs out.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(max(timeout, 0.001)):
                        await self._changed.wait()
        finally:
            self._heap.remove(entry)
            heapq.heapify(self._heap)
            self._changed.set()

    def _rejected(self, retry_after: float, why: str) -> RateLimited:
        return RateLimited(
            f"Every deployment of '{self._alias}' is at its rate limit and {why}; "
            f"retry in {max(retry_after, 1.0):.0f} s.",
            retry_after=max(retry_after, 1.0),
        )
