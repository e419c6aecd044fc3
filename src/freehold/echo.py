"""Client values quoted in error messages and log lines: escaped and clipped.

A client chooses its model name, its field names and their values. Quoted raw, a CR/LF in one
forges a line in the gateway's log, and a 15 MB one becomes a 15 MB error body and log line.
Every client value an error message quotes goes through ``clip``; ``LogSanitizer``, a filter on
every log handler, escapes control characters and caps the length of every line the process
logs, whoever wrote it (uvicorn's access log quotes the request path, for instance).
"""

from __future__ import annotations

import logging
import re
import reprlib
from collections.abc import Mapping
from typing import Final

__all__ = ["MAX_ECHO", "MAX_LOG_MESSAGE", "LogSanitizer", "clip", "escape_controls"]

MAX_ECHO: Final = 200
"""Characters of one client value quoted in an error message."""
MAX_LOG_MESSAGE: Final = 8192
"""Characters of one log message's text or argument (a traceback, formatted separately, is not cut)."""

# reprlib quotes and escapes like repr(), but cuts long strings in the middle after slicing them,
# and stops early in deep or long containers: cheap on a 15 MB value.
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = MAX_ECHO
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict = 2, 5, 5
_REPR.fillvalue = "…"
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clip(value: object) -> str:
    """``value`` as a message may quote it: ``repr``-quoted and escaped, at most ``MAX_ECHO`` characters."""
    return _REPR.repr(value)


def escape_controls(text: str) -> str:
    r"""``text`` with every control character written as an escape (``\n``, ``\x1b``, …)."""
    return _CONTROLS.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]


class LogSanitizer(logging.Filter):
    """Keeps each log record on one line of bounded length.

    A handler filter, so that it sees the records of every logger that reaches the handler.
    It rewrites the record's arguments rather than its formatted message, because some
    formatters read the arguments themselves (uvicorn's access log builds its request line from
    them). Numbers and None pass as they are; anything else is logged as its escaped text.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(_loggable(arg) for arg in args)
        elif isinstance(args, Mapping):
            record.args = {key: _loggable(value) for key, value in args.items()}
        if isinstance(record.msg, str):
            record.msg = _loggable(record.msg)
        return True


def _loggable(value: object) -> object:
    if value is None or isinstance(value, int | float):
        return value
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_LOG_MESSAGE:
        text = f"{text[:MAX_LOG_MESSAGE]}… ({len(text) - MAX_LOG_MESSAGE} more characters)"
    return escape_controls(text) if _CONTROLS.search(text) is not None else text
