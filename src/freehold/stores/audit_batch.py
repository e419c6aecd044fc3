"""The audit log's appends, on the database driver itself (as ``ledger_batch.py`` does for the ledger).

Every request costs the audit log two records, and through SQLAlchemy's async engine a small
transaction costs ~500 µs of CPU (measured for the ledger, bench/RESULTS.md); so ``append``
goes straight to the driver, and reads, verification and reports stay on SQLAlchemy:

- **SQLite**: a standard-library ``sqlite3`` connection in one dedicated thread; ``BEGIN
  IMMEDIATE`` takes the database's write lock before the head is read, so no other process
  moves it in between.
- **PostgreSQL**: one ``asyncpg`` connection of the writer's own; ``SELECT ... FOR UPDATE`` on
  the one ``audit_head`` row, which every replica's writer takes.

The head record is checked against the writer's secret only when another writer moved the head
since this one last wrote (the record this writer made itself needs no check). Values are written
as SQLAlchemy writes them (times on SQLite as ``YYYY-MM-DD HH:MM:SS.ffffff`` UTC text, JSON as
text), so SQLAlchemy reads them back unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
from sqlalchemy.engine import URL

from freehold.stores.audit import AuditEntry, AuditRecord, chain, check_head
from freehold.stores.driver import PostgresConnection, SqliteWriter, is_sqlite, postgres_dsn, sqlite_time

__all__ = ["AuditBatch", "audit_batch"]

_COLUMNS = (
    "seq, time, kind, request_id, key_id, team_id, alias, deployment, vendor, categories, action, "
    "request_sha256, response_sha256, content, detail, prev_mac, mac"
)
_N = 17


Unless = tuple[str, str, Any] | None
"""(action, detail field, value): append nothing when the newest ``admin`` record of the action has it."""


class AuditBatch(Protocol):
    async def append(
        self, entries: Sequence[AuditEntry], secret: bytes, unless: Unless = None
    ) -> list[AuditRecord]: ...

    async def close(self) -> None: ...


def audit_batch(url: URL) -> AuditBatch:
    if is_sqlite(url):
        return SqliteAuditBatch(url.database or ":memory:")
    return PostgresAuditBatch(postgres_dsn(url))


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def _values(record: AuditRecord, when: Any) -> tuple[Any, ...]:
    e = record.entry
    return (
        record.seq, when, e.kind, e.request_id, e.key_id, e.team_id, e.alias, e.deployment, e.vendor,
        _json(dict(e.categories)), e.action, e.request_sha256, e.response_sha256, e.content,
        _json(None if e.detail is None else dict(e.detail)), record.prev_mac, record.mac,
    )  # fmt: skip


_LAST_ADMIN = "SELECT detail FROM audit_log WHERE kind = 'admin' AND action = {} ORDER BY seq DESC LIMIT 1"


def _same(detail: Any, unless: Unless) -> bool:
    """The newest record's ``detail`` (JSON text) already has the value ``unless`` names."""
    if unless is None or detail is None:
        return False
    parsed = orjson.loads(detail)
    return isinstance(parsed, dict) and parsed.get(unless[1]) == unless[2]


def _record(row: Sequence[Any], when: datetime) -> AuditRecord:
    (seq, _, kind, request_id, key_id, team_id, alias, deployment, vendor, categories, action, request_sha256,
     response_sha256, content, detail, prev_mac, mac) = row  # fmt: skip
    entry = AuditEntry(
        kind=kind, time=when, request_id=request_id, key_id=key_id, team_id=team_id, alias=alias,
        deployment=deployment, vendor=vendor, categories=orjson.loads(categories) if categories else {},
        action=action, request_sha256=request_sha256, response_sha256=response_sha256, content=content,
        detail=orjson.loads(detail) if detail is not None else None,
    )  # fmt: skip
    return AuditRecord(int(seq), entry, prev_mac, mac)


class SqliteAuditBatch:
    def __init__(self, path: str) -> None:
        self._writer = SqliteWriter(path, "audit")
        self._mine: tuple[int, str, bytes] | None = None
        """The head this writer left, and its key: when the head is still it, its record needs no check."""

    async def append(self, entries: Sequence[AuditEntry], secret: bytes, unless: Unless = None) -> list[AuditRecord]:
        records = await self._writer.transaction(lambda db: self._append(db, list(entries), secret, unless))
        if records:
            self._mine = (records[-1].seq, records[-1].mac, secret)
        return records

    def _append(
        self, db: sqlite3.Connection, entries: list[AuditEntry], secret: bytes, unless: Unless
    ) -> list[AuditRecord]:
        # BEGIN IMMEDIATE (the writer's) holds the write lock before the head is read.
        if unless is not None:
            row = db.execute(_LAST_ADMIN.format("?"), (unless[0],)).fetchone()
            if row is not None and _same(row[0], unless):
                return []
        seq, mac = db.execute("SELECT seq, mac FROM audit_head WHERE id = 1").fetchone()
        if seq and self._mine != (seq, mac, secret):
            row = db.execute(f"SELECT {_COLUMNS} FROM audit_log WHERE seq = ?", (seq,)).fetchone()
            head = None if row is None else _record(row, datetime.fromisoformat(row[1]).replace(tzinfo=UTC))
            check_head(secret, head, seq)
        records = chain(secret, seq, mac, entries)
        values = [_values(r, sqlite_time(r.entry.time)) for r in records]
        db.executemany(f"INSERT INTO audit_log ({_COLUMNS}) VALUES ({', '.join('?' * _N)})", values)
        db.execute("UPDATE audit_head SET seq = ?, mac = ? WHERE id = 1", (records[-1].seq, records[-1].mac))
        return records

    async def close(self) -> None:
        await self._writer.close()


class PostgresAuditBatch:
    def __init__(self, dsn: str) -> None:
        self._connection = PostgresConnection(dsn)
        self._mine: tuple[int, str, bytes] | None = None

    async def append(self, entries: Sequence[AuditEntry], secret: bytes, unless: Unless = None) -> list[AuditRecord]:
        conn = await self._connection.get()
        try:
            async with conn.transaction():
                seq, mac = await conn.fetchrow("SELECT seq, mac FROM audit_head WHERE id = 1 FOR UPDATE")
                if unless is not None and _same(await conn.fetchval(_LAST_ADMIN.format("$1"), unless[0]), unless):
                    return []
                if seq and self._mine != (seq, mac, secret):
                    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM audit_log WHERE seq = $1", seq)
                    check_head(secret, None if row is None else _record(tuple(row), row["time"]), seq)
                records = chain(secret, seq, mac, entries)
                placeholders = ", ".join(f"${i}" for i in range(1, _N + 1))
                await conn.executemany(
                    f"INSERT INTO audit_log ({_COLUMNS}) VALUES ({placeholders})",
                    [_values(r, r.entry.time) for r in records],
                )
                await conn.execute(
                    "UPDATE audit_head SET seq = $1, mac = $2 WHERE id = 1", records[-1].seq, records[-1].mac
                )
        except Exception as exc:
            if self._connection.broken(exc):
                await self._connection.close()  # a fresh connection next time
            raise
        self._mine = (records[-1].seq, records[-1].mac, secret)
        return records

    async def close(self) -> None:
        await self._connection.close()
