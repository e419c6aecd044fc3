"""Request-level metrics, recorded by the API layer once per request as it ends.

The front doors learn the requested alias only once the body is parsed, deep inside the
handler, while the request is counted where it ends (error, whole answer, or end of stream).
``note_alias`` carries it between the two in a context variable: handler and counting run in the
same task, and each request has its own task, so nothing leaks between requests.

An alias the gateway does not serve (a 404) or a request rejected before its body was parsed is
counted as ``(none)``: client-chosen model names never become label values.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Final, Protocol

from freehold.observability.metrics import CounterChild, HistogramChild, Metrics

__all__ = ["NO_ALIAS", "NullRequestMetrics", "RequestMetrics", "RequestRecorder", "note_alias"]

NO_ALIAS: Final = "(none)"
"""The alias label of requests without a served alias; no alias can be named so (they start alphanumeric)."""

_requested: ContextVar[str] = ContextVar("freehold_requested_alias", default=NO_ALIAS)


def note_alias(alias: str) -> None:
    """Say which alias the current request asked for; call from the request's own task."""
    _requested.set(alias)


class RequestRecorder(Protocol):
    """What the API layer calls: ``begin`` as a request arrives, ``done`` as it ends."""

    def begin(self) -> float: ...

    def done(self, front_door: str, status: int | str, started: float) -> None: ...


class RequestMetrics:
    """Counts each request and its duration, under ``(front door, alias, status)``.

    ``done`` is on every request's path: the label children are resolved once per combination
    and cached, so a call costs two dictionary lookups, a counter increment and a histogram
    observation.
    """

    def __init__(self, metrics: Metrics, aliases: Iterable[str]) -> None:
        self._m = metrics
        self._aliases = frozenset(aliases)
        self._children: dict[tuple[str, str, int | str], tuple[CounterChild, HistogramChild]] = {}

    def begin(self) -> float:
        """Mark a request's start (the value to pass to ``done``); forgets any earlier alias in this task."""
        _requested.set(NO_ALIAS)
        return time.perf_counter()

    def done(self, front_door: str, status: int | str, started: float) -> None:
        """Count a finished request: ``status`` is the HTTP status, or ``stream_error`` for a stream cut mid-way."""
        alias = _requested.get()
        if alias not in self._aliases:
            alias = NO_ALIAS
        key = (front_door, alias, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self._m.requests.labels(alias, front_door, str(status)),
                self._m.request_duration.labels(alias),
            )
        children[0].inc()
        children[1].observe(time.perf_counter() - started)


class NullRequestMetrics:
    """Records nothing: metrics turned off (``FREEHOLD_METRICS=false``), or unit tests."""

    def begin(self) -> float:
        return 0.0

    def done(self, front_door: str, status: int | str, started: float) -> None:
        return None
