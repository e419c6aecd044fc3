"""The privacy policies end to end: the real server, the official SDKs on all three doors, whole and streamed.

Each alias has one policy (``privacy.policies.aliases``). The upstreams are loopback echo mocks in
OpenAI's wire format (``mocks/echo_mock.py``): they record what left the gateway and answer with
the last user text — as text, or as a tool call's arguments when the request has tools — streamed
one character per event (every position of every placeholder is a split point) or in larger pieces.
So each test checks both sides: what the upstream received (never the protected value) and what
the client got (the value restored, the marker, the refusal).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx
import openai
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway, free_port, start_gateway, stop_gateway
from tests.integration.mocks.echo_mock import EchoMock

EMAIL = "ann.lee@example.com"
PHONE = "+44 20 7946 0958"
SECRET = "sk-proj_Zq9XbV3kLm2Np8RtYw4Hc7Js"
TEXT = f"Contact {EMAIL} or {PHONE}; again {EMAIL}."
DOORS = ["chat", "responses", "messages"]
STREAM = [pytest.param(False, id="whole"), pytest.param(True, id="stream")]
TOOL = {
    "name": "send",
    "description": "Send a message",
    "schema": {"type": "object", "properties": {"text": {"type": "string"}}},
}


def echo(mock: EchoMock, model: str, name: str, **extra: object) -> dict[str, Any]:
    return {
        "provider": "openai",
        "model": model,
        "api_base": mock.base_url,
        "api_key": "env:ECHO_KEY",
        "name": name,
        **extra,
    }


@pytest.fixture(scope="module")
def mocks() -> Iterator[tuple[EchoMock, EchoMock]]:
    external, local = EchoMock().start(), EchoMock().start()
    yield external, local
    external.stop()
    local.stop()


@pytest.fixture(scope="module")
def gw(mocks: tuple[EchoMock, EchoMock], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    external, local = mocks
    dead = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there: the local deployment is down
    config = {
        "routing": {"retries": {"max_attempts": 1}, "queue": {"max_wait": 0}},
        "privacy": {
            "policies": {
                "definitions": {"strict": {"action": "pseudonymize", "categories": {"SECRET": "block"}}},
                "aliases": {
                    "allow": "allow",
                    "strict": "strict",
                    "redact": "redact",
                    "pseudo": "pseudonymize",
                    "pseudo-3": "pseudonymize",
                    "home": "local_only",
                    "home-down": "local_only",
                    "routed": "local_only",
                    "routed-away": "local_only",
                },
            }
        },
        "aliases": {
            "allow": {"deployments": [echo(external, "echo-1-0", "allow-ext")]},
            "strict": {"deployments": [echo(external, "echo-1-0", "strict-ext")]},
            "redact": {"deployments": [echo(external, "echo-1-0", "redact-ext")]},
            "pseudo": {"deployments": [echo(external, "echo-1-0", "pseudo-ext")]},
            "pseudo-3": {"deployments": [echo(external, "echo-3-1", "pseudo3-ext")]},
            "plain": {"deployments": [echo(external, "echo-2-0", "plain-ext")]},
            "home": {
                "strategy": "weighted",
                "deployments": [
                    echo(external, "echo-1-0", "home-ext", weight=1000),
                    echo(local, "echo-1-0", "home-local", weight=0.001, local=True),
                ],
            },
            # Rules that send sensitive requests elsewhere: to an alias served at home, or one that is not.
            "routed": {
                "deployments": [echo(external, "echo-1-0", "routed-ext")],
                "routes": [{"when": {"privacy": ["sensitive"]}, "to": "at-home"}],
            },
            "at-home": {"deployments": [echo(local, "echo-1-0", "at-home-local", local=True)]},
            "routed-away": {
                "deployments": [echo(local, "echo-1-0", "away-local", local=True)],
                "routes": [{"when": {"privacy": ["sensitive"]}, "to": "plain"}],
            },
            "home-down": {
                "deployments": [
                    echo(external, "echo-1-0", "down-ext", weight=1000),
                    {**echo(local, "echo-1-0", "down-local", weight=0.001, local=True), "api_base": dead},
                ],
            },
        },
    }
    g = start_gateway(
        config,
        tmp_path_factory.mktemp("privacy"),
        env={"FREEHOLD_MASTER_KEY": MASTER_KEY, "ECHO_KEY": "sk-echo-upstream", "FREEHOLD_LOG_LEVEL": "debug"},
    )
    yield g
    stop_gateway(g.process)
    log = g.log()
    # No value the detector found ever reaches the gateway's log, whatever the policy did with it.
    for value in (EMAIL, PHONE, SECRET):
        assert value not in log
    assert "Traceback" not in log


@pytest.fixture
def oai(gw: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


@pytest.fixture
def claude(gw: Gateway) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=gw.url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


# --- each door, through its official SDK -------------------------------------------------------------------


def ask(
    door: str,
    oai: openai.OpenAI,
    claude: anthropic.Anthropic,
    model: str,
    stream: bool,
    text: str = TEXT,
    system: str | None = f"Reply to {EMAIL}.",
) -> str:
    """The answer's text, as the client sees it (each door puts ``system`` where its API has it)."""
    if door == "chat":
        messages: Any = [{"role": "system", "content": system}] if system else []
        messages.append({"role": "user", "content": text})
        if not stream:
            return oai.chat.completions.create(model=model, messages=messages).choices[0].message.content or ""
        chunks = oai.chat.completions.create(model=model, messages=messages, stream=True)
        return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    if door == "responses":
        instructions = system or openai.NOT_GIVEN
        if not stream:
            return oai.responses.create(model=model, instructions=instructions, input=text).output_text
        events = oai.responses.create(model=model, instructions=instructions, input=text, stream=True)
        return "".join(e.delta for e in events if e.type == "response.output_text.delta")
    content: Any = [{"role": "user", "content": [{"type": "text", "text": text}]}]
    prompt = system or anthropic.NOT_GIVEN
    if not stream:
        message = claude.messages.create(model=model, max_tokens=100, system=prompt, messages=content)
        return "".join(b.text for b in message.content if b.type == "text")
    with claude.messages.stream(model=model, max_tokens=100, system=prompt, messages=content) as s:
        return "".join(s.text_stream)


