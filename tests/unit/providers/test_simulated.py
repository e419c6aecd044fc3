"""The simulated provider, called directly (no HTTP): wire format, determinism, usage, faults."""

from __future__ import annotations

import asyncio
import base64
import math
import struct
import time
from typing import Any

import orjson
import pytest

from freehold.context import RequestContext
from freehold.errors import (
    ProviderConnectError,
    ProviderError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderResponseInvalid,
    ProviderTimeout,
    ProviderUnavailable,
)
from freehold.providers.simulated import SimulatedDeployment, SimulatedProvider, count_tokens, generate_words
from freehold.schemas.chat import parse_chat, parse_embeddings

CTX = RequestContext("internal", "chat")

FAST = {"ttft_ms": 0, "tokens_per_second": 1_000_000}
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "days": {"type": "integer"}, "metric": {"type": "boolean"}},
            "required": ["city", "days", "metric"],
        },
    },
}


def provider(name: str = "sim", **config: Any) -> SimulatedProvider:
    cfg = SimulatedDeployment.model_validate({"provider": "simulated", "model": "sim-model", **FAST, **config})
    return SimulatedProvider(name, cfg)


def body(prompt: str = "Tell me about gateways", **fields: Any) -> dict[str, Any]:
    return {"model": "alias", "messages": [{"role": "user", "content": prompt}], **fields}


async def complete(p: SimulatedProvider, b: dict[str, Any]) -> dict[str, Any]:
    result = await p.chat(CTX, parse_chat(orjson.dumps(b)))
    data: dict[str, Any] = orjson.loads(result.body)
    return data


async def raw_events(p: SimulatedProvider, b: dict[str, Any]) -> list[bytes]:
    stream = await p.chat_stream(CTX, parse_chat(orjson.dumps({**b, "stream": True})))
    return [piece async for piece in stream.events]


def decode(events: list[bytes]) -> list[dict[str, Any]]:
    assert events[-1] == b"data: [DONE]\n\n"
    out = []
    for event in events[:-1]:
        assert event.startswith(b"data: ") and event.endswith(b"\n\n"), event
        assert b"\n\n" not in event[:-2]
        out.append(orjson.loads(event[6:-2]))
    return out


async def stream(p: SimulatedProvider, b: dict[str, Any]) -> list[dict[str, Any]]:
    return decode(await raw_events(p, b))


def text_of(chunks: list[dict[str, Any]], index: int = 0) -> str:
    return "".join(
        c["choices"][0]["delta"].get("content") or ""
        for c in chunks
        if c["choices"] and c["choices"][0]["index"] == index
    )


# --- whole answers ------------------------------------------------------------------------


