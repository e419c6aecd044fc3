"""Metric definitions, the exposition, multiprocess mode, and the /metrics endpoint."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from freehold.api.metrics_routes import MetricsEndpoint
from freehold.errors import ConfigError
from freehold.observability.metrics import CONTENT_TYPE, Metrics, multiprocess_dir
from freehold.observability.observer import MetricsObserver

EVERY_METRIC = {
    "freehold_requests": "counter",
    "freehold_request_duration_seconds": "histogram",
    "freehold_upstream_attempts": "counter",
    "freehold_upstream_attempt_duration_seconds": "histogram",
    "freehold_retries": "counter",
    "freehold_fallbacks": "counter",
    "freehold_retry_budget_exhausted": "counter",
    "freehold_circuit_state": "gauge",
    "freehold_circuit_transitions": "counter",
    "freehold_queue_wait_seconds": "histogram",
    "freehold_queue_rejected": "counter",
    "freehold_tokens": "counter",
    "freehold_partial_streams": "counter",
    "freehold_cache": "counter",
    "freehold_inflight_requests": "gauge",
}


def test_every_metric_is_exposed_with_its_type() -> None:
    m = Metrics()
    families = {f.name: f.type for f in text_string_to_metric_families(m.exposition().decode())}
    assert families == EVERY_METRIC


def test_request_buckets_reach_two_minutes() -> None:
    m = Metrics()
    m.request_duration.labels("a").observe(100.0)
    assert m.registry.get_sample_value("freehold_request_duration_seconds_bucket", {"alias": "a", "le": "90.0"}) == 0
    assert m.registry.get_sample_value("freehold_request_duration_seconds_bucket", {"alias": "a", "le": "120.0"}) == 1


def test_declared_deployments_show_closed_circuits_and_nothing_in_flight() -> None:
    m = Metrics()
    m.declare_deployments(["a/openai/x", "b"])
    assert m.registry.get_sample_value("freehold_circuit_state", {"deployment": "a/openai/x"}) == 0
    assert m.registry.get_sample_value("freehold_inflight_requests", {"deployment": "b"}) == 0


def test_a_bad_multiprocess_dir_is_a_config_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="PROMETHEUS_MULTIPROC_DIR"):
        multiprocess_dir()
    # Set after prometheus-client was imported (as here): it would silently not be used.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    with pytest.raises(ConfigError, match="before start"):
        multiprocess_dir()


_WORKER = textwrap.dedent(
    """
    import sys
    from freehold.observability.metrics import Metrics
    from freehold.observability.observer import MetricsObserver
    m = Metrics()
    m.declare_deployments(["d"])
    obs = MetricsObserver(m)
    obs.attempt("a", "d", "success", 0.5, 200)
    obs.inflight("d", 1)
    obs.breaker("d", sys.argv[1])
    if sys.argv[2] == "close":
        m.close()
    else:
        sys.stdout.write(m.exposition().decode())
    """
)


def test_multiprocess_mode_merges_every_worker(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    def worker(state: str, then: str) -> str:
        run = subprocess.run(
            [sys.executable, "-c", _WORKER, state, then], env=env, capture_output=True, text=True, timeout=60
        )
        assert run.returncode == 0, run.stderr
        return run.stdout

    worker("open", "keep")  # a live worker with an open circuit
    worker("half_open", "close")  # a worker that has shut down: its live gauges are dropped
    text = worker("closed", "print")
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    attempts = ("freehold_upstream_attempts_total", (("alias", "a"), ("deployment", "d"), ("outcome", "success")))
    assert samples[attempts] == 3  # counters of all three processes, exited ones included
    # The worst live circuit wins (the "keep" worker's pid is gone, but its file still counts as
    # live until someone marks it dead; this is why the directory must be emptied at start).
    assert samples[("freehold_circuit_state", (("deployment", "d"),))] == 2
    assert samples[("freehold_inflight_requests", (("deployment", "d"),))] == 2  # the closed worker's is gone


async def test_the_endpoint_serves_the_text_format() -> None:
    m = Metrics()
    MetricsObserver(m).attempt("a", "d", "success", 0.1, 200)
    sent = await _get(MetricsEndpoint(m))
    assert sent[0]["status"] == 200
    headers = dict(sent[0]["headers"])
    assert headers[b"content-type"] == CONTENT_TYPE.encode()
    assert int(headers[b"content-length"]) == len(sent[1]["body"])
    assert b'freehold_upstream_attempts_total{alias="a",deployment="d",outcome="success"} 1.0' in sent[1]["body"]


async def test_the_endpoint_is_404_when_metrics_are_off() -> None:
    sent = await _get(MetricsEndpoint(None))
    assert sent[0]["status"] == 404
    assert b"FREEHOLD_METRICS=false" in sent[1]["body"]


async def _get(endpoint: MetricsEndpoint) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await endpoint({"type": "http", "method": "GET", "headers": []}, receive, send)
    return sent
