"""JSON Lines in, JSON Lines out: what ``freehold privacy detect`` and ``freehold router score`` share.

Both read lines ``{"id": ..., "<field>": "..."}`` and write one answer line per input line, in
order. A bad line stops the run with its line number, and the output appears under its name only
when every line was good (it is written beside it and renamed at the end), so a failed run leaves
no half-written file behind.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson

__all__ = ["BadLine", "id_and_text", "output", "run_lines"]


class BadLine(Exception):
    def __init__(self, number: int, problem: str) -> None:
        super().__init__(f"line {number}: {problem}")


def id_and_text(number: int, line: bytes, field: str) -> tuple[Any, str]:
    """The ``id`` and the string ``field`` of input line ``number``, or ``BadLine`` saying what is wrong."""
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise BadLine(number, f"not valid JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise BadLine(number, f'must be a JSON object like {{"id": "1", "{field}": "..."}}')
    if "id" not in obj:
        raise BadLine(number, "has no 'id'")
    if not isinstance(obj["id"], str | int) or isinstance(obj["id"], bool):
        raise BadLine(number, "'id' must be a string or an integer")
    text = obj.get(field)
    if not isinstance(text, str):
        raise BadLine(number, f"'{field}' must be a string" if field in obj else f"has no '{field}'")
    return obj["id"], text


@contextmanager
def output(path: Path) -> Iterator[IO[bytes]]:
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


def run_lines(
    source: Path, target: Path, work: Callable[[IO[bytes], IO[bytes]], int], fail: Callable[[str], Exception]
) -> int:
    """``work(input, output)`` over the files (``-``: standard input/output); errors become ``fail(message)``."""
    try:
        reader = sys.stdin.buffer if str(source) == "-" else source.open("rb")
    except OSError as exc:
        raise fail(f"{source}: cannot read ({exc.strerror or exc})") from None
    try:
        with reader, output(target) as sink:
            return work(reader, sink)
    except BadLine as exc:
        raise fail(f"{source}: {exc}") from None
    except OSError as exc:
        raise fail(f"cannot write {target} ({exc.strerror or exc})") from None