async def test_completion_shape() -> None:
    out = await complete(provider(), body())
    assert out["object"] == "chat.completion"
    assert out["id"].startswith("chatcmpl-")
    assert out["model"] == "sim-model"
    (choice,) = out["choices"]
    assert choice["index"] == 0
    assert choice["finish_reason"] == "stop"
    assert choice["message"]["role"] == "assistant"
    assert isinstance(choice["message"]["content"], str) and choice["message"]["content"]
    usage = out["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["completion_tokens"] == 48  # the default answer length, one token per word
    assert len(choice["message"]["content"].split()) == 48


async def test_same_seed_and_prompt_same_answer() -> None:
    a = await complete(provider(seed=3), body())
    b = await complete(provider(seed=3), body())
    assert a["choices"][0]["message"]["content"] == b["choices"][0]["message"]["content"]
    assert a["id"] != b["id"]


async def test_different_seed_or_prompt_different_answer() -> None:
    base = (await complete(provider(seed=3), body()))["choices"][0]["message"]["content"]
    other_seed = (await complete(provider(seed=4), body()))["choices"][0]["message"]["content"]
    other_prompt = (await complete(provider(seed=3), body("Something else")))["choices"][0]["message"]["content"]
    request_seed = (await complete(provider(seed=3), body(seed=11)))["choices"][0]["message"]["content"]
    assert len({base, other_seed, other_prompt, request_seed}) == 4


def test_generate_words_is_a_pure_function() -> None:
    assert generate_words(1, "p", 10) == generate_words(1, "p", 10)
    assert generate_words(1, "p", 10) != generate_words(2, "p", 10)
    assert generate_words(1, "p", 5) == generate_words(1, "p", 10)[:5]


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
async def test_max_tokens_gives_length(field: str) -> None:
    out = await complete(provider(), body(**{field: 5}))
    choice = out["choices"][0]
    assert choice["finish_reason"] == "length"
    assert len(choice["message"]["content"].split()) == 5
    assert out["usage"]["completion_tokens"] == 5


async def test_max_tokens_above_natural_length_stops() -> None:
    out = await complete(provider(max_tokens=10), body(max_tokens=100))
    assert out["choices"][0]["finish_reason"] == "stop"
    assert out["usage"]["completion_tokens"] == 10


async def test_n_choices() -> None:
    out = await complete(provider(), body(n=3, max_tokens=6))
    assert [c["index"] for c in out["choices"]] == [0, 1, 2]
    texts = [c["message"]["content"] for c in out["choices"]]
    assert len(set(texts)) == 3
    assert out["usage"]["completion_tokens"] == 18


async def test_json_mode_answers_json() -> None:
    out = await complete(provider(), body(response_format={"type": "json_object"}, max_tokens=4))
    content = out["choices"][0]["message"]["content"]
    assert len(orjson.loads(content)["answer"].split()) == 4
    assert out["usage"]["completion_tokens"] <= 4


async def test_prompt_tokens_grow_with_the_prompt() -> None:
    short = await complete(provider(), body("hi"))
    long = await complete(provider(), body("hi " * 200))
    assert long["usage"]["prompt_tokens"] > short["usage"]["prompt_tokens"] + 150


def test_count_tokens() -> None:
    assert count_tokens("") == 0
    assert count_tokens("a b c") == 3
    assert count_tokens("x" * 40) == 10


async def test_tool_call_whole() -> None:
    out = await complete(provider(), body(tools=[WEATHER_TOOL]))
    choice = out["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] is None
    (call,) = choice["message"]["tool_calls"]
    assert call["type"] == "function"
    assert call["id"].startswith("call_")
    assert call["function"]["name"] == "get_weather"
    assert orjson.loads(call["function"]["arguments"]) == {"city": "example", "days": 1, "metric": True}


async def test_no_tool_call_after_tool_result_or_with_none() -> None:
    after = body(tools=[WEATHER_TOOL])
    after["messages"] += [
        {"role": "assistant", "content": None, "tool_calls": []},
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
    ]
    for b in (after, body(tools=[WEATHER_TOOL], tool_choice="none")):
        choice = (await complete(provider(), b))["choices"][0]
        assert "tool_calls" not in choice["message"]
        assert choice["finish_reason"] == "stop"


async def test_forced_tool_choice() -> None:
    other = {"type": "function", "function": {"name": "other", "parameters": {"type": "object"}}}
    b = body(tools=[other, WEATHER_TOOL], tool_choice={"type": "function", "function": {"name": "get_weather"}})
    choice = (await complete(provider(), b))["choices"][0]
    assert choice["message"]["tool_calls"][0]["function"]["name"] == "get_weather"


# --- streams ------------------------------------------------------------------------------


async def test_stream_framing_and_text() -> None:
    p = provider(seed=5)
    events = await raw_events(p, body())
    chunks = decode(events)
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["choices"][0]["delta"] == {}
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks[:-1])
    assert all("usage" not in c for c in chunks)
    whole = await complete(provider(seed=5), body())
    assert text_of(chunks) == whole["choices"][0]["message"]["content"]


async def test_stream_include_usage() -> None:
    b = body(stream_options={"include_usage": True})
    chunks = await stream(provider(), b)
    *content, final = chunks
    assert final["choices"] == []
    assert final["usage"]["completion_tokens"] == 48
    assert all("usage" in c and c["usage"] is None for c in content)


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"max_tokens": 7},
        {"n": 2, "max_tokens": 5},
        {"response_format": {"type": "json_object"}},
        {"response_format": {"type": "json_object"}, "max_tokens": 3},
        {"tools": [WEATHER_TOOL]},
        {"tools": [WEATHER_TOOL], "n": 2},
    ],
)
async def test_usage_same_for_stream_and_whole(extra: dict[str, Any]) -> None:
    b = body(**extra)
    whole = (await complete(provider(), b))["usage"]
    chunks = await stream(provider(), {**b, "stream_options": {"include_usage": True}})
    assert chunks[-1]["usage"] == whole


