"""No poison request: whatever JSON a client sends, the door answers 400 or the request is served.

A body the chat door accepts must go through every vendor's translation, the token estimates
and the forwarding encoder, failing only with the typed errors the door renders (a 400 naming
the field), never with a TypeError or KeyError that becomes a 500 in the middle of the gateway.
"""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freehold.errors import FreeholdError
from freehold.frontdoors.anthropic_messages import check_request, estimate_input_tokens, to_canonical
from freehold.frontdoors.responses import parse_request as parse_responses
from freehold.frontdoors.responses import to_chat
from freehold.gateway import estimate_tokens
from freehold.providers.anthropic.translate import to_upstream as to_anthropic
from freehold.providers.bedrock.translate import to_upstream as to_bedrock
from freehold.providers.gemini.translate import to_upstream as to_gemini
from freehold.providers.openai_compat import to_upstream as to_openai
from freehold.schemas.chat import ChatRequest, parse_chat
from freehold.usage import estimate_prompt_tokens

scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False), st.text(max_size=5))
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=8,
)


def sometimes(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly (about 19 in 20) the well-formed shape, sometimes any JSON in its place."""
    return st.sampled_from([True] * 19 + [False]).flatmap(lambda well_formed: value if well_formed else json_values)


part = st.fixed_dictionaries(
    {"type": sometimes(st.sampled_from(["text", "image_url", "refusal", "input_audio", "file", "video_url"]))},
    optional={
        "text": sometimes(st.text(max_size=8)),
        "image_url": sometimes(st.fixed_dictionaries({"url": sometimes(st.just("data:image/png;base64,AAAA"))})),
        "refusal": sometimes(st.text(max_size=4)),
        "input_audio": json_values,
        "file": json_values,
    },
)
tool_call = st.fixed_dictionaries(
    {
        "id": sometimes(st.text(min_size=1, max_size=4)),
        "type": sometimes(st.just("function")),
        "function": sometimes(
            st.fixed_dictionaries(
                {"name": sometimes(st.text(min_size=1, max_size=4))},
                optional={"arguments": sometimes(st.sampled_from(["{}", '{"a": 1}', "[", ""]))},
            )
        ),
    }
)
message = st.fixed_dictionaries(
    {
        "role": sometimes(st.sampled_from(["system", "developer", "user", "assistant", "tool", "function"])),
        "content": sometimes(st.one_of(st.none(), st.text(max_size=8), st.lists(sometimes(part), max_size=3))),
    },
    optional={
        "name": sometimes(st.text(max_size=4)),
        "tool_call_id": sometimes(st.text(max_size=4)),
        "tool_calls": sometimes(st.lists(sometimes(tool_call), max_size=2)),
        "refusal": sometimes(st.text(max_size=4)),
    },
)
tool = st.fixed_dictionaries(
    {
        "type": sometimes(st.just("function")),
        "function": sometimes(
            st.fixed_dictionaries(
                {"name": sometimes(st.text(min_size=1, max_size=4))},
                optional={"parameters": sometimes(st.just({"type": "object", "properties": {}}))},
            )
        ),
    }
)
body = st.fixed_dictionaries(
    {"model": st.just("m"), "messages": st.lists(sometimes(message), min_size=1, max_size=4)},
    optional={
        "tools": sometimes(st.lists(sometimes(tool), max_size=2)),
        "tool_choice": sometimes(st.sampled_from(["auto", "none", "required"])),
        "max_tokens": sometimes(st.integers(1, 50)),
        "stream": st.booleans(),
    },
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body)
def test_an_accepted_body_fails_only_with_typed_errors(sent: dict[str, Any]) -> None:
    try:
        request = parse_chat(orjson.dumps(sent))
    except FreeholdError:
        return  # refused at the door: a 400 naming the field
    estimate_prompt_tokens(request.body)
    estimate_tokens(request)
    to_openai(request.body, "gpt")
    for translate in (to_anthropic, to_gemini, to_bedrock):
        request.drop_unsupported = False
        try:
            orjson.dumps(translate(request, "claude-sonnet-4-5"))
        except FreeholdError as exc:
            assert exc.status < 500, exc


# --- the other two doors: their own validation, then the canonical body every vendor translates -----

block = st.fixed_dictionaries(
    {"type": sometimes(st.sampled_from(["text", "image", "tool_use", "tool_result", "thinking"]))},
    optional={
        "text": sometimes(st.text(max_size=6)),
        "id": sometimes(st.text(min_size=1, max_size=4)),
        "name": sometimes(st.text(min_size=1, max_size=4)),
        "input": sometimes(st.dictionaries(st.text(max_size=3), scalars, max_size=2)),
        "tool_use_id": sometimes(st.text(min_size=1, max_size=4)),
        "content": sometimes(st.one_of(st.text(max_size=5), st.lists(json_values, max_size=2))),
        "source": sometimes(st.just({"type": "base64", "media_type": "image/png", "data": "AAAA"})),
        "thinking": sometimes(st.text(max_size=4)),
        "signature": sometimes(st.text(max_size=4)),
    },
)
anthropic_body = st.fixed_dictionaries(
    {
        "model": st.just("m"),
        "max_tokens": sometimes(st.integers(1, 50)),
        "messages": st.lists(
            sometimes(
                st.fixed_dictionaries(
                    {
                        "role": sometimes(st.sampled_from(["user", "assistant"])),
                        "content": sometimes(st.one_of(st.text(max_size=6), st.lists(sometimes(block), max_size=3))),
                    }
                )
            ),
            min_size=1,
            max_size=4,
        ),
    },
    optional={"system": sometimes(st.text(max_size=5)), "stream": st.booleans()},
)
responses_body = st.fixed_dictionaries(
    {
        "model": st.just("m"),
        "input": sometimes(
            st.one_of(
                st.text(min_size=1, max_size=6),
                st.lists(
                    sometimes(
                        st.fixed_dictionaries(
                            {"type": sometimes(st.sampled_from(["message", "function_call", "function_call_output"]))},
                            optional={
                                "role": sometimes(st.sampled_from(["user", "assistant", "system", "developer"])),
                                "content": sometimes(
                                    st.one_of(
                                        st.text(max_size=5),
                                        st.lists(
                                            st.fixed_dictionaries(
                                                {"type": sometimes(st.sampled_from(["input_text", "output_text"]))},
                                                optional={"text": sometimes(st.text(max_size=4))},
                                            ),
                                            max_size=2,
                                        ),
                                    )
                                ),
                                "call_id": sometimes(st.text(min_size=1, max_size=4)),
                                "name": sometimes(st.text(min_size=1, max_size=4)),
                                "arguments": sometimes(st.sampled_from(["{}", '{"a": 2}'])),
                                "output": sometimes(st.text(max_size=4)),
                            },
                        )
                    ),
                    min_size=1,
                    max_size=4,
                ),
            )
        ),
    },
    optional={"instructions": sometimes(st.text(max_size=5)), "stream": st.booleans()},
)


def translate_everywhere(canonical: dict[str, Any]) -> None:
    # These doors hand their canonical body to the gateway directly, not through the chat door.
    request = ChatRequest(body=canonical, model="m", stream=canonical.get("stream") is True)
    estimate_prompt_tokens(request.body)
    estimate_tokens(request)
    to_openai(request.body, "gpt")
    for translate in (to_anthropic, to_gemini, to_bedrock):
        try:
            orjson.dumps(translate(request, "claude-sonnet-4-5"))
        except FreeholdError as exc:
            assert exc.status < 500, exc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(anthropic_body)
def test_the_anthropic_door_refuses_or_translates(sent: dict[str, Any]) -> None:
    body = orjson.loads(orjson.dumps(sent))
    try:
        check_request(body)
        canonical = to_canonical(body)
    except FreeholdError as exc:
        assert exc.status < 500, exc
        return
    estimate_input_tokens(body)
    translate_everywhere(canonical)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responses_body)
def test_the_responses_door_refuses_or_translates(sent: dict[str, Any]) -> None:
    try:
        request = parse_responses(orjson.dumps(sent))
        canonical = to_chat(request, [])
    except FreeholdError as exc:
        assert exc.status < 500, exc
        return
    translate_everywhere(canonical)
