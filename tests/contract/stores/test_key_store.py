"""The key store's contract, held by every implementation: the in-memory twin, SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from freehold.errors import Conflict, InvalidRequest, NotFound
from freehold.governance.keys import hash_secret, new_key_id, new_team_id
from freehold.governance.model import Budget, Key, Team
from freehold.stores.database import create_engine, ensure_schema
from freehold.stores.keys import KeyStore, MemoryKeyStore
from freehold.stores.keys_sql import SqlKeyStore
from tests.stores_support import drop_postgres_database, new_postgres_database, sqlite_url


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[KeyStore]:
    if request.param == "memory":
        yield MemoryKeyStore()
        return
    url = sqlite_url(tmp_path) if request.param == "sqlite" else await new_postgres_database()
    engine = create_engine(url)
    try:
        await ensure_schema(engine, url)
        yield SqlKeyStore(engine)
    finally:
        await engine.dispose()
        if request.param == "postgres":
            await drop_postgres_database(url)


# Microseconds, as both databases keep them; distinct per record so that "oldest first" is defined.
_clock = [datetime(2026, 12, 1, 9, 30, 0, 123456, tzinfo=UTC)]


def _tick() -> datetime:
    _clock[0] += timedelta(seconds=1)
    return _clock[0]


def team(name: str = "research", **fields: object) -> Team:
    now = _tick()
    return dataclasses.replace(Team(new_team_id(), name, created_at=now, updated_at=now), **fields)  # type: ignore[arg-type]


def key(name: str = "ci", **fields: object) -> Key:
    now = _tick()
    record = Key(new_key_id(), name, hash_secret(name.encode()), "abcd", created_at=now, updated_at=now)
    return dataclasses.replace(record, **fields)  # type: ignore[arg-type]


async def test_a_team_reads_back_as_written(store: KeyStore) -> None:
    t = team(budget=Budget(Decimal("10.10"), "monthly"), rpm=60, tpm=100_000, metadata={"cost_center": "R&D", "n": [1]})
    assert await store.create_team(t) == t
    assert await store.get_team(t.id) == t
    assert await store.get_team("team_nope") is None
    assert await store.list_teams() == [t]


async def test_money_is_exact_to_fifteen_digits(store: KeyStore) -> None:
    for usd in ("12345.6789012345", "0.0000000001", "99999999.99", "1234567.1"):
        t = await store.create_team(team(f"t{usd}", budget=Budget(Decimal(usd), "daily")))
        got = await store.get_team(t.id)
        assert got is not None and got.budget is not None
        assert got.budget.usd == Decimal(usd), usd


async def test_team_names_are_unique(store: KeyStore) -> None:
    a = await store.create_team(team("a"))
    await store.create_team(team("b"))
    with pytest.raises(Conflict, match="'a' already exists"):
        await store.create_team(team("a"))
    with pytest.raises(Conflict):
        await store.update_team(a.id, {"name": "b"})
    assert (await store.update_team(a.id, {"name": "a"})).name == "a"  # its own name is not taken


async def test_a_team_update_sets_and_clears_fields(store: KeyStore) -> None:
    t = await store.create_team(team(rpm=10))
    got = await store.update_team(t.id, {"budget": Budget(Decimal("5"), "weekly"), "rpm": None, "metadata": {"x": 1}})
    assert (got.budget, got.rpm, got.tpm, got.metadata) == (Budget(Decimal("5"), "weekly"), None, None, {"x": 1})
    assert got.name == t.name
    assert got.updated_at > t.updated_at and got.created_at == t.created_at
    assert await store.get_team(t.id) == got
    assert (await store.update_team(t.id, {"budget": None})).budget is None
    with pytest.raises(NotFound, match="team_nope"):
        await store.update_team("team_nope", {"rpm": 1})


async def test_teams_and_keys_are_listed_oldest_first(store: KeyStore) -> None:
    teams = [await store.create_team(team(n)) for n in ("z", "a", "m")]
    assert [t.id for t in await store.list_teams()] == [t.id for t in teams]
    keys = [await store.create_key(key(n, team_id=teams[i % 2].id)) for i, n in enumerate("zam")]
    assert [k.id for k in await store.list_keys()] == [k.id for k in keys]
    assert [k.id for k in await store.list_keys(teams[0].id)] == [keys[0].id, keys[2].id]
    assert await store.list_keys(teams[2].id) == []


async def test_a_key_reads_back_as_written(store: KeyStore) -> None:
    t = await store.create_team(team())
    k = key(
        team_id=t.id,
        role="admin",
        aliases=("smart", "cheap"),
        rpm=5,
        tpm=1000,
        budget=Budget(Decimal("2.50"), "total"),
        priority=-3,
        over_budget="refuse",
        when_counters_down="serve",
        metadata={"owner": "ops", "tags": ["a", "b"]},
        expires_at=datetime(2030, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
    )
    assert await store.create_key(k) == k
    assert await store.get_key(k.id) == k
    bare = await store.create_key(key("bare"))
    assert await store.get_key(bare.id) == bare and bare.aliases is None
    nothing = await store.create_key(key("nothing", aliases=()))
    got = await store.get_key(nothing.id)
    assert got is not None and got.aliases == ()  # an empty allow-list is not "every alias"
    assert await store.get_key("key_nope") is None


async def test_times_come_back_as_the_same_instant_whatever_zone_they_were_written_in(store: KeyStore) -> None:
    paris = datetime(2030, 6, 1, 12, 0, tzinfo=UTC).astimezone(timezone(timedelta(hours=2)))
    k = await store.create_key(key(expires_at=paris))
    got = await store.get_key(k.id)
    assert got is not None and got.expires_at == paris and got.expires_at.tzinfo is not None


async def test_a_key_must_name_an_existing_team(store: KeyStore) -> None:
    with pytest.raises(InvalidRequest, match="team_nope") as info:
        await store.create_key(key(team_id="team_nope"))
    assert info.value.param == "team_id"
    k = await store.create_key(key())
    with pytest.raises(InvalidRequest):
        await store.update_key(k.id, {"team_id": "team_nope"})
    assert await store.list_keys() == [k]


async def test_a_key_update_sets_and_clears_fields(store: KeyStore) -> None:
    t = await store.create_team(team())
    k = await store.create_key(key(aliases=("a",), rpm=3))
    got = await store.update_key(
        k.id, {"team_id": t.id, "aliases": None, "rpm": None, "priority": 7, "budget": Budget(Decimal("1"), "daily")}
    )
    assert (got.team_id, got.aliases, got.rpm, got.priority) == (t.id, None, None, 7)
    assert got.budget == Budget(Decimal(1), "daily")
    assert (got.secret_hash, got.name, got.created_at) == (k.secret_hash, k.name, k.created_at)
    assert got.updated_at > k.updated_at
    assert await store.get_key(k.id) == got
    assert (await store.update_key(k.id, {"team_id": None})).team_id is None
    with pytest.raises(NotFound, match="key_nope"):
        await store.update_key("key_nope", {"rpm": 1})


async def test_rotation_replaces_the_secret_and_keeps_everything_else(store: KeyStore) -> None:
    k = await store.create_key(key(aliases=("a",), priority=2))
    got = await store.rotate_key(k.id, hash_secret(b"new"), "wxyz")
    assert (got.secret_hash, got.hint) == (hash_secret(b"new"), "wxyz")
    assert dataclasses.replace(got, secret_hash=k.secret_hash, hint=k.hint, updated_at=k.updated_at) == k
    assert await store.get_key(k.id) == got
    with pytest.raises(NotFound):
        await store.rotate_key("key_nope", hash_secret(b"x"), "x")


async def test_revocation_is_once_and_final(store: KeyStore) -> None:
    k = await store.create_key(key())
    first = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    revoked = await store.revoke_key(k.id, first)
    assert revoked.revoked_at == first
    again = await store.revoke_key(k.id, first + timedelta(hours=1))
    assert again.revoked_at == first  # the first revocation's time is kept
    with pytest.raises(Conflict, match="revoked"):
        await store.rotate_key(k.id, hash_secret(b"new"), "wxyz")
    with pytest.raises(NotFound):
        await store.revoke_key("key_nope", first)


async def test_a_team_is_deleted_only_without_unrevoked_keys(store: KeyStore) -> None:
    t = await store.create_team(team())
    k = await store.create_key(key(team_id=t.id))
    with pytest.raises(Conflict, match="1 key"):
        await store.delete_team(t.id)
    assert await store.get_team(t.id) == t
    await store.revoke_key(k.id, datetime.now(UTC))
    await store.delete_team(t.id)
    assert await store.get_team(t.id) is None
    detached = await store.get_key(k.id)
    assert detached is not None and detached.team_id is None and detached.revoked_at is not None
    with pytest.raises(NotFound):
        await store.delete_team(t.id)


async def test_every_change_moves_the_revision_and_nothing_else_does(store: KeyStore) -> None:
    seen = [await store.revision()]

    async def moved() -> bool:
        now = await store.revision()
        seen.append(now)
        return now > seen[-2]

    t = await store.create_team(team())
    assert await moved()
    await store.update_team(t.id, {"rpm": 1})
    assert await moved()
    k = await store.create_key(key(team_id=t.id))
    assert await moved()
    await store.update_key(k.id, {"rpm": 2})
    assert await moved()
    await store.rotate_key(k.id, hash_secret(b"r"), "rrrr")
    assert await moved()
    await store.get_key(k.id)
    await store.list_keys()
    await store.list_teams()
    await store.snapshot()
    assert not await moved()  # reads leave it alone
    for failing in (store.delete_team(t.id), store.create_team(team(t.name)), store.update_key("key_nope", {})):
        with pytest.raises((Conflict, NotFound)):
            await failing
    assert not await moved()  # and so do refused changes: their transaction is undone
    await store.revoke_key(k.id, datetime.now(UTC))
    assert await moved()
    await store.delete_team(t.id)
    assert await moved()


async def test_a_snapshot_holds_everything_at_its_revision(store: KeyStore) -> None:
    empty = await store.snapshot()
    assert (empty.teams, empty.keys) == ((), ())
    t = await store.create_team(team())
    keys = [await store.create_key(key(n, team_id=t.id if n == "a" else None)) for n in ("a", "b")]
    await store.revoke_key(keys[1].id, datetime.now(UTC))
    snap = await store.snapshot()
    assert snap.revision == await store.revision() > empty.revision
    assert snap.teams == (t,)
    assert [k.id for k in snap.keys] == [k.id for k in keys]
    assert snap.keys[1].revoked_at is not None  # revoked keys stay: the cache must know them to say so
