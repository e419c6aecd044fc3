"""``UsageMetrics``: usage records as Prometheus counters (``freehold_tokens_total``).

It implements ``freehold.usage.UsageSink``. One call per answer, so children are cached per
label combination like the other recorders; label values are configured names (alias,
deployment) or fixed vocabularies.
"""

from __future__ import annotations

from freehold.observability.metrics import CounterChild, Metrics
from freehold.usage import UsageRecord

__all__ = ["UsageMetrics"]


class UsageMetrics:
    """Counts each record's tokens, and the streams that ended early."""

    def __init__(self, metrics: Metrics) -> None:
        self._m = metrics
        self._children: dict[tuple[str, str, bool], tuple[CounterChild, CounterChild]] = {}

    def record(self, usage: UsageRecord) -> None:
        key = (usage.alias, usage.deployment, usage.estimated)
        children = self._children.get(key)
        if children is None:
            source = "estimated" if usage.estimated else "reported"
            children = self._children[key] = (
                self._m.tokens.labels(usage.alias, usage.deployment, "prompt", source),
                self._m.tokens.labels(usage.alias, usage.deployment, "completion", source),
            )
        children[0].inc(usage.prompt_tokens)
        children[1].inc(usage.completion_tokens)
        if usage.ending != "complete":
            self._m.partial_streams.labels(usage.alias, usage.deployment, usage.ending).inc()
