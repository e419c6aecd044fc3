"""The database: URLs as users write them, migrations that build the schema the code uses, the start-up check."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from tests.stores_support import database_url  # noqa: F401  (a fixture)

from freehold.settings import Settings, resolve_settings
from freehold.stores import schema
from freehold.stores.database import SchemaOutOfDate, async_url, create_engine, ensure_schema, head, schema_state


@pytest.mark.parametrize(
    ("given", "driver", "database"),
    [
        ("sqlite:////var/lib/freehold/freehold.db", "sqlite+aiosqlite", "/var/lib/freehold/freehold.db"),
        ("sqlite:///relative.db", "sqlite+aiosqlite", "relative.db"),
        ("postgresql://app@db.internal:5432/freehold", "postgresql+asyncpg", "freehold"),
        ("postgres://app:pw@db:5432/freehold", "postgresql+asyncpg", "freehold"),
        ("postgresql+asyncpg://app@db/freehold", "postgresql+asyncpg", "freehold"),
    ],
)
def test_urls_are_taken_as_users_write_them(given: str, driver: str, database: str) -> None:
    url = async_url(given)
    assert (url.drivername, url.database) == (driver, database)


def test_the_default_database_is_a_sqlite_file_in_the_state_directory(tmp_path: Path) -> None:
    settings = resolve_settings(environ={"FREEHOLD_STATE_DIR": str(tmp_path)})
    assert settings.database() == f"sqlite:///{tmp_path}/freehold.db"
    assert Settings(database_url="postgresql://x@h/db").database() == "postgresql://x@h/db"


def test_a_bad_database_url_names_the_variable() -> None:
    from freehold.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        resolve_settings(environ={"FREEHOLD_DATABASE_URL": "mysql://x@h/db"})
    assert info.value.problems[0].startswith("FREEHOLD_DATABASE_URL: must be")


def _differences(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), schema.metadata))


async def test_an_empty_database_is_created_at_the_head_revision_and_matches_the_schema(database_url: str) -> None:  # noqa: F811
    engine = create_engine(database_url)
    try:
        assert await schema_state(engine) == (None, False)
        await ensure_schema(engine, database_url)
        assert await schema_state(engine) == (head(database_url), True)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []  # migrations build what the code reads
            assert (await connection.execute(select(schema.revision.c.value))).scalar_one() == 0
        await ensure_schema(engine, database_url)  # up to date: nothing to do
    finally:
        await engine.dispose()


async def test_a_database_at_an_older_revision_is_refused_with_the_command_to_run(database_url: str) -> None:  # noqa: F811
    engine = create_engine(database_url)
    try:
        await ensure_schema(engine, database_url)
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
        with pytest.raises(SchemaOutOfDate) as info:
            await ensure_schema(engine, database_url)
        assert "run `freehold db upgrade`" in info.value.problems[0]
    finally:
        await engine.dispose()


async def test_a_database_of_someone_else_is_not_touched(database_url: str) -> None:  # noqa: F811
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE theirs (id INTEGER PRIMARY KEY)"))
        with pytest.raises(SchemaOutOfDate) as info:
            await ensure_schema(engine, database_url)
        assert "no Freehold schema version" in info.value.problems[0]
    finally:
        await engine.dispose()


def test_db_upgrade_and_current_from_the_command_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from freehold.cli import app

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    before = runner.invoke(app, ["db", "current", "--database-url", url])
    assert before.exit_code == 1 and "revision (none)" in before.output
    done = runner.invoke(app, ["db", "upgrade", "--database-url", url])
    assert done.exit_code == 0, done.output
    after = runner.invoke(app, ["db", "current", "--database-url", url])
    assert after.exit_code == 0 and f"revision {head(url)}" in after.output
