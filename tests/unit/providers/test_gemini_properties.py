"""Gemini provider: property tests that translation keeps text, tool calls and usage, whole or streamed."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from freehold.providers.gemini.stream import StreamTranslator
from freehold.providers.gemini.translate import from_upstream, to_upstream
from freehold.schemas.chat import ChatRequest
from freehold.transport.sse import SSEDecoder

DEP = "p/gemini/m"
texts = st.text(min_size=1, max_size=40)
names = st.from_regex(r"[a-z_][a-z0-9_]{0,15}", fullmatch=True)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
args = st.dictionaries(st.text(min_size=1, max_size=8), json_values, max_size=4)
calls = st.lists(st.tuples(names, args), max_size=3)
usage_meta = st.fixed_dictionaries(
    {"promptTokenCount": st.integers(0, 10**6), "candidatesTokenCount": st.integers(0, 10**5)},
    optional={"thoughtsTokenCount": st.integers(0, 10**5), "cachedContentTokenCount": st.integers(0, 1000)},
)
candidate = st.tuples(st.lists(texts, max_size=3), st.lists(texts, max_size=4), calls)


def gemini_parts(
    thoughts: list[str], answer: list[str], fcalls: list[tuple[str, dict[str, Any]]]
) -> list[dict[str, Any]]:
    return (
        [{"text": t, "thought": True} for t in thoughts]
        + [{"text": t} for t in answer]
        + [{"functionCall": {"name": n, "args": a}} for n, a in fcalls]
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(candidate, min_size=1, max_size=3), usage_meta, st.data())
def test_whole_and_streamed_answers_keep_text_calls_and_usage(
    cands: list[tuple[list[str], list[str], list[tuple[str, dict[str, Any]]]]],
    meta: dict[str, int],
    data: st.DataObject,
) -> None:
    whole = {
        "candidates": [
            {"index": i, "content": {"role": "model", "parts": gemini_parts(*c)}, "finishReason": "STOP"}
            for i, c in enumerate(cands)
        ],
        "usageMetadata": meta,
        "responseId": "r1",
    }
    completion = ChatCompletion.model_validate(from_upstream(whole, "m", DEP))
    thoughts_total = meta.get("thoughtsTokenCount", 0)
    assert completion.usage is not None
    assert completion.usage.prompt_tokens == meta["promptTokenCount"]
    assert completion.usage.completion_tokens == meta["candidatesTokenCount"] + thoughts_total
    for choice, (thoughts, answer, fcalls) in zip(completion.choices, cands, strict=True):
        assert (choice.message.content or "") == "".join(answer)
        assert (getattr(choice.message, "reasoning_content", None) or "") == "".join(thoughts)
        got = [(c.function.name, json.loads(c.function.arguments)) for c in choice.message.tool_calls or []]  # type: ignore[union-attr]
        assert got == fcalls
        assert choice.finish_reason == ("tool_calls" if fcalls else "stop")

    # The same answer streamed: every part in its own event, candidates interleaved at random.
    queue = [(i, p) for i, c in enumerate(cands) for p in gemini_parts(*c)]
    order = data.draw(st.permutations(range(len(queue))))
    events: list[dict[str, Any]] = []
    positions = {i: 0 for i in range(len(cands))}
    parts_of = {i: gemini_parts(*c) for i, c in enumerate(cands)}
    for k in order:
        i = queue[k][0]
        part = parts_of[i][positions[i]]  # keep each candidate's own order
        positions[i] += 1
        events.append({"candidates": [{"index": i, "content": {"role": "model", "parts": [part]}}], "responseId": "r1"})
    events.append(
        {"candidates": [{"index": i, "finishReason": "STOP"} for i in range(len(cands))], "usageMetadata": meta}
    )
    translator = StreamTranslator("m", True, DEP)
    out = [b for e in events for b in translator.feed(e)] + translator.finish()
    decoder = SSEDecoder()
    sse = [e for chunk in out for e in decoder.feed(chunk)]
    chunks = [ChatCompletionChunk.model_validate(e.json()) for e in sse[:-1]]
    assert sse[-1].data == "[DONE]"
    assert chunks[-1].usage is not None and chunks[-1].usage.model_dump() == completion.usage.model_dump()
    for choice in completion.choices:
        deltas = [c.choices[0].delta for c in chunks if c.choices and c.choices[0].index == choice.index]
        assert "".join(d.content or "" for d in deltas) == (choice.message.content or "")
        assert "".join(getattr(d, "reasoning_content", None) or "" for d in deltas) == (
            getattr(choice.message, "reasoning_content", None) or ""
        )
        streamed = [(tc.id, tc.function.name, tc.function.arguments) for d in deltas for tc in d.tool_calls or []]  # type: ignore[union-attr]
        assert streamed == [(c.id, c.function.name, c.function.arguments) for c in choice.message.tool_calls or []]  # type: ignore[union-attr]


turn = st.one_of(
    st.tuples(st.just("user"), texts, st.just([])),
    st.tuples(st.just("assistant"), st.one_of(st.none(), texts), calls),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(turn, min_size=1, max_size=6), st.one_of(st.none(), texts))
def test_requests_keep_text_tool_calls_and_results(turns: list[tuple[str, Any, list[Any]]], system: str | None) -> None:
    messages: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
    expected: list[Any] = []  # what Gemini must see, in order: texts, calls, results
    for t, (role, text, fcalls) in enumerate(turns):
        if role == "user":
            messages.append({"role": "user", "content": text})
            expected.append(("text", text))
            continue
        message: dict[str, Any] = {"role": "assistant", "content": text}
        if text:
            expected.append(("text", text))
        if fcalls:
            message["tool_calls"] = [
                {"id": f"c{t}_{k}", "type": "function", "function": {"name": n, "arguments": json.dumps(a)}}
                for k, (n, a) in enumerate(fcalls)
            ]
            expected += [("call", n, a) for n, a in fcalls]
        messages.append(message)
        for k, (n, _) in enumerate(fcalls):
            messages.append({"role": "tool", "tool_call_id": f"c{t}_{k}", "content": f"result {t} {k}"})
            expected.append(("result", n, {"output": f"result {t} {k}"}))
    if not any(m["role"] != "system" and (m.get("content") or m.get("tool_calls")) for m in messages):
        return
    out = to_upstream(ChatRequest(body={"model": "a", "messages": messages}, model="a", stream=False), "m")
    seen: list[Any] = []
    roles = [c["role"] for c in out["contents"]]
    assert all(a != b for a, b in zip(roles, roles[1:], strict=False))  # alternating after merging
    for content in out["contents"]:
        for part in content["parts"]:
            if "text" in part:
                seen.append(("text", part["text"]))
            elif "functionCall" in part:
                seen.append(("call", part["functionCall"]["name"], part["functionCall"]["args"]))
            else:
                seen.append(("result", part["functionResponse"]["name"], part["functionResponse"]["response"]))
    assert seen == expected
    if system:
        assert out["systemInstruction"] == {"parts": [{"text": system}]}
