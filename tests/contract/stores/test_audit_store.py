"""The audit store's contract, held by every implementation: the in-memory twin, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from freehold.privacy.audit_verify import verify_store
from freehold.stores.audit import GENESIS, AuditEntry, AuditStore, ChainKeyMismatch, MemoryAuditStore, sealed
from freehold.stores.audit_sql import SqlAuditStore
from freehold.stores.database import create_engine, ensure_schema
from tests.stores_support import drop_postgres_database, new_postgres_database, sqlite_url

SECRET = b"k" * 32
T0 = datetime(2026, 12, 1, 9, 30, 0, 123456, tzinfo=UTC)


@dataclasses.dataclass
class Backend:
    store: AuditStore
    url: str | None = None


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    if request.param == "memory":
        yield Backend(MemoryAuditStore())
        return
    url = sqlite_url(tmp_path) if request.param == "sqlite" else await new_postgres_database()
    engine = create_engine(url)
    try:
        await ensure_schema(engine, url)
        store = SqlAuditStore(engine)
        yield Backend(store, url)
        await store.close()
    finally:
        await engine.dispose()
        if request.param == "postgres":
            await drop_postgres_database(url)


def entry(n: int, **fields: object) -> AuditEntry:
    base: dict[str, object] = {
        "kind": "response",
        "time": T0 + timedelta(seconds=n),
        "request_id": f"req_{n}",
        "key_id": "key_1",
        "team_id": "team_1",
        "alias": "smart",
        "deployment": "smart/openai/gpt-4o",
        "vendor": "openai",
        "categories": {"EMAIL": 2, "PERSON": 1},
        "action": "pseudonymize",
        "request_sha256": "a" * 64,
        "response_sha256": "b" * 64,
        "detail": {"status": "200", "attempts": 1, "nested": {"z": [1, 2], "a": "é"}},
    }
    return AuditEntry(**(base | fields))  # type: ignore[arg-type]


async def test_records_chain_in_order_and_read_back_exactly(backend: Backend) -> None:
    store = backend.store
    assert await store.head() == (0, GENESIS)
    first = await store.append([entry(1), entry(2, kind="request", vendor=None, detail=None)], SECRET)
    second = await store.append([entry(3, kind="admin", request_id=None, action="key.created", categories={})], SECRET)
    assert [r.seq for r in first + second] == [1, 2, 3]
    assert first[0].prev_mac == GENESIS and first[1].prev_mac == first[0].mac and second[0].prev_mac == first[1].mac
    read = await store.records()
    assert read == first + second  # every field, times and JSON included, reads back as written
    assert all(sealed(r, SECRET) for r in read)
    assert await store.head() == (3, second[0].mac)
    assert await store.records(after=1, limit=1) == [first[1]]


async def test_queries_for_the_report_and_the_policy_record(backend: Backend) -> None:
    store = backend.store
    await store.append(
        [
            entry(1, kind="request"),
            entry(2),
            entry(3, kind="request", request_id="req_lost"),
            entry(4, kind="admin", action="policy.changed", detail={"sha256": "x"}, request_id=None),
            entry(5, kind="admin", action="policy.changed", detail={"sha256": "y"}, request_id=None),
        ],
        SECRET,
    )
    window = await store.between(T0 + timedelta(seconds=2), T0 + timedelta(seconds=4))
    assert [r.seq for r in window] == [2, 3]
    assert await store.answered(["req_1", "req_2", "req_lost", "req_none"]) == {"req_2"}
    last = await store.last_admin("policy.changed")
    assert last is not None and last.seq == 5 and last.entry.detail == {"sha256": "y"}
    assert await store.last_admin("key.created") is None


async def test_a_writer_with_another_key_refuses_to_extend_the_chain(backend: Backend) -> None:
    store = backend.store
    await store.append([entry(1)], SECRET)
    with pytest.raises(ChainKeyMismatch, match="FREEHOLD_AUDIT_KEY"):
        await store.append([entry(2)], b"another key")
    assert [r.seq for r in await store.records()] == [1]
    assert (await verify_store(store, SECRET)).intact


async def test_concurrent_writers_on_their_own_connections_keep_one_chain(backend: Backend) -> None:
    """Each writer its own engine (as replicas have): the lock on the head serializes them."""
    if backend.url is None:
        pytest.skip("one process, one store: nothing to serialize")
    engines = [create_engine(backend.url) for _ in range(4)]
    try:
        stores = [SqlAuditStore(e) for e in engines]

        async def writer(w: int) -> None:
            for i in range(15):
                await stores[w].append([entry(1000 * w + 10 * i + j) for j in range(3)], SECRET)

        await asyncio.gather(*(writer(w) for w in range(4)))
        for s in stores:
            await s.close()
    finally:
        for e in engines:
            await e.dispose()
    result = await verify_store(backend.store, SECRET)
    assert result.problems == [] and result.records == 4 * 15 * 3 == result.last_seq


async def test_the_policy_record_is_written_once_when_replicas_start_together(backend: Backend) -> None:
    """``append_if_changed`` decides under the chain's lock: of writers racing with one digest, one writes."""
    urls = [backend.url] * 4 if backend.url is not None else []
    engines = [create_engine(u) for u in urls]
    stores: list[AuditStore] = [SqlAuditStore(e) for e in engines] or [backend.store] * 4

    def policy(digest: str, n: int) -> AuditEntry:
        return entry(n, kind="admin", action="policy.changed", detail={"privacy_sha256": digest}, request_id=None)

    try:
        wrote = await asyncio.gather(
            *(s.append_if_changed(policy("x", i), SECRET, "privacy_sha256") for i, s in enumerate(stores))
        )
        assert sorted(wrote) == [False, False, False, True]
        # The same digest again writes nothing; a new one is written once, an older one again after it.
        assert not await stores[0].append_if_changed(policy("x", 9), SECRET, "privacy_sha256")
        assert await stores[1].append_if_changed(policy("y", 10), SECRET, "privacy_sha256")
        assert await stores[2].append_if_changed(policy("x", 11), SECRET, "privacy_sha256")
    finally:
        for s in stores if engines else []:
            await s.close()
        for e in engines:
            await e.dispose()
    records = await backend.store.records()
    assert [(r.entry.detail or {}).get("privacy_sha256") for r in records] == ["x", "y", "x"]
    assert (await verify_store(backend.store, SECRET)).intact
