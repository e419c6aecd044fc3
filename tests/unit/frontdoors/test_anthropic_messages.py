"""Anthropic's front door, pure translation: request → canonical, canonical answer/stream → Anthropic."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
import pydantic
import pytest
from anthropic.lib.streaming._messages import accumulate_event
from anthropic.types import Message, RawMessageStreamEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from freehold.errors import (
    AliasNotFound,
    AuthenticationFailed,
    FreeholdError,
    InvalidRequest,
    ModelUnavailable,
    PayloadTooLarge,
    ProviderConnectError,
    ProviderError,
    ProviderRateLimited,
    ProviderResponseInvalid,
    ProviderTimeout,
    ProviderUnavailable,
    UnsupportedMediaType,
)
from freehold.frontdoors.anthropic_messages import (
    IMAGE_TOKENS,
    check_request,
    estimate_input_tokens,
    reasoning_effort_for_budget,
    to_canonical,
)
from freehold.frontdoors.anthropic_response import (
    StreamTranslator,
    error_body,
    error_event,
    error_status,
    from_canonical,
    stop_reason,
)
from freehold.transport.sse import SSEDecoder

FIXTURES = Path(__file__).parents[2] / "fixtures" / "anthropic_front_door"
EVENT = pydantic.TypeAdapter(RawMessageStreamEvent)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def base(**extra: Any) -> dict[str, Any]:
    return {"model": "smart", "max_tokens": 256, "messages": [{"role": "user", "content": "hi"}], **extra}


def translate_stream(raw: bytes, *, piece: int = 0, **kwargs: Any) -> bytes:
    translator = StreamTranslator(model=kwargs.pop("model", "smart"), deployment="dep", **kwargs)
    if piece:
        out = b"".join(translator.feed(raw[i : i + piece]) for i in range(0, len(raw), piece))
    else:
        out = translator.feed(raw)
    return out + translator.finish()


def parse_events(raw: bytes) -> list[Any]:
    """Every event through the SDK's own types; the SSE event name must equal the payload's type."""
    decoder = SSEDecoder()
    events = decoder.feed(raw) + decoder.flush()
    parsed = []
    for event in events:
        payload = event.json()
        assert event.event == payload["type"]
        if event.event == "ping":  # the SDK skips pings before parsing; they are not in its event union
            assert payload == {"type": "ping"}
            parsed.append(SimpleNamespace(type="ping"))
        else:
            parsed.append(EVENT.validate_python(payload))
    return parsed


def accumulate(events: list[Any]) -> Any:
    snapshot = None
    bufs: dict[int, bytes] = {}
    for event in events:
        if event.type == "ping":
            continue
        snapshot = accumulate_event(event=event, current_snapshot=snapshot, json_bufs=bufs)
    return snapshot


# --- request → canonical --------------------------------------------------------------------


def test_recorded_request_translates_to_the_recorded_canonical_body() -> None:
    body = fixture("request_tools.json")
    check_request(body)
    assert to_canonical(body) == fixture("canonical_request_tools.json")


def test_recorded_request_details() -> None:
    canonical = to_canonical(fixture("request_tools.json"))
    roles = [m["role"] for m in canonical["messages"]]
    # tool results come right after the assistant's tool calls, before the rest of the user turn
    assert roles == ["system", "user", "assistant", "tool", "user", "assistant", "tool"]
    assert canonical["messages"][0]["content"] == "You are a weather assistant.\n\nAnswer in one sentence."
    assert canonical["messages"][3] == {
        "role": "tool",
        "tool_call_id": "toolu_01A09q90qw90lq917835lq9",
        "content": "15 degrees, light rain",
    }
    assert canonical["messages"][4]["content"][0]["image_url"]["url"] == "data:image/jpeg;base64,/9j/4AAQ"
    assert canonical["messages"][6]["content"] == "Error: city not found"
    assert "thinking" not in json.dumps(canonical["messages"])  # thinking blocks are dropped
    assert canonical["reasoning_effort"] == "low"  # budget 2000 is nearest to low's 2048
    assert canonical["parallel_tool_calls"] is False
    assert canonical["stream_options"] == {"include_usage": True}
    assert canonical["max_completion_tokens"] == 4096


def test_plain_request() -> None:
    out = to_canonical(base(system="Be brief.", temperature=0.2, top_p=0.9, top_k=40))
    assert out == {
        "model": "smart",
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}],
        "max_completion_tokens": 256,
        "temperature": 0.2,
        "top_p": 0.9,
        "top_k": 40,
    }


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ({"type": "auto"}, "auto"),
        ({"type": "any"}, "required"),
        ({"type": "none"}, "none"),
        ({"type": "tool", "name": "get_weather"}, {"type": "function", "function": {"name": "get_weather"}}),
    ],
)
def test_tool_choice(choice: dict[str, Any], expected: Any) -> None:
    tools = [{"name": "get_weather", "input_schema": {"type": "object", "properties": {}}}]
    out = to_canonical(base(tools=tools, tool_choice=choice))
    assert out["tool_choice"] == expected
    assert "parallel_tool_calls" not in out
    assert out["tools"] == [
        {"type": "function", "function": {"name": "get_weather", "parameters": tools[0]["input_schema"]}}
    ]


@pytest.mark.parametrize(
    ("budget", "effort"),
    [(1024, "minimal"), (1500, "minimal"), (2048, "low"), (5000, "low"), (6000, "medium"), (16000, "medium"),
     (17000, "high"), (100000, "high")],
)  # fmt: skip
def test_thinking_budget_maps_to_the_nearest_effort(budget: int, effort: str) -> None:
    assert reasoning_effort_for_budget(budget) == effort
    body = base(max_tokens=200000, thinking={"type": "enabled", "budget_tokens": budget})
    check_request(body)
    assert to_canonical(body)["reasoning_effort"] == effort


def test_other_reasoning_settings() -> None:
    assert "reasoning_effort" not in to_canonical(base(thinking={"type": "disabled"}))
    assert "reasoning_effort" not in to_canonical(base(thinking={"type": "adaptive"}))
    assert to_canonical(base(output_config={"effort": "max"}))["reasoning_effort"] == "high"


def test_structured_output() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    out = to_canonical(base(output_config={"format": {"type": "json_schema", "schema": schema}}))
    assert out["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "output", "schema": schema, "strict": True},
    }


def test_ignored_hints_are_dropped() -> None:
    body = base(service_tier="auto", cache_control={"type": "ephemeral"})
    check_request(body)
    assert "service_tier" not in to_canonical(body)


def test_count_tokens_body_needs_no_max_tokens() -> None:
    body = {"model": "smart", "messages": [{"role": "user", "content": "hi"}]}
    check_request(body, count_only=True)
    with pytest.raises(InvalidRequest) as err:
        check_request(body)
    assert err.value.param == "max_tokens"


@pytest.mark.parametrize(
    ("body", "param", "says"),
    [
        ({"max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}, "model", "Missing required field 'model'"),
        ({"model": "m", "messages": [{"role": "user", "content": "x"}]}, "max_tokens", "'max_tokens'"),
        (base(max_tokens=0), "max_tokens", "at least 1"),
        (base(max_tokens="10"), "max_tokens", "an integer"),
        (base(messages=[]), "messages", "at least one"),
        (base(messages="hi"), "messages", "an array"),
        (base(messages=[{"role": "system", "content": "x"}]), "messages[0].role", "top-level 'system'"),
        (base(messages=[{"role": "user"}]), "messages[0].content", "Missing required field"),
        (
            base(messages=[{"role": "user", "content": [{"type": "document"}]}]),
            "messages[0].content[0].type",
            "document",
        ),
        (base(messages=[{"role": "user", "content": [{"type": "text"}]}]), "messages[0].content[0].text", "text"),
        (
            base(
                messages=[{"role": "user", "content": [{"type": "image", "source": {"type": "file", "file_id": "f"}}]}]
            ),
            "messages[0].content[0].source.type",
            "file references",
        ),
        (
            base(messages=[{"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "f"}]}]),
            "messages[0].content[0].input",
            "input",
        ),
        (base(tools=[{"type": "web_search_20250305", "name": "web_search"}]), "tools[0].type", "server tool"),
        (base(tools=[{"name": "f"}]), "tools[0].input_schema", "input_schema"),
        (base(tool_choice={"type": "sometimes"}), "tool_choice.type", "sometimes"),
        (base(thinking={"type": "enabled", "budget_tokens": 100}), "thinking.budget_tokens", "at least 1024"),
        (base(thinking={"type": "enabled", "budget_tokens": 2000}), "thinking.budget_tokens", "less than 'max_tokens'"),
        (base(stop_sequences=["ok", 3]), "stop_sequences[1]", "a string"),
        (base(temperature="hot"), "temperature", "a number"),
        (base(stream="yes"), "stream", "a boolean"),
        (base(metadata={"user_id": 7}), "metadata.user_id", "a string"),
        (base(container="c"), "container", "not supported"),
        (base(system=[{"type": "image"}]), "system[0].type", "'text'"),
    ],
)
def test_invalid_requests_name_the_field(body: dict[str, Any], param: str, says: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        check_request(body)
    assert err.value.param == param
    assert says in err.value.message
    assert err.value.status == 400


def test_estimate_input_tokens() -> None:
    small = estimate_input_tokens(base())
    assert 1 <= small < 10
    with_image = base(
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "word " * 100},
                    {"type": "image", "source": {"type": "url", "url": "https://x/y.png"}},
                ],
            }
        ]
    )
    assert estimate_input_tokens(with_image) >= 100 + IMAGE_TOKENS


# --- canonical → Anthropic message ----------------------------------------------------------


def test_recorded_completion_translates_to_the_recorded_message() -> None:
    message = from_canonical(
        fixture("canonical_completion.json"), model="smart", deployment="d", message_id="msg_01fixture"
    )
    assert message == fixture("message.json")
    parsed = Message.model_validate(message)  # the SDK's own type
    assert [b.type for b in parsed.content] == ["thinking", "text", "tool_use"]
    assert parsed.usage.input_tokens == 1117 - 1024
    assert parsed.usage.cache_read_input_tokens == 1024
    assert parsed.usage.output_tokens_details is not None and parsed.usage.output_tokens_details.thinking_tokens == 12


@pytest.mark.parametrize(
    ("finish", "matched", "tools", "expected"),
    [
        ("stop", None, False, ("end_turn", None)),
        ("stop", "\n\nHuman:", False, ("stop_sequence", "\n\nHuman:")),
        ("stop", "not-a-requested-one", False, ("end_turn", None)),
        ("length", None, False, ("max_tokens", None)),
        ("tool_calls", None, True, ("tool_use", None)),
        ("stop", None, True, ("tool_use", None)),  # servers that finish tool calls with "stop"
        ("content_filter", None, False, ("refusal", None)),
        (None, None, False, ("end_turn", None)),
    ],
)
def test_stop_reasons(finish: str | None, matched: str | None, tools: bool, expected: tuple[str, str | None]) -> None:
    assert stop_reason(finish, matched, ("\n\nHuman:",), tools) == expected


def _completion(message: dict[str, Any], finish: str = "stop", **choice: Any) -> dict[str, Any]:
    return {
        "id": "c",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": finish, **choice}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
    }


def test_vllm_matched_stop_sequence_is_reported() -> None:
    done = _completion({"role": "assistant", "content": "1, 2, 3"}, stop_reason="END")
    message = from_canonical(done, model="m", stop_sequences=("END",), deployment="d")
    assert (message["stop_reason"], message["stop_sequence"]) == ("stop_sequence", "END")


def test_refusal_and_bad_tool_arguments() -> None:
    message = from_canonical(
        _completion({"role": "assistant", "content": None, "refusal": "I can't help."}), model="m", deployment="d"
    )
    assert message["content"] == [{"type": "text", "text": "I can't help."}]
    assert message["stop_reason"] == "refusal"
    call = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{not json"}}
    message = from_canonical(
        _completion({"role": "assistant", "tool_calls": [call]}, "tool_calls"), model="m", deployment="d"
    )
    assert message["content"] == [{"type": "tool_use", "id": "call_1", "name": "f", "input": {}}]


def test_answer_without_a_message_is_invalid() -> None:
    with pytest.raises(ProviderResponseInvalid):
        from_canonical({"choices": []}, model="m", deployment="d")


# --- canonical stream → Anthropic events ----------------------------------------------------


def test_recorded_stream_translates_to_the_recorded_events() -> None:
    raw = (FIXTURES / "canonical_stream.sse").read_bytes()
    expected = (FIXTURES / "anthropic_stream.sse").read_bytes()
    for piece in (0, 1, 7, 64):  # however the bytes arrive
        assert translate_stream(raw, piece=piece, input_tokens=100, message_id="msg_01fixture") == expected


def test_recorded_stream_event_order_and_types() -> None:
    events = parse_events((FIXTURES / "anthropic_stream.sse").read_bytes())
    kinds = [e.type if e.type != "content_block_delta" else e.delta.type for e in events]
    assert kinds == [
        "message_start",
        "content_block_start",
        "ping",
        "thinking_delta",
        "thinking_delta",
        "content_block_stop",
        "content_block_start",
        "text_delta",
        "text_delta",
        "content_block_stop",
        "content_block_start",
        "input_json_delta",
        "input_json_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert [e.index for e in events if e.type == "content_block_start"] == [0, 1, 2]
    final = accumulate(events)
    # The stream accumulates to the same message as the whole answer.
    assert final.to_dict(exclude_none=True) == Message.model_validate(fixture("message.json")).to_dict(
        exclude_none=True
    )


def test_stream_error_event_mid_stream() -> None:
    raw = (FIXTURES / "canonical_stream_error.sse").read_bytes()
    translator = StreamTranslator(model="m", input_tokens=3, deployment="dep")
    with pytest.raises(ProviderError) as err:
        translator.feed(raw)
    assert "sk-proj" not in err.value.message
    assert err.value.deployment == "dep"
    payload = SSEDecoder().feed(error_event(err.value, "req_1"))[0]
    assert payload.event == "error"
    assert payload.json() == {
        "type": "error",
        "error": {"type": "api_error", "message": err.value.message},
        "request_id": "req_1",
    }


def test_stream_cut_before_done_is_an_error() -> None:
    raw = (FIXTURES / "canonical_stream.sse").read_bytes().replace(b"data: [DONE]\n\n", b"")
    translator = StreamTranslator(model="m", input_tokens=3, deployment="dep")
    out = translator.feed(raw)
    assert b"message_stop" not in out
    with pytest.raises(ProviderResponseInvalid):
        translator.finish()


def test_empty_stream_still_frames_a_message() -> None:
    out = translate_stream(b"data: [DONE]\n\n", input_tokens=9)
    events = parse_events(out)
    assert [e.type for e in events] == ["message_start", "ping", "message_delta", "message_stop"]
    assert accumulate(events).usage.input_tokens == 9  # no upstream usage: the estimate stands


CACHE_USAGE = {
    "prompt_tokens": 1050 + 1000 + 20,
    "completion_tokens": 7,
    "total_tokens": 2077,
    "prompt_tokens_details": {
        "cached_tokens": 1000,
        "cache_write_tokens": 20,
        "cache_creation": {"ephemeral_5m_input_tokens": 15, "ephemeral_1h_input_tokens": 5},
    },
}
ANTHROPIC_CACHE_USAGE = {
    "input_tokens": 1050,  # Anthropic's input_tokens count neither cache reads nor writes
    "cache_read_input_tokens": 1000,
    "cache_creation_input_tokens": 20,
    "cache_creation": {"ephemeral_5m_input_tokens": 15, "ephemeral_1h_input_tokens": 5},
}


def test_cache_reads_and_writes_reach_their_own_fields() -> None:
    done = {**_completion({"role": "assistant", "content": "hi"}), "usage": CACHE_USAGE}
    usage = Message.model_validate(from_canonical(done, model="m", deployment="d")).usage
    assert usage.model_dump(include=set(ANTHROPIC_CACHE_USAGE)) == ANTHROPIC_CACHE_USAGE
    assert usage.output_tokens == 7


def _stream(*chunks: dict[str, Any]) -> bytes:
    return b"".join(b"data: " + orjson.dumps(c) + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"


def _chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return {"id": "c", "object": "chat.completion.chunk", "model": "m", "choices": [choice], **extra}


def test_stream_message_start_reports_the_prompt_counts_the_upstream_gave_up_front() -> None:
    prompt = {key: CACHE_USAGE[key] for key in ("prompt_tokens", "prompt_tokens_details")}
    raw = _stream(
        _chunk({"role": "assistant", "content": ""}, usage=None, x_freehold_prompt_usage=prompt),
        _chunk({"content": "hi"}, usage=None),
        _chunk({}, "stop", usage=None),
        {"id": "c", "object": "chat.completion.chunk", "model": "m", "choices": [], "usage": CACHE_USAGE},
    )
    events = parse_events(translate_stream(raw, input_tokens=3))
    start = events[0].message.usage
    assert start.model_dump(include=set(ANTHROPIC_CACHE_USAGE)) == ANTHROPIC_CACHE_USAGE
    final = accumulate(events).usage
    assert final.model_dump(include=set(ANTHROPIC_CACHE_USAGE)) == ANTHROPIC_CACHE_USAGE
    assert final.output_tokens == 7
    # without the prompt's counts up front, message_start keeps the estimate
    plain = parse_events(translate_stream(_stream(_chunk({"content": "hi"}), _chunk({}, "stop")), input_tokens=3))
    assert plain[0].message.usage.input_tokens == 3 and plain[0].message.usage.cache_creation_input_tokens == 0
    assert accumulate(plain).usage.input_tokens == 3


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "status", "kind"),
    [
        (InvalidRequest("bad"), 400, "invalid_request_error"),
        (UnsupportedMediaType("bad"), 415, "invalid_request_error"),
        (AuthenticationFailed("no"), 401, "authentication_error"),
        (AliasNotFound("no"), 404, "not_found_error"),
        (PayloadTooLarge("big"), 413, "request_too_large"),
        (ProviderRateLimited("slow", deployment="d", upstream_status=429, retry_after=3), 429, "rate_limit_error"),
        (ProviderUnavailable("busy", deployment="d", upstream_status=503), 529, "overloaded_error"),
        (ProviderUnavailable("busy", deployment="d", upstream_status=529), 529, "overloaded_error"),
        (ProviderUnavailable("oops", deployment="d", upstream_status=500), 500, "api_error"),
        (ProviderTimeout("late", deployment="d"), 504, "timeout_error"),
        (ProviderConnectError("gone", deployment="d"), 502, "api_error"),
        (ModelUnavailable("no", deployment="d", upstream_status=403), 403, "permission_error"),
        (FreeholdError("internal"), 500, "api_error"),
    ],
)
def test_error_status_and_type(exc: FreeholdError, status: int, kind: str) -> None:
    assert error_status(exc) == status
    assert error_body(exc, "req_9") == {
        "type": "error",
        "error": {"type": kind, "message": exc.message},
        "request_id": "req_9",
    }


# --- properties -------------------------------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)
_json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)
_args = st.dictionaries(_text, _json_value, max_size=4)
_ids = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=4, max_size=12).map(lambda s: "toolu_" + s)


@st.composite
def conversations(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Alternating turns of text, tool calls and their results, as an Anthropic client sends them."""
    messages: list[dict[str, Any]] = []
    pending: list[str] = []
    for turn in range(draw(st.integers(1, 6))):
        if turn % 2 == 0:
            blocks: list[dict[str, Any]] = [
                {"type": "tool_result", "tool_use_id": tid, "content": draw(_text), "is_error": draw(st.booleans())}
                for tid in pending
            ]
            blocks += [
                {"type": "text", "text": t} for t in draw(st.lists(_text, min_size=0 if pending else 1, max_size=3))
            ]
            pending = []
            lone_text = len(blocks) == 1 and blocks[0]["type"] == "text"
            content: Any = blocks[0]["text"] if lone_text and draw(st.booleans()) else blocks
            messages.append({"role": "user", "content": content})
        else:
            blocks = [{"type": "text", "text": t} for t in draw(st.lists(_text, max_size=2))]
            for _ in range(draw(st.integers(0, 2))):
                tid = f"{draw(_ids)}_{turn}_{len(pending)}"  # unique within the conversation
                pending.append(tid)
                blocks.append({"type": "tool_use", "id": tid, "name": draw(_text), "input": draw(_args)})
            if not blocks:
                blocks = [{"type": "text", "text": draw(_text)}]
            messages.append({"role": "assistant", "content": blocks})
    return messages


