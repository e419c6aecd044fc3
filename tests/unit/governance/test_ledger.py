"""The ledger writer and stage over the in-memory store: group commit, completions, failures, reconciliation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from freehold.context import Principal, RequestContext
from freehold.errors import LedgerUnavailable
from freehold.governance.keys import new_key_id, new_team_id
from freehold.governance.ledger import LedgerStage, LedgerWriter
from freehold.governance.model import Key, Team
from freehold.schemas.chat import ChatRequest, parse_chat
from freehold.stores.counters import to_nanos
from freehold.stores.ledger import Completion, Journal, MemoryLedger
from freehold.usage import UsageRecord


class Flaky(MemoryLedger):
    """A store whose writes fail while ``down``, and which can be made slow."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.delay = 0.0
        self.batch_sizes: list[int] = []

    async def write(
        self, journal: Sequence[Journal], complete: Sequence[Completion], discard: Sequence[str]
    ) -> list[str]:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.down:
            raise ConnectionError("database unreachable")
        self.batch_sizes.append(len(journal))
        return await super().write(journal, complete, discard)


def price(usage: UsageRecord) -> Decimal | None:
    return Decimal("0.000001") * usage.prompt_tokens + Decimal("0.000002") * usage.completion_tokens


@pytest.fixture
async def store() -> Flaky:
    return Flaky()


@pytest.fixture
async def writer(store: Flaky) -> AsyncIterator[LedgerWriter]:
    w = LedgerWriter(store, instance="gw_test", flush_interval=0.05, heartbeat_interval=3600, journal_timeout=1)
    await w.start()
    yield w
    await w.close()


def ctx_for(key: Key | None = None, team: Team | None = None, reserved: int | None = None) -> RequestContext:
    principal = Principal(key.id, "key", key=key, team=team) if key is not None else Principal("master", "master")
    ctx = RequestContext("chat_completions", "chat", principal=principal, alias="smart")
    if reserved is not None:
        ctx.stage_state("budgets")["held"] = type("Held", (), {"reserved": reserved})()
    return ctx


def chat() -> ChatRequest:
    return parse_chat(b'{"model": "smart", "messages": [{"role": "user", "content": "hi"}]}')


def a_key(team: Team | None = None) -> Key:
    now = datetime.now(UTC)
    return Key(new_key_id(), "ci", "0" * 64, "abcd", team_id=team.id if team else None, created_at=now, updated_at=now)


async def settle(writer: LedgerWriter) -> None:
    await asyncio.sleep(0.15)  # past the flush interval


async def test_concurrent_journals_share_transactions(store: Flaky, writer: LedgerWriter) -> None:
    store.delay = 0.01  # a commit takes time: requests arriving meanwhile wait for the next one
    stage = LedgerStage(writer, price)
    ctxs = [ctx_for() for _ in range(200)]
    await asyncio.gather(*(stage.before(c, chat()) for c in ctxs))
    assert all(c.request_id in store.rows for c in ctxs)
    assert sum(store.batch_sizes) == 200
    assert len(store.batch_sizes) <= 3, store.batch_sizes  # the first alone, then the rest together


async def test_a_completed_request_is_recorded_with_its_cost(store: Flaky, writer: LedgerWriter) -> None:
    team = Team(new_team_id(), "research", created_at=datetime.now(UTC), updated_at=datetime.now(UTC))
    key = a_key(team)
    stage = LedgerStage(writer, price)
    ctx = ctx_for(key, team, reserved=to_nanos(Decimal("0.25")))
    await stage.before(ctx, chat())
    row = await store.get(ctx.request_id)
    assert row is not None
    assert (row.status, row.key_id, row.team_id, row.reserved_usd, row.instance) == (
        "pending",
        key.id,
        team.id,
        Decimal("0.25"),
        "gw_test",
    )
    ctx.attempts, ctx.deployment = 2, "smart/1"
    ctx.usage = UsageRecord("smart", "smart/1", 100, 50, False, cached_input_tokens=10, cache_write_tokens=5)
    stage.done(ctx, 200)
    assert (await store.get(ctx.request_id)).status == "pending"  # type: ignore[union-attr]  # queued, not yet written
    await settle(writer)
    row = await store.get(ctx.request_id)
    assert row is not None
    assert (row.status, row.attempts, row.deployment, row.input_tokens, row.output_tokens) == (
        "200",
        2,
        "smart/1",
        100,
        50,
    )
    assert (row.cached_input_tokens, row.cache_write_tokens, row.usage_estimated) == (10, 5, False)
    assert row.cost_usd == Decimal("0.0002") and row.latency_ms is not None and row.latency_ms >= 0


@pytest.mark.parametrize("usage", [None, UsageRecord("smart", "smart/0", 10, 3, True, "upstream_cut")])
async def test_an_unknown_cost_is_null_never_zero(
    store: Flaky, writer: LedgerWriter, usage: UsageRecord | None
) -> None:
    stage = LedgerStage(writer, price)
    ctx = ctx_for(reserved=to_nanos(Decimal("1")))
    await stage.before(ctx, chat())
    ctx.attempts, ctx.usage = 1, usage
    stage.done(ctx, "stream_error" if usage else 502)
    await settle(writer)
    row = await store.get(ctx.request_id)
    assert row is not None and row.cost_usd is None and row.usage_estimated is True
    assert row.status == ("stream_error" if usage else "502")