def ask_tool(door: str, oai: openai.OpenAI, claude: anthropic.Anthropic, model: str, stream: bool) -> dict[str, Any]:
    """The arguments of the tool call the echo answers with, as the client sees them (parsed)."""
    if door == "chat":
        tools: Any = [{"type": "function", "function": {"name": TOOL["name"], "parameters": TOOL["schema"]}}]
        messages: Any = [{"role": "user", "content": TEXT}]
        if not stream:
            calls = (
                oai.chat.completions.create(model=model, messages=messages, tools=tools).choices[0].message.tool_calls
            )
            assert calls
            return dict(json.loads(calls[0].function.arguments))  # type: ignore[union-attr]
        chunks = oai.chat.completions.create(model=model, messages=messages, tools=tools, stream=True)
        args = "".join(
            call.function.arguments or ""
            for c in chunks
            if c.choices
            for call in c.choices[0].delta.tool_calls or ()
            if call.function
        )
        return dict(json.loads(args))
    if door == "responses":
        rtools: Any = [{"type": "function", "name": TOOL["name"], "parameters": TOOL["schema"], "strict": False}]
        if not stream:
            out = oai.responses.create(model=model, input=TEXT, tools=rtools).output
            calls = [item for item in out if item.type == "function_call"]
            return dict(json.loads(calls[0].arguments))  # type: ignore[union-attr]
        events = list(oai.responses.create(model=model, input=TEXT, tools=rtools, stream=True))
        deltas = "".join(e.delta for e in events if e.type == "response.function_call_arguments.delta")
        done = [e.arguments for e in events if e.type == "response.function_call_arguments.done"]
        assert done == [deltas]
        return dict(json.loads(deltas))
    ctools: Any = [{"name": TOOL["name"], "description": TOOL["description"], "input_schema": TOOL["schema"]}]
    content: Any = [{"role": "user", "content": TEXT}]
    if not stream:
        message = claude.messages.create(model=model, max_tokens=100, messages=content, tools=ctools)
        return dict(next(b.input for b in message.content if b.type == "tool_use"))  # type: ignore[arg-type]
    with claude.messages.stream(model=model, max_tokens=100, messages=content, tools=ctools) as s:
        partial = "".join(
            e.delta.partial_json for e in s if e.type == "content_block_delta" and e.delta.type == "input_json_delta"
        )
        final = s.get_final_message()
    streamed = json.loads(partial)
    assert streamed == next(b.input for b in final.content if b.type == "tool_use")
    return dict(streamed)


