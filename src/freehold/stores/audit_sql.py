"""The audit log over SQL (SQLite or PostgreSQL): the ``audit_log`` and ``audit_head`` tables.

Reads go through SQLAlchemy; appends through the driver itself (``audit_batch.py``). One batch
is one transaction: lock the chain head (PostgreSQL: ``SELECT ... FOR UPDATE`` on the one
``audit_head`` row, which every replica's writer takes; SQLite: ``BEGIN IMMEDIATE``, the
database's one write lock, which every process on the file takes), check the head record
verifies under this writer's secret, chain the batch after it, insert it and move the head.
Replicas writing at once therefore queue for the lock and extend one chain; a batch of hundreds
of records costs one lock and one commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine

from freehold.stores import schema
from freehold.stores.audit import GENESIS, AuditEntry, AuditRecord
from freehold.stores.audit_batch import AuditBatch, audit_batch

__all__ = ["SqlAuditStore"]

_log = schema.audit_log
_head = schema.audit_head


class SqlAuditStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._batch: AuditBatch | None = None

    async def append(self, entries: Sequence[AuditEntry], secret: bytes) -> list[AuditRecord]:
        if not entries:
            return []
        if self._batch is None:
            self._batch = audit_batch(self._engine.url)  # on the driver itself: see audit_batch.py
        return await self._batch.append(entries, secret)

    async def head(self) -> tuple[int, str]:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(_head.c.seq, _head.c.mac).where(_head.c.id == 1))).first()
        return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))

    async def records(self, after: int = 0, limit: int = 5000) -> list[AuditRecord]:
        stmt = select(_log).where(_log.c.seq > after).order_by(_log.c.seq).limit(limit)
        async with self._engine.connect() as conn:
            return [_record(r) for r in (await conn.execute(stmt)).all()]

    async def between(self, since: datetime, until: datetime) -> list[AuditRecord]:
        stmt = select(_log).where(_log.c.time >= _utc(since), _log.c.time < _utc(until)).order_by(_log.c.seq)
        async with self._engine.connect() as conn:
            return [_record(r) for r in (await conn.execute(stmt)).all()]

    async def answered(self, request_ids: Sequence[str]) -> set[str]:
        out: set[str] = set()
        ids = list(dict.fromkeys(request_ids))
        async with self._engine.connect() as conn:
            for start in range(0, len(ids), 500):
                stmt = select(_log.c.request_id).where(
                    _log.c.kind == "response", _log.c.request_id.in_(ids[start : start + 500])
                )
                out.update(str(r) for r in (await conn.execute(stmt)).scalars())
        return out

    async def append_if_changed(self, entry: AuditEntry, secret: bytes, field: str) -> bool:
        if self._batch is None:
            self._batch = audit_batch(self._engine.url)
        value = (entry.detail or {}).get(field)
        return bool(await self._batch.append([entry], secret, unless=(entry.action or "", field, value)))

    async def last_admin(self, action: str) -> AuditRecord | None:
        stmt = select(_log).where(_log.c.kind == "admin", _log.c.action == action).order_by(_log.c.seq.desc()).limit(1)
        async with self._engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return None if row is None else _record(row)

    async def close(self) -> None:
        batch, self._batch = self._batch, None
        if batch is not None:
            await batch.close()


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _record(row: Row[Any]) -> AuditRecord:
    m = row._mapping
    entry = AuditEntry(
        kind=m["kind"],
        time=_utc(m["time"]),
        request_id=m["request_id"],
        key_id=m["key_id"],
        team_id=m["team_id"],
        alias=m["alias"],
        deployment=m["deployment"],
        vendor=m["vendor"],
        categories=m["categories"] or {},
        action=m["action"],
        request_sha256=m["request_sha256"],
        response_sha256=m["response_sha256"],
        content=m["content"],
        detail=m["detail"],
    )
    return AuditRecord(int(m["seq"]), entry, m["prev_mac"], m["mac"])
