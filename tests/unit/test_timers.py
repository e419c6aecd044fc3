"""Shared slot timers: early ones never fire late, late ones never fire early."""

from __future__ import annotations

import asyncio
import time

import pytest

from freehold.timers import SLOT, SlotTimers


class Member:
    def __init__(self) -> None:
        self.fired_at: float | None = None

    def fire(self) -> None:
        self.fired_at = time.monotonic()


@pytest.mark.parametrize("early", [True, False])
def test_members_fire_within_one_slot_on_the_promised_side(early: bool) -> None:
    timers = SlotTimers(early=early)

    async def main() -> list[float]:
        started = time.monotonic()
        members = [Member() for _ in range(20)]
        for i, m in enumerate(members):
            timers.add(m, 0.1 + i * 0.007)
        await asyncio.sleep(0.4)
        assert timers.pending() == 0
        return [m.fired_at - started - (0.1 + i * 0.007) for i, m in enumerate(members) if m.fired_at]

    offsets = asyncio.run(main())
    assert len(offsets) == 20
    if early:
        assert all(-SLOT - 0.005 <= o <= 0.01 for o in offsets), offsets
    else:
        assert all(-0.002 <= o <= SLOT + 0.02 for o in offsets), offsets


def test_a_discarded_member_does_not_fire() -> None:
    timers = SlotTimers(early=False)

    async def main() -> Member:
        m = Member()
        timers.add(m, 0.01).discard(m)
        await asyncio.sleep(0.1)
        return m

    assert asyncio.run(main()).fired_at is None
