"""RetryBudget: retries ≤ ratio × first attempts + min_per_second × window, over one-second buckets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from freehold.config.routing import RetryBudget as RetryBudgetPolicy
from freehold.routing.budget import RetryBudget


class Clock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def budget(ratio: float, floor: float, window: float = 10.0, t: float = 1000.0) -> tuple[RetryBudget, Clock]:
    clock = Clock(t)
    return RetryBudget(RetryBudgetPolicy(ratio=ratio, min_per_second=floor, window=window), clock), clock


def spend_all(b: RetryBudget, limit: int = 1000) -> int:
    granted = 0
    while granted < limit and b.try_spend():
        granted += 1
    return granted


def test_no_ratio_and_no_floor_never_allows_a_retry() -> None:
    b, _ = budget(0.0, 0.0)
    for _ in range(50):
        b.request()
    assert not b.try_spend()


def test_the_floor_is_granted_per_window() -> None:
    b, _ = budget(0.0, 0.5, window=4.0)
    assert spend_all(b) == 2  # 0.5/s × 4 s, without a single first attempt


def test_ratio_of_first_attempts() -> None:
    b, _ = budget(0.25, 0.0)
    for _ in range(8):
        b.request()
    assert spend_all(b) == 2
    for _ in range(4):
        b.request()
    assert spend_all(b) == 1  # 12 × 0.25 = 3 in all


def test_ratio_and_floor_add_up() -> None:
    b, _ = budget(0.5, 0.1, window=10.0)
    for _ in range(4):
        b.request()
    assert spend_all(b) == 3  # 4 × 0.5 + 0.1 × 10


def test_a_refused_retry_is_not_counted() -> None:
    b, _ = budget(1.0, 0.0)
    assert not b.try_spend()
    assert not b.try_spend()
    b.request()
    assert b.try_spend()  # the refusals above did not use the one retry the request allows


def test_first_attempts_age_out_of_the_window() -> None:
    b, clock = budget(1.0, 0.0, window=10.0, t=1000.0)
    for _ in range(3):
        b.request()
    clock.t = 1009.99  # second 1009: the bucket of second 1000 is still inside (1009 - 10, 1009]
    assert spend_all(b) == 3
    clock.t = 1010.0  # second 1010: bucket 1000 drops out, and with it the requests and the retries
    assert not b.try_spend()


def test_spent_retries_age_out_of_the_window() -> None:
    b, clock = budget(0.0, 0.1, window=10.0, t=1000.0)
    assert b.try_spend()  # the whole window's floor: one retry
    clock.t = 1005.0
    assert not b.try_spend()
    clock.t = 1010.0
    assert b.try_spend()  # the retry of second 1000 is out of the window
    assert not b.try_spend()


def test_buckets_within_the_window_all_count() -> None:
    b, clock = budget(0.5, 0.0, window=10.0, t=1000.0)
    for second in range(10):
        clock.t = 1000.0 + second + 0.5
        b.request()
        b.request()
    assert spend_all(b) == 10  # 20 first attempts spread over ten one-second buckets
    clock.t = 1010.5
    b.request()  # opens second 1010; second 1000 (2 requests) leaves: 19 requests → 9.5 retries
    assert not b.try_spend()


@given(
    ratio=st.floats(0, 2),
    floor=st.floats(0, 3),
    window=st.integers(1, 20),
    ops=st.lists(st.tuples(st.integers(0, 30), st.booleans()), max_size=200),
)
def test_retries_never_exceed_the_allowance(
    ratio: float, floor: float, window: int, ops: list[tuple[int, bool]]
) -> None:
    """Within any window, granted retries ≤ ratio × first attempts in it + floor × window."""
    b, clock = budget(ratio, floor, window=float(window), t=0.0)
    log: list[tuple[int, str]] = []
    for second, is_request in sorted(ops, key=lambda o: o[0]):
        clock.t = float(second)
        if is_request:
            b.request()
            log.append((second, "request"))
        elif b.try_spend():
            log.append((second, "retry"))
            inside = [kind for at, kind in log if second - window < at <= second]
            assert inside.count("retry") <= ratio * inside.count("request") + floor * window + 1e-9


@pytest.mark.parametrize("window", [1.0, 2.5, 60.0])
def test_allowance_with_only_a_floor_scales_with_the_window(window: float) -> None:
    b, _ = budget(0.0, 2.0, window=window)
    assert spend_all(b) == int(2.0 * window)
