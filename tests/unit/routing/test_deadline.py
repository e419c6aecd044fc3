"""Deadline guards: cancel on time (shared slots a little early, never late), and cost nothing once disarmed."""

from __future__ import annotations

import asyncio
import time

import pytest

from freehold.routing.deadline import DeadlineTimers
from freehold.timers import SLOT


async def _time_until_cancelled(timers: DeadlineTimers, seconds: float) -> tuple[float, bool]:
    started = time.monotonic()
    guard = timers.arm(seconds)
    try:
        await asyncio.sleep(seconds + 1)
    except asyncio.CancelledError:
        guard.absorb()
        return time.monotonic() - started, guard.fired
    finally:
        guard.disarm()
    return time.monotonic() - started, guard.fired


@pytest.mark.parametrize("seconds", [0.2, 1.2])  # an own timer, and a shared slot
def test_a_guard_cancels_its_task_within_its_time(seconds: float) -> None:
    elapsed, fired = asyncio.run(_time_until_cancelled(DeadlineTimers(), seconds))
    assert fired
    assert seconds - SLOT - 0.01 <= elapsed <= seconds + 0.05  # early by at most one slot, never late


def test_guards_due_together_share_one_slot_and_disarm_cleanly() -> None:
    timers = DeadlineTimers()

    async def main() -> None:
        guards = [timers.arm(30) for _ in range(100)]
        assert timers.pending() == 100
        assert len(timers._shared._slots) <= 2  # all due within the same 50 ms, give or take a boundary
        for guard in guards:
            guard.disarm()
        assert timers.pending() == 0

    asyncio.run(main())


def test_a_disarmed_guard_never_fires() -> None:
    timers = DeadlineTimers()

    async def main() -> bool:
        guard = timers.arm(0.05)
        guard.disarm()
        await asyncio.sleep(0.15)  # would have been cancelled here
        return guard.fired

    assert asyncio.run(main()) is False


def test_each_event_loop_gets_its_own_slots() -> None:
    timers = DeadlineTimers()
    for _ in range(2):  # a slot left by the first loop must not swallow the second loop's guard
        elapsed, fired = asyncio.run(_time_until_cancelled(timers, 1.1))
        assert fired and elapsed <= 1.2
