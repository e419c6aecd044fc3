"""``freehold audit``: check the audit log's chain (``verify``) and see what data went where (``report``).

Both read the database directly (the same ``FREEHOLD_DATABASE_URL`` and default file as
``serve``); ``verify`` needs the gateway's audit key (``FREEHOLD_AUDIT_KEY`` or the key file).
docs/privacy.md ("Audit log") says what the chain proves and what it cannot.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from freehold.commands.db import DatabaseOption, settings_or_exit
from freehold.commands.governance import JsonOption, emit, err, out
from freehold.errors import ConfigError
from freehold.privacy.audit_key import load_audit_key
from freehold.privacy.audit_report import report_json
from freehold.privacy.audit_verify import Verification, verify_store
from freehold.settings import Settings
from freehold.stores.audit_sql import SqlAuditStore
from freehold.stores.database import create_engine, ensure_schema

__all__ = ["app", "banner"]

app = typer.Typer(help="The tamper-evident audit log: verify its chain, report what data went to which vendor.")

KeyFileOption = Annotated[
    str | None,
    typer.Option(
        "--key-file", help="The audit key file. [env FREEHOLD_AUDIT_KEY_FILE; the key itself: env FREEHOLD_AUDIT_KEY]"
    ),
]


def banner(settings: Settings) -> str:
    """The serve banner's line about the audit key (never its value); makes the key file on first start."""
    try:
        key = load_audit_key(settings)
    except ConfigError as exc:
        for line in exc.problems:
            err.print(f"  [red]✗[/] {line}", highlight=False)
        raise typer.Exit(2) from None
    assert key is not None
    if key.created:
        return (
            f"Audit log: made a new audit key in {key.source} (mode 0600). Keep a copy: without it the log "
            "cannot be verified; replicas sharing a database must all use it (or FREEHOLD_AUDIT_KEY)."
        )
    return f"Audit log: on, keyed by {key.source}."


def _parse_anchor(anchor: str | None) -> tuple[int, str] | None:
    if anchor is None:
        return None
    seq, sep, mac = anchor.partition(":")
    if not sep or not seq.isdigit() or len(mac) != 64:
        err.print("[red]✗[/] --anchor must be SEQ:MAC as `freehold audit verify` printed it", highlight=False)
        raise typer.Exit(2)
    return int(seq), mac


@app.command("verify")
def verify_command(
    database_url: DatabaseOption = None,
    key_file: KeyFileOption = None,
    anchor: Annotated[
        str | None, typer.Option(help="SEQ:MAC of a head noted earlier: catches records cut from the end.")
    ] = None,
) -> None:
    """Check every record's mac and the chain's links; exit 1 naming each altered, inserted or missing record."""
    settings = settings_or_exit(database_url)
    if key_file:
        settings = _with_key_file(settings, key_file)
    try:
        key = load_audit_key(settings, create=False)
    except ConfigError as exc:
        for line in exc.problems:
            err.print(f"[red]✗[/] {line}", highlight=False)
        raise typer.Exit(2) from None
    if key is None:
        err.print(
            f"[red]✗[/] no audit key: set FREEHOLD_AUDIT_KEY or --key-file (no file at {settings.audit_key_path()})",
            highlight=False,
        )
        raise typer.Exit(2)
    wanted = _parse_anchor(anchor)
    url = settings.database()

    async def run() -> Verification:
        engine = create_engine(url)
        try:
            await ensure_schema(engine, url)
            return await verify_store(SqlAuditStore(engine), key.secret, anchor=wanted)
        finally:
            await engine.dispose()

    result = asyncio.run(run())
    if result.intact:
        out.print(f"[green]✓[/] chain intact: {result.records} records", highlight=False)
        if result.records:
            out.print(f"head: {result.last_seq}:{result.last_mac} (note it; --anchor checks it later)", highlight=False)
        return
    for problem in result.problems:
        out.print(f"[red]✗[/] {problem}", highlight=False)
    out.print(f"chain broken: {len(result.problems)} problem(s) in {result.records} records", highlight=False)
    raise typer.Exit(1)


def _with_key_file(settings: Settings, key_file: str) -> Settings:
    import dataclasses

    return dataclasses.replace(settings, audit_key_file=key_file)


def _when(text: str | None, default: datetime, name: str) -> datetime:
    if text is None:
        return default
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        err.print(f"[red]✗[/] --{name}: {text!r} is not an ISO 8601 date or time", highlight=False)
        raise typer.Exit(2) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


@app.command("report")
def report_command(
    since: Annotated[str, typer.Option(help="Start, ISO 8601 (UTC unless it says otherwise).")],
    until: Annotated[str | None, typer.Option(help="End (excluded), ISO 8601; default: now.")] = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Which categories of personal data went to which vendor, from the audit log (counts and requests)."""
    url = settings_or_exit(database_url).database()
    start = _when(since, datetime.now(UTC), "since")
    end = _when(until, datetime.now(UTC), "until")

    async def run() -> dict[str, Any]:
        engine = create_engine(url)
        try:
            await ensure_schema(engine, url)
            return await report_json(SqlAuditStore(engine), start, end)
        finally:
            await engine.dispose()

    report = asyncio.run(run())

    def table() -> Table:
        t = Table(title=f"Personal data by vendor, {report['since']} to {report['until']}")
        for column in ("vendor", "category", "found", "requests"):
            t.add_column(column, justify="left" if column in ("vendor", "category") else "right")
        for row in report["data"]:
            t.add_row(row["vendor"], row["category"], str(row["count"]), str(row["requests"]))
        return t

    emit(as_json, report, table)
