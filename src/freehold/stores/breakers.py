"""Per-deployment circuit breakers: closed → open → half-open (probe) → closed.

A deployment that fails ``failure_threshold`` times in a row (failures that say the deployment
is unwell: timeouts, resets, 5xx, 429 rate limits) is *opened*: requests skip it for
``cooldown`` seconds. Then it is *half-open*: one request at a time may probe it; a success
closes it (after ``half_open_probes`` of them), a failure opens it for another cooldown.

``Breakers`` is the protocol; ``MemoryBreakers`` keeps state in this process, and
``breaker_redis.RedisBreakers`` shares it across replicas.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from freehold.config.routing import BreakerPolicy

__all__ = ["BreakerState", "Breakers", "MemoryBreakers", "State"]

State = Literal["closed", "open", "half_open"]


class Breakers(Protocol):
    """Circuit state for every deployment, keyed by deployment name."""

    def settled(self, deployment: str) -> bool:
        """Whether, without I/O, ``allow`` is known to say yes and a success to change nothing.

        True for a closed circuit with no failure counted: callers may then skip both calls,
        which keeps the healthy path free of two awaits per request.
        """
        ...

    async def allow(self, deployment: str) -> bool:
        """May a request go to ``deployment`` now? In half-open, admits one probe at a time."""
        ...

    async def record(self, deployment: str, ok: bool) -> State | None:
        """Record an attempt's outcome (``ok`` false only for failures that count).

        Returns the new state if it changed, else None.
        """
        ...

    async def state(self, deployment: str) -> State: ...

    async def retry_in(self, deployment: str) -> float:
        """Seconds until an open circuit lets a probe through (0 when it would now)."""
        ...


@dataclass(slots=True)
class BreakerState:
    state: State = "closed"
    failures: int = 0
    successes: int = 0
    opened_at: float = 0.0
    probing: bool = False
    probe_started: float = 0.0


class MemoryBreakers:
    """In-process breakers (one replica, or tests)."""

    def __init__(
        self,
        policy: BreakerPolicy,
        clock: Callable[[], float] = time.monotonic,
        on_half_open: Callable[[str, State], None] | None = None,
    ) -> None:
        self._policy = policy
        self._clock = clock
        self._states: dict[str, BreakerState] = {}
        self._on_half_open = on_half_open
        """Told when a cooldown ends (that transition happens on read, not in ``record``)."""

    def _get(self, deployment: str) -> BreakerState:
        st = self._states.get(deployment)
        if st is None:
            st = self._states[deployment] = BreakerState()
        return st

    def _refresh(self, deployment: str, st: BreakerState) -> None:
        now = self._clock()
        if st.state == "open" and now - st.opened_at >= self._policy.cooldown:
            st.state, st.successes, st.probing = "half_open", 0, False
            if self._on_half_open is not None:
                self._on_half_open(deployment, "half_open")
        elif st.probing and now - st.probe_started >= self._policy.cooldown:
            st.probing = False  # a probe that never reported (cancelled): let another one go

    def settled(self, deployment: str) -> bool:
        st = self._states.get(deployment)
        return st is None or (st.failures == 0 and st.state == "closed")

    async def allow(self, deployment: str) -> bool:
        st = self._states.get(deployment)
        if st is None:  # a deployment that never failed
            return True
        self._refresh(deployment, st)
        if st.state == "closed":
            return True
        if st.state == "half_open" and not st.probing:
            st.probing, st.probe_started = True, self._clock()
            return True
        return False

    async def record(self, deployment: str, ok: bool) -> State | None:
        st = self._states.get(deployment)
        if ok and st is None:
            return None
        st = st or self._get(deployment)
        before = st.state
        if ok:
            st.failures = 0
            if st.state == "half_open":
                st.successes += 1
                st.probing = False
                if st.successes >= self._policy.half_open_probes:
                    st.state = "closed"
        else:
            st.failures += 1
            if st.state == "half_open" or st.failures >= self._policy.failure_threshold:
                st.state, st.opened_at, st.probing = "open", self._clock(), False
        return st.state if st.state != before else None

    async def state(self, deployment: str) -> State:
        st = self._states.get(deployment)
        if st is None:
            return "closed"
        self._refresh(deployment, st)
        return st.state

    async def retry_in(self, deployment: str) -> float:
        st = self._states.get(deployment)
        if st is None or st.state != "open":
            return 0.0
        return max(0.0, self._policy.cooldown - (self._clock() - st.opened_at))
