"""Deadline guards: cancel the current task if it is still running when its time is up.

Every upstream attempt runs under one. ``asyncio.timeout`` (or a ``call_later`` handle per
attempt) costs a timer per request: creating and cancelling it measured ~2 µs of the healthy
path (bench/RESULTS.md). Deadlines are seconds long and almost never fire, so guards due in the
same ``SLOT`` share one timer: arming a guard is a set insertion, disarming a removal, and at
most one timer per slot exists whatever the request rate.

Trade-off: a shared guard fires up to ``SLOT`` seconds *early*, never late, so that an error
still reaches the client within the deadline it was promised. A guard shorter than
``PRECISE_BELOW`` (a short deadline, or the rest of one after retries) gets a timer of its own,
where ``SLOT`` would be a noticeable share of the time.
"""

from __future__ import annotations

import asyncio

__all__ = ["DeadlineGuard", "DeadlineTimers"]

SLOT = 0.05
PRECISE_BELOW = 1.0
_SLOTS_PER_SECOND = round(1 / SLOT)


class DeadlineGuard:
    """Cancels its task when fired, unless disarmed first; created by ``DeadlineTimers.arm``."""

    __slots__ = ("_handle", "_members", "_task", "fired")

    def __init__(self, task: asyncio.Task[object] | None, members: set[DeadlineGuard] | None) -> None:
        self.fired = False
        self._task = task
        self._members = members
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
        if self._members is not None:
            self._members.discard(self)
        elif self._handle is not None:
            self._handle.cancel()


class DeadlineTimers:
    """Guards for one event loop, sharing a timer per ``SLOT`` of due time."""

    def __init__(self) -> None:
        self._slots: dict[int, set[DeadlineGuard]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def arm(self, seconds: float) -> DeadlineGuard:
        """A guard that cancels the current task within ``seconds`` (at most ``SLOT`` early)."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # slots of a loop that has gone would never fire here
            self._loop, self._slots = loop, {}
        task = asyncio.current_task(loop)
        if seconds < PRECISE_BELOW:
            guard = DeadlineGuard(task, None)
            guard._handle = loop.call_later(seconds, guard.fire)
            return guard
        slot = int((loop.time() + seconds) * _SLOTS_PER_SECOND)  # floor: never late
        members = self._slots.get(slot)
        if members is None:
            members = self._slots[slot] = set()
            loop.call_at(slot / _SLOTS_PER_SECOND, self._fire, slot)
        guard = DeadlineGuard(task, members)
        members.add(guard)
        return guard

    def _fire(self, slot: int) -> None:
        for guard in self._slots.pop(slot, ()):
            guard.fire()

    def pending(self) -> int:
        """Armed shared guards (for tests: every finished attempt must have disarmed its own)."""
        return sum(len(members) for members in self._slots.values())
