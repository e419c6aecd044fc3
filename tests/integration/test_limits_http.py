"""Rate limits and budget alerts of virtual keys, over HTTP, on the real server.

Rate limits are read the way clients read them: OpenAI's ``x-ratelimit-*`` headers through the
official SDK's raw response, and the SDK's own ``RateLimitError`` with ``Retry-After`` once a
limit is reached. Alerts go to a webhook (a loopback HTTP server here), once per threshold.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import anthropic
import httpx
import openai
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway, free_port, start_gateway, stop_gateway

SIM = {"provider": "simulated", "model": "sim-1", "ttft_ms": 0, "tokens_per_second": 5000, "max_tokens": 20}
HI = [{"role": "user", "content": "Hello there."}]
GO_DURATION = re.compile(r"^(\d+m)?\d+(ms|s)$")


class Webhook:
    """A loopback server that keeps every JSON body POSTed to it."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.close()


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory, webhook: Webhook) -> Iterator[Gateway]:
    config = {
        "routing": {"retries": {"max_attempts": 1}, "queue": {"max_wait": 0}},
        "governance": {"alerts": {"thresholds": [50, 80, 100], "webhook": webhook.url}},
        "aliases": {
            "smart": {"deployments": [{**SIM, "name": "smart-sim", "price": {"input": 100, "output": 1000}}]},
        },
    }
    g = start_gateway(config, tmp_path_factory.mktemp("limits"), env={"FREEHOLD_MASTER_KEY": MASTER_KEY})
    yield g
    stop_gateway(g.process)
    assert "Traceback" not in g.log()


def admin(gw: Gateway, path: str, body: dict[str, Any]) -> dict[str, Any]:
    resp = httpx.post(gw.url + path, headers={"Authorization": f"Bearer {MASTER_KEY}"}, json=body)
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


def oai(gw: Gateway, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0, timeout=10)


def test_rate_limit_headers_in_openai_format_through_the_sdk(gw: Gateway) -> None:
    key = admin(gw, "/admin/keys", {"name": "limited", "rpm": 3, "tpm": 100_000})["key"]
    with oai(gw, key) as client:
        seen = []
        for _ in range(3):
            raw = client.chat.completions.with_raw_response.create(model="smart", messages=HI)  # type: ignore[arg-type]
            assert raw.parse().choices[0].message.content
            h = raw.headers
            assert h["x-ratelimit-limit-requests"] == "3" and h["x-ratelimit-limit-tokens"] == "100000"
            assert GO_DURATION.match(h["x-ratelimit-reset-requests"]), h["x-ratelimit-reset-requests"]
            assert GO_DURATION.match(h["x-ratelimit-reset-tokens"]), h["x-ratelimit-reset-tokens"]
            assert 0 < 100_000 - int(h["x-ratelimit-remaining-tokens"]) < 100_000
            seen.append(int(h["x-ratelimit-remaining-requests"]))
        assert seen == [2, 1, 0]
        with pytest.raises(openai.RateLimitError) as refused:
            client.chat.completions.create(model="smart", messages=HI)  # type: ignore[arg-type]
    resp = refused.value.response
    assert resp.status_code == 429
    assert resp.json()["error"]["code"] == "rate_limit_exceeded"
    assert "3 requests per minute" in resp.json()["error"]["message"]
    assert 1 <= int(resp.headers["retry-after"]) <= 20  # a request frees up every 20 s at 3 RPM
    assert resp.headers["x-ratelimit-remaining-requests"] == "0"


def test_a_team_limit_applies_to_all_its_keys_and_on_the_anthropic_door(gw: Gateway) -> None:
    team = admin(gw, "/admin/teams", {"name": "small-team", "rpm": 2})
    one = admin(gw, "/admin/keys", {"name": "one", "team_id": team["id"], "rpm": 100})["key"]
    two = admin(gw, "/admin/keys", {"name": "two", "team_id": team["id"]})["key"]
    with oai(gw, one) as client:
        raw = client.chat.completions.with_raw_response.create(model="smart", messages=HI)  # type: ignore[arg-type]
        assert raw.headers["x-ratelimit-limit-requests"] == "2"  # the tightest limit that applies: the team's
    with anthropic.Anthropic(base_url=gw.url, api_key=two, max_retries=0) as claude:
        claude.messages.create(model="smart", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
        with pytest.raises(anthropic.RateLimitError) as refused:
            claude.messages.create(model="smart", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    assert refused.value.response.json()["type"] == "error"  # the Anthropic door's own error shape
    assert "team" in refused.value.response.json()["error"]["message"]
    assert refused.value.response.headers["retry-after"]


def test_tokens_per_minute_refuses_a_request_too_big_for_what_is_left(gw: Gateway) -> None:
    key = admin(gw, "/admin/keys", {"name": "tpm", "tpm": 300})["key"]
    with oai(gw, key) as client:
        client.chat.completions.create(model="smart", messages=HI, max_tokens=200)  # type: ignore[arg-type]
        with pytest.raises(openai.RateLimitError, match="300 tokens per minute"):
            client.chat.completions.create(model="smart", messages=HI, max_tokens=200)  # type: ignore[arg-type]


def test_budget_alerts_reach_the_webhook_once_per_threshold(gw: Gateway, webhook: Webhook) -> None:
    # 20 answer tokens at $1000 per million: $0.02 a request, plus the prompt; $0.10 lasts ~4 requests.
    made = admin(gw, "/admin/keys", {"name": "alerted", "budget": {"usd": "0.10", "period": "monthly"}})
    refused = False
    with oai(gw, made["key"]) as client:
        for _ in range(20):
            try:
                client.chat.completions.create(model="smart", messages=HI, max_tokens=20)  # type: ignore[arg-type]
            except openai.RateLimitError as exc:
                assert exc.response.json()["error"]["code"] == "budget_exceeded"
                refused = True
                break
    assert refused
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        mine = [a for a in webhook.received if a["id"] == made["id"]]
        if {a["threshold_percent"] for a in mine} >= {50, 80}:
            break
        time.sleep(0.05)
    time.sleep(0.3)  # a duplicate would arrive now
    mine = [a for a in webhook.received if a["id"] == made["id"]]
    thresholds = [a["threshold_percent"] for a in mine]
    assert sorted(thresholds) == sorted(set(thresholds)), f"an alert was sent twice: {thresholds}"
    assert {50, 80} <= set(thresholds)
    first = min(mine, key=lambda a: a["threshold_percent"])
    assert (first["scope"], first["name"], first["budget_usd"], first["period"]) == (
        "key",
        "alerted",
        "0.10",
        "monthly",
    )
