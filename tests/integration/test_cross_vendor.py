"""Every front door over every vendor: the promise that an app written for one vendor's SDK can be
served by any other vendor, with tools and streaming, and the same usage either way.

Front doors: OpenAI chat (``openai`` SDK), OpenAI Responses (``openai`` SDK), Anthropic messages
(``anthropic`` SDK). Vendors: the loopback mocks of OpenAI, Anthropic, Gemini, Azure and Bedrock,
and the built-in simulated provider.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anthropic
import openai
import pytest

from tests.integration.conftest import Gateway, start_gateway, stop_gateway
from tests.integration.mock_openai import EXPECTED_KEY as OPENAI_KEY
from tests.integration.mock_openai import MockOpenAI
from tests.integration.mocks.anthropic_mock import EXPECTED_KEY as ANTHROPIC_KEY
from tests.integration.mocks.anthropic_mock import MockAnthropic
from tests.integration.mocks.azure_mock import AZURE_KEY, MockAzure
from tests.integration.mocks.bedrock_mock import ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, MockBedrock
from tests.integration.mocks.gemini_mock import EXPECTED_KEY as GEMINI_KEY
from tests.integration.mocks.gemini_mock import MockGemini

MASTER_KEY = "fh-cross-vendor-key"
VENDORS = ["openai", "anthropic", "gemini", "azure", "bedrock", "simulated"]
WEATHER_CHAT = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
WEATHER_RESPONSES = {
    "type": "function",
    "name": "get_weather",
    "description": "Current weather in a city",
    "parameters": WEATHER_CHAT["function"]["parameters"],
}  # type: ignore[index]
WEATHER_ANTHROPIC = {
    "name": "get_weather",
    "description": "Current weather in a city",
    "input_schema": WEATHER_CHAT["function"]["parameters"],
}  # type: ignore[index]


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    mocks: dict[str, Any] = {
        "openai": MockOpenAI().start(),
        "anthropic": MockAnthropic().start(),
        "gemini": MockGemini().start(),
        "azure": MockAzure().start(),
        "bedrock": MockBedrock().start(),
    }
    deployments = {
        "openai": {
            "provider": "openai",
            "model": "gpt-4o-mini",
            "api_base": mocks["openai"].base_url,
            "api_key": "env:K_OPENAI",
        },
        "anthropic": {
            "provider": "anthropic",
            "model": "claude-sonnet-4-5",
            "api_base": mocks["anthropic"].base_url,
            "api_key": "env:K_ANTHROPIC",
        },
        "gemini": {
            "provider": "gemini",
            "model": "gemini-2.5-flash",
            "api_base": mocks["gemini"].api_base,
            "api_key": "env:K_GEMINI",
        },
        "azure": {
            "provider": "azure",
            "model": "gpt-4o-mini",
            "api_base": mocks["azure"].endpoint,
            "api_key": "env:K_AZURE",
        },
        "bedrock": {
            "provider": "bedrock",
            "model": "anthropic.claude-sonnet-4-5-20250929-v1:0",
            "region": "us-east-1",
            "api_base": mocks["bedrock"].base_url,
            "aws_access_key_id": "env:K_AK",
            "aws_secret_access_key": "env:K_SK",
            "aws_session_token": "env:K_ST",
        },
        "simulated": {"provider": "simulated", "model": "sim", "ttft_ms": 0, "tokens_per_second": 5000},
    }
    # Vendors that report prompt caching (the mocks' "cache" models; Bedrock's mock always does).
    deployments["anthropic-cache"] = {**deployments["anthropic"], "model": "claude-cache"}
    deployments["gemini-cache"] = {**deployments["gemini"], "model": "gemini-2.5-flash-cached"}
    config = {"aliases": {v: {"deployments": [d]} for v, d in deployments.items()}}
    env = {
        "K_OPENAI": OPENAI_KEY,
        "K_ANTHROPIC": ANTHROPIC_KEY,
        "K_GEMINI": GEMINI_KEY,
        "K_AZURE": AZURE_KEY,
        "K_AK": ACCESS_KEY,
        "K_SK": SECRET_KEY,
        "K_ST": SESSION_TOKEN,
        "FREEHOLD_MASTER_KEY": MASTER_KEY,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    gateway = start_gateway(config, tmp_path_factory.mktemp("cross"), env=env)
    yield gateway
    stop_gateway(gateway.process)
    for mock in mocks.values():
        mock.stop()
    log = gateway.log()
    for secret in (OPENAI_KEY, ANTHROPIC_KEY, GEMINI_KEY, AZURE_KEY, SECRET_KEY, SESSION_TOKEN, MASTER_KEY):
        assert secret not in log
    assert "Traceback" not in log


@pytest.fixture(scope="module")
def oai(gw: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=15) as c:
        yield c


@pytest.fixture(scope="module")
def ant(gw: Gateway) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=gw.url, api_key=MASTER_KEY, max_retries=0, timeout=15) as c:
        yield c


USER = "What's the weather in Paris? Use the tool."


# --- OpenAI chat completions ------------------------------------------------------------------


@pytest.mark.parametrize("vendor", VENDORS)
def test_chat_text_stream_and_whole_agree(oai: openai.OpenAI, vendor: str) -> None:
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello."}]
    whole = oai.chat.completions.create(model=vendor, messages=messages, max_tokens=200)  # type: ignore[arg-type]
    chunks = list(
        oai.chat.completions.create(
            model=vendor,
            messages=messages,
            max_tokens=200,
            stream=True,  # type: ignore[arg-type]
            stream_options={"include_usage": True},
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert whole.choices[0].message.content and text == whole.choices[0].message.content
    assert chunks[-1].usage is not None and whole.usage is not None
    assert chunks[-1].usage.prompt_tokens == whole.usage.prompt_tokens
    assert chunks[-1].usage.completion_tokens == whole.usage.completion_tokens


@pytest.mark.parametrize("vendor", VENDORS)
def test_chat_tool_round_trip(oai: openai.OpenAI, vendor: str) -> None:
    messages: list[Any] = [{"role": "user", "content": USER}]
    first = oai.chat.completions.create(
        model=vendor,
        messages=messages,
        tools=[WEATHER_CHAT],  # type: ignore[list-item]
        tool_choice="required",
        max_tokens=200,
    )
    calls = first.choices[0].message.tool_calls
    assert first.choices[0].finish_reason == "tool_calls" and calls
    assert calls[0].function.name == "get_weather"  # type: ignore[union-attr]
    assert isinstance(json.loads(calls[0].function.arguments), dict)  # type: ignore[union-attr]
    messages += [
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": calls[0].id, "content": '{"temp_c": 21}'},
    ]
    second = oai.chat.completions.create(
        model=vendor,
        messages=messages,
        tools=[WEATHER_CHAT],  # type: ignore[list-item]
        max_tokens=200,
    )
    assert second.choices[0].finish_reason in ("stop", "tool_calls")
    assert second.choices[0].message.content or second.choices[0].message.tool_calls


@pytest.mark.parametrize("vendor", VENDORS)
def test_chat_streamed_tool_call_arguments_assemble(oai: openai.OpenAI, vendor: str) -> None:
    stream = oai.chat.completions.create(
        model=vendor,
        messages=[{"role": "user", "content": USER}],
        tools=[WEATHER_CHAT],
        tool_choice="required",
        stream=True,  # type: ignore[list-item]
        max_tokens=200,
    )
    names, args = "", ""
    for chunk in stream:
        for choice in chunk.choices:
            for call in choice.delta.tool_calls or []:
                if call.index == 0 and call.function:
                    names += call.function.name or ""
                    args += call.function.arguments or ""
    assert names == "get_weather"
    assert isinstance(json.loads(args), dict)


# --- OpenAI Responses -------------------------------------------------------------------------


@pytest.mark.parametrize("vendor", VENDORS)
def test_responses_text_stream_and_whole_agree(oai: openai.OpenAI, vendor: str) -> None:
    whole = oai.responses.create(model=vendor, instructions="Be brief.", input="Say hello.", max_output_tokens=200)
    assert whole.status == "completed" and whole.output_text
    with oai.responses.stream(
        model=vendor, instructions="Be brief.", input="Say hello.", max_output_tokens=200
    ) as stream:
        final = stream.get_final_response()
    assert final.output_text == whole.output_text
    assert final.usage is not None and whole.usage is not None
    assert final.usage.input_tokens == whole.usage.input_tokens
    assert final.usage.output_tokens == whole.usage.output_tokens


@pytest.mark.parametrize("vendor", VENDORS)
def test_responses_function_tool_round_trip(oai: openai.OpenAI, vendor: str) -> None:
    first = oai.responses.create(
        model=vendor,
        input=USER,
        tools=[WEATHER_RESPONSES],  # type: ignore[list-item]
        tool_choice="required",
        max_output_tokens=200,
    )
    calls = [item for item in first.output if item.type == "function_call"]
    assert calls and calls[0].name == "get_weather"
    second = oai.responses.create(
        model=vendor,
        previous_response_id=first.id,
        tools=[WEATHER_RESPONSES],  # type: ignore[list-item]
        input=[{"type": "function_call_output", "call_id": calls[0].call_id, "output": '{"temp_c": 21}'}],
        max_output_tokens=200,
    )
    assert second.status == "completed" and second.output


# --- Anthropic messages -----------------------------------------------------------------------


@pytest.mark.parametrize("vendor", VENDORS)
def test_messages_text_stream_and_whole_agree(ant: anthropic.Anthropic, vendor: str) -> None:
    kwargs: dict[str, Any] = {
        "model": vendor,
        "max_tokens": 200,
        "system": "Be brief.",
        "messages": [{"role": "user", "content": "Say hello."}],
    }
    whole = ant.messages.create(**kwargs)
    with ant.messages.stream(**kwargs) as stream:
        final = stream.get_final_message()
    text = [b.text for b in whole.content if b.type == "text"]
    assert text and [b.text for b in final.content if b.type == "text"] == text
    assert final.usage.output_tokens == whole.usage.output_tokens
    assert final.usage.input_tokens == whole.usage.input_tokens


@pytest.mark.parametrize("vendor", VENDORS)
def test_messages_tool_round_trip(ant: anthropic.Anthropic, vendor: str) -> None:
    messages: list[Any] = [{"role": "user", "content": USER}]
    first = ant.messages.create(
        model=vendor,
        max_tokens=200,
        messages=messages,
        tools=[WEATHER_ANTHROPIC],  # type: ignore[list-item]
        tool_choice={"type": "any"},
    )
    uses = [b for b in first.content if b.type == "tool_use"]
    assert first.stop_reason == "tool_use" and uses and uses[0].name == "get_weather"
    messages += [
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": uses[0].id, "content": '{"temp_c": 21}'}]},
    ]
    with ant.messages.stream(model=vendor, max_tokens=200, messages=messages, tools=[WEATHER_ANTHROPIC]) as stream:  # type: ignore[list-item]
        final = stream.get_final_message()
    assert final.stop_reason in ("end_turn", "tool_use") and final.content


# --- what clients switching vendors hit -------------------------------------------------------


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("stream", [False, True])
def test_forced_tool_with_parallel_tool_calls_false_works_everywhere(
    oai: openai.OpenAI, vendor: str, stream: bool
) -> None:
    """LangChain's ``with_structured_output(method="function_calling")``: one forced call, no parallel ones."""
    kwargs: dict[str, Any] = {
        "model": vendor, "messages": [{"role": "user", "content": USER}], "tools": [WEATHER_CHAT],
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}}, "parallel_tool_calls": False,
        "max_tokens": 200,
    }  # fmt: skip
    if stream:
        chunks = list(oai.chat.completions.create(**kwargs, stream=True))
        indexes = {d.index for c in chunks if c.choices for d in c.choices[0].delta.tool_calls or ()}
        args = "".join(d.function.arguments or "" for c in chunks if c.choices  # type: ignore[union-attr]
                       for d in c.choices[0].delta.tool_calls or ())  # fmt: skip
        assert indexes == {0} and isinstance(json.loads(args), dict)
    else:
        calls = oai.chat.completions.create(**kwargs).choices[0].message.tool_calls or []
        assert [c.function.name for c in calls] == ["get_weather"]  # type: ignore[union-attr]


