"""Load-balancing strategies: weighted, least_inflight, latency (EWMA), quota headroom."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

import pytest

from freehold.providers.base import Capabilities
from freehold.routing.router import Candidate
from freehold.routing.strategies import EWMA_ALPHA, DeploymentStats, order
from freehold.stores.quota import QuotaTracker


@dataclass
class P:
    name: str
    capabilities: Capabilities = Capabilities()


def cands(**weights: float) -> list[Candidate]:
    return [Candidate(P(name), w) for name, w in weights.items()]  # type: ignore[arg-type]


def names(found: list[Candidate]) -> list[str]:
    return [c.provider.name for c in found]


NO_QUOTA = QuotaTracker({})


def never() -> float:
    raise AssertionError("rand must not be called")


@pytest.mark.parametrize("strategy", ["weighted", "least_inflight", "latency", "quota"])
def test_a_single_candidate_needs_no_randomness(strategy: str) -> None:
    assert names(order(strategy, cands(a=1), {}, NO_QUOTA, never)) == ["a"]  # type: ignore[arg-type]


@pytest.mark.parametrize("strategy", ["weighted", "least_inflight", "latency", "quota"])
def test_every_strategy_returns_a_permutation(strategy: str) -> None:
    rng = random.Random(7)
    found = cands(a=1, b=2, c=3)
    for _ in range(50):
        assert sorted(names(order(strategy, found, {}, NO_QUOTA, rng.random))) == ["a", "b", "c"]  # type: ignore[arg-type]


def test_weighted_traffic_share_is_weight_share() -> None:
    rng = random.Random(42)
    found = cands(a=3, b=1, c=0.5, d=0.5)
    n = 8000
    first = Counter(names(order("weighted", found, {}, NO_QUOTA, rng.random))[0] for _ in range(n))
    for name, weight in (("a", 3), ("b", 1), ("c", 0.5), ("d", 0.5)):
        assert first[name] / n == pytest.approx(weight / 5, abs=0.02)


def test_weighted_with_rand_zero_is_file_order_and_near_one_is_reversed() -> None:
    found = cands(a=1, b=1, c=1)
    assert names(order("weighted", found, {}, NO_QUOTA, lambda: 0.0)) == ["a", "b", "c"]
    assert names(order("weighted", found, {}, NO_QUOTA, lambda: 0.999)) == ["c", "b", "a"]


def test_least_inflight_fewest_in_flight_first() -> None:
    stats = {"a": DeploymentStats(inflight=3), "b": DeploymentStats(inflight=1), "c": DeploymentStats(inflight=0)}
    for r in (0.0, 0.5, 0.999):
        assert names(order("least_inflight", cands(a=1, b=1, c=1), stats, NO_QUOTA, lambda r=r: r)) == ["c", "b", "a"]


def test_least_inflight_per_unit_of_weight() -> None:
    stats = {"big": DeploymentStats(inflight=4), "small": DeploymentStats(inflight=2)}
    found = cands(big=4, small=1)  # 1.0 vs 2.0 per unit of weight
    assert names(order("least_inflight", found, stats, NO_QUOTA, lambda: 0.999)) == ["big", "small"]


def test_least_inflight_ties_are_broken_at_random() -> None:
    rng = random.Random(3)
    found = cands(a=1, b=1)
    firsts = Counter(names(order("least_inflight", found, {}, NO_QUOTA, rng.random))[0] for _ in range(400))
    assert firsts["a"] > 100 and firsts["b"] > 100


def test_ewma_update() -> None:
    s = DeploymentStats()
    s.observe_latency(1.0)
    assert s.ewma_seconds == 1.0  # the first sample is taken as is
    s.observe_latency(0.0)
    assert s.ewma_seconds == pytest.approx(1.0 - EWMA_ALPHA)
    s.observe_latency(2.0)
    assert s.ewma_seconds == pytest.approx(0.7 + 0.3 * (2.0 - 0.7))


def test_latency_lowest_average_first_and_unmeasured_before_all() -> None:
    stats = {"slow": DeploymentStats(ewma_seconds=0.5), "fast": DeploymentStats(ewma_seconds=0.1)}
    found = cands(slow=1, fast=1, new=1)
    for r in (0.0, 0.5, 0.999):
        assert names(order("latency", found, stats, NO_QUOTA, lambda r=r: r)) == ["new", "fast", "slow"]


def test_quota_most_headroom_first() -> None:
    q = QuotaTracker({"tight": (4, None), "roomy": (4, None)})
    for _ in range(3):
        q.acquire("tight", 0)
    q.acquire("roomy", 0)
    found = cands(tight=1, roomy=1, unlimited=1)
    for r in (0.0, 0.5, 0.999):
        assert names(order("quota", found, {}, q, lambda r=r: r)) == ["unlimited", "roomy", "tight"]


def test_quota_near_equal_headroom_still_shares_traffic() -> None:
    q = QuotaTracker({"a": (100, None), "b": (100, None)})
    for _ in range(26):
        q.acquire("a", 0)
    for _ in range(29):
        q.acquire("b", 0)  # 0.74 and 0.71: the same 0.1 step
    found = cands(a=1, b=1)
    assert names(order("quota", found, {}, q, lambda: 0.0)) == ["a", "b"]
    assert names(order("quota", found, {}, q, lambda: 0.999)) == ["b", "a"]
