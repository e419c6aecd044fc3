"""Resilience knobs: retries, retry budget, deadline, breakers, queueing, load balancing, fallbacks.

The top-level ``routing:`` section sets the defaults; an alias may override ``strategy``,
``deadline``, ``retries``, ``fallbacks`` and the special-purpose fallbacks. docs/resilience.md
explains the semantics.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from freehold.config.common import StrictModel

__all__ = ["BreakerPolicy", "QueuePolicy", "RetryBudget", "RetryPolicy", "RoutingDefaults", "Strategy"]

Strategy = Literal["weighted", "least_inflight", "latency", "quota"]


class RetryPolicy(StrictModel):
    """Retries of the same deployment, for retryable failures only (429, 408, 5xx, 529, timeouts, resets)."""

    max_attempts: int = Field(2, ge=1, le=10)
    """Attempts per deployment, the first included (1 = never retry, go straight to the next)."""
    base_delay: float = Field(0.25, ge=0)
    """Backoff base in seconds: attempt n waits a random time in [0, min(max_delay, base_delay * 2^n)]."""
    max_delay: float = Field(8.0, ge=0)
    max_retry_after: float = Field(5.0, ge=0)
    """A Retry-After longer than this (or than the time left) moves on to the next deployment instead."""


class RetryBudget(StrictModel):
    """Caps retries per alias so that an outage cannot multiply the load on a struggling upstream."""

    ratio: float = Field(0.2, ge=0, le=10)
    """Retries allowed as a fraction of first attempts over the last ``window`` seconds."""
    min_per_second: float = Field(5.0, ge=0)
    """Retries always allowed per second, so that a quiet alias can still retry."""
    window: float = Field(10.0, gt=0)


class BreakerPolicy(StrictModel):
    """Per-deployment circuit breaker: closed → open → half-open (probe) → closed."""

    failure_threshold: int = Field(5, ge=1)
    """Consecutive failures (retryable ones, timeouts, resets, 5xx) that open the circuit."""
    cooldown: float = Field(15.0, gt=0)
    """Seconds an open circuit stays open before one probe request may test the deployment."""
    half_open_probes: int = Field(1, ge=1)
    """Successful probes needed to close the circuit again."""


class QueuePolicy(StrictModel):
    """When every deployment of an alias is saturated, requests wait here instead of failing at once."""

    max_size: int = Field(1000, ge=0)
    """Waiting requests per alias; beyond it, a 429 at once. 0 disables queueing."""
    max_wait: float = Field(30.0, ge=0)
    """Longest wait in seconds (the request's deadline may cut it shorter)."""


class RoutingDefaults(StrictModel):
    """The ``routing:`` section: defaults for every alias."""

    strategy: Strategy = "weighted"
    deadline: float = Field(120.0, gt=0)
    """Seconds from the engine taking a request until it must have its answer (streams: its first byte)."""
    retries: RetryPolicy = RetryPolicy()
    retry_budget: RetryBudget = RetryBudget()
    breaker: BreakerPolicy = BreakerPolicy()
    queue: QueuePolicy = QueuePolicy()
    fallbacks: tuple[str, ...] = ()
    """Aliases tried, in order, after an alias's own fallbacks (a global safety net)."""
    router_max_waiting: int = Field(64, ge=1)
    """Prompts that may wait for the difficulty routers' scoring threads; the next goes to ``strong``
    unscored (``reason="router busy"``) rather than queue behind a burst."""

    @model_validator(mode="after")
    def _delays(self) -> RoutingDefaults:
        if self.retries.base_delay > self.retries.max_delay:
            raise ValueError("retries.base_delay must not exceed retries.max_delay")
        return self
