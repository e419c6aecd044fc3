"""Azure OpenAI provider: config, URL and header building, error classification, recorded payloads."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openai.types import CreateEmbeddingResponse
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from pydantic import ValidationError

from freehold.errors import (
    ContextWindowExceeded,
    ModelUnavailable,
    ProviderAuthError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderUnavailable,
)
from freehold.providers.azure import (
    DEFAULT_API_VERSION,
    AzureDeployment,
    AzureProvider,
    auth_headers,
    endpoint_urls,
    parse_error,
)
from freehold.providers.openai_compat import to_upstream
from freehold.transport.http import HttpClient
from freehold.transport.sse import SSEDecoder

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "azure"
DEP = "smart/azure/gpt-4o-mini"
KEY = "azk-Ab12Cd34Ef56Gh78Ij90"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def config(monkeypatch: pytest.MonkeyPatch, **fields: Any) -> AzureDeployment:
    monkeypatch.setenv("AZ_KEY", KEY)
    monkeypatch.setenv("AZ_TOKEN", "entra-token-xyz")
    data = {"provider": "azure", "model": "gpt-4o-mini", "api_base": "https://res.openai.azure.com", **fields}
    if "api_key" not in fields and "azure_ad_token" not in fields:
        data["api_key"] = "env:AZ_KEY"
    return AzureDeployment.model_validate(data)


# --- config -------------------------------------------------------------------------------


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = config(monkeypatch, api_base="https://res.openai.azure.com/")
    assert cfg.api_base == "https://res.openai.azure.com"
    assert cfg.api_version == DEFAULT_API_VERSION == "2024-10-21"
    assert cfg.deployment is None
    assert KEY not in repr(cfg)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"api_key": None}, "exactly one of 'api_key'"),
        ({"azure_ad_token": "env:AZ_TOKEN"}, "exactly one of 'api_key'"),
        ({"api_base": "res.openai.azure.com"}, "must start with https://"),
        ({"api_base": "https://res.openai.azure.com/openai"}, "resource endpoint only"),
        ({"api_base": "https://res.openai.azure.com/openai/deployments/x"}, "resource endpoint only"),
        ({"api_version": "2024-10-21&x=1"}, "pattern"),
        ({"deployment": ""}, "at least 1"),
    ],
)
def test_invalid_configs(monkeypatch: pytest.MonkeyPatch, fields: dict[str, Any], says: str) -> None:
    monkeypatch.setenv("AZ_KEY", KEY)
    monkeypatch.setenv("AZ_TOKEN", "entra-token-xyz")
    data = {"provider": "azure", "model": "m", "api_base": "https://res.openai.azure.com", "api_key": "env:AZ_KEY"}
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(ValidationError, match=says):
        AzureDeployment.model_validate(data)


# --- URLs and headers ---------------------------------------------------------------------


def test_urls_name_the_deployment_and_version(monkeypatch: pytest.MonkeyPatch) -> None:
    chat, embeddings = endpoint_urls(config(monkeypatch, deployment="prod-chat", api_version="2025-04-01-preview"))
    assert (
        chat
        == "https://res.openai.azure.com/openai/deployments/prod-chat/chat/completions?api-version=2025-04-01-preview"
    )
    assert (
        embeddings
        == "https://res.openai.azure.com/openai/deployments/prod-chat/embeddings?api-version=2025-04-01-preview"
    )


def test_deployment_defaults_to_model_and_is_quoted(monkeypatch: pytest.MonkeyPatch) -> None:
    chat, _ = endpoint_urls(config(monkeypatch))
    assert "/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21" in chat
    chat, _ = endpoint_urls(config(monkeypatch, deployment="team a/chat"))
    assert "/deployments/team%20a%2Fchat/chat/completions" in chat


def test_api_key_header(monkeypatch: pytest.MonkeyPatch) -> None:
    headers, secrets = auth_headers(config(monkeypatch, headers={"x-ms-useragent": "freehold"}))
    assert headers == {"Content-Type": "application/json", "x-ms-useragent": "freehold", "api-key": KEY}
    assert secrets == (KEY,)


def test_entra_token_header(monkeypatch: pytest.MonkeyPatch) -> None:
    headers, secrets = auth_headers(config(monkeypatch, azure_ad_token="env:AZ_TOKEN"))
    assert headers["Authorization"] == "Bearer entra-token-xyz" and "api-key" not in headers
    assert secrets == ("entra-token-xyz",)


def test_adapter_uses_azure_urls_headers_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = AzureProvider("d", config(monkeypatch, deployment="prod", model="o4-mini"), HttpClient())
    assert provider._chat_url.endswith("/openai/deployments/prod/chat/completions?api-version=2024-10-21")
    assert provider._headers["api-key"] == KEY
    assert provider._parse_error is parse_error
    assert provider._params is not None and provider._params.completion_tokens  # o4-mini's quirks, from the catalog
    assert provider.capabilities.embeddings


# --- errors -------------------------------------------------------------------------------


def test_content_filter_is_rejected_with_its_code_and_categories() -> None:
    err = parse_error(400, fixture("error_content_filter.json"), {}, DEP)
    assert type(err) is ProviderRejected
    assert err.code == "content_filter" and err.status == 400 and err.upstream_status == 400
    assert err.message.startswith("The response was filtered due to the prompt triggering")
    assert err.message.endswith("(filtered categories: violence)")
    assert err.param == "prompt"
    assert not err.fallback_ok and not err.retryable


def test_rate_limit_keeps_retry_after_ms_and_drops_numeric_code() -> None:
    headers = json.loads(fixture("error_rate_limit.headers.json"))
    err = parse_error(429, fixture("error_rate_limit.json"), headers, DEP)
    assert isinstance(err, ProviderRateLimited)
    assert err.retry_after == 5.5  # retry-after-ms is the precise one
    assert err.code == "rate_limit_exceeded"
    assert err.retryable and err.fallback_ok
    only_seconds = {k: v for k, v in headers.items() if k != "retry-after-ms"}
    assert parse_error(429, fixture("error_rate_limit.json"), only_seconds, DEP).retry_after == 6.0


def test_unauthorized() -> None:
    err = parse_error(401, fixture("error_unauthorized.json"), {}, DEP)
    assert isinstance(err, ProviderAuthError) and err.code == "upstream_auth_failed"


def test_deployment_not_found_keeps_azure_code() -> None:
    err = parse_error(404, fixture("error_deployment_not_found.json"), {}, DEP)
    assert isinstance(err, ModelUnavailable) and err.code == "DeploymentNotFound" and err.fallback_ok


def test_context_length() -> None:
    err = parse_error(400, fixture("error_context_length.json"), {}, DEP)
    assert isinstance(err, ContextWindowExceeded) and err.param == "messages"


def test_server_error_and_unsupported_version() -> None:
    assert isinstance(parse_error(500, fixture("error_server.json"), {}, DEP), ProviderUnavailable)
    err = parse_error(400, fixture("error_api_version.json"), {}, DEP)
    assert type(err) is ProviderRejected and err.code == "BadRequest" and "API version not supported" in err.message


def test_secrets_are_redacted() -> None:
    raw = orjson.dumps({"error": {"code": "content_filter", "message": f"bad key {KEY} sk-abcdefghijk"}})
    err = parse_error(400, raw, {}, DEP, (KEY,))
    assert KEY not in err.message and "sk-abcdefghijk" not in err.message


def test_non_json_error_body() -> None:
    err = parse_error(502, b"<html>Bad Gateway</html>", {}, DEP)
    assert isinstance(err, ProviderUnavailable) and "Bad Gateway" in err.message


# --- recorded payloads parse with the SDK's own types -------------------------------------


def test_recorded_answers_parse_with_sdk_types() -> None:
    completion = ChatCompletion.model_validate_json(fixture("chat_response.json"))
    assert completion.choices[0].message.content is not None
    assert completion.usage is not None and completion.usage.prompt_tokens_details is not None
    assert completion.usage.prompt_tokens_details.cached_tokens == 64
    tools = ChatCompletion.model_validate_json(fixture("chat_response_tools.json"))
    assert tools.choices[0].message.tool_calls is not None
    embeddings = CreateEmbeddingResponse.model_validate_json(fixture("embeddings_response.json"))
    assert len(embeddings.data[0].embedding) == 4


def _events(name: str) -> list[str]:
    raw = fixture(name)
    decoder = SSEDecoder()
    events = []
    for i in range(0, len(raw), 37):  # the socket's pieces never line up with events
        events += decoder.feed(raw[i : i + 37])
    events += decoder.flush()
    return [e.data for e in events]


def test_recorded_stream_opens_with_prompt_filter_chunk() -> None:
    data = _events("chat_stream.sse")
    assert data[-1] == "[DONE]"
    chunks = [ChatCompletionChunk.model_validate_json(d) for d in data[1:-1]]
    first = json.loads(data[0])
    assert first["choices"] == [] and first["id"] == "" and "prompt_filter_results" in first
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Hello from Azure."
    assert chunks[-1].choices == [] and chunks[-1].usage is not None and chunks[-1].usage.total_tokens == 29
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"


def test_recorded_tool_stream_assembles() -> None:
    data = _events("chat_stream_tools.sse")
    chunks = [ChatCompletionChunk.model_validate_json(d) for d in data[1:-1]]
    args = "".join(
        (call.function.arguments or "") if call.function else ""
        for c in chunks
        for ch in c.choices
        for call in ch.delta.tool_calls or []
    )
    assert json.loads(args) == {"city": "Paris"}
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


# --- the request body: forwarded as sent, model rewritten ---------------------------------


def test_recorded_request_forwarded_untouched() -> None:
    body = json.loads(fixture("chat_request.json"))
    sent = orjson.loads(to_upstream(body, "gpt-4o-mini-prod"))
    assert sent == {**body, "model": "gpt-4o-mini-prod"}


_text = st.text(max_size=40)
_message = st.fixed_dictionaries({"role": st.sampled_from(["system", "user", "assistant"]), "content": _text})
_tool_call = st.fixed_dictionaries(
    {
        "id": st.text(min_size=1, max_size=12),
        "type": st.just("function"),
        "function": st.fixed_dictionaries({"name": st.text(min_size=1, max_size=12), "arguments": _text}),
    }
)


@given(
    messages=st.lists(_message, min_size=1, max_size=5),
    calls=st.lists(_tool_call, max_size=3),
    usage=st.fixed_dictionaries({"prompt_tokens": st.integers(0, 10**6), "completion_tokens": st.integers(0, 10**6)}),
)
def test_round_trip_preserves_text_tool_calls_and_usage(
    messages: list[dict[str, Any]], calls: list[dict[str, Any]], usage: dict[str, int]
) -> None:
    if calls:
        messages = [*messages, {"role": "assistant", "content": None, "tool_calls": calls}]
    body = {"model": "alias", "messages": messages, "metadata": {"usage": usage}}
    sent = orjson.loads(to_upstream(body, "gpt-4o-mini"))
    assert sent["messages"] == messages and sent["metadata"] == {"usage": usage} and sent["model"] == "gpt-4o-mini"


@given(
    name=st.sampled_from(["chat_stream.sse", "chat_stream_tools.sse"]), cuts=st.lists(st.integers(1, 4000), max_size=12)
)
def test_stream_relay_is_byte_exact_however_split(name: str, cuts: list[int]) -> None:
    """The relay passes Azure's stream (text, tool calls, usage) through byte for byte."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        provider = AzureProvider("d", config(monkeypatch), HttpClient())
    raw = fixture(name)
    points = sorted({c % len(raw) for c in cuts} | {0, len(raw)})
    pieces = [raw[a:b] for a, b in zip(points, points[1:], strict=False) if b > a]

    async def source() -> AsyncIterator[bytes]:
        for piece in pieces:
            yield piece

    async def collect() -> bytes:
        return b"".join([chunk async for chunk in provider._relay(source())])

    assert asyncio.run(collect()) == raw
