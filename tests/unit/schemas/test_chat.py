"""Request decoding: clear 400s naming the field, and unknown fields passed through untouched."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from freehold.errors import InvalidRequest
from freehold.providers.openai_compat import to_upstream
from freehold.schemas.chat import MAX_JSON_DEPTH, parse_chat, parse_embeddings

MESSAGES = [{"role": "user", "content": "Hello"}]


def chat(**fields: Any) -> bytes:
    return orjson.dumps({"model": "smart", "messages": MESSAGES, **fields})


def rejected(raw: bytes, *, embeddings: bool = False) -> InvalidRequest:
    with pytest.raises(InvalidRequest) as info:
        (parse_embeddings if embeddings else parse_chat)(raw)
    err = info.value
    assert err.status == 400
    assert err.error_type == "invalid_request_error"
    assert not err.retryable and not err.fallback_ok
    return err


def test_minimal_request() -> None:
    req = parse_chat(chat())
    assert req.model == "smart"
    assert req.stream is False
    assert req.body == {"model": "smart", "messages": MESSAGES}


def test_stream_flag() -> None:
    assert parse_chat(chat(stream=True, stream_options={"include_usage": True})).stream is True
    assert parse_chat(chat(stream=False)).stream is False
    assert parse_chat(chat(stream=None)).stream is False


@pytest.mark.parametrize("raw", [b"", b"{", b"{'model': 'x'}", b"\xff\xfe", b'{"model": "x",}', b"nul"])
def test_malformed_json(raw: bytes) -> None:
    err = rejected(raw)
    assert err.code == "invalid_json"
    assert err.param is None


@pytest.mark.parametrize(
    ("raw", "got"),
    [(b"[]", "an array"), (b'"hi"', "a string"), (b"3", "an integer"), (b"null", "null"), (b"true", "a boolean")],
)
def test_body_must_be_an_object(raw: bytes, got: str) -> None:
    err = rejected(raw)
    assert err.code == "invalid_json"
    assert got in err.message


def test_missing_model() -> None:
    err = rejected(orjson.dumps({"messages": MESSAGES}))
    assert (err.param, err.code) == ("model", "missing_required_parameter")


@pytest.mark.parametrize("model", ["", 5, ["smart"], True])
def test_bad_model(model: Any) -> None:
    err = rejected(chat(model=model))
    assert err.param == "model"
    assert "non-empty string" in err.message


def test_missing_messages() -> None:
    err = rejected(orjson.dumps({"model": "smart"}))
    assert (err.param, err.code) == ("messages", "missing_required_parameter")


@pytest.mark.parametrize("messages", [[], {}, "hello", 1])
def test_messages_must_be_a_non_empty_array(messages: Any) -> None:
    assert rejected(chat(messages=messages)).param == "messages"


@pytest.mark.parametrize("message", ["hello", 1, None, ["user", "hi"]])
def test_message_must_be_an_object(message: Any) -> None:
    err = rejected(chat(messages=[MESSAGES[0], message]))
    assert err.param == "messages[1]"


@pytest.mark.parametrize("role", ["robot", None, 1, "USER", "", ["user"], {"x": 1}])
def test_bad_role(role: Any) -> None:
    err = rejected(chat(messages=[{"role": role, "content": "x"}]))
    assert err.param == "messages[0].role"
    assert "user" in err.message and "assistant" in err.message


def test_missing_role() -> None:
    assert rejected(chat(messages=[{"content": "x"}])).param == "messages[0].role"


@pytest.mark.parametrize("role", ["system", "developer", "user", "assistant", "tool", "function"])
def test_known_roles(role: str) -> None:
    parse_chat(chat(messages=[{"role": role, "content": "x"}]))


@pytest.mark.parametrize("content", [5, {"text": "x"}, True])
def test_bad_content(content: Any) -> None:
    assert rejected(chat(messages=[{"role": "user", "content": content}])).param == "messages[0].content"


@pytest.mark.parametrize("content", ["", None, [{"type": "text", "text": "hi"}]])
def test_good_content(content: Any) -> None:
    parse_chat(chat(messages=[{"role": "assistant", "content": content}]))


BAD_MESSAGES: list[tuple[dict[str, Any], str]] = [
    ({"role": "user", "content": [{"type": "text", "text": 5}]}, "messages[0].content[0].text"),
    ({"role": "user", "content": [{"type": "text"}]}, "messages[0].content[0].text"),
    ({"role": "user", "content": ["hi"]}, "messages[0].content[0]"),
    ({"role": "user", "content": [{"text": "hi"}]}, "messages[0].content[0].type"),
    ({"role": "user", "content": [{"type": 3}]}, "messages[0].content[0].type"),
    ({"role": "user", "content": [{"type": "image_url", "image_url": 7}]}, "messages[0].content[0].image_url"),
    (
        {"role": "user", "content": [{"type": "image_url", "image_url": {"url": 7}}]},
        "messages[0].content[0].image_url.url",
    ),
    ({"role": "user", "content": [{"type": "input_audio", "input_audio": "x"}]}, "messages[0].content[0].input_audio"),
    ({"role": "user", "content": "hi", "name": 5}, "messages[0].name"),
    ({"role": "tool", "content": "ok", "tool_call_id": ["t"]}, "messages[0].tool_call_id"),
    ({"role": "assistant", "content": None, "refusal": 1}, "messages[0].refusal"),
    ({"role": "assistant", "tool_calls": {"id": "t"}}, "messages[0].tool_calls"),
    ({"role": "assistant", "tool_calls": ["t"]}, "messages[0].tool_calls[0]"),
    ({"role": "assistant", "tool_calls": [{"id": 1, "function": {"name": "f"}}]}, "messages[0].tool_calls[0].id"),
    ({"role": "assistant", "tool_calls": [{"id": "t"}]}, "messages[0].tool_calls[0].function"),
    (
        {"role": "assistant", "tool_calls": [{"id": "t", "function": {"name": 2}}]},
        "messages[0].tool_calls[0].function.name",
    ),
    (
        {"role": "assistant", "tool_calls": [{"id": "t", "function": {"name": "f", "arguments": {"a": 1}}}]},
        "messages[0].tool_calls[0].function.arguments",
    ),
    ({"role": "assistant", "function_call": {"name": "f", "arguments": 1}}, "messages[0].function_call.arguments"),
]


@pytest.mark.parametrize(("message", "param"), BAD_MESSAGES)
def test_mistyped_message_fields_are_400s_naming_the_field(message: dict[str, Any], param: str) -> None:
    err = rejected(chat(messages=[message]))
    assert err.param == param
    assert param in err.message


GOOD_MESSAGES: list[dict[str, Any]] = [
    {"role": "user", "content": [{"type": "text", "text": "hi"}, {"type": "image_url", "image_url": {"url": "x"}}]},
    {"role": "user", "content": [{"type": "video_url", "video_url": {"url": "x"}}]},  # vLLM's: passed through
    {"role": "user", "content": "hi", "name": "ann", "x_vendor_field": [1, 2]},
    {"role": "assistant", "content": None, "tool_calls": [{"id": "t", "type": "function", "function": {"name": "f"}}]},
    {"role": "assistant", "tool_calls": [{"id": "t", "function": {"name": "f", "arguments": "{}"}}], "refusal": None},
    {"role": "tool", "tool_call_id": "t", "content": [{"type": "text", "text": "42"}]},
]


@pytest.mark.parametrize("message", GOOD_MESSAGES)
def test_well_typed_messages_pass(message: dict[str, Any]) -> None:
    assert parse_chat(chat(messages=[message])).body["messages"] == [message]


def test_a_huge_role_is_not_echoed_whole() -> None:
    err = rejected(chat(messages=[{"role": "x" * 1_000_000, "content": "hi"}]))
    assert len(err.message) < 500


WRONG_TYPES: list[tuple[str, Any]] = [
    ("stream", "true"),
    ("stream", 1),
    ("stream_options", True),
    ("n", 1.5),
    ("n", True),
    ("max_tokens", "100"),
    ("max_tokens", 10.0),
    ("max_tokens", False),
    ("max_completion_tokens", True),
    ("temperature", "0.5"),
    ("temperature", True),
    ("top_p", False),
    ("presence_penalty", "1"),
    ("frequency_penalty", [1]),
    ("seed", 1.5),
    ("seed", True),
    ("logprobs", 1),
    ("top_logprobs", True),
    ("tools", {}),
    ("tool_choice", 1),
    ("parallel_tool_calls", "yes"),
    ("response_format", "json"),
    ("stop", 5),
    ("user", 5),
    ("logit_bias", []),
    ("metadata", "x"),
]


@pytest.mark.parametrize(("field", "value"), WRONG_TYPES)
def test_wrong_type_names_the_field(field: str, value: Any) -> None:
    extra = {"stream": True} if field == "stream_options" else {}
    err = rejected(chat(**{**extra, field: value}))
    assert err.param == field
    assert f"'{field}' must be" in err.message


def test_booleans_are_not_numbers_in_the_message() -> None:
    err = rejected(chat(temperature=True))
    assert err.message == "'temperature' must be an integer or a number, got a boolean."


GOOD_VALUES: list[tuple[str, Any]] = [
    ("temperature", 0),
    ("temperature", 0.7),
    ("top_p", 1),
    ("n", 2),
    ("max_tokens", 1),
    ("max_completion_tokens", 100),
    ("seed", -5),
    ("stop", "END"),
    ("stop", ["a", "b"]),
    ("tool_choice", "auto"),
    ("tool_choice", {"type": "function", "function": {"name": "f"}}),
    ("logprobs", True),
    ("user", "u-1"),
]


@pytest.mark.parametrize(("field", "value"), GOOD_VALUES)
def test_good_values(field: str, value: Any) -> None:
    assert parse_chat(chat(**{field: value})).body[field] == value


def test_null_well_known_fields_are_accepted() -> None:
    parse_chat(chat(**{field: None for field, _ in WRONG_TYPES}))


@pytest.mark.parametrize("field", ["n", "max_tokens", "max_completion_tokens"])
@pytest.mark.parametrize("value", [0, -1])
def test_counts_must_be_positive(field: str, value: int) -> None:
    err = rejected(chat(**{field: value}))
    assert err.param == field
    assert "at least 1" in err.message


def test_stream_options_without_stream() -> None:
    assert rejected(chat(stream_options={"include_usage": True})).param == "stream_options"
    assert rejected(chat(stream=False, stream_options={"include_usage": True})).param == "stream_options"


def test_unknown_fields_are_kept_untouched() -> None:
    extra = {"reasoning_effort": "high", "x_vendor": {"nested": [1, 2.5, None, True]}, "prediction": None}
    raw = chat(**extra)
    req = parse_chat(raw)
    assert req.body == orjson.loads(raw)
    for key, value in extra.items():
        assert req.body[key] == value


def test_to_upstream_rewrites_only_model() -> None:
    body = parse_chat(chat(temperature=0.2, foo="bar")).body
    assert orjson.loads(to_upstream(body, "gpt-4o")) == {**body, "model": "gpt-4o"}
    assert body["model"] == "smart"  # the request is not mutated


# --- property: arbitrary extra fields pass through -----------------------------------------

_KNOWN = {
    "model",
    "messages",
    "stream",
    "stream_options",
    "n",
    "max_tokens",
    "max_completion_tokens",
    "temperature",
    "top_p",
    "presence_penalty",
    "frequency_penalty",
    "seed",
    "logprobs",
    "top_logprobs",
    "tools",
    "tool_choice",
    "parallel_tool_calls",
    "response_format",
    "stop",
    "user",
    "logit_bias",
    "metadata",
}
_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_text, children, max_size=4),
    max_leaves=12,
)
_extra = st.dictionaries(_text.filter(lambda k: k not in _KNOWN), _json, max_size=6)


@settings(max_examples=150, deadline=None)
@given(extra=_extra)
def test_any_extra_fields_pass_through(extra: dict[str, Any]) -> None:
    body = {"model": "smart", "messages": MESSAGES, **extra}
    req = parse_chat(orjson.dumps(body))
    assert req.body == body
    forwarded = orjson.loads(to_upstream(req.body, "m"))
    assert forwarded == {**body, "model": "m"}


# --- embeddings ----------------------------------------------------------------------------


def emb(**fields: Any) -> bytes:
    return orjson.dumps({"model": "embed", **fields})


@pytest.mark.parametrize("inp", ["hello", ["a", "b"], [""], [1, 2, 3], [[1, 2], [3]], [0]])
def test_embeddings_valid_inputs(inp: Any) -> None:
    req = parse_embeddings(emb(input=inp))
    assert req.model == "embed"
    assert req.body["input"] == inp


@pytest.mark.parametrize(
    "inp", ["", [], [[]], [1, "a"], ["a", 1], [True], [[True, False]], [[1, 2], "a"], [1.5], [[1.5]], {"a": 1}, 5]
)
def test_embeddings_invalid_inputs(inp: Any) -> None:
    assert rejected(emb(input=inp), embeddings=True).param == "input"


def test_embeddings_missing_input() -> None:
    err = rejected(emb(), embeddings=True)
    assert (err.param, err.code) == ("input", "missing_required_parameter")


def test_embeddings_missing_model() -> None:
    assert rejected(orjson.dumps({"input": "x"}), embeddings=True).param == "model"


def test_embeddings_not_json() -> None:
    assert rejected(b"input=x", embeddings=True).code == "invalid_json"


@pytest.mark.parametrize("fmt", ["float", "base64", None])
def test_embeddings_encoding_format(fmt: Any) -> None:
    parse_embeddings(emb(input="x", encoding_format=fmt))


@pytest.mark.parametrize("fmt", ["binary", 1, ""])
def test_embeddings_bad_encoding_format(fmt: Any) -> None:
    assert rejected(emb(input="x", encoding_format=fmt), embeddings=True).param == "encoding_format"


@pytest.mark.parametrize("dims", [0, -3, 1.5, "256", True])
def test_embeddings_bad_dimensions(dims: Any) -> None:
    assert rejected(emb(input="x", dimensions=dims), embeddings=True).param == "dimensions"


def test_embeddings_keep_unknown_fields() -> None:
    raw = emb(input="x", dimensions=64, user="u", vendor_opt={"a": [1]})
    assert parse_embeddings(raw).body == orjson.loads(raw)


def test_n_is_capped_at_128() -> None:
    import pytest as _pytest

    from freehold.errors import InvalidRequest
    from freehold.schemas.chat import parse_chat

    body = b'{"model": "m", "messages": [{"role": "user", "content": "x"}], "n": 129}'
    with _pytest.raises(InvalidRequest) as info:
        parse_chat(body)
    assert info.value.param == "n"
    assert parse_chat(body.replace(b"129", b"128")).body["n"] == 128


def nested(depth: int) -> bytes:
    """A chat body nesting objects and arrays ``depth`` levels deep (the body object is level 1)."""
    inner = b"[" * (depth - 2) + b"1" + b"]" * (depth - 2)
    return b'{"model": "m", "messages": [{"role": "user", "content": "hi"}], "metadata": {"x": ' + inner + b"}}"


def test_nesting_up_to_the_limit_is_accepted_and_forwardable() -> None:
    request = parse_chat(nested(MAX_JSON_DEPTH))
    assert to_upstream(request.body, "gpt")  # orjson can write it back, with room to spare


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 300, 1000])
def test_over_deep_bodies_are_refused_with_the_limit(depth: int) -> None:
    err = rejected(nested(depth))
    assert err.code == "json_too_deep" and str(MAX_JSON_DEPTH) in err.message


def test_the_depth_probe_keeps_no_request_alive() -> None:
    from freehold.schemas import chat as module

    parse_chat(chat())
    assert module._probe_inner == [None]
