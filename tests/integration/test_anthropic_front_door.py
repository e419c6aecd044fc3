"""Anthropic's front door: the official ``anthropic`` SDK → Freehold → an OpenAI upstream or the simulated one.

Every answer is parsed by the SDK's own types; its stream accumulator fails on events out of order.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import anthropic
import httpx
import pytest
from aiohttp import web

from freehold.api.anthropic_routes import CountTokensEndpoint
from freehold.api.app_context import ApiContext
from freehold.api.auth import MasterKeyAuthenticator
from freehold.config.routing import BreakerPolicy, RoutingDefaults
from freehold.context import RequestContext
from freehold.gateway import Gateway as CoreGateway
from freehold.providers.base import Capabilities, Completion, StreamResponse
from freehold.routing.events import NullObserver
from freehold.routing.resilience import Engine
from freehold.routing.router import Candidate, Router
from freehold.schemas.chat import ChatRequest
from freehold.stores.breakers import MemoryBreakers
from freehold.stores.quota import QuotaTracker
from freehold.transport.sse import SSEDecoder
from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway
from tests.integration.mock_openai import EXPECTED_KEY, MockOpenAI

WEATHER = {
    "name": "get_weather",
    "description": "Current weather in a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
HELLO = [{"role": "user", "content": "Say hello."}]
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16).decode()
ORDER = ["message_start", "content_block_start", "ping", "content_block_delta", "content_block_stop", "message_delta"]


class ReasoningMock(MockOpenAI):
    """The OpenAI mock plus two upstream behaviours OpenAI itself lacks, chosen by model name.

    ``reasoner`` answers with ``reasoning_content`` (DeepSeek's and vLLM's field), cached and
    reasoning token counts; ``vllm-stop`` reports the matched stop string as vLLM does.
    """

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        peek = json.loads(await request.read())
        if peek.get("model") not in ("reasoner", "vllm-stop"):
            return await super()._chat(request)
        body, failure = await self._record(request)
        if failure is not None:
            return failure
        assert body is not None
        usage = {
            "prompt_tokens": 1100,
            "completion_tokens": 30,
            "total_tokens": 1130,
            "prompt_tokens_details": {"cached_tokens": 1024},
            "completion_tokens_details": {"reasoning_tokens": 20},
        }
        base = {"id": "chatcmpl-r", "created": int(time.time()), "model": body["model"], "system_fingerprint": None}
        stop_reason = "END" if body["model"] == "vllm-stop" else None
        if not body.get("stream"):
            message = {"role": "assistant", "content": "Blue.", "reasoning_content": "Sky scatters short waves."}
            choice = {
                "index": 0,
                "message": message,
                "finish_reason": "stop",
                "logprobs": None,
                "stop_reason": stop_reason,
            }
            return web.json_response({**base, "object": "chat.completion", "choices": [choice], "usage": usage})
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        chunk = {**base, "object": "chat.completion.chunk", "usage": None}
        deltas: list[tuple[dict[str, Any], str | None]] = [
            ({"role": "assistant", "content": ""}, None),
            ({"reasoning_content": "Sky scatters "}, None),
            ({"reasoning_content": "short waves."}, None),
            ({"content": "Bl"}, None),
            ({"content": "ue."}, None),
            ({}, "stop"),
        ]
        for delta, finish in deltas:
            choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None, "stop_reason": None}
            if finish:
                choice["stop_reason"] = stop_reason
            await resp.write(b"data: " + json.dumps({**chunk, "choices": [choice]}).encode() + b"\n\n")
        await resp.write(b"data: " + json.dumps({**chunk, "choices": [], "usage": usage}).encode() + b"\n\n")
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp


def _openai(mock: MockOpenAI, model: str) -> dict[str, Any]:
    return {
        "deployments": [{"provider": "openai", "model": model, "api_base": mock.base_url, "api_key": "env:MOCK_KEY"}]
    }


def _sim(**extra: Any) -> dict[str, Any]:
    return {
        "deployments": [{"provider": "simulated", "model": "sim-1", "ttft_ms": 1, "tokens_per_second": 5000, **extra}]
    }


@dataclass
class Door:
    gateway: Gateway
    mock: ReasoningMock


@pytest.fixture(scope="module")
def door(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Door]:
    mock = ReasoningMock().start()
    aliases = {
        "claude": _openai(mock, "gpt-4o-mini"),
        "reasoner": _openai(mock, "reasoner"),
        "vllm": _openai(mock, "vllm-stop"),
        "sim": _sim(),
        "sim-cut": _sim(faults=[{"kind": "stream_cut", "every": 1, "after_tokens": 2}]),
        "sim-429": _sim(faults=[{"kind": "rate_limit", "every": 1, "retry_after": 7}]),
    }
    for model in ("error-401", "error-429", "error-503", "error-context", "error-404", "cut-stream", "slow-stream"):
        aliases[model] = _openai(mock, model)
    gw = start_gateway(
        {"aliases": aliases},
        tmp_path_factory.mktemp("anthropic-door"),
        env={"MOCK_KEY": EXPECTED_KEY, "FREEHOLD_MASTER_KEY": MASTER_KEY},
    )
    yield Door(gw, mock)
    stop_gateway(gw.process)
    mock.stop()
    log = gw.log()
    assert MASTER_KEY not in log and EXPECTED_KEY not in log
    assert "Traceback" not in log


@pytest.fixture
def client(door: Door) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=door.gateway.url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


@pytest.fixture
async def aclient(door: Door) -> AsyncIterator[anthropic.AsyncAnthropic]:
    async with anthropic.AsyncAnthropic(base_url=door.gateway.url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


def raw_events(door: Door, body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The SSE events exactly as sent (the SDK hides pings)."""
    resp = httpx.post(door.gateway.url + "/v1/messages", json=body, headers={"x-api-key": MASTER_KEY}, timeout=10)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/event-stream")
    decoder = SSEDecoder()
    events = decoder.feed(resp.content) + decoder.flush()
    return [(e.event, e.json()) for e in events]


