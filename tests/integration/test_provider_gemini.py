"""The official ``openai`` SDK → the real gateway → the loopback Gemini mock.

The adapter's own scenarios (text, streams, tools, usage, each error kind, cut streams and error
events mid-stream, embeddings) run in ``tests/contract`` over the fake transport; what stays here
needs the wire or the gateway: the URL and the key's header, requests as the mock validates them,
errors as the SDK sees them, fallback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from pydantic import BaseModel

from tests.integration.conftest import (
    MASTER_KEY,
    SINGLE_ATTEMPT,
    Gateway,
    retry_after_within,
    start_gateway,
    stop_gateway,
)
from tests.integration.mocks.gemini_mock import EXPECTED_KEY, MockGemini

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
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
    "function": {
        "name": "get_time",
        "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}, "required": ["tz"]},
    },
}
MESSAGES: list[Any] = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello."}]
SAFETY = [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}]
ERROR_MODELS = ("error-429", "blocked", "safety-stop")


def gemini(model: str, **extra: Any) -> dict[str, Any]:
    return {"provider": "gemini", "model": model, "api_key": "env:GEMINI_API_KEY", **extra}


@pytest.fixture(scope="module")
def mock() -> Iterator[MockGemini]:
    server = MockGemini().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def gw(mock: MockGemini, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    base = mock.api_base
    aliases: dict[str, Any] = {
        "gemini": {
            "deployments": [gemini("models/gemini-2.5-flash", api_base=base, name="gem", safety_settings=SAFETY)]
        },
        "gemini-parallel": {"deployments": [gemini("gemini-2.5-flash-parallel", api_base=base)]},
        "gemini-old": {"deployments": [gemini("gemini-2.0-flash", api_base=base)]},
        "gemini-old-drop": {
            "deployments": [gemini("gemini-2.0-flash", api_base=base)],
            "drop_unsupported_params": True,
        },
        "gemini-embed": {"deployments": [gemini("gemini-embedding-001", api_base=base)]},
        "gemini-badkey": {
            "deployments": [{**gemini("gemini-2.5-flash", api_base=base), "api_key": "env:WRONG_GEMINI_KEY"}]
        },
        "gemini-failover": {
            "deployments": [
                gemini("error-503", api_base=base, name="gem-broken", weight=1000),
                gemini("gemini-2.5-flash", api_base=base, name="gem-healthy", weight=0.001),
            ]
        },
    }
    for model in ERROR_MODELS:
        aliases[model] = {"deployments": [gemini(model, api_base=base)]}
    env = {
        "GEMINI_API_KEY": EXPECTED_KEY,
        "WRONG_GEMINI_KEY": "AIzaSyWrongWrongWrong-0000",
        "FREEHOLD_MASTER_KEY": MASTER_KEY,
    }
    gateway = start_gateway(
        {"aliases": aliases, "routing": SINGLE_ATTEMPT}, tmp_path_factory.mktemp("gemini-gateway"), env=env
    )
    yield gateway
    stop_gateway(gateway.process)
    log = gateway.log()
    assert EXPECTED_KEY not in log and "AIzaSyWrong" not in log
    assert "Traceback" not in log


@pytest.fixture
def client(gw: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


# --- chat -----------------------------------------------------------------------------------


def test_sync_completion_reaches_gemini_with_key_in_header(client: openai.OpenAI, mock: MockGemini) -> None:
    raw = client.chat.completions.with_raw_response.create(model="gemini", messages=MESSAGES)
    completion = raw.parse()
    assert raw.headers["x-freehold-deployment"] == "gem"
    choice = completion.choices[0]
    assert (choice.message.role, choice.message.content, choice.finish_reason) == (
        "assistant",
        "Hello from Gemini.",
        "stop",
    )
    assert completion.object == "chat.completion" and completion.model == "gemini-2.5-flash-001"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (8, 3)
    sent = mock.last()
    assert sent.path == "/v1beta/models/gemini-2.5-flash:generateContent" and sent.query == ""
    assert sent.headers["x-goog-api-key"] == EXPECTED_KEY and "Authorization" not in sent.headers
    assert sent.body["systemInstruction"] == {"parts": [{"text": "Be brief."}]}
    assert sent.body["contents"] == [{"role": "user", "parts": [{"text": "Say hello."}]}]
    assert sent.body["safetySettings"] == SAFETY


def test_parallel_tool_calls_then_tool_results(client: openai.OpenAI, mock: MockGemini) -> None:
    messages: list[Any] = [{"role": "user", "content": "Weather in Paris and time in Tokyo?"}]
    first = client.chat.completions.create(model="gemini-parallel", messages=messages, tools=[WEATHER, TIME])
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    calls = choice.message.tool_calls or []
    assert [(c.type, c.function.name, json.loads(c.function.arguments)) for c in calls] == [  # type: ignore[union-attr]
        ("function", "get_weather", {"city": "Paris"}),
        ("function", "get_time", {"tz": "Paris-1"}),
    ]
    assert len({c.id for c in calls}) == 2
    declared = mock.last().body["tools"][0]["functionDeclarations"]
    assert declared[0] == {
        "name": "get_weather",
        "description": "Current weather in a city",
        "parametersJsonSchema": WEATHER["function"]["parameters"],
    }
    messages.append(choice.message.model_dump(exclude_none=True))
    messages.append({"role": "tool", "tool_call_id": calls[1].id, "content": "21:04"})
    messages.append({"role": "tool", "tool_call_id": calls[0].id, "content": '{"temp_c": 18}'})
    second = client.chat.completions.create(model="gemini-parallel", messages=messages, tools=[WEATHER, TIME])
    assert second.choices[0].finish_reason == "stop"
    assert second.choices[0].message.content == 'Results: get_time={"output": "21:04"}; get_weather={"temp_c": 18}'
    contents = mock.last().body["contents"]
    assert [c["role"] for c in contents] == ["user", "model", "user"]
    assert [p["functionCall"]["name"] for p in contents[1]["parts"]] == ["get_weather", "get_time"]


@pytest.mark.parametrize(
    ("choice", "config"),
    [
        ("required", {"mode": "ANY"}),
        ({"type": "function", "function": {"name": "get_time"}}, {"mode": "ANY", "allowedFunctionNames": ["get_time"]}),
    ],
)
def test_tool_choice(client: openai.OpenAI, mock: MockGemini, choice: Any, config: dict[str, Any]) -> None:
    completion = client.chat.completions.create(
        model="gemini", messages=MESSAGES, tools=[WEATHER, TIME], tool_choice=choice
    )
    assert mock.last().body["toolConfig"] == {"functionCallingConfig": config}
    expected = "get_time" if "allowedFunctionNames" in config else "get_weather"
    assert completion.choices[0].message.tool_calls[0].function.name == expected  # type: ignore[index,union-attr]


class Forecast(BaseModel):
    city: str
    high_c: int


FORECAST_TOOL = openai.pydantic_function_tool(Forecast)


@pytest.mark.parametrize("stream", [False, True])
def test_parallel_tool_calls_false_with_a_forced_tool_the_langchain_pattern(
    client: openai.OpenAI, mock: MockGemini, stream: bool
) -> None:
    """LangChain's ``with_structured_output(method="function_calling")``: a forced tool, ``parallel_tool_calls: false``.

    The upstream answers with two calls ("parallel" model): the client gets the first only.
    """
    kwargs: dict[str, Any] = {
        "model": "gemini-parallel",
        "messages": MESSAGES,
        "tools": [FORECAST_TOOL],
        "tool_choice": {"type": "function", "function": {"name": "Forecast"}},
        "parallel_tool_calls": False,
    }
    if not stream:
        raw = client.chat.completions.with_raw_response.parse(**kwargs)
        choice = raw.parse().choices[0]
        calls = choice.message.tool_calls or []
        assert [c.function.parsed_arguments for c in calls] == [Forecast(city="Paris", high_c=3)]  # type: ignore[union-attr]
        finish = choice.finish_reason
    else:
        with client.chat.completions.stream(**kwargs) as events:
            final = events.get_final_completion()
        raw = None
        calls = final.choices[0].message.tool_calls or []
        assert [c.function.parsed_arguments for c in calls] == [Forecast(city="Paris", high_c=3)]  # type: ignore[union-attr]
        finish = final.choices[0].finish_reason
    assert finish == "tool_calls"
    sent = mock.last().body
    assert sent["toolConfig"] == {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["Forecast"]}}
    if raw is not None:
        assert "x-freehold-dropped-params" not in raw.headers  # nothing was dropped: the promise is kept


@pytest.mark.parametrize("stream", [False, True])
def test_parallel_tool_calls_false_with_auto_tools_keeps_the_first_call(client: openai.OpenAI, stream: bool) -> None:
    kwargs: dict[str, Any] = {"model": "gemini-parallel", "messages": MESSAGES, "tools": [WEATHER, TIME]}
    if stream:
        chunks = list(client.chat.completions.create(**kwargs, parallel_tool_calls=False, stream=True))
        deltas = [d for c in chunks for d in c.choices[0].delta.tool_calls or ()]
        got = [(d.index, d.function.name, json.loads(d.function.arguments or "")) for d in deltas]  # type: ignore[union-attr]
        finish = [c.choices[0].finish_reason for c in chunks if c.choices[0].finish_reason]
    else:
        choice = client.chat.completions.create(**kwargs, parallel_tool_calls=False).choices[0]
        got = [(0, c.function.name, json.loads(c.function.arguments)) for c in choice.message.tool_calls or ()]  # type: ignore[union-attr]
        finish = [choice.finish_reason]
    assert got == [(0, "get_weather", {"city": "Paris"})] and finish == ["tool_calls"]
    # the same request without the limit gets both calls
    both = client.chat.completions.create(**kwargs).choices[0].message.tool_calls or []
    assert len(both) == 2


def test_hints_gemini_has_no_field_for_are_dropped_and_named(client: openai.OpenAI, mock: MockGemini) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="gemini",
        messages=MESSAGES,
        user="u-42",
        metadata={"team": "search"},
        store=True,
        service_tier="flex",
        extra_body={"prompt_cache_key": "k1"},
    )
    assert raw.parse().choices[0].message.content == "Hello from Gemini."
    assert raw.headers["x-freehold-dropped-params"] == "metadata, prompt_cache_key, service_tier, store, user"
    assert mock.last().body == {
        "contents": [{"role": "user", "parts": [{"text": "Say hello."}]}],
        "systemInstruction": {"parts": [{"text": "Be brief."}]},
        "safetySettings": SAFETY,
    }
    # a stream says so too, before its first byte
    with client.chat.completions.with_streaming_response.create(
        model="gemini", messages=MESSAGES, seed=3, user="u-42", stream=True
    ) as streamed:
        assert streamed.headers["x-freehold-dropped-params"] == "user"  # seed is Gemini's own field
        assert "".join(c.choices[0].delta.content or "" for c in streamed.parse()) == "Hello from Gemini."
    assert mock.last().body["generationConfig"]["seed"] == 3


def test_images_as_data_url_and_https_url(client: openai.OpenAI, mock: MockGemini) -> None:
    completion = client.chat.completions.create(
        model="gemini",
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is in these?"},
                    {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
                    {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
                ],
            }
        ],
    )
    assert (
        completion.choices[0].message.content
        == "I see 2 image(s): image/png, image/jpeg at https://example.com/cat.jpg."
    )
    parts = mock.last().body["contents"][0]["parts"]
    assert parts[1] == {"inlineData": {"mimeType": "image/png", "data": PNG}}
    assert parts[2] == {"fileData": {"mimeType": "image/jpeg", "fileUri": "https://example.com/cat.jpg"}}


def test_json_schema_output_parses_with_the_sdk(client: openai.OpenAI, mock: MockGemini) -> None:
    completion = client.chat.completions.parse(model="gemini", messages=MESSAGES, response_format=Forecast)
    parsed = completion.choices[0].message.parsed
    assert parsed == Forecast(city="Paris", high_c=3)
    config = mock.last().body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert config["responseJsonSchema"]["required"] == ["city", "high_c"]


def test_json_mode_and_sampling_parameters(client: openai.OpenAI, mock: MockGemini) -> None:
    completion = client.chat.completions.create(
        model="gemini",
        messages=MESSAGES,
        response_format={"type": "json_object"},
        n=2,
        temperature=0.2,
        top_p=0.8,
        seed=11,
        stop=["END"],
        presence_penalty=0.1,
        frequency_penalty=0.2,
        max_completion_tokens=200,
        logprobs=True,
        top_logprobs=2,
        extra_body={"top_k": 5},
    )
    assert [c.index for c in completion.choices] == [0, 1]
    assert json.loads(completion.choices[1].message.content or "") == {"answer": "Paris"}
    logprobs = completion.choices[0].logprobs
    assert logprobs is not None and logprobs.content is not None and logprobs.content[0].logprob == -0.25
    assert [t.logprob for t in logprobs.content[0].top_logprobs] == [-0.25, -1.5]
    assert mock.last().body["generationConfig"] == {
        "stopSequences": ["END"],
        "candidateCount": 2,
        "maxOutputTokens": 200,
        "temperature": 0.2,
        "topP": 0.8,
        "topK": 5,
        "seed": 11,
        "presencePenalty": 0.1,
        "frequencyPenalty": 0.2,
        "responseLogprobs": True,
        "logprobs": 2,
        "responseMimeType": "application/json",
    }


def test_max_tokens_ends_with_length(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(model="gemini", messages=MESSAGES, max_tokens=1)
    assert (completion.choices[0].message.content, completion.choices[0].finish_reason) == ("Hello", "length")


def test_reasoning_whole_and_streamed(client: openai.OpenAI, mock: MockGemini) -> None:
    completion = client.chat.completions.create(model="gemini", messages=MESSAGES, reasoning_effort="low")
    message = completion.choices[0].message
    assert message.content == "Hello from Gemini."
    assert message.model_extra and message.model_extra["reasoning_content"].startswith("Let me think")
    assert mock.last().body["generationConfig"]["thinkingConfig"] == {"thinkingBudget": 2048, "includeThoughts": True}
    usage = completion.usage
    assert usage is not None and usage.completion_tokens_details is not None
    assert usage.completion_tokens_details.reasoning_tokens == 9 and usage.completion_tokens == 12
    stream = client.chat.completions.create(
        model="gemini", messages=MESSAGES, reasoning_effort="low", stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    reasoning = "".join(
        (c.choices[0].delta.model_extra or {}).get("reasoning_content", "") for c in chunks if c.choices
    )
    assert reasoning == message.model_extra["reasoning_content"]
    assert chunks[-1].usage is not None and chunks[-1].usage.model_dump() == usage.model_dump()


def test_reasoning_on_a_model_that_does_not_think(client: openai.OpenAI, mock: MockGemini) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="gemini-old", messages=MESSAGES, reasoning_effort="high")
    assert info.value.code == "unsupported_parameter" and info.value.param == "reasoning_effort"
    before = len(mock.requests)
    completion = client.chat.completions.create(model="gemini-old-drop", messages=MESSAGES, reasoning_effort="high")
    assert completion.choices[0].message.content == "Hello from Gemini."
    assert len(mock.requests) == before + 1 and "generationConfig" not in mock.last().body


def test_fallback_to_the_next_deployment_on_503(client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(model="gemini-failover", messages=MESSAGES)
    assert raw.headers["x-freehold-deployment"] == "gem-healthy" and raw.headers["x-freehold-attempts"] == "2"
    assert raw.parse().choices[0].message.content == "Hello from Gemini."


# --- embeddings -----------------------------------------------------------------------------


def test_embeddings_float_single_input(client: openai.OpenAI, mock: MockGemini) -> None:
    result = client.embeddings.create(model="gemini-embed", input="hello", dimensions=8, encoding_format="float")
    assert len(result.data) == 1 and len(result.data[0].embedding) == 8
    assert result.data[0].embedding[:2] == [0.129883, 0.192383]
    assert result.model == "gemini-embedding-001"
    sent = mock.last()
    assert sent.path == "/v1beta/models/gemini-embedding-001:embedContent"
    assert sent.body == {"content": {"parts": [{"text": "hello"}]}, "outputDimensionality": 8}


# --- errors as the SDK sees them ------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "exc", "status", "code"),
    [
        ("error-429", openai.RateLimitError, 429, "rate_limit_exceeded"),
        ("blocked", openai.BadRequestError, 400, "content_filter"),
        ("gemini-badkey", openai.InternalServerError, 502, "upstream_auth_failed"),
    ],
)
@pytest.mark.parametrize("stream", [False, True])
def test_upstream_errors(
    client: openai.OpenAI, alias: str, exc: type[openai.APIStatusError], status: int, code: str, stream: bool
) -> None:
    with pytest.raises(exc) as info:
        client.chat.completions.create(model=alias, messages=MESSAGES, stream=stream)
    err = info.value
    assert err.status_code == status and err.code == code
    assert EXPECTED_KEY not in str(err.body) and "AIzaSyWrong" not in str(err.body)
    if alias == "error-429":
        assert retry_after_within(err.response.headers["retry-after"], "17")


def test_safety_stop_is_content_filter(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(model="safety-stop", messages=MESSAGES)
    assert (completion.choices[0].message.content, completion.choices[0].finish_reason) == ("Hello", "content_filter")
