"""Anthropic provider: the stream translator, on recorded streams cut at every byte boundary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openai.types.chat import ChatCompletionChunk

from freehold.errors import ProviderError, ProviderResponseInvalid, ProviderUnavailable
from freehold.providers.anthropic import StreamTranslator
from freehold.providers.emulation import Plan
from freehold.providers.openai_format import PROMPT_USAGE_KEY
from freehold.transport.sse import SSEDecoder, SSEEvent

FIXTURES = Path(__file__).parents[2] / "fixtures" / "anthropic"
DEP = "claude/anthropic/claude-sonnet-4-5"


def run(
    raw: bytes, include_usage: bool = True, piece: int = 0, plan: Plan | None = None
) -> tuple[bytes, StreamTranslator]:
    """Feed ``raw`` in pieces of ``piece`` bytes (0: whole) and return the OpenAI bytes."""
    translator = StreamTranslator(DEP, include_usage, plan=plan)
    decoder = SSEDecoder()
    out = b""
    pieces = [raw[i : i + piece] for i in range(0, len(raw), piece)] if piece else [raw]
    for chunk in pieces:
        for event in decoder.feed(chunk):
            out += translator.parse_event(event)
    for event in decoder.flush():
        out += translator.parse_event(event)
    translator.finish()
    return out, translator


def chunks_of(out: bytes) -> list[ChatCompletionChunk]:
    frames = out.decode().split("\n\n")
    assert frames[-2] == "data: [DONE]" and frames[-1] == "", "ends with exactly one [DONE]"
    assert all(f.startswith("data: ") for f in frames[:-1])
    return [ChatCompletionChunk.model_validate(json.loads(f[6:])) for f in frames[:-2]]


def joined(chunks: list[ChatCompletionChunk]) -> dict[str, Any]:
    got: dict[str, Any] = {"content": "", "reasoning": "", "blocks": [], "calls": {}, "finish": None, "usage": None}
    for chunk in chunks:
        if not chunk.choices:
            got["usage"] = chunk.usage
            continue
        delta = chunk.choices[0].delta
        extra = delta.model_extra or {}
        got["content"] += delta.content or ""
        got["reasoning"] += extra.get("reasoning_content") or ""
        got["blocks"] += extra.get("thinking_blocks") or []
        for call in delta.tool_calls or ():
            slot = got["calls"].setdefault(call.index, {"id": None, "name": None, "args": ""})
            if call.id:
                slot["id"], slot["name"] = call.id, call.function.name  # type: ignore[union-attr]
            slot["args"] += call.function.arguments or "" if call.function else ""
        got["finish"] = chunk.choices[0].finish_reason or got["finish"]
    return got


@pytest.mark.parametrize("piece", [0, 1, 7])
def test_text_stream(piece: int) -> None:
    out, _ = run((FIXTURES / "stream_text.sse").read_bytes(), piece=piece)
    chunks = chunks_of(out)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[0].model == "claude-sonnet-4-5-20250929"
    assert len({c.id for c in chunks}) == 1
    got = joined(chunks)
    assert got["content"] == "Hello!" and got["finish"] == "stop"
    assert chunks[-1].choices == [] and chunks[-2].choices[0].finish_reason == "stop"
    usage = got["usage"]
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (25, 15, 40)


def test_without_include_usage_there_is_no_usage_chunk_nor_field() -> None:
    out, translator = run((FIXTURES / "stream_text.sse").read_bytes(), include_usage=False)
    assert b'"usage"' not in out and PROMPT_USAGE_KEY.encode() not in out
    assert all(c.choices for c in chunks_of(out))
    assert translator.usage["completion_tokens"] == 15  # still known to the gateway


@pytest.mark.parametrize("piece", [0, 3])
def test_tool_use_stream_with_thinking(piece: int) -> None:
    out, _ = run((FIXTURES / "stream_tool_use.sse").read_bytes(), piece=piece)
    chunks = chunks_of(out)
    got = joined(chunks)
    assert got["reasoning"] == "Two cities, two lookups."
    assert got["blocks"] == [
        {
            "type": "thinking",
            "thinking": "Two cities, two lookups.",
            "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
        }
    ]
    assert got["content"] == "Checking both."
    assert sorted(got["calls"]) == [0, 1]  # counted over tool blocks, not content blocks (2 and 3)
    assert got["calls"][0] == {
        "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
        "name": "get_weather",
        "args": '{"city": "Paris", "unit": "celsius"}',
    }
    assert json.loads(got["calls"][1]["args"]) == {"city": "Tokyo"}
    assert got["finish"] == "tool_calls"
    usage = got["usage"]
    assert usage.prompt_tokens == 472 + 20 + 1000 and usage.prompt_tokens_details.cached_tokens == 1000
    assert usage.prompt_tokens_details.cache_write_tokens == 20
    # the prompt's counts, known at message_start, ride on the first chunk for Anthropic's door
    first = (chunks[0].model_extra or {})[PROMPT_USAGE_KEY]
    assert first == {
        "prompt_tokens": 472 + 20 + 1000,
        "prompt_tokens_details": {"cached_tokens": 1000, "audio_tokens": 0, "cache_write_tokens": 20},
    }
    assert all(PROMPT_USAGE_KEY not in (c.model_extra or {}) for c in chunks[1:])
    assert usage.completion_tokens == 89 and usage.completion_tokens_details.reasoning_tokens == 30
    # no empty argument pieces are sent
    for chunk in chunks:
        for call in (chunk.choices[0].delta.tool_calls or ()) if chunk.choices else ():
            assert call.id or (call.function and call.function.arguments)


def test_error_event_mid_stream_raises_after_the_text() -> None:
    translator = StreamTranslator(DEP, True)
    decoder = SSEDecoder()
    sent = b""
    with pytest.raises(ProviderUnavailable) as info:
        for event in decoder.feed((FIXTURES / "stream_error.sse").read_bytes()):
            sent += translator.parse_event(event)
    assert b"Once upon" in sent and b"[DONE]" not in sent
    err = info.value
    assert err.retryable and err.status == 503 and err.deployment == DEP
    assert "overloaded_error" in err.message and "Overloaded" in err.message


@pytest.mark.parametrize(
    ("error_type", "status"),
    [("rate_limit_error", 429), ("api_error", 500), ("invalid_request_error", 400), ("brand_new_error", 500)],
)
def test_error_events_are_classified_by_type(error_type: str, status: int) -> None:
    translator = StreamTranslator(DEP, False)
    data = json.dumps({"type": "error", "error": {"type": error_type, "message": "m"}})
    with pytest.raises(ProviderError) as info:
        translator.parse_event(SSEEvent("error", data))
    assert info.value.upstream_status == status


def test_stream_without_message_stop_was_cut() -> None:
    raw = (FIXTURES / "stream_text.sse").read_bytes()
    cut = raw[: raw.index(b"event: message_stop")]
    with pytest.raises(ProviderResponseInvalid, match="before 'message_stop'"):
        run(cut)


@pytest.mark.parametrize(
    "event",
    [
        SSEEvent(
            "content_block_delta", '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}'
        ),
        SSEEvent("message_start", "not json"),
        SSEEvent("message_start", "[1]"),
        SSEEvent("message_start", '{"type":"message_start"}'),
    ],
)
def test_malformed_streams(event: SSEEvent) -> None:
    with pytest.raises(ProviderResponseInvalid):
        StreamTranslator(DEP, False).parse_event(event)


def test_malformed_event_after_start_and_unknown_events() -> None:
    translator = StreamTranslator(DEP, False)
    start = {"type": "message_start", "message": {"model": "m", "usage": {"input_tokens": 1, "output_tokens": 1}}}
    assert translator.parse_event(SSEEvent("message_start", json.dumps(start)))
    assert translator.parse_event(SSEEvent("ping", '{"type": "ping"}')) == b""
    assert translator.parse_event(SSEEvent("future_event", '{"type": "future_event", "x": 1}')) == b""
    assert (
        translator.parse_event(
            SSEEvent(
                "content_block_start",
                '{"type":"content_block_start","index":0,'
                '"content_block":{"type":"server_tool_use","id":"s","name":"web"}}',
            )
        )
        == b""
    )
    with pytest.raises(ProviderResponseInvalid, match="malformed"):
        translator.parse_event(SSEEvent("content_block_delta", '{"type": "content_block_delta", "index": 0}'))
    with pytest.raises(ProviderResponseInvalid, match="not a tool_use block"):
        translator.parse_event(
            SSEEvent(
                "content_block_delta",
                '{"type":"content_block_delta","index":5,"delta":{"type":"input_json_delta","partial_json":"{"}}',
            )
        )


def json_mode_stream(*inputs: str, parallel: bool = False) -> bytes:
    """A stream answering JSON mode: the forced tool's input in ``input_json_delta`` pieces."""
    start = {
        "type": "message_start",
        "message": {
            "id": "msg_01JsonMode", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
            "content": [], "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": 30, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
                      "output_tokens": 1},
        },
    }  # fmt: skip
    events: list[tuple[str, dict[str, Any]]] = [("message_start", start)]
    for index in range(2 if parallel else 1):
        block = {"type": "tool_use", "id": f"toolu_01J{index}", "name": "json_answer", "input": {}}
        events.append(("content_block_start", {"type": "content_block_start", "index": index, "content_block": block}))
        for piece in ("", *inputs):
            delta = {"type": "input_json_delta", "partial_json": piece}
            events.append(("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}))
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    delta = {"stop_reason": "tool_use", "stop_sequence": None}
    events.append(("message_delta", {"type": "message_delta", "delta": delta, "usage": {"output_tokens": 12}}))
    events.append(("message_stop", {"type": "message_stop"}))
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events).encode()


@pytest.mark.parametrize("parallel", [False, True])
def test_json_mode_stream_is_content_deltas(parallel: bool) -> None:
    raw = json_mode_stream('{"city": ', '"Paris"}', parallel=parallel)
    out, _ = run(raw, plan=Plan(json_tool="json_answer"), piece=5)
    chunks = chunks_of(out)
    got = joined(chunks)
    assert json.loads(got["content"]) == {"city": "Paris"}  # a second call to it (parallel) is left out
    assert got["calls"] == {} and got["finish"] == "stop"
    assert b"tool_calls" not in out


def test_json_mode_stream_with_an_empty_input_is_an_empty_object() -> None:
    out, _ = run(json_mode_stream(), plan=Plan(json_tool="json_answer"))
    assert joined(chunks_of(out))["content"] == "{}"
