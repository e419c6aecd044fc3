"""Every provider type answers in the canonical format: whole, streamed, with tools, with usage.

Each scenario runs for every registered provider type whose ``Capabilities`` declare it, over the
fake transport serving that vendor's recorded answers (``vendors.py``); streams are also served
cut into pieces at arbitrary points. The canonical answers are read with the ``openai`` SDK's types.
"""

from __future__ import annotations

import json

import pytest

from freehold.errors import ProviderError, ProviderResponseInvalid
from freehold.providers.registry import PROVIDERS
from freehold.transport.fake import FakeReply
from tests.contract.harness import CTX, TYPES, Make, chat, chunks_of, declaring, join, whole, wire_types
from tests.contract.vendors import Setup, has_fixture_set, vendor_for

STREAMING = declaring("streaming")
TOOLS = declaring("tools")
SPLITS = [None, 1, 2]
"""How a recorded stream is cut into pieces: whole, or at the random points of a seed."""


def splits(types: list[str]) -> list[tuple[str, int | None]]:
    """(type, split) pairs: every split for the wire types, one run for ``simulated``."""
    return [(t, s) for t in types for s in (SPLITS if vendor_for(t).wire else [None])]


def test_every_provider_type_has_a_fixture_set() -> None:
    assert [t for t in TYPES if not has_fixture_set(t)] == []
    assert all(PROVIDERS[t].capabilities.chat for t in TYPES)


@pytest.mark.parametrize("provider_type", TYPES)
async def test_whole_text_answer(make: Make, provider_type: str) -> None:
    vendor = vendor_for(provider_type)
    built = make(provider_type, vendor.whole("text"))
    answer = await built.provider.chat(CTX, chat())
    completion = whole(answer.body)
    choice = completion.choices[0]
    assert choice.message.role == "assistant" and choice.finish_reason == "stop"
    assert choice.message.content and choice.message.tool_calls is None
    if vendor.text.text is not None:
        assert choice.message.content == vendor.text.text
    if vendor.request_id is not None:
        assert answer.headers["x-freehold-upstream-request-id"] == vendor.request_id
    if vendor.wire:
        assert len(built.fake.requests) == 1 and not vendor.streams(built.fake.last)
    if vendor.relays:  # the client's body, only the model rewritten; the answer's bytes as received
        assert built.fake.last.json() == {**chat().body, "model": vendor.config["model"]}
        assert answer.body == vendor.answers["text"][0]


@pytest.mark.parametrize(("provider_type", "split"), splits(STREAMING))
async def test_stream_equals_the_whole_answer(make: Make, provider_type: str, split: int | None) -> None:
    vendor = vendor_for(provider_type)
    built = make(provider_type, vendor.whole("text"), vendor.streamed("text", split))
    completion = whole((await built.provider.chat(CTX, chat())).body)
    resp = await built.provider.chat_stream(CTX, chat(stream=True))
    if vendor.request_id is not None:
        assert resp.headers["x-freehold-upstream-request-id"] == vendor.request_id
    if vendor.wire:
        assert vendor.streams(built.fake.last)
    got = join(await chunks_of(resp))
    assert got.text == completion.choices[0].message.content
    assert got.finish == "stop" and got.calls == []
    assert built.fake.open == 0, "the upstream stream was let go"


@pytest.mark.parametrize("provider_type", [t for t in STREAMING if not vendor_for(t).relays])
async def test_a_stream_carries_usage_only_when_asked(make: Make, provider_type: str) -> None:
    built = make(provider_type, vendor_for(provider_type).streamed("text"))
    raw = b"".join([c async for c in (await built.provider.chat_stream(CTX, chat(stream=True, usage=False))).chunks()])
    assert b'"usage"' not in raw and raw.endswith(b"data: [DONE]\n\n")


@pytest.mark.parametrize("provider_type", TOOLS)
async def test_tool_calls_whole(make: Make, provider_type: str) -> None:
    vendor = vendor_for(provider_type)
    built = make(provider_type, vendor.whole("tools"))
    completion = whole((await built.provider.chat(CTX, chat(with_tools=True))).body)
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    calls = choice.message.tool_calls or []
    assert tuple((c.function.name, json.loads(c.function.arguments)) for c in calls) == vendor.tools.calls  # type: ignore[union-attr]
    assert all(c.type == "function" and c.id for c in calls) and len({c.id for c in calls}) == len(calls)


