"""Per-alias retry budget: retries may add at most ``ratio`` of the first attempts (plus a floor).

Counted in one-second buckets over a sliding ``window``, so a burst of failures cannot turn
into a retry storm against an upstream that is already struggling.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from freehold.config.routing import RetryBudget as RetryBudgetPolicy

__all__ = ["RetryBudget"]


class RetryBudget:
    def __init__(self, policy: RetryBudgetPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self._policy = policy
        self._clock = clock
        self._buckets: deque[list[int]] = deque()  # [second, first_attempts, retries]

    def _bucket(self) -> list[int]:
        second = int(self._clock())
        buckets = self._buckets
        if not buckets or buckets[-1][0] != second:
            buckets.append([second, 0, 0])
            horizon = second - self._policy.window
            while buckets[0][0] <= horizon:
                buckets.popleft()
        return buckets[-1]

    def request(self) -> None:
        """Count a first attempt (on every request's path: the current second's bucket is checked inline)."""
        buckets = self._buckets
        if buckets and buckets[-1][0] == int(self._clock()):
            buckets[-1][1] += 1
        else:
            self._bucket()[1] += 1

    def try_spend(self) -> bool:
        """Take one retry if the budget allows it."""
        bucket = self._bucket()
        requests = sum(b[1] for b in self._buckets)
        retries = sum(b[2] for b in self._buckets)
        allowed = self._policy.ratio * requests + self._policy.min_per_second * self._policy.window
        if retries + 1 > allowed:
            return False
        bucket[2] += 1
        return True
