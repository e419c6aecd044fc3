"""What the privacy policies look at beyond message text, over HTTP: tool definitions, answer formats, text files,
and what they cannot read (images, audio, binary files), which ``unscanned: block`` refuses.

The upstream is the OpenAI-format echo mock (``mocks/echo_mock.py``): ``requests`` is what left the
gateway, so each test asserts the protected value never reached it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway
from tests.integration.mocks.echo_mock import EchoMock

EMAIL = "ann.lee@example.com"
SECRET = "sk-proj_Zq9XbV3kLm2Np8RtYw4Hc7Js"
NOTES = f"Escalation contact: {EMAIL}\nAPI key used by the job: {SECRET}\n"
PNG = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PDF = "data:application/pdf;base64," + base64.b64encode(b"%PDF-1.4 " + EMAIL.encode()).decode()
AUTH = {"Authorization": f"Bearer {MASTER_KEY}"}


def data_url(text: str, media: str = "text/plain") -> str:
    return f"data:{media};base64," + base64.b64encode(text.encode()).decode()


def decoded(url: str) -> str:
    return base64.b64decode(url.split(",", 1)[1]).decode()


@pytest.fixture(scope="module")
def mock() -> Iterator[EchoMock]:
    m = EchoMock().start()
    yield m
    m.stop()


@pytest.fixture(scope="module")
def gw(mock: EchoMock, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    def dep(name: str) -> dict[str, Any]:
        return {
            "provider": "openai",
            "model": "echo-1-0",
            "api_base": mock.base_url,
            "api_key": "env:ECHO_KEY",
            "name": name,
        }

    config = {
        "routing": {"retries": {"max_attempts": 1}, "queue": {"max_wait": 0}},
        "privacy": {
            "policies": {
                "definitions": {"careful": {"action": "pseudonymize", "unscanned": "block"}},
                "aliases": {"pseudo": "pseudonymize", "careful": "careful"},
            }
        },
        "aliases": {"pseudo": {"deployments": [dep("p")]}, "careful": {"deployments": [dep("c")]}},
    }
    env = {"FREEHOLD_MASTER_KEY": MASTER_KEY, "ECHO_KEY": "sk-echo-upstream", "FREEHOLD_LOG_LEVEL": "debug"}
    g = start_gateway(config, tmp_path_factory.mktemp("privacy-scope"), env=env)
    yield g
    stop_gateway(g.process)
    log = g.log()
    assert EMAIL not in log and SECRET not in log
    assert "Traceback" not in log


@pytest.fixture
def oai(gw: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


def test_a_text_file_part_is_decoded_pseudonymized_and_re_encoded(oai: openai.OpenAI, mock: EchoMock) -> None:
    before = len(mock.requests)
    content: Any = [
        {"type": "text", "text": f"Summarise the notes for {EMAIL}."},
        {"type": "file", "file": {"filename": "notes.txt", "file_data": data_url(NOTES)}},
    ]
    answer = oai.chat.completions.create(model="pseudo", messages=[{"role": "user", "content": content}])
    assert answer.choices[0].message.content == f"Summarise the notes for {EMAIL}."  # restored
    sent = mock.requests[before]["messages"][0]["content"]
    file = sent[1]["file"]
    assert file["filename"] == "notes.txt"
    assert file["file_data"].startswith("data:text/plain;base64,")
    assert decoded(file["file_data"]) == "Escalation contact: <EMAIL_1>\nAPI key used by the job: <SECRET_1>\n"
    assert sent[0]["text"] == "Summarise the notes for <EMAIL_1>."  # one placeholder for the value, in both


def test_a_responses_input_file_with_text_is_scanned(gw: Gateway, mock: EchoMock) -> None:
    before = len(mock.requests)
    body = {
        "model": "pseudo",
        "input": [
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "Load this CSV."},
                    {
                        "type": "input_file",
                        "filename": "c.csv",
                        "file_data": data_url(f"name,mail\nAnn,{EMAIL}\n", "text/csv"),
                    },
                ],
            }
        ],
    }
    resp = httpx.post(gw.base_url + "/responses", json=body, headers=AUTH, timeout=10)
    assert resp.status_code == 200, resp.text
    assert resp.headers["x-freehold-privacy"] == "pseudonymize; EMAIL=1"
    file = mock.requests[before]["messages"][0]["content"][1]["file"]
    assert decoded(file["file_data"]) == "name,mail\nAnn,<EMAIL_1>\n"


def test_binary_files_and_images_pass_unscanned_by_default(oai: openai.OpenAI, mock: EchoMock) -> None:
    """Stated plainly in docs/privacy.md: a PDF's bytes are not read, so what is inside goes as it is."""
    before = len(mock.requests)
    content: Any = [
        {"type": "text", "text": "What is in these?"},
        {"type": "file", "file": {"filename": "a.pdf", "file_data": PDF}},
        {"type": "image_url", "image_url": {"url": PNG}},
    ]
    oai.chat.completions.create(model="pseudo", messages=[{"role": "user", "content": content}])
    assert mock.requests[before]["messages"][0]["content"][1]["file"]["file_data"] == PDF


