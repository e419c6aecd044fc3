"""Pseudonymization in front of the Anthropic and Gemini upstreams (their loopback mocks, real wire formats).

The privacy stage works on the canonical request, before a provider translates it; these tests
check that nothing the detector found reaches a non-OpenAI upstream in any field of its own format
(system, turns, tool_use input, tool_result / functionResponse), and that placeholders the upstream
answers with are restored, whole and streamed. Both mocks quote the last turn's tool result in
their answer ("Tool said: …", "Results: …"; Gemini's stream cuts it every 24 characters, so
placeholders are split across events), which is how a placeholder comes back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anthropic
import openai
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway
from tests.integration.mocks import anthropic_mock, gemini_mock
from tests.integration.mocks.anthropic_mock import MockAnthropic
from tests.integration.mocks.gemini_mock import MockGemini

EMAIL = "ann.lee@example.com"
PHONE = "+44 20 7946 0958"
IBAN = "DE89 3704 0044 0532 0130 00"
RESULT = f"Customer {EMAIL}, phone {PHONE}, IBAN {IBAN}."
STREAM = [pytest.param(False, id="whole"), pytest.param(True, id="stream")]
UPSTREAMS = ["claude", "gemini"]
TOOLS: Any = [
    {
        "type": "function",
        "function": {
            "name": "lookup",
            "description": "Find a customer",
            "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
        },
    }
]


@pytest.fixture(scope="module")
def mocks() -> Iterator[tuple[MockAnthropic, MockGemini]]:
    claude, gemini = MockAnthropic().start(), MockGemini().start()
    yield claude, gemini
    claude.stop()
    gemini.stop()


@pytest.fixture(scope="module")
def gw(mocks: tuple[MockAnthropic, MockGemini], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    claude, gemini = mocks
    config = {
        "routing": {"retries": {"max_attempts": 1}, "queue": {"max_wait": 0}},
        "privacy": {"policies": {"default": "pseudonymize"}},
        "aliases": {
            "claude": {
                "deployments": [{"provider": "anthropic", "model": "claude-sonnet-4-5", "api_base": claude.base_url}]
            },
            "gemini": {
                "deployments": [
                    {
                        "provider": "gemini",
                        "model": "gemini-2.5-flash",
                        "api_base": gemini.api_base,
                        "api_key": "env:GEMINI_API_KEY",
                    }
                ]
            },
        },
    }
    env = {
        "FREEHOLD_MASTER_KEY": MASTER_KEY,
        "ANTHROPIC_API_KEY": anthropic_mock.EXPECTED_KEY,
        "GEMINI_API_KEY": gemini_mock.EXPECTED_KEY,
        "FREEHOLD_LOG_LEVEL": "debug",
    }
    g = start_gateway(config, tmp_path_factory.mktemp("privacy-upstreams"), env=env)
    yield g
    stop_gateway(g.process)
    log = g.log()
    for value in (EMAIL, PHONE, IBAN):
        assert value not in log
    assert "Traceback" not in log


def received(mocks: tuple[MockAnthropic, MockGemini], upstream: str, since: int) -> str:
    claude, gemini = mocks
    bodies = [r.body for r in (claude.requests if upstream == "claude" else gemini.requests)[since:]]
    assert bodies, "the upstream received nothing"
    return "\n".join(json.dumps(b, ensure_ascii=False) for b in bodies)


def count(mocks: tuple[MockAnthropic, MockGemini], upstream: str) -> int:
    claude, gemini = mocks
    return len(claude.requests if upstream == "claude" else gemini.requests)


def assert_only_placeholders(sent: str) -> None:
    for value in (EMAIL, PHONE, IBAN):
        assert value not in sent
    for placeholder in ("<EMAIL_1>", "<PHONE_1>", "<IBAN_1>"):
        assert placeholder in sent


@pytest.mark.parametrize("stream", STREAM)
@pytest.mark.parametrize("upstream", UPSTREAMS)
def test_chat_door_tool_turns_are_pseudonymized_and_the_quoted_result_restored(
    gw: Gateway, mocks: tuple[MockAnthropic, MockGemini], upstream: str, stream: bool
) -> None:
    since = count(mocks, upstream)
    messages: Any = [
        {"role": "system", "content": f"You help {EMAIL}'s team."},
        {"role": "user", "content": f"Look up {EMAIL}, she called from {PHONE}."},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "lookup", "arguments": json.dumps({"q": EMAIL})},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": RESULT},
    ]
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as client:
        if stream:
            chunks = client.chat.completions.create(model=upstream, messages=messages, tools=TOOLS, stream=True)
            answer = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        else:
            reply = client.chat.completions.create(model=upstream, messages=messages, tools=TOOLS)
            answer = reply.choices[0].message.content or ""
    sent = received(mocks, upstream, since)
    assert_only_placeholders(sent)
    # The upstream quoted the placeholders it was given; the client reads the real values.
    for value in (EMAIL, PHONE, IBAN):
        assert value in answer
    assert "<EMAIL_1>" not in answer and "<PHONE_1>" not in answer and "<IBAN_1>" not in answer


@pytest.mark.parametrize("stream", STREAM)
@pytest.mark.parametrize("upstream", UPSTREAMS)
def test_messages_door_tool_result_blocks_are_pseudonymized_and_restored(
    gw: Gateway, mocks: tuple[MockAnthropic, MockGemini], upstream: str, stream: bool
) -> None:
    since = count(mocks, upstream)
    tools: Any = [
        {"name": "lookup", "description": "Find a customer", "input_schema": TOOLS[0]["function"]["parameters"]}
    ]
    messages: Any = [
        {"role": "user", "content": f"Look up {EMAIL}, she called from {PHONE}."},
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"q": EMAIL}}],
        },
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": RESULT}]},
    ]
    with anthropic.Anthropic(base_url=gw.url, api_key=MASTER_KEY, max_retries=0, timeout=10) as client:
        if stream:
            with client.messages.stream(
                model=upstream, max_tokens=200, system=f"You help {EMAIL}.", messages=messages, tools=tools
            ) as s:
                answer = "".join(s.text_stream)
        else:
            message = client.messages.create(
                model=upstream, max_tokens=200, system=f"You help {EMAIL}.", messages=messages, tools=tools
            )
            answer = "".join(b.text for b in message.content if b.type == "text")
    assert_only_placeholders(received(mocks, upstream, since))
    for value in (EMAIL, PHONE, IBAN):
        assert value in answer
    assert "<EMAIL_1>" not in answer


@pytest.mark.parametrize("stream", STREAM)
@pytest.mark.parametrize("upstream", UPSTREAMS)
def test_tool_definitions_reach_the_upstream_pseudonymized(
    gw: Gateway, mocks: tuple[MockAnthropic, MockGemini], upstream: str, stream: bool
) -> None:
    """A tool's description and its schema's enum carry an e-mail: the upstream's tool format has the placeholder."""
    since = count(mocks, upstream)
    tools: Any = [
        {
            "type": "function",
            "function": {
                "name": "notify",
                "description": f"Mail the on-call engineer ({EMAIL})",
                "parameters": {
                    "type": "object",
                    "properties": {"to": {"type": "string", "enum": [EMAIL, "ops@corp.example"]}},
                    "required": ["to"],
                },
            },
        }
    ]
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as client:
        messages: Any = [{"role": "user", "content": "Notify on-call."}]
        if stream:
            chunks = list(client.chat.completions.create(model=upstream, messages=messages, tools=tools, stream=True))
            args = "".join(
                call.function.arguments or ""
                for c in chunks
                if c.choices
                for call in c.choices[0].delta.tool_calls or ()
                if call.function
            )
        else:
            calls = client.chat.completions.create(model=upstream, messages=messages, tools=tools).choices[0].message
            assert calls.tool_calls
            args = calls.tool_calls[0].function.arguments  # type: ignore[union-attr]
    sent = received(mocks, upstream, since)
    assert EMAIL not in sent and "<EMAIL_1>" in sent
    assert "ops@corp.example" in sent or "<EMAIL_2>" in sent
    json.loads(args)  # the mocks fill the schema's first enum value or a placeholder string; any is valid JSON
    assert "<EMAIL_1>" not in args
