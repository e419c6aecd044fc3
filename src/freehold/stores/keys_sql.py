"""The key store over SQL (SQLite or PostgreSQL, SQLAlchemy Core): the ``teams``, ``keys`` and ``revision`` tables.

Every change starts by bumping ``revision.value``, in the same transaction as the change. Taking
the revision row's write lock first serialises the store's writers on both databases (PostgreSQL's
row lock; SQLite's write lock, taken at once rather than upgraded from a read, which WAL would
refuse), so the checks that follow (a team name taken, a team's keys) read settled state.

A snapshot reads the revision before the rows, outside any transaction isolation beyond the
default: the rows are then at least as new as the revision, and a change that lands in between
moves the revision again, so the next poll reloads. A cache never pairs old rows with a new
revision.

SQLite stores ``Numeric`` as a binary float: amounts are read back through the float's shortest
repr, exact for the up-to-15 significant digits the admin API accepts. Its ``DateTime`` drops the
zone: times are written in UTC and read back as UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, null, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from freehold.echo import clip
from freehold.errors import Conflict
from freehold.governance.model import Budget, Key, Team
from freehold.stores import schema
from freehold.stores.keys import (
    KeyChanges,
    Snapshot,
    TeamChanges,
    key_revoked,
    no_key,
    no_team,
    team_has_keys,
    team_missing,
    team_name_taken,
)

__all__ = ["SqlKeyStore"]

_SLICE = 250
"""Rows converted between two turns of the event loop when a whole snapshot is read."""

_teams = schema.teams
_keys = schema.keys
_revision = schema.revision


def _utc(when: datetime | None) -> datetime | None:
    if when is None:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _when(when: datetime) -> datetime:
    found = _utc(when)
    assert found is not None
    return found


class SqlKeyStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._float_money = engine.dialect.name == "sqlite"

    # Rows and records.

    def _money(self, value: Decimal | None) -> Decimal | None:
        if value is None or not self._float_money:
            return value
        return Decimal(repr(float(value)))

    def _budget(self, usd: Decimal | None, period: str | None) -> Budget | None:
        money = self._money(usd)
        if money is None or period is None:
            return None
        return Budget(money, period)  # type: ignore[arg-type]  # written from a Period only

    def _team(self, row: Row[Any]) -> Team:
        m = row._mapping
        return Team(
            id=m["id"],
            name=m["name"],
            budget=self._budget(m["budget_usd"], m["budget_period"]),
            rpm=m["rpm"],
            tpm=m["tpm"],
            metadata=m["metadata"] or {},
            created_at=_when(m["created_at"]),
            updated_at=_when(m["updated_at"]),
        )

    def _key(self, row: Row[Any]) -> Key:
        m = row._mapping
        aliases = m["aliases"]
        return Key(
            id=m["id"],
            name=m["name"],
            secret_hash=m["secret_hash"],
            hint=m["hint"],
            team_id=m["team_id"],
            role=m["role"],
            aliases=None if aliases is None else tuple(aliases),
            rpm=m["rpm"],
            tpm=m["tpm"],
            budget=self._budget(m["budget_usd"], m["budget_period"]),
            priority=m["priority"],
            over_budget=m["over_budget"],
            when_counters_down=m["when_counters_down"],
            metadata=m["metadata"] or {},
            expires_at=_utc(m["expires_at"]),
            revoked_at=_utc(m["revoked_at"]),
            created_at=_when(m["created_at"]),
            updated_at=_when(m["updated_at"]),
        )

    @staticmethod
    def _columns(values: Mapping[str, Any]) -> dict[str, Any]:
        """A record's (or a change's) fields as column values."""
        out: dict[str, Any] = {}
        for name, value in values.items():
            if name == "budget":
                out["budget_usd"] = value.usd if value is not None else None
                out["budget_period"] = value.period if value is not None else None
            elif name == "aliases":
                out["aliases"] = null() if value is None else list(value)
            elif name in ("expires_at", "revoked_at", "created_at", "updated_at"):
                out[name] = _utc(value)
            else:
                out[name] = value
        return out

    # Transactions.

    @staticmethod
    async def _bump(conn: AsyncConnection) -> None:
        await conn.execute(update(_revision).where(_revision.c.id == 1).values(value=_revision.c.value + 1))

    async def _one_team(self, conn: AsyncConnection, team_id: str) -> Team | None:
        row = (await conn.execute(select(_teams).where(_teams.c.id == team_id))).first()
        return None if row is None else self._team(row)

    async def _one_key(self, conn: AsyncConnection, key_id: str) -> Key | None:
        row = (await conn.execute(select(_keys).where(_keys.c.id == key_id))).first()
        return None if row is None else self._key(row)

    async def _name_taken(self, conn: AsyncConnection, name: str, but: str | None = None) -> bool:
        query = select(_teams.c.id).where(_teams.c.name == name)
        if but is not None:
            query = query.where(_teams.c.id != but)
        return (await conn.execute(query)).first() is not None

    # Teams.

    async def create_team(self, team: Team) -> Team:
        async with self._engine.begin() as conn:
            await self._bump(conn)
            if await self._name_taken(conn, team.name):
                raise team_name_taken(team.name)
            values = self._columns({k: getattr(team, k) for k in Team.__dataclass_fields__})
            try:
                await conn.execute(_teams.insert().values(**values))
            except IntegrityError:
                raise Conflict(f"A team with id {clip(team.id)} or name {clip(team.name)} already exists.") from None
        return team

    async def get_team(self, team_id: str) -> Team | None:
        async with self._engine.connect() as conn:
            return await self._one_team(conn, team_id)

    async def list_teams(self) -> list[Team]:
        async with self._engine.connect() as conn:
            return await self._all_teams(conn)

    async def _all_teams(self, conn: AsyncConnection) -> list[Team]:
        rows = await conn.execute(select(_teams).order_by(_teams.c.created_at, _teams.c.id))
        return [self._team(row) for row in rows]

    async def update_team(self, team_id: str, changes: TeamChanges) -> Team:
        async with self._engine.begin() as conn:
            await self._bump(conn)
            if await self._one_team(conn, team_id) is None:
                raise no_team(team_id)
            name = changes.get("name")
            if name is not None and await self._name_taken(conn, name, but=team_id):
                raise team_name_taken(name)
            values = self._columns({**changes, "updated_at": datetime.now(UTC)})
            await conn.execute(update(_teams).where(_teams.c.id == team_id).values(**values))
            team = await self._one_team(conn, team_id)
        assert team is not None
        return team

    async def delete_team(self, team_id: str) -> None:
        async with self._engine.begin() as conn:
            await self._bump(conn)
            if await self._one_team(conn, team_id) is None:
                raise no_team(team_id)
            active = (
                await conn.execute(select(func.count()).where(_keys.c.team_id == team_id, _keys.c.revoked_at.is_(None)))
            ).scalar_one()
            if active:
                raise team_has_keys(team_id, active)
            now = _utc(datetime.now(UTC))
            await conn.execute(update(_keys).where(_keys.c.team_id == team_id).values(team_id=None, updated_at=now))
            await conn.execute(_teams.delete().where(_teams.c.id == team_id))

    # Keys.

    async def create_key(self, key: Key) -> Key:
        async with self._engine.begin() as conn:
            await self._bump(conn)
            if key.team_id is not None and await self._one_team(conn, key.team_id) is None:
                raise team_missing(key.team_id)
            values = self._columns({k: getattr(key, k) for k in Key.__dataclass_fields__})
            try:
                await conn.execute(_keys.insert().values(**values))
            except IntegrityError:
                raise Conflict(f"A key with id {clip(key.id)} already exists.") from None
        return key

    async def get_key(self, key_id: str) -> Key | None:
        async with self._engine.connect() as conn:
            return await self._one_key(conn, key_id)

    async def list_keys(self, team_id: str | None = None) -> list[Key]:
        async with self._engine.connect() as conn:
            return await self._all_keys(conn, team_id)

    async def _all_keys(self, conn: AsyncConnection, team_id: str | None = None) -> list[Key]:
        query = select(_keys).order_by(_keys.c.created_at, _keys.c.id)
        if team_id is not None:
            query = query.where(_keys.c.team_id == team_id)
        return [self._key(row) for row in await conn.execute(query)]

    async def _change_key(self, key_id: str, values: Mapping[str, Any], *, rotating: bool = False) -> Key:
        async with self._engine.begin() as conn:
            await self._bump(conn)
            key = await self._one_key(conn, key_id)
            if key is None:
                raise no_key(key_id)
            if rotating and key.revoked_at is not None:
                raise key_revoked(key)
            team_id = values.get("team_id")
            if team_id is not None and await self._one_team(conn, team_id) is None:
                raise team_missing(team_id)
            columns = self._columns({**values, "updated_at": datetime.now(UTC)})
            await conn.execute(update(_keys).where(_keys.c.id == key_id).values(**columns))
            key = await self._one_key(conn, key_id)
        assert key is not None
        return key

    async def update_key(self, key_id: str, changes: KeyChanges) -> Key:
        return await self._change_key(key_id, changes)

    async def rotate_key(self, key_id: str, secret_hash: str, hint: str) -> Key:
        return await self._change_key(key_id, {"secret_hash": secret_hash, "hint": hint}, rotating=True)

    async def revoke_key(self, key_id: str, at: datetime) -> Key:
        async with self._engine.begin() as conn:
            key = await self._one_key(conn, key_id)
            if key is None:
                raise no_key(key_id)
            if key.revoked_at is not None:
                return key
            await self._bump(conn)
            now = _utc(datetime.now(UTC))
            await conn.execute(
                update(_keys)
                .where(_keys.c.id == key_id, _keys.c.revoked_at.is_(None))
                .values(revoked_at=_utc(at), updated_at=now)
            )
            key = await self._one_key(conn, key_id)
        assert key is not None
        return key

    # Caches.

    async def revision(self) -> int:
        async with self._engine.connect() as conn:
            return int((await conn.execute(select(_revision.c.value).where(_revision.c.id == 1))).scalar_one())

    async def snapshot(self) -> Snapshot:
        """Everything, read in slices: the event loop serves requests between them (10,000 keys are ~150 ms of work)."""
        async with self._engine.connect() as conn:
            value = (await conn.execute(select(_revision.c.value).where(_revision.c.id == 1))).scalar_one()
            teams: list[Team] = []
            async for rows in (await conn.stream(select(_teams).order_by(_teams.c.created_at, _teams.c.id))).partitions(
                _SLICE
            ):
                teams.extend(self._team(row) for row in rows)
            keys: list[Key] = []
            async for rows in (await conn.stream(select(_keys).order_by(_keys.c.created_at, _keys.c.id))).partitions(
                _SLICE
            ):
                keys.extend(self._key(row) for row in rows)
        return Snapshot(int(value), tuple(teams), tuple(keys))

    async def close(self) -> None:
        """The engine belongs to whoever made it (the runtime, a command): nothing to release here."""
