"""RouteLLM's routing metrics, computed exactly over every threshold instead of ten quantiles.

Route the ``k`` highest-scoring prompts to the strong model and the rest to the weak one; the
quality of that mix against the share ``k/n`` of strong calls is the curve. APGR is the area
under it, scaled so that all-weak is 0 and all-strong is 1 (random routing gives 0.5); CPT(p) is
the smallest share of strong calls that recovers ``p`` of the quality gap. Prompts with equal
scores move together (a threshold cannot split them), and the curve is linear in between,
which is what random order among them would give.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Curve", "curve"]


@dataclass(frozen=True)
class Curve:
    shares: list[float]  # share of strong calls at each threshold, 0 … 1
    quality: list[float]  # mean quality of the routed mix there
    thresholds: list[float]  # score above which a prompt goes strong, for each point
    weak: float  # quality with every call weak
    strong: float  # quality with every call strong

    @property
    def apgr(self) -> float:
        """Average performance gap recovered: (area under the curve − weak) / (strong − weak)."""
        area = sum(
            (self.shares[i + 1] - self.shares[i]) * (self.quality[i + 1] + self.quality[i]) / 2
            for i in range(len(self.shares) - 1)
        )
        gap = self.strong - self.weak
        return (area - self.weak) / gap if gap else float("nan")

    def cpt(self, recovered: float) -> float:
        """Call-performance threshold: the least share of strong calls reaching ``recovered`` of the gap."""
        target = self.weak + recovered * (self.strong - self.weak)
        for i in range(len(self.shares)):
            if self.quality[i] >= target - 1e-12:
                if i == 0:
                    return self.shares[0]
                q0, q1 = self.quality[i - 1], self.quality[i]
                s0, s1 = self.shares[i - 1], self.shares[i]
                return s0 + (s1 - s0) * (target - q0) / (q1 - q0)
        return float("nan")


def curve(scores: Sequence[float], strong: Sequence[float], weak: Sequence[float]) -> Curve:
    """The routing curve of ``scores`` given each prompt's strong- and weak-model quality (0…1)."""
    n = len(scores)
    if n == 0 or len(strong) != n or len(weak) != n:
        raise ValueError("scores, strong and weak must be non-empty and of equal length")
    order = sorted(range(n), key=lambda i: -scores[i])
    total = float(sum(weak))
    shares, quality, thresholds = [0.0], [total / n], [float("inf")]
    i = 0
    while i < n:
        j = i
        while j < n and scores[order[j]] == scores[order[i]]:
            total += strong[order[j]] - weak[order[j]]
            j += 1
        shares.append(j / n)
        quality.append(total / n)
        thresholds.append(float(scores[order[i]]))
        i = j
    return Curve(shares, quality, thresholds, weak=sum(weak) / n, strong=sum(strong) / n)
