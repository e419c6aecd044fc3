"""Load-balancing strategies: the order in which an alias's deployments are tried.

- ``weighted``: a weighted random permutation (traffic share = weight share).
- ``least_inflight``: fewest requests in flight per unit of weight first; ties at random.
- ``latency``: lowest moving average (EWMA) of recent attempt latency first; deployments with
  no sample yet go first so that every deployment gets measured.
- ``quota``: most quota headroom (configured RPM/TPM and the upstream's rate-limit headers)
  first, weighted random among equals.

Whatever the strategy, the resilience engine skips deployments whose circuit is open or whose
quota is exhausted, so the order is a preference, not a promise.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from freehold.config.routing import Strategy
from freehold.routing.router import Candidate
from freehold.stores.quota import QuotaTracker

__all__ = ["DeploymentStats", "order", "weighted_order"]

EWMA_ALPHA = 0.3


@dataclass(slots=True)
class DeploymentStats:
    """Live figures of one deployment in this process."""

    inflight: int = 0
    ewma_seconds: float | None = None

    def observe_latency(self, seconds: float) -> None:
        prev = self.ewma_seconds
        self.ewma_seconds = seconds if prev is None else prev + EWMA_ALPHA * (seconds - prev)


def weighted_order(found: Sequence[Candidate], rand: Callable[[], float]) -> list[Candidate]:
    """A random permutation where each next pick is proportional to weight among the rest."""
    pool = list(found)
    out = []
    while pool:
        point = rand() * sum(c.weight for c in pool)
        for i, cand in enumerate(pool):
            point -= cand.weight
            if point < 0 or i == len(pool) - 1:
                out.append(pool.pop(i))
                break
    return out


def order(
    strategy: Strategy,
    candidates: Sequence[Candidate],
    stats: dict[str, DeploymentStats],
    quota: QuotaTracker,
    rand: Callable[[], float] = random.random,
) -> list[Candidate]:
    """The candidates in the order ``strategy`` prefers."""
    if len(candidates) == 1:
        return list(candidates)
    shuffled = weighted_order(candidates, rand)  # random tie-breaking for every strategy
    if strategy == "weighted":
        return shuffled
    if strategy == "least_inflight":
        return sorted(shuffled, key=lambda c: _stats(stats, c).inflight / c.weight)
    if strategy == "latency":
        return sorted(shuffled, key=lambda c: _stats(stats, c).ewma_seconds or 0.0)
    # quota: most headroom first, in coarse steps so near-equal deployments still share traffic.
    return sorted(shuffled, key=lambda c: -round(quota.headroom(c.provider.name), 1))


def _stats(stats: dict[str, DeploymentStats], cand: Candidate) -> DeploymentStats:
    found = stats.get(cand.provider.name)
    if found is None:
        found = stats[cand.provider.name] = DeploymentStats()
    return found
