"""Every Prometheus metric the gateway exports, defined in this one place.

Each runtime owns a ``Metrics`` with its own ``CollectorRegistry`` rather than the library's
global default, so that tests, and several apps in one process, never see each other's numbers
or collide on registration.

Multi-worker mode (``--workers N``): each worker is its own process with its own counters, and
a scrape reaches only one of them. When ``PROMETHEUS_MULTIPROC_DIR`` names an empty, writable
directory (set before the gateway starts, so that the workers inherit it), prometheus-client's
multiprocess mode is used: every worker writes its values to memory-mapped files there, and
``/metrics`` on any worker merges all of them. Empty the directory before each start, or counts
from the previous run are added in. Without the variable, metrics are per process (right for
one worker). docs/metrics.md has the details.

Label values are only ever names from the gateway file (aliases, deployments) or short fixed
vocabularies, so the number of series stays bounded whatever clients send.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import partial
from typing import Final, Protocol

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess as prometheus_multiprocess
from prometheus_client import values as prometheus_values

from freehold.errors import ConfigError
from freehold.observability.loopmetrics import LoopCounter, LoopHistogram, LoopMetrics

__all__ = [
    "CIRCUIT_STATES",
    "CONTENT_TYPE",
    "CounterChild",
    "CounterFamily",
    "HistogramChild",
    "HistogramFamily",
    "Metrics",
    "multiprocess_dir",
]

CONTENT_TYPE: Final = CONTENT_TYPE_LATEST
"""The text exposition format's content type, as Prometheus expects it."""

CIRCUIT_STATES: Final = {"closed": 0, "half_open": 1, "open": 2}
"""``freehold_circuit_state`` values; ordered so that ``max`` across workers is the worst state."""

# LLM requests run from tens of milliseconds (an error, a cache hit) to minutes (long generations).
_REQUEST_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0)
# An attempt may also fail fast (connect refused, 429), so the low end is finer.
_ATTEMPT_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0, 60.0, 120.0)
_QUEUE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0)

_MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_dir() -> str | None:
    """The multiprocess directory if multiprocess mode is on, checked so a typo fails at start-up.

    Raises:
        ConfigError: the variable is set but does not name a writable directory.
    """
    path = os.environ.get(_MULTIPROC_ENV)
    if not path:
        return None
    if not os.path.isdir(path) or not os.access(path, os.W_OK):
        raise ConfigError([f"{_MULTIPROC_ENV}: '{path}' is not a writable directory (create it, empty, before start)"])
    if not getattr(prometheus_values.ValueClass, "_multiprocess", False):
        # prometheus-client picks its storage when first imported; a variable set later is not seen.
        raise ConfigError([f"{_MULTIPROC_ENV}: set after prometheus-client was imported; set it before start"])
    return path


class CounterChild(Protocol):
    def inc(self, amount: float = 1) -> None: ...


class HistogramChild(Protocol):
    def observe(self, amount: float) -> None: ...


class CounterFamily(Protocol):
    """A labelled counter: prometheus-client's ``Counter`` or a ``LoopCounter``."""

    def labels(self, *values: str) -> CounterChild: ...


class HistogramFamily(Protocol):
    """A labelled histogram: prometheus-client's ``Histogram`` or a ``LoopHistogram``."""

    def labels(self, *values: str) -> HistogramChild: ...