@pytest.mark.parametrize(
    ("part", "named"),
    [
        ({"type": "file", "file": {"filename": "a.pdf", "file_data": PDF}}, "file=1"),
        ({"type": "image_url", "image_url": {"url": PNG}}, "image=1"),
        ({"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}, "audio=1"),
    ],
)
def test_unscanned_block_refuses_what_cannot_be_read(
    gw: Gateway, mock: EchoMock, part: dict[str, Any], named: str
) -> None:
    before = len(mock.requests)
    body = {"model": "careful", "messages": [{"role": "user", "content": [{"type": "text", "text": "Look."}, part]}]}
    resp = httpx.post(gw.base_url + "/chat/completions", json=body, headers=AUTH, timeout=10)
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["code"] == "privacy_unscanned_content"
    assert named in error["message"] and "careful" in error["message"] and "unscanned: allow" in error["message"]
    assert len(mock.requests) == before
    # A text file is read, so the same policy lets it through (pseudonymized).
    text_part = {"type": "file", "file": {"filename": "n.txt", "file_data": data_url(NOTES)}}
    body["messages"][0]["content"][1] = text_part  # type: ignore[index]
    ok = httpx.post(gw.base_url + "/chat/completions", json=body, headers=AUTH, timeout=10)
    assert ok.status_code == 200, ok.text
    assert EMAIL not in decoded(mock.requests[-1]["messages"][0]["content"][1]["file"]["file_data"])


@pytest.mark.parametrize("stream", [False, True])
def test_tool_definitions_and_the_answer_schema_are_scanned(oai: openai.OpenAI, mock: EchoMock, stream: bool) -> None:
    before = len(mock.requests)
    tools: Any = [
        {
            "type": "function",
            "function": {
                "name": "deploy",
                "description": f"Deploy with the token {SECRET}",
                "parameters": {
                    "type": "object",
                    "properties": {"owner": {"type": "string", "enum": [EMAIL], "description": f"Defaults to {EMAIL}"}},
                },
            },
        }
    ]
    fmt: Any = {
        "type": "json_schema",
        "json_schema": {
            "name": "reply",
            "description": f"Reply to {EMAIL}",
            "schema": {"type": "object", "properties": {"to": {"type": "string", "const": EMAIL}}},
        },
    }
    messages: Any = [{"role": "user", "content": f"Deploy for {EMAIL}"}]
    if stream:
        chunks = oai.chat.completions.create(
            model="pseudo", messages=messages, tools=tools, response_format=fmt, stream=True
        )
        args = "".join(
            call.function.arguments or ""
            for c in chunks
            if c.choices
            for call in c.choices[0].delta.tool_calls or ()
            if call.function
        )
    else:
        reply = oai.chat.completions.create(model="pseudo", messages=messages, tools=tools, response_format=fmt)
        assert reply.choices[0].message.tool_calls
        args = reply.choices[0].message.tool_calls[0].function.arguments  # type: ignore[union-attr]
    assert json.loads(args) == {"text": f"Deploy for {EMAIL}"}  # the echo's tool call, restored
    sent = mock.requests[before]
    raw = json.dumps(sent)
    assert EMAIL not in raw and SECRET not in raw
    function = sent["tools"][0]["function"]
    assert function["description"] == "Deploy with the token <SECRET_1>"
    owner = function["parameters"]["properties"]["owner"]
    assert owner == {"type": "string", "enum": ["<EMAIL_1>"], "description": "Defaults to <EMAIL_1>"}
    schema = sent["response_format"]["json_schema"]
    assert schema["description"] == "Reply to <EMAIL_1>"
    assert schema["schema"]["properties"]["to"] == {"type": "string", "const": "<EMAIL_1>"}
    assert schema["schema"]["type"] == "object"  # keys and structure untouched
