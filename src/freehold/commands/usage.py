"""``freehold usage``: the ledger's usage for a period, by key, team, alias or deployment (docs/governance.md).

Reads the database directly (the same ``FREEHOLD_DATABASE_URL`` and default file as ``serve``),
with the query and the JSON of ``GET /admin/usage`` (``governance.usage_report``), so both say
the same thing. Keys and teams are shown by id; the table adds their names.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer
from rich.table import Table

from freehold.commands.db import DatabaseOption, settings_or_exit
from freehold.commands.governance import JsonOption, emit, err
from freehold.errors import ConfigError, FreeholdError
from freehold.governance.usage_report import UsageQuery, usage_json, usage_query
from freehold.stores.database import create_engine, ensure_schema
from freehold.stores.keys_sql import SqlKeyStore
from freehold.stores.ledger_sql import SqlLedger

__all__ = ["usage"]

GroupOption = Annotated[str, typer.Option("--group-by", help="key, team, alias or deployment.")]
SinceOption = Annotated[
    str | None, typer.Option(help="Start, ISO 8601 (UTC unless it says otherwise); default: the 1st of this month.")
]
UntilOption = Annotated[str | None, typer.Option(help="End (excluded), ISO 8601; default: now.")]


async def _report(url: str, query: UsageQuery) -> tuple[dict[str, Any], dict[str, str]]:
    """The report's JSON, and the names of the keys or teams it shows (for the table)."""
    engine = create_engine(url)
    try:
        await ensure_schema(engine, url)
        report = usage_json(query, await SqlLedger(engine).usage(query.group_by, query.since, query.until))
        names: dict[str, str] = {}
        if query.group_by in ("key", "team"):
            snapshot = await SqlKeyStore(engine).snapshot()
            names = {k.id: k.name for k in snapshot.keys} | {t.id: t.name for t in snapshot.teams}
        return report, names
    finally:
        await engine.dispose()


def usage(
    group_by: GroupOption = "key",
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Requests, tokens and cost from the usage ledger, grouped, for a period."""
    url = settings_or_exit(database_url).database()
    try:
        query = usage_query(group_by, since, until)
        report, names = asyncio.run(_report(url, query))
    except ConfigError as exc:
        for line in exc.problems:
            err.print(f"[red]✗[/] {line}", highlight=False)
        raise typer.Exit(2) from None
    except FreeholdError as exc:
        err.print("[red]✗[/] ", end="")
        err.print(exc.message, highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(2 if exc.status == 400 else 1) from None

    def table() -> Table:
        title = f"Usage by {query.group_by}, {report['since']} to {report['until']}"
        t = Table(title=title)
        columns = (
            "requests",
            "input tokens",
            "output tokens",
            "cost (USD)",
            "unknown cost",
            "cache hits",
            "saved (USD)",
        )
        for column in (query.group_by, *columns):
            t.add_column(column, justify="left" if column == query.group_by else "right")
        for row in report["data"]:
            group = row["group"]
            shown = "-" if group is None else f"{group} ({names[group]})" if group in names else group
            t.add_row(
                shown,
                str(row["requests"]),
                str(row["input_tokens"]),
                str(row["output_tokens"]),
                row["cost_usd"],
                str(row["unknown_cost_requests"]),
                str(row["cache_hits"]),
                row["saved_usd"],
            )
        return t

    emit(as_json, report, table)
