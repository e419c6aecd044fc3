"""``freehold feedback export``: the scores clients gave answers, one JSON line each, for retraining a router.

Each line: ``request_id``, ``alias`` (asked), ``routed_to`` (the alias that served it after
routing), ``deployment``, ``key_id``, ``team_id``, ``score``, ``comment``, ``rated_at``,
``started_at``, ``prompt_hash`` (the SHA-256 of the request body the audit log recorded, else
null) and ``prompt`` (the last user message, only when the audit log kept request content,
``privacy.audit.content``; else null). The ledger itself never keeps prompts: docs/routing.md
describes joining the export with prompts a team captured itself.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from freehold.commands.db import DatabaseOption, settings_or_exit
from freehold.commands.governance import err
from freehold.routing.signals import prompt_text
from freehold.stores.database import create_engine, ensure_schema
from freehold.stores.feedback import FeedbackRow
from freehold.stores.feedback_sql import SqlFeedback

__all__ = ["app", "export_line"]

app = typer.Typer(help="Feedback clients gave answers (POST /v1/feedback).", no_args_is_help=True)


def export_line(row: FeedbackRow) -> dict[str, Any]:
    prompt = None
    if row.request_body:
        try:
            body = orjson.loads(row.request_body)
        except orjson.JSONDecodeError:
            body = None
        prompt = prompt_text(body) or None if isinstance(body, dict) else None
    return {
        "request_id": row.request_id,
        "alias": row.alias,
        "routed_to": row.routed_alias or row.alias,
        "deployment": row.deployment,
        "key_id": row.key_id,
        "team_id": row.team_id,
        "score": row.score,
        "comment": row.comment,
        "rated_at": row.rated_at.isoformat(),
        "started_at": row.started_at.isoformat(),
        "prompt_hash": row.request_sha256,
        "prompt": prompt,
    }


async def _rows(url: str, since: datetime | None) -> list[FeedbackRow]:
    engine = create_engine(url)
    try:
        await ensure_schema(engine, url)
        return await SqlFeedback(engine).export(since)
    finally:
        await engine.dispose()


@app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="The JSON Lines file to write ('-': standard output).")],
    since: Annotated[str | None, typer.Option(help="Only scores given at or after this time (ISO 8601).")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Write every score, joined with its request's ledger row, as JSON Lines."""
    url = settings_or_exit(database_url).database()
    start = None
    if since is not None:
        try:
            start = datetime.fromisoformat(since)
        except ValueError:
            err.print(
                f"[red]✗[/] --since: {since!r} is not an ISO 8601 time, e.g. 2026-12-01T00:00:00Z", highlight=False
            )
            raise typer.Exit(2) from None
    rows = asyncio.run(_rows(url, start))
    data = b"".join(orjson.dumps(export_line(r)) + b"\n" for r in rows)
    if str(out) == "-":
        typer.echo(data.decode(), nl=False)
    else:
        out.write_bytes(data)
        err.print(f"{len(rows)} scores written to {out}", highlight=False)
