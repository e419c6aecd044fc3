"""The contract suite's tools: building a provider of any registered type over the fake transport, and reading
its canonical answers as a client does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from freehold.context import RequestContext
from freehold.providers.base import StreamResponse
from freehold.providers.registry import PROVIDERS
from freehold.schemas.chat import ChatRequest, parse_chat
from freehold.transport.fake import FakeTransport
from freehold.transport.sse import SSEDecoder
from tests.contract.vendors import vendor_for

CTX = RequestContext("internal", "chat")
MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello."}]
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
TYPES = sorted(PROVIDERS)


def declaring(ability: str) -> list[str]:
    """The provider types whose declared ``Capabilities`` include ``ability``."""
    return [t for t in TYPES if getattr(PROVIDERS[t].capabilities, ability)]


def wire_types(types: list[str]) -> list[str]:
    """Those of ``types`` that talk to an upstream (every one but ``simulated``)."""
    return [t for t in types if vendor_for(t).wire]


@dataclass
class Built:
    provider: Any  # a ChatProvider, with whichever optional abilities its type declares
    fake: FakeTransport


Make = Callable[..., Built]
"""``make(provider_type, *setups)``: the ``make`` fixture."""


def chat(stream: bool = False, with_tools: bool = False, usage: bool = True, **extra: Any) -> ChatRequest:
    """A client's request; streams ask for usage unless told not to, so the last chunk carries it."""
    body: dict[str, Any] = {"model": "alias", "messages": MESSAGES, **extra}
    if stream:
        body["stream"] = True
        if usage:
            body["stream_options"] = {"include_usage": True}
    if with_tools:
        body["tools"] = [WEATHER]
    return parse_chat(orjson.dumps(body))


def whole(body: bytes) -> ChatCompletion:
    """The canonical answer, as the ``openai`` SDK reads it."""
    completion = ChatCompletion.model_validate_json(body)
    assert completion.object == "chat.completion" and completion.choices
    return completion


async def chunks_of(resp: StreamResponse) -> list[ChatCompletionChunk]:
    """Every chunk of a canonical stream, its OpenAI framing checked on the way."""
    raw = b"".join([piece async for piece in resp.chunks()])
    decoder = SSEDecoder()
    events = decoder.feed(raw) + decoder.flush()
    assert raw.endswith(b"data: [DONE]\n\n"), raw[-200:]
    assert [e.data for e in events].count("[DONE]") == 1
    assert all(e.event == "message" for e in events), "OpenAI streams are bare data: events"
    chunks = []
    for event in events[:-1]:
        data = orjson.loads(event.data)
        if not data.get("choices") and data.get("usage") is None:
            # Azure opens with a prompt-filter annotation (no id, no object) that carries no answer:
            # relayed as sent, and the SDK passes it through unvalidated.
            assert event is events[0] and "prompt_filter_results" in data
            continue
        chunks.append(ChatCompletionChunk.model_validate(data))
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks if c.choices}) == 1, "one id for the whole answer"
    return chunks


@dataclass
class Joined:
    """A stream's deltas joined the way a client joins them."""

    text: str
    calls: list[tuple[str, str, str]]  # id, name, arguments
    finish: str | None
    usage: Any


def join(chunks: list[ChatCompletionChunk]) -> Joined:
    text = ""
    calls: dict[int, list[str]] = {}
    finish = None
    usage = None
    answering = [c for c in chunks if c.choices]
    assert answering[0].choices[0].delta.role == "assistant"
    for chunk in chunks:
        if not chunk.choices:
            if chunk.usage is not None:
                assert chunk is chunks[-1], "the usage chunk comes last"
                usage = chunk.usage
            continue
        assert finish is None, "nothing but usage follows the finish_reason"
        assert chunk.usage is None, "only the last chunk, without choices, carries usage"
        choice = chunk.choices[0]
        text += choice.delta.content or ""
        for call in choice.delta.tool_calls or ():
            slot = calls.setdefault(call.index, ["", "", ""])
            if call.id:
                assert not slot[0], "a call's id and name come once, in its first delta"
                slot[0], slot[1] = call.id, call.function.name if call.function and call.function.name else ""
            slot[2] += (call.function.arguments or "") if call.function else ""
        finish = choice.finish_reason
    return Joined(text, [(c[0], c[1], c[2]) for _, c in sorted(calls.items())], finish, usage)