def dedupe(names: list[str]) -> list[str]:
    return [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]


# --- whole answers ------------------------------------------------------------------------------


def test_create_reaches_the_upstream_translated(client: anthropic.Anthropic, door: Door) -> None:
    raw = client.messages.with_raw_response.create(
        model="claude",
        max_tokens=300,
        system=[{"type": "text", "text": "Be brief."}],
        messages=HELLO,
        stop_sequences=["\n\nHuman:"],
        metadata={"user_id": "u-42"},
        extra_body={"temperature": 0.3},
    )
    message = raw.parse()
    assert isinstance(message, anthropic.types.Message)
    assert message.id.startswith("msg_") and message.type == "message" and message.role == "assistant"
    assert [b.type for b in message.content] == ["text"]
    assert message.content[0].text == "Hello from the mock upstream."  # type: ignore[union-attr]
    assert message.stop_reason == "end_turn" and message.stop_sequence is None
    assert (message.usage.input_tokens, message.usage.output_tokens) == (9, 6)
    assert message.usage.cache_read_input_tokens == 0
    assert raw.headers["request-id"] == raw.headers["x-request-id"]
    assert message._request_id == raw.headers["request-id"]
    assert raw.headers["x-freehold-deployment"] == "claude/openai/gpt-4o-mini"
    sent = door.mock.last()
    assert sent.headers["Authorization"] == f"Bearer {EXPECTED_KEY}"
    assert sent.body == {
        "model": "gpt-4o-mini",
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello."}],
        "max_completion_tokens": 300,
        "stop": ["\n\nHuman:"],
        "user": "u-42",
        "temperature": 0.3,
    }


async def test_async_create(aclient: anthropic.AsyncAnthropic) -> None:
    message = await aclient.messages.create(model="sim", max_tokens=10, messages=HELLO)
    assert message.content[0].type == "text" and message.content[0].text
    assert message.stop_reason == "max_tokens"  # the simulated model would say more than 10 tokens
    assert message.usage.output_tokens == 10


