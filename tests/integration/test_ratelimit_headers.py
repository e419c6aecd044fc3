"""A vendor's 429 without ``Retry-After`` reaches the client with a ``Retry-After`` read from the
vendor's reset headers (OpenAI's ``x-ratelimit-reset-*``, Azure's ``x-rate-limit-reset-tokens``,
Anthropic's ``anthropic-ratelimit-*-reset``), and with ``retry-after-ms`` honored.

The real gateway (a subprocess) sits in front of a loopback mock that answers each model with a
scripted 429 (the recorded header sets of tests/fixtures/*/ratelimit_429*.json); official SDKs
are the clients. Retries are off (``max_attempts: 1``) so that each test sees the upstream's
verdict, not the retry loop's; every test has its own alias so no deployment's quota state leaks.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest
from aiohttp import web

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MESSAGES = [{"role": "user", "content": "Hello"}]
Reply = tuple[int, dict[str, str], dict[str, Any]]


def recorded(vendor: str, name: str) -> Callable[[], Reply]:
    spec = json.loads((FIXTURES / vendor / name).read_text())
    assert "retry-after" not in {k.lower() for k in spec["headers"]} or name.endswith("_ms.json")
    return lambda: (spec["status"], spec["headers"], spec["body"])


def anthropic_requests_exhausted() -> Reply:
    """Anthropic's 429 on the request limit, its reset 30 s from the moment it is sent."""
    reset = (datetime.now(UTC) + timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    headers = {
        "request-id": "req_011CSLsW7mFqvHHnzrKdKjAE",
        "anthropic-ratelimit-requests-limit": "50",
        "anthropic-ratelimit-requests-remaining": "0",
        "anthropic-ratelimit-requests-reset": reset,
        "anthropic-ratelimit-tokens-limit": "48000",
        "anthropic-ratelimit-tokens-remaining": "40000",
        "anthropic-ratelimit-tokens-reset": reset,
    }
    body = {
        "type": "error",
        "error": {"type": "rate_limit_error", "message": "Number of requests has exceeded your rate limit."},
    }
    return 429, headers, body


def retry_after_ms_only() -> Reply:
    status, headers, body = recorded("openai", "ratelimit_429_retry_after_ms.json")()
    return status, {k: v for k, v in headers.items() if k != "retry-after"} | {"retry-after-ms": "3000"}, body


SCRIPTS: dict[str, Callable[[], Reply]] = {
    "oai-requests-429": recorded("openai", "ratelimit_429_requests.json"),
    "oai-tokens-429": recorded("openai", "ratelimit_429_tokens.json"),
    "oai-ms-429": retry_after_ms_only,
    "az-tokens-429": recorded("azure", "ratelimit_429_reset_tokens.json"),
    "claude-requests-429": anthropic_requests_exhausted,
}


class ScriptedUpstream:
    """Answers every POST by the body's ``model`` from ``SCRIPTS``; counts what reached it."""

    def __init__(self) -> None:
        self.port = 0
        self.seen: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        self._loop.run_forever()
        self._loop.close()

    def start(self) -> ScriptedUpstream:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._answer)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _answer(self, request: web.Request) -> web.Response:
        model = (await request.json())["model"]
        self.seen.append(model)
        status, headers, body = SCRIPTS[model]()
        drop = {"content-length", "content-type", "date"}
        return web.json_response(
            body, status=status, headers={k: v for k, v in headers.items() if k.lower() not in drop}
        )

    def stop(self) -> None:
        assert self._runner is not None
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def upstream() -> Iterator[ScriptedUpstream]:
    mock = ScriptedUpstream().start()
    yield mock
    mock.stop()


def one(deployment: dict[str, Any]) -> dict[str, Any]:
    return {"deployments": [deployment]}


@pytest.fixture(scope="module")
def gw(upstream: ScriptedUpstream, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    def oai(model: str) -> dict[str, Any]:
        return {"provider": "openai", "model": model, "api_base": upstream.url + "/v1", "api_key": "env:UP_KEY"}

    azure = {"provider": "azure", "model": "az-tokens-429", "api_base": upstream.url, "api_key": "env:UP_KEY"}
    claude = {
        "provider": "anthropic",
        "model": "claude-requests-429",
        "api_base": upstream.url,
        "api_key": "env:UP_KEY",
    }
    config = {
        "routing": {"retries": {"max_attempts": 1}},
        "aliases": {
            "oai-requests": one(oai("oai-requests-429")),
            "oai-requests-stream": one(oai("oai-requests-429")),
            "oai-requests-messages": one(oai("oai-requests-429")),
            "oai-tokens": one(oai("oai-tokens-429")),
            "oai-ms": one(oai("oai-ms-429")),
            "azure": one(azure),
            "claude": one(claude),
        },
    }
    gateway = start_gateway(
        config,
        tmp_path_factory.mktemp("ratelimit"),
        env={"UP_KEY": "sk-up-ratelimit-test", "FREEHOLD_MASTER_KEY": MASTER_KEY},
    )
    yield gateway
    stop_gateway(gateway.process)
    assert "Traceback" not in gateway.log()


@pytest.fixture
def client(gw: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


def rate_limited(client: openai.OpenAI, alias: str, stream: bool = False) -> openai.RateLimitError:
    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(model=alias, messages=MESSAGES, stream=stream)  # type: ignore[call-overload]
    return caught.value


@pytest.mark.parametrize(
    ("alias", "model", "seconds"),
    [
        ("oai-requests", "oai-requests-429", "20"),  # remaining-requests 0, reset-requests 19.68s
        ("oai-tokens", "oai-tokens-429", "90"),  # "type": "tokens", reset-tokens 1m30s (requests reset in 120ms)
        ("oai-ms", "oai-ms-429", "3"),  # retry-after-ms 3000 alone (read as seconds it would be 3000)
        ("azure", "az-tokens-429", "55"),  # Azure's x-rate-limit-reset-tokens: 55
    ],
)
def test_openai_style_429_gets_retry_after_from_reset_headers(
    client: openai.OpenAI, upstream: ScriptedUpstream, alias: str, model: str, seconds: str
) -> None:
    before = upstream.seen.count(model)
    err = rate_limited(client, alias)
    assert err.status_code == 429
    assert err.response.headers["retry-after"] == seconds
    assert upstream.seen.count(model) == before + 1  # one attempt: the wait is the upstream's, not a retry's


def test_stream_429_gets_retry_after_before_the_stream_opens(client: openai.OpenAI) -> None:
    err = rate_limited(client, "oai-requests-stream", stream=True)
    assert err.response.headers["retry-after"] == "20"


def test_anthropic_reset_timestamp_becomes_retry_after(client: openai.OpenAI) -> None:
    err = rate_limited(client, "claude")
    assert err.response.headers["retry-after"] in ("29", "30")  # reset sent 30 s ahead, whole seconds


def test_anthropic_front_door_gets_the_same_retry_after(gw: Gateway) -> None:
    with anthropic.Anthropic(base_url=gw.url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        with pytest.raises(anthropic.RateLimitError) as caught:
            c.messages.create(
                model="oai-requests-messages", max_tokens=16, messages=[{"role": "user", "content": "Hi"}]
            )
    assert caught.value.response.headers["retry-after"] == "20"
