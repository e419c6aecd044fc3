"""Databases for store tests: a SQLite file per test, and a PostgreSQL database per test run.

PostgreSQL runs at 127.0.0.1:5432 with trust auth (CI starts it); each test run creates its
own database (``freehold_test_<pid>_<n>``) and drops it afterwards, so runs never share state.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
_counter = itertools.count()


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(PG_ADMIN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def new_postgres_database() -> str:
    """A fresh, empty database; returns its URL."""
    name = f"freehold_test_{os.getpid()}_{next(_counter)}"
    await _admin(f'DROP DATABASE IF EXISTS "{name}"')
    await _admin(f'CREATE DATABASE "{name}"')
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


async def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'freehold.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of each kind, one per test."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    url = await new_postgres_database()
    try:
        yield url
    finally:
        await drop_postgres_database(url)