def last_sent(mock: EchoMock, count: int) -> str:
    return "\n".join(json.dumps(b, ensure_ascii=False) for b in mock.requests[count:])


# --- pseudonymize -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", STREAM)
@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("model", ["pseudo", "pseudo-3"])
def test_pseudonymize_sends_placeholders_and_restores_the_answer(
    oai: openai.OpenAI,
    claude: anthropic.Anthropic,
    mocks: tuple[EchoMock, EchoMock],
    door: str,
    stream: bool,
    model: str,
) -> None:
    external, _ = mocks
    before = len(external.requests)
    assert ask(door, oai, claude, model, stream) == TEXT
    sent = last_sent(external, before)
    assert EMAIL not in sent and PHONE not in sent
    assert "Contact <EMAIL_1> or <PHONE_1>; again <EMAIL_1>." in sent
    assert "Reply to <EMAIL_1>." in sent  # the system prompt: the same value, the same placeholder


@pytest.mark.parametrize("stream", STREAM)
@pytest.mark.parametrize("door", DOORS)
def test_pseudonymize_restores_inside_tool_call_arguments(
    oai: openai.OpenAI, claude: anthropic.Anthropic, mocks: tuple[EchoMock, EchoMock], door: str, stream: bool
) -> None:
    external, _ = mocks
    before = len(external.requests)
    assert ask_tool(door, oai, claude, "pseudo", stream) == {"text": TEXT}
    assert EMAIL not in last_sent(external, before)


def test_placeholders_cut_at_every_size_and_offset(oai: openai.OpenAI, mocks: tuple[EchoMock, EchoMock]) -> None:
    """The echo cuts its stream as the request's ``metadata.cut`` says: pieces of 1 to 12 characters at
    every offset, around placeholders packed between '<' and '>' that are none."""
    external, _ = mocks
    text = f"<{EMAIL}> <<{PHONE}<{EMAIL}><{EMAIL}"
    for size in range(1, 13):
        for offset in range(size):
            before = len(external.requests)
            chunks = oai.chat.completions.create(
                model="pseudo",
                messages=[{"role": "user", "content": text}],
                stream=True,
                extra_body={"metadata": {"cut": f"{size}-{offset}"}},
            )
            pieces = [c.choices[0].delta.content or "" for c in chunks if c.choices]
            assert "".join(pieces) == text, (size, offset)
            assert external.requests[before]["messages"][0]["content"] == "<<EMAIL_1>> <<<PHONE_1><<EMAIL_1>><<EMAIL_1>"


def test_the_response_says_what_was_done_without_values(gw: Gateway) -> None:
    body = {"model": "pseudo", "messages": [{"role": "user", "content": TEXT}]}
    resp = httpx.post(gw.base_url + "/chat/completions", json=body, headers={"Authorization": f"Bearer {MASTER_KEY}"})
    assert resp.status_code == 200
    assert resp.headers["x-freehold-privacy"] == "pseudonymize; EMAIL=2, PHONE=1"
    assert resp.json()["choices"][0]["message"]["content"] == TEXT


