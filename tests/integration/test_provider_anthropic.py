"""Anthropic's Messages API, end to end.

The official ``openai`` SDK (sync and async) → the real gateway → the loopback Anthropic mock;
every answer is parsed with the SDK's own types, and what reached the mock is checked in the
Messages API's own terms. The mock itself is checked against the official ``anthropic`` SDK.

The adapter's own scenarios (text, streams, tools, usage, each error kind, cut streams, token
counting) run in ``tests/contract`` over the fake transport; what stays here needs the wire or the
gateway: headers, requests as the mock validates them, errors as the SDK sees them, fallback.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anthropic
import httpx
import openai
import pytest
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from freehold.errors import ProviderAuthError
from tests.integration.conftest import (
    MASTER_KEY,
    SINGLE_ATTEMPT,
    Gateway,
    retry_after_within,
    start_gateway,
    stop_gateway,
)
from tests.integration.mocks.anthropic_mock import EXPECTED_KEY, TEXT, MockAnthropic

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
TIME = {
    "type": "function",
    "function": {"name": "get_time", "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}}},
}
MESSAGES: list[Any] = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello."}]
PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
ERROR_ALIASES = ("authentication", "rate_limit", "overloaded")


def dep(mock: MockAnthropic, model: str, **extra: object) -> dict[str, Any]:
    return {"provider": "anthropic", "model": model, "api_base": mock.base_url, **extra}


@pytest.fixture(scope="module")
def mock() -> Iterator[MockAnthropic]:
    m = MockAnthropic().start()
    yield m
    m.stop()


@pytest.fixture(scope="module")
def gw(mock: MockAnthropic, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    aliases: dict[str, dict[str, Any]] = {
        "claude": {"deployments": [dep(mock, "claude-sonnet-4-5", name="anthropic-main")]},
        "claude-drop": {"deployments": [dep(mock, "claude-sonnet-4-5", name="drop")], "drop_unsupported_params": True},
        "claude-old": {"deployments": [dep(mock, "claude-3-5-haiku-mock")]},
        "claude-beta": {
            "deployments": [
                dep(mock, "claude-sonnet-4-5", name="beta", anthropic_version="2026-10-21", beta=["b-one", "b-two"])
            ]
        },
        "bad-key": {"deployments": [dep(mock, "claude-sonnet-4-5", name="bad-key", api_key="env:WRONG_KEY")]},
        "fallback": {
            "deployments": [
                dep(mock, "error-overloaded", name="overloaded", weight=1000),
                dep(mock, "claude-sonnet-4-5", name="healthy", weight=0.001),
            ]
        },
    }
    for model in ("claude-parallel", "claude-stop", "claude-max", "claude-refusal"):
        aliases[model] = {"deployments": [dep(mock, model)]}
    for name in ERROR_ALIASES:
        aliases[f"error-{name}"] = {"deployments": [dep(mock, f"error-{name}")]}
    g = start_gateway(
        {"aliases": aliases, "routing": SINGLE_ATTEMPT},
        tmp_path_factory.mktemp("anthropic"),
        env={
            "ANTHROPIC_API_KEY": EXPECTED_KEY,
            "WRONG_KEY": "sk-ant-api03-wrong-0000",
            "FREEHOLD_MASTER_KEY": MASTER_KEY,
        },
    )
    yield g
    stop_gateway(g.process)
    log = g.log()
    assert EXPECTED_KEY not in log and "sk-ant-api03-wrong-0000" not in log
    assert "Traceback" not in log


@pytest.fixture
def client(gw: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


@pytest.fixture
async def aclient(gw: Gateway) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


def collect(chunks: list[ChatCompletionChunk]) -> dict[str, Any]:
    """Join a stream's deltas the way a client does, checking OpenAI's framing on the way."""
    out: dict[str, Any] = {"content": "", "reasoning": "", "thinking_blocks": [], "tool_calls": {}, "finish": None}
    assert chunks[0].choices[0].delta.role == "assistant"
    assert len({c.id for c in chunks}) == 1
    for chunk in chunks:
        assert chunk.object == "chat.completion.chunk"
        if not chunk.choices:
            out["usage"] = chunk.usage
            assert chunk is chunks[-1], "the usage chunk comes last"
            continue
        assert out["finish"] is None, "nothing but usage follows the finish_reason chunk"
        delta = chunk.choices[0].delta
        extra = delta.model_extra or {}
        out["content"] += delta.content or ""
        out["reasoning"] += extra.get("reasoning_content") or ""
        out["thinking_blocks"] += extra.get("thinking_blocks") or []
        for call in delta.tool_calls or ():
            slot = out["tool_calls"].setdefault(call.index, {"id": None, "name": None, "arguments": ""})
            if call.id:
                assert slot["id"] is None, "id and name come once, in the call's first delta"
                slot["id"], slot["name"] = call.id, call.function.name  # type: ignore[union-attr]
            slot["arguments"] += (call.function.arguments or "") if call.function else ""
        out["finish"] = chunk.choices[0].finish_reason
    return out


# --- the mock speaks Anthropic's wire format ---------------------------------------------


def test_mock_is_understood_by_the_official_anthropic_sdk(mock: MockAnthropic) -> None:
    with anthropic.Anthropic(base_url=mock.base_url, api_key=EXPECTED_KEY, max_retries=0) as sdk:
        message = sdk.messages.create(
            model="claude-parallel",
            max_tokens=2000,
            thinking={"type": "enabled", "budget_tokens": 1024},
            tools=[{"name": "get_weather", "input_schema": WEATHER["function"]["parameters"]}],  # type: ignore[index]
            messages=[{"role": "user", "content": "Weather?"}],
        )
        assert [b.type for b in message.content] == ["thinking", "tool_use", "tool_use"]
        with sdk.messages.stream(model="claude-x", max_tokens=100, messages=[{"role": "user", "content": "hi"}]) as s:
            final = s.get_final_message()
        assert final.content[0].type == "text" and final.content[0].text == TEXT
        assert sdk.messages.count_tokens(model="m", messages=[{"role": "user", "content": "hi"}]).input_tokens > 0
        with pytest.raises(anthropic.RateLimitError) as info:
            sdk.messages.create(model="error-rate_limit", max_tokens=10, messages=[{"role": "user", "content": "x"}])
        assert retry_after_within(info.value.response.headers["retry-after"], "17")


# --- plain text -------------------------------------------------------------------------------


def test_sync_completion_translates_request_and_answer(client: openai.OpenAI, mock: MockAnthropic) -> None:
    raw = client.chat.completions.with_raw_response.create(model="claude", messages=MESSAGES, temperature=0.2)
    completion = raw.parse()
    assert isinstance(completion, ChatCompletion)
    assert completion.choices[0].message.content == TEXT
    assert completion.choices[0].finish_reason == "stop"
    assert completion.model == "claude-sonnet-4-5-20250929"
    assert raw.headers["x-freehold-deployment"] == "anthropic-main"
    assert raw.headers["x-freehold-upstream-request-id"].startswith("req_mock")
    sent = mock.last()
    assert sent.headers["x-api-key"] == EXPECTED_KEY
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert "Authorization" not in sent.headers and "anthropic-beta" not in sent.headers
    assert sent.body == {
        "model": "claude-sonnet-4-5",
        "system": [{"type": "text", "text": "Be brief."}],
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Say hello."}]}],
        "temperature": 0.2,
        "max_tokens": 64000,  # from the catalog: the request set no limit
    }


def test_version_and_beta_headers(client: openai.OpenAI, mock: MockAnthropic) -> None:
    client.chat.completions.create(model="claude-beta", messages=MESSAGES, max_tokens=50)
    sent = mock.last()
    assert sent.headers["anthropic-version"] == "2026-10-21"
    assert sent.headers["anthropic-beta"] == "b-one,b-two"
    assert sent.headers["x-api-key"] == EXPECTED_KEY
    assert sent.body["max_tokens"] == 50
    # API version 2026-10-21 removed the sampling parameters: hints, so dropped and named, never the upstream's 400.
    raw = client.chat.completions.with_raw_response.create(model="claude-beta", messages=MESSAGES, temperature=0.3)
    assert raw.parse().choices[0].message.content == TEXT
    assert raw.headers["x-freehold-dropped-params"] == "temperature"
    assert "temperature" not in mock.last().body


# --- tools ------------------------------------------------------------------------------------


def test_parallel_tool_calls_and_results_round_trip(client: openai.OpenAI, mock: MockAnthropic) -> None:
    question = [{"role": "user", "content": "Weather in Paris and Tokyo?"}]
    first = client.chat.completions.create(model="claude-parallel", messages=question, tools=[WEATHER, TIME])
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    calls = choice.message.tool_calls or []
    assert [c.function.name for c in calls] == ["get_weather", "get_weather"]  # type: ignore[union-attr]
    assert [json.loads(c.function.arguments)["city"] for c in calls] == ["Paris", "Tokyo"]  # type: ignore[union-attr]
    assert choice.message.content is None
    sent = mock.last().body
    assert sent["tools"][0] == {
        "name": "get_weather",
        "description": "Current weather in a city",
        "input_schema": WEATHER["function"]["parameters"],  # type: ignore[index]
    }
    assert sent["tools"][1] == {"name": "get_time", "input_schema": TIME["function"]["parameters"]}  # type: ignore[index]
    assert "tool_choice" not in sent

    follow_up = [
        *question,
        choice.message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": calls[0].id, "content": "15C"},
        {"role": "tool", "tool_call_id": calls[1].id, "content": [{"type": "text", "text": "22C"}]},
    ]
    second = client.chat.completions.create(model="claude-parallel", messages=follow_up, tools=[WEATHER, TIME])
    assert second.choices[0].message.content == "Tool said: 15C; 22C"
    turns = mock.last().body["messages"]
    assert [t["role"] for t in turns] == ["user", "assistant", "user"]
    assert [b["type"] for b in turns[1]["content"]] == ["tool_use", "tool_use"]
    assert turns[1]["content"][0]["input"] == {"city": "Paris"}
    assert turns[2]["content"] == [
        {"type": "tool_result", "tool_use_id": calls[0].id, "content": "15C"},
        {"type": "tool_result", "tool_use_id": calls[1].id, "content": [{"type": "text", "text": "22C"}]},
    ]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"parallel_tool_calls": False}, {"type": "auto", "disable_parallel_tool_use": True}),
        ({"tool_choice": "required"}, {"type": "any"}),
        ({"tool_choice": "auto", "parallel_tool_calls": False}, {"type": "auto", "disable_parallel_tool_use": True}),
        (
            {"tool_choice": {"type": "function", "function": {"name": "get_weather"}}},
            {"type": "tool", "name": "get_weather"},
        ),
        ({"tool_choice": "none"}, {"type": "none"}),
    ],
)
def test_tool_choice_translation(
    client: openai.OpenAI, mock: MockAnthropic, kwargs: dict[str, Any], expected: dict[str, Any]
) -> None:
    completion = client.chat.completions.create(
        model="claude-parallel", messages=[{"role": "user", "content": "Weather?"}], tools=[TIME, WEATHER], **kwargs
    )
    assert mock.last().body["tool_choice"] == expected
    calls = completion.choices[0].message.tool_calls
    if expected["type"] == "none":
        assert calls is None and completion.choices[0].message.content == TEXT
    else:
        assert calls is not None and len(calls) == (1 if "disable_parallel_tool_use" in expected else 2)
        if expected["type"] == "tool":
            assert calls[0].function.name == "get_weather"  # type: ignore[union-attr]


# --- images -----------------------------------------------------------------------------------


@pytest.mark.parametrize("streamed", [False, True])
def test_images_by_url_and_base64(client: openai.OpenAI, mock: MockAnthropic, streamed: bool) -> None:
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What are these?"},
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg", "detail": "low"}},
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PIXEL}"}},
            ],
        }
    ]
    if streamed:
        text = collect(list(client.chat.completions.create(model="claude", messages=messages, stream=True)))["content"]
    else:
        text = client.chat.completions.create(model="claude", messages=messages).choices[0].message.content
    assert text == "I see 2 image(s): url, image/png."
    assert mock.last().body["messages"][0]["content"] == [
        {"type": "text", "text": "What are these?"},
        {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PIXEL}},
    ]


def test_image_that_is_not_a_picture_is_a_400(client: openai.OpenAI) -> None:
    bad = [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:text/plain;base64,aGk="}}]}]
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="claude", messages=bad)
    assert info.value.param == "messages[0].content[0].image_url"


# --- reasoning --------------------------------------------------------------------------------


def test_reasoning_effort_becomes_a_thinking_budget(client: openai.OpenAI, mock: MockAnthropic) -> None:
    completion = client.chat.completions.create(
        model="claude", messages=MESSAGES, reasoning_effort="medium", max_completion_tokens=500
    )
    sent = mock.last().body
    assert sent["thinking"] == {"type": "enabled", "budget_tokens": 8192}
    assert sent["max_tokens"] == 8192 + 500  # raised above the budget, keeping the room asked for
    message = completion.choices[0].message
    extra = message.model_extra or {}
    assert extra["reasoning_content"] == "Let me think about this step by step."
    assert extra["thinking_blocks"][0]["signature"].startswith("mock-sig-")
    assert message.content == TEXT
    assert completion.usage is not None and completion.usage.completion_tokens_details is not None
    assert completion.usage.completion_tokens_details.reasoning_tokens == 9


async def test_async_stream_reasoning(aclient: openai.AsyncOpenAI) -> None:
    stream = await aclient.chat.completions.create(
        model="claude", messages=MESSAGES, reasoning_effort="low", stream=True, stream_options={"include_usage": True}
    )
    got = collect([c async for c in stream])
    assert got["reasoning"] == "Let me think about this step by step."
    assert got["content"] == TEXT
    [block] = got["thinking_blocks"]
    assert block["type"] == "thinking" and block["thinking"] == got["reasoning"]
    assert block["signature"].startswith("mock-sig-")
    assert got["usage"].completion_tokens_details.reasoning_tokens == 9


def test_thinking_with_tools_multi_turn_replays_the_signed_blocks(client: openai.OpenAI, mock: MockAnthropic) -> None:
    question = [{"role": "user", "content": "Weather in Paris?"}]
    first = client.chat.completions.create(model="claude", messages=question, tools=[WEATHER], reasoning_effort="low")
    assistant = first.choices[0].message.model_dump(exclude_none=True)
    call_id = assistant["tool_calls"][0]["id"]
    result = {"role": "tool", "tool_call_id": call_id, "content": "15C"}
    second = client.chat.completions.create(
        model="claude", messages=[*question, assistant, result], tools=[WEATHER], reasoning_effort="low"
    )
    assert second.choices[0].message.content == "Tool said: 15C"
    replayed = mock.last().body["messages"][1]["content"]
    assert replayed[0] == {
        "type": "thinking",
        "thinking": "Let me think about this step by step.",
        "signature": assistant["thinking_blocks"][0]["signature"],
    }
    # Without the blocks the (mock) API refuses, as the real one does: that is why they are kept.
    bare = {k: v for k, v in assistant.items() if k != "thinking_blocks"}
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(
            model="claude", messages=[*question, bare, result], tools=[WEATHER], reasoning_effort="low"
        )
    assert "thinking" in info.value.message


def test_reasoning_effort_on_a_model_without_thinking(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="claude-old", messages=MESSAGES, reasoning_effort="high")
    assert info.value.param == "reasoning_effort"
    assert "claude-3-5-haiku-mock" in info.value.message


# --- structured output, stop sequences, finish reasons, unsupported parameters -----------------------


def test_json_schema_is_native_structured_output(client: openai.OpenAI, mock: MockAnthropic) -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    completion = client.chat.completions.create(
        model="claude",
        messages=MESSAGES,
        response_format={"type": "json_schema", "json_schema": {"name": "place", "schema": schema, "strict": True}},
    )
    assert json.loads(completion.choices[0].message.content or "") == {"city": "example"}
    assert mock.last().body["output_config"] == {"format": {"type": "json_schema", "schema": schema}}


JSON_MODE: Any = {"type": "json_object"}


def test_json_mode_is_a_json_object_in_content(client: openai.OpenAI, mock: MockAnthropic) -> None:
    raw = client.chat.completions.with_raw_response.create(model="claude", messages=MESSAGES, response_format=JSON_MODE)
    choice = raw.parse().choices[0]
    assert json.loads(choice.message.content or "") == {"answer": TEXT}
    assert choice.message.tool_calls is None and choice.finish_reason == "stop"
    assert "x-freehold-dropped-params" not in raw.headers  # emulated, not dropped
    sent = mock.last().body
    assert sent["tools"] == [
        {
            "name": "json_answer",
            "description": "Give your whole answer as this tool's input: one JSON object, as the instructions ask. "
            "Call it once.",
            "input_schema": {"type": "object"},
        }
    ]
    assert sent["tool_choice"] == {"type": "tool", "name": "json_answer"} and "output_config" not in sent


async def test_json_mode_streams_content_deltas(aclient: openai.AsyncOpenAI) -> None:
    stream = await aclient.chat.completions.create(
        model="claude", messages=MESSAGES, response_format=JSON_MODE, stream=True
    )
    got = collect([c async for c in stream])
    assert json.loads(got["content"]) == {"answer": TEXT}
    assert got["tool_calls"] == {} and got["finish"] == "stop"


def test_json_mode_next_to_client_tools(client: openai.OpenAI, mock: MockAnthropic) -> None:
    # Offered tools: the model may call one of them or answer in JSON, as OpenAI's JSON mode with tools.
    completion = client.chat.completions.create(
        model="claude", messages=MESSAGES, tools=[WEATHER], response_format=JSON_MODE
    )
    assert mock.last().body["tool_choice"] == {"type": "any"}
    assert [t["name"] for t in mock.last().body["tools"]] == ["get_weather", "json_answer"]
    calls = completion.choices[0].message.tool_calls or []
    assert [c.function.name for c in calls] == ["get_weather"]  # type: ignore[union-attr]  # the mock calls the first


def test_json_mode_with_thinking_is_refused_or_dropped(client: openai.OpenAI, mock: MockAnthropic) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(
            model="claude", messages=MESSAGES, response_format=JSON_MODE, reasoning_effort="low"
        )
    assert info.value.param == "response_format" and info.value.code == "unsupported_parameter"
    raw = client.chat.completions.with_raw_response.create(
        model="claude-drop", messages=MESSAGES, response_format=JSON_MODE, reasoning_effort="low"
    )
    assert raw.headers["x-freehold-dropped-params"] == "response_format"
    assert "tools" not in mock.last().body and mock.last().body["thinking"]["type"] == "enabled"


def test_json_schema_on_a_model_without_structured_outputs_is_a_400(client: openai.OpenAI) -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(
            model="claude-old",
            messages=MESSAGES,
            response_format={"type": "json_schema", "json_schema": {"name": "place", "schema": schema}},
        )
    assert info.value.param == "response_format" and "structured outputs" in info.value.message


@pytest.mark.parametrize(("kwargs", "param"), [({"n": 2}, "n"), ({"logprobs": True}, "logprobs")])
def test_contracts_it_cannot_keep(
    client: openai.OpenAI, mock: MockAnthropic, kwargs: dict[str, Any], param: str
) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="claude", messages=MESSAGES, **kwargs)
    assert info.value.param == param
    assert "claude-sonnet-4-5" in info.value.message
    raw = client.chat.completions.with_raw_response.create(model="claude-drop", messages=MESSAGES, **kwargs)
    assert len(raw.parse().choices) == 1 and raw.headers["x-freehold-dropped-params"] == param
    assert param not in mock.last().body


@pytest.mark.parametrize("stream", [False, True])
def test_hints_are_mapped_or_dropped_and_named(client: openai.OpenAI, mock: MockAnthropic, stream: bool) -> None:
    """metadata, seed, user, store, service_tier were 400s. Each is a hint: none changes what the answer promises."""
    with client.chat.completions.with_streaming_response.create(
        model="claude",
        messages=MESSAGES,
        metadata={"team": "search"},
        seed=7,
        user="u-42",
        store=True,
        service_tier="default",
        presence_penalty=0.1,
        stream=stream,
    ) as raw:
        assert raw.headers["x-freehold-dropped-params"] == "metadata, presence_penalty, seed, store"
        if stream:
            assert collect(list(raw.parse()))["content"] == TEXT  # type: ignore[arg-type]
        else:
            assert raw.parse().choices[0].message.content == TEXT  # type: ignore[union-attr]
    sent = mock.last().body
    assert sent["metadata"] == {"user_id": "u-42"} and sent["service_tier"] == "standard_only"
    assert not {"seed", "store", "presence_penalty"} & set(sent)


def test_stop_sequences(client: openai.OpenAI, mock: MockAnthropic) -> None:
    completion = client.chat.completions.create(model="claude-stop", messages=MESSAGES, stop=["END", "\n\n"], top_p=0.9)
    assert completion.choices[0].finish_reason == "stop"
    assert mock.last().body["stop_sequences"] == ["END", "\n\n"]
    assert mock.last().body["top_p"] == 0.9
    client.chat.completions.create(model="claude-stop", messages=MESSAGES, stop="END", extra_body={"top_k": 5})
    assert mock.last().body["stop_sequences"] == ["END"] and mock.last().body["top_k"] == 5


@pytest.mark.parametrize(("alias", "finish"), [("claude-max", "length"), ("claude-refusal", "content_filter")])
def test_finish_reasons(client: openai.OpenAI, alias: str, finish: str) -> None:
    assert client.chat.completions.create(model=alias, messages=MESSAGES).choices[0].finish_reason == finish
    stream = client.chat.completions.create(model=alias, messages=MESSAGES, stream=True)
    assert collect(list(stream))["finish"] == finish


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "status", "code", "retry_after"),
    [
        ("error-rate_limit", 429, "rate_limit_exceeded", "17"),
        ("error-overloaded", 503, "upstream_unavailable", "3"),  # Anthropic's 529, as OpenAI clients know it
        ("error-authentication", 502, "upstream_auth_failed", None),
    ],
)
@pytest.mark.parametrize("streamed", [False, True])
def test_upstream_errors_as_the_sdk_sees_them(
    client: openai.OpenAI, alias: str, status: int, code: str, retry_after: str | None, streamed: bool
) -> None:
    with pytest.raises(openai.APIStatusError) as info:
        client.chat.completions.create(model=alias, messages=MESSAGES, stream=streamed)
    err = info.value
    assert err.status_code == status
    assert err.code == code
    # A repeat while the deployment is still blocked gets the time that is *left* (rounded up).
    assert retry_after_within(err.response.headers.get("retry-after"), retry_after)
    if alias == "error-rate_limit":
        assert isinstance(err, openai.RateLimitError)


def test_wrong_upstream_key_never_leaks(gw: Gateway) -> None:
    resp = httpx.post(
        gw.base_url + "/chat/completions",
        headers={"Authorization": f"Bearer {MASTER_KEY}"},
        json={"model": "bad-key", "messages": MESSAGES},
    )
    assert resp.status_code == ProviderAuthError("m", deployment="d", upstream_status=401).status
    assert resp.json()["error"]["code"] == "upstream_auth_failed"
    assert "sk-ant" not in resp.text


def test_overloaded_deployment_falls_back(client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(model="fallback", messages=MESSAGES)
    assert raw.parse().choices[0].message.content == TEXT
    assert raw.headers["x-freehold-deployment"] == "healthy"
    assert raw.headers["x-freehold-attempts"] == "2"


# --- token counting (the TokenCounter protocol, at the adapter) --------------------------------
