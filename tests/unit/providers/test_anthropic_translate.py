"""Anthropic provider: request and answer translation (pure functions, recorded fixtures)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anthropic.types as at
import pydantic
import pytest
from openai.types.chat import ChatCompletion

from freehold.errors import InvalidRequest, ProviderResponseInvalid
from freehold.providers.anthropic import AnthropicDeployment, from_upstream, to_upstream, translate
from freehold.providers.emulation import JSON_TOOL_DESCRIPTION, Plan
from freehold.schemas.chat import ChatRequest

FIXTURES = Path(__file__).parents[2] / "fixtures" / "anthropic"
DEP = "claude/anthropic/claude-sonnet-4-5"
MODEL = "claude-sonnet-4-5-20250929"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def req(drop: bool = False, **body: Any) -> ChatRequest:
    body.setdefault("model", "claude")
    body.setdefault("messages", [{"role": "user", "content": "hi"}])
    return ChatRequest(body=body, model=body["model"], stream=bool(body.get("stream")), drop_unsupported=drop)


def up(drop: bool = False, model: str = MODEL, version: str = "2023-06-01", **body: Any) -> dict[str, Any]:
    return to_upstream(req(drop, **body), model, version)


def tr(drop: bool = False, model: str = MODEL, version: str = "2023-06-01", **body: Any) -> tuple[dict[str, Any], Plan]:
    return translate(req(drop, **body), model, version)


def rejected(param: str, **body: Any) -> InvalidRequest:
    with pytest.raises(InvalidRequest) as info:
        up(**body)
    assert info.value.param == param, info.value.message
    return info.value


# --- the recorded request ---------------------------------------------------------------------


def test_recorded_request_translates_exactly() -> None:
    openai_body = fixture("request_openai.json")
    request = ChatRequest(body=openai_body, model="claude", stream=True)
    assert to_upstream(request, MODEL) == fixture("request_anthropic.json")


# --- messages ---------------------------------------------------------------------------------


def test_system_and_developer_become_top_level_system_in_order() -> None:
    body = up(
        messages=[
            {"role": "system", "content": "one"},
            {"role": "user", "content": "hi"},
            {"role": "developer", "content": [{"type": "text", "text": "two"}]},
        ]
    )
    assert body["system"] == [{"type": "text", "text": "one"}, {"type": "text", "text": "two"}]
    assert body["messages"] == [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]


def test_consecutive_turns_of_one_role_are_merged() -> None:
    body = up(
        messages=[
            {"role": "user", "content": "a"},
            {"role": "user", "content": [{"type": "text", "text": "b"}]},
            {"role": "assistant", "content": "c"},
            {"role": "assistant", "content": [{"type": "text", "text": "d"}, {"type": "refusal", "refusal": "e"}]},
            {"role": "user", "content": "f"},
        ]
    )
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
        {
            "role": "assistant",
            "content": [{"type": "text", "text": t} for t in ("c", "d", "e")],
        },
        {"role": "user", "content": [{"type": "text", "text": "f"}]},
    ]


def test_empty_text_is_left_out_and_tool_call_only_assistant_turns_have_no_text() -> None:
    body = up(
        messages=[
            {"role": "user", "content": "weather?"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [{"id": "t1", "type": "function", "function": {"name": "w", "arguments": ""}}],
            },
            {"role": "tool", "tool_call_id": "t1", "content": "sunny"},
        ]
    )
    assert body["messages"][1]["content"] == [{"type": "tool_use", "id": "t1", "name": "w", "input": {}}]
    assert body["messages"][2] == {
        "role": "user",
        "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "sunny"}],
    }


@pytest.mark.parametrize("arguments", ["not json", "[1, 2]", '"text"'])
def test_tool_call_arguments_must_be_a_json_object(arguments: str) -> None:
    call = {"id": "t1", "type": "function", "function": {"name": "w", "arguments": arguments}}
    rejected(
        "messages[1].tool_calls[0].function.arguments",
        messages=[{"role": "user", "content": "x"}, {"role": "assistant", "tool_calls": [call]}],
    )


def test_tool_message_needs_its_call_id() -> None:
    rejected("messages[1].tool_call_id", messages=[{"role": "user", "content": "x"}, {"role": "tool", "content": "y"}])


def test_function_role_is_rejected() -> None:
    rejected("messages[0].role", messages=[{"role": "function", "name": "f", "content": "x"}])


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://example.com/a.png", {"type": "url", "url": "https://example.com/a.png"}),
        ("data:image/jpeg;base64,/9j/4AAQ", {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQ"}),
        ("data:image/webp;charset=x;base64,UklG", {"type": "base64", "media_type": "image/webp", "data": "UklG"}),
    ],
)
def test_images(url: str, source: dict[str, str]) -> None:
    content = [{"type": "image_url", "image_url": {"url": url}}]
    body = up(messages=[{"role": "user", "content": content}])
    assert body["messages"][0]["content"] == [{"type": "image", "source": source}]


@pytest.mark.parametrize("url", ["data:image/svg+xml;base64,PHN2Zz4=", "data:image/png,raw", "ftp://x/y.png", ""])
def test_images_anthropic_cannot_take_are_a_400(url: str) -> None:
    content = [{"type": "text", "text": "x"}, {"type": "image_url", "image_url": {"url": url}}]
    rejected("messages[0].content[1].image_url", messages=[{"role": "user", "content": content}])


def test_pdf_file_part_becomes_a_document_and_audio_is_refused() -> None:
    pdf = {"type": "file", "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBERi0x"}}
    body = up(messages=[{"role": "user", "content": [pdf]}])
    assert body["messages"][0]["content"] == [
        {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0x"}}
    ]
    audio = {"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}}
    rejected("messages[0].content[0]", messages=[{"role": "user", "content": [audio]}])


# --- parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"max_completion_tokens": 300, "max_tokens": 100}, 300),
        ({"max_tokens": 100}, 100),
        ({}, 64000),  # the catalog's output limit for the model
    ],
)
def test_max_tokens(body: dict[str, Any], expected: int) -> None:
    assert up(**body)["max_tokens"] == expected


def test_max_tokens_for_a_model_missing_from_the_catalog() -> None:
    assert up(model="some-private-model")["max_tokens"] == 4096


@pytest.mark.parametrize(
    ("effort", "limit", "budget", "max_tokens"),
    [
        ("minimal", 5000, 1024, 5000),
        ("low", None, 2048, 64000),
        ("high", 1000, 24576, 25576),
        ("medium", 8192, 8192, 16384),
    ],
)
def test_reasoning_effort_sets_a_budget_below_max_tokens(
    effort: str, limit: int | None, budget: int, max_tokens: int
) -> None:
    body = up(reasoning_effort=effort, max_completion_tokens=limit)
    assert body["thinking"] == {"type": "enabled", "budget_tokens": budget}
    assert body["max_tokens"] == max_tokens and body["max_tokens"] > budget


def test_reasoning_effort_none_and_native_thinking() -> None:
    assert "thinking" not in up(reasoning_effort="none")
    assert up(thinking={"type": "adaptive"})["thinking"] == {"type": "adaptive"}
    native = up(thinking={"type": "enabled", "budget_tokens": 4000}, max_tokens=1000)
    assert native["max_tokens"] == 5000
    rejected("reasoning_effort", reasoning_effort="extreme")


def test_reasoning_effort_on_a_model_without_thinking() -> None:
    with pytest.raises(InvalidRequest) as info:
        up(model="claude-3-5-haiku-20241022", reasoning_effort="low")
    assert info.value.param == "reasoning_effort" and "claude-3-5-haiku-20241022" in info.value.message
    assert "thinking" not in up(drop=True, model="claude-3-5-haiku-20241022", reasoning_effort="low")


def test_sampling_stop_and_user() -> None:
    body = up(temperature=0, top_p=0.5, top_k=3, stop="END", user="u-1")
    assert (body["temperature"], body["top_p"], body["top_k"]) == (0, 0.5, 3)
    assert body["stop_sequences"] == ["END"]
    assert body["metadata"] == {"user_id": "u-1"}
    assert "stop_sequences" not in up(stop=[])


def test_sampling_parameters_on_api_version_2026_10_21_are_dropped_hints() -> None:
    body, plan = tr(version="2026-10-21", temperature=0.5, top_p=0.9, top_k=3)
    assert not {"temperature", "top_p", "top_k"} & set(body)
    assert plan.dropped == ["temperature", "top_p", "top_k"]
    assert plan.headers == {"x-freehold-dropped-params": "temperature, top_k, top_p"}
    assert tr(temperature=0.5)[1].dropped == []  # the default version still takes them


def test_user_and_safety_identifier_become_metadata_user_id() -> None:
    assert tr(user="u-1") == ({**up(), "metadata": {"user_id": "u-1"}}, Plan())
    body, plan = tr(user="u-1", safety_identifier="hash-9")
    assert body["metadata"] == {"user_id": "hash-9"} and plan.dropped == ["user"]
    body, plan = tr(user="u" * 257)  # over Anthropic's limit: a hint is dropped, never refused
    assert "metadata" not in body and plan.dropped == ["user"]


WEATHER = {"type": "function", "function": {"name": "w", "parameters": {"type": "object", "properties": {}}}}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, None),
        ({"tool_choice": "auto"}, {"type": "auto"}),
        ({"tool_choice": "none"}, {"type": "none"}),
        ({"tool_choice": "required"}, {"type": "any"}),
        ({"tool_choice": {"type": "function", "function": {"name": "w"}}}, {"type": "tool", "name": "w"}),
        ({"parallel_tool_calls": False}, {"type": "auto", "disable_parallel_tool_use": True}),
        ({"parallel_tool_calls": True}, None),
        ({"tool_choice": "required", "parallel_tool_calls": False}, {"type": "any", "disable_parallel_tool_use": True}),
        ({"tool_choice": "none", "parallel_tool_calls": False}, {"type": "none"}),
    ],
)
def test_tool_choice(body: dict[str, Any], expected: dict[str, Any] | None) -> None:
    assert up(tools=[WEATHER], **body).get("tool_choice") == expected


def test_tools_translate_and_non_function_tools_are_refused() -> None:
    strict = {"type": "function", "function": {"name": "s", "description": "d", "strict": True}}
    assert up(tools=[strict])["tools"] == [
        {"name": "s", "input_schema": {"type": "object", "properties": {}}, "description": "d", "strict": True}
    ]
    rejected("tools[0]", tools=[{"type": "custom", "custom": {"name": "x"}}])
    assert "tool_choice" not in up(parallel_tool_calls=False)  # no tools, nothing to choose among


def test_response_format() -> None:
    assert "output_config" not in up(response_format={"type": "text"})
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    assert up(response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": schema}})[
        "output_config"
    ] == {"format": {"type": "json_schema", "schema": schema}}
    rejected("response_format", response_format={"type": "json_schema", "json_schema": {"name": "x"}})
    rejected("response_format", response_format={"type": "xml"})


def test_json_schema_on_a_model_without_structured_outputs_is_a_contract_refused() -> None:
    fmt = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}
    with pytest.raises(InvalidRequest) as info:
        up(model="claude-sonnet-4-20250514", response_format=fmt)
    assert info.value.param == "response_format" and "structured outputs" in info.value.message
    body, plan = tr(drop=True, model="claude-sonnet-4-20250514", response_format=fmt)
    assert "output_config" not in body and plan.dropped == ["response_format"]
    assert "output_config" in up(model="claude-unlisted-9", response_format=fmt)  # unknown models: the upstream decides


JSON_TOOL = {"name": "json_answer", "description": JSON_TOOL_DESCRIPTION, "input_schema": {"type": "object"}}
JSON_MODE = {"type": "json_object"}


def test_json_mode_is_a_forced_tool_whose_input_is_the_answer() -> None:
    body, plan = tr(response_format=JSON_MODE)
    assert body["tools"] == [JSON_TOOL] and body["tool_choice"] == {"type": "tool", "name": "json_answer"}
    assert "output_config" not in body
    assert plan == Plan(json_tool="json_answer")


@pytest.mark.parametrize(
    ("body", "choice", "emulated"),
    [
        ({}, {"type": "any"}, True),  # the model calls a client tool or answers in JSON, as with OpenAI
        ({"tool_choice": "auto"}, {"type": "any"}, True),
        ({"tool_choice": "none"}, {"type": "tool", "name": "json_answer"}, True),
        ({"parallel_tool_calls": False}, {"type": "any", "disable_parallel_tool_use": True}, True),
        ({"tool_choice": "required"}, {"type": "any"}, False),  # the answer is tool calls: nothing to shape
        ({"tool_choice": {"type": "function", "function": {"name": "w"}}}, {"type": "tool", "name": "w"}, False),
    ],
)
def test_json_mode_with_client_tools(body: dict[str, Any], choice: dict[str, Any], emulated: bool) -> None:
    out, plan = tr(tools=[WEATHER], response_format=JSON_MODE, **body)
    assert out["tool_choice"] == choice
    assert [t["name"] for t in out["tools"]] == ["w", "json_answer"] if emulated else ["w"]
    assert plan.json_tool == ("json_answer" if emulated else None)


def test_json_mode_tool_name_never_shadows_a_client_tool() -> None:
    taken = {"type": "function", "function": {"name": "json_answer"}}
    body, plan = tr(tools=[taken], tool_choice="none", response_format=JSON_MODE)
    assert [t["name"] for t in body["tools"]] == ["json_answer", "json_answer_2"]
    assert plan.json_tool == "json_answer_2"


def test_json_mode_with_thinking_is_refused_or_dropped() -> None:
    err = rejected("response_format", response_format=JSON_MODE, reasoning_effort="low")
    assert err.code == "unsupported_parameter" and "extended thinking" in err.message
    body, plan = tr(drop=True, response_format=JSON_MODE, reasoning_effort="low")
    assert "tools" not in body and body["thinking"]["type"] == "enabled"
    assert plan == Plan(dropped=["response_format"])


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"n": 2}, "n"),
        ({"logprobs": True}, "logprobs"),
        ({"top_logprobs": 2}, "top_logprobs"),
        ({"logit_bias": {"1": 2}}, "logit_bias"),
        ({"modalities": ["text", "audio"]}, "modalities"),
        ({"vendor_knob": 1}, "vendor_knob"),
    ],
)
def test_contracts_are_refused_or_dropped_when_the_alias_says_so(body: dict[str, Any], param: str) -> None:
    err = rejected(param, **body)
    assert MODEL in err.message and param in err.message
    out, plan = tr(drop=True, **body)
    assert param not in out and plan.dropped == [param]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"seed": 1}, "seed"),
        ({"presence_penalty": 0.5}, "presence_penalty"),
        ({"frequency_penalty": 0.5}, "frequency_penalty"),
        ({"service_tier": "flex"}, "service_tier"),
        ({"metadata": {"team": "search"}}, "metadata"),
        ({"store": True}, "store"),
        ({"prediction": {"type": "content", "content": "x"}}, "prediction"),
        ({"prompt_cache_key": "k"}, "prompt_cache_key"),
        ({"verbosity": "low"}, "verbosity"),
    ],
)
def test_hints_are_dropped_and_named(body: dict[str, Any], param: str) -> None:
    out, plan = tr(**body)
    assert param not in out and "metadata" not in out
    assert plan.headers == {"x-freehold-dropped-params": param}


def test_values_that_ask_for_nothing_are_neither_dropped_nor_refused() -> None:
    body, plan = tr(n=1, logprobs=False, store=False, seed=None, metadata={}, service_tier="auto")
    assert body["service_tier"] == "auto" and "n" not in body and "logprobs" not in body
    assert plan.dropped == []
    assert up(service_tier="default")["service_tier"] == "standard_only"
    assert up(service_tier="priority")["service_tier"] == "auto"


# --- answers ----------------------------------------------------------------------------------


def test_recorded_fixtures_are_valid_anthropic_payloads() -> None:
    for name in ("message_text.json", "message_tool_use.json"):
        at.Message.model_validate(fixture(name))
    events = pydantic.TypeAdapter(at.RawMessageStreamEvent)
    for name in ("stream_text.sse", "stream_tool_use.sse", "stream_error.sse"):
        for line in (FIXTURES / name).read_text().splitlines():
            if line.startswith("data: ") and '"error"' not in line and '"ping"' not in line:
                events.validate_python(json.loads(line[6:]))


def test_text_answer() -> None:
    out = ChatCompletion.model_validate(from_upstream(fixture("message_text.json"), DEP))
    assert out.model == MODEL
    assert out.choices[0].message.content == "Hello! How can I help you today?"
    assert out.choices[0].message.tool_calls is None
    assert out.choices[0].finish_reason == "stop"
    assert out.usage is not None
    assert (out.usage.prompt_tokens, out.usage.completion_tokens, out.usage.total_tokens) == (12, 12, 24)


def test_tool_use_answer_with_thinking_and_cache() -> None:
    raw = from_upstream(fixture("message_tool_use.json"), DEP)
    out = ChatCompletion.model_validate(raw)
    message = out.choices[0].message
    assert message.content == "I'll check both cities."
    assert out.choices[0].finish_reason == "tool_calls"
    calls = message.tool_calls or []
    assert [(c.id, c.function.name, json.loads(c.function.arguments)) for c in calls] == [  # type: ignore[union-attr]
        ("toolu_01A09q90qw90lq917835lq9", "get_weather", {"city": "Paris", "unit": "celsius"}),
        ("toolu_01B1bq7s0s1qk1l2m3n4o5p", "get_weather", {"city": "Tokyo"}),
    ]
    extra = message.model_extra or {}
    assert extra["reasoning_content"] == "The user wants the weather in two cities; I can look both up at once."
    assert extra["thinking_blocks"] == [
        {
            "type": "thinking",
            "thinking": extra["reasoning_content"],
            "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
        },
        {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"},
    ]
    usage = out.usage
    assert usage is not None and usage.prompt_tokens_details and usage.completion_tokens_details
    assert usage.prompt_tokens == 50 + 20 + 1000
    assert usage.prompt_tokens_details.cached_tokens == 1000
    # cache writes (priced apart): OpenAI's field, and by lifetime in an extension key
    assert usage.prompt_tokens_details.cache_write_tokens == 20
    assert usage.prompt_tokens_details.model_extra == {
        "cache_creation": {"ephemeral_5m_input_tokens": 20, "ephemeral_1h_input_tokens": 0}
    }
    assert usage.completion_tokens == 140 and usage.completion_tokens_details.reasoning_tokens == 60
    # The answer, sent back as the next turn's assistant message, replays the same blocks.
    replay = up(messages=[{"role": "user", "content": "x"}, raw["choices"][0]["message"]])["messages"][1]["content"]
    assert replay == fixture("message_tool_use.json")["content"]


@pytest.mark.parametrize(
    ("stop_reason", "finish"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("pause_turn", "stop"),
        ("max_tokens", "length"),
        ("model_context_window_exceeded", "length"),
        ("tool_use", "tool_calls"),
        ("refusal", "content_filter"),
        ("something_new", "stop"),
    ],
)
def test_finish_reasons(stop_reason: str, finish: str) -> None:
    message = {**fixture("message_text.json"), "stop_reason": stop_reason}
    assert from_upstream(message, DEP)["choices"][0]["finish_reason"] == finish


def test_answer_that_is_not_a_message() -> None:
    with pytest.raises(ProviderResponseInvalid):
        from_upstream({"type": "error", "error": {}}, DEP)
    with pytest.raises(ProviderResponseInvalid, match="malformed"):
        from_upstream({**fixture("message_text.json"), "content": [{"type": "tool_use", "id": "x"}]}, DEP)


def test_thinking_blocks_sent_back_must_be_whole() -> None:
    assistant = {"role": "assistant", "content": "a", "thinking_blocks": [{"type": "thinking", "thinking": "t"}]}
    rejected("messages[1].thinking_blocks[0]", messages=[{"role": "user", "content": "q"}, assistant])


# --- config -----------------------------------------------------------------------------------


def test_config_defaults_and_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    cfg = AnthropicDeployment.model_validate({"provider": "anthropic", "model": "claude-sonnet-4-5"})
    assert cfg.api_base == "https://api.anthropic.com"
    assert cfg.anthropic_version == "2023-06-01" and cfg.beta == ()
    assert cfg.api_key.get_secret_value() == "sk-ant-test"  # type: ignore[attr-defined]
    v1 = AnthropicDeployment.model_validate({"provider": "anthropic", "model": "m", "api_base": "http://h:1/v1/"})
    assert v1.api_base == "http://h:1"
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    with pytest.raises(pydantic.ValidationError, match="ANTHROPIC_API_KEY is not set"):
        AnthropicDeployment.model_validate({"provider": "anthropic", "model": "m"})
    with pytest.raises(pydantic.ValidationError, match="beta"):
        AnthropicDeployment.model_validate(
            {"provider": "anthropic", "model": "m", "api_key": "env:PATH", "beta": ["a,b"]}
        )


def json_mode_answer(*blocks: dict[str, Any], stop_reason: str = "tool_use") -> dict[str, Any]:
    message = {**fixture("message_text.json"), "content": list(blocks), "stop_reason": stop_reason}
    at.Message.model_validate(message)
    return message


def tool_use(name: str, arguments: dict[str, Any], n: int = 0) -> dict[str, Any]:
    return {"type": "tool_use", "id": f"toolu_01Json{n}", "name": name, "input": arguments}


def test_json_mode_answer_is_the_tool_input_as_content() -> None:
    message = json_mode_answer(tool_use("json_answer", {"city": "Paris", "temp": 21.5}))
    out = ChatCompletion.model_validate(from_upstream(message, DEP, Plan(json_tool="json_answer")))
    assert json.loads(out.choices[0].message.content or "") == {"city": "Paris", "temp": 21.5}
    assert out.choices[0].message.tool_calls is None and out.choices[0].finish_reason == "stop"
    # without the plan, the same message is a plain tool call
    plain = ChatCompletion.model_validate(from_upstream(message, DEP))
    assert plain.choices[0].message.tool_calls and plain.choices[0].finish_reason == "tool_calls"


def test_json_mode_answer_next_to_a_client_tool_call() -> None:
    message = json_mode_answer(tool_use("get_weather", {"city": "Paris"}), tool_use("json_answer", {}, 1))
    out = ChatCompletion.model_validate(from_upstream(message, DEP, Plan(json_tool="json_answer")))
    assert out.choices[0].message.content == "{}"
    assert [c.function.name for c in out.choices[0].message.tool_calls or ()] == ["get_weather"]  # type: ignore[union-attr]
    assert out.choices[0].finish_reason == "tool_calls"
