"""Anthropic provider: properties of the translation, over generated messages and streams.

- an answer translated to OpenAI and sent back as the next assistant turn is the same content;
- a streamed answer, cut anywhere, adds up to the same text, tool calls and usage as the whole;
- a request keeps every user text, in order, with roles alternating.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from openai.types.chat import ChatCompletion

from freehold.providers.anthropic import StreamTranslator, from_upstream, to_upstream
from freehold.schemas.chat import ChatRequest
from freehold.transport.sse import SSEDecoder, encode_named_event

DEP = "claude/anthropic/m"
text = st.text(min_size=1, max_size=40)
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.text(max_size=10))
json_object = st.dictionaries(st.text(min_size=1, max_size=8), json_scalar, max_size=4)
token_count = st.integers(min_value=0, max_value=10**6)


@st.composite
def messages(draw: st.DrawFn) -> dict[str, Any]:
    """An Anthropic ``Message``: optional thinking, then text and tool_use blocks."""
    content: list[dict[str, Any]] = []
    if draw(st.booleans()):
        content.append(
            {"type": "thinking", "thinking": draw(text), "signature": draw(st.text("abcXYZ=+/", min_size=8))}
        )
    for n in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            content.append({"type": "text", "text": draw(text)})
        else:
            name = draw(st.from_regex(r"[a-z_]{1,12}", fullmatch=True))
            content.append({"type": "tool_use", "id": f"toolu_{n}", "name": name, "input": draw(json_object)})
    usage = {
        "input_tokens": draw(token_count),
        "output_tokens": draw(token_count),
        "cache_read_input_tokens": draw(token_count),
        "cache_creation_input_tokens": draw(token_count),
    }
    stop = (
        "tool_use"
        if any(b["type"] == "tool_use" for b in content)
        else draw(st.sampled_from(["end_turn", "max_tokens"]))
    )
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "m",
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": usage,
    }


def stream_of(message: dict[str, Any], cuts: list[int]) -> bytes:
    """``message`` as Anthropic's event stream, each text and JSON cut at the given points."""

    def pieces(s: str) -> list[str]:
        points = sorted({c % (len(s) + 1) for c in cuts} | {0, len(s)})
        return [s[a:b] for a, b in zip(points, points[1:], strict=False)]

    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    out = encode_named_event("message_start", {"type": "message_start", "message": start})
    for i, block in enumerate(message["content"]):
        if block["type"] == "text":
            opening, deltas = (
                {"type": "text", "text": ""},
                [{"type": "text_delta", "text": p} for p in pieces(block["text"])],
            )
        elif block["type"] == "tool_use":
            opening = {**block, "input": {}}
            deltas = [{"type": "input_json_delta", "partial_json": p} for p in pieces(json.dumps(block["input"]))]
        else:
            opening = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [{"type": "thinking_delta", "thinking": p} for p in pieces(block["thinking"])]
            deltas.append({"type": "signature_delta", "signature": block["signature"]})
        out += encode_named_event(
            "content_block_start", {"type": "content_block_start", "index": i, "content_block": opening}
        )
        for d in deltas:
            out += encode_named_event("content_block_delta", {"type": "content_block_delta", "index": i, "delta": d})
        out += encode_named_event("ping", {"type": "ping"})
        out += encode_named_event("content_block_stop", {"type": "content_block_stop", "index": i})
    delta = {"stop_reason": message["stop_reason"]}
    final = {"type": "message_delta", "delta": delta, "usage": {"output_tokens": usage["output_tokens"]}}
    out += encode_named_event("message_delta", final)
    return out + encode_named_event("message_stop", {"type": "message_stop"})


