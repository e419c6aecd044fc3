"""Loop-owned counters and histograms expose exactly what prometheus-client's own would."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from freehold.observability.loopmetrics import LoopCounter, LoopHistogram, LoopMetrics

BUCKETS = (0.01, 0.05, 0.5, 1.0, 5.0)
LABELS = st.sampled_from([("a", "x"), ("a", "y"), ("b", "x")])


def _without_created(text: bytes) -> list[str]:
    """The exposition minus the ``_created`` samples (creation timestamps; loop metrics omit them)."""
    return [line for line in text.decode().splitlines() if "_created" not in line]


@given(
    incs=st.lists(st.tuples(LABELS, st.integers(min_value=0, max_value=5)), max_size=30),
    observations=st.lists(
        st.tuples(LABELS, st.one_of(st.sampled_from(BUCKETS), st.floats(min_value=0, max_value=10))), max_size=60
    ),
)
def test_exposition_matches_prometheus_client(
    incs: list[tuple[tuple[str, str], int]], observations: list[tuple[tuple[str, str], float]]
) -> None:
    ref, mine = CollectorRegistry(), CollectorRegistry()
    ref_counter = Counter("demo_requests", "Requests.", ["k", "v"], registry=ref)
    ref_hist = Histogram("demo_seconds", "Durations.", ["k", "v"], buckets=BUCKETS, registry=ref)
    loop = LoopMetrics()
    counter = LoopCounter("demo_requests", "Requests.", ["k", "v"])
    hist = LoopHistogram("demo_seconds", "Durations.", ["k", "v"], BUCKETS)
    loop.add(counter)
    loop.add(hist)
    mine.register(loop)
    for labels, n in incs:
        ref_counter.labels(*labels).inc(n)
        counter.labels(*labels).inc(n)
    for labels, value in observations:  # bucket bounds themselves included: "le" is inclusive
        ref_hist.labels(*labels).observe(value)
        hist.labels(*labels).observe(value)
    assert _without_created(generate_latest(mine)) == _without_created(generate_latest(ref))


def test_wrong_label_count_and_negative_increments_are_refused() -> None:
    counter = LoopCounter("demo", "Demo.", ["a", "b"])
    with pytest.raises(ValueError, match="expected labels"):
        counter.labels("only-one")
    with pytest.raises(ValueError, match="non-negative"):
        counter.labels("x", "y").inc(-1)
    with pytest.raises(ValueError, match="ascending"):
        LoopHistogram("demo", "Demo.", [], (1.0, 0.5))