def test_a_conversation_sent_back_gets_the_same_placeholders(
    oai: openai.OpenAI, mocks: tuple[EchoMock, EchoMock]
) -> None:
    external, _ = mocks
    first = oai.chat.completions.create(model="pseudo", messages=[{"role": "user", "content": TEXT}])
    answer = first.choices[0].message.content
    assert answer == TEXT
    before = len(external.requests)
    follow: Any = [
        {"role": "user", "content": TEXT},
        {"role": "assistant", "content": answer},
        {"role": "user", "content": f"And {PHONE}?"},
    ]
    assert oai.chat.completions.create(model="pseudo", messages=follow).choices[0].message.content == f"And {PHONE}?"
    sent = external.requests[before]["messages"]
    assert sent[0]["content"] == sent[1]["content"] == "Contact <EMAIL_1> or <PHONE_1>; again <EMAIL_1>."
    assert sent[2]["content"] == "And <PHONE_1>?"


# --- block, redact, allow -----------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", STREAM)
@pytest.mark.parametrize("door", DOORS)
def test_block_refuses_with_the_categories_never_the_value(
    oai: openai.OpenAI, claude: anthropic.Anthropic, mocks: tuple[EchoMock, EchoMock], door: str, stream: bool
) -> None:
    external, _ = mocks
    before = len(external.requests)
    error = anthropic.BadRequestError if door == "messages" else openai.BadRequestError
    with pytest.raises(error) as caught:
        ask(door, oai, claude, "strict", stream, text=f"my key is {SECRET}, mail {EMAIL}")
    message = str(caught.value)
    assert "SECRET=1" in message and "strict" in message
    assert SECRET not in message and EMAIL not in message
    assert caught.value.status_code == 400
    assert len(external.requests) == before  # nothing was sent
    # Without the blocked category, the same policy pseudonymizes.
    assert ask(door, oai, claude, "strict", stream) == TEXT
    assert EMAIL not in last_sent(external, before)


def test_block_error_code(gw: Gateway) -> None:
    body = {"model": "strict", "messages": [{"role": "user", "content": f"{SECRET} {SECRET}"}]}
    resp = httpx.post(gw.base_url + "/chat/completions", json=body, headers={"Authorization": f"Bearer {MASTER_KEY}"})
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "pii_blocked" and "SECRET=2" in resp.json()["error"]["message"]
    assert SECRET not in resp.text


@pytest.mark.parametrize("stream", STREAM)
@pytest.mark.parametrize("door", DOORS)
def test_redact_is_irreversible(
    oai: openai.OpenAI, claude: anthropic.Anthropic, mocks: tuple[EchoMock, EchoMock], door: str, stream: bool
) -> None:
    external, _ = mocks
    before = len(external.requests)
    assert ask(door, oai, claude, "redact", stream) == "Contact [EMAIL] or [PHONE]; again [EMAIL]."
    sent = last_sent(external, before)
    assert EMAIL not in sent and PHONE not in sent and "Reply to [EMAIL]." in sent


@pytest.mark.parametrize("stream", STREAM)
@pytest.mark.parametrize("door", DOORS)
def test_allow_passes_values_untouched(
    oai: openai.OpenAI, claude: anthropic.Anthropic, mocks: tuple[EchoMock, EchoMock], door: str, stream: bool
) -> None:
    external, _ = mocks
    before = len(external.requests)
    assert ask(door, oai, claude, "allow", stream) == TEXT
    assert EMAIL in last_sent(external, before)


# --- local only ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", STREAM)
@pytest.mark.parametrize("door", DOORS)
def test_local_only_goes_to_the_local_deployment(
    oai: openai.OpenAI, claude: anthropic.Anthropic, mocks: tuple[EchoMock, EchoMock], door: str, stream: bool
) -> None:
    external, local = mocks
    ext_before, local_before = len(external.requests), len(local.requests)
    assert ask(door, oai, claude, "home", stream) == TEXT  # the value itself, to a deployment at home
    assert len(external.requests) == ext_before
    assert EMAIL in last_sent(local, local_before)
    # Without personal data, the alias routes as usual (its external deployment weighs 1000 to 0.001).
    assert ask(door, oai, claude, "home", stream, text="Nothing personal.", system=None) == "Nothing personal."
    assert len(external.requests) > ext_before