class Metrics:
    """The gateway's metrics on one registry; recorders (``observer.py``, ``requests.py``) update them.

    Counters and histograms are loop-owned (``loopmetrics.py``: no locks on the request path)
    except in multiprocess mode, which needs prometheus-client's shared-memory values.
    """

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry(auto_describe=True)
        self._multiproc = multiprocess_dir()
        self._loop = LoopMetrics()
        self.before_scrape: list[Callable[[], None]] = []
        """Called before each exposition (e.g. to record answers whose usage waits in a batch)."""
        r = self.registry
        self.requests = self._counter(
            "freehold_requests",
            "Requests answered, by requested alias, front door and HTTP status ('stream_error': cut mid-stream).",
            ["alias", "front_door", "status"],
            registry=r,
        )
        self.request_duration = self._histogram(
            "freehold_request_duration_seconds",
            "Time from request arrival to the last byte of the answer (streams included).",
            ["alias"],
            buckets=_REQUEST_BUCKETS,
            registry=r,
        )
        self.upstream_attempts = self._counter(
            "freehold_upstream_attempts",
            "Upstream calls, by outcome: success, retryable_error, error, rejected, cancelled.",
            ["alias", "deployment", "outcome"],
            registry=r,
        )
        self.upstream_attempt_duration = self._histogram(
            "freehold_upstream_attempt_duration_seconds",
            "Duration of one upstream call (to the first byte for streams).",
            ["deployment"],
            buckets=_ATTEMPT_BUCKETS,
            registry=r,
        )
        self.retries = self._counter(
            "freehold_retries",
            "Retries of the same deployment, by the failure that caused them.",
            ["alias", "deployment", "reason"],
            registry=r,
        )
        self.fallbacks = self._counter(
            "freehold_fallbacks",
            "Moves from a failed deployment to the next deployment or fallback alias ('to').",
            ["alias", "from_deployment", "to"],
            registry=r,
        )
        self.retry_budget_exhausted = self._counter(
            "freehold_retry_budget_exhausted",
            "Retries skipped because the alias had spent its retry budget.",
            ["alias"],
            registry=r,
        )
        self.circuit_state = Gauge(
            "freehold_circuit_state",
            "Circuit breaker state per deployment: 0 closed, 1 half-open, 2 open.",
            ["deployment"],
            registry=r,
            multiprocess_mode="livemax",
        )
        self.circuit_transitions = self._counter(
            "freehold_circuit_transitions",
            "Circuit breaker state changes, by the state entered.",
            ["deployment", "state"],
            registry=r,
        )
        self.queue_wait = self._histogram(
            "freehold_queue_wait_seconds",
            "Time requests waited for capacity when every deployment of the alias was saturated.",
            ["alias"],
            buckets=_QUEUE_BUCKETS,
            registry=r,
        )
        self.queue_rejected = self._counter(
            "freehold_queue_rejected",
            "Requests that gave up waiting for capacity (answered 429).",
            ["alias"],
            registry=r,
        )
        self.tokens = self._counter(
            "freehold_tokens",
            "Tokens of relayed answers, by kind (prompt, completion) and source: 'reported' by the upstream, "
            "or 'estimated' by the gateway (streams cut or left mid-way, or without usage).",
            ["alias", "deployment", "kind", "source"],
            registry=r,
        )
        self.partial_streams = self._counter(
            "freehold_partial_streams",
            "Streams that ended before the upstream finished ('upstream_cut', 'client_gone'); their tokens "
            "are still counted in freehold_tokens_total.",
            ["alias", "deployment", "ending"],
            registry=r,
        )
        self.cache = self._counter(
            "freehold_cache",
            "Chat and embeddings requests of aliases with a cache, by outcome: hit (exact or semantic) or miss.",
            ["alias", "outcome"],
            registry=r,
        )
        self.inflight = Gauge(
            "freehold_inflight_requests",
            "Upstream calls in flight per deployment.",
            ["deployment"],
            registry=r,
            multiprocess_mode="livesum",
        )
        if self._multiproc is None:
            r.register(self._loop)

    def _counter(
        self, name: str, documentation: str, labelnames: list[str], registry: CollectorRegistry
    ) -> CounterFamily:
        if self._multiproc is not None:
            return Counter(name, documentation, labelnames, registry=registry)
        counter = LoopCounter(name, documentation, labelnames)
        self._loop.add(counter)
        return counter

    def _histogram(
        self,
        name: str,
        documentation: str,
        labelnames: list[str],
        buckets: tuple[float, ...],
        registry: CollectorRegistry,
    ) -> HistogramFamily:
        if self._multiproc is not None:
            return Histogram(name, documentation, labelnames, buckets=buckets, registry=registry)
        histogram = LoopHistogram(name, documentation, labelnames, buckets)
        self._loop.add(histogram)
        return histogram

    def declare_deployments(self, deployments: Iterable[str]) -> None:
        """Start every deployment's gauges at 0 so dashboards show healthy ones, not gaps."""
        for name in deployments:
            self.circuit_state.labels(name).set(CIRCUIT_STATES["closed"])
            self.inflight.labels(name).set(0)

    def track_inflight(self, read: Callable[[str], int], deployments: Iterable[str]) -> bool:
        """Read in-flight counts from the engine at scrape time, instead of counting on every request.

        Returns False in multiprocess mode, where a gauge cannot call back into one worker; the
        observer then counts increments itself.
        """
        if self._multiproc is not None:
            return False
        for name in deployments:
            self.inflight.labels(name).set_function(partial(read, name))
        return True

    def exposition(self) -> bytes:
        """The text exposition of every metric: this registry, or all workers' files in multiprocess mode."""
        for hook in self.before_scrape:
            hook()
        if self._multiproc is None:
            return generate_latest(self.registry)
        merged = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(merged, path=self._multiproc)  # type: ignore[no-untyped-call]
        return generate_latest(merged)

    def close(self) -> None:
        """Drop this process's live gauges from the multiprocess directory (its in-flight count, circuits)."""
        if self._multiproc is not None:
            prometheus_multiprocess.mark_process_dead(os.getpid(), self._multiproc)  # type: ignore[no-untyped-call]
