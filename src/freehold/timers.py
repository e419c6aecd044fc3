"""Timers shared by everything due in the same 50 ms slot.

Each request arms two timers that almost never fire: its upstream deadline and the start of its
disconnect watcher. A ``call_later`` handle per timer (created, then cancelled) measured ~2 µs of
the healthy path each (bench/RESULTS.md). ``SlotTimers`` keeps one loop timer per ``SLOT`` of
due time instead: arming is a set insertion, disarming a removal, and at most one loop timer
per slot exists whatever the request rate. Each instance fires either at most one slot *early*
(deadlines: an error must reach the client within the time it was promised) or at most one slot
*late* (a watcher that may start a little later, so that fast requests never start one).
"""

from __future__ import annotations

import asyncio
import math
from typing import Protocol

__all__ = ["SLOT", "SlotTimers", "Timed"]

SLOT = 0.05
_SLOTS_PER_SECOND = round(1 / SLOT)


class Timed(Protocol):
    def fire(self) -> None:
        """Called once, from the event loop, when the member's slot is due."""


class SlotTimers:
    """Calls ``fire()`` on each member when its slot is due; one instance per kind of timer."""

    def __init__(self, *, early: bool) -> None:
        self._early = early
        self._slots: dict[int, set[Timed]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def add(self, member: Timed, seconds: float) -> set[Timed]:
        """Fire ``member`` about ``seconds`` from now; returns its slot, from which ``discard`` disarms it."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # slots of a loop that has gone would never fire here
            self._loop, self._slots = loop, {}
        due = (loop.time() + seconds) * _SLOTS_PER_SECOND
        slot = int(due) if self._early else math.ceil(due)  # floor: never late; ceil: never early
        members = self._slots.get(slot)
        if members is None:
            members = self._slots[slot] = set()
            loop.call_at(slot / _SLOTS_PER_SECOND, self._fire, slot)
        members.add(member)
        return members

    def _fire(self, slot: int) -> None:
        for member in self._slots.pop(slot, ()):
            member.fire()

    def pending(self) -> int:
        """Members still armed (for tests: every finished request must have disarmed its own)."""
        return sum(len(members) for members in self._slots.values())
