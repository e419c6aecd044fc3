"""The ``openai`` SDK → the real gateway → the Bedrock mock (SigV4 checked, binary event streams).

The adapter's own scenarios (text, streams, tools, usage, each error kind, cut streams and
exception events mid-stream) run in ``tests/contract`` over the fake transport; what stays here
needs the wire or the gateway: signing, the encoded model path, the credential chain, requests as
the mock validates them, errors as the SDK sees them, fallback.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from tests.integration.conftest import (
    MASTER_KEY,
    SINGLE_ATTEMPT,
    Gateway,
    retry_after_within,
    start_gateway,
    stop_gateway,
)
from tests.integration.mocks.bedrock_mock import (
    ACCESS_KEY,
    CHAIN_ACCESS_KEY,
    CHAIN_SECRET_KEY,
    REASONING,
    SECRET_KEY,
    SESSION_TOKEN,
    TEXT,
    MockBedrock,
)

CLAUDE = "anthropic.claude-sonnet-4-5-20250929-v1:0"
ARN = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0"
MESSAGES: list[Any] = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello."}]
WEATHER_TOOL: Any = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
PNG = base64.b64encode(bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")).decode()
BAD_SECRET = "wrong/Secret+Key/0000000000000000000000"


@pytest.fixture(scope="module")
def bedrock() -> Iterator[MockBedrock]:
    mock = MockBedrock().start()
    yield mock
    mock.stop()


def deployment(mock: MockBedrock, model: str, **extra: Any) -> dict[str, Any]:
    return {
        "provider": "bedrock",
        "model": model,
        "region": "us-east-1",
        "api_base": mock.base_url,
        "aws_access_key_id": "env:BEDROCK_AK",
        "aws_secret_access_key": "env:BEDROCK_SK",
        "aws_session_token": "env:BEDROCK_ST",
        **extra,
    }


@pytest.fixture(scope="module")
def gw(bedrock: MockBedrock, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    aliases: dict[str, Any] = {
        "claude": {"deployments": [deployment(bedrock, CLAUDE, name="bedrock-claude")]},
        "arn": {"deployments": [deployment(bedrock, ARN)]},
        "parallel": {"deployments": [deployment(bedrock, "anthropic.claude-parallel-v1:0")]},
        "nova": {"deployments": [deployment(bedrock, "amazon.nova-pro-v1:0")]},
        "drop": {"deployments": [deployment(bedrock, CLAUDE, name="bedrock-drop")], "drop_unsupported_params": True},
        "wrong-secret": {
            "deployments": [deployment(bedrock, CLAUDE, name="bedrock-wrong", aws_secret_access_key="env:BEDROCK_BAD")]
        },
        "chain": {
            "deployments": [
                {"provider": "bedrock", "model": CLAUDE, "region": "us-east-1", "api_base": bedrock.base_url}
            ]
        },
        "fallback": {
            "deployments": [
                deployment(bedrock, "stream-throttle-first", name="throttled", weight=1000),
                deployment(bedrock, CLAUDE, name="healthy", weight=0.001),
            ]
        },
    }
    for model in ["error-throttle", "stream-throttle-first"]:
        aliases[model] = {"deployments": [deployment(bedrock, model)]}
    env = {
        "BEDROCK_AK": ACCESS_KEY,
        "BEDROCK_SK": SECRET_KEY,
        "BEDROCK_ST": SESSION_TOKEN,
        "BEDROCK_BAD": BAD_SECRET,
        # The default chain of the "chain" deployment: environment credentials, nothing else.
        "AWS_ACCESS_KEY_ID": CHAIN_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": CHAIN_SECRET_KEY,
        "AWS_CONFIG_FILE": "/nonexistent/aws-config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
        "AWS_EC2_METADATA_DISABLED": "true",
        "FREEHOLD_MASTER_KEY": MASTER_KEY,
    }
    gateway = start_gateway(
        {"aliases": aliases, "routing": SINGLE_ATTEMPT}, tmp_path_factory.mktemp("bedrock"), env=env
    )
    yield gateway
    stop_gateway(gateway.process)
    log = gateway.log()
    for secret in (SECRET_KEY, SESSION_TOKEN, BAD_SECRET, CHAIN_SECRET_KEY, MASTER_KEY):
        assert secret not in log
    assert "Traceback" not in log


@pytest.fixture
def client(gw: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


def text_of(chunks: list[ChatCompletionChunk]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


# --- answers ------------------------------------------------------------------------------


def test_sync_completion_is_signed_and_translated(client: openai.OpenAI, bedrock: MockBedrock) -> None:
    raw = client.chat.completions.with_raw_response.create(model="claude", messages=MESSAGES, max_tokens=100)
    completion = raw.parse()
    assert isinstance(completion, ChatCompletion)
    assert completion.choices[0].message.content == TEXT
    assert completion.choices[0].finish_reason == "stop"
    assert completion.model == CLAUDE
    usage = completion.usage
    assert usage is not None and (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (17, 7, 24)
    assert usage.prompt_tokens_details is not None and usage.prompt_tokens_details.cached_tokens == 4
    assert raw.headers["x-freehold-deployment"] == "bedrock-claude"
    assert raw.headers["x-freehold-upstream-request-id"].startswith("5f0d1c2e-")
    sent = bedrock.last()
    # The ':' travels percent-encoded, exactly as signed (the mock verified the signature).
    assert sent.raw_path == "/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse"
    assert sent.model == CLAUDE
    assert sent.body == {
        "messages": [{"role": "user", "content": [{"text": "Say hello."}]}],
        "system": [{"text": "Be brief."}],
        "inferenceConfig": {"maxTokens": 100},
    }
    assert sent.headers["Authorization"].startswith(f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/")
    assert sent.headers["X-Amz-Security-Token"] == SESSION_TOKEN
    assert MASTER_KEY not in json.dumps(sent.headers)


def test_arn_model_id_is_one_encoded_path_segment(client: openai.OpenAI, bedrock: MockBedrock) -> None:
    completion = client.chat.completions.create(model="arn", messages=MESSAGES)
    assert completion.choices[0].message.content == TEXT
    assert bedrock.last().model == ARN
    assert "%2Finference-profile" not in bedrock.last().raw_path  # '/' encoded, but not the word
    assert bedrock.last().raw_path.startswith(
        "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2F"
    )


def test_default_credential_chain(client: openai.OpenAI, bedrock: MockBedrock) -> None:
    completion = client.chat.completions.create(model="chain", messages=MESSAGES)
    assert completion.choices[0].message.content == TEXT
    sent = bedrock.last()
    assert sent.headers["Authorization"].startswith(f"AWS4-HMAC-SHA256 Credential={CHAIN_ACCESS_KEY}/")
    assert "X-Amz-Security-Token" not in sent.headers


# --- tools --------------------------------------------------------------------------------


def test_tool_results_go_back_as_one_user_turn(client: openai.OpenAI, bedrock: MockBedrock) -> None:
    calls = [
        {
            "id": f"tooluse_mock{i}",
            "type": "function",
            "function": {"name": "get_weather", "arguments": f'{{"city":"{c}"}}'},
        }
        for i, c in enumerate(["Paris", "Tokyo"])
    ]
    messages: list[Any] = [
        *MESSAGES,
        {"role": "assistant", "content": None, "tool_calls": calls},
        {"role": "tool", "tool_call_id": "tooluse_mock0", "content": "18C"},
        {"role": "tool", "tool_call_id": "tooluse_mock1", "content": "24C"},
    ]
    completion = client.chat.completions.create(model="parallel", messages=messages, tools=[WEATHER_TOOL])
    assert completion.choices[0].message.content == TEXT and completion.choices[0].finish_reason == "stop"
    turns = bedrock.last().body["messages"]
    assert [t["role"] for t in turns] == ["user", "assistant", "user"]
    assert [b["toolUse"]["input"] for b in turns[1]["content"]] == [{"city": "Paris"}, {"city": "Tokyo"}]
    assert turns[2]["content"] == [
        {"toolResult": {"toolUseId": "tooluse_mock0", "content": [{"text": "18C"}]}},
        {"toolResult": {"toolUseId": "tooluse_mock1", "content": [{"text": "24C"}]}},
    ]


# --- images, reasoning, JSON --------------------------------------------------------------


def test_data_url_image_is_sent_as_base64_bytes(client: openai.OpenAI, bedrock: MockBedrock) -> None:
    content: Any = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
    ]
    completion = client.chat.completions.create(model="claude", messages=[{"role": "user", "content": content}])
    assert completion.choices[0].message.content == "I see 1 image(s)."
    image = bedrock.last().body["messages"][0]["content"][1]["image"]
    assert image["format"] == "png" and base64.b64decode(image["source"]["bytes"]).startswith(b"\x89PNG")


def test_pdf_file_part_is_sent_as_a_document_block(client: openai.OpenAI, bedrock: MockBedrock) -> None:
    pdf = base64.b64encode(b"%PDF-1.4\n%mock\n").decode()
    content: Any = [
        {"type": "text", "text": "Summarise this."},
        {"type": "file", "file": {"filename": "report.pdf", "file_data": f"data:application/pdf;base64,{pdf}"}},
    ]
    completion = client.chat.completions.create(model="claude", messages=[{"role": "user", "content": content}])
    assert completion.choices[0].message.content == TEXT
    document = bedrock.last().body["messages"][0]["content"][1]["document"]
    assert document == {"format": "pdf", "name": "document-0-1", "source": {"bytes": pdf}}


def test_http_image_url_is_a_400_naming_it_unless_the_alias_drops_it(client: openai.OpenAI) -> None:
    content: Any = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
    ]
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="claude", messages=[{"role": "user", "content": content}])
    body: Any = info.value.body
    assert body["param"] == "messages[0].content[1].image_url" and body["code"] == "unsupported_parameter"
    assert CLAUDE in body["message"]
    completion = client.chat.completions.create(model="drop", messages=[{"role": "user", "content": content}])
    assert completion.choices[0].message.content == TEXT


def test_reasoning_effort_and_reasoning_content(client: openai.OpenAI, bedrock: MockBedrock) -> None:
    completion = client.chat.completions.create(model="claude", messages=MESSAGES, reasoning_effort="low")
    message = completion.choices[0].message
    assert message.content == TEXT
    assert (message.model_extra or {})["reasoning_content"] == REASONING
    sent = bedrock.last().body
    assert sent["additionalModelRequestFields"] == {"thinking": {"type": "enabled", "budget_tokens": 2048}}
    assert sent["inferenceConfig"]["maxTokens"] > 2048
    chunks = list(
        client.chat.completions.create(model="claude", messages=MESSAGES, reasoning_effort="low", stream=True)
    )
    reasoning = "".join(
        (c.choices[0].delta.model_extra or {}).get("reasoning_content", "") for c in chunks if c.choices
    )
    assert reasoning == REASONING and text_of(chunks) == TEXT


def test_reasoning_effort_on_a_non_claude_model_is_a_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="nova", messages=MESSAGES, reasoning_effort="high")
    assert info.value.param == "reasoning_effort"  # type: ignore[attr-defined]


def test_json_schema_uses_native_structured_output(client: openai.OpenAI, bedrock: MockBedrock) -> None:
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
    completion = client.chat.completions.create(
        model="claude",
        messages=MESSAGES,
        response_format={"type": "json_schema", "json_schema": {"name": "reply", "schema": schema}},
    )
    assert json.loads(completion.choices[0].message.content or "") == {"answer": "hello"}
    fmt = bedrock.last().body["outputConfig"]["textFormat"]
    assert fmt["type"] == "json_schema" and json.loads(fmt["structure"]["jsonSchema"]["schema"]) == schema


@pytest.mark.parametrize("stream", [False, True])
def test_json_mode_on_claude_is_a_json_object_in_content(
    client: openai.OpenAI, bedrock: MockBedrock, stream: bool
) -> None:
    kwargs: dict[str, Any] = {"model": "claude", "messages": MESSAGES, "response_format": {"type": "json_object"}}
    if stream:
        chunks = list(client.chat.completions.create(**kwargs, stream=True))
        content, finish = text_of(chunks), [c.choices[0].finish_reason for c in chunks if c.choices][-1]
        assert not any(c.choices[0].delta.tool_calls for c in chunks if c.choices)
    else:
        choice = client.chat.completions.create(**kwargs).choices[0]
        content, finish = choice.message.content or "", choice.finish_reason
        assert choice.message.tool_calls is None
    assert json.loads(content) == {"answer": TEXT} and finish == "stop"
    config = bedrock.last().body["toolConfig"]
    assert config["toolChoice"] == {"tool": {"name": "json_answer"}}
    assert [t["toolSpec"]["name"] for t in config["tools"]] == ["json_answer"]


def test_json_mode_where_it_cannot_be_emulated_is_a_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="nova", messages=MESSAGES, response_format={"type": "json_object"})
    assert info.value.param == "response_format"  # type: ignore[attr-defined]
    with pytest.raises(openai.BadRequestError) as info:  # a forced tool is not allowed with thinking
        client.chat.completions.create(
            model="claude", messages=MESSAGES, response_format={"type": "json_object"}, reasoning_effort="low"
        )
    assert info.value.param == "response_format" and "thinking" in info.value.message  # type: ignore[attr-defined]


@pytest.mark.parametrize("stream", [False, True])
def test_parallel_tool_calls_false_keeps_the_first_call(client: openai.OpenAI, stream: bool) -> None:
    kwargs: dict[str, Any] = {
        "model": "parallel",
        "messages": MESSAGES,
        "tools": [WEATHER_TOOL],
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
        "parallel_tool_calls": False,
    }
    if stream:
        chunks = list(client.chat.completions.create(**kwargs, stream=True))
        deltas = [d for c in chunks if c.choices for d in c.choices[0].delta.tool_calls or ()]
        calls = [(d.index, d.id, d.function.arguments if d.function else None) for d in deltas]
        assert [(i, tid) for i, tid, _ in calls if tid] == [(0, "tooluse_mock0")]
        assert json.loads("".join(a or "" for _, _, a in calls)) == {"city": "Paris"}
    else:
        message = client.chat.completions.create(**kwargs).choices[0].message
        got = [(c.id, json.loads(c.function.arguments)) for c in message.tool_calls or ()]  # type: ignore[union-attr]
        assert got == [("tooluse_mock0", {"city": "Paris"})]


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "exc", "status", "code"),
    [
        ("error-throttle", openai.RateLimitError, 429, "rate_limit_exceeded"),
        # The gateway's own credential is at fault, not the client's: rendered as a 502.
        ("wrong-secret", openai.InternalServerError, 502, "upstream_auth_failed"),
    ],
)
@pytest.mark.parametrize("stream", [False, True])
def test_upstream_errors_as_the_sdk_sees_them(
    client: openai.OpenAI, alias: str, exc: type[openai.APIStatusError], status: int, code: str, stream: bool
) -> None:
    with pytest.raises(exc) as info:
        client.chat.completions.create(model=alias, messages=MESSAGES, stream=stream)
    assert info.value.status_code == status
    body: Any = info.value.body
    assert body["code"] == code
    if alias == "error-throttle":
        assert retry_after_within(info.value.response.headers["retry-after"], "3")
    if alias == "wrong-secret":
        assert "InvalidSignatureException" in body["message"] and BAD_SECRET not in body["message"]


def test_exception_before_any_output_falls_back(client: openai.OpenAI) -> None:
    with pytest.raises(openai.RateLimitError):
        list(client.chat.completions.create(model="stream-throttle-first", messages=MESSAGES, stream=True))
    raw = client.chat.completions.with_raw_response.create(model="fallback", messages=MESSAGES, stream=True)
    assert raw.headers["x-freehold-deployment"] == "healthy" and raw.headers["x-freehold-attempts"] == "2"
    assert text_of(list(raw.parse())) == TEXT


def test_contract_it_cannot_keep_is_a_400_naming_it_unless_dropped(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="claude", messages=MESSAGES, n=2)
    assert info.value.param == "n"  # type: ignore[attr-defined]
    raw = client.chat.completions.with_raw_response.create(model="drop", messages=MESSAGES, n=2, logprobs=True)
    assert raw.parse().choices[0].message.content == TEXT and len(raw.parse().choices) == 1
    assert raw.headers["x-freehold-dropped-params"] == "logprobs, n"


def test_hints_are_mapped_or_dropped_and_named(client: openai.OpenAI, bedrock: MockBedrock) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="claude", messages=MESSAGES, seed=7, user="u-1", store=True, metadata={"team": "search"}
    )
    assert raw.parse().choices[0].message.content == TEXT
    assert raw.headers["x-freehold-dropped-params"] == "seed, store, user"
    sent = bedrock.last().body
    assert sent["requestMetadata"] == {"team": "search"}  # Converse's own tags, for its invocation logs
    assert not {"seed", "user", "store", "metadata"} & set(sent)
