"""The counters' contract, run against the in-process counters and against Redis.

Rate limits (GCRA): a minute's allowance, then a steady rate; all scopes or none charged; exact
retry-after and remaining. Budgets: reservations never exceed what is left, settle into spend,
start from the ledger's spend, and hold under concurrent reservations from many clients.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from freehold.stores.counters import (
    BudgetHold,
    CounterMissing,
    Counters,
    CountersUnavailable,
    LimitCheck,
    MemoryCounters,
    RedisCounters,
    to_nanos,
    to_usd,
)

REDIS = "redis://127.0.0.1:6379/0"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


Factory = Callable[[], Counters]


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def make(request: pytest.FixtureRequest) -> AsyncIterator[Factory]:
    """Counters of each kind; Redis ones share a prefix of this test's own (as replicas would)."""
    made: list[Counters] = []
    prefix = f"freehold-test:{os.getpid()}:{id(request)}:"
    memory = MemoryCounters()

    def build() -> Counters:
        counters: Counters = memory if request.param == "memory" else RedisCounters.from_url(REDIS, prefix)
        made.append(counters)
        return counters

    yield build
    if request.param == "redis":
        client = Redis.from_url(REDIS)
        keys = [k async for k in client.scan_iter(match=prefix + "*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()
    for counters in made:
        await counters.close()


def rpm(counter: str, limit: int, cost: int = 1) -> LimitCheck:
    return LimitCheck(counter, limit, cost, "requests")


async def test_a_minute_s_allowance_then_refusal_with_the_wait(make: Factory) -> None:
    c = make()
    for i in range(3):
        [result] = await c.limit([rpm("key:a:rpm", 3)])
        assert result.retry_after == 0 and result.remaining == 2 - i
    [refused] = await c.limit([rpm("key:a:rpm", 3)])
    assert 19 < refused.retry_after <= 20.01  # one request's interval (60/3 s) after the first frees up
    assert refused.remaining == 0 and 59 < refused.reset <= 60.01


async def test_a_refusal_by_one_scope_charges_no_scope(make: Factory) -> None:
    c = make()
    assert all(r.retry_after == 0 for r in await c.limit([rpm("key:b:rpm", 10), rpm("team:t:rpm", 1)]))
    results = await c.limit([rpm("key:b:rpm", 10), rpm("team:t:rpm", 1)])
    assert results[1].retry_after > 0
    [key_only] = await c.limit([rpm("key:b:rpm", 10)])
    assert key_only.remaining == 8  # the refused request did not count against the key


async def test_token_limits_weigh_the_request(make: Factory) -> None:
    c = make()
    [ok] = await c.limit([LimitCheck("key:c:tpm", 1000, 900, "tokens")])
    assert ok.retry_after == 0 and ok.remaining == 100
    [refused] = await c.limit([LimitCheck("key:c:tpm", 1000, 200, "tokens")])
    assert refused.retry_after > 0


def hold(name: str, usd: str) -> BudgetHold:
    return BudgetHold(f"budget:{name}", to_nanos(Decimal(usd)))


async def test_a_budget_counter_starts_from_the_ledger(make: Factory) -> None:
    c = make()
    h = hold("k1", "1.00")
    with pytest.raises(CounterMissing) as info:
        await c.reserve([h], to_nanos(Decimal("0.10")), 1)
    assert info.value.holds == [h]
    await c.start(h, to_nanos(Decimal("0.95")))
    await c.start(h, 0)  # another process started it first: nothing changes
    grant = await c.reserve([h], to_nanos(Decimal("0.10")), 1)
    assert to_usd(grant.granted) == Decimal("0.05")  # all that was left
    assert await c.usage(h) == (to_nanos(Decimal("0.95")), to_nanos(Decimal("0.05")))


async def test_reservations_grant_up_to_what_is_left_and_refuse_below_the_minimum(make: Factory) -> None:
    c = make()
    key, team = hold("k2", "1.00"), hold("t2", "0.30")
    for h in (key, team):
        await c.start(h, 0)
    first = await c.reserve([key, team], to_nanos(Decimal("0.25")), to_nanos(Decimal("0.01")))
    assert to_usd(first.granted) == Decimal("0.25")
    second = await c.reserve([key, team], to_nanos(Decimal("0.25")), to_nanos(Decimal("0.01")))
    assert to_usd(second.granted) == Decimal("0.05")  # the team's budget is the tighter one
    refused = await c.reserve([key, team], to_nanos(Decimal("0.25")), to_nanos(Decimal("0.01")))
    assert not refused.ok and refused.remaining == 0 and refused.tightest == team.counter
    after = await c.settle([key, team], first.granted, to_nanos(Decimal("0.02")))  # used less than held
    assert after == [to_nanos(Decimal("0.02"))] * 2  # each budget's spend after it
    again = await c.reserve([key, team], to_nanos(Decimal("0.25")), to_nanos(Decimal("0.01")))
    assert to_usd(again.granted) == Decimal("0.23")
    assert await c.usage(team) == (to_nanos(Decimal("0.02")), to_nanos(Decimal("0.28")))


async def test_concurrent_reservations_never_exceed_the_budget(make: Factory) -> None:
    """Many clients (several counter objects: replicas) racing for one budget."""
    replicas = [make() for _ in range(3)]
    h = hold("k3", "1.00")
    await replicas[0].start(h, 0)

    async def one(i: int) -> int:
        grant = await replicas[i % 3].reserve([h], to_nanos(Decimal("0.013")), to_nanos(Decimal("0.001")))
        if grant.ok:
            await asyncio.sleep(0)
            await replicas[(i + 1) % 3].settle([h], grant.granted, grant.granted)
        return grant.granted

    granted = await asyncio.gather(*(one(i) for i in range(300)))
    spent, reserved = await replicas[0].usage(h) or (0, 0)
    assert reserved == 0 and spent == sum(granted)
    assert to_usd(spent) <= Decimal("1.00") and to_usd(spent) > Decimal("0.99")


async def test_unreachable_redis_is_reported_not_hidden() -> None:
    c = RedisCounters.from_url("redis://127.0.0.1:1/0", "x:")
    with pytest.raises(CountersUnavailable):
        await c.limit([rpm("key:z:rpm", 1)])
    with pytest.raises(CountersUnavailable):
        await c.reserve([hold("z", "1")], 1, 1)
    await c.close()


async def test_a_share_caps_one_reservation_at_a_fraction_of_what_is_left(make: Factory) -> None:
    c = make()
    h = hold("k4", "1.00")
    await c.start(h, 0)
    capped = await c.reserve([h], to_nanos(Decimal("0.90")), to_nanos(Decimal("0.01")), share=0.25)
    assert to_usd(capped.granted) == Decimal("0.25")
    floor = await c.reserve([h], to_nanos(Decimal("0.90")), to_nanos(Decimal("0.30")), share=0.25)
    assert to_usd(floor.granted) == Decimal("0.30")  # never below the minimum, if that is left
