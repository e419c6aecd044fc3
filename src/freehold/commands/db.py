"""``freehold db``: the database's schema (``upgrade``, ``current``) and where it lives."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.engine import make_url

from freehold.errors import ConfigError
from freehold.settings import Settings, resolve_settings
from freehold.stores.database import create_engine, ensure_schema, head, schema_state, upgrade

__all__ = ["DatabaseOption", "app", "prepare_database", "settings_or_exit", "shown"]

app = typer.Typer(help="The database of keys, teams and the usage ledger.", no_args_is_help=True)
err = Console(stderr=True)
out = Console()

DatabaseOption = Annotated[
    str | None,
    typer.Option("--database-url", help="sqlite:///path or postgresql://user@host/db. [env FREEHOLD_DATABASE_URL]"),
]


def shown(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def settings_or_exit(database_url: str | None) -> Settings:
    """The process settings with ``--database-url`` over the environment; bad ones are printed, exit 2."""
    try:
        return resolve_settings({"database_url": database_url})
    except ConfigError as exc:
        for line in exc.problems:
            err.print(f"[red]✗[/] {line}", highlight=False)
        raise typer.Exit(2) from None


@app.command("upgrade")
def upgrade_command(database_url: DatabaseOption = None) -> None:
    """Bring the database's schema to this version of Freehold (creates it if empty)."""
    url = settings_or_exit(database_url).database()
    asyncio.run(upgrade(url))
    out.print(f"[green]✓[/] {shown(url)} is at revision {head(url)}")


@app.command("current")
def current_command(database_url: DatabaseOption = None) -> None:
    """Show the database's schema revision and the one this version of Freehold needs."""
    url = settings_or_exit(database_url).database()

    async def read() -> str | None:
        engine = create_engine(url)
        try:
            return (await schema_state(engine))[0]
        finally:
            await engine.dispose()

    current = asyncio.run(read())
    out.print(f"{shown(url)}: revision {current or '(none)'}; this version needs {head(url)}")
    if current != head(url):
        raise typer.Exit(1)


def prepare_database(settings: Settings) -> str:
    """Before serving: create an empty database's schema, refuse an out-of-date one; returns the URL.

    Raises:
        ConfigError: the schema is out of date (its message says to run ``freehold db upgrade``).
    """
    url = settings.database()

    async def check() -> None:
        engine = create_engine(url)
        try:
            await ensure_schema(engine, url)
        finally:
            await engine.dispose()

    asyncio.run(check())
    return url
