"""A metered stream asks the upstream for its usage, and the client gets only what it asked for.

"Metered": the alias has a ``done`` stage (budgets, the ledger). The provider here honours
``stream_options.include_usage`` as OpenAI does, so what reaches it and what comes back show
what the gateway asked for and what it took out again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from tests.unit.test_pipeline import Provider, Suffix, gateway

from freehold.context import RequestContext
from freehold.gateway import ask_stream_usage
from freehold.pipeline import Stage
from freehold.providers.base import StreamResponse
from freehold.providers.openai_format import ChunkWriter
from freehold.schemas.chat import ChatRequest
from freehold.streaming import AnswerStream

USAGE = {
    "prompt_tokens": 30,
    "completion_tokens": 2,
    "total_tokens": 32,
    "prompt_tokens_details": {"cached_tokens": 20, "audio_tokens": 0},
}


class Honouring(Provider):
    """Streams two words, with ``usage`` exactly when the request asks for it."""

    async def chat_stream(self, ctx: RequestContext, request: ChatRequest) -> StreamResponse:
        self.seen.append(orjson.loads(orjson.dumps(request.body)))  # a copy: the body as sent
        options = request.body.get("stream_options") or {}
        writer = ChunkWriter("m", options.get("include_usage") is True, "chatcmpl-1")
        frames = [
            writer.delta({"role": "assistant", "content": ""}),
            writer.delta({"content": "hi"}),
            writer.delta({"content": " there"}, "stop"),
            writer.usage(USAGE) + writer.done(),
        ]
        return StreamResponse(_pieces(frames))


async def _pieces(frames: list[bytes]) -> AsyncIterator[bytes]:
    for frame in frames:
        yield frame


class Accountant(Stage):
    def __init__(self) -> None:
        self.usage: list[Any] = []

    def done(self, ctx: RequestContext, status: int | str) -> None:
        self.usage.append(ctx.usage)


def chunks_of(stream: bytes) -> list[dict[str, Any]]:
    events = [e for e in stream.split(b"\n\n") if e]
    assert events[-1] == b"data: [DONE]"
    return [orjson.loads(e[len(b"data: ") :]) for e in events[:-1]]


async def run(stages: list[Stage], options: dict[str, Any] | None) -> tuple[Honouring, RequestContext, bytes]:
    provider = Honouring("p")
    gw = gateway({"a": provider}, [(s, None) for s in stages])
    body: dict[str, Any] = {"model": "a", "messages": [{"role": "user", "content": "x"}], "stream": True}
    if options is not None:
        body["stream_options"] = options
    ctx = RequestContext("internal", "chat")
    answer = await gw.chat(ctx, ChatRequest(body=body, model="a", stream=True))
    assert isinstance(answer.result, AnswerStream)
    out = b"".join([piece async for piece in answer.result.chunks()])
    gw.done(ctx, 200)
    return provider, ctx, out


@pytest.mark.parametrize("stream_stage", [False, True], ids=["bytes", "parsed"])
async def test_a_metered_stream_asks_for_usage_records_it_and_strips_it(stream_stage: bool) -> None:
    accountant = Accountant()
    stages: list[Stage] = [accountant, Suffix("!")] if stream_stage else [accountant]
    provider, ctx, out = await run(stages, None)
    assert provider.seen[0]["stream_options"] == {"include_usage": True}
    chunks = chunks_of(out)
    assert all("usage" not in c and c["choices"] for c in chunks)  # no usage-only chunk, no usage member
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text == ("!hi! there!" if stream_stage else "hi there")  # the stage saw every text chunk once
    record = accountant.usage[0]
    assert record is ctx.usage and not record.estimated
    assert (record.prompt_tokens, record.completion_tokens, record.cached_input_tokens) == (30, 2, 20)


async def test_the_client_s_own_stream_options_are_kept() -> None:
    provider, _, out = await run([Accountant()], {"include_usage": False, "include_obfuscation": False})
    assert provider.seen[0]["stream_options"] == {"include_usage": True, "include_obfuscation": False}
    assert b'"usage"' not in out


async def test_a_client_that_asked_keeps_its_usage() -> None:
    accountant = Accountant()
    _, _, out = await run([accountant], {"include_usage": True})
    chunks = chunks_of(out)
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"] == USAGE
    assert all("usage" in c for c in chunks)  # null until the last, as OpenAI sends it
    assert not accountant.usage[0].estimated


async def test_an_unmetered_stream_is_left_as_the_client_asked() -> None:
    provider, ctx, out = await run([Suffix("!")], None)
    assert "stream_options" not in provider.seen[0]
    assert b'"usage"' not in out and ctx.usage is None


def test_ask_stream_usage() -> None:
    body: dict[str, Any] = {"stream_options": {"include_usage": True}}
    assert not ask_stream_usage(body) and body == {"stream_options": {"include_usage": True}}
    body = {}
    assert ask_stream_usage(body) and body == {"stream_options": {"include_usage": True}}