async def test_stream_json_mode_concatenates_to_the_whole_answer() -> None:
    b = body(response_format={"type": "json_object"})
    whole = (await complete(provider(), b))["choices"][0]["message"]["content"]
    streamed = text_of(await stream(provider(), b))
    assert streamed == whole
    orjson.loads(streamed)


async def test_stream_n_choices() -> None:
    chunks = await stream(provider(), body(n=2, max_tokens=4))
    finishes = [c["choices"][0] for c in chunks if c["choices"][0]["finish_reason"]]
    assert [(f["index"], f["finish_reason"]) for f in finishes] == [(0, "length"), (1, "length")]
    whole = await complete(provider(), body(n=2, max_tokens=4))
    for i in (0, 1):
        assert text_of(chunks, i) == whole["choices"][i]["message"]["content"]


async def test_stream_tool_call_deltas() -> None:
    chunks = await stream(provider(), body(tools=[WEATHER_TOOL]))
    assert chunks[0]["choices"][0]["delta"]["content"] is None
    deltas = [c["choices"][0]["delta"]["tool_calls"] for c in chunks if "tool_calls" in c["choices"][0]["delta"]]
    head = deltas[0][0]
    assert head["index"] == 0
    assert head["id"].startswith("call_")
    assert head["type"] == "function"
    assert head["function"]["name"] == "get_weather"
    rest = [d[0] for d in deltas[1:]]
    assert len(rest) > 1
    assert all(d["index"] == 0 and "id" not in d and "name" not in d["function"] for d in rest)
    args = head["function"]["arguments"] + "".join(d["function"]["arguments"] for d in rest)
    assert orjson.loads(args) == {"city": "example", "days": 1, "metric": True}
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


async def test_stream_paces_tokens() -> None:
    p = provider(tokens_per_second=400, max_tokens=9)
    start = time.perf_counter()
    await stream(p, body())
    assert time.perf_counter() - start >= 8 / 400 * 0.9


# --- faults -------------------------------------------------------------------------------


async def outcomes(p: SimulatedProvider, calls: int) -> list[str]:
    out = []
    for _ in range(calls):
        try:
            await p.chat(CTX, parse_chat(orjson.dumps(body(max_tokens=1))))
            out.append("ok")
        except ProviderError as exc:
            out.append(type(exc).__name__)
    return out


async def test_every_2_fires_on_every_second_call() -> None:
    p = provider(faults=[{"kind": "server_error", "every": 2}])
    ok, fail = "ok", "ProviderUnavailable"
    assert await outcomes(p, 6) == [ok, fail, ok, fail, ok, fail]


async def test_every_counts_streams_too() -> None:
    p = provider(faults=[{"kind": "unavailable", "every": 2}])
    await raw_events(p, body(max_tokens=1))
    with pytest.raises(ProviderUnavailable) as info:
        await p.chat_stream(CTX, parse_chat(orjson.dumps(body(stream=True))))
    assert info.value.upstream_status == 503


async def test_probability_one_always_fires() -> None:
    p = provider(faults=[{"kind": "server_error", "probability": 1.0}])
    assert await outcomes(p, 5) == ["ProviderUnavailable"] * 5


async def test_probability_zero_never_fires() -> None:
    p = provider(faults=[{"kind": "server_error", "probability": 0.0}])
    assert await outcomes(p, 5) == ["ok"] * 5


