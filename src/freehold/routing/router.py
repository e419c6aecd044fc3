"""Alias → ordered candidate deployments.

The order is a weighted random permutation: the first candidate is drawn with probability
proportional to its weight, then the next among the rest, and so on. The later candidates are
where the gateway falls back to when an earlier one fails in a way that allows it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from freehold.errors import AliasNotFound
from freehold.providers.base import ChatProvider

__all__ = ["AliasPolicy", "Candidate", "Router"]


@dataclass(frozen=True, slots=True)
class Candidate:
    provider: ChatProvider
    weight: float


@dataclass(frozen=True, slots=True)
class AliasPolicy:
    """Per-alias behaviour the gateway applies to every request for it."""

    drop_unsupported_params: bool = False


_DEFAULT_POLICY = AliasPolicy()


class Router:
    """Holds each alias's deployments and orders them per request."""

    def __init__(
        self,
        aliases: Mapping[str, Sequence[Candidate]],
        rng: random.Random | None = None,
        policies: Mapping[str, AliasPolicy] | None = None,
    ) -> None:
        self._aliases = {name: tuple(c) for name, c in aliases.items()}
        self._random = (rng or random.Random()).random
        self._policies = dict(policies or {})

    def policy(self, alias: str) -> AliasPolicy:
        return self._policies.get(alias, _DEFAULT_POLICY)

    @property
    def aliases(self) -> list[str]:
        return list(self._aliases)

    def candidates(self, alias: str) -> list[ChatProvider]:
        """The deployments to try for ``alias``, in order."""
        found = self._aliases.get(alias)
        if found is None:
            raise AliasNotFound(
                f"The model '{alias}' does not exist on this gateway. "
                f"Use one of: {', '.join(sorted(self._aliases))} (GET /v1/models lists them).",
                param="model",
            )
        if len(found) == 1:
            return [found[0].provider]
        return self._weighted_order(found)

    def _weighted_order(self, found: Sequence[Candidate]) -> list[ChatProvider]:
        pool = list(found)
        order = []
        while pool:
            total = sum(c.weight for c in pool)
            point = self._random() * total
            for i, cand in enumerate(pool):
                point -= cand.weight
                if point < 0 or i == len(pool) - 1:
                    order.append(pool.pop(i).provider)
                    break
        return order
