"""Client values in messages and logs: quoted, escaped, clipped; every log handler sanitizes."""

from __future__ import annotations

import io
import logging
import logging.config

import pytest

from freehold.echo import MAX_ECHO, MAX_LOG_MESSAGE, LogSanitizer, clip, escape_controls
from freehold.observability.logging import log_config


def test_clip_quotes_escapes_and_bounds() -> None:
    assert clip("gpt-4o") == "'gpt-4o'"
    assert clip("a\r\nb") == "'a\\r\\nb'"
    long = clip("m" * 15_000_000)
    assert len(long) <= MAX_ECHO + 2 and "…" in long
    assert len(clip(list(range(10**6)))) < 100


@pytest.mark.parametrize("char", ["\n", "\r", "\x00", "\x1b", "\x7f", "\x85", "\u2028"])
def test_every_control_character_is_escaped(char: str) -> None:
    escaped = escape_controls(f"a{char}b")
    assert char not in escaped and escaped.startswith("a\\") and escaped.endswith("b")


def record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, None)


def test_the_sanitizer_keeps_a_record_on_one_bounded_line() -> None:
    rec = record("request %s failed: %s (%d)", "r1", "x\r\nFORGED" + "y" * (2 * MAX_LOG_MESSAGE), 7)
    assert LogSanitizer().filter(rec)
    line = rec.getMessage()
    assert "\n" not in line and "\r" not in line and "\\r\\nFORGED" in line
    assert len(line) < MAX_LOG_MESSAGE + 200 and line.endswith("(7)")


def test_the_sanitizer_keeps_arguments_for_formatters_that_read_them() -> None:
    rec = record('%s - "%s %s HTTP/%s" %d', "127.0.0.1:1", "GET", "/a\nb", "1.1", 404)
    LogSanitizer().filter(rec)
    assert rec.args == ("127.0.0.1:1", "GET", "/a\\nb", "1.1", 404)


def test_every_handler_of_the_process_config_sanitizes() -> None:
    config = log_config("info")
    assert all(handler["filters"] == ["sanitize"] for handler in config["handlers"].values())
    stream = io.StringIO()
    config["handlers"]["freehold"]["stream"] = stream
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logging.config.dictConfig(config)
        logging.getLogger("freehold.test").warning("model %s", "x\r\n2026-12-04 FORGED")
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
    assert stream.getvalue().count("\n") == 1 and "x\\r\\n2026-12-04 FORGED" in stream.getvalue()
