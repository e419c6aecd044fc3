"""``MetricsObserver``: the resilience engine's decisions as metrics and log lines.

It implements ``routing.events.ResilienceObserver``. Each decision is logged once, through the
``freehold.resilience`` logger: retries, fallbacks, breaker transitions and retry-budget
exhaustion at warning (each is a sign an upstream is struggling), queue rejections at info (the
client's 429 is already logged where it is rendered). Plain attempts are not logged: the
failure that follows is, once, where it is rendered.

``attempt(..., "success", ...)`` runs on every request, so label lookups are cached: the
children for an (alias, deployment, outcome) are resolved once, after which recording is one
counter increment and one histogram observation. Label values come from the gateway file
(aliases, deployments) or fixed vocabularies; a ``reason`` that is not a short phrase is counted
as ``other`` so that free text never becomes a time series. Reasons are scrubbed of anything
shaped like a key before they are logged.
"""

from __future__ import annotations

import logging
import re
from typing import Final

from prometheus_client import Gauge

from freehold.observability.metrics import CIRCUIT_STATES, CounterChild, HistogramChild, Metrics
from freehold.redact import redact
from freehold.routing.events import Outcome

__all__ = ["MetricsObserver"]

log = logging.getLogger("freehold.resilience")

_REASON = re.compile(r"[A-Za-z0-9_.:-][A-Za-z0-9_.: -]{0,39}")
_OTHER: Final = "other"


def _reason_label(reason: str) -> str:
    return reason if _REASON.fullmatch(reason) else _OTHER


class MetricsObserver:
    """Updates ``Metrics`` and logs each resilience decision once; never blocks, never raises.

    With ``metrics`` None (``FREEHOLD_METRICS=false``) only the log lines remain.
    """

    def __init__(self, metrics: Metrics | None) -> None:
        self._m = metrics
        self._attempts: dict[tuple[str, str, str], tuple[CounterChild, HistogramChild]] = {}
        self._inflight: dict[str, Gauge] = {}

    def attempt(self, alias: str, deployment: str, outcome: Outcome, seconds: float, status: int | None) -> None:
        if self._m is None:
            return
        children = self._attempts.get((alias, deployment, outcome))
        if children is None:
            children = self._attempts[(alias, deployment, outcome)] = (
                self._m.upstream_attempts.labels(alias, deployment, outcome),
                self._m.upstream_attempt_duration.labels(deployment),
            )
        children[0].inc()
        children[1].observe(seconds)
        if outcome != "success" and log.isEnabledFor(logging.DEBUG):
            log.debug("alias %s: attempt on %s: %s (status %s) in %.3fs", alias, deployment, outcome, status, seconds)

    def retry(self, alias: str, deployment: str, delay: float, reason: str) -> None:
        log.warning("alias %s: retrying deployment %s in %.2fs after %s", alias, deployment, delay, redact(reason))
        if self._m is not None:
            self._m.retries.labels(alias, deployment, _reason_label(reason)).inc()

    def fallback(self, alias: str, from_deployment: str, to: str, reason: str) -> None:
        log.warning("alias %s: falling back from %s to %s after %s", alias, from_deployment, to, redact(reason))
        if self._m is not None:
            self._m.fallbacks.labels(alias, from_deployment, to).inc()

    def retry_budget_exhausted(self, alias: str, deployment: str) -> None:
        log.warning("alias %s: retry budget spent; deployment %s is not retried", alias, deployment)
        if self._m is not None:
            self._m.retry_budget_exhausted.labels(alias).inc()

    def breaker(self, deployment: str, state: str) -> None:
        log.warning("deployment %s: circuit %s", deployment, state.replace("_", "-"))
        if self._m is not None:
            value = CIRCUIT_STATES.get(state)
            if value is not None:
                self._m.circuit_state.labels(deployment).set(value)
                self._m.circuit_transitions.labels(deployment, state).inc()

    def queued(self, alias: str, seconds: float, admitted: bool) -> None:
        if not admitted:
            log.info("alias %s: gave up after waiting %.2fs for capacity; answered 429", alias, seconds)
        if self._m is not None:
            self._m.queue_wait.labels(alias).observe(seconds)
            if not admitted:
                self._m.queue_rejected.labels(alias).inc()

    def inflight(self, deployment: str, delta: int) -> None:
        """An upstream call to ``deployment`` started (+1) or ended (-1).

        Called only in multiprocess mode: otherwise ``freehold_inflight_requests`` reads the
        engine's own counts at scrape time (``Metrics.track_inflight``).
        """
        if self._m is None:
            return
        gauge = self._inflight.get(deployment)
        if gauge is None:
            gauge = self._inflight[deployment] = self._m.inflight.labels(deployment)
        gauge.inc(delta)
