"""The SQL database: URLs as users write them, the async engine, and the schema's version.

One schema serves SQLite (the embedded default: one file, WAL, no service to start) and
PostgreSQL (for replicas), through SQLAlchemy 2's Core over aiosqlite or asyncpg. The schema
is owned by Alembic migrations (``stores/migrations``): ``freehold db upgrade`` applies them.
A gateway never changes an existing schema by itself: on a database whose schema is older than
its code it refuses to start and says to run the upgrade. A database without any table yet (a
first start) is created in place, so the quickstart needs no step.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Final

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from freehold.errors import ConfigError

__all__ = [
    "SchemaOutOfDate",
    "alembic_config",
    "async_url",
    "create_engine",
    "ensure_schema",
    "head",
    "schema_state",
    "upgrade",
]

MIGRATIONS: Final = Path(__file__).resolve().parent / "migrations"


class SchemaOutOfDate(ConfigError):
    """The database's schema is not the one this code needs; ``freehold db upgrade`` fixes it."""


def async_url(url: str) -> URL:
    """``sqlite:///path`` → aiosqlite, ``postgresql://`` (or ``postgres://``) → asyncpg; others as given."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url)
    if parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed


def create_engine(url: str, **options: Any) -> AsyncEngine:
    """The engine for ``url``; for SQLite, the file's directory is created and WAL turned on.

    SQLite runs with ``journal_mode=WAL`` (readers never wait for the writer), ``synchronous=NORMAL``
    (a commit survives the process being killed, as the ledger's guarantee needs; only a power
    loss may take the last commits, which is the usual trade-off for WAL) and a busy timeout so
    that several processes on one file wait for each other rather than fail.
    """
    parsed = async_url(url)
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(parsed, **options)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    options.setdefault("pool_pre_ping", True)
    return create_async_engine(parsed, **options)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(url: str) -> Config:
    """Alembic's configuration for ``url``, with the migrations shipped in the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", async_url(url).render_as_string(hide_password=False).replace("%", "%%"))
    return config


def head(url: str) -> str:
    """The newest revision this code knows."""
    revision = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert revision is not None
    return revision


async def schema_state(engine: AsyncEngine) -> tuple[str | None, bool]:
    """The database's current revision (None if never migrated) and whether it holds any table."""

    def read(connection: Connection) -> tuple[str | None, bool]:
        current = MigrationContext.configure(connection).get_current_revision()
        return current, bool(inspect(connection).get_table_names())

    async with engine.connect() as connection:
        return await connection.run_sync(read)


async def upgrade(url: str) -> None:
    """Apply every migration not yet applied (``freehold db upgrade``)."""
    from alembic import command

    # Alembic's env.py runs its own event loop for the async engine: keep it off this one.
    await asyncio.to_thread(command.upgrade, alembic_config(url), "head")


async def ensure_schema(engine: AsyncEngine, url: str) -> None:
    """Create the schema in an empty database; refuse one whose schema is older or newer than this code.

    Raises:
        SchemaOutOfDate: with the command to run.
    """
    current, has_tables = await schema_state(engine)
    wanted = head(url)
    if current == wanted:
        return
    if current is None and not has_tables:
        await upgrade(url)
        return
    shown = make_url(url).render_as_string(hide_password=True)
    if current is None:
        raise SchemaOutOfDate(
            [
                f"database {shown}: it holds tables but no Freehold schema version; point FREEHOLD_DATABASE_URL "
                "at an empty database or one that Freehold created"
            ]
        )
    raise SchemaOutOfDate(
        [
            f"database {shown}: its schema is at revision {current}, this gateway needs {wanted}; "
            f"run `freehold db upgrade` (with the same FREEHOLD_DATABASE_URL), then start again"
        ]
    )
