"""Gemini provider: request and whole-answer translation, on recorded fixtures (no network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openai.types.chat import ChatCompletion

from freehold.errors import InvalidRequest, ProviderRejected, ProviderResponseInvalid
from freehold.providers.emulation import Plan
from freehold.providers.gemini.config import GeminiDeployment
from freehold.providers.gemini.translate import (
    finish_reason,
    from_upstream,
    to_upstream,
    tool_call_id,
    translate,
    usage_from,
)
from freehold.schemas.chat import ChatRequest

FIXTURES = Path(__file__).parents[2] / "fixtures" / "gemini"
DEP = "smart/gemini/gemini-2.5-flash"
MODEL = "gemini-2.5-flash"
SAFETY = ({"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"},)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def req(drop: bool = False, **body: Any) -> ChatRequest:
    body.setdefault("messages", [{"role": "user", "content": "Hi"}])
    return ChatRequest(
        body={"model": "smart", **body}, model="smart", stream=bool(body.get("stream")), drop_unsupported=drop
    )


def up(**body: Any) -> dict[str, Any]:
    return dict(to_upstream(req(**body), MODEL))


# --- config ---------------------------------------------------------------------------------


def test_config_defaults_and_normalisation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "AIzaTestKey")
    cfg = GeminiDeployment.model_validate(
        {"provider": "gemini", "model": "models/gemini-2.5-pro", "api_key": "env:GEMINI_API_KEY"}
    )
    assert cfg.api_base == "https://generativelanguage.googleapis.com"
    assert cfg.model == "gemini-2.5-pro"
    assert cfg.api_key.get_secret_value() == "AIzaTestKey"  # type: ignore[attr-defined]
    custom = GeminiDeployment.model_validate(
        {"provider": "gemini", "model": "m", "api_key": "env:GEMINI_API_KEY", "api_base": "http://h:1/v1beta/"}
    )
    assert custom.api_base == "http://h:1"


# --- to_upstream ----------------------------------------------------------------------------


def test_full_request_matches_recorded_gemini_request() -> None:
    request = ChatRequest(body=fixture("chat_request.openai.json"), model="smart", stream=False)
    assert to_upstream(request, MODEL, SAFETY) == fixture("chat_request.gemini.json")


def test_minimal_request_has_no_empty_sections() -> None:
    assert up() == {"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]}


def test_consecutive_same_role_messages_are_merged() -> None:
    out = up(messages=[{"role": "user", "content": "a"}, {"role": "user", "content": "b"}])
    assert out["contents"] == [{"role": "user", "parts": [{"text": "a"}, {"text": "b"}]}]


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("auto", {"mode": "AUTO"}),
        ("none", {"mode": "NONE"}),
        ("required", {"mode": "ANY"}),
        ({"type": "function", "function": {"name": "f"}}, {"mode": "ANY", "allowedFunctionNames": ["f"]}),
    ],
)
def test_tool_choice(choice: Any, expected: dict[str, Any]) -> None:
    tools = [{"type": "function", "function": {"name": "f"}}]
    out = up(tools=tools, tool_choice=choice)
    assert out["tools"] == [{"functionDeclarations": [{"name": "f"}]}]
    assert out["toolConfig"] == {"functionCallingConfig": expected}


def test_json_mode_and_stop_string() -> None:
    config = up(response_format={"type": "json_object"}, stop="END", max_tokens=9)["generationConfig"]
    assert config == {"responseMimeType": "application/json", "stopSequences": ["END"], "maxOutputTokens": 9}


@pytest.mark.parametrize(
    ("effort", "thinking"),
    [
        ("none", {"thinkingBudget": 0}),
        ("minimal", {"thinkingBudget": 1024, "includeThoughts": True}),
        ("high", {"thinkingBudget": 24576, "includeThoughts": True}),
    ],
)
def test_reasoning_effort_maps_to_thinking_budget(effort: str, thinking: dict[str, Any]) -> None:
    assert up(reasoning_effort=effort)["generationConfig"]["thinkingConfig"] == thinking


def test_reasoning_effort_on_a_model_that_does_not_think_is_rejected_or_dropped() -> None:
    with pytest.raises(InvalidRequest) as info:
        to_upstream(req(reasoning_effort="low"), "gemini-2.0-flash")
    assert info.value.param == "reasoning_effort" and "gemini-2.0-flash" in info.value.message
    assert "generationConfig" not in to_upstream(req(drop=True, reasoning_effort="low"), "gemini-2.0-flash")


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"logit_bias": {"50256": -100}}, "logit_bias"),
        ({"web_search_options": {}}, "web_search_options"),
        ({"tools": [{"type": "custom", "custom": {"name": "g"}}]}, "tools[0]"),
    ],
)
def test_contracts_are_rejected_naming_them_unless_dropped(body: dict[str, Any], param: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        to_upstream(req(**body), MODEL)
    assert info.value.param == param and info.value.code == "unsupported_parameter" and MODEL in info.value.message
    out, plan = translate(req(drop=True, **body), MODEL)
    assert "logit_bias" not in json.dumps(out) and "custom" not in json.dumps(out)
    assert plan.dropped == [param]


def test_hints_are_dropped_and_named() -> None:
    hints = {
        "user": "u-1", "safety_identifier": "h", "metadata": {"team": "x"}, "store": True, "service_tier": "flex",
        "prompt_cache_key": "k", "prediction": {"type": "content", "content": "x"}, "verbosity": "low",
    }  # fmt: skip
    out, plan = translate(req(**hints), MODEL)
    assert out == to_upstream(req(), MODEL)
    assert plan.dropped == list(hints)
    assert plan.headers == {"x-freehold-dropped-params": ", ".join(sorted(hints))}
    assert translate(req(store=False, metadata={}), MODEL)[1] == Plan()  # values asking for nothing


WEATHER = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}


@pytest.mark.parametrize(
    ("choice", "config"),
    [
        # LangChain's with_structured_output(method="function_calling"): a forced function
        (
            {"type": "function", "function": {"name": "get_weather"}},
            {"mode": "ANY", "allowedFunctionNames": ["get_weather"]},
        ),
        ("auto", {"mode": "AUTO"}),
        (None, None),
    ],
)
def test_parallel_tool_calls_false_is_emulated_never_refused(choice: Any, config: dict[str, Any] | None) -> None:
    out, plan = translate(req(tools=[WEATHER], tool_choice=choice, parallel_tool_calls=False), MODEL)
    assert out.get("toolConfig") == ({"functionCallingConfig": config} if config else None)
    assert plan == Plan(one_tool_call=True)
    assert translate(req(tools=[WEATHER], parallel_tool_calls=True), MODEL)[1] == Plan()
    assert translate(req(parallel_tool_calls=False), MODEL)[1] == Plan()  # no tools: nothing to limit


@pytest.mark.parametrize(
    ("messages", "param"),
    [
        ([{"role": "tool", "tool_call_id": "nope", "content": "x"}], "messages[0].tool_call_id"),
        (
            [
                {"role": "user", "content": "x"},
                {
                    "role": "assistant",
                    "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "[1]"}}],
                },
            ],
            "messages[1].tool_calls[0]",
        ),
        (
            [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "ftp://x/y.png"}}]}],
            "messages[0].content[0]",
        ),
        (
            [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png,abc"}}]}],
            "messages[0].content[0]",
        ),
        ([{"role": "user", "content": [{"type": "video", "video": {}}]}], "messages[0].content[0]"),
        ([{"role": "system", "content": "only a system prompt"}], "messages"),
    ],
)
def test_untranslatable_messages_are_400s_naming_the_field(messages: list[dict[str, Any]], param: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        up(messages=messages)
    assert info.value.param == param


def test_legacy_function_message_and_audio() -> None:
    out = up(
        messages=[
            {
                "role": "user",
                "content": [{"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}],
            },
            {"role": "assistant", "content": "calling"},
            {"role": "function", "name": "lookup", "content": "[1, 2]"},
        ]
    )
    assert out["contents"][0]["parts"] == [{"inlineData": {"mimeType": "audio/wav", "data": "UklGRg=="}}]
    assert out["contents"][2]["parts"] == [{"functionResponse": {"name": "lookup", "response": {"output": "[1, 2]"}}}]


# --- from_upstream --------------------------------------------------------------------------


def parse(name: str, model: str = MODEL) -> ChatCompletion:
    return ChatCompletion.model_validate(from_upstream(fixture(name), model, DEP))


def test_text_with_thoughts_usage_and_model_version() -> None:
    completion = parse("response_text.json")
    choice = completion.choices[0]
    assert choice.message.content == "Hello! How can I help you today?"
    assert choice.message.reasoning_content.startswith("**Weighing")  # type: ignore[attr-defined]
    assert choice.finish_reason == "stop" and completion.model == "gemini-2.5-flash"
    usage = completion.usage
    assert usage is not None
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (12, 49, 61)
    assert usage.prompt_tokens_details and usage.prompt_tokens_details.cached_tokens == 4
    assert usage.completion_tokens_details and usage.completion_tokens_details.reasoning_tokens == 40


def test_parallel_function_calls_get_stable_ids_and_signatures() -> None:
    completion = parse("response_parallel_calls.json")
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    calls = choice.message.tool_calls or []
    assert [(c.function.name, json.loads(c.function.arguments)) for c in calls] == [  # type: ignore[union-attr]
        ("get_weather", {"city": "Paris"}),
        ("get_weather", {"city": "Tokyo"}),
    ]
    assert calls[0].id == tool_call_id("Yx4oaK7fJ4ew1MkP_ZbA4Ao", 0, 0, "get_weather")
    assert calls[0].id != calls[1].id and calls[0].id.startswith("call_")
    assert parse("response_parallel_calls.json").choices[0].message.tool_calls[0].id == calls[0].id  # type: ignore[index]
    assert calls[0].model_extra == {"extra_content": {"google": {"thought_signature": "Q2lRQjBlMkhy"}}}


def test_one_tool_call_keeps_the_first_call_only() -> None:
    raw = from_upstream(fixture("response_parallel_calls.json"), MODEL, DEP, Plan(one_tool_call=True))
    choice = ChatCompletion.model_validate(raw).choices[0]
    calls = choice.message.tool_calls or []
    assert [json.loads(c.function.arguments) for c in calls] == [{"city": "Paris"}]  # type: ignore[union-attr]
    assert calls[0].id == tool_call_id("Yx4oaK7fJ4ew1MkP_ZbA4Ao", 0, 0, "get_weather")  # the same id as without
    assert calls[0].model_extra == {"extra_content": {"google": {"thought_signature": "Q2lRQjBlMkhy"}}}
    assert choice.finish_reason == "tool_calls"


def test_logprobs_and_several_candidates() -> None:
    completion = parse("response_logprobs.json", "gemini-2.0-flash")
    first, second = completion.choices
    assert first.logprobs is not None and first.logprobs.content is not None
    assert [(t.token, t.logprob) for t in first.logprobs.content] == [("Hi", -0.05), (" there", -0.2)]
    assert [t.token for t in first.logprobs.content[0].top_logprobs] == ["Hi", "Hello"]
    assert (second.index, second.message.content, second.finish_reason, second.logprobs) == (1, "Hello", "length", None)


def test_safety_stop_is_content_filter() -> None:
    choice = parse("response_safety_stop.json").choices[0]
    assert (choice.message.content, choice.finish_reason) == ("Here is how", "content_filter")


def test_blocked_prompt_is_a_400_content_filter_error() -> None:
    with pytest.raises(ProviderRejected) as info:
        from_upstream(fixture("response_blocked.json"), MODEL, DEP)
    err = info.value
    assert (err.status, err.code, err.param, err.fallback_ok) == (400, "content_filter", "messages", False)
    assert "SAFETY" in err.message


def test_no_candidates_without_a_reason_is_invalid() -> None:
    with pytest.raises(ProviderResponseInvalid):
        from_upstream({"usageMetadata": {}}, MODEL, DEP)


@pytest.mark.parametrize(
    ("reason", "calls", "expected"),
    [
        ("STOP", False, "stop"),
        ("STOP", True, "tool_calls"),
        ("MAX_TOKENS", True, "length"),
        ("SAFETY", False, "content_filter"),
        ("RECITATION", False, "content_filter"),
        ("BLOCKLIST", False, "content_filter"),
        ("PROHIBITED_CONTENT", False, "content_filter"),
        ("SPII", False, "content_filter"),
        ("OTHER", False, "stop"),
    ],
)
def test_finish_reasons(reason: str, calls: bool, expected: str) -> None:
    assert finish_reason(reason, calls) == expected


def test_usage_counts_tool_use_prompt_tokens_as_prompt() -> None:
    usage = usage_from({"promptTokenCount": 10, "toolUsePromptTokenCount": 5, "candidatesTokenCount": 2})
    assert (usage["prompt_tokens"], usage["completion_tokens"], usage["total_tokens"]) == (15, 2, 17)
