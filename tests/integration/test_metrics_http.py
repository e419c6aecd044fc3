"""``GET /metrics`` on the real server: request counts from the API layer, the engine's decisions."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.conftest import MASTER_KEY, Gateway, openai_deployment, start_gateway, stop_gateway
from tests.integration.mock_openai import EXPECTED_KEY, MockOpenAI

MESSAGES = [{"role": "user", "content": "Count me."}]

needs_engine = pytest.mark.skipif(
    importlib.util.find_spec("freehold.routing.resilience") is None,
    reason="the resilience engine (routing/resilience.py), which reports attempts and fallbacks, has not landed",
)

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(scope="module")
def gateway(mock_upstream: MockOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    config = {
        "aliases": {
            "gpt": {"deployments": [openai_deployment(mock_upstream, "gpt-4o-mini", name="mock-gpt")]},
            "embed": {"deployments": [openai_deployment(mock_upstream, "text-embedding-3-small", name="mock-embed")]},
            "failover": {
                "deployments": [
                    openai_deployment(mock_upstream, "error-503", name="broken", weight=1000),
                    openai_deployment(mock_upstream, "gpt-4o-mini", name="healthy", weight=0.001),
                ]
            },
            "sim-cut": {
                "deployments": [
                    {
                        "provider": "simulated",
                        "model": "sim-1",
                        "name": "sim-cut",
                        "ttft_ms": 0,
                        "tokens_per_second": 5000,
                        "faults": [{"kind": "stream_cut", "every": 1, "after_tokens": 2}],
                    }
                ]
            },
        }
    }
    gw = start_gateway(
        config,
        tmp_path_factory.mktemp("metrics"),
        env={"MOCK_OPENAI_KEY": EXPECTED_KEY, "FREEHOLD_MASTER_KEY": MASTER_KEY},
    )
    yield gw
    stop_gateway(gw.process)
    log = gw.log()
    assert EXPECTED_KEY not in log and MASTER_KEY not in log
    assert "Traceback" not in log


@pytest.fixture
def client(gateway: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gateway.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


def scrape(gateway: Gateway) -> Samples:
    resp = httpx.get(gateway.url + "/metrics", headers={"Authorization": f"Bearer {MASTER_KEY}"}, timeout=5)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/plain; version=")
    samples: Samples = {}
    for family in text_string_to_metric_families(resp.text):
        for s in family.samples:
            samples[(s.name, frozenset(s.labels.items()))] = s.value
    return samples


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    key = (name, frozenset(labels.items()))
    return after.get(key, 0.0) - before.get(key, 0.0)


def requests(alias: str, front_door: str, status: str) -> dict[str, str]:
    return {"alias": alias, "front_door": front_door, "status": status}


def test_requests_are_counted_by_alias_front_door_and_status(gateway: Gateway, client: openai.OpenAI) -> None:
    before = scrape(gateway)
    for _ in range(2):
        client.chat.completions.create(model="gpt", messages=MESSAGES)
    with client.chat.completions.create(model="gpt", messages=MESSAGES, stream=True) as stream:
        assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    client.embeddings.create(model="embed", input="count me")
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="no-such-alias", messages=MESSAGES)
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=gateway.base_url, api_key="wrong", max_retries=0).chat.completions.create(
            model="gpt", messages=MESSAGES
        )
    with pytest.raises(openai.APIError):  # cut after the first bytes: the client saw a 200
        with client.chat.completions.create(model="sim-cut", messages=MESSAGES, stream=True) as stream:
            for _ in stream:
                pass
    after = scrape(gateway)

    assert delta(before, after, "freehold_requests_total", **requests("gpt", "chat_completions", "200")) == 3
    assert delta(before, after, "freehold_requests_total", **requests("embed", "embeddings", "200")) == 1
    assert delta(before, after, "freehold_requests_total", **requests("(none)", "chat_completions", "404")) == 1
    assert delta(before, after, "freehold_requests_total", **requests("(none)", "chat_completions", "401")) == 1
    cut = requests("sim-cut", "chat_completions", "stream_error")
    assert delta(before, after, "freehold_requests_total", **cut) == 1
    assert delta(before, after, "freehold_request_duration_seconds_count", alias="gpt") == 3
    assert delta(before, after, "freehold_request_duration_seconds_sum", alias="gpt") > 0
    # Client-chosen model names never become label values.
    assert not any("no-such-alias" in str(labels) for _, labels in after)


@needs_engine
def test_upstream_attempts_are_counted(gateway: Gateway, client: openai.OpenAI) -> None:
    before = scrape(gateway)
    for _ in range(3):
        client.chat.completions.create(model="gpt", messages=MESSAGES)
    after = scrape(gateway)
    success = {"alias": "gpt", "deployment": "mock-gpt", "outcome": "success"}
    assert delta(before, after, "freehold_upstream_attempts_total", **success) == 3
    assert delta(before, after, "freehold_upstream_attempt_duration_seconds_count", deployment="mock-gpt") == 3


@needs_engine
def test_a_fallback_is_counted_and_logged(gateway: Gateway, client: openai.OpenAI) -> None:
    before = scrape(gateway)
    raw = client.chat.completions.with_raw_response.create(model="failover", messages=MESSAGES)
    assert raw.headers["x-freehold-deployment"] == "healthy"
    after = scrape(gateway)
    fallback = {"alias": "failover", "from_deployment": "broken", "to": "healthy"}
    assert delta(before, after, "freehold_fallbacks_total", **fallback) == 1
    failed = {"alias": "failover", "deployment": "broken", "outcome": "retryable_error"}
    assert delta(before, after, "freehold_upstream_attempts_total", **failed) >= 1
    assert delta(before, after, "freehold_requests_total", **requests("failover", "chat_completions", "200")) == 1
    assert "alias failover: falling back from broken to healthy" in gateway.log()


def test_circuits_start_closed_for_every_deployment(gateway: Gateway) -> None:
    samples = scrape(gateway)
    for deployment in ("mock-gpt", "mock-embed", "healthy", "sim-cut"):
        assert samples[("freehold_circuit_state", frozenset({("deployment", deployment)}))] == 0


def test_metrics_can_be_turned_off(mock_upstream: MockOpenAI, tmp_path: Path) -> None:
    config = {"aliases": {"gpt": {"deployments": [openai_deployment(mock_upstream, "gpt-4o-mini")]}}}
    gw = start_gateway(config, tmp_path, env={"MOCK_OPENAI_KEY": EXPECTED_KEY, "FREEHOLD_METRICS": "false"})
    try:
        resp = httpx.get(gw.url + "/metrics", timeout=5)
        assert resp.status_code == 404
        assert "FREEHOLD_METRICS=false" in resp.json()["error"]["message"]
    finally:
        stop_gateway(gw.process)
