"""Alias → its deployments and its routing policy, as configured.

The order in which deployments are tried is chosen per request by ``strategies.order``; the
retries, fallbacks and breakers around the calls are ``resilience.Engine``'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from freehold.config.routing import RetryPolicy, Strategy
from freehold.echo import clip
from freehold.errors import AliasNotFound
from freehold.providers.base import ChatProvider

__all__ = ["AliasPolicy", "Candidate", "Router"]


@dataclass(frozen=True, slots=True)
class Candidate:
    provider: ChatProvider
    weight: float


@dataclass(frozen=True, slots=True)
class AliasPolicy:
    """Per-alias behaviour, resolved from the alias's keys and the ``routing:`` defaults."""

    drop_unsupported_params: bool = False
    strategy: Strategy = "weighted"
    deadline: float = 120.0
    retries: RetryPolicy = RetryPolicy()
    fallbacks: tuple[str, ...] = ()
    """The alias's own fallbacks, then the global ones (without itself)."""
    context_window_fallback: str | None = None
    content_filter_fallback: str | None = None


_DEFAULT_POLICY = AliasPolicy()


class Router:
    """Holds each alias's deployments and policy."""

    def __init__(
        self, aliases: Mapping[str, Sequence[Candidate]], policies: Mapping[str, AliasPolicy] | None = None
    ) -> None:
        self._aliases = {name: tuple(c) for name, c in aliases.items()}
        self._policies = dict(policies or {})

    @property
    def aliases(self) -> list[str]:
        return list(self._aliases)

    def policy(self, alias: str) -> AliasPolicy:
        return self._policies.get(alias, _DEFAULT_POLICY)

    def candidates(self, alias: str) -> tuple[Candidate, ...]:
        """The deployments configured for ``alias``, in file order."""
        found = self._aliases.get(alias)
        if found is None:
            raise AliasNotFound(
                f"The model {clip(alias)} does not exist on this gateway. "
                f"Use one of: {', '.join(sorted(self._aliases))} (GET /v1/models lists them).",
                param="model",
            )
        return found