async def test_probability_is_seeded() -> None:
    fault = [{"kind": "server_error", "probability": 0.5}]
    first = await outcomes(provider(seed=9, faults=fault), 30)
    again = await outcomes(provider(seed=9, faults=fault), 30)
    assert first == again
    assert 5 <= first.count("ok") <= 25


async def test_rate_limit_carries_retry_after() -> None:
    p = provider(faults=[{"kind": "rate_limit", "every": 1, "retry_after": 2.5}])
    with pytest.raises(ProviderRateLimited) as info:
        await p.chat(CTX, parse_chat(orjson.dumps(body())))
    err = info.value
    assert (err.retry_after, err.status, err.upstream_status, err.deployment) == (2.5, 429, 429, "sim")
    assert err.retryable and err.fallback_ok


async def test_server_error_fault() -> None:
    p = provider(faults=[{"kind": "server_error", "every": 1}])
    with pytest.raises(ProviderUnavailable) as info:
        await p.chat(CTX, parse_chat(orjson.dumps(body())))
    assert info.value.upstream_status == 500


@pytest.mark.parametrize("after", [0, 3])
async def test_stream_cut_after_tokens(after: int) -> None:
    p = provider(faults=[{"kind": "stream_cut", "every": 1, "after_tokens": after}])
    response = await p.chat_stream(CTX, parse_chat(orjson.dumps(body(stream=True))))
    received: list[bytes] = []
    with pytest.raises(ProviderResponseInvalid) as info:
        async for event in response.events:
            received.append(event)
    assert info.value.deployment == "sim"
    chunks = [orjson.loads(e[6:]) for e in received]
    assert b"[DONE]" not in b"".join(received)
    assert len(chunks) == 1 + after  # the role chunk, then `after` tokens
    assert sum(1 for c in chunks if c["choices"][0]["delta"].get("content")) == after


async def test_stream_cut_on_whole_answer_is_a_connection_error() -> None:
    p = provider(faults=[{"kind": "stream_cut", "every": 1}])
    with pytest.raises(ProviderConnectError):
        await p.chat(CTX, parse_chat(orjson.dumps(body())))


async def test_timeout_fault_waits_read_timeout() -> None:
    p = provider(faults=[{"kind": "timeout", "every": 1}], timeout={"connect": 0.05, "read": 0.05, "total": 0.1})
    start = time.perf_counter()
    with pytest.raises(ProviderTimeout) as info:
        await p.chat(CTX, parse_chat(orjson.dumps(body())))
    elapsed = time.perf_counter() - start
    assert 0.045 <= elapsed < 1.0
    assert info.value.status == 504 and info.value.retryable


async def test_timeout_fault_on_stream() -> None:
    p = provider(faults=[{"kind": "timeout", "every": 1}], timeout={"connect": 0.05, "read": 0.05, "total": 0.1})
    with pytest.raises(ProviderTimeout):
        await asyncio.wait_for(p.chat_stream(CTX, parse_chat(orjson.dumps(body(stream=True)))), 2)


# --- embeddings ---------------------------------------------------------------------------


async def embed(p: SimulatedProvider, **fields: Any) -> dict[str, Any]:
    result = await p.embed(CTX, parse_embeddings(orjson.dumps({"model": "e", **fields})))
    data: dict[str, Any] = orjson.loads(result.body)
    return data


def unpack(b64: str) -> list[float]:
    raw = base64.b64decode(b64)
    return list(struct.unpack(f"<{len(raw) // 4}f", raw))


async def test_embeddings_float_shape_and_norm() -> None:
    out = await embed(provider(embedding_dimensions=64), input=["one", "two"])
    assert out["object"] == "list" and out["model"] == "sim-model"
    assert [d["index"] for d in out["data"]] == [0, 1]
    for item in out["data"]:
        assert item["object"] == "embedding"
        assert len(item["embedding"]) == 64
        assert math.isclose(math.sqrt(sum(x * x for x in item["embedding"])), 1.0, rel_tol=1e-9)
    assert out["data"][0]["embedding"] != out["data"][1]["embedding"]
    assert out["usage"]["prompt_tokens"] == out["usage"]["total_tokens"] == 2


