"""The Responses API front door's pure translation, checked against the openai SDK's own types."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openai import omit
from openai.lib.streaming.responses._responses import ResponseStreamState
from openai.types.responses import Response, ResponseStreamEvent
from pydantic import TypeAdapter

from freehold.errors import InvalidRequest, ProviderRateLimited
from freehold.frontdoors.responses import (
    StreamTranslator,
    items_to_messages,
    new_response_id,
    parse_request,
    response_from_completion,
    skeleton,
    to_chat,
)
from freehold.stores.responses import MemoryResponseStore, StoredResponse
from freehold.transport.sse import SSEDecoder

FIXTURES = Path(__file__).parents[2] / "fixtures" / "responses"
EVENT = TypeAdapter(ResponseStreamEvent)
EXPECTED_EVENTS = json.loads((FIXTURES / "expected_events.json").read_text())


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def request_of(body: dict[str, Any]) -> Any:
    return parse_request(orjson.dumps(body))


def run_stream(sse: bytes, body: dict[str, Any] | None = None, piece: int | None = None) -> tuple[list[dict], Any]:
    """Translate a canonical stream (in pieces of ``piece`` bytes); returns the events and the translator."""
    request = request_of(body or {"model": "gpt", "input": "hi", "stream": True})
    translator = StreamTranslator(skeleton(request, new_response_id()))
    out = translator.start()
    pieces = [sse] if piece is None else [sse[i : i + piece] for i in range(0, len(sse), piece)]
    for chunk in pieces:
        out += translator.feed(chunk)
        if translator.finished:
            break
    else:
        out += translator.end()
    decoder = SSEDecoder()
    events = []
    for e in decoder.feed(out) + decoder.flush():
        data = json.loads(e.data)
        assert e.event == data["type"]  # the event: line names the payload's type
        events.append(data)
    return events, translator


def sdk_final(events: list[dict]) -> Any:
    """Feed the events through the SDK's own stream accumulator (it raises on a wrong order)."""
    state: ResponseStreamState[Any] = ResponseStreamState(input_tools=omit, text_format=omit)
    for data in events:
        state.handle_event(EVENT.validate_python(data))
    return state._completed_response


# --- request ------------------------------------------------------------------------------


def test_request_fixture_becomes_the_recorded_chat_body() -> None:
    request = request_of(fixture("request_tool_round_trip.json"))
    assert to_chat(request, []) == fixture("request_tool_round_trip.chat.json")


def test_string_input_with_instructions_and_stream() -> None:
    request = request_of({"model": "m", "input": "Hello", "instructions": "Be brief.", "stream": True})
    chat = to_chat(request, [])
    assert chat == {
        "model": "m",
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello"}],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    assert request.input_items == [{"type": "message", "role": "user", "content": "Hello"}]


def test_history_comes_before_the_new_input_and_instructions_first() -> None:
    history = [
        {"type": "message", "role": "user", "content": "Call the tool."},
        {"id": "rs_1", "type": "reasoning", "summary": [{"type": "summary_text", "text": "think"}]},
        {
            "id": "fc_1",
            "type": "function_call",
            "status": "completed",
            "call_id": "call_1",
            "name": "f",
            "arguments": "{}",
        },
    ]
    request = request_of(
        {
            "model": "m",
            "instructions": "New rules.",
            "previous_response_id": "resp_x",
            "input": [{"type": "function_call_output", "call_id": "call_1", "output": "42"}],
        }
    )
    assert to_chat(request, history)["messages"] == [
        {"role": "system", "content": "New rules."},
        {"role": "user", "content": "Call the tool."},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "42"},
    ]


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ({"type": "text"}, None),
        ({"type": "json_object"}, {"type": "json_object"}),
        (
            {"type": "json_schema", "name": "x", "schema": {"type": "object"}},
            {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}},
        ),
    ],
)
def test_text_format_becomes_response_format(fmt: dict, expected: dict | None) -> None:
    chat = to_chat(request_of({"model": "m", "input": "x", "text": {"format": fmt, "verbosity": "low"}}), [])
    assert chat.get("response_format") == expected
    assert chat["verbosity"] == "low"


