"""The adapters hand the rate-limit hint on: ``Completion.ratelimit`` and ``StreamResponse.ratelimit``
on success, ``ProviderError.ratelimit`` (and a derived ``retry_after``) on failure.

The transport is the in-memory fake answering one canned response, so this checks the plumbing
only; the parsing is tested on recorded headers in the sibling ``test_ratelimit_*`` files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from freehold.context import RequestContext
from freehold.errors import ProviderError, ProviderRateLimited
from freehold.providers.anthropic import AnthropicDeployment, AnthropicProvider
from freehold.providers.azure import AzureDeployment, AzureProvider
from freehold.providers.base import Completion, RateLimitHint, StreamResponse
from freehold.providers.openai_compat import OpenAICompatProvider, OpenAIDeployment
from freehold.schemas.chat import ChatRequest, parse_chat, parse_embeddings
from freehold.transport.fake import FakeReply, FakeTransport

CTX = RequestContext("internal", "chat")

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CHAT = orjson.dumps({"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "m", "choices": []})
OPENAI_STREAM = b'data: {"id":"c","object":"chat.completion.chunk","choices":[]}\n\ndata: [DONE]\n\n'


def fixture(vendor: str, name: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((FIXTURES / vendor / name).read_text())
    return spec


def reply(status: int, headers: dict[str, str], body: bytes) -> FakeTransport:
    """A transport answering once with ``body``; a 200 is a stream when its ``content-type`` says so."""
    return FakeTransport(FakeReply(status, headers, (body,)))


def chat_request(stream: bool = False) -> ChatRequest:
    body: dict[str, Any] = {"model": "alias", "messages": [{"role": "user", "content": "hi"}], "stream": stream}
    return parse_chat(orjson.dumps(body))


async def drain(resp: StreamResponse) -> bytes:
    return b"".join([chunk async for chunk in resp.events])


def openai(transport: FakeTransport) -> OpenAICompatProvider:
    config = OpenAIDeployment(provider="openai", model="local-model", api_base="http://127.0.0.1:9/v1")
    return OpenAICompatProvider("dep", config, transport)


def azure(transport: FakeTransport, monkeypatch: pytest.MonkeyPatch) -> AzureProvider:
    monkeypatch.setenv("AZ_KEY", "az-key-123")
    config = AzureDeployment.model_validate(
        {
            "provider": "azure",
            "model": "gpt-4o-mini",
            "api_base": "https://res.openai.azure.com",
            "api_key": "env:AZ_KEY",
        }
    )
    return AzureProvider("az", config, transport)


def anthropic(transport: FakeTransport, monkeypatch: pytest.MonkeyPatch) -> AnthropicProvider:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    config = AnthropicDeployment.model_validate(
        {"provider": "anthropic", "model": "claude-sonnet-4-5", "api_base": "http://127.0.0.1:9"}
    )
    return AnthropicProvider("claude", config, transport)


# --- openai (and every preset) ---------------------------------------------------------------


async def test_openai_completion_carries_the_hint() -> None:
    spec = fixture("openai", "ratelimit_chat_200.json")
    answer = await openai(reply(200, spec["headers"], CHAT)).chat(CTX, chat_request())
    assert isinstance(answer, Completion) and answer.body == CHAT
    assert answer.ratelimit == RateLimitHint(**spec["hint"])


async def test_openai_stream_carries_the_hint() -> None:
    spec = fixture("openai", "ratelimit_groq_200.json")
    headers = {k: v for k, v in spec["headers"].items() if k.lower() != "content-type"}
    headers["content-type"] = "text/event-stream; charset=utf-8"  # the recorded headers are a JSON answer's
    resp = await openai(reply(200, headers, OPENAI_STREAM)).chat_stream(CTX, chat_request(stream=True))
    assert resp.ratelimit == RateLimitHint(**spec["hint"])
    assert await drain(resp) == OPENAI_STREAM


async def test_openai_embeddings_carry_the_hint() -> None:
    headers = {"x-ratelimit-remaining-requests": "2999", "x-ratelimit-remaining-tokens": "999990"}
    provider = openai(reply(200, headers, b'{"object": "list", "data": []}'))
    answer = await provider.embed(CTX, parse_embeddings(orjson.dumps({"model": "e", "input": "x"})))
    assert answer.ratelimit == RateLimitHint(remaining_requests=2999, remaining_tokens=999990)


async def test_openai_without_headers_has_no_hint() -> None:
    spec = fixture("openai", "ratelimit_vllm_200.json")
    answer = await openai(reply(200, spec["headers"], CHAT)).chat(CTX, chat_request())
    assert answer.ratelimit is None


@pytest.mark.parametrize("stream", [False, True])
async def test_openai_429_carries_the_hint_and_its_wait(stream: bool) -> None:
    spec = fixture("openai", "ratelimit_429_requests.json")
    provider = openai(reply(429, spec["headers"], orjson.dumps(spec["body"])))
    with pytest.raises(ProviderRateLimited) as caught:
        await (provider.chat_stream(CTX, chat_request(True)) if stream else provider.chat(CTX, chat_request()))
    assert caught.value.retry_after == pytest.approx(19.68)
    assert caught.value.ratelimit == RateLimitHint(**spec["hint"])


# --- azure -------------------------------------------------------------------------------------


async def test_azure_completion_carries_the_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = fixture("azure", "ratelimit_chat_200.json")
    answer = await azure(reply(200, spec["headers"], CHAT), monkeypatch).chat(CTX, chat_request())
    assert answer.ratelimit == RateLimitHint(**spec["hint"])


async def test_azure_uses_its_own_reading_on_errors_and_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = fixture("azure", "ratelimit_429_reset_tokens.json")
    provider = azure(reply(429, spec["headers"], orjson.dumps(spec["body"])), monkeypatch)
    with pytest.raises(ProviderRateLimited) as caught:
        await provider.chat_stream(CTX, chat_request(True))
    assert caught.value.retry_after == 55.0  # from x-rate-limit-reset-tokens, which OpenAI's reading ignores
    assert caught.value.ratelimit == RateLimitHint(remaining_requests=59, reset_tokens=55.0)
    stream_headers = {"x-ratelimit-remaining-tokens": "0", "x-rate-limit-reset-tokens": "9"}
    resp = await azure(reply(200, stream_headers, OPENAI_STREAM), monkeypatch).chat_stream(CTX, chat_request(True))
    assert resp.ratelimit == RateLimitHint(remaining_tokens=0, reset_tokens=9.0)
    await drain(resp)


# --- anthropic ---------------------------------------------------------------------------------


async def test_anthropic_completion_carries_the_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = {
        "request-id": "req_1",
        "anthropic-ratelimit-requests-remaining": "49",
        "anthropic-ratelimit-input-tokens-remaining": "39000",
        "anthropic-ratelimit-output-tokens-remaining": "7000",
    }
    body = (FIXTURES / "anthropic" / "message_text.json").read_bytes()
    answer = await anthropic(reply(200, headers, body), monkeypatch).chat(CTX, chat_request())
    assert answer.ratelimit == RateLimitHint(remaining_requests=49, remaining_tokens=7000)
    assert orjson.loads(answer.body)["object"] == "chat.completion"


async def test_anthropic_stream_carries_the_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = {"anthropic-ratelimit-requests-remaining": "48", "anthropic-ratelimit-tokens-remaining": "1000"}
    body = (FIXTURES / "anthropic" / "stream_text.sse").read_bytes()
    resp = await anthropic(reply(200, headers, body), monkeypatch).chat_stream(CTX, chat_request(True))
    assert resp.ratelimit == RateLimitHint(remaining_requests=48, remaining_tokens=1000)
    assert (await drain(resp)).endswith(b"data: [DONE]\n\n")


async def test_anthropic_error_carries_the_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = fixture("anthropic", "ratelimit_429.json")
    provider = anthropic(reply(429, spec["headers"], orjson.dumps(spec["body"])), monkeypatch)
    with pytest.raises(ProviderError) as caught:
        await provider.chat(CTX, chat_request())
    assert isinstance(caught.value, ProviderRateLimited)
    hint = caught.value.ratelimit
    assert isinstance(hint, RateLimitHint) and hint.remaining_requests == 0 and hint.remaining_tokens == 7200
