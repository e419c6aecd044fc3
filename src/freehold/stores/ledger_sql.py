"""The usage ledger over SQL (SQLite or PostgreSQL, SQLAlchemy Core): the ``ledger`` and ``instances`` tables.

A batch is one transaction: its pending rows in one multi-row ``INSERT``, its completions in one
``executemany`` ``UPDATE`` (by ``request_id``, unique and indexed), its discards in one
``executemany`` ``DELETE``. Should a journal row's ``request_id`` be taken (a client sent the
same ``x-request-id`` twice), the transaction is rolled back, the taken ids are looked up and
renamed (``<id>~<n>``), and the batch written again: one client's repeat never costs the other
requests of its batch their ledger row.

Money sums are exact on both databases. PostgreSQL's ``NUMERIC`` is. SQLite stores ``Numeric``
as a binary float, exact to 15 significant digits per value but not under ``SUM``: each value is
turned into an integer of 10⁻¹⁰ dollars (``CAST(ROUND(x * 1e10) AS INTEGER)``) and those are
summed, as integers, then read back as a ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, case, cast, delete, func, insert, literal_column, null, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

from freehold.stores import schema
from freehold.stores.ledger import Completion, GroupBy, Journal, LedgerRow, Scope, UsageRow, renamed, utc
from freehold.stores.ledger_batch import BatchWriter, DuplicateRequestId, batch_writer

__all__ = ["SqlLedger"]

_ledger = schema.ledger
_instances = schema.instances
_SCALE = 10_000_000_000
"""10¹⁰: the ``MONEY`` column's ten decimal places, as the integer unit SQLite sums in."""
_RENAME_TRIES = 5

_GROUP = {
    "key": _ledger.c.key_id,
    "team": _ledger.c.team_id,
    "alias": _ledger.c.alias,
    "deployment": _ledger.c.deployment,
}