@settings(max_examples=150, deadline=None)
@given(messages())
def test_answer_round_trips_as_the_next_assistant_turn(message: dict[str, Any]) -> None:
    completion = from_upstream(message, DEP)
    ChatCompletion.model_validate(completion)
    assistant = completion["choices"][0]["message"]
    body = {"model": "m", "messages": [{"role": "user", "content": "q"}, assistant]}
    sent = to_upstream(ChatRequest(body=body, model="m", stream=False), "m")["messages"]
    if not message["content"]:
        assert len(sent) == 1  # nothing to replay
        return
    replayed = sent[1]["content"]
    # thinking first, then the text (joined into one block), then the tool calls, as OpenAI orders them
    original = message["content"]
    texts = "".join(b["text"] for b in original if b["type"] == "text")
    assert [b for b in replayed if b["type"] == "thinking"] == [b for b in original if b["type"] == "thinking"]
    assert "".join(b["text"] for b in replayed if b["type"] == "text") == texts
    assert [b for b in replayed if b["type"] == "tool_use"] == [b for b in original if b["type"] == "tool_use"]
    usage = completion["usage"]
    u = message["usage"]
    assert usage["prompt_tokens"] == u["input_tokens"] + u["cache_read_input_tokens"] + u["cache_creation_input_tokens"]
    assert usage["prompt_tokens_details"]["cached_tokens"] == u["cache_read_input_tokens"]
    assert usage["completion_tokens"] == u["output_tokens"]


@settings(max_examples=150, deadline=None)
@given(messages(), st.lists(st.integers(0, 1000), max_size=4), st.integers(1, 64))
def test_stream_adds_up_to_the_whole_answer(message: dict[str, Any], cuts: list[int], piece: int) -> None:
    whole = from_upstream(message, DEP)
    raw = stream_of(message, cuts)
    translator = StreamTranslator(DEP, include_usage=True)
    decoder = SSEDecoder()
    out = b""
    for i in range(0, len(raw), piece):
        for event in decoder.feed(raw[i : i + piece]):
            out += translator.parse_event(event)
    translator.finish()
    frames = [json.loads(f[6:]) for f in out.decode().split("\n\n") if f and f != "data: [DONE]"]
    content, reasoning, blocks, calls, finish = "", "", [], {}, None
    for frame in frames[:-1]:
        delta = frame["choices"][0]["delta"]
        content += delta.get("content") or ""
        reasoning += delta.get("reasoning_content") or ""
        blocks += delta.get("thinking_blocks") or []
        for call in delta.get("tool_calls") or ():
            slot = calls.setdefault(call["index"], {"function": {"arguments": ""}})
            if "id" in call:
                slot.update(id=call["id"], type="function")
                slot["function"]["name"] = call["function"]["name"]
            slot["function"]["arguments"] += call["function"].get("arguments", "")
        finish = frame["choices"][0]["finish_reason"] or finish
    expected = whole["choices"][0]
    assert content == (expected["message"]["content"] or "")
    assert reasoning == expected["message"].get("reasoning_content", "")
    assert blocks == expected["message"].get("thinking_blocks", [])
    assert sorted(calls) == list(range(len(calls)))  # indexes count tool calls from 0, without gaps
    streamed = [
        (c["id"], c["function"]["name"], json.loads(c["function"]["arguments"])) for _, c in sorted(calls.items())
    ]
    assert streamed == [
        (c["id"], c["function"]["name"], json.loads(c["function"]["arguments"]))
        for c in expected["message"].get("tool_calls", [])
    ]
    assert finish == expected["finish_reason"]
    assert frames[-1]["choices"] == [] and frames[-1]["usage"] == whole["usage"]


roles = st.sampled_from(["system", "user", "assistant", "tool_pair"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(roles, text), min_size=1, max_size=10))
def test_requests_keep_every_text_in_order_with_alternating_roles(turns: list[tuple[str, str]]) -> None:
    messages: list[dict[str, Any]] = []
    for n, (role, words) in enumerate(turns):
        if role == "tool_pair":
            call = {"id": f"c{n}", "type": "function", "function": {"name": "f", "arguments": json.dumps({"w": words})}}
            messages += [
                {"role": "assistant", "tool_calls": [call]},
                {"role": "tool", "tool_call_id": f"c{n}", "content": words},
            ]
        else:
            messages.append({"role": role, "content": words})
    body = to_upstream(ChatRequest(body={"model": "m", "messages": messages}, model="m", stream=False), "m")
    sent = body["messages"]
    assert all(a["role"] != b["role"] for a, b in zip(sent, sent[1:], strict=False))
    assert [b["text"] for b in body.get("system", [])] == [w for r, w in turns if r == "system"]
    conversation = [
        b.get("text") or b.get("content") or b.get("input", {}).get("w") for turn in sent for b in turn["content"]
    ]
    expected: list[str] = []
    for role, words in turns:
        if role == "tool_pair":
            expected += [words, words]
        elif role != "system":
            expected.append(words)
    assert conversation == expected