def test_tool_choice_shapes() -> None:
    tools = [{"type": "function", "name": "f", "parameters": {"type": "object"}}]
    for given_choice, expected in [
        ("required", "required"),
        ({"type": "function", "name": "f"}, {"type": "function", "function": {"name": "f"}}),
        (
            {"type": "allowed_tools", "mode": "required", "tools": [{"type": "function", "name": "f"}]},
            {
                "type": "allowed_tools",
                "allowed_tools": {"mode": "required", "tools": [{"type": "function", "function": {"name": "f"}}]},
            },
        ),
    ]:
        chat = to_chat(request_of({"model": "m", "input": "x", "tools": tools, "tool_choice": given_choice}), [])
        assert chat["tool_choice"] == expected
    # Without tools, tool_choice and parallel_tool_calls are left out (chat servers refuse them).
    chat = to_chat(request_of({"model": "m", "input": "x", "tool_choice": "none", "parallel_tool_calls": False}), [])
    assert "tool_choice" not in chat and "parallel_tool_calls" not in chat


@pytest.mark.parametrize(
    ("body", "param", "says"),
    [
        ({"input": "x"}, "model", "Missing required parameter: 'model'"),
        ({"model": "m"}, "input", "Missing required parameter: 'input'"),
        ({"model": "m", "input": []}, "input", "must not be empty"),
        ({"model": "m", "input": 5}, "input", "a string or an array"),
        ({"model": "m", "input": "x", "temperature": "hot"}, "temperature", "a number"),
        ({"model": "m", "input": "x", "stream": 1}, "stream", "a boolean"),
        ({"model": "m", "input": "x", "max_output_tokens": 0}, "max_output_tokens", "at least 1"),
        ({"model": "m", "input": "x", "background": True}, "background", "not supported"),
        ({"model": "m", "input": "x", "conversation": "conv_1"}, "conversation", "not supported"),
        ({"model": "m", "input": "x", "tools": [{"type": "web_search"}]}, "tools[0].type", "Tool 'web_search'"),
        (
            {"model": "m", "input": "x", "tools": [{"type": "function", "name": "f"}], "tool_choice": {"type": "mcp"}},
            "tool_choice",
            "'mcp'",
        ),
        ({"model": "m", "input": [{"type": "item_reference", "id": "msg_1"}]}, "input[0].type", "item_reference"),
        ({"model": "m", "input": [{"role": "robot", "content": "x"}]}, "input[0].role", "robot"),
        (
            {"model": "m", "input": [{"role": "user", "content": [{"type": "input_image", "file_id": "file-1"}]}]},
            "input[0].content[0].image_url",
            "Files API",
        ),
        ({"model": "m", "input": "x", "text": {"format": {"type": "yaml"}}}, "text.format.type", "json_schema"),
    ],
)
def test_client_mistakes_are_400s_naming_the_field(body: dict, param: str, says: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        to_chat(request_of(body), [])
    assert info.value.param == param
    assert says in info.value.message
    assert info.value.status == 400


def test_defaults_and_hints_are_accepted() -> None:
    body = {
        "model": "m",
        "input": "x",
        "background": False,
        "include": ["reasoning.encrypted_content"],
        "truncation": "auto",
        "store": False,
        "top_p": None,
    }
    request = request_of(body)
    assert request.store is False
    assert to_chat(request, []) == {"model": "m", "messages": [{"role": "user", "content": "x"}]}


# --- whole answers ------------------------------------------------------------------------


def test_completion_becomes_a_response_the_sdk_validates() -> None:
    request = request_of(fixture("request_tool_round_trip.json"))
    response = response_from_completion(fixture("completion_reasoning_tools.json"), skeleton(request, "resp_abc"))
    parsed = Response.model_validate(response)
    assert parsed.id == "resp_abc" and parsed.object == "response" and parsed.status == "completed"
    assert [item.type for item in parsed.output] == ["reasoning", "message", "function_call", "function_call"]
    reasoning, message, paris, lyon = parsed.output
    assert reasoning.type == "reasoning" and reasoning.id.startswith("rs_")
    assert reasoning.summary[0].text == "The user wants Paris and Lyon; call the tool twice."
    assert message.type == "message" and message.id.startswith("msg_") and message.status == "completed"
    assert message.content[0].type == "output_text" and message.content[0].text == "Checking both cities."
    assert message.content[0].annotations == []
    assert paris.type == "function_call" and paris.id is not None and paris.id.startswith("fc_")
    assert (paris.call_id, paris.name, paris.arguments) == ("call_Paris01", "get_weather", '{"city":"Paris"}')
    assert lyon.type == "function_call" and lyon.call_id == "call_Lyon02"
    assert parsed.output_text == "Checking both cities."
    usage = parsed.usage
    assert usage is not None
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (120, 58, 178)
    assert usage.input_tokens_details.cached_tokens == 64
    assert usage.output_tokens_details.reasoning_tokens == 12
    # The request's settings are echoed as the API does.
    assert parsed.instructions == "You are a weather assistant. Answer in one sentence."
    assert parsed.metadata == {"ticket": "T-42"} and parsed.user == "user-1234"
    assert parsed.temperature == 0.2 and parsed.top_p == 0.9 and parsed.max_output_tokens == 256
    assert parsed.tools[0].type == "function" and parsed.tools[0].name == "get_weather"
    assert parsed.text is not None and parsed.text.format is not None and parsed.text.format.type == "json_schema"
    assert parsed.reasoning is not None and parsed.reasoning.effort == "low"
    assert parsed.model == "gpt"


def test_length_cut_is_incomplete_with_the_reason() -> None:
    request = request_of({"model": "m", "input": "x", "max_output_tokens": 5})
    parsed = Response.model_validate(
        response_from_completion(fixture("completion_length.json"), skeleton(request, "resp_1"))
    )
    assert parsed.status == "incomplete"
    assert parsed.incomplete_details is not None and parsed.incomplete_details.reason == "max_output_tokens"
    assert parsed.output[0].type == "message" and parsed.output[0].status == "incomplete"
    assert parsed.completed_at is None


def test_output_items_go_back_as_the_same_assistant_message() -> None:
    completion = fixture("completion_reasoning_tools.json")
    response = response_from_completion(completion, skeleton(request_of({"model": "m", "input": "x"}), "resp_1"))
    (assistant,) = items_to_messages(response["output"])
    original = completion["choices"][0]["message"]
    assert assistant == {"role": "assistant", "content": original["content"], "tool_calls": original["tool_calls"]}


# --- streams ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED_EVENTS))
def test_stream_fixture_events_in_documented_order(name: str) -> None:
    events, _ = run_stream((FIXTURES / name).read_bytes())
    assert [e["type"] for e in events] == EXPECTED_EVENTS[name]
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    for data in events:
        EVENT.validate_python(data)  # strict: every field the SDK requires is there, with its type
    first, last = events[0]["response"], events[-1]["response"]
    assert first["status"] == "in_progress" and first["output"] == [] and first["id"] == last["id"]


def test_text_stream_accumulates_in_the_sdk() -> None:
    events, translator = run_stream((FIXTURES / "chat_stream_text.sse").read_bytes())
    final = sdk_final(events)
    assert final is not None and final.output_text == "Paris is sunny and 21°C."
    assert final.usage is not None and final.usage.input_tokens == 14 and final.usage.output_tokens == 6
    assert final.usage.input_tokens_details.cached_tokens == 4
    delta = next(e for e in events if e["type"] == "response.output_text.delta")
    added = next(e for e in events if e["type"] == "response.output_item.added")
    assert delta["item_id"] == added["item"]["id"] and delta["output_index"] == 0 and delta["content_index"] == 0
    assert translator.response["status"] == "completed"


def test_tool_call_stream_assembles_arguments() -> None:
    events, translator = run_stream((FIXTURES / "chat_stream_tool_calls.sse").read_bytes())
    final = sdk_final(events)
    calls = [(o.call_id, o.name, o.arguments) for o in final.output if o.type == "function_call"]
    assert calls == [
        ("call_Paris01", "get_weather", '{"city":"Paris"}'),
        ("call_Lyon02", "get_weather", '{"city":"Lyon"}'),
    ]
    done = [e for e in events if e["type"] == "response.function_call_arguments.done"]
    assert [e["arguments"] for e in done] == ['{"city":"Paris"}', '{"city":"Lyon"}']
    assert [e["output_index"] for e in done] == [0, 1]


def test_reasoning_stream_surfaces_a_summary() -> None:
    events, _ = run_stream((FIXTURES / "chat_stream_reasoning.sse").read_bytes())
    final = sdk_final(events)
    assert [o.type for o in final.output] == ["reasoning", "message"]
    assert final.output[0].summary[0].text == "The user asks about Paris."
    assert final.output_text == "Sunny in Paris."
    assert final.usage.output_tokens_details.reasoning_tokens == 31


def test_cut_stream_fails_keeping_the_text_so_far() -> None:
    events, translator = run_stream((FIXTURES / "chat_stream_cut.sse").read_bytes())
    error, failed = events[-2], events[-1]
    assert error["code"] == "server_error" and "ended" in error["message"]
    response = Response.model_validate(failed["response"])
    assert response.status == "failed" and response.error is not None and response.error.code == "server_error"
    assert response.output[0].type == "message" and response.output[0].status == "incomplete"
    assert (
        response.output[0].content[0].type == "output_text" and response.output[0].content[0].text == "Paris is sunny"
    )


def test_upstream_error_event_mid_stream_fails_the_response() -> None:
    events, _ = run_stream((FIXTURES / "chat_stream_error.sse").read_bytes())
    assert events[-2]["type"] == "error" and "Sorry about that" in events[-2]["message"]
    assert events[-1]["response"]["status"] == "failed"


def test_provider_error_mid_stream() -> None:
    translator = StreamTranslator(skeleton(request_of({"model": "m", "input": "x"}), "resp_1"))
    translator.start()
    out = translator.fail(ProviderRateLimited("slow down", deployment="d", upstream_status=429))
    events = [json.loads(e.data) for e in SSEDecoder().feed(out)]
    assert [e["type"] for e in events] == ["error", "response.failed"]
    assert events[0]["code"] == "rate_limit_exceeded" and events[0]["message"] == "slow down"
    assert Response.model_validate(events[1]["response"]).error.code == "rate_limit_exceeded"


def test_length_stream_ends_incomplete() -> None:
    sse = (
        (FIXTURES / "chat_stream_text.sse").read_bytes().replace(b'"finish_reason":"stop"', b'"finish_reason":"length"')
    )
    events, _ = run_stream(sse)
    assert events[-1]["type"] == "response.incomplete"
    assert events[-1]["response"]["incomplete_details"] == {"reason": "max_output_tokens"}
    assert events[-2]["item"]["status"] == "incomplete"


def test_interleaved_tool_calls_fail_instead_of_corrupting() -> None:
    sse = (FIXTURES / "chat_stream_tool_calls.sse").read_bytes()
    late = b'data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"x"}}]}}]}\n\n'
    chunks = sse.split(b"\n\n")
    mixed = b"\n\n".join(chunks[:7]) + b"\n\n" + late + b"\n\n".join(chunks[7:])
    events, _ = run_stream(mixed)
    assert events[-1]["type"] == "response.failed"
    assert "interleaved" in events[-2]["message"]


@settings(max_examples=60, deadline=None)
@given(piece=st.integers(min_value=1, max_value=64))
def test_byte_pieces_do_not_change_the_events(piece: int) -> None:
    sse = (FIXTURES / "chat_stream_reasoning.sse").read_bytes()
    whole, _ = run_stream(sse)
    split, _ = run_stream(sse, piece=piece)
    assert [(e["type"], e.get("delta"), e.get("text")) for e in split] == [
        (e["type"], e.get("delta"), e.get("text")) for e in whole
    ]


# --- round trips (property) ----------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)
_calls = st.lists(
    st.tuples(
        st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
        st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), _text, max_size=3),
    ),
    max_size=3,
)


