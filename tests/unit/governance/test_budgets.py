"""The budget and rate-limit stages on their own: reservations, lowering, refusals, settlement."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

import pytest

from freehold.context import Principal, RequestContext
from freehold.errors import BudgetExceeded, MeteringUnavailable, PermissionDenied, RateLimited
from freehold.governance.budgets import STREAM_MARGIN, Budgets, prompt_tokens_at_most
from freehold.governance.limits import RateLimits, go_duration
from freehold.governance.model import Budget, Key, Period, Team, period_end, period_start
from freehold.providers.base import StreamResponse
from freehold.schemas.chat import ChatRequest
from freehold.stores.counters import Counters, CountersUnavailable, LimitCheck, MemoryCounters, to_usd
from freehold.streaming import AnswerStream
from freehold.usage import UsageRecord

IN, OUT = Decimal("0.000001"), Decimal("0.00001")  # $1 and $10 per million tokens


class Costs:
    def __init__(self, priced: bool = True) -> None:
        self.priced = priced

    def rates(self, alias: str) -> tuple[Decimal, Decimal] | None:
        return (IN, OUT) if self.priced else None

    def max_output(self, alias: str) -> int | None:
        return 8192

    def cost(self, usage: UsageRecord) -> Decimal | None:
        return usage.prompt_tokens * IN + usage.completion_tokens * OUT


class Spend:
    def __init__(self, spent: Decimal = Decimal(0)) -> None:
        self.spent = spent
        self.asked: list[tuple[str, str]] = []

    async def spend(self, scope: Literal["key", "team"], scope_id: str, since: datetime) -> Decimal:
        self.asked.append((scope, scope_id))
        return self.spent


def key(**fields: Any) -> Key:
    return Key(id="key_a", name="a", secret_hash="0" * 64, hint="abcd", **fields)


def ctx_for(k: Key, team: Team | None = None) -> RequestContext:
    return RequestContext("chat_completions", "chat", principal=Principal(k.id, "key", key=k, team=team))


def chat(max_tokens: int | None = None, text: str = "hello") -> ChatRequest:
    body: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": text}]}
    if max_tokens is not None:
        body["max_tokens"] = max_tokens
    return ChatRequest(body=body, model="m", stream=False)


def stage(counters: Counters | None = None, spend: Spend | None = None, priced: bool = True) -> Budgets:
    return Budgets(counters or MemoryCounters(), Costs(priced), spend or Spend())


async def test_a_key_without_a_budget_costs_nothing() -> None:
    ctx = ctx_for(key())
    await stage().before(ctx, chat(100))
    assert ctx.state is None


async def test_the_worst_case_is_reserved_and_settled_to_the_real_cost() -> None:
    counters = MemoryCounters()
    budgets = stage(counters)
    k = key(budget=Budget(Decimal("1.00"), "daily"))
    ctx = ctx_for(k)
    request = chat(100)
    await budgets.before(ctx, request)
    held = ctx.state["budgets"]["held"]  # type: ignore[index]
    hold = held.holds[0]
    input_max = prompt_tokens_at_most(request.body)
    assert held.reserved == (input_max * IN + 100 * OUT) / Decimal("0.000000001")
    assert request.body["max_tokens"] == 100  # covered: unchanged
    ctx.attempts, ctx.usage = 1, UsageRecord("m", "d", 3, 20, estimated=False)
    budgets.done(ctx, 200)
    await budgets.drain()
    spent, reserved = await counters.usage(hold) or (0, 0)
    assert reserved == 0 and to_usd(spent) == 3 * IN + 20 * OUT


async def test_an_answer_of_unknown_cost_is_counted_at_its_worst_case() -> None:
    counters = MemoryCounters()
    budgets = stage(counters)
    ctx = ctx_for(key(budget=Budget(Decimal("1.00"), "daily")))
    await budgets.before(ctx, chat(100))
    held = ctx.state["budgets"]["held"]  # type: ignore[index]
    ctx.attempts, ctx.usage = 1, UsageRecord("m", "d", 3, 20, estimated=True)  # the upstream reported nothing
    budgets.done(ctx, 200)
    await budgets.drain()
    assert (await counters.usage(held.holds[0]) or (0, 0))[0] == held.reserved


async def test_a_request_that_never_reached_a_provider_releases_its_reservation() -> None:
    counters = MemoryCounters()
    budgets = stage(counters)
    ctx = ctx_for(key(budget=Budget(Decimal("1.00"), "daily")))
    await budgets.before(ctx, chat(100))
    budgets.done(ctx, 503)  # ctx.attempts == 0
    await budgets.drain()
    assert await counters.usage(ctx.state["budgets"]["held"].holds[0]) == (0, 0)  # type: ignore[index]


async def test_max_tokens_is_lowered_to_what_the_budget_covers_and_said_so() -> None:
    budgets = stage(spend=Spend(Decimal("0.999")))  # $0.001 left: 100 output tokens minus the prompt
    ctx = ctx_for(key(budget=Budget(Decimal("1.00"), "monthly")))
    request = chat(5000)
    await budgets.before(ctx, request)
    assert 0 < request.body["max_tokens"] < 100
    assert ctx.headers and (b"x-freehold-budget-max-tokens", str(request.body["max_tokens"]).encode()) in ctx.headers


async def test_a_key_that_says_refuse_is_refused_instead_of_lowered() -> None:
    counters = MemoryCounters()
    budgets = stage(counters, spend=Spend(Decimal("0.999")))
    ctx = ctx_for(key(budget=Budget(Decimal("1.00"), "monthly"), over_budget="refuse"))
    with pytest.raises(BudgetExceeded) as info:
        await budgets.before(ctx, chat(5000))
    assert info.value.status == 429 and info.value.error_type == "insufficient_quota"
    hold = next(iter(counters._budgets))
    assert counters._budgets[hold].reserved == 0  # released


async def test_a_spent_budget_is_refused_naming_it_and_what_is_left() -> None:
    spend = Spend(Decimal("1.00"))
    team = Team("team_t", "t", budget=Budget(Decimal("5.00"), "weekly"))
    ctx = ctx_for(key(budget=Budget(Decimal("1.00"), "daily"), team_id="team_t"), team)
    with pytest.raises(BudgetExceeded) as info:
        await stage(spend=spend).before(ctx, chat(10))
    assert "key's budget is spent" in info.value.message and "$0.000000 is left" in info.value.message
    assert sorted(spend.asked) == [("key", "key_a"), ("team", "team_t")]  # both counters start from the ledger


async def test_the_team_budget_applies_too() -> None:
    team = Team("team_t", "t", budget=Budget(Decimal("0.001"), "total"))
    ctx = ctx_for(key(budget=Budget(Decimal("100"), "daily"), team_id="team_t"), team)
    request = chat(5000)
    await stage().before(ctx, request)
    assert request.body["max_tokens"] < 100  # the team's $0.001, not the key's $100


async def test_a_request_without_a_maximum_gets_one_and_holds_at_most_a_quarter() -> None:
    budgets = stage()
    ctx = ctx_for(key(budget=Budget(Decimal("0.02"), "daily")))  # 2,000 output tokens' worth
    request = chat(None)
    await budgets.before(ctx, request)
    assert 0 < request.body["max_tokens"] <= 500


async def test_an_unpriced_model_is_refused_for_a_budgeted_key() -> None:
    with pytest.raises(PermissionDenied):
        await stage(priced=False).before(ctx_for(key(budget=Budget(Decimal("1"), "daily"))), chat(10))


class Down(MemoryCounters):
    async def reserve(self, holds: Any, want: int, minimum: int, share: float = 1.0) -> Any:
        raise CountersUnavailable("down")

    async def limit(self, checks: Any) -> Any:
        raise CountersUnavailable("down")


async def test_unreachable_counters_fail_closed_unless_the_key_says_serve() -> None:
    with pytest.raises(MeteringUnavailable) as info:
        await stage(Down()).before(ctx_for(key(budget=Budget(Decimal("1"), "daily"))), chat(10))
    assert info.value.status == 503
    ctx = ctx_for(key(budget=Budget(Decimal("1"), "daily"), when_counters_down="serve"))
    await stage(Down()).before(ctx, chat(10))
    assert ctx.decisions and ctx.decisions[0].action == "unmetered"
    with pytest.raises(MeteringUnavailable):
        await RateLimits(Down()).before(ctx_for(key(rpm=1)), chat(10))


async def test_a_stream_that_passes_its_reservation_is_ended_on_the_bytes() -> None:
    budgets = stage()
    ctx = ctx_for(key(budget=Budget(Decimal("1"), "daily")))
    request = chat(4)
    request.stream = True
    await budgets.before(ctx, request)
    assert ctx.stream_cap is not None and ctx.stream_cap.events == 4 + STREAM_MARGIN

    async def endless() -> AsyncIterator[bytes]:  # an upstream that ignores max_tokens
        while True:
            yield b'data: {"choices":[{"index":0,"delta":{"content":"x"}}]}\n\n'

    stream = AnswerStream(ctx, "d", StreamResponse(endless()), None)
    seen = 0
    with pytest.raises(BudgetExceeded, match="reached the budget reserved"):
        async for _ in stream.chunks():
            seen += 1
    assert seen == 4 + STREAM_MARGIN  # every event up to the cap passed, unparsed; the next one ended it
    assert stream.ending == "upstream_cut"


async def test_a_whole_answer_gets_no_stream_cap() -> None:
    ctx = ctx_for(key(budget=Budget(Decimal("1"), "daily")))
    await stage().before(ctx, chat(4))
    assert ctx.stream_cap is None


async def test_rate_limits_admit_then_refuse_with_openai_headers() -> None:
    limits = RateLimits(MemoryCounters())
    k = key(rpm=2)
    for remaining in ("1", "0"):
        ctx = ctx_for(k)
        await limits.before(ctx, chat(10))
        got = dict(ctx.headers or [])
        assert got[b"x-ratelimit-limit-requests"] == b"2"
        assert got[b"x-ratelimit-remaining-requests"] == remaining.encode()
    ctx = ctx_for(k)
    with pytest.raises(RateLimited) as info:
        await limits.before(ctx, chat(10))
    assert info.value.retry_after and 29 < info.value.retry_after <= 30.01
    assert dict(ctx.headers or [])[b"x-ratelimit-remaining-requests"] == b"0"


async def test_team_limits_apply_and_tokens_count() -> None:
    counters = MemoryCounters()
    team = Team("team_t", "t", tpm=100)
    with pytest.raises(RateLimited) as info:
        await RateLimits(counters).before(ctx_for(key(team_id="team_t"), team), chat(500))
    assert "team" in info.value.message and "tokens" in info.value.message
    assert await counters.limit([LimitCheck("rl:team:team_t:tpm", 100, 1, "tokens")])  # nothing was charged


@pytest.mark.parametrize(("seconds", "text"), [(0.02, "20ms"), (1, "1s"), (59.6, "1m0s"), (360, "6m0s")])
def test_reset_durations_are_go_durations(seconds: float, text: str) -> None:
    assert go_duration(seconds) == text


def test_the_prompt_bound_counts_bytes_images_and_framing() -> None:
    body = {"messages": [{"role": "user", "content": [{"type": "text", "text": "héllo"}, {"type": "image_url"}]}]}
    assert prompt_tokens_at_most(body) == 16 + 6 + 1600


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("daily", datetime(2026, 12, 31, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        ("weekly", datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 7, tzinfo=UTC)),
        ("monthly", datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        ("monthly", datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)),
        ("total", datetime(1970, 1, 1, tzinfo=UTC), None),
    ],
)
def test_a_period_ends_where_the_next_one_starts(period: Period, start: datetime, end: datetime | None) -> None:
    assert period_end(period, start) == end
    if end is not None:
        assert period_start(period, end) == end and period_start(period, end - timedelta(microseconds=1)) == start


async def test_a_request_waits_for_reservations_in_flight_then_is_refused_when_they_never_settle() -> None:
    """The budget is held whole by a request in flight: the next one waits (bounded), then gets 429."""
    counters = MemoryCounters()
    budgets = Budgets(counters, Costs(True), Spend(), wait=0.3)
    k = key(budget=Budget(Decimal("0.01"), "daily"))
    first = ctx_for(k)
    await budgets.before(first, chat(None))  # no max_tokens: it holds a share of the budget
    hog = ctx_for(k)
    await budgets.before(hog, chat(10_000))  # lowered to what is left: the rest is now reserved
    started = asyncio.get_running_loop().time()
    with pytest.raises(BudgetExceeded, match="budget is spent"):
        await budgets.before(ctx_for(k), chat(100))
    waited = asyncio.get_running_loop().time() - started
    assert 0.25 <= waited < 1.5  # it waited for the reservations, up to the bound, then refused

    settle = ctx_for(k)  # once a reservation is released, a waiting request goes ahead
    waiting = asyncio.ensure_future(budgets.before(settle, chat(100)))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    budgets.done(hog, 200)  # never reached a provider: its whole reservation comes back
    await asyncio.wait_for(waiting, 1)
    assert settle.stage_state("budgets")["held"].reserved > 0
