"""What ``freehold keys`` and ``freehold teams`` share: the key store, their options, their output.

The commands work on the database directly (the same ``FREEHOLD_DATABASE_URL`` and default file
as ``serve``), through the same operations and request models as the admin API
(``governance.admin``), so a rule holds alike on both. Every change moves the store's revision,
and running gateways pick it up within their refresh interval (``governance.keys``).
"""

from __future__ import annotations

import asyncio
import getpass
import os
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

import orjson
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from freehold.commands.db import DatabaseOption, settings_or_exit
from freehold.errors import AuditUnavailable, ConfigError, FreeholdError
from freehold.governance.admin import KeyAdmin
from freehold.governance.spend import spend_reader
from freehold.privacy.audit_key import load_audit_key
from freehold.settings import Settings
from freehold.stores import schema
from freehold.stores.audit import AuditEntry, ChainKeyMismatch
from freehold.stores.audit_sql import SqlAuditStore
from freehold.stores.database import create_engine, ensure_schema
from freehold.stores.keys_sql import SqlKeyStore

__all__ = [
    "BudgetOption",
    "DatabaseOption",
    "JsonOption",
    "MetadataOption",
    "PeriodOption",
    "RpmOption",
    "TpmOption",
    "budget_body",
    "clear_fields",
    "count_keys",
    "emit",
    "err",
    "fields_table",
    "metadata_body",
    "out",
    "parse_duration",
    "rows_table",
    "run",
]

err = Console(stderr=True, width=None if os.isatty(2) else 160)
out = Console(width=None if os.isatty(1) else 160)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (the admin API's shapes) instead of a table.")]
BudgetOption = Annotated[str | None, typer.Option(help='Budget in US dollars, e.g. "10.00".')]
PeriodOption = Annotated[str | None, typer.Option(help="Budget period: daily, weekly, monthly (default) or total.")]
RpmOption = Annotated[int | None, typer.Option(help="Requests per minute (a team's: shared by its keys).")]
TpmOption = Annotated[int | None, typer.Option(help="Tokens per minute (a team's: shared by its keys).")]
MetadataOption = Annotated[str | None, typer.Option(help='Metadata as a JSON object, e.g. \'{"owner": "ops"}\'.')]

T = TypeVar("T")


def run(database_url: str | None, work: Callable[[KeyAdmin], Awaitable[T]]) -> T:
    """Run ``work`` on the key store of the database; a refusal is printed and exits 1 (settings: 2)."""
    settings = settings_or_exit(database_url)
    url = settings.database()

    async def session() -> T:
        engine = create_engine(url)
        try:
            await ensure_schema(engine, url)
            audit = _audit(settings, engine)
            return await work(KeyAdmin(SqlKeyStore(engine), spend_reader(engine), audit=audit))
        finally:
            await engine.dispose()

    try:
        return asyncio.run(session())
    except ConfigError as exc:
        for line in exc.problems:
            err.print(f"[red]✗[/] {line}", highlight=False)
        raise typer.Exit(2) from None
    except FreeholdError as exc:
        err.print("[red]✗[/] ", end="")
        err.print(exc.message, highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1) from None


class _CliAudit:
    """Records the command's changes in the audit log, as the admin API does (actor ``cli:<user>``)."""

    def __init__(self, store: SqlAuditStore, secret: bytes) -> None:
        self._store = store
        self._secret = secret

    async def admin(self, action: str, actor: str, detail: Mapping[str, Any]) -> None:
        who = f"cli:{getpass.getuser()}" if actor == "cli" else actor
        entry = AuditEntry(kind="admin", time=datetime.now(UTC), action=action, detail={"actor": who, **detail})
        try:
            await self._store.append([entry], self._secret)
        except ChainKeyMismatch as exc:
            raise AuditUnavailable(
                f"The change was not made: it cannot be recorded in the audit log ({exc})."
            ) from None


def _audit(settings: Settings, engine: AsyncEngine) -> _CliAudit | None:
    """The audit log's recorder, with the gateway's key (``FREEHOLD_AUDIT_KEY`` or its key file).

    The CLI never makes the key (the gateway does, at its first start): without one, changes are
    made and a warning says they were not recorded.
    """
    key = load_audit_key(settings, create=False)
    if key is None:
        err.print(
            "[yellow]No audit key (FREEHOLD_AUDIT_KEY, or the key file a gateway makes at its first start): "
            "this change is not recorded in the audit log.[/]",
            highlight=False,
        )
        return None
    return _CliAudit(SqlAuditStore(engine), key.secret)


def count_keys(url: str) -> int:
    """How many keys the database holds (revoked and expired ones too): any at all means keys are required."""

    async def count() -> int:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                return int((await conn.execute(select(func.count()).select_from(schema.keys))).scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(count())


_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> datetime:
    """``30d``, ``12h``, ``2w``… from now."""
    found = _DURATION.match(text)
    if found is None:
        err.print(f"[red]✗[/] --expires-in: {text!r} is not a duration such as 30d, 12h or 2w", highlight=False)
        raise typer.Exit(2)
    return datetime.now(UTC) + timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


def budget_body(usd: str | None, period: str | None) -> dict[str, str] | None:
    if usd is None:
        if period is not None:
            err.print("[red]✗[/] --period needs --budget", highlight=False)
            raise typer.Exit(2)
        return None
    return {"usd": usd, "period": period or "monthly"}


def metadata_body(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        err.print(f"[red]✗[/] --metadata is not JSON: {exc}", highlight=False)
        raise typer.Exit(2) from None


def clear_fields(names: Iterable[str], allowed: Mapping[str, str]) -> dict[str, None]:
    """``--clear`` names as the body's fields set to null."""
    body: dict[str, None] = {}
    for name in names:
        if name not in allowed:
            err.print(f"[red]✗[/] --clear {name}: can clear {', '.join(allowed)}", highlight=False)
            raise typer.Exit(2)
        body[allowed[name]] = None
    return body


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict) and set(value) == {"usd", "period"}:
        return f"${value['usd']} {value['period']}"
    if isinstance(value, list | dict):
        return orjson.dumps(value).decode()
    return str(value)


def fields_table(record: Mapping[str, Any], title: str) -> Table:
    table = Table(title=title, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for name, value in record.items():
        if name != "object":
            table.add_row(name, _cell(value))
    return table


def emit(as_json: bool, data: object, table: Callable[[], Table]) -> None:
    if as_json:
        typer.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    else:
        out.print(table())


def rows_table(title: str, columns: list[str], records: Iterable[Mapping[str, Any]]) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for record in records:
        table.add_row(*(_cell(record.get(column)) for column in columns))
    return table
