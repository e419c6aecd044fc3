"""The official ``openai`` SDK, sync and async, against the real gateway in front of the mock."""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import AsyncIterator, Iterator

import openai
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway
from tests.integration.mock_openai import EXPECTED_KEY, MockOpenAI

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello."}]


@pytest.fixture
def client(gateway: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gateway.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


@pytest.fixture
async def aclient(gateway: Gateway) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(base_url=gateway.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


def test_sync_completion_reaches_upstream_with_model_rewritten(
    client: openai.OpenAI, mock_upstream: MockOpenAI
) -> None:
    raw = client.chat.completions.with_raw_response.create(model="gpt", messages=MESSAGES)
    completion = raw.parse()
    assert completion.choices[0].message.content == "Hello from the mock upstream."
    assert completion.usage is not None and completion.usage.total_tokens == 15
    assert raw.headers["x-freehold-deployment"] == "mock-gpt"
    assert raw.headers["x-request-id"].startswith("req_")
    assert raw.headers["x-freehold-upstream-request-id"].startswith("req_mock")
    sent = mock_upstream.last()
    assert sent.body["model"] == "gpt-4o-mini"
    assert sent.body["messages"] == MESSAGES
    # The upstream sees the deployment's key, never the client's gateway key.
    assert sent.headers["Authorization"] == f"Bearer {EXPECTED_KEY}"
    assert MASTER_KEY not in json.dumps(sent.headers)


def test_client_request_id_is_echoed(client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="gpt", messages=MESSAGES, extra_headers={"x-request-id": "trace-abc-123"}
    )
    assert raw.headers["x-request-id"] == "trace-abc-123"


def test_unknown_and_advanced_fields_pass_through_untouched(client: openai.OpenAI, mock_upstream: MockOpenAI) -> None:
    completion = client.chat.completions.create(
        model="gpt",
        messages=MESSAGES,
        n=2,
        seed=42,
        logprobs=True,
        top_logprobs=2,
        temperature=0.25,
        response_format={"type": "json_object"},
        stop=["\n\n"],
        extra_body={"vendor_knob": {"nested": [1, 2.5, None, "x"]}, "top_k": 40},
    )
    assert len(completion.choices) == 2
    assert completion.choices[0].logprobs is not None
    sent = mock_upstream.last().body
    for key, value in {
        "n": 2,
        "seed": 42,
        "logprobs": True,
        "top_logprobs": 2,
        "temperature": 0.25,
        "response_format": {"type": "json_object"},
        "stop": ["\n\n"],
        "vendor_knob": {"nested": [1, 2.5, None, "x"]},
        "top_k": 40,
    }.items():
        assert sent[key] == value, key


def test_sync_stream_with_usage(client: openai.OpenAI, mock_upstream: MockOpenAI) -> None:
    stream = client.chat.completions.create(
        model="gpt", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hello from the mock upstream."
    assert chunks[-1].choices == [] and chunks[-1].usage is not None and chunks[-1].usage.total_tokens == 15
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert mock_upstream.last().body["stream_options"] == {"include_usage": True}


def test_stream_headers(gateway: Gateway, client: openai.OpenAI) -> None:
    with client.chat.completions.with_streaming_response.create(model="gpt", messages=MESSAGES, stream=True) as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        assert resp.headers["x-freehold-deployment"] == "mock-gpt"
        assert "x-request-id" in resp.headers
        body = b"".join(resp.iter_bytes())
    assert body.endswith(b"data: [DONE]\n\n")


def test_tools_non_streaming(client: openai.OpenAI, mock_upstream: MockOpenAI) -> None:
    completion = client.chat.completions.create(
        model="gpt", messages=MESSAGES, tools=[WEATHER_TOOL], tool_choice="auto", parallel_tool_calls=False
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.tool_calls is not None
    call = choice.message.tool_calls[0]
    assert call.function.name == "get_weather" and json.loads(call.function.arguments) == {"city": "Paris"}
    sent = mock_upstream.last().body
    assert sent["tools"] == [WEATHER_TOOL] and sent["parallel_tool_calls"] is False

    # The tool result goes back through the gateway unchanged.
    follow_up = [
        *MESSAGES,
        choice.message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": '{"temp_c": 21}'},
    ]
    client.chat.completions.create(model="gpt", messages=follow_up)
    assert mock_upstream.last().body["messages"][-1] == {
        "role": "tool",
        "tool_call_id": call.id,
        "content": '{"temp_c": 21}',
    }


def test_tools_streaming_arguments_assemble(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(model="gpt", messages=MESSAGES, tools=[WEATHER_TOOL], stream=True)
    name, args, finish = "", "", None
    for chunk in stream:
        for choice in chunk.choices:
            for call in choice.delta.tool_calls or []:
                name += call.function.name or "" if call.function else ""
                args += call.function.arguments or "" if call.function else ""
            finish = choice.finish_reason or finish
    assert name == "get_weather" and json.loads(args) == {"city": "Paris"} and finish == "tool_calls"


def test_stream_helper_accumulates(client: openai.OpenAI) -> None:
    with client.beta.chat.completions.stream(model="gpt", messages=MESSAGES) as stream:
        final = stream.get_final_completion()
    assert final.choices[0].message.content is not None
    assert "mock" in final.choices[0].message.content


async def test_async_completion_and_stream(aclient: openai.AsyncOpenAI) -> None:
    completion = await aclient.chat.completions.create(model="gpt", messages=MESSAGES)
    assert completion.choices[0].message.content == "Hello from the mock upstream."
    stream = await aclient.chat.completions.create(model="gpt", messages=MESSAGES, stream=True)
    pieces = [c.choices[0].delta.content async for c in stream if c.choices and c.choices[0].delta.content]
    assert "".join(pieces) == "Hello from the mock upstream."


async def test_async_tools_stream(aclient: openai.AsyncOpenAI) -> None:
    stream = await aclient.chat.completions.create(
        model="gpt", messages=MESSAGES, tools=[WEATHER_TOOL], tool_choice="required", stream=True
    )
    args = ""
    async for chunk in stream:
        for choice in chunk.choices:
            for call in choice.delta.tool_calls or []:
                args += (call.function.arguments or "") if call.function else ""
    assert json.loads(args) == {"city": "Paris"}


def test_embeddings_float_and_base64(client: openai.OpenAI, mock_upstream: MockOpenAI) -> None:
    # The SDK asks for base64 by default and decodes it itself.
    result = client.embeddings.create(model="embed", input=["a", "b"], dimensions=4)
    assert [len(d.embedding) for d in result.data] == [4, 4]
    assert result.data[1].embedding[0] == pytest.approx(0.2)
    assert mock_upstream.last().body["model"] == "text-embedding-3-small"
    floats = client.embeddings.create(model="embed", input="a", encoding_format="float", dimensions=3)
    assert floats.data[0].embedding == pytest.approx([0.1, 0.11, 0.12])
    raw = client.embeddings.with_raw_response.create(model="embed", input="x", encoding_format="base64")
    b64 = raw.http_response.json()["data"][0]["embedding"]
    assert struct.unpack("<8f", base64.b64decode(b64))[0] == pytest.approx(0.1)
    assert raw.headers["x-freehold-deployment"] == "mock-embed"


def test_models_list_and_retrieve(client: openai.OpenAI) -> None:
    ids = [m.id for m in client.models.list()]
    assert {"gpt", "embed", "sim", "failover"} <= set(ids)
    assert client.models.retrieve("gpt").id == "gpt"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("nope")


def test_wrong_or_missing_key_is_401(gateway: Gateway) -> None:
    with openai.OpenAI(base_url=gateway.base_url, api_key="not-the-key", max_retries=0) as bad:
        with pytest.raises(openai.AuthenticationError) as info:
            bad.chat.completions.create(model="gpt", messages=MESSAGES)
        assert info.value.code == "invalid_api_key"
        with pytest.raises(openai.AuthenticationError):
            bad.models.list()