def _texts(content: Any) -> list[str]:
    if isinstance(content, str):
        return [content]
    return [p["text"] for p in content or [] if p["type"] == "text"]


@settings(max_examples=150, deadline=None)
@given(conversations())
def test_translation_preserves_text_tool_calls_and_results(messages: list[dict[str, Any]]) -> None:
    body = base(messages=messages)
    check_request(body)
    out = to_canonical(body)["messages"]
    sent_user = [t for m in messages if m["role"] == "user" for t in _texts(m["content"])]
    sent_assistant = [
        b["text"] for m in messages if m["role"] == "assistant" for b in m["content"] if b["type"] == "text"
    ]
    assert [t for m in out if m["role"] == "user" for t in _texts(m["content"])] == sent_user
    assert [t for m in out if m["role"] == "assistant" for t in _texts(m["content"])] == sent_assistant
    blocks = [b for m in messages if isinstance(m["content"], list) for b in m["content"]]
    uses = [b for b in blocks if b["type"] == "tool_use"]
    calls = [c for m in out for c in m.get("tool_calls", [])]
    assert [(c["id"], c["function"]["name"], json.loads(c["function"]["arguments"])) for c in calls] == [
        (u["id"], u["name"], u["input"]) for u in uses
    ]
    results = [b for b in blocks if b["type"] == "tool_result"]
    tools = [m for m in out if m["role"] == "tool"]
    assert [(t["tool_call_id"], t["content"]) for t in tools] == [
        (r["tool_use_id"], ("Error: " if r["is_error"] else "") + r["content"]) for r in results
    ]
    # every tool message directly follows the assistant message that called it (or another tool message)
    for i, m in enumerate(out):
        if m["role"] == "tool":
            assert out[i - 1]["role"] == "tool" or "tool_calls" in out[i - 1]