def test_api_key_headers(door: Door) -> None:
    url = door.gateway.url + "/v1/messages"
    body = {"model": "sim", "max_tokens": 5, "messages": HELLO}
    assert httpx.post(url, json=body, headers={"x-api-key": MASTER_KEY}).status_code == 200
    assert httpx.post(url, json=body, headers={"Authorization": f"Bearer {MASTER_KEY}"}).status_code == 200
    # the SDK configured to send only x-api-key, as older SDKs and most Anthropic clients do
    with anthropic.Anthropic(
        base_url=door.gateway.url, auth_token=None, default_headers={"X-Api-Key": MASTER_KEY}, max_retries=0
    ) as c:
        assert c.messages.create(model="sim", max_tokens=5, messages=HELLO).content


# --- streams ------------------------------------------------------------------------------------


def test_raw_events_in_anthropic_order(door: Door) -> None:
    events = raw_events(door, {"model": "claude", "max_tokens": 50, "messages": HELLO, "stream": True})
    names = [name for name, _ in events]
    assert dedupe(names) == [*ORDER, "message_stop"]
    assert all(name == payload["type"] for name, payload in events)
    start = events[0][1]["message"]
    assert start["content"] == [] and start["stop_reason"] is None and start["usage"]["input_tokens"] > 0
    delta = events[-2][1]
    assert delta["delta"] == {"stop_reason": "end_turn", "stop_sequence": None}
    assert delta["usage"]["output_tokens"] == 6 and delta["usage"]["input_tokens"] == 9
    # the upstream was asked for usage so that message_delta could report it
    assert door.mock.last().body["stream_options"] == {"include_usage": True}


def test_sdk_raw_stream(client: anthropic.Anthropic) -> None:
    stream = client.messages.create(model="claude", max_tokens=50, messages=HELLO, stream=True)
    events = list(stream)
    assert dedupe([e.type for e in events]) == [t for t in ORDER if t != "ping"] + ["message_stop"]
    text = "".join(e.delta.text for e in events if e.type == "content_block_delta" and e.delta.type == "text_delta")
    assert text == "Hello from the mock upstream."


def test_stream_helper_matches_create(client: anthropic.Anthropic) -> None:
    whole = client.messages.create(model="sim", max_tokens=30, messages=HELLO)
    with client.messages.stream(model="sim", max_tokens=30, messages=HELLO) as stream:
        pieces = list(stream.text_stream)
        final = stream.get_final_message()
    assert "".join(pieces) == final.content[0].text == whole.content[0].text  # type: ignore[union-attr]
    assert final.stop_reason == whole.stop_reason == "max_tokens"
    assert final.usage.output_tokens == whole.usage.output_tokens == 30
    assert final.usage.input_tokens == whole.usage.input_tokens


async def test_async_stream_helper(aclient: anthropic.AsyncAnthropic) -> None:
    async with aclient.messages.stream(model="claude", max_tokens=50, messages=HELLO) as stream:
        final = await stream.get_final_message()
    assert final.content[0].text == "Hello from the mock upstream."  # type: ignore[union-attr]
    assert final.usage.output_tokens == 6 and final.stop_reason == "end_turn"


# --- tools --------------------------------------------------------------------------------------


