"""MetricsObserver: metric values after a sequence of decisions, and one log line per decision."""

from __future__ import annotations

import logging

import pytest

from freehold.observability.metrics import Metrics
from freehold.observability.observer import MetricsObserver
from freehold.routing.events import ResilienceObserver


def value(m: Metrics, name: str, labels: dict[str, str]) -> float:
    got = m.registry.get_sample_value(name, labels)
    return 0.0 if got is None else got


def attempts(m: Metrics, alias: str, deployment: str, outcome: str) -> float:
    return value(m, "freehold_upstream_attempts_total", {"alias": alias, "deployment": deployment, "outcome": outcome})


@pytest.fixture
def metrics() -> Metrics:
    return Metrics()


def test_it_satisfies_the_engine_protocol(metrics: Metrics) -> None:
    observer: ResilienceObserver = MetricsObserver(metrics)  # mypy checks the protocol; this checks it exists
    assert callable(observer.attempt)


def test_a_request_that_retries_then_falls_back(metrics: Metrics, caplog: pytest.LogCaptureFixture) -> None:
    obs = MetricsObserver(metrics)
    caplog.set_level(logging.INFO, logger="freehold.resilience")
    obs.attempt("smart", "smart/a", "retryable_error", 0.2, 503)
    obs.retry("smart", "smart/a", 0.75, "rate_limit_exceeded")
    obs.attempt("smart", "smart/a", "retryable_error", 0.3, 503)
    obs.fallback("smart", "smart/a", "smart/b", "server_error")
    obs.attempt("smart", "smart/b", "success", 1.5, 200)
    obs.attempt("smart", "smart/b", "success", 0.5, 200)

    assert attempts(metrics, "smart", "smart/a", "retryable_error") == 2
    assert attempts(metrics, "smart", "smart/b", "success") == 2
    assert attempts(metrics, "smart", "smart/b", "error") == 0
    b = {"deployment": "smart/b"}
    assert value(metrics, "freehold_upstream_attempt_duration_seconds_count", b) == 2
    assert value(metrics, "freehold_upstream_attempt_duration_seconds_sum", b) == pytest.approx(2.0)
    assert value(metrics, "freehold_upstream_attempt_duration_seconds_bucket", {**b, "le": "1.0"}) == 1
    retry = {"alias": "smart", "deployment": "smart/a", "reason": "rate_limit_exceeded"}
    assert value(metrics, "freehold_retries_total", retry) == 1
    fallback = {"alias": "smart", "from_deployment": "smart/a", "to": "smart/b"}
    assert value(metrics, "freehold_fallbacks_total", fallback) == 1

    records = [r for r in caplog.records if r.name == "freehold.resilience"]
    assert [r.levelno for r in records] == [logging.WARNING, logging.WARNING]  # attempts are not decisions
    retry, fallback = (r.getMessage() for r in records)
    assert "smart" in retry and "smart/a" in retry and "rate_limit_exceeded" in retry and "0.75s" in retry
    assert "smart" in fallback and "smart/a" in fallback and "smart/b" in fallback and "server_error" in fallback


def test_breaker_transitions_set_the_state_gauge(metrics: Metrics, caplog: pytest.LogCaptureFixture) -> None:
    metrics.declare_deployments(["d1"])
    obs = MetricsObserver(metrics)
    caplog.set_level(logging.INFO, logger="freehold.resilience")
    assert value(metrics, "freehold_circuit_state", {"deployment": "d1"}) == 0
    obs.breaker("d1", "open")
    assert value(metrics, "freehold_circuit_state", {"deployment": "d1"}) == 2
    obs.breaker("d1", "half_open")
    assert value(metrics, "freehold_circuit_state", {"deployment": "d1"}) == 1
    obs.breaker("d1", "open")
    obs.breaker("d1", "closed")
    assert value(metrics, "freehold_circuit_state", {"deployment": "d1"}) == 0
    assert value(metrics, "freehold_circuit_transitions_total", {"deployment": "d1", "state": "open"}) == 2
    assert value(metrics, "freehold_circuit_transitions_total", {"deployment": "d1", "state": "half_open"}) == 1
    assert value(metrics, "freehold_circuit_transitions_total", {"deployment": "d1", "state": "closed"}) == 1
    messages = [r.getMessage() for r in caplog.records if r.name == "freehold.resilience"]
    assert len(messages) == 4 and all(r.levelno == logging.WARNING for r in caplog.records)
    assert messages[0] == "deployment d1: circuit open"
    assert messages[1] == "deployment d1: circuit half-open"


