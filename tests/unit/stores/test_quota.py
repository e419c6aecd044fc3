"""QuotaTracker: RPM/TPM sliding windows, the upstream's rate-limit hints, Retry-After, headroom."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from freehold.providers.base import RateLimitHint
from freehold.stores.quota import WINDOW, QuotaTracker


class Clock:
    def __init__(self, t: float = 0.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def tracker(**limits: tuple[int | None, int | None]) -> tuple[QuotaTracker, Clock]:
    clock = Clock(1000.0)
    return QuotaTracker(limits, clock), clock


def test_window_is_a_minute() -> None:
    assert WINDOW == 60.0


def test_an_unknown_or_unlimited_deployment_is_always_free() -> None:
    q, _ = tracker(free=(None, None))
    for name in ("free", "never-configured"):
        for _ in range(1000):
            q.acquire(name, 10_000)
        assert q.wait_time(name, 10**9) == 0.0
        assert q.headroom(name) == 1.0


def test_rpm_window() -> None:
    q, clock = tracker(a=(2, None))
    assert q.wait_time("a", 0) == 0.0
    q.acquire("a", 0)  # t = 1000
    clock.t = 1010.0
    assert q.wait_time("a", 0) == 0.0
    q.acquire("a", 0)  # t = 1010: two in the window
    clock.t = 1020.0
    assert q.wait_time("a", 0) == pytest.approx(40.0)  # until the request of t=1000 is a minute old
    clock.t = 1059.5
    assert q.wait_time("a", 0) == pytest.approx(0.5)
    clock.t = 1060.0
    assert q.wait_time("a", 0) == 0.0
    clock.t = 1070.0
    assert q.headroom("a") == 1.0


def test_rpm_over_acquired_waits_for_enough_requests_to_age_out() -> None:
    q, clock = tracker(a=(3, None))
    for t in (1000.0, 1001.0, 1002.0, 1003.0):  # acquire does not refuse: four sent with rpm 3
        clock.t = t
        q.acquire("a", 0)
    clock.t = 1005.0
    assert q.wait_time("a", 0) == pytest.approx(1001.0 + 60 - 1005.0)  # two must age out, the second at 1061


def test_tpm_window() -> None:
    q, clock = tracker(a=(None, 100))
    q.acquire("a", 60)  # t = 1000
    clock.t = 1010.0
    q.acquire("a", 30)  # 90 tokens in the window
    clock.t = 1020.0
    assert q.wait_time("a", 10) == 0.0  # exactly 100 fits
    assert q.wait_time("a", 20) == pytest.approx(40.0)  # the 60 of t=1000 must leave
    assert q.wait_time("a", 80) == pytest.approx(50.0)  # the 30 of t=1010 too
    assert q.headroom("a") == pytest.approx(0.1)
    clock.t = 1060.0
    assert q.wait_time("a", 20) == 0.0


def test_tpm_request_larger_than_the_whole_quota_goes_when_the_window_is_empty() -> None:
    q, _ = tracker(a=(None, 100))
    assert q.wait_time("a", 500) == 0.0  # it can never fit: admitted rather than starved


def test_tpm_request_larger_than_the_whole_quota_waits_for_the_window_to_empty() -> None:
    q, clock = tracker(a=(None, 100))
    q.acquire("a", 100)  # t = 1000: the window is full
    clock.t = 1001.0
    assert q.wait_time("a", 50) == pytest.approx(59.0)
    assert q.wait_time("a", 150) == pytest.approx(59.0)  # bigger than the quota: must not jump the window


def test_rpm_and_tpm_the_longer_wait_wins() -> None:
    q, clock = tracker(a=(1, 100), b=(3, 100))
    for name in ("a", "b"):
        clock.t = 1000.0
        q.acquire(name, 10)
        clock.t = 1030.0
        q.acquire(name, 90)  # tpm full
    clock.t = 1040.0
    assert q.wait_time("a", 5) == pytest.approx(50.0)  # rpm 1, two sent: t=1030 must age out (tpm alone: 20)
    assert q.wait_time("b", 5) == pytest.approx(20.0)  # rpm 3 not reached: tpm, the 10 of t=1000
    assert q.wait_time("b", 50) == pytest.approx(50.0)  # tpm: the 90 of t=1030 too


def test_hint_remaining_requests_zero_waits_until_reset() -> None:
    q, clock = tracker()
    q.observe("a", RateLimitHint(remaining_requests=0, reset_requests=5.0))
    assert q.wait_time("a", 0) == pytest.approx(5.0)
    clock.t += 3.0
    assert q.wait_time("a", 0) == pytest.approx(2.0)
    clock.t += 2.0
    assert q.wait_time("a", 0) == 0.0


def test_hint_remaining_requests_counts_down_with_acquire() -> None:
    q, _ = tracker()
    q.observe("a", RateLimitHint(remaining_requests=2, reset_requests=30.0))
    assert q.wait_time("a", 0) == 0.0
    q.acquire("a", 0)
    assert q.wait_time("a", 0) == 0.0
    q.acquire("a", 0)
    assert q.wait_time("a", 0) == pytest.approx(30.0)


def test_hint_remaining_tokens() -> None:
    q, _ = tracker()
    q.observe("a", RateLimitHint(remaining_tokens=100, reset_tokens=7.0))
    assert q.wait_time("a", 100) == 0.0
    assert q.wait_time("a", 101) == pytest.approx(7.0)
    q.acquire("a", 60)
    assert q.wait_time("a", 40) == 0.0
    assert q.wait_time("a", 41) == pytest.approx(7.0)


def test_hint_without_reset_assumes_one_second() -> None:
    q, _ = tracker()
    q.observe("a", RateLimitHint(remaining_requests=0, remaining_tokens=0))
    assert q.wait_time("a", 1) == pytest.approx(1.0)


def test_a_stale_hint_is_ignored_after_its_reset() -> None:
    q, clock = tracker()
    q.observe("a", RateLimitHint(remaining_requests=0, reset_requests=2.0))
    clock.t += 2.5
    for _ in range(5):
        q.acquire("a", 0)
    assert q.wait_time("a", 0) == 0.0


def test_a_fresh_hint_replaces_the_previous_one() -> None:
    q, _ = tracker()
    q.observe("a", RateLimitHint(remaining_requests=0, reset_requests=20.0))
    q.observe("a", RateLimitHint(remaining_requests=50, reset_requests=20.0))
    assert q.wait_time("a", 0) == 0.0


def test_retry_after_blocks_until_it_passes() -> None:
    q, clock = tracker()
    q.observe("a", None, retry_after=3.0)
    assert q.wait_time("a", 0) == pytest.approx(3.0)
    assert q.wait_time("other", 0) == 0.0
    clock.t += 3.0
    assert q.wait_time("a", 0) == 0.0


def test_a_shorter_retry_after_does_not_shorten_the_block() -> None:
    q, clock = tracker()
    q.observe("a", None, retry_after=10.0)
    clock.t += 1.0
    q.observe("a", None, retry_after=2.0)
    assert q.wait_time("a", 0) == pytest.approx(9.0)


def test_retry_after_on_a_configured_deployment_adds_to_its_window() -> None:
    q, _ = tracker(a=(100, None))
    q.acquire("a", 0)
    q.observe("a", None, retry_after=4.0)
    assert q.wait_time("a", 0) == pytest.approx(4.0)
    assert q.headroom("a") == pytest.approx(0.99)


def test_observing_nothing_changes_nothing() -> None:
    q, _ = tracker()
    q.observe("a", None)
    q.observe("a", RateLimitHint())
    assert q.wait_time("a", 10**6) == 0.0


def test_headroom_is_the_tightest_fraction() -> None:
    q, clock = tracker(a=(4, 100), r=(4, None), t=(None, 100))
    for name in ("a", "r", "t"):
        assert q.headroom(name) == 1.0
    q.acquire("a", 50)
    q.acquire("r", 50)
    q.acquire("t", 50)
    assert q.headroom("a") == pytest.approx(0.5)  # min(0.75 of rpm, 0.5 of tpm)
    assert q.headroom("r") == pytest.approx(0.75)
    assert q.headroom("t") == pytest.approx(0.5)
    for _ in range(5):
        q.acquire("r", 0)
    assert q.headroom("r") == 0.0  # over-acquired: clamped, never negative
    clock.t += 60.0
    assert q.headroom("a") == 1.0


@given(
    rpm=st.integers(1, 5),
    tpm=st.integers(1, 500),
    sends=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 100)), max_size=30),
    tokens=st.integers(0, 100),
)
def test_waiting_the_announced_time_is_enough(rpm: int, tpm: int, sends: list[tuple[int, int]], tokens: int) -> None:
    """After waiting wait_time(), there is room; before it, within the configured windows, there is not."""
    tokens = min(tokens, tpm)
    q, clock = tracker(a=(rpm, tpm))
    for at, used in sorted(sends):
        clock.t = 1000.0 + at
        q.acquire("a", used)
    wait = q.wait_time("a", tokens)
    assert wait >= 0.0
    clock.t += wait
    assert q.wait_time("a", tokens) == 0.0
