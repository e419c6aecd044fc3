"""The ledger store's contract, held by every implementation: the in-memory twin, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from freehold.stores.database import create_engine, ensure_schema
from freehold.stores.ledger import Completion, Journal, LedgerStore, MemoryLedger, UsageRow
from freehold.stores.ledger_sql import SqlLedger
from tests.stores_support import drop_postgres_database, new_postgres_database, sqlite_url


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[LedgerStore]:
    if request.param == "memory":
        yield MemoryLedger()
        return
    url = sqlite_url(tmp_path) if request.param == "sqlite" else await new_postgres_database()
    engine = create_engine(url)
    try:
        await ensure_schema(engine, url)
        yield SqlLedger(engine)
    finally:
        await engine.dispose()
        if request.param == "postgres":
            await drop_postgres_database(url)


T0 = datetime(2026, 12, 1, 9, 30, 0, 123456, tzinfo=UTC)


def journal(rid: str, at: datetime = T0, **fields: object) -> Journal:
    base: dict[str, object] = {"instance": "inst_a", "door": "chat_completions", "alias": "smart"}
    return Journal(rid, started_at=at, **(base | fields))  # type: ignore[arg-type]


def done(rid: str, **fields: object) -> Completion:
    base: dict[str, object] = {
        "finished_at": T0 + timedelta(seconds=1),
        "status": "200",
        "attempts": 1,
        "deployment": "smart/0",
        "input_tokens": 10,
        "output_tokens": 5,
        "cost_usd": Decimal("0.0001230000"),
        "latency_ms": 42,
    }
    return Completion(rid, **(base | fields))  # type: ignore[arg-type]


async def test_a_row_is_journaled_pending_then_completed(store: LedgerStore) -> None:
    first = journal("r1", key_id="key_1", team_id="team_1", reserved_usd=Decimal("0.5"))
    assert await store.write([first], [], []) == ["r1"]
    row = await store.get("r1")
    assert row is not None
    assert (row.status, row.attempts, row.cost_usd, row.reserved_usd, row.finished_at) == (
        "pending", 0, None, Decimal("0.5"), None,
    )
    assert (row.key_id, row.team_id, row.door, row.alias, row.instance) == (
        "key_1", "team_1", "chat_completions", "smart", "inst_a",
    )
    assert row.started_at == T0
    await store.write([], [done("r1", cached_input_tokens=3, cache_write_tokens=2, usage_estimated=False)], [])
    row = await store.get("r1")
    assert row is not None
    assert (row.status, row.attempts, row.deployment, row.input_tokens, row.output_tokens) == (
        "200", 1, "smart/0", 10, 5,
    )
    assert (row.cached_input_tokens, row.cache_write_tokens, row.latency_ms) == (3, 2, 42)
    assert row.cost_usd == Decimal("0.000123")
    assert row.finished_at == T0 + timedelta(seconds=1)


async def test_discard_deletes_and_unknown_ids_are_ignored(store: LedgerStore) -> None:
    await store.write([journal("r1"), journal("r2")], [], [])
    await store.write([], [done("nope")], ["r1", "also-nope"])
    assert await store.get("r1") is None
    assert await store.get("r2") is not None
    assert await store.get("nope") is None


async def test_a_repeated_request_id_gets_a_row_of_its_own(store: LedgerStore) -> None:
    assert await store.write([journal("dup")], [], []) == ["dup"]
    # The same id again, twice in one batch, beside an innocent row: every one is stored.
    ids = await store.write([journal("dup"), journal("other"), journal("dup")], [], [])
    assert ids[1] == "other"
    assert len(set(ids)) == 3 and "dup" not in ids and all(i.startswith("dup~") for i in (ids[0], ids[2]))
    for rid in ids:
        assert await store.get(rid) is not None
    long = "x" * 80
    assert len((await store.write([journal(long), journal(long)], [], []))[1]) == 80


async def test_usage_groups_finished_rows_in_the_window(store: LedgerStore) -> None:
    await store.write(
        [
            journal("a", key_id="k1", team_id="t1", alias="smart"),
            journal("b", T0 + timedelta(minutes=1), key_id="k1", team_id="t1", alias="cheap"),
            journal("c", T0 + timedelta(minutes=2), key_id="k2", alias="smart"),
            journal("unknown", T0 + timedelta(minutes=3), key_id="k2", reserved_usd=Decimal("0.25")),
            journal("in-flight", key_id="k1"),
            journal("too-old", T0 - timedelta(days=1), key_id="k1"),
            journal("anonymous", T0 + timedelta(minutes=4)),
        ],
        [],
        [],
    )
    await store.write(
        [],
        [
            done("a", cost_usd=Decimal("0.1")),
            done("b", cost_usd=Decimal("0.2"), deployment="cheap/0", input_tokens=100, output_tokens=50),
            done("c", cost_usd=Decimal("0.0000000001")),
            done("unknown", cost_usd=None, usage_estimated=True, status="stream_error"),
            done("too-old"),
            done("anonymous", input_tokens=1, output_tokens=1),
        ],
        [],
    )
    since, until = T0, T0 + timedelta(hours=1)
    assert await store.usage("key", since, until) == [
        UsageRow("k1", 2, 110, 55, Decimal("0.3"), 0),
        UsageRow("k2", 2, 20, 10, Decimal("0.0000000001"), 1),
        UsageRow(None, 1, 1, 1, Decimal("0.000123"), 0),
    ]
    assert [(u.group, u.requests) for u in await store.usage("team", since, until)] == [("t1", 2), (None, 3)]
    assert [(u.group, u.requests) for u in await store.usage("alias", since, until)] == [("cheap", 1), ("smart", 4)]
    assert [(u.group, u.requests) for u in await store.usage("deployment", since, until)] == [
        ("cheap/0", 1), ("smart/0", 4),
    ]
    # The window is [since, until): a row at ``until`` is out, at ``since`` in.
    assert [u.requests for u in await store.usage("key", T0 + timedelta(minutes=1), T0 + timedelta(minutes=2))] == [1]
    assert await store.usage("key", T0 + timedelta(hours=2), T0 + timedelta(hours=3)) == []


async def test_windows_in_other_zones_mean_the_same_instant(store: LedgerStore) -> None:
    await store.write([journal("a", key_id="k1")], [done("a")], [])
    plus2 = timezone(timedelta(hours=2))
    assert [u.requests for u in await store.usage("key", T0.astimezone(plus2), (T0 + timedelta(seconds=1)))] == [1]
    assert await store.usage("key", (T0 + timedelta(microseconds=1)).astimezone(plus2), T0 + timedelta(hours=1)) == []


async def test_money_sums_are_exact(store: LedgerStore) -> None:
    amounts = [Decimal("0.1"), Decimal("0.2"), Decimal("0.0000000003"), Decimal("12345.6789012345")] * 25
    await store.write([journal(f"m{i}", key_id="k") for i in range(len(amounts))], [], [])
    await store.write([], [done(f"m{i}", cost_usd=a) for i, a in enumerate(amounts)], [])
    (row,) = await store.usage("key", T0, T0 + timedelta(hours=1))
    assert row.cost_usd == sum(amounts, Decimal(0)) == Decimal("308649.47253087")
    assert await store.spend("key", "k", T0) == Decimal("308649.47253087")


async def test_spend_counts_unknown_costs_at_their_reservation(store: LedgerStore) -> None:
    await store.write(
        [
            journal("known", key_id="k1", team_id="t1", reserved_usd=Decimal("9")),
            journal("unknown", key_id="k1", team_id="t1", reserved_usd=Decimal("0.75")),
            journal("in-flight", key_id="k1", reserved_usd=Decimal("0.05")),
            journal("unbudgeted", key_id="k1"),
            journal("before", T0 - timedelta(seconds=1), key_id="k1", reserved_usd=Decimal("100")),
            journal("other", key_id="k2", reserved_usd=Decimal("100")),
        ],
        [],
        [],
    )
    await store.write(
        [], [done("known", cost_usd=Decimal("1.5")), done("unknown", cost_usd=None), done("unbudgeted", cost_usd=None)],
        [],
    )
    assert await store.spend("key", "k1", T0) == Decimal("2.3")  # 1.5 + 0.75 + 0.05 in flight
    assert await store.spend("team", "t1", T0) == Decimal("2.25")
    assert await store.spend("key", "nobody", T0) == Decimal(0)
    assert await store.spend("key", "k1", T0 - timedelta(days=1)) == Decimal("102.3")


async def test_reconcile_interrupts_the_pending_rows_of_silent_instances(store: LedgerStore) -> None:
    now = T0 + timedelta(minutes=10)
    await store.heartbeat("dead", T0)
    await store.heartbeat("alive", T0)
    await store.heartbeat("alive", now)  # seen again: alive
    await store.write(
        [
            journal("d1", instance="dead", key_id="k", reserved_usd=Decimal("0.4")),
            journal("d2", instance="dead", key_id="k"),
            journal("done", instance="dead", key_id="k"),
            journal("live", instance="alive", key_id="k", reserved_usd=Decimal("1")),
            journal("ghost-old", instance="never-seen", key_id="k"),
            journal("ghost-new", now, instance="never-seen", key_id="k"),
        ],
        [],
        [],
    )
    await store.write([], [done("done", cost_usd=Decimal("0.01"))], [])
    silent_since = now - timedelta(seconds=30)
    assert await store.reconcile(silent_since, now) == 3
    for rid in ("d1", "d2", "ghost-old"):
        row = await store.get(rid)
        assert row is not None and (row.status, row.cost_usd, row.finished_at) == ("interrupted", None, now), rid
    for rid, status in (("live", "pending"), ("ghost-new", "pending"), ("done", "200")):
        row = await store.get(rid)
        assert row is not None and row.status == status, rid
    assert await store.spend("key", "k", T0) == Decimal("1.41")  # 0.4 interrupted + 1 in flight + 0.01
    (usage,) = await store.usage("key", T0, now + timedelta(seconds=1))
    assert (usage.requests, usage.unknown_cost_requests) == (4, 3)
    assert await store.reconcile(silent_since, now) == 0  # idempotent: nothing left to mark
    # A late completion of an interrupted row (its gateway was only slow) still lands.
    await store.write([], [done("d1", cost_usd=Decimal("0.02"))], [])
    row = await store.get("d1")
    assert row is not None and (row.status, row.cost_usd) == ("200", Decimal("0.02"))


async def test_a_reconciled_instance_comes_back_with_its_heartbeat(store: LedgerStore) -> None:
    await store.heartbeat("slow", T0)
    await store.write([journal("p", instance="slow")], [], [])
    later = T0 + timedelta(minutes=5)
    assert await store.reconcile(later - timedelta(seconds=30), later) == 1
    await store.heartbeat("slow", later)
    await store.write([journal("q", later, instance="slow")], [], [])
    assert await store.reconcile(later - timedelta(seconds=30), later + timedelta(seconds=1)) == 0
