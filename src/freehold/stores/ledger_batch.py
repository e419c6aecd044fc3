"""The ledger's hot writes, on the database driver itself: one transaction per batch, cheaply.

Every request that reaches a provider costs the ledger a journal row and a completion, written
in group-committed batches (``governance/ledger.py``). Through SQLAlchemy's async engine a
small transaction cost ~500 µs of CPU on SQLite (connection checkout, greenlet hand-offs,
aiosqlite's thread hops, statement processing) against ~20 µs through the standard ``sqlite3``
module: at 16 requests in flight that doubled the gateway's CPU per request (bench/RESULTS.md,
"Usage ledger on the request path"). So the three statements the request path needs — insert
pending rows, complete rows, delete discarded ones — go straight to the driver:

- **SQLite**: a connection of the standard library's ``sqlite3`` in one dedicated thread (WAL,
  ``synchronous=NORMAL``: a commit survives the process being killed; a power cut may lose the
  last commits, as for every SQLite write here), ``BEGIN IMMEDIATE`` … ``COMMIT``.
- **PostgreSQL**: one ``asyncpg`` connection of the writer's own, ``executemany`` in a
  transaction; reconnected after a failure.

Values are written exactly as SQLAlchemy writes them (``schema.py``'s types), so everything else
— reads, reports, reconciliation, migrations — stays on SQLAlchemy and reads them back unchanged:
on SQLite, times as ``YYYY-MM-DD HH:MM:SS.ffffff`` UTC text and money as a float (see
``ledger_sql``'s note on exact sums); on PostgreSQL, aware datetimes and ``Decimal``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC
from typing import Protocol

from sqlalchemy.engine import URL

from freehold.stores.driver import PostgresConnection, SqliteWriter, is_sqlite, postgres_dsn, sqlite_time
from freehold.stores.ledger import Completion, Journal

__all__ = ["BatchWriter", "DuplicateRequestId", "batch_writer"]

_COLUMNS = (
    "request_id, instance, started_at, status, key_id, team_id, door, alias, attempts, usage_estimated, reserved_usd, "
    "routed_alias"
)
_SET = (
    "finished_at = {0}, status = {1}, deployment = {2}, attempts = {3}, input_tokens = {4}, output_tokens = {5}, "
    "cached_input_tokens = {6}, cache_write_tokens = {7}, usage_estimated = {8}, cost_usd = {9}, latency_ms = {10}, "
    "saved_usd = {11}"
)


class DuplicateRequestId(Exception):
    """A journal row's ``request_id`` is already stored (a client sent the same ``x-request-id`` twice)."""


class BatchWriter(Protocol):
    async def write(
        self, journal: Sequence[tuple[Journal, str]], complete: Sequence[Completion], discard: Sequence[str]
    ) -> None:
        """One transaction: insert ``journal`` (each with the id to store it under), complete, delete."""
        ...

    async def close(self) -> None: ...


def batch_writer(url: URL) -> BatchWriter:
    """The writer for the database at ``url`` (SQLAlchemy's URL of the ledger's engine)."""
    if is_sqlite(url):
        return SqliteBatchWriter(url.database or ":memory:")
    return PostgresBatchWriter(postgres_dsn(url))


class SqliteBatchWriter:
    """Batches through the standard ``sqlite3`` module, in one thread that owns the connection."""

    def __init__(self, path: str) -> None:
        self._writer = SqliteWriter(path, "ledger")

    async def write(
        self, journal: Sequence[tuple[Journal, str]], complete: Sequence[Completion], discard: Sequence[str]
    ) -> None:
        pending = [
            (rid, j.instance, sqlite_time(j.started_at), "pending", j.key_id, j.team_id, j.door, j.alias, 0, 0,
             None if j.reserved_usd is None else float(j.reserved_usd), j.routed_alias)
            for j, rid in journal
        ]  # fmt: skip
        done = [
            (sqlite_time(c.finished_at), c.status, c.deployment, c.attempts, c.input_tokens, c.output_tokens,
             c.cached_input_tokens, c.cache_write_tokens, int(c.usage_estimated),
             None if c.cost_usd is None else float(c.cost_usd), c.latency_ms,
             None if c.saved_usd is None else float(c.saved_usd), c.request_id)
            for c in complete
        ]  # fmt: skip
        gone = [(rid,) for rid in discard]

        def work(db: sqlite3.Connection) -> None:
            if pending:
                db.executemany(f"INSERT INTO ledger ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", pending)
            if done:
                db.executemany(f"UPDATE ledger SET {_SET.format(*'?' * 12)} WHERE request_id = ?", done)
            if gone:
                db.executemany("DELETE FROM ledger WHERE request_id = ?", gone)

        try:
            await self._writer.transaction(work)
        except sqlite3.IntegrityError:
            raise DuplicateRequestId from None

    async def close(self) -> None:
        await self._writer.close()


class PostgresBatchWriter:
    """Batches over one ``asyncpg`` connection of the writer's own."""

    def __init__(self, dsn: str) -> None:
        self._connection = PostgresConnection(dsn)

    async def write(
        self, journal: Sequence[tuple[Journal, str]], complete: Sequence[Completion], discard: Sequence[str]
    ) -> None:
        import asyncpg  # type: ignore[import-untyped]  # the postgres extra: only a PostgreSQL ledger needs it

        conn = await self._connection.get()
        pending = [
            (rid, j.instance, j.started_at.astimezone(UTC), "pending", j.key_id, j.team_id, j.door, j.alias, 0, False,
             j.reserved_usd, j.routed_alias)
            for j, rid in journal
        ]  # fmt: skip
        done = [
            (c.finished_at.astimezone(UTC), c.status, c.deployment, c.attempts, c.input_tokens, c.output_tokens,
             c.cached_input_tokens, c.cache_write_tokens, c.usage_estimated, c.cost_usd, c.latency_ms, c.saved_usd,
             c.request_id)
            for c in complete
        ]  # fmt: skip
        try:
            async with conn.transaction():
                if pending:
                    values = ", ".join(f"${i}" for i in range(1, 13))
                    await conn.executemany(f"INSERT INTO ledger ({_COLUMNS}) VALUES ({values})", pending)
                if done:
                    assignments = _SET.format(*(f"${i}" for i in range(1, 13)))
                    await conn.executemany(f"UPDATE ledger SET {assignments} WHERE request_id = $13", done)
                if discard:
                    await conn.executemany("DELETE FROM ledger WHERE request_id = $1", [(rid,) for rid in discard])
        except asyncpg.UniqueViolationError:
            raise DuplicateRequestId from None
        except Exception as exc:
            if self._connection.broken(exc):
                await self._connection.close()  # a fresh connection next time
            raise

    async def close(self) -> None:
        await self._connection.close()