async def test_embeddings_deterministic() -> None:
    a = await embed(provider(), input="same text")
    b = await embed(provider(), input=["same text"])
    assert a["data"][0]["embedding"] == b["data"][0]["embedding"]
    c = await embed(provider(seed=1), input="same text")
    assert a["data"][0]["embedding"] != c["data"][0]["embedding"]


async def test_embeddings_base64_decodes_to_the_float_vector() -> None:
    floats = (await embed(provider(), input="hello", dimensions=32))["data"][0]["embedding"]
    b64 = (await embed(provider(), input="hello", dimensions=32, encoding_format="base64"))["data"][0]["embedding"]
    assert isinstance(b64, str)
    decoded = unpack(b64)
    assert len(decoded) == 32
    assert decoded == pytest.approx(floats, rel=1e-6, abs=1e-7)


async def test_embeddings_dimensions() -> None:
    out = await embed(provider(embedding_dimensions=384), input="x", dimensions=16)
    vector = out["data"][0]["embedding"]
    assert len(vector) == 16
    assert math.isclose(math.sqrt(sum(x * x for x in vector)), 1.0, rel_tol=1e-9)
    assert len((await embed(provider(embedding_dimensions=384), input="x"))["data"][0]["embedding"]) == 384


async def test_embeddings_dimensions_above_the_model_are_rejected() -> None:
    with pytest.raises(ProviderRejected) as info:
        await embed(provider(embedding_dimensions=64), input="x", dimensions=10_000_000)
    assert info.value.param == "dimensions"
    assert info.value.status == 400
    assert not info.value.fallback_ok


@pytest.mark.parametrize(("inp", "count", "tokens"), [([1, 2, 3], 1, 3), ([[1, 2], [3]], 2, 3), (["a b", "c"], 2, 3)])
async def test_embeddings_token_inputs(inp: Any, count: int, tokens: int) -> None:
    out = await embed(provider(embedding_dimensions=8), input=inp)
    assert len(out["data"]) == count
    assert out["usage"]["prompt_tokens"] == tokens


async def test_embeddings_faults() -> None:
    p = provider(faults=[{"kind": "rate_limit", "every": 1}])
    with pytest.raises(ProviderRateLimited):
        await embed(p, input="x")


@pytest.mark.parametrize(
    "tools",
    [
        [{"type": "function"}],
        ["get_weather"],
        [{"type": "function", "function": {"parameters": {}}}],
        [{"type": "function", "function": {"name": "f", "parameters": "none"}}],
        [{"type": "function", "function": {"name": "f", "parameters": {"required": "city"}}}],
        [WEATHER_TOOL, {"type": "function", "function": {"name": "g", "parameters": {"properties": []}}}],
    ],
)
async def test_malformed_tools_are_a_400_not_a_crash(tools: list[Any]) -> None:
    p = provider()
    with pytest.raises(ProviderRejected) as info:
        await complete(p, body(tools=tools))
    assert info.value.param is not None and info.value.param.startswith("tools[")
    assert info.value.status == 400
    with pytest.raises(ProviderRejected):
        await p.chat_stream(CTX, parse_chat(orjson.dumps(body(tools=tools, stream=True))))


async def test_malformed_tool_choice_is_a_400() -> None:
    with pytest.raises(ProviderRejected) as info:
        await complete(provider(), body(tools=[WEATHER_TOOL], tool_choice={"type": "function", "function": "f"}))
    assert info.value.param == "tool_choice"


async def test_loose_property_schemas_still_get_arguments() -> None:
    tool = {"type": "function", "function": {"name": "f", "parameters": {"properties": {"a": True}, "required": ["a"]}}}
    call = (await complete(provider(), body(tools=[tool])))["choices"][0]["message"]["tool_calls"][0]
    assert orjson.loads(call["function"]["arguments"]) == {"a": "example"}