# (vendor alias, cache reads, cache writes or None where the vendor has no writes to report)
CACHING = [("anthropic-cache", 1000, 20), ("gemini-cache", 2, None), ("bedrock", 4, 2)]
HELLO: Any = [{"role": "user", "content": "Say hello."}]


def _own_input(oai: openai.OpenAI, vendor: str, read: int, write: int | None) -> int:
    """The vendor's own input count (without cache reads and writes), from the OpenAI door."""
    usage = oai.chat.completions.create(model=vendor, messages=HELLO, max_tokens=200).usage
    assert usage is not None and usage.prompt_tokens_details is not None
    assert usage.prompt_tokens_details.cached_tokens == read
    assert usage.prompt_tokens_details.cache_write_tokens == write
    return usage.prompt_tokens - read - (write or 0)


@pytest.mark.parametrize(("vendor", "read", "write"), CACHING)
def test_cache_usage_reaches_the_openai_door_whole_and_streamed(
    oai: openai.OpenAI, vendor: str, read: int, write: int | None
) -> None:
    own = _own_input(oai, vendor, read, write)
    chunks = list(oai.chat.completions.create(model=vendor, messages=HELLO, max_tokens=200, stream=True,
                                              stream_options={"include_usage": True}))  # fmt: skip
    usage = chunks[-1].usage
    assert usage is not None and usage.prompt_tokens_details is not None
    assert usage.prompt_tokens == own + read + (write or 0)
    assert (usage.prompt_tokens_details.cached_tokens, usage.prompt_tokens_details.cache_write_tokens) == (read, write)


