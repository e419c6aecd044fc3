"""``freehold feedback export``: the scores clients gave answers, one JSON line each, for retraining a router.

Each line: ``request_id``, ``alias`` (asked), ``routed_to`` (the alias that served it after
routing), ``deployment``, ``key_id``, ``team_id``, ``score``, ``comment``, ``rated_at``,
``started_at``, ``prompt_hash`` (the SHA-256 of the request body the audit log recorded, else
null) and ``prompt`` (the last user message, only when the audit log kept request content,
``privacy.audit.content``; else null). The ledger itself never keeps prompts: docs/routing.md
describes joining the export with prompts a team captured itself.

With ``--weak ALIAS`` the export is a router's training data instead: one ``{"prompt", "weak_ok",
"request_id"}`` line per scored answer the weak alias gave (``weak_ok``: its score reached
``--ok-at``), the input ``freehold router train`` reads. Answers the strong side gave say nothing
about whether the weak one would have done, so they are left out (counted on stderr).
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

__all__ = ["app", "export_line", "training_lines"]

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


def training_lines(lines: list[dict[str, Any]], weak: str, ok_at: float) -> tuple[list[dict[str, Any]], int, int]:
    """The weak alias's scored answers as router training rows; also how many lines had no prompt or another side."""
    out, unprompted, other = [], 0, 0
    for line in lines:
        if line["routed_to"] != weak:
            other += 1
        elif not line["prompt"]:
            unprompted += 1
        else:
            out.append({"prompt": line["prompt"], "weak_ok": line["score"] >= ok_at, "request_id": line["request_id"]})
    return out, unprompted, other


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
    weak: Annotated[
        str | None,
        typer.Option(help="Write training rows for `freehold router train`: the answers this (weak) alias gave."),
    ] = None,
    ok_at: Annotated[float, typer.Option(help="With --weak: the score from which a weak answer was good.")] = 0.5,
    database_url: DatabaseOption = None,
) -> None:
    """Write every score, joined with its request's ledger row, as JSON Lines."""
    if not 0 <= ok_at <= 1:
        err.print(f"[red]✗[/] --ok-at: {ok_at} is not a score; give a number from 0 to 1", highlight=False)
        raise typer.Exit(2)
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
    lines = [export_line(r) for r in rows]
    what = "scores"
    if weak is not None:
        lines, unprompted, other = training_lines(lines, weak, ok_at)
        what = "training rows"
        err.print(
            f"left out: {other} answers not given by {weak!r}, {unprompted} without a kept prompt "
            "(privacy.audit.content, or join your own capture on request_id)",
            highlight=False,
        )
    data = b"".join(orjson.dumps(line) + b"\n" for line in lines)
    if str(out) == "-":
        typer.echo(data.decode(), nl=False)
    else:
        out.write_bytes(data)
        err.print(f"{len(lines)} {what} written to {out}", highlight=False)