@pytest.mark.parametrize(("provider_type", "split"), splits([t for t in TOOLS if t in STREAMING]))
async def test_tool_calls_streamed(make: Make, provider_type: str, split: int | None) -> None:
    vendor = vendor_for(provider_type)
    built = make(provider_type, vendor.streamed("tools", split))
    got = join(await chunks_of(await built.provider.chat_stream(CTX, chat(stream=True, with_tools=True))))
    assert got.finish == "tool_calls"
    assert tuple((name, json.loads(args)) for _, name, args in got.calls) == vendor.tools.calls
    assert all(call_id for call_id, _, _ in got.calls) and len({c[0] for c in got.calls}) == len(got.calls)


@pytest.mark.parametrize("provider_type", STREAMING)
@pytest.mark.parametrize("which", ["text", "tools"])
async def test_usage_whole_and_streamed(make: Make, provider_type: str, which: str) -> None:
    vendor = vendor_for(provider_type)
    expected = vendor.text if which == "text" else vendor.tools
    built = make(provider_type, vendor.whole(which), vendor.streamed(which))
    tools = which == "tools"
    answer = await built.provider.chat(CTX, chat(with_tools=tools))
    usage = whole(answer.body).usage
    assert usage is not None and usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    if answer.usage is not None:  # handed on already parsed: the same numbers the body says
        assert answer.usage == json.loads(answer.body)["usage"]
    if expected.usage is not None:
        assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == expected.usage
    details = usage.prompt_tokens_details
    if expected.cached is not None:
        assert details is not None and details.cached_tokens == expected.cached
    if expected.cache_written is not None:
        assert details is not None and details.model_dump()["cache_write_tokens"] == expected.cache_written
    got = join(await chunks_of(await built.provider.chat_stream(CTX, chat(stream=True, with_tools=tools))))
    if expected.streamed_usage:
        assert got.usage is not None and got.usage.model_dump() == usage.model_dump()


FAILING_STREAMS = (
    [(t, "cut") for t in STREAMING]
    + [(t, "ended_early") for t in wire_types(STREAMING)]
    + [(t, "error_event") for t in STREAMING if vendor_for(t).stream_error is not None]
)
"""How a stream fails after its first chunks: the connection cut mid-way, a clean end before the
vendor's final event, the vendor's own error event."""


@pytest.mark.parametrize(("provider_type", "how"), FAILING_STREAMS)
async def test_a_stream_failing_mid_way_raises_after_its_first_chunks(make: Make, provider_type: str, how: str) -> None:
    vendor = vendor_for(provider_type)
    setup = {"cut": vendor.cut, "ended_early": vendor.ended_early, "error_event": vendor.broken_stream}[how]()
    built = make(provider_type, setup)
    resp = await built.provider.chat_stream(CTX, chat(stream=True))
    received: list[bytes] = []
    with pytest.raises(ProviderError) as info:
        async for piece in resp.chunks():
            received.append(piece)
    sent = b"".join(received)
    assert b'"content"' in sent and b"[DONE]" not in sent, "part of the answer came through, then the failure"
    assert info.value.deployment == "contract-dep" and info.value.retryable
    if how == "ended_early":
        assert isinstance(info.value, ProviderResponseInvalid)
    assert built.fake.open == 0, "the upstream stream was let go"


@pytest.mark.parametrize("provider_type", wire_types(TYPES))
async def test_a_200_that_is_not_an_answer_is_invalid(make: Make, provider_type: str) -> None:
    page = FakeReply(200, {"content-type": "text/html"}, (b"<html><body>502 Bad Gateway</body></html>",))
    built = make(provider_type, Setup((page, page)))
    with pytest.raises(ProviderResponseInvalid):
        await built.provider.chat(CTX, chat())
    with pytest.raises(ProviderResponseInvalid):
        await built.provider.chat_stream(CTX, chat(stream=True))