def _pieces(draw: st.DrawFn, text: str) -> list[str]:
    cuts = sorted(set(draw(st.lists(st.integers(1, max(1, len(text) - 1)), max_size=4))))
    bounds = [0, *[c for c in cuts if c < len(text)], len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if text[a:b]]


@st.composite
def answers(draw: st.DrawFn) -> tuple[dict[str, Any], bytes]:
    """A canonical answer as a whole completion and as the SSE stream an upstream would send for it."""
    reasoning = draw(st.none() | _text)
    text = draw(st.none() | _text)
    calls = [
        {
            "id": f"call_{i}",
            "type": "function",
            "function": {"name": draw(_text), "arguments": orjson.dumps(draw(_args)).decode()},
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    finish = "tool_calls" if calls else draw(st.sampled_from(["stop", "length", "content_filter"]))
    usage = {
        "prompt_tokens": draw(st.integers(0, 10_000)),
        "completion_tokens": draw(st.integers(0, 10_000)),
        "total_tokens": 0,
        "prompt_tokens_details": {"cached_tokens": draw(st.integers(0, 100))},
    }
    message: dict[str, Any] = {"role": "assistant", "content": text, "reasoning_content": reasoning}
    if calls:
        message["tool_calls"] = calls
    whole = _completion(message, finish)
    whole["usage"] = usage
    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m", "usage": None}

    def event(delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        return b"data: " + orjson.dumps({**chunk, "choices": [choice]}) + b"\n\n"

    events = [event({"role": "assistant", "content": ""})]
    events += [event({"reasoning_content": p}) for p in _pieces(draw, reasoning or "")]
    events += [event({"content": p}) for p in _pieces(draw, text or "")]
    for i, call in enumerate(calls):
        head = {
            "index": i,
            "id": call["id"],
            "type": "function",
            "function": {"name": call["function"]["name"], "arguments": ""},
        }
        events.append(event({"tool_calls": [head]}))
        for p in _pieces(draw, call["function"]["arguments"]):
            events.append(event({"tool_calls": [{"index": i, "function": {"arguments": p}}]}))
    events.append(event({}, finish))
    events.append(b"data: " + orjson.dumps({**chunk, "choices": [], "usage": usage}) + b"\n\n")
    events.append(b"data: [DONE]\n\n")
    raw = b"".join(events)
    cut = draw(st.integers(1, 97))
    return whole, b"".join(raw[i : i + cut] for i in range(0, len(raw), cut))


@settings(max_examples=150, deadline=None)
@given(answers())
def test_stream_accumulates_to_the_whole_answer(answer: tuple[dict[str, Any], bytes]) -> None:
    whole, raw = answer
    expected = from_canonical(whole, model="m", deployment="d", message_id="msg_x")
    out = translate_stream(raw, piece=13, input_tokens=42, message_id="msg_x")
    final = accumulate(parse_events(out))
    assert final.to_dict(exclude_none=True) == Message.model_validate(expected).to_dict(exclude_none=True)
