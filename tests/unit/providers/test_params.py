"""Parameter normalisation for OpenAI-style reasoning models (pure, catalog-driven)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from freehold.errors import InvalidRequest
from freehold.providers.params import ParamRules, rules_for
from freehold.schemas.chat import ChatRequest

MESSAGES = [{"role": "user", "content": "hi"}]


def request(drop: bool = False, **fields: Any) -> ChatRequest:
    return ChatRequest(
        body={"model": "alias", "messages": MESSAGES, **fields}, model="alias", stream=False, drop_unsupported=drop
    )


@pytest.mark.parametrize(
    "model",
    [
        "gpt-4o",
        "gpt-4o-mini-2024-07-18",
        "llama3.2",
        "unknown-model",
        "deepseek-reasoner",
        "grok-4",
        "claude-sonnet-4-5",
    ],
)
def test_models_without_quirks_get_no_rules(model: str) -> None:
    assert rules_for(model) is None


@pytest.mark.parametrize("model", ["o3", "o4-mini", "o3-mini-2025-01-31", "gpt-5", "gpt-5-mini", "openai/gpt-5-nano"])
def test_openai_reasoning_models(model: str) -> None:
    assert rules_for(model) == ParamRules(model=model, completion_tokens=True, fixed_sampling=True)


def test_max_tokens_renamed_without_touching_the_request() -> None:
    rules = rules_for("o4-mini")
    assert rules is not None
    req = request(max_tokens=100, temperature=1, top_p=1, seed=3)
    before = copy.deepcopy(req.body)
    out = rules.apply(req)
    assert out == {
        "model": "alias",
        "messages": MESSAGES,
        "max_completion_tokens": 100,
        "temperature": 1,
        "top_p": 1,
        "seed": 3,
    }
    assert req.body == before  # a fallback to another deployment still sees what the client sent


def test_both_limits_sent_keeps_max_completion_tokens() -> None:
    rules = rules_for("o3")
    assert rules is not None
    out = rules.apply(request(max_tokens=100, max_completion_tokens=40))
    assert out["max_completion_tokens"] == 40 and "max_tokens" not in out


def test_null_max_tokens_is_dropped() -> None:
    rules = rules_for("o3")
    assert rules is not None
    out = rules.apply(request(max_tokens=None))
    assert "max_tokens" not in out and "max_completion_tokens" not in out


def test_nothing_to_change_returns_the_same_body() -> None:
    rules = rules_for("gpt-5")
    assert rules is not None
    req = request(temperature=1.0, max_completion_tokens=10)
    assert rules.apply(req) is req.body


@pytest.mark.parametrize(
    ("param", "value"), [("temperature", 0.2), ("temperature", 0), ("top_p", 0.9), ("temperature", 2)]
)
def test_sampling_other_than_default_is_a_400_naming_param_and_model(param: str, value: float) -> None:
    rules = rules_for("gpt-5-mini")
    assert rules is not None
    with pytest.raises(InvalidRequest) as info:
        rules.apply(request(**{param: value}))
    err = info.value
    assert err.status == 400 and err.param == param and err.code == "unsupported_parameter"
    assert "gpt-5-mini" in err.message and f"'{param}'" in err.message and "drop_unsupported_params" in err.message


def test_sampling_dropped_when_alias_opts_in() -> None:
    rules = rules_for("o3")
    assert rules is not None
    req = request(drop=True, temperature=0.2, top_p=0.5, max_tokens=9, stop=["x"])
    assert rules.apply(req) == {"model": "alias", "messages": MESSAGES, "max_completion_tokens": 9, "stop": ["x"]}
    assert req.body["temperature"] == 0.2


def test_null_sampling_values_pass() -> None:
    rules = rules_for("o3")
    assert rules is not None
    req = request(temperature=None, top_p=None)
    assert rules.apply(req) is req.body


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
_message = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "tool"]), "content": st.text(max_size=30)}
)


@given(
    messages=st.lists(_message, min_size=1, max_size=4),
    extra=st.dictionaries(
        st.sampled_from(["tools", "tool_choice", "metadata", "stop", "seed", "user", "x_vendor"]), _json
    ),
    max_tokens=st.none() | st.integers(1, 10**6),
)
def test_only_the_named_parameters_change(
    messages: list[dict[str, Any]], extra: dict[str, Any], max_tokens: int | None
) -> None:
    rules = rules_for("o4-mini")
    assert rules is not None
    body: dict[str, Any] = {"model": "a", "messages": messages, **extra}
    if max_tokens is not None:
        body["max_tokens"] = max_tokens
    out = rules.apply(ChatRequest(body=body, model="a", stream=False))
    assert {k: v for k, v in out.items() if k != "max_completion_tokens"} == {
        k: v for k, v in body.items() if k != "max_tokens"
    }
    assert out.get("max_completion_tokens") == max_tokens
