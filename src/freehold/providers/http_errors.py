"""What every vendor's error answers share: the wait headers, header numbers, and the error body.

Each vendor's ``errors.py`` classifies its own shapes; the readings here are the same for all of
them (``Retry-After`` is HTTP's, OpenAI's reset format is copied by others, every body may be a
proxy's HTML page), so they live once, outside any one vendor's module. Pure; never raises on
garbage: a bad header or body must not turn an answer into a different error.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

import orjson

__all__ = ["error_object", "parse_count", "parse_duration", "parse_retry_after"]


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait, from ``retry-after-ms`` (OpenAI), ``retry-after`` seconds or HTTP date."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(float(ms) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(when.timestamp() - time.time(), 0.0)


# Go's duration string as OpenAI's reset headers use it ("1s", "6m0s", "20ms", "23h47m36.648s"):
# each unit at most once, largest first. ``m(?!s)`` keeps "20ms" from reading as 20 minutes.
_NUM = r"(\d+(?:\.\d+)?)"
_GO_DURATION = re.compile(
    rf"(?:{_NUM}h)?(?:{_NUM}m(?!s))?(?:{_NUM}s)?(?:{_NUM}ms)?(?:{_NUM}(?:us|µs))?(?:{_NUM}ns)?", re.ASCII
)
_SECONDS = re.compile(_NUM, re.ASCII)
_UNIT_SECONDS = (3600.0, 60.0, 1.0, 1e-3, 1e-6, 1e-9)


def parse_duration(value: str | None) -> float | None:
    """Seconds from an ``x-ratelimit-reset-*`` value; None when absent or unreadable.

    OpenAI (and Groq, and others copying it) send Go's duration format; Azure has been seen
    sending bare seconds (``"55"``), which are accepted too. The usual shapes (``"0s"``,
    ``"6ms"``) skip the regex: this runs on every answer.
    """
    if not value:
        return None
    if value.isascii():  # str.isdigit() alone would take other scripts' digits
        if value[-1] == "s":
            head = value[:-1]
            if head.isdigit():  # "0s"
                return float(head)
            whole, dot, fraction = head.partition(".")
            if dot and whole.isdigit() and fraction.isdigit():  # "19.68s"
                return float(head)
            if head[-1:] == "m" and head[:-1].isdigit():  # "6ms"
                return int(head[:-1]) / 1000.0
        elif value.isdigit():  # Azure's bare seconds
            return float(value)
    return _go_duration(value)


def _go_duration(value: str) -> float | None:
    match = _GO_DURATION.fullmatch(value)
    if match is None:
        return float(value) if _SECONDS.fullmatch(value) else None
    if not match.lastindex:  # the empty match
        return None
    total = 0.0
    for number, unit in zip(match.groups(), _UNIT_SECONDS, strict=True):
        if number:
            total += float(number) * unit
    return total


def parse_count(value: str | None) -> int | None:
    """A non-negative integer header; Azure's ``-1`` ("not reported") and garbage read as None."""
    if value is not None and value.isascii() and value.isdigit():
        return int(value)
    return None


def error_object(raw: bytes, pick: Callable[[Any], dict[str, Any] | None]) -> dict[str, Any]:
    """The error object ``pick`` finds in an error body's JSON, for the vendor to classify.

    A body that is not JSON (a proxy's HTML page), or whose JSON ``pick`` finds nothing in,
    gives an object whose ``message`` is its first 200 characters: the status still classifies it.
    """
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {"message": raw[:200].decode("utf-8", "replace").strip()}
    found = pick(data)
    return found if found is not None else {"message": str(data)[:200]}
