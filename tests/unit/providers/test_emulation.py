"""Hints and contracts: every row docs/providers.md shows is checked against the translation itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from freehold.errors import InvalidRequest
from freehold.providers.anthropic.translate import translate as anthropic_translate
from freehold.providers.bedrock.translate import translate as bedrock_translate
from freehold.providers.emulation import CONTRACTS, HINTS, Handling, Plan, json_tool_name, unset
from freehold.providers.gemini.translate import translate as gemini_translate
from freehold.providers.registry import PROVIDERS
from freehold.schemas.chat import ChatRequest

TRANSLATE: dict[str, Callable[[ChatRequest], tuple[Mapping[str, Any], Plan]]] = {
    "anthropic": lambda r: anthropic_translate(r, "claude-sonnet-4-5"),
    "gemini": lambda r: gemini_translate(r, "gemini-2.5-flash"),
    "bedrock": lambda r: bedrock_translate(r, "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
}
WEATHER = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
CALLED = [
    {"role": "user", "content": "Weather?"},
    {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function",
                                          "function": {"name": "get_weather", "arguments": "{}"}}]},
    {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
]  # fmt: skip
# A request field, per (parameter, case), that asks for what the row is about.
SAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("user", ""): {"user": "u-1"},
    ("safety_identifier", ""): {"safety_identifier": "h-1"},
    ("metadata", ""): {"metadata": {"team": "search"}},
    ("store", ""): {"store": True},
    ("service_tier", ""): {"service_tier": "auto"},
    ("seed", ""): {"seed": 7},
    ("temperature", ""): {"temperature": 0.5},
    ("top_p", ""): {"top_p": 0.5},
    ("top_k", ""): {"top_k": 3},
    ("presence_penalty", ""): {"presence_penalty": 0.1},
    ("frequency_penalty", ""): {"frequency_penalty": 0.1},
    ("prompt_cache_key", ""): {"prompt_cache_key": "k"},
    ("prompt_cache_retention", ""): {"prompt_cache_retention": "24h"},
    ("prediction", ""): {"prediction": {"type": "content", "content": "x"}},
    ("verbosity", ""): {"verbosity": "low"},
    ("n", "> 1"): {"n": 2},
    ("logprobs", ""): {"logprobs": True},
    ("top_logprobs", ""): {"top_logprobs": 2},
    ("logit_bias", ""): {"logit_bias": {"50256": -100}},
    ("modalities", ""): {"modalities": ["text", "audio"]},
    ("audio", ""): {"audio": {"voice": "alloy", "format": "wav"}},
    ("web_search_options", ""): {"web_search_options": {}},
    ("functions", ""): {"functions": [{"name": "f", "parameters": {"type": "object"}}]},
    ("function_call", ""): {"function_call": "auto"},
    ("response_format", "json_object"): {"response_format": {"type": "json_object"}},
    ("response_format", "json_schema"): {
        "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}
    },
    ("parallel_tool_calls", "false"): {"parallel_tool_calls": False, "tools": [WEATHER]},
    ("tool_choice", "none, with tool calls in the conversation"): {
        "tool_choice": "none",
        "tools": [WEATHER],
        "messages": CALLED,
    },
}
ROWS = [(name, row) for name, entry in PROVIDERS.items() for row in entry.parameters]


def request(sample: dict[str, Any], drop: bool = False) -> ChatRequest:
    body = {"model": "alias", "messages": [{"role": "user", "content": "hi"}], **sample}
    return ChatRequest(body=body, model="alias", stream=False, drop_unsupported=drop)


def test_every_translating_provider_declares_its_parameters() -> None:
    assert {name for name, entry in PROVIDERS.items() if entry.parameters} == set(TRANSLATE)
    for name, entry in PROVIDERS.items():
        assert not [row for row in entry.parameters if row.kind == "hint" and row.treatment == "refused"], name
        documented = [(row.param, row.case) for row in entry.parameters]
        assert len(documented) == len(set(documented)), f"{name} documents a parameter twice"
        assert all(row.param in HINTS or row.param in CONTRACTS for row in entry.parameters)


@pytest.mark.parametrize(("provider", "row"), ROWS, ids=[f"{n}-{r.param}-{r.case}" for n, r in ROWS])
def test_each_documented_row_is_what_the_translation_does(provider: str, row: Handling) -> None:
    translate = TRANSLATE[provider]
    sample = SAMPLES[(row.param, row.case)]
    if row.treatment == "refused":
        with pytest.raises(InvalidRequest) as info:
            translate(request(sample))
        assert info.value.param == row.param and info.value.code == "unsupported_parameter"
        _, plan = translate(request(sample, drop=True))  # the alias opted in: dropped, and named
        assert plan.dropped == [row.param]
        return
    body, plan = translate(request(sample))
    if row.treatment == "dropped":
        assert plan.dropped == [row.param] and row.param not in body
    else:
        assert plan.dropped == [], f"{row.param} is {row.treatment}, not dropped"
    if row.treatment == "emulated":
        assert plan.json_tool is not None or plan.one_tool_call


@pytest.mark.parametrize("provider", TRANSLATE)
def test_no_hint_is_ever_a_400_all_at_once_either(provider: str) -> None:
    sample = {k: v for hint in HINTS for k, v in SAMPLES[(hint, "")].items()}
    _, plan = TRANSLATE[provider](request(sample))
    assert set(plan.dropped) <= set(HINTS)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("n", 1, True), ("n", 2, False), ("logprobs", False, True), ("store", False, True), ("seed", 0, False),
        ("metadata", {}, True), ("web_search_options", {}, False), ("top_logprobs", 0, True), ("n", True, False),
    ],
)  # fmt: skip
def test_values_that_ask_for_nothing(key: str, value: Any, expected: bool) -> None:
    assert unset(key, value) is expected


def test_plan_headers_and_json_tool_names() -> None:
    assert Plan().headers == {}
    plan = Plan()
    plan.drop("seed")
    plan.drop("metadata")
    plan.drop("seed")
    assert plan.headers == {"x-freehold-dropped-params": "metadata, seed"}
    assert json_tool_name({"get_weather"}) == "json_answer"
    assert json_tool_name({"json_answer", "json_answer_2"}) == "json_answer_3"
