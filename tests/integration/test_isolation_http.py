"""Nothing one client or one vendor does can hurt another request: each point over HTTP.

Poison requests, memory held by failed requests, an outage under concurrency, over-deep JSON,
values echoed into errors and logs. Each test runs the real gateway (``freehold serve``) against
loopback upstreams.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import anthropic
import httpx
import openai
import pytest
import yaml

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway
from tests.integration.mocks.down_mock import DownMock

AUTH = {"Authorization": f"Bearer {MASTER_KEY}"}
HI = [{"role": "user", "content": "hi"}]


@pytest.fixture(scope="module")
def failing() -> Iterator[DownMock]:
    mock = DownMock().start()
    yield mock
    mock.stop()


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert match is not None
    return int(match.group(1)) / 1024


def error_of(resp: httpx.Response, status: int) -> dict:
    assert resp.status_code == status, resp.text[:500]
    assert resp.headers["content-type"] == "application/json"
    err = resp.json()["error"]
    assert set(err) == {"message", "type", "param", "code"}
    return err


# --- 1. a poison request is a 400 and costs nobody else anything ----------------------------------


@pytest.mark.parametrize(
    ("message", "param"),
    [
        ({"role": "user", "content": [{"type": "text", "text": 5}]}, "messages[0].content[0].text"),
        ({"role": ["user"], "content": "hi"}, "messages[0].role"),
        ({"role": {"a": 1}, "content": "hi"}, "messages[0].role"),
        ({"role": "assistant", "tool_calls": [{"id": "t", "function": {"name": "f", "arguments": {}}}]}, None),
    ],
)
@pytest.mark.parametrize("stream", [False, True])
def test_mistyped_messages_are_400s_on_the_chat_door(
    gateway: Gateway, message: dict, param: str | None, stream: bool
) -> None:
    body = {"model": "gpt", "stream": stream, "messages": [message]}
    err = error_of(httpx.post(gateway.base_url + "/chat/completions", json=body, headers=AUTH, timeout=10), 400)
    assert err["param"] == (param or "messages[0].tool_calls[0].function.arguments")


@pytest.mark.parametrize("role", [["user"], {"x": 1}, 7])
def test_a_non_string_role_is_a_400_on_the_responses_door(gateway: Gateway, role: object) -> None:
    body = {"model": "gpt", "input": [{"type": "message", "role": role, "content": "hi"}]}
    err = error_of(httpx.post(gateway.base_url + "/responses", json=body, headers=AUTH, timeout=10), 400)
    assert err["param"] == "input[0].role"


def tokens_counted(gateway: Gateway, alias: str) -> float:
    text = httpx.get(gateway.url + "/metrics", headers=AUTH, timeout=10).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("freehold_tokens_total{") and f'alias="{alias}"' in line
    )


def test_a_poison_stream_neither_breaks_others_nor_drops_their_usage(gateway: Gateway) -> None:
    """Once accepted with 200, it made the usage batch fail: 64 answers' tokens vanished and an
    innocent request got a 500. Now it is refused, and every other answer is counted."""
    before = tokens_counted(gateway, "sim")
    poison = {"model": "sim", "stream": True, "messages": [{"role": "user", "content": [{"type": "text", "text": 5}]}]}
    with httpx.Client(base_url=gateway.base_url, headers=AUTH, timeout=10) as http:
        assert http.post("/chat/completions", json=poison).status_code == 400
        for i in range(70):  # more than one usage batch (64)
            resp = http.post(
                "/chat/completions",
                json={"model": "sim", "stream": i % 2 == 1, "max_tokens": 3, "messages": HI},
            )
            assert resp.status_code == 200, resp.text
    assert tokens_counted(gateway, "sim") - before >= 70 * 3
    assert "Traceback" not in gateway.log()


# --- 3. failed requests hold no memory --------------------------------------------------------------


def test_rss_stays_flat_over_failing_large_requests(failing: DownMock, tmp_path: Path) -> None:
    """40 × 8 MB to an alias whose upstream answers 502 (retried), and 40 more that fail once and
    then succeed elsewhere: each failed attempt once kept its request alive through a cycle."""
    down = {"provider": "openai", "model": "m", "api_base": failing.base_url}
    config = {
        "routing": {"retries": {"max_attempts": 2, "base_delay": 0.001, "max_delay": 0.002}, "queue": {"max_wait": 0}},
        "aliases": {
            "down": {"deployments": [{**down, "name": "down"}]},
            "flaky": {
                "deployments": [
                    {**down, "name": "flaky-down", "weight": 1000},
                    {**down, "model": "ok", "name": "flaky-up", "weight": 0.001},
                ]
            },
        },
    }
    # A breaker that never opens, so that every request really reaches the failing upstream.
    config["routing"]["breaker"] = {"failure_threshold": 1_000_000, "cooldown": 1}
    gw = start_gateway(config, tmp_path, env={"FREEHOLD_MAX_BODY_BYTES": str(32 * 1024 * 1024)})
    try:
        big = "x" * (8 * 1024 * 1024)
        body = {"messages": [{"role": "user", "content": big}], "max_tokens": 1}
        with httpx.Client(base_url=gw.base_url, timeout=30) as http:
            for _ in range(3):  # warm up: pools, arenas
                http.post("/chat/completions", json={"model": "down", **body})
            baseline = rss_mib(gw.process.pid)
            for i in range(80):
                alias = "down" if i % 2 == 0 else "flaky"
                resp = http.post("/chat/completions", json={"model": alias, **body})
                assert resp.status_code == (502 if alias == "down" else 200), resp.text[:300]
            grown = rss_mib(gw.process.pid) - baseline
    finally:
        stop_gateway(gw.process)
    # Without the fix: ~3 copies of 8 MB per request kept, over 1 GB. Allow allocator slack.
    assert grown < 150, f"RSS grew by {grown:.0f} MiB over 80 failing large requests"
    assert failing.calls >= 80 + 40  # retries and fallbacks really happened


# --- 5. an outage is a prompt 503, never a long hang or a rate limit ---------------------------------


async def test_an_outage_under_concurrency_answers_promptly_and_names_the_deployment(
    failing: DownMock, tmp_path: Path
) -> None:
    config = {
        "routing": {
            "deadline": 120,
            "retries": {"max_attempts": 2, "base_delay": 0.01, "max_delay": 0.02},
            "breaker": {"failure_threshold": 3, "cooldown": 15},
            "queue": {"max_wait": 30},
        },
        "aliases": {"down": {"deployments": [{"provider": "openai", "model": "m", "api_base": failing.base_url}]}},
    }
    gw = start_gateway(config, tmp_path)
    try:
        async with openai.AsyncOpenAI(base_url=gw.base_url, api_key="k", max_retries=0, timeout=60) as client:

            async def one() -> tuple[float, openai.APIStatusError]:
                started = time.monotonic()
                try:
                    await client.chat.completions.create(model="down", messages=HI)  # type: ignore[arg-type]
                except openai.APIStatusError as exc:
                    return time.monotonic() - started, exc
                raise AssertionError("the outage answered 200")

            results = await asyncio.gather(*(one() for _ in range(10)))
            later_seconds, later = await one()  # the circuit is open now
    finally:
        stop_gateway(gw.process)
    assert max(seconds for seconds, _ in results) < 5, results
    statuses = sorted(exc.status_code for _, exc in results)
    assert 429 not in statuses, statuses
    assert set(statuses) <= {502, 503}, statuses
    assert later.status_code == 503 and later_seconds < 1
    body = later.body
    assert isinstance(body, dict) and body["code"] == "circuit_open"
    assert "down/openai/m" in body["message"] and "tried again in" in body["message"]
    retry_after = int(later.response.headers["retry-after"])
    assert 1 <= retry_after <= 15


# --- 6. over-deep JSON is a 400 at every door ----------------------------------------------------------


def deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/chat/completions", b'{"model": "gpt", "messages": [{"role": "user", "content": "hi"}], "metadata": %s}'),
        ("/v1/chat/completions", b'{"model": "gpt", "messages": [{"role": "user", "content": "hi", "x": %s}]}'),
        ("/v1/embeddings", b'{"model": "embed", "input": "hi", "user_data": %s}'),
        ("/v1/responses", b'{"model": "gpt", "input": "hi", "metadata": {"a": %s}}'),
        ("/v1/messages", b'{"model": "gpt", "max_tokens": 5, "messages": [{"role": "user", "content": [%s]}]}'),
    ],
)
def test_over_deep_json_is_a_400_that_names_the_limit(gateway: Gateway, path: str, body: bytes) -> None:
    headers = {**AUTH, "content-type": "application/json"}
    resp = httpx.post(gateway.url + path, content=body % deep(300), headers=headers, timeout=10)
    assert resp.status_code == 400, resp.text
    text = resp.text
    assert "200 levels" in text and "Traceback" not in text


# --- 7. stored responses are bounded by bytes ------------------------------------------------------------


def test_stored_responses_are_bounded_by_bytes_oldest_first(tmp_path: Path) -> None:
    sim = {"aliases": {"sim": {"deployments": [{"provider": "simulated", "model": "s", "max_tokens": 3}]}}}
    env = {"FREEHOLD_RESPONSES_STORE_BYTES": str(16 * 1024 * 1024), "FREEHOLD_MAX_BODY_BYTES": str(8 * 1024 * 1024)}
    gw = start_gateway(sim, tmp_path, env=env)
    try:
        with httpx.Client(base_url=gw.base_url, timeout=30) as http:
            first = http.post("/responses", json={"model": "sim", "input": "warm up"}).json()["id"]
            baseline = rss_mib(gw.process.pid)
            ids = []
            for i in range(30):
                resp = http.post("/responses", json={"model": "sim", "input": f"{i} " + "x" * (5 * 1024 * 1024)})
                assert resp.status_code == 200, resp.text[:300]
                ids.append(resp.json()["id"])
            grown = rss_mib(gw.process.pid) - baseline
            assert http.get(f"/responses/{first}").status_code == 404  # the oldest went first
            assert http.get(f"/responses/{ids[0]}").status_code == 404
            assert http.get(f"/responses/{ids[-1]}").status_code == 200
            follow = http.post("/responses", json={"model": "sim", "input": "and?", "previous_response_id": ids[-1]})
            assert follow.status_code == 200, follow.text[:300]
    finally:
        stop_gateway(gw.process)
    assert grown < 100, f"RSS grew by {grown:.0f} MiB for 150 MB of responses under a 16 MiB bound"


# --- 9. client values in errors and logs are escaped and clipped -----------------------------------------


def test_a_model_name_cannot_forge_a_log_line_or_echo_megabytes(gateway: Gateway) -> None:
    forged = "nope\r\n2026-12-04 00:00:00,000 WARNING freehold.api: FORGED admin logged in"
    with httpx.Client(base_url=gateway.base_url, headers=AUTH, timeout=30) as http:
        err = error_of(http.post("/chat/completions", json={"model": forged, "messages": HI}), 404)
        assert "\\r\\n" in err["message"]
        huge = http.post("/chat/completions", json={"model": "m" * (15 * 1024 * 1024), "messages": HI})
    # 15 MB is over this gateway's 64 KiB body limit; the echo is clipped whatever the limit.
    assert huge.status_code == 413 and len(huge.content) < 2000
    time.sleep(0.2)
    log = gateway.log()
    assert "\nFORGED" not in log and not any(line.startswith("2026-12-04 00:00:00,000") for line in log.splitlines())
    assert "FORGED admin logged in" in log  # it is there, escaped, on the request's own line


def test_a_long_model_name_is_clipped_in_the_error_and_the_log(tmp_path: Path) -> None:
    gw = start_gateway({"aliases": {"gpt": {"deployments": [{"provider": "simulated", "model": "s"}]}}}, tmp_path)
    try:
        resp = httpx.post(
            gw.base_url + "/chat/completions", json={"model": "m" * (15 * 1024 * 1024), "messages": HI}, timeout=30
        )
        time.sleep(0.2)
        log = gw.log()
    finally:
        stop_gateway(gw.process)
    err = error_of(resp, 404)
    assert len(resp.content) < 2000 and "…" in err["message"]
    assert max(len(line) for line in log.splitlines()) < 10_000


# --- 10. config values that would break every request are refused at load ---------------------------------


def test_check_and_serve_refuse_a_header_or_secret_with_a_line_break(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("sk-line-one\nline-two\n")
    config = {
        "aliases": {
            "a": {
                "deployments": [
                    {
                        "provider": "openai",
                        "model": "m",
                        "api_base": "http://127.0.0.1:9/v1",
                        "api_key": f"file:{secret}",
                        "headers": {"X-Team": "blue\r\nX-Injected: 1"},
                    }
                ]
            }
        }
    }
    (tmp_path / "gateway.yaml").write_text(yaml.safe_dump(config))
    check = subprocess.run(
        [sys.executable, "-m", "freehold", "check", str(tmp_path / "gateway.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 2, check
    assert "aliases.a.deployments[0].headers.X-Team: must be one line" in check.stderr
    assert f"aliases.a.deployments[0].api_key: secret file {secret} holds a line break" in check.stderr
    assert "sk-line-one" not in check.stderr + check.stdout
    with pytest.raises(RuntimeError, match="exited with 2"):
        start_gateway(config, tmp_path)


# --- 11. lesser: keys, redirects, metrics ----------------------------------------------------------------


def test_models_accept_the_anthropic_sdk_s_x_api_key(gateway: Gateway) -> None:
    with anthropic.Anthropic(base_url=gateway.url, api_key=MASTER_KEY, max_retries=0) as claude:
        ids = [m.id for m in claude.models.list()]
    assert "gpt" in ids
    resp = httpx.get(gateway.base_url + "/models", headers={"x-api-key": "wrong"}, timeout=10)
    assert resp.status_code == 401


def test_an_empty_x_api_key_does_not_override_a_correct_bearer(gateway: Gateway) -> None:
    headers = {**AUTH, "x-api-key": ""}
    for path, body in (
        ("/v1/messages", {"model": "sim", "max_tokens": 5, "messages": HI}),
        ("/v1/chat/completions", {"model": "sim", "messages": HI}),
    ):
        resp = httpx.post(gateway.url + path, json=body, headers=headers, timeout=10)
        assert resp.status_code == 200, resp.text
    assert httpx.get(gateway.base_url + "/models", headers=headers, timeout=10).status_code == 200


@pytest.mark.parametrize("path", ["/health/live/", "/v1/models/", "/v1/chat/completions/"])
def test_a_trailing_slash_never_redirects_to_the_host_header(gateway: Gateway, path: str) -> None:
    resp = httpx.get(gateway.url + path, headers={**AUTH, "host": "evil.example"}, timeout=10)
    assert resp.status_code != 307 and "location" not in resp.headers
    assert "evil.example" not in resp.text


def test_metrics_need_the_key_when_one_is_set(gateway: Gateway) -> None:
    assert httpx.get(gateway.url + "/metrics", timeout=10).status_code == 401
    resp = httpx.get(gateway.url + "/metrics", headers=AUTH, timeout=10)
    assert resp.status_code == 200 and "freehold_requests_total" in resp.text
    assert httpx.get(gateway.url + "/health/live", timeout=10).status_code == 200  # probes stay open


def test_metrics_can_be_opened_to_keyless_scrapers(tmp_path: Path) -> None:
    gw = start_gateway(
        {"aliases": {"sim": {"deployments": [{"provider": "simulated", "model": "s"}]}}},
        tmp_path,
        env={"FREEHOLD_MASTER_KEY": MASTER_KEY, "FREEHOLD_METRICS_AUTH": "false"},
    )
    try:
        assert httpx.get(gw.url + "/metrics", timeout=10).status_code == 200
        assert httpx.get(gw.base_url + "/models", timeout=10).status_code == 401
    finally:
        stop_gateway(gw.process)