def _chunked(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    return [text[a:b] for a, b in zip(points, points[1:], strict=False) if text[a:b]]


@settings(max_examples=80, deadline=None)
@given(
    text=st.one_of(st.none(), _text),
    reasoning=st.one_of(st.none(), _text),
    calls=_calls,
    usage=st.tuples(*(st.integers(min_value=0, max_value=10**6) for _ in range(4))),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=6),
)
def test_stream_and_whole_answer_agree(
    text: str | None, reasoning: str | None, calls: list, usage: tuple[int, int, int, int], cuts: list[int]
) -> None:
    prompt, completion_tokens, cached, reasoning_tokens = usage
    chat_usage = {
        "prompt_tokens": prompt + cached,
        "completion_tokens": completion_tokens + reasoning_tokens,
        "total_tokens": prompt + cached + completion_tokens + reasoning_tokens,
        "prompt_tokens_details": {"cached_tokens": cached},
        "completion_tokens_details": {"reasoning_tokens": reasoning_tokens},
    }
    tool_calls = [
        {"id": f"call_{i}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
        for i, (name, args) in enumerate(calls)
    ]
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if reasoning:
        message["reasoning_content"] = reasoning
    if tool_calls:
        message["tool_calls"] = tool_calls
    finish = "tool_calls" if tool_calls else "stop"
    completion = {"choices": [{"index": 0, "message": message, "finish_reason": finish}], "usage": chat_usage}

    # The same answer as a canonical stream, text and arguments cut at arbitrary points.
    def event(payload: dict) -> str:
        return "data: " + json.dumps(payload) + "\n\n"

    def delta(d: dict, finish_reason: str | None = None) -> str:
        return event({"choices": [{"index": 0, "delta": d, "finish_reason": finish_reason}]})

    sse = delta({"role": "assistant", "content": ""})
    for piece in _chunked(reasoning or "", cuts):
        sse += delta({"reasoning_content": piece})
    for piece in _chunked(text or "", cuts):
        sse += delta({"content": piece})
    for i, call in enumerate(tool_calls):
        head = {"index": i, "id": call["id"], "type": "function", "function": {"name": call["function"]["name"]}}
        sse += delta({"tool_calls": [head]})
        for piece in _chunked(call["function"]["arguments"], cuts):
            sse += delta({"tool_calls": [{"index": i, "function": {"arguments": piece}}]})
    sse += delta({}, finish) + event({"choices": [], "usage": chat_usage}) + "data: [DONE]\n\n"

    request = request_of({"model": "m", "input": "x"})
    whole = Response.model_validate(response_from_completion(completion, skeleton(request, "resp_w")))
    events, translator = run_stream(sse.encode())
    streamed = sdk_final(events)
    assert streamed is not None

    def summary(r: Response) -> tuple:
        return (
            [o.type for o in r.output],
            r.output_text,
            [(o.call_id, o.name, o.arguments) for o in r.output if o.type == "function_call"],
            [o.summary[0].text for o in r.output if o.type == "reasoning"],
            r.usage.model_dump() if r.usage else None,
        )

    assert summary(whole) == summary(streamed)
    assert whole.output_text == (text or "")
    assert [(o.name, json.loads(o.arguments)) for o in whole.output if o.type == "function_call"] == [
        (name, args) for name, args in calls
    ]
    assert whole.usage is not None and whole.usage.input_tokens_details.cached_tokens == cached
    assert whole.usage.output_tokens_details.reasoning_tokens == reasoning_tokens
    assert whole.usage.total_tokens == whole.usage.input_tokens + whole.usage.output_tokens

    # And the output goes back into a chat conversation as the assistant message it came from.
    back = items_to_messages(translator.response["output"])
    if text or tool_calls:
        (assistant,) = back
        assert assistant["content"] == (text if text else None)
        assert assistant.get("tool_calls", []) == tool_calls
    else:
        assert back == []


@settings(max_examples=60, deadline=None)
@given(
    turns=st.lists(
        st.one_of(
            st.tuples(st.sampled_from(["user", "assistant", "system", "developer"]), _text),
            st.tuples(st.just("call"), _text),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_input_items_keep_text_and_calls(turns: list[tuple[str, str]]) -> None:
    items: list[dict[str, Any]] = []
    for i, (kind, text) in enumerate(turns):
        if kind == "call":
            items.append({"type": "function_call", "call_id": f"c{i}", "name": "f", "arguments": text})
            items.append({"type": "function_call_output", "call_id": f"c{i}", "output": text})
        elif kind == "assistant":
            items.append({"role": kind, "content": [{"type": "output_text", "text": text, "annotations": []}]})
        else:
            items.append({"role": kind, "content": [{"type": "input_text", "text": text}]})
    messages = to_chat(request_of({"model": "m", "input": items}), [])["messages"]
    texts = [m["content"] for m in messages if isinstance(m["content"], str) and m["role"] != "tool"]
    assert texts == [t for k, t in turns if k != "call"]
    calls = [c for m in messages for c in m.get("tool_calls", [])]
    assert [(c["id"], c["function"]["arguments"]) for c in calls] == [
        (f"c{i}", t) for i, (k, t) in enumerate(turns) if k == "call"
    ]
    outputs = [(m["tool_call_id"], m["content"]) for m in messages if m["role"] == "tool"]
    assert outputs == [(f"c{i}", t) for i, (k, t) in enumerate(turns) if k == "call"]


# --- the store ------------------------------------------------------------------------------


async def test_memory_store_lru_ttl_and_delete() -> None:
    now = [0.0]
    store = MemoryResponseStore(max_entries=2, ttl_seconds=10, clock=lambda: now[0])
    a, b, c = (StoredResponse({"id": x}, [{"role": "user", "content": x}]) for x in "abc")
    await store.put("a", a)
    await store.put("b", b)
    assert await store.get("a") is a  # touching a makes b the least recently used
    await store.put("c", c)
    assert await store.get("b") is None and await store.get("a") is a and await store.get("c") is c
    now[0] = 10.0
    assert await store.get("a") is None  # expired
    await store.put("b", b)
    assert await store.delete("b") is True and await store.delete("b") is False
    assert await store.get("b") is None


def stored(text: str) -> StoredResponse:
    return StoredResponse({"id": text[:3]}, [{"role": "user", "content": text}])


async def test_memory_store_is_bounded_by_bytes_oldest_first() -> None:
    one = stored("x" * 1000)
    size = len(orjson.dumps(one.response)) + len(orjson.dumps(one.conversation))
    store = MemoryResponseStore(max_bytes=3 * size + 10)
    for name in "abcd":
        await store.put(name, stored("x" * 1000))
    assert len(store) == 3 and store.bytes == 3 * size
    assert await store.get("a") is None and await store.get("d") is not None
    await store.put("b", stored("x" * 1000))  # replacing an entry does not count it twice
    assert store.bytes == 3 * size
    assert await store.delete("c") is True and store.bytes == 2 * size


async def test_an_entry_larger_than_the_whole_bound_is_not_kept_and_evicts_nothing() -> None:
    store = MemoryResponseStore(max_bytes=5000)
    await store.put("small", stored("x" * 100))
    await store.put("huge", stored("x" * 10_000))
    assert await store.get("huge") is None and await store.get("small") is not None
