"""Gemini provider: the stream translator on recorded SSE fixtures, in any chunking (no network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from freehold.errors import ProviderRejected, ProviderResponseInvalid, ProviderUnavailable
from freehold.providers.emulation import Plan
from freehold.providers.gemini.stream import StreamTranslator
from freehold.providers.gemini.translate import from_upstream
from freehold.transport.sse import SSEDecoder

FIXTURES = Path(__file__).parents[2] / "fixtures" / "gemini"
DEP = "smart/gemini/gemini-2.5-flash"


def split(raw: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(raw) + 1) for c in cuts})
    return [raw[a:b] for a, b in zip([0, *points], [*points, len(raw)], strict=True)]


def translate(
    name: str, include_usage: bool = True, cuts: list[int] | None = None, plan: Plan | None = None
) -> list[bytes]:
    """Decode a fixture's bytes in pieces and run every event through the translator, then finish."""
    raw = (FIXTURES / name).read_bytes()
    decoder = SSEDecoder()
    translator = StreamTranslator("gemini-2.5-flash", include_usage, DEP, plan)
    out: list[bytes] = []
    for piece in split(raw, cuts or []):
        for event in decoder.feed(piece):
            out += translator.feed(event.json())
    for event in decoder.flush():
        out += translator.feed(event.json())
    return out + [c for c in translator.finish() if c]


def chunks(out: list[bytes]) -> list[ChatCompletionChunk]:
    """Parse OpenAI SSE bytes the way the SDK does, checking the framing and the final [DONE]."""
    decoder = SSEDecoder()
    events = [e for piece in out for e in decoder.feed(piece)]
    assert events[-1].data == "[DONE]"
    assert all(e.data != "[DONE]" for e in events[:-1])
    return [ChatCompletionChunk.model_validate(e.json()) for e in events[:-1]]


@given(st.lists(st.integers(min_value=0, max_value=5000), max_size=12))
def test_text_stream_with_thoughts_in_any_chunking(cuts: list[int]) -> None:
    parsed = chunks(translate("stream_text.sse", cuts=cuts))
    assert parsed[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in parsed if c.choices)
    thoughts = "".join(getattr(c.choices[0].delta, "reasoning_content", None) or "" for c in parsed if c.choices)
    assert text == "Autumn moonlight—\na worm digs silently\ninto the chestnut."
    assert thoughts == "**Planning**\nA haiku needs 5-7-5."
    finishes = [c.choices[0].finish_reason for c in parsed if c.choices]
    assert finishes[-1] == "stop" and finishes.count("stop") == 1
    last = parsed[-1]
    assert last.choices == [] and last.usage is not None
    assert (last.usage.prompt_tokens, last.usage.completion_tokens, last.usage.total_tokens) == (7, 29, 36)
    assert last.usage.completion_tokens_details and last.usage.completion_tokens_details.reasoning_tokens == 19
    assert last.usage.prompt_tokens_details and last.usage.prompt_tokens_details.cached_tokens == 3
    assert len({c.id for c in parsed}) == 1


def test_without_include_usage_there_is_no_usage_chunk() -> None:
    parsed = chunks(translate("stream_text.sse", include_usage=False))
    assert all(c.choices for c in parsed) and all(c.usage is None for c in parsed)


def test_tool_calls_stream_as_whole_deltas_with_the_same_ids_as_a_whole_answer() -> None:
    parsed = chunks(translate("stream_tools.sse"))
    deltas = [tc for c in parsed if c.choices for tc in c.choices[0].delta.tool_calls or []]
    assert [(d.index, d.function.name, json.loads(d.function.arguments)) for d in deltas] == [  # type: ignore[union-attr,arg-type]
        (0, "get_weather", {"city": "Paris"}),
        (1, "get_weather", {"city": "Tokyo"}),
    ]
    assert all(d.type == "function" and d.id and d.id.startswith("call_") for d in deltas)
    assert deltas[0].model_extra == {"extra_content": {"google": {"thought_signature": "Q2lRQjBlMkhy"}}}
    assert [c.choices[0].finish_reason for c in parsed if c.choices][-1] == "tool_calls"
    # The same calls answered whole carry the same ids.
    whole: dict[str, Any] = {"candidates": [{"content": {"parts": []}, "finishReason": "STOP"}]}
    decoder = SSEDecoder()
    events = [e.json() for e in decoder.feed((FIXTURES / "stream_tools.sse").read_bytes())]
    for event in events:
        whole["candidates"][0]["content"]["parts"] += event["candidates"][0]["content"]["parts"]
    whole["responseId"] = events[0]["responseId"]
    calls = ChatCompletion.model_validate(from_upstream(whole, "m", DEP)).choices[0].message.tool_calls or []
    assert [c.id for c in calls] == [d.id for d in deltas]


def test_one_tool_call_streams_the_first_call_only() -> None:
    parsed = chunks(translate("stream_tools.sse", plan=Plan(one_tool_call=True)))
    deltas = [tc for c in parsed if c.choices for tc in c.choices[0].delta.tool_calls or []]
    assert [(d.index, json.loads(d.function.arguments or "")) for d in deltas] == [(0, {"city": "Paris"})]  # type: ignore[union-attr]
    assert [c.choices[0].finish_reason for c in parsed if c.choices][-1] == "tool_calls"


def test_stream_ending_without_finish_reason_is_cut() -> None:
    with pytest.raises(ProviderResponseInvalid) as info:
        translate("stream_cut.sse")
    assert "finishReason" in info.value.message


def test_error_event_mid_stream_is_classified() -> None:
    with pytest.raises(ProviderUnavailable) as info:
        translate("stream_error.sse")
    assert info.value.upstream_status == 503 and info.value.retryable


def test_blocked_prompt_in_a_stream() -> None:
    with pytest.raises(ProviderRejected) as info:
        translate("stream_blocked.sse")
    assert info.value.code == "content_filter" and "PROHIBITED_CONTENT" in info.value.message


def test_several_candidates_must_all_finish() -> None:
    translator = StreamTranslator("m", False, DEP)
    out = translator.feed(
        {"candidates": [{"content": {"parts": [{"text": "a"}]}}, {"index": 1, "content": {"parts": [{"text": "b"}]}}]}
    )
    out += translator.feed({"candidates": [{"finishReason": "STOP"}]})
    with pytest.raises(ProviderResponseInvalid):
        translator.finish()
    out += translator.feed({"candidates": [{"index": 1, "finishReason": "MAX_TOKENS"}]})
    parsed = chunks(out + translator.finish())
    by_index: dict[int, str] = {}
    for c in parsed:
        by_index[c.choices[0].index] = by_index.get(c.choices[0].index, "") + (c.choices[0].delta.content or "")
    assert by_index == {0: "a", 1: "b"}
    assert {(c.choices[0].index, c.choices[0].finish_reason) for c in parsed if c.choices[0].finish_reason} == {
        (0, "stop"),
        (1, "length"),
    }


def test_stream_logprobs_ride_on_the_content_delta() -> None:
    translator = StreamTranslator("m", False, DEP)
    result = {"chosenCandidates": [{"token": "Hi", "logProbability": -0.5}], "topCandidates": []}
    out = translator.feed(
        {"candidates": [{"content": {"parts": [{"text": "Hi"}]}, "logprobsResult": result, "finishReason": "STOP"}]}
    )
    parsed = chunks(out + translator.finish())
    content = [c for c in parsed if c.choices[0].delta.content]
    assert content[0].choices[0].logprobs is not None
    assert content[0].choices[0].logprobs.content[0].logprob == -0.5  # type: ignore[index]