def test_tool_round_trip(client: anthropic.Anthropic, door: Door) -> None:
    ask = [{"role": "user", "content": "Weather in Paris?"}]
    first = client.messages.create(
        model="claude",
        max_tokens=100,
        messages=ask,
        tools=[WEATHER],
        tool_choice={"type": "auto", "disable_parallel_tool_use": True},
    )
    assert first.stop_reason == "tool_use"
    use = first.content[-1]
    assert use.type == "tool_use" and use.name == "get_weather" and use.input == {"city": "Paris"}
    sent = door.mock.last().body
    assert sent["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "parameters": WEATHER["input_schema"],
                "description": WEATHER["description"],
            },
        }
    ]
    assert sent["tool_choice"] == "auto" and sent["parallel_tool_calls"] is False

    follow_up = [
        *ask,
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "15 C, light rain"}]},
    ]
    second = client.messages.create(model="claude", max_tokens=100, messages=follow_up)
    assert second.content[0].type == "text"
    sent = door.mock.last().body["messages"]
    assert sent[1]["role"] == "assistant"
    assert sent[1]["tool_calls"] == [
        {"id": use.id, "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}}
    ]
    assert sent[2] == {"role": "tool", "tool_call_id": use.id, "content": "15 C, light rain"}


def test_tool_stream(client: anthropic.Anthropic, door: Door) -> None:
    with client.messages.stream(
        model="claude", max_tokens=100, messages=HELLO, tools=[WEATHER], tool_choice={"type": "any"}
    ) as stream:
        kinds = [e.type for e in stream]
        final = stream.get_final_message()
    assert "input_json" in kinds  # the helper's own event for each input_json_delta
    assert final.stop_reason == "tool_use"
    assert [(b.type, b.input) for b in final.content] == [("tool_use", {"city": "Paris"})]  # type: ignore[union-attr]
    assert door.mock.last().body["tool_choice"] == "required"


def test_forced_tool_on_the_simulated_provider(client: anthropic.Anthropic) -> None:
    other = {"name": "get_time", "input_schema": {"type": "object", "properties": {"zone": {"type": "string"}}}}
    message = client.messages.create(
        model="sim",
        max_tokens=100,
        messages=HELLO,
        tools=[other, WEATHER],
        tool_choice={"type": "tool", "name": "get_weather"},
    )
    assert message.stop_reason == "tool_use"
    assert [(b.type, b.name, b.input) for b in message.content] == [("tool_use", "get_weather", {"city": "example"})]  # type: ignore[union-attr]


# --- images, reasoning, stop sequences -------------------------------------------------------------


def test_images(client: anthropic.Anthropic, door: Door) -> None:
    client.messages.create(
        model="claude",
        max_tokens=50,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
                    {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
                    {"type": "text", "text": "What are these?"},
                ],
            }
        ],
    )
    assert door.mock.last().body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
                {"type": "text", "text": "What are these?"},
            ],
        }
    ]


def test_thinking_reaches_the_upstream_and_comes_back(client: anthropic.Anthropic, door: Door) -> None:
    thinking: Any = {"type": "enabled", "budget_tokens": 8000}
    message = client.messages.create(model="reasoner", max_tokens=16000, messages=HELLO, thinking=thinking)
    assert door.mock.last().body["reasoning_effort"] == "medium"
    assert [b.type for b in message.content] == ["thinking", "text"]
    assert message.content[0].thinking == "Sky scatters short waves."  # type: ignore[union-attr]
    assert message.content[1].text == "Blue."  # type: ignore[union-attr]
    assert message.usage.input_tokens == 1100 - 1024 and message.usage.cache_read_input_tokens == 1024
    assert message.usage.output_tokens_details is not None
    assert message.usage.output_tokens_details.thinking_tokens == 20

    with client.messages.stream(model="reasoner", max_tokens=16000, messages=HELLO, thinking=thinking) as stream:
        kinds = [e.type for e in stream]
        final = stream.get_final_message()
    assert "thinking" in kinds and "text" in kinds
    assert final.to_dict(exclude_none=True) == {**message.to_dict(exclude_none=True), "id": final.id}


def test_matched_stop_sequence(client: anthropic.Anthropic) -> None:
    message = client.messages.create(model="vllm", max_tokens=50, messages=HELLO, stop_sequences=["END"])
    assert (message.stop_reason, message.stop_sequence) == ("stop_sequence", "END")
    with client.messages.stream(model="vllm", max_tokens=50, messages=HELLO, stop_sequences=["END"]) as stream:
        final = stream.get_final_message()
    assert (final.stop_reason, final.stop_sequence) == ("stop_sequence", "END")