def test_budget_and_queue(metrics: Metrics, caplog: pytest.LogCaptureFixture) -> None:
    obs = MetricsObserver(metrics)
    caplog.set_level(logging.DEBUG, logger="freehold.resilience")
    obs.retry_budget_exhausted("smart", "smart/a")
    obs.queued("smart", 0.3, admitted=True)
    obs.queued("smart", 2.0, admitted=False)
    assert value(metrics, "freehold_retry_budget_exhausted_total", {"alias": "smart"}) == 1
    assert value(metrics, "freehold_queue_wait_seconds_count", {"alias": "smart"}) == 2
    assert value(metrics, "freehold_queue_wait_seconds_sum", {"alias": "smart"}) == pytest.approx(2.3)
    assert value(metrics, "freehold_queue_rejected_total", {"alias": "smart"}) == 1
    records = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "freehold.resilience"]
    assert len(records) == 2  # an admitted wait is not logged
    assert records[0][0] == logging.WARNING and "smart" in records[0][1] and "smart/a" in records[0][1]
    assert records[1][0] == logging.INFO and "smart" in records[1][1] and "2.00s" in records[1][1]


def test_inflight_gauge(metrics: Metrics) -> None:
    obs = MetricsObserver(metrics)
    obs.inflight("d1", 1)
    obs.inflight("d1", 1)
    obs.inflight("d1", -1)
    assert value(metrics, "freehold_inflight_requests", {"deployment": "d1"}) == 1


def test_free_text_reasons_never_become_series_and_keys_never_reach_the_log(
    metrics: Metrics, caplog: pytest.LogCaptureFixture
) -> None:
    obs = MetricsObserver(metrics)
    caplog.set_level(logging.INFO, logger="freehold.resilience")
    secret_reason = "Incorrect API key provided: sk-proj-abcdef1234567890 for org-x, please retry later"
    obs.retry("smart", "smart/a", 1.0, secret_reason)
    obs.fallback("smart", "smart/a", "cheap", secret_reason)
    obs.fallback("smart", "smart/a", "cheap", "alias exhausted")
    assert value(metrics, "freehold_retries_total", {"alias": "smart", "deployment": "smart/a", "reason": "other"}) == 1
    text = metrics.exposition().decode()
    assert "sk-proj" not in text and "Incorrect" not in text
    log_text = caplog.text
    assert "sk-proj-abcdef1234567890" not in log_text
    assert "[redacted]" in log_text and "smart/a" in log_text


def test_metrics_off_still_logs(caplog: pytest.LogCaptureFixture) -> None:
    obs = MetricsObserver(None)
    caplog.set_level(logging.INFO, logger="freehold.resilience")
    obs.attempt("a", "d", "success", 0.1, 200)
    obs.retry("a", "d", 0.5, "timeout")
    obs.breaker("d", "open")
    obs.inflight("d", 1)
    obs.queued("a", 1.0, admitted=False)
    assert len([r for r in caplog.records if r.name == "freehold.resilience"]) == 3


def test_registries_are_per_runtime() -> None:
    one, two = Metrics(), Metrics()  # the global default registry would refuse the second
    MetricsObserver(one).attempt("a", "d", "success", 0.1, 200)
    assert attempts(one, "a", "d", "success") == 1
    assert attempts(two, "a", "d", "success") == 0
