"""``freehold privacy detect``: the detectors over a JSON Lines file, so any labeled corpus can be scored.

The contract (docs/privacy.md): each input line is ``{"id": ..., "text": "..."}`` (other keys are
ignored); each output line is ``{"id": ..., "spans": [{"start", "end", "type", "score"}]}`` with
character offsets into ``text``, ``end`` exclusive, in input order. Lines are read, detected and
written one at a time, so a file of any size runs in constant memory. The output appears under
its name only when every line was good: a bad line stops the run with its line number (exit 2)
and leaves no half-written file behind.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Annotated

import orjson
import typer
from rich.console import Console
from rich.markup import escape

from freehold.commands.jsonl import id_and_text, run_lines
from freehold.config.load import load_config
from freehold.config.privacy import DetectionSection
from freehold.errors import ConfigError
from freehold.privacy.detectors import build_detector
from freehold.privacy.spans import Detector

__all__ = ["app", "detect", "detect_lines"]

app = typer.Typer(help="Privacy: find personal data and secrets in texts.", no_args_is_help=True)
err = Console(stderr=True, width=None if os.isatty(2) else 160)


def detect_lines(detector: Detector, source: IO[bytes], sink: IO[bytes]) -> int:
    """Detect over each input line, writing one output line each; returns the number of texts."""
    count = 0
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        ident, text = id_and_text(number, line, "text")
        spans = [{"start": s.start, "end": s.end, "type": s.type, "score": s.score} for s in detector.detect(text)]
        sink.write(orjson.dumps({"id": ident, "spans": spans}, option=orjson.OPT_APPEND_NEWLINE))
        count += 1
    return count


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)  # "[router]" is not markup
    return typer.Exit(2)


@app.command()
def detect(
    texts: Annotated[Path, typer.Option("--in", help='JSON Lines of {"id", "text"}; "-" reads standard input.')],
    out: Annotated[Path, typer.Option("--out", help='JSON Lines of {"id", "spans"}; "-" writes standard output.')],
    ner: Annotated[
        bool, typer.Option("--ner", help="Also find names, places and organizations (the [ner] extra).")
    ] = False,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Gateway file whose privacy.detection to use.")
    ] = None,
) -> None:
    """Find personal data and secrets in each text; spans are character offsets, end exclusive."""
    try:
        section = load_config(config).privacy.detection if config is not None else DetectionSection()
        detector = build_detector(section, ner=ner)
    except ConfigError as exc:
        raise _fail("; ".join(exc.problems)) from None
    count = run_lines(texts, out, lambda source, sink: detect_lines(detector, source, sink), _fail)
    err.print(f"{count} text(s) read from {texts}, spans written to {out}", highlight=False)