class SqlLedger:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        self._batch: BatchWriter | None = None

    # Money.

    def _sum(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        if self._sqlite:
            return func.sum(cast(func.round(column * literal_column(str(_SCALE))), BigInteger))
        return func.sum(column)

    def _total(self, value: Any) -> Decimal:
        if value is None:
            return Decimal(0)
        if self._sqlite:
            return Decimal(int(value)).scaleb(-10)
        return Decimal(value)

    def _money(self, value: Any) -> Decimal | None:
        if value is None:
            return None
        return Decimal(repr(float(value))) if self._sqlite else Decimal(value)

    # Writes.

    async def write(
        self, journal: Sequence[Journal], complete: Sequence[Completion], discard: Sequence[str]
    ) -> list[str]:
        ids = _distinct([j.request_id for j in journal])
        for _ in range(_RENAME_TRIES):
            try:
                await self._write(journal, ids, complete, discard)
                return ids
            except DuplicateRequestId:
                ids = await self._free(journal, ids)
        await self._write(journal, ids, complete, discard)  # raises if ids are still taken
        return ids

    async def _write(
        self, journal: Sequence[Journal], ids: list[str], complete: Sequence[Completion], discard: Sequence[str]
    ) -> None:
        if self._batch is None:
            self._batch = batch_writer(self._engine.url)  # on the driver itself: see ledger_batch.py
        await self._batch.write(list(zip(journal, ids, strict=True)), complete, discard)

    async def _free(self, journal: Sequence[Journal], ids: list[str]) -> list[str]:
        """``ids`` with the ones already stored renamed to the next free ``<id>~<n>``."""
        async with self._engine.connect() as conn:
            found = await conn.execute(select(_ledger.c.request_id).where(_ledger.c.request_id.in_(ids)))
            taken = set(found.scalars())
        out = []
        for j, rid in zip(journal, ids, strict=True):
            n = 1
            while rid in taken:
                rid, n = renamed(j.request_id, n), n + 1
            out.append(rid)
        return _distinct(out)

    async def heartbeat(self, instance: str, now: datetime) -> None:
        now = utc(now)
        async with self._engine.begin() as conn:
            found = await conn.execute(update(_instances).where(_instances.c.id == instance).values(seen_at=now))
            if found.rowcount == 0:
                await conn.execute(insert(_instances).values(id=instance, started_at=now, seen_at=now))

    async def reconcile(self, silent_since: datetime, now: datetime) -> int:
        silent_since, now = utc(silent_since), utc(now)
        dead = select(_instances.c.id).where(_instances.c.seen_at < silent_since)
        known = select(_instances.c.id)
        orphan = _ledger.c.instance.not_in(known) & (_ledger.c.started_at < silent_since)
        async with self._engine.begin() as conn:
            marked = await conn.execute(
                update(_ledger)
                .where(_ledger.c.status == "pending", _ledger.c.instance.in_(dead) | orphan)
                .values(status="interrupted", finished_at=now, cost_usd=null())
            )
            await conn.execute(delete(_instances).where(_instances.c.seen_at < silent_since))
        return int(marked.rowcount)

    # Reads.

    async def usage(self, group_by: GroupBy, since: datetime, until: datetime) -> list[UsageRow]:
        group = _GROUP[group_by]
        stmt = (
            select(
                group,
                func.count(),
                func.coalesce(func.sum(_ledger.c.input_tokens), 0),
                func.coalesce(func.sum(_ledger.c.output_tokens), 0),
                self._sum(_ledger.c.cost_usd),
                func.sum(case((_ledger.c.cost_usd.is_(None), 1), else_=0)),
                func.count(_ledger.c.saved_usd),
                self._sum(_ledger.c.saved_usd),
            )
            .where(_ledger.c.status != "pending", _ledger.c.started_at >= utc(since), _ledger.c.started_at < utc(until))
            .group_by(group)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        out = [
            UsageRow(g, int(n), int(i), int(o), self._total(c), int(u), int(h), self._total(s))
            for g, n, i, o, c, u, h, s in rows
        ]
        return sorted(out, key=lambda u: (u.group is None, u.group or ""))

    async def spend(self, scope: Scope, scope_id: str, since: datetime) -> Decimal:
        column = _ledger.c.key_id if scope == "key" else _ledger.c.team_id
        # A row's cost, or its reservation when the cost is unknown: one sum over the (scope, started_at) index.
        counted = func.coalesce(_ledger.c.cost_usd, _ledger.c.reserved_usd)
        stmt = select(self._sum(counted)).where(column == scope_id, _ledger.c.started_at >= utc(since))
        async with self._engine.connect() as conn:
            return self._total((await conn.execute(stmt)).scalar_one())

    async def get(self, request_id: str) -> LedgerRow | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(_ledger).where(_ledger.c.request_id == request_id))).first()
        return None if row is None else self._row(row)

    def _row(self, row: Row[Any]) -> LedgerRow:
        m = row._mapping
        finished = m["finished_at"]
        return LedgerRow(
            request_id=m["request_id"],
            instance=m["instance"],
            started_at=utc(m["started_at"]),
            finished_at=None if finished is None else utc(finished),
            status=m["status"],
            key_id=m["key_id"],
            team_id=m["team_id"],
            door=m["door"],
            alias=m["alias"],
            deployment=m["deployment"],
            attempts=m["attempts"],
            input_tokens=m["input_tokens"],
            output_tokens=m["output_tokens"],
            cached_input_tokens=m["cached_input_tokens"],
            cache_write_tokens=m["cache_write_tokens"],
            usage_estimated=bool(m["usage_estimated"]),
            cost_usd=self._money(m["cost_usd"]),
            reserved_usd=self._money(m["reserved_usd"]),
            latency_ms=m["latency_ms"],
            routed_alias=m["routed_alias"],
            saved_usd=self._money(m["saved_usd"]),
        )

    async def close(self) -> None:
        if self._batch is not None:
            await self._batch.close()
            self._batch = None


def _distinct(ids: list[str]) -> list[str]:
    """``ids`` with repeats within the batch renamed, so that the batch never collides with itself."""
    seen: set[str] = set()
    out = []
    for rid in ids:
        base, n = rid, 1
        while rid in seen:
            rid, n = renamed(base, n), n + 1
        seen.add(rid)
        out.append(rid)
    return out
