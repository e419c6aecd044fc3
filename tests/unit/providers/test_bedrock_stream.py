"""Bedrock provider: event-stream decoding and the stream translator, on recorded binary streams."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.eventstream import EventStreamBuffer
from hypothesis import given, settings
from hypothesis import strategies as st
from openai.types.chat import ChatCompletionChunk
from tests.integration.mocks.bedrock_mock import encode_frame, event_frame, exception_frame, stream_frames, usage

from freehold.errors import ProviderError, ProviderRateLimited, ProviderResponseInvalid, ProviderUnavailable
from freehold.providers.bedrock.stream import EventStreamDecoder, StreamEvent, StreamTranslator, parse_event
from freehold.providers.bedrock.translate import from_upstream
from freehold.providers.emulation import Plan
from freehold.providers.openai_format import ChunkWriter
from freehold.transport.sse import SSEDecoder

FIXTURES = Path(__file__).parents[2] / "fixtures" / "bedrock"
DEP = "smart/bedrock/claude"
MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"


def decode_all(data: bytes, piece: int) -> list[StreamEvent]:
    decoder = EventStreamDecoder(DEP)
    events: list[StreamEvent] = []
    for k in range(0, len(data), piece):
        events += decoder.feed(data[k : k + piece])
    return events


def translate(
    events: list[StreamEvent], include_usage: bool = True, plan: Plan | None = None
) -> tuple[list[dict[str, Any]], bytes]:
    translator = StreamTranslator(ChunkWriter(MODEL, include_usage), DEP, plan=plan)
    out = b"".join(translator.feed(e) for e in events) + translator.finish()
    sse = SSEDecoder().feed(out)
    assert sse[-1].data == "[DONE]" and all(e.data != "[DONE]" for e in sse[:-1])
    return [json.loads(e.data) for e in sse[:-1]], out


# --- the frame encoder of the mock, checked against botocore's parser ----------------------


def test_encoded_frames_round_trip_through_botocore() -> None:
    frame = encode_frame({":event-type": "messageStart", ":message-type": "event", "x": "ü"}, b'{"role":"assistant"}')
    buffer = EventStreamBuffer()
    buffer.add_data(frame + frame[:5])
    messages = list(buffer)
    assert len(messages) == 1
    assert messages[0].headers == {":event-type": "messageStart", ":message-type": "event", "x": "ü"}
    assert messages[0].payload == b'{"role":"assistant"}'


def test_corrupt_frame_is_an_invalid_response() -> None:
    frame = bytearray(event_frame("messageStart", {"role": "assistant"}))
    frame[-6] ^= 0xFF  # a payload byte: the message CRC no longer matches
    with pytest.raises(ProviderResponseInvalid, match="unreadable event stream"):
        EventStreamDecoder(DEP).feed(bytes(frame))


@pytest.mark.parametrize("piece", [1, 7, 100_000])
def test_recorded_stream_decodes_the_same_in_any_pieces(piece: int) -> None:
    data = (FIXTURES / "converse_stream_tools.bin").read_bytes()
    events = decode_all(data, piece)
    assert [e.name for e in events][:3] == ["messageStart", "contentBlockDelta", "contentBlockDelta"]
    assert [e.name for e in events][-3:] == ["contentBlockStop", "messageStop", "metadata"]
    assert all(e.kind == "event" for e in events)
    assert events == decode_all(data, 100_000)


def test_parse_event_kinds() -> None:
    assert parse_event({":message-type": "event", ":event-type": "messageStop"}, b'{"stopReason":"end_turn"}') == (
        StreamEvent("event", "messageStop", {"stopReason": "end_turn"})
    )
    assert parse_event(
        {":message-type": "exception", ":exception-type": "throttlingException"}, b'{"message":"slow"}'
    ) == (StreamEvent("exception", "throttlingException", {"message": "slow"}))
    error = parse_event({":message-type": "error", ":error-code": "InternalFailure", ":error-message": "boom"}, b"")
    assert error == StreamEvent("error", "InternalFailure", {"message": "boom"})
    with pytest.raises(ValueError):
        parse_event({":message-type": "event"}, b"{}")


# --- translation --------------------------------------------------------------------------


def test_text_stream_translates_to_openai_chunks_with_usage_last() -> None:
    events = decode_all((FIXTURES / "converse_stream_text.bin").read_bytes(), 13)
    chunks, _ = translate(events)
    parsed = [ChatCompletionChunk.model_validate(c) for c in chunks]
    assert parsed[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in parsed if c.choices) == "Hello from Bedrock."
    assert [c.choices[0].finish_reason for c in parsed if c.choices][-1] == "stop"
    assert parsed[-1].choices == [] and parsed[-1].usage is not None
    assert (parsed[-1].usage.prompt_tokens, parsed[-1].usage.completion_tokens) == (17, 7)
    assert all(c.usage is None for c in parsed[:-1]) and len({c.id for c in parsed}) == 1


def test_without_include_usage_there_is_no_usage_chunk() -> None:
    chunks, _ = translate(decode_all((FIXTURES / "converse_stream_text.bin").read_bytes(), 64), include_usage=False)
    assert all(c["choices"] for c in chunks) and all("usage" not in c for c in chunks)


def test_parallel_tool_call_stream_rebuilds_each_call() -> None:
    chunks, _ = translate(decode_all((FIXTURES / "converse_stream_tools.bin").read_bytes(), 50))
    parsed = [ChatCompletionChunk.model_validate(c) for c in chunks]
    calls: dict[int, dict[str, str]] = {}
    for chunk in parsed:
        for call in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
            entry = calls.setdefault(call.index, {"id": "", "name": "", "arguments": ""})
            if call.id:
                entry["id"] = call.id
            if call.function and call.function.name:
                entry["name"] = call.function.name
            if call.function and call.function.arguments:
                entry["arguments"] += call.function.arguments
    assert {i: (c["id"], c["name"], json.loads(c["arguments"])) for i, c in calls.items()} == {
        0: ("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "get_weather", {"city": "Paris"}),
        1: ("tooluse_Zt3HgmVkQoW0Bx4oPa8f1g", "get_weather", {"city": "Tokyo"}),
    }
    assert "".join(c.choices[0].delta.content or "" for c in parsed if c.choices) == "Let me check both."
    assert [c.choices[0].finish_reason for c in parsed if c.choices][-1] == "tool_calls"


def test_reasoning_stream_surfaces_reasoning_content() -> None:
    chunks, _ = translate(decode_all((FIXTURES / "converse_stream_reasoning.bin").read_bytes(), 29))
    deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
    assert "".join(d.get("reasoning_content", "") for d in deltas) == "The user wants a greeting. "
    assert "".join(d.get("content") or "" for d in deltas) == "Hello!"


def test_exception_event_mid_stream_raises_after_the_text_so_far() -> None:
    events = decode_all((FIXTURES / "converse_stream_exception.bin").read_bytes(), 64)
    assert events[-1].kind == "exception" and events[-1].name == "modelStreamErrorException"
    translator = StreamTranslator(ChunkWriter(MODEL, False), DEP)
    sent = b"".join(translator.feed(e) for e in events[:-1])
    assert b"Hello" in sent
    with pytest.raises(ProviderUnavailable) as info:
        translator.feed(events[-1])
    assert info.value.upstream_status == 424 and info.value.retryable
    assert "modelStreamErrorException" in info.value.message or "ModelStreamErrorException" in info.value.message


def test_throttling_exception_event_is_a_rate_limit() -> None:
    frame = exception_frame("throttlingException", {"message": "Too many tokens, please wait."})
    (event,) = EventStreamDecoder(DEP).feed(frame)
    with pytest.raises(ProviderRateLimited):
        StreamTranslator(ChunkWriter(MODEL, False), DEP).feed(event)


@pytest.mark.parametrize("keep", [3, -1])
def test_stream_ending_before_metadata_is_cut(keep: int) -> None:
    events = decode_all((FIXTURES / "converse_stream_text.bin").read_bytes(), 64)[:keep]
    translator = StreamTranslator(ChunkWriter(MODEL, True), DEP)
    for event in events:
        translator.feed(event)
    with pytest.raises(ProviderError, match="final 'metadata' event"):
        translator.finish()


# --- property: a stream says what the whole answer says ------------------------------------

names = st.from_regex(r"[a-zA-Z][a-zA-Z0-9_-]{0,20}", fullmatch=True)
inputs = st.dictionaries(st.text(max_size=8), st.one_of(st.integers(-(2**53), 2**53), st.text(max_size=12)), max_size=4)


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(min_size=1, max_size=60),
    calls=st.lists(st.tuples(names, inputs), max_size=3),
    piece=st.integers(1, 300),
    shaping=st.sampled_from(["none", "one_tool_call", "json_mode"]),
)
def test_stream_and_whole_answer_agree(
    text: str, calls: list[tuple[str, dict[str, Any]]], piece: int, shaping: str
) -> None:
    plan = Plan(one_tool_call=shaping == "one_tool_call")
    blocks: list[dict[str, Any]] = [{"text": text}]
    if shaping == "json_mode":  # a forced tool: no text, the JSON tool called (maybe next to client tools)
        plan.json_tool = "json_answer"
        blocks = [{"toolUse": {"toolUseId": "tuj", "name": "json_answer", "input": {"text": text}}}]
    blocks += [{"toolUse": {"toolUseId": f"tu{i}", "name": n, "input": a}} for i, (n, a) in enumerate(calls)]
    stop = "tool_use" if len(blocks) > 1 or shaping == "json_mode" else "end_turn"
    whole = from_upstream(
        {"output": {"message": {"role": "assistant", "content": blocks}}, "stopReason": stop, "usage": usage()},
        MODEL,
        DEP,
        plan,
    )
    chunks, _ = translate(decode_all(b"".join(stream_frames(blocks, stop)), piece), plan=plan)
    deltas = [c["choices"][0] for c in chunks if c["choices"]]
    content = "".join(d["delta"].get("content") or "" for d in deltas)
    if shaping == "json_mode":  # the stream relays the model's own JSON text, the whole answer re-encodes it
        assert json.loads(content) == json.loads(whole["choices"][0]["message"]["content"])
    else:
        assert content == whole["choices"][0]["message"]["content"]
    rebuilt: dict[int, dict[str, Any]] = {}
    for d in deltas:
        for call in d["delta"].get("tool_calls") or []:
            entry = rebuilt.setdefault(call["index"], {"id": call.get("id"), "name": call["function"].get("name")})
            entry["arguments"] = entry.get("arguments", "") + call["function"]["arguments"]
    expected = whole["choices"][0]["message"].get("tool_calls") or []
    assert [(c["id"], c["name"], json.loads(c["arguments"])) for c in rebuilt.values()] == [
        (c["id"], c["function"]["name"], json.loads(c["function"]["arguments"])) for c in expected
    ]
    assert deltas[-1]["finish_reason"] == whole["choices"][0]["finish_reason"]
    assert chunks[-1]["usage"] == whole["usage"]
