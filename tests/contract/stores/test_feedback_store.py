"""The feedback store's contract, held by the in-memory twin, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from freehold.stores.database import create_engine, ensure_schema
from freehold.stores.feedback import Feedback, FeedbackStore, MemoryFeedback
from freehold.stores.feedback_sql import SqlFeedback
from freehold.stores.ledger import Journal, LedgerStore, MemoryLedger
from freehold.stores.ledger_sql import SqlLedger
from tests.stores_support import drop_postgres_database, new_postgres_database, sqlite_url

T0 = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def stores(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[LedgerStore, FeedbackStore]]:
    if request.param == "memory":
        ledger = MemoryLedger()
        yield ledger, MemoryFeedback(ledger)
        return
    url = sqlite_url(tmp_path) if request.param == "sqlite" else await new_postgres_database()
    engine = create_engine(url)
    sql = SqlLedger(engine)
    try:
        await ensure_schema(engine, url)
        yield sql, SqlFeedback(engine)
    finally:
        await sql.close()
        await engine.dispose()
        if request.param == "postgres":
            await drop_postgres_database(url)


def journal(rid: str, **fields: object) -> Journal:
    base: dict[str, object] = {"instance": "inst_a", "door": "chat_completions", "alias": "smart", "key_id": "key_1"}
    return Journal(rid, started_at=T0, **(base | fields))  # type: ignore[arg-type]


async def test_rate_and_export_joined_with_the_ledger(stores: tuple[LedgerStore, FeedbackStore]) -> None:
    ledger, feedback = stores
    await ledger.write([journal("r1", routed_alias="cheap", team_id="team_1"), journal("r2")], [], [])
    row = await feedback.request("r1")
    assert row is not None and row.key_id == "key_1" and row.routed_alias == "cheap"
    assert await feedback.request("nope") is None
    assert await feedback.rate(Feedback("r1", 0.25, "key_1", "too vague", T0 + timedelta(seconds=5))) is False
    assert await feedback.rate(Feedback("r2", 1.0, None, None, T0 + timedelta(seconds=6))) is False
    rows = await feedback.export()
    assert [(r.request_id, r.score, r.comment, r.alias, r.routed_alias, r.team_id) for r in rows] == [
        ("r1", 0.25, "too vague", "smart", "cheap", "team_1"),
        ("r2", 1.0, None, "smart", None, None),
    ]
    assert rows[0].rated_at == T0 + timedelta(seconds=5) and rows[0].started_at == T0
    assert rows[0].request_sha256 is None  # no audit record of it


async def test_a_second_rating_replaces_the_first(stores: tuple[LedgerStore, FeedbackStore]) -> None:
    ledger, feedback = stores
    await ledger.write([journal("r1")], [], [])
    await feedback.rate(Feedback("r1", 0.0, "key_1", "bad", T0))
    assert await feedback.rate(Feedback("r1", 0.9, "key_1", None, T0 + timedelta(minutes=1))) is True
    (row,) = await feedback.export()
    assert (row.score, row.comment, row.rated_at) == (0.9, None, T0 + timedelta(minutes=1))


async def test_export_since(stores: tuple[LedgerStore, FeedbackStore]) -> None:
    ledger, feedback = stores
    await ledger.write([journal("old"), journal("new")], [], [])
    await feedback.rate(Feedback("old", 0.5, None, None, T0))
    await feedback.rate(Feedback("new", 0.5, None, None, T0 + timedelta(days=1)))
    assert [r.request_id for r in await feedback.export(since=T0 + timedelta(hours=1))] == ["new"]
