"""Write transactions on the database driver itself, for the stores written on every request.

The ledger and the audit log append on every request; through SQLAlchemy's async engine a small
transaction cost ~500 µs of CPU against ~20 µs on the driver (bench/RESULTS.md, "Governance on
the request path"). Their hot writes therefore use these two, and everything else (reads,
reports, reconciliation, migrations) stays on SQLAlchemy, which reads the values back unchanged:

- ``SqliteWriter``: a standard-library ``sqlite3`` connection owned by one dedicated thread (WAL,
  ``synchronous=NORMAL``: a commit survives the process being killed), each batch one
  ``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error.
- ``PostgresConnection``: one ``asyncpg`` connection of the writer's own, made on first use and
  made again after a connection failure.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.engine import URL

__all__ = ["PostgresConnection", "SqliteWriter", "is_sqlite", "postgres_dsn", "sqlite_time"]

T = TypeVar("T")


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def postgres_dsn(url: URL) -> str:
    """The plain ``postgresql://`` URL asyncpg takes, from SQLAlchemy's ``postgresql+asyncpg://`` one."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def sqlite_time(value: datetime) -> str:
    """SQLAlchemy's SQLite text for a time: UTC, ``YYYY-MM-DD HH:MM:SS.ffffff`` (``strftime`` cost 5 % of a request)."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


class SqliteWriter:
    """Runs write transactions on one connection, in one thread of its own."""

    def __init__(self, path: str, name: str) -> None:
        self._path = path
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"freehold-{name}")
        self._db: sqlite3.Connection | None = None

    async def transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work(db)`` inside ``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back if it raises)."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._run, work)

    def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        db = self._db
        if db is None:
            db = sqlite3.connect(self._path, isolation_level=None, timeout=30, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._db = db
        db.execute("BEGIN IMMEDIATE")
        try:
            result = work(db)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        return result

    async def close(self) -> None:
        def shut() -> None:
            if self._db is not None:
                self._db.close()
                self._db = None

        await asyncio.get_running_loop().run_in_executor(self._thread, shut)
        self._thread.shutdown(wait=True)


class PostgresConnection:
    """One ``asyncpg`` connection, made when first needed and again after it failed."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._conn: Any = None

    async def get(self) -> Any:
        import asyncpg  # type: ignore[import-untyped]  # the postgres extra: only PostgreSQL needs it

        if self._conn is None or self._conn.is_closed():
            self._conn = await asyncpg.connect(self._dsn)
        return self._conn

    @staticmethod
    def broken(exc: BaseException) -> bool:
        """Whether ``exc`` means the connection is unusable (then ``close`` it: the next ``get`` reconnects)."""
        import asyncpg

        return isinstance(exc, OSError | asyncpg.PostgresConnectionError | asyncpg.InterfaceError)

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            try:
                await conn.close(timeout=2)
            except Exception:
                conn.terminate()
