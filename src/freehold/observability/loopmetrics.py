"""Counters and histograms owned by the event loop: plain numbers, exported at scrape time.

prometheus-client's ``Counter`` and ``Histogram`` guard every value with a ``threading.Lock``
and walk the buckets in Python; on the request path (four updates per request) that measured
~3.5 µs of CPU per request, several percent of the gateway's whole per-request cost
(bench/RESULTS.md). The gateway updates its metrics only from the event loop's thread, so the
locks buy nothing here: these classes keep plain ints and floats, and one custom collector (the
library's documented extension point) turns them into the same metric families at scrape time.
The exposition is prometheus-client's own, unchanged.

Multiprocess mode needs prometheus-client's memory-mapped values, so ``Metrics`` uses the
library's classes there; both kinds have the same ``labels(...).inc()`` / ``.observe()`` surface.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence

from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

__all__ = ["LoopCounter", "LoopHistogram", "LoopMetrics"]


class _CounterChild:
    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0.0

    def inc(self, amount: float = 1.0) -> None:
        if amount < 0:
            raise ValueError("Counters can only be incremented by non-negative amounts.")
        self.value += amount


class _HistogramChild:
    __slots__ = ("_bounds", "counts", "sum")

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self._bounds = bounds
        self.counts = [0] * (len(bounds) + 1)  # per bucket, not cumulative; the last is +Inf
        self.sum = 0.0

    def observe(self, amount: float) -> None:
        # bisect_left finds the first bound >= amount: Prometheus buckets are "less or equal".
        self.counts[bisect_left(self._bounds, amount)] += 1
        self.sum += amount


class _Family:
    def __init__(self, name: str, documentation: str, labelnames: Sequence[str]) -> None:
        self.name = name
        self.documentation = documentation
        self.labelnames = list(labelnames)

    def _check(self, values: tuple[str, ...]) -> tuple[str, ...]:
        if len(values) != len(self.labelnames):
            raise ValueError(f"{self.name}: expected labels {self.labelnames}, got {values!r}")
        return tuple(str(v) for v in values)


class LoopCounter(_Family):
    """A labelled counter; ``labels(...)`` children are created once and kept."""

    def __init__(self, name: str, documentation: str, labelnames: Sequence[str]) -> None:
        super().__init__(name, documentation, labelnames)
        self._children: dict[tuple[str, ...], _CounterChild] = {}

    def labels(self, *values: str) -> _CounterChild:
        child = self._children.get(values)
        if child is None:
            child = self._children[self._check(values)] = _CounterChild()
        return child

    def family(self) -> Metric:
        fam = CounterMetricFamily(self.name, self.documentation, labels=self.labelnames)
        for values, child in list(self._children.items()):
            fam.add_metric(list(values), child.value)
        return fam


class LoopHistogram(_Family):
    """A labelled histogram over fixed bucket bounds (ascending, without +Inf)."""

    def __init__(self, name: str, documentation: str, labelnames: Sequence[str], buckets: Sequence[float]) -> None:
        super().__init__(name, documentation, labelnames)
        self.bounds = tuple(float(b) for b in buckets)
        if list(self.bounds) != sorted(set(self.bounds)):
            raise ValueError(f"{name}: buckets must be strictly ascending")
        self._le = [floatToGoString(b) for b in self.bounds] + ["+Inf"]  # type: ignore[no-untyped-call]
        self._children: dict[tuple[str, ...], _HistogramChild] = {}

    def labels(self, *values: str) -> _HistogramChild:
        child = self._children.get(values)
        if child is None:
            child = self._children[self._check(values)] = _HistogramChild(self.bounds)
        return child

    def family(self) -> Metric:
        fam = HistogramMetricFamily(self.name, self.documentation, labels=self.labelnames)
        for values, child in list(self._children.items()):
            running, buckets = 0, []
            for le, count in zip(self._le, child.counts, strict=True):
                running += count
                buckets.append((le, running))
            fam.add_metric(list(values), buckets, child.sum)
        return fam


class LoopMetrics(Collector):
    """The collector that exports every loop-owned metric of one registry."""

    def __init__(self) -> None:
        self._families: list[LoopCounter | LoopHistogram] = []

    def add(self, family: LoopCounter | LoopHistogram) -> None:
        self._families.append(family)

    def collect(self) -> Iterator[Metric]:
        for family in self._families:
            yield family.family()