def refused_at_home(
    door: str, oai: openai.OpenAI, claude: anthropic.Anthropic, external: EchoMock, alias: str, stream: bool
) -> openai.APIStatusError | anthropic.APIStatusError:
    """Ask ``alias``; the refusal, checked to name the policy and no value, with nothing sent outside."""
    before = len(external.requests)
    errors = (anthropic.APIStatusError,) if door == "messages" else (openai.APIStatusError,)
    with pytest.raises(errors) as caught:
        ask(door, oai, claude, alias, stream)
    message = str(caught.value)
    assert "allows this request only on local deployments" in message and "EMAIL=" in message
    assert EMAIL not in message
    assert len(external.requests) == before  # no external deployment was contacted
    return caught.value


@pytest.mark.parametrize("stream", STREAM)
@pytest.mark.parametrize("door", DOORS)
def test_local_only_with_the_local_deployment_down_never_leaks(
    oai: openai.OpenAI, claude: anthropic.Anthropic, mocks: tuple[EchoMock, EchoMock], door: str, stream: bool
) -> None:
    refused = refused_at_home(door, oai, claude, mocks[0], "home-down", stream)
    # 502: the local deployment is unreachable; 503 once its circuit is open (529 on the Anthropic door).
    assert refused.status_code in (502, 503, 529)


@pytest.mark.parametrize("door", DOORS)
def test_local_only_follows_a_routing_rule_to_a_local_alias(
    oai: openai.OpenAI, claude: anthropic.Anthropic, mocks: tuple[EchoMock, EchoMock], door: str
) -> None:
    """The policy is checked against where routing sends the request, not only the alias asked for."""
    external, local = mocks
    ext_before, local_before = len(external.requests), len(local.requests)
    assert ask(door, oai, claude, "routed", False) == TEXT
    assert len(external.requests) == ext_before
    assert EMAIL in last_sent(local, local_before)


@pytest.mark.parametrize("door", DOORS)
def test_local_only_refuses_a_rule_that_routes_away_from_home(
    oai: openai.OpenAI, claude: anthropic.Anthropic, mocks: tuple[EchoMock, EchoMock], door: str
) -> None:
    refused = refused_at_home(door, oai, claude, mocks[0], "routed-away", False)
    assert "'plain'" in str(refused)  # the alias the rule chose, which has no local deployment
    assert refused.status_code == (529 if door == "messages" else 503)  # the Anthropic door's "overloaded"


# --- the models list and embeddings keep working -------------------------------------------------------------


def test_embeddings_are_pseudonymized(oai: openai.OpenAI, mocks: tuple[EchoMock, EchoMock]) -> None:
    external, _ = mocks
    before = len(external.requests)
    oai.embeddings.create(model="pseudo", input=[TEXT, "plain"])
    assert external.requests[before]["input"] == ["Contact <EMAIL_1> or <PHONE_1>; again <EMAIL_1>.", "plain"]


def test_a_key_metadata_policy_wins_over_the_alias(gw: Gateway, mocks: tuple[EchoMock, EchoMock]) -> None:
    external, _ = mocks
    admin = {"Authorization": f"Bearer {MASTER_KEY}"}
    created = httpx.post(
        gw.url + "/admin/keys", json={"name": "careful", "metadata": {"privacy_policy": "block"}}, headers=admin
    )
    assert created.status_code == 201, created.text
    before = len(external.requests)
    with openai.OpenAI(base_url=gw.base_url, api_key=created.json()["key"], max_retries=0, timeout=10) as client:
        with pytest.raises(openai.BadRequestError, match="EMAIL=2"):
            client.chat.completions.create(model="allow", messages=[{"role": "user", "content": TEXT}])
        answer = client.chat.completions.create(model="allow", messages=[{"role": "user", "content": "Nothing."}])
    assert answer.choices[0].message.content == "Nothing."
    assert len(external.requests) == before + 1
