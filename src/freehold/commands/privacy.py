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
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated, Any

import orjson
import typer
from rich.console import Console

from freehold.config.load import load_config
from freehold.config.privacy import DetectionSection
from freehold.errors import ConfigError
from freehold.privacy.detectors import build_detector
from freehold.privacy.spans import Detector

__all__ = ["app", "detect", "detect_lines"]

app = typer.Typer(help="Privacy: find personal data and secrets in texts.", no_args_is_help=True)
err = Console(stderr=True, width=None if os.isatty(2) else 160)


class BadLine(Exception):
    def __init__(self, number: int, problem: str) -> None:
        super().__init__(f"line {number}: {problem}")


def _record(number: int, line: bytes) -> tuple[Any, str]:
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise BadLine(number, f"not valid JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise BadLine(number, 'must be a JSON object like {"id": "1", "text": "..."}')
    if "id" not in obj:
        raise BadLine(number, "has no 'id'")
    if not isinstance(obj["id"], str | int) or isinstance(obj["id"], bool):
        raise BadLine(number, "'id' must be a string or an integer")
    text = obj.get("text")
    if not isinstance(text, str):
        raise BadLine(number, "'text' must be a string" if "text" in obj else "has no 'text'")
    return obj["id"], text


def detect_lines(detector: Detector, source: IO[bytes], sink: IO[bytes]) -> int:
    """Detect over each input line, writing one output line each; returns the number of texts."""
    count = 0
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        ident, text = _record(number, line)
        spans = [{"start": s.start, "end": s.end, "type": s.type, "score": s.score} for s in detector.detect(text)]
        sink.write(orjson.dumps({"id": ident, "spans": spans}, option=orjson.OPT_APPEND_NEWLINE))
        count += 1
    return count


@contextmanager
def _output(path: Path) -> Iterator[IO[bytes]]:
    """Write beside the target and rename at the end, so a failed run leaves nothing half done."""
    if str(path) == "-":
        yield sys.stdout.buffer
        return
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as sink:
            yield sink
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
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
    try:
        source = sys.stdin.buffer if str(texts) == "-" else texts.open("rb")
    except OSError as exc:
        raise _fail(f"{texts}: cannot read ({exc.strerror or exc})") from None
    try:
        with source, _output(out) as sink:
            count = detect_lines(detector, source, sink)
    except BadLine as exc:
        raise _fail(f"{texts}: {exc}") from None
    except OSError as exc:
        raise _fail(f"cannot write {out} ({exc.strerror or exc})") from None
    err.print(f"{count} text(s) read from {texts}, spans written to {out}", highlight=False)
