"""Request-level metrics, recorded by the door framework once per request as it ends.

The request's context says which door it came by, which alias it asked for (once the body was
parsed) and when it started. An alias the gateway does not serve (a 404) or a request rejected
before its body was parsed is counted as ``(none)``: client-chosen model names never become
label values.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Final, Protocol

from freehold.context import RequestContext
from freehold.observability.metrics import CounterChild, HistogramChild, Metrics

__all__ = ["NO_ALIAS", "NullRequestMetrics", "RequestMetrics", "RequestRecorder"]

NO_ALIAS: Final = "(none)"
"""The alias label of requests without a served alias; no alias can be named so (they start alphanumeric)."""


class RequestRecorder(Protocol):
    """What the door framework calls as each request ends."""

    def done(self, ctx: RequestContext, status: int | str) -> None:
        """``status``: the HTTP status, ``stream_error`` for a stream ended by an error, 499 for a client that left."""
        ...


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

    def done(self, ctx: RequestContext, status: int | str) -> None:
        """Count a finished request under its door, its alias and ``status``."""
        alias = ctx.alias
        if alias not in self._aliases:
            alias = NO_ALIAS
        front_door = ctx.door
        key = (front_door, alias, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self._m.requests.labels(alias, front_door, str(status)),
                self._m.request_duration.labels(alias),
            )
        children[0].inc()
        children[1].observe(time.perf_counter() - ctx.started)


class NullRequestMetrics:
    """Records nothing: metrics turned off (``FREEHOLD_METRICS=false``), or unit tests."""

    def done(self, ctx: RequestContext, status: int | str) -> None:
        return None