async def test_a_price_book_without_the_model_means_unknown(store: Flaky, writer: LedgerWriter) -> None:
    def broken(usage: UsageRecord) -> Decimal | None:
        raise KeyError(usage.deployment)

    for cost in (lambda u: None, broken):
        stage = LedgerStage(writer, cost)
        ctx = ctx_for()
        await stage.before(ctx, chat())
        ctx.attempts, ctx.usage = 1, UsageRecord("smart", "smart/0", 10, 3, False)
        stage.done(ctx, 200)
        await settle(writer)
        row = await store.get(ctx.request_id)
        assert row is not None and row.cost_usd is None and row.status == "200"


async def test_a_request_that_never_reached_a_provider_leaves_no_row(store: Flaky, writer: LedgerWriter) -> None:
    stage = LedgerStage(writer, price)
    ctx = ctx_for()
    await stage.before(ctx, chat())
    stage.done(ctx, 503)  # e.g. every circuit open: attempts stayed 0
    await settle(writer)
    assert await store.get(ctx.request_id) is None


async def test_token_counts_and_models_are_not_journaled(store: Flaky, writer: LedgerWriter) -> None:
    stage = LedgerStage(writer, price)
    ctx = RequestContext("count_tokens", "count_tokens")
    await stage.before(ctx, chat())
    stage.done(ctx, 200)
    await settle(writer)
    assert store.rows == {}


async def test_database_down_refuses_then_recovers(store: Flaky, writer: LedgerWriter) -> None:
    stage = LedgerStage(writer, price)
    served = ctx_for()
    await stage.before(served, chat())
    store.down = True
    served.attempts, served.usage = 1, UsageRecord("smart", "smart/0", 1, 1, False)
    stage.done(served, 200)  # its completion waits for the database
    refused = ctx_for()
    with pytest.raises(LedgerUnavailable) as info:
        await stage.before(refused, chat())
    assert info.value.status == 503 and "usage ledger" in info.value.message
    stage.done(refused, 503)  # nothing journaled: nothing to do
    await settle(writer)
    store.down = False
    await asyncio.sleep(0.2)
    row = await store.get(served.request_id)
    assert row is not None and row.status == "200"  # the completion was kept and written once it could be
    assert await store.get(refused.request_id) is None


async def test_a_journal_that_times_out_is_discarded_once_written(store: Flaky) -> None:
    writer = LedgerWriter(store, instance="gw_slow", flush_interval=0.05, heartbeat_interval=3600, journal_timeout=0.05)
    await writer.start()
    try:
        store.delay = 0.2
        stage = LedgerStage(writer, price)
        ctx = ctx_for()
        with pytest.raises(LedgerUnavailable):
            await stage.before(ctx, chat())
        stage.done(ctx, 503)
        await asyncio.sleep(0.6)
        assert await store.get(ctx.request_id) is None  # written late, then deleted: it was never sent
    finally:
        await writer.close()


async def test_close_writes_what_is_queued(store: Flaky) -> None:
    writer = LedgerWriter(store, flush_interval=60, heartbeat_interval=3600)
    await writer.start()
    stage = LedgerStage(writer, price)
    ctx = ctx_for()
    await stage.before(ctx, chat())
    ctx.attempts = 1
    stage.done(ctx, 200)
    await writer.close()
    row = await store.get(ctx.request_id)
    assert row is not None and row.status == "200"


async def test_start_reconciles_the_rows_of_gateways_gone(store: Flaky) -> None:
    old = datetime.now(UTC) - timedelta(minutes=5)
    await store.heartbeat("gw_dead", old)
    await store.write([Journal("r1", "gw_dead", old, "chat_completions", "smart", "k", None, Decimal("0.3"))], [], [])
    writer = LedgerWriter(store, heartbeat_interval=3600, silence=30)
    await writer.start()
    await writer.close()
    row = await store.get("r1")
    assert row is not None and row.status == "interrupted" and row.cost_usd is None
    assert await store.spend("key", "k", old) == Decimal("0.3")
    assert "gw_dead" not in store.instances and writer.instance in store.instances


async def test_the_heartbeat_keeps_beating_and_reconciles(store: Flaky) -> None:
    clock = [datetime(2026, 12, 1, tzinfo=UTC)]
    writer = LedgerWriter(store, heartbeat_interval=0.02, silence=30, clock=lambda: clock[0])
    await store.heartbeat("gw_other", clock[0])
    await store.write([Journal("r1", "gw_other", clock[0], "chat_completions", "smart")], [], [])
    await writer.start()
    try:
        clock[0] += timedelta(minutes=1)
        await asyncio.sleep(0.1)
        assert store.instances[writer.instance] == clock[0]
        assert (await store.get("r1")).status == "interrupted"  # type: ignore[union-attr]
    finally:
        await writer.close()
