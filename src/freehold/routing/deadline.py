"""Deadline guards: cancel the current task if it is still running when its time is up.

Every upstream attempt runs under one. Guards share a loop timer per 50 ms slot
(``freehold.timers``), since deadlines are seconds long and almost never fire: a timer of its
own per attempt measured ~2 µs of the healthy path. A shared guard fires up to one slot *early*,
never late, so that an error still reaches the client within the deadline it was promised. A
guard shorter than ``PRECISE_BELOW`` (a short deadline, or the rest of one after retries) gets a
timer of its own, where a slot would be a noticeable share of the time.
"""

from __future__ import annotations

import asyncio

from freehold.timers import SlotTimers, Timed

__all__ = ["DeadlineGuard", "DeadlineTimers"]

PRECISE_BELOW = 1.0


class DeadlineGuard:
    """Cancels its task when fired, unless disarmed first; created by ``DeadlineTimers.arm``."""

    __slots__ = ("_handle", "_slot", "_task", "fired")

    def __init__(self, task: asyncio.Task[object] | None) -> None:
        self.fired = False
        self._task = task
        self._slot: set[Timed] | None = None
        self._handle: asyncio.TimerHandle | None = None

    def fire(self) -> None:
        self.fired = True
        if self._task is not None:
            self._task.cancel()

    def absorb(self) -> None:
        """Turn the cancellation this guard caused back into a normal return path."""
        if self._task is not None:
            self._task.uncancel()

    def disarm(self) -> None:
        if self._slot is not None:
            self._slot.discard(self)
        elif self._handle is not None:
            self._handle.cancel()


class DeadlineTimers:
    """Deadline guards for one engine."""

    def __init__(self) -> None:
        self._shared = SlotTimers(early=True)

    def arm(self, seconds: float) -> DeadlineGuard:
        """A guard that cancels the current task within ``seconds`` (at most one slot early)."""
        guard = DeadlineGuard(asyncio.current_task())
        if seconds < PRECISE_BELOW:
            guard._handle = asyncio.get_running_loop().call_later(seconds, guard.fire)
        else:
            guard._slot = self._shared.add(guard, seconds)
        return guard

    def pending(self) -> int:
        """Armed shared guards (for tests: every finished attempt must have disarmed its own)."""
        return self._shared.pending()