# --- count_tokens ---------------------------------------------------------------------------------


def test_count_tokens_estimates_without_a_token_counter(client: anthropic.Anthropic) -> None:
    raw = client.messages.with_raw_response.count_tokens(
        model="claude", system="Be brief.", messages=[{"role": "user", "content": "word " * 200}], tools=[WEATHER]
    )
    assert raw.headers["x-freehold-token-count"] == "estimate"
    assert 200 < raw.parse().input_tokens < 400


class CountingProvider:
    """A deployment whose vendor counts tokens exactly (like Anthropic's)."""

    name = "counting"
    capabilities = Capabilities()

    def __init__(self) -> None:
        self.seen: list[ChatRequest] = []

    async def chat(self, ctx: RequestContext, request: ChatRequest) -> Completion:
        raise AssertionError("count_tokens must not generate")

    async def chat_stream(self, ctx: RequestContext, request: ChatRequest) -> StreamResponse:
        raise AssertionError("count_tokens must not generate")

    async def count_tokens(self, ctx: RequestContext, request: ChatRequest) -> int:
        self.seen.append(request)
        return 1234


async def test_count_tokens_asks_a_token_counter() -> None:
    provider = CountingProvider()
    router = Router({"counted": [Candidate(provider, 1.0)]})
    engine = Engine(router, RoutingDefaults(), MemoryBreakers(BreakerPolicy()), QuotaTracker({}), NullObserver())
    core = CoreGateway(router, engine)
    auth = MasterKeyAuthenticator(MASTER_KEY.encode())
    ctx = ApiContext(gateway=core, auth=auth, max_body_bytes=1 << 20, started=0)
    transport = httpx.ASGITransport(app=CountTokensEndpoint(ctx))
    async with httpx.AsyncClient(transport=transport, base_url="http://door") as http:
        body = {"model": "counted", "system": "Be brief.", "messages": HELLO}
        resp = await http.post("/v1/messages/count_tokens", json=body, headers={"x-api-key": MASTER_KEY})
        assert resp.status_code == 200, resp.text
        assert resp.json() == {"input_tokens": 1234}
        assert resp.headers["x-freehold-token-count"] == "exact"
        assert provider.seen[0].body["messages"][0] == {"role": "system", "content": "Be brief."}
        missing = await http.post(
            "/v1/messages/count_tokens", json={**body, "model": "nope"}, headers={"x-api-key": MASTER_KEY}
        )
        assert missing.status_code == 404 and missing.json()["error"]["type"] == "not_found_error"


# --- errors ---------------------------------------------------------------------------------------


def _check_error(exc: anthropic.APIStatusError, status: int, kind: str) -> dict[str, Any]:
    assert exc.status_code == status
    assert isinstance(exc.body, dict) and exc.body["type"] == "error"
    assert exc.body["error"]["type"] == kind and exc.body["error"]["message"]
    assert exc.request_id and exc.body["request_id"] == exc.request_id
    assert exc.response.headers["x-request-id"] == exc.request_id
    return exc.body["error"]


def test_wrong_and_missing_key(door: Door) -> None:
    with anthropic.Anthropic(base_url=door.gateway.url, api_key="wrong", max_retries=0) as c:
        with pytest.raises(anthropic.AuthenticationError) as err:
            c.messages.create(model="sim", max_tokens=5, messages=HELLO)
    _check_error(err.value, 401, "authentication_error")
    resp = httpx.post(door.gateway.url + "/v1/messages", json={"model": "sim", "max_tokens": 5, "messages": HELLO})
    assert resp.status_code == 401 and "x-api-key" in resp.json()["error"]["message"]


