"""AdmissionQueue: waiting for capacity in priority order, bounded by size, max_wait and the deadline."""

from __future__ import annotations

import asyncio
import time

import pytest

from freehold.config.routing import QueuePolicy
from freehold.errors import RateLimited
from freehold.routing.queue import AdmissionQueue


def queue(max_size: int = 10, max_wait: float = 5.0) -> AdmissionQueue:
    return AdmissionQueue("smart", QueuePolicy(max_size=max_size, max_wait=max_wait), time.monotonic)


def far() -> float:
    return time.monotonic() + 60.0


def ready_in(seconds: float) -> object:
    at = time.monotonic() + seconds

    def capacity_in() -> float:
        return max(0.0, at - time.monotonic())

    return capacity_in


async def test_capacity_now_returns_at_once() -> None:
    q = queue()
    waited = await q.wait(0, far(), lambda: 0.0)
    assert waited < 0.01
    assert len(q) == 0


async def test_waits_until_capacity_comes() -> None:
    q = queue()
    started = time.monotonic()
    waited = await q.wait(0, far(), ready_in(0.03))  # type: ignore[arg-type]
    assert 0.025 <= waited < 0.2
    assert time.monotonic() - started == pytest.approx(waited, abs=0.01)
    assert len(q) == 0


async def serve_in_order(q: AdmissionQueue, arrivals: list[tuple[str, int]]) -> list[str]:
    """Queue every arrival while there is no capacity, then free three slots; returns admission order."""
    slots = 0
    admitted: list[str] = []

    def capacity_in() -> float:
        return 0.0 if slots > 0 else 0.01

    async def one(name: str, priority: int) -> None:
        nonlocal slots
        await q.wait(priority, far(), capacity_in)
        slots -= 1  # takes the slot before anyone else runs
        admitted.append(name)

    tasks = []
    for name, priority in arrivals:
        tasks.append(asyncio.create_task(one(name, priority)))
        await asyncio.sleep(0.002)
    assert len(q) == len(arrivals)
    slots = len(arrivals)
    await asyncio.wait_for(asyncio.gather(*tasks), 2)
    assert len(q) == 0
    return admitted


async def test_higher_priority_first() -> None:
    assert await serve_in_order(queue(), [("low", 0), ("high", 5), ("mid", 1)]) == ["high", "mid", "low"]


async def test_equal_priority_in_arrival_order() -> None:
    assert await serve_in_order(queue(), [("a", 0), ("b", 0), ("c", 0), ("d", -1)]) == ["a", "b", "c", "d"]


async def test_a_later_higher_priority_waiter_overtakes() -> None:
    q = queue()
    admitted: list[str] = []
    cap = ready_in(0.05)

    async def one(name: str, priority: int) -> None:
        await q.wait(priority, far(), cap)  # type: ignore[arg-type]
        admitted.append(name)

    first = asyncio.create_task(one("early-low", 0))
    await asyncio.sleep(0.01)
    second = asyncio.create_task(one("late-high", 9))
    await asyncio.wait_for(asyncio.gather(first, second), 2)
    assert admitted == ["late-high", "early-low"]


async def test_full_queue_rejects_at_once_with_the_expected_wait() -> None:
    q = queue(max_size=1, max_wait=60)
    waiter = asyncio.create_task(q.wait(0, far(), lambda: 30.0))
    await asyncio.sleep(0.005)
    assert len(q) == 1
    started = time.monotonic()
    with pytest.raises(RateLimited) as info:
        await q.wait(0, far(), lambda: 30.0)
    assert time.monotonic() - started < 0.05
    assert info.value.status == 429
    assert info.value.retry_after == pytest.approx(30.0)
    assert "full" in info.value.message
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert len(q) == 0  # a cancelled waiter leaves the line


async def test_max_size_zero_disables_queueing() -> None:
    q = queue(max_size=0)
    with pytest.raises(RateLimited):
        await q.wait(0, far(), lambda: 0.5)


async def test_capacity_not_expected_before_the_deadline_rejects_at_once() -> None:
    q = queue(max_wait=60)
    started = time.monotonic()
    with pytest.raises(RateLimited) as info:
        await q.wait(0, time.monotonic() + 1.0, lambda: 5.0)
    assert time.monotonic() - started < 0.05
    assert info.value.retry_after == pytest.approx(5.0)
    assert len(q) == 0


async def test_capacity_not_expected_within_max_wait_rejects_at_once() -> None:
    q = queue(max_wait=1.0)
    with pytest.raises(RateLimited) as info:
        await q.wait(0, far(), lambda: 2.0)
    assert info.value.retry_after == pytest.approx(2.0)


async def test_retry_after_is_at_least_one_second() -> None:
    q = queue(max_size=0)
    with pytest.raises(RateLimited) as info:
        await q.wait(0, far(), lambda: 0.2)
    assert info.value.retry_after == 1.0


async def test_capacity_that_keeps_receding_ends_at_the_deadline() -> None:
    q = queue()
    started = time.monotonic()
    with pytest.raises(RateLimited) as info:
        await q.wait(0, started + 0.06, lambda: 0.04)  # always 40 ms away
    assert 0.05 <= time.monotonic() - started < 0.3
    assert "deadline" in info.value.message
    assert len(q) == 0


async def test_the_line_moves_when_the_head_gives_up() -> None:
    q = queue()
    free = False
    head = asyncio.create_task(q.wait(5, far(), lambda: 0.0 if free else 0.02))
    await asyncio.sleep(0.005)
    behind = asyncio.create_task(q.wait(0, far(), lambda: 0.0 if free else 0.02))
    await asyncio.sleep(0.005)
    head.cancel()
    free = True
    assert await asyncio.wait_for(behind, 1) < 0.5
    assert head.cancelled()


async def test_every_waiter_is_admitted_when_capacity_returns() -> None:
    """No lost wakeup: a waiter that goes back to sleep just as the head leaves must still hear of it.

    ``a`` wakes first and, not at the head (``h`` is), goes back to sleep; ``h`` is admitted and moves
    the line; ``b`` wakes and goes back to sleep behind ``a``. ``a``, now at the head with capacity
    there, must be admitted at once, not when its own ``max_wait`` runs out.
    """
    q = queue(max_wait=1.0)
    free = False
    admitted: dict[str, float] = {}

    def capacity_in() -> float:
        return 0.0 if free else 0.5

    async def one(name: str, priority: int) -> None:
        await q.wait(priority, far(), capacity_in)
        admitted[name] = time.monotonic()

    tasks = []
    for name, priority in (("a", 0), ("h", 9), ("b", 0)):  # waiting in this order: a, h, b
        tasks.append(asyncio.create_task(one(name, priority)))
        await asyncio.sleep(0.005)
    free = True
    started = time.monotonic()
    await one("first", 20)  # capacity is back: the newcomer goes in at once and wakes the line
    await asyncio.wait_for(asyncio.gather(*tasks), 2)
    assert [name for name, _ in sorted(admitted.items(), key=lambda kv: kv[1])] == ["first", "h", "a", "b"]
    assert max(admitted.values()) - started < 0.2, {name: at - started for name, at in admitted.items()}