@pytest.mark.parametrize(("vendor", "read", "write"), CACHING)
def test_cache_usage_reaches_the_responses_door(oai: openai.OpenAI, vendor: str, read: int, write: int | None) -> None:
    own = _own_input(oai, vendor, read, write)
    whole = oai.responses.create(model=vendor, input="Say hello.", max_output_tokens=200)
    with oai.responses.stream(model=vendor, input="Say hello.", max_output_tokens=200) as stream:
        final = stream.get_final_response()
    for usage in (whole.usage, final.usage):
        assert usage is not None
        assert usage.input_tokens == own + read + (write or 0)  # OpenAI counts cached input inside input_tokens
        assert usage.input_tokens_details.cached_tokens == read
        assert usage.input_tokens_details.cache_write_tokens == (write or 0)


@pytest.mark.parametrize(("vendor", "read", "write"), CACHING)
def test_cache_usage_reaches_the_anthropic_door_in_its_own_fields(
    oai: openai.OpenAI, ant: anthropic.Anthropic, vendor: str, read: int, write: int | None
) -> None:
    """Anthropic's ``input_tokens`` exclude cache reads and writes, which have fields of their own."""
    own = _own_input(oai, vendor, read, write)
    expected = {"input_tokens": own, "cache_read_input_tokens": read, "cache_creation_input_tokens": write or 0}
    whole = ant.messages.create(model=vendor, max_tokens=200, messages=HELLO)
    with ant.messages.stream(model=vendor, max_tokens=200, messages=HELLO) as stream:
        events = list(stream)
        final = stream.get_final_message()
    for usage in (whole.usage, final.usage):
        assert usage.model_dump(include=set(expected)) == expected
    start = next(e for e in events if e.type == "message_start").message.usage
    if vendor == "anthropic-cache":
        # Anthropic counts the prompt before answering: message_start carries the real counts, as from Anthropic,
        # and the cache writes by lifetime (the SDK takes those from message_start only).
        assert start.model_dump(include=set(expected)) == expected
        by_ttl = {"ephemeral_5m_input_tokens": 15, "ephemeral_1h_input_tokens": 5}
        for usage in (whole.usage, final.usage, start):
            assert usage.cache_creation is not None and usage.cache_creation.model_dump() == by_ttl


def test_dropped_hints_are_named_on_every_door(oai: openai.OpenAI, ant: anthropic.Anthropic) -> None:
    """The header comes from the deployment that answered, whichever door asked."""
    chat = oai.chat.completions.with_raw_response.create(model="gemini", messages=HELLO, user="u-1", max_tokens=50)
    responses = oai.responses.with_raw_response.create(model="gemini", input="Say hello.", user="u-1",
                                                       max_output_tokens=50)  # fmt: skip
    messages = ant.messages.with_raw_response.create(model="gemini", max_tokens=50, messages=HELLO,
                                                     metadata={"user_id": "u-1"})  # fmt: skip
    for raw in (chat, responses, messages):
        assert raw.headers["x-freehold-dropped-params"] == "user"
    plain = oai.chat.completions.with_raw_response.create(model="gemini", messages=HELLO, max_tokens=50)
    assert "x-freehold-dropped-params" not in plain.headers