def test_unknown_alias(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.NotFoundError) as err:
        client.messages.create(model="nope", max_tokens=5, messages=HELLO)
    assert "nope" in _check_error(err.value, 404, "not_found_error")["message"]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"model": "sim", "messages": HELLO}, "'max_tokens'"),
        ({"max_tokens": 5, "messages": HELLO}, "'model'"),
        ({"model": "sim", "max_tokens": 5}, "'messages'"),
        ({"model": "sim", "max_tokens": 5, "messages": [{"role": "user", "content": 5}]}, "'messages[0].content'"),
        (
            {"model": "sim", "max_tokens": 5, "messages": HELLO, "thinking": {"type": "enabled", "budget_tokens": 10}},
            "budget",
        ),
    ],
)
def test_invalid_requests(client: anthropic.Anthropic, body: dict[str, Any], says: str) -> None:
    with pytest.raises(anthropic.BadRequestError) as err:
        client.post("/v1/messages", cast_to=anthropic.types.Message, body=body)
    assert says in _check_error(err.value, 400, "invalid_request_error")["message"]


def test_not_json(door: Door) -> None:
    resp = httpx.post(door.gateway.url + "/v1/messages", content=b"{nope", headers={"x-api-key": MASTER_KEY})
    assert resp.status_code == 400
    assert resp.json()["error"] == {"type": "invalid_request_error", "message": resp.json()["error"]["message"]}
    assert resp.headers["request-id"] == resp.json()["request_id"]


@pytest.mark.parametrize(
    ("model", "error", "status", "kind"),
    [
        ("error-429", anthropic.RateLimitError, 429, "rate_limit_error"),
        ("sim-429", anthropic.RateLimitError, 429, "rate_limit_error"),
        ("error-503", anthropic.OverloadedError, 529, "overloaded_error"),
        ("error-context", anthropic.BadRequestError, 400, "invalid_request_error"),
        ("error-404", anthropic.NotFoundError, 404, "not_found_error"),
        # the upstream refused the gateway's credential, not the client's: a gateway-side failure
        ("error-401", anthropic.InternalServerError, 502, "api_error"),
    ],
)
def test_upstream_errors(
    client: anthropic.Anthropic, model: str, error: type[anthropic.APIStatusError], status: int, kind: str
) -> None:
    with pytest.raises(error) as err:
        client.messages.create(model=model, max_tokens=5, messages=HELLO)
    found = _check_error(err.value, status, kind)
    assert "sk-upstr" not in found["message"]
    if model == "error-429":
        assert err.value.response.headers["retry-after"] == "20"
    if model == "sim-429":
        assert err.value.response.headers["retry-after"] == "7"


@pytest.mark.parametrize("model", ["cut-stream", "sim-cut"])
def test_failure_mid_stream_is_an_error_event(client: anthropic.Anthropic, door: Door, model: str) -> None:
    received = []
    with pytest.raises(anthropic.APIStatusError) as err:
        for event in client.messages.create(model=model, max_tokens=50, messages=HELLO, stream=True):
            received.append(event.type)
    assert received[0] == "message_start" and "message_stop" not in received
    assert isinstance(err.value.body, dict) and err.value.body["type"] == "error"
    assert err.value.body["error"]["type"] == "api_error"
    events = raw_events(door, {"model": model, "max_tokens": 50, "messages": HELLO, "stream": True})
    assert events[-1][0] == "error" and "message_stop" not in [name for name, _ in events]


def test_client_leaving_mid_stream_closes_the_upstream(door: Door) -> None:
    before = len(door.mock.disconnects)
    body = {"model": "slow-stream", "max_tokens": 50, "messages": HELLO, "stream": True}
    with (
        httpx.Client(timeout=10) as http,
        http.stream("POST", door.gateway.url + "/v1/messages", headers={"x-api-key": MASTER_KEY}, json=body) as resp,
    ):
        lines = resp.iter_lines()
        assert next(lines) == "event: message_start"
        left_at = time.monotonic()
    # the upstream would stream for 20 s; the gateway must drop it as soon as the client is gone
    deadline = time.monotonic() + 3
    while len(door.mock.disconnects) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(door.mock.disconnects) == before + 1
    assert door.mock.disconnects[-1] - left_at < 1.5
