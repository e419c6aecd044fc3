"""What the resilience engine tells the outside world: one observer, called at each decision.

``log`` and metrics both hang off this protocol (``observability/``), so the engine itself
has no logging or metrics code and its decisions stay testable with a recording observer.
"""

from __future__ import annotations

from typing import Literal, Protocol

__all__ = ["NullObserver", "Outcome", "ResilienceObserver"]

Outcome = Literal["success", "retryable_error", "error", "rejected", "cancelled"]


class ResilienceObserver(Protocol):
    """Every method is called on the event loop and must not block or raise."""

    def attempt(self, alias: str, deployment: str, outcome: Outcome, seconds: float, status: int | None) -> None:
        """One upstream attempt finished (``status`` is the upstream's HTTP status when it had one)."""

    def retry(self, alias: str, deployment: str, delay: float, reason: str) -> None:
        """The same deployment will be tried again after ``delay`` seconds."""

    def fallback(self, alias: str, from_deployment: str, to: str, reason: str) -> None:
        """The next deployment (or fallback alias, ``to``) will be tried."""

    def retry_budget_exhausted(self, alias: str, deployment: str) -> None:
        """A retry was skipped because the alias spent its retry budget."""

    def breaker(self, deployment: str, state: str) -> None:
        """A deployment's circuit changed state (closed, open, half_open)."""

    def queued(self, alias: str, seconds: float, admitted: bool) -> None:
        """A request waited ``seconds`` for capacity; ``admitted`` false if it gave up (429)."""

    def inflight(self, deployment: str, delta: int) -> None:
        """An upstream call to ``deployment`` started (+1) or ended (-1)."""


class NullObserver:
    """Observes nothing; the default in unit tests."""

    def attempt(self, alias: str, deployment: str, outcome: Outcome, seconds: float, status: int | None) -> None:
        return None

    def retry(self, alias: str, deployment: str, delay: float, reason: str) -> None:
        return None

    def fallback(self, alias: str, from_deployment: str, to: str, reason: str) -> None:
        return None

    def retry_budget_exhausted(self, alias: str, deployment: str) -> None:
        return None

    def breaker(self, deployment: str, state: str) -> None:
        return None

    def queued(self, alias: str, seconds: float, admitted: bool) -> None:
        return None

    def inflight(self, deployment: str, delta: int) -> None:
        return None
