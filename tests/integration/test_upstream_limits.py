"""Upstream answers too large to hold, and requests that cannot be sent, through the real gateway.

The gateway runs with ``FREEHOLD_MAX_UPSTREAM_BODY_BYTES=1048576`` (1 MiB) and the default
retries (two attempts), so a retried failure would show as a second call at the mock.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import anthropic
import httpx
import openai
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway
from tests.integration.mocks.anthropic_mock import EXPECTED_KEY as ANTHROPIC_KEY
from tests.integration.mocks.anthropic_mock import MockAnthropic
from tests.integration.mocks.bodies_mock import MockBodies

LIMIT = 1024 * 1024
MESSAGES = [{"role": "user", "content": "hi"}]
AUTH = {"Authorization": f"Bearer {MASTER_KEY}"}


@pytest.fixture(scope="module")
def mock() -> Iterator[MockBodies]:
    m = MockBodies().start()
    yield m
    m.stop()


@pytest.fixture(scope="module")
def claude() -> Iterator[MockAnthropic]:
    m = MockAnthropic().start()
    yield m
    m.stop()


@pytest.fixture(scope="module")
def gw(mock: MockBodies, claude: MockAnthropic, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    def openai_dep(model: str, **extra: object) -> dict[str, object]:
        return {"provider": "openai", "model": model, "api_base": mock.base_url, "name": model, **extra}

    aliases: dict[str, object] = {
        name: {"deployments": [openai_dep(name)]}
        for name in ("big-length", "big-chunked", "gzip-bomb", "huge-error", "endless-line", "gzip")
    }
    aliases["claude-endless"] = {
        "deployments": [
            {
                "provider": "anthropic",
                "model": "stream-endless",
                "api_base": claude.base_url,
                "api_key": "env:ANTHROPIC_API_KEY",
                "name": "claude-endless",
            }
        ]
    }
    g = start_gateway(
        {"aliases": aliases, "routing": {"breaker": {"failure_threshold": 3, "cooldown": 60}}},
        tmp_path_factory.mktemp("limits"),
        env={
            "FREEHOLD_MASTER_KEY": MASTER_KEY,
            "FREEHOLD_MAX_UPSTREAM_BODY_BYTES": str(LIMIT),
            "ANTHROPIC_API_KEY": ANTHROPIC_KEY,
        },
    )
    yield g
    stop_gateway(g.process)
    log = g.log()
    assert "Traceback" not in log


def post(gw: Gateway, model: str, stream: bool = False) -> httpx.Response:
    body = {"model": model, "messages": MESSAGES, "stream": stream}
    return httpx.post(gw.base_url + "/chat/completions", headers=AUTH, json=body, timeout=30)


def wait_for(check: object, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.02)


# --- whole answers over the limit ---------------------------------------------------------------


@pytest.mark.parametrize("model", ["big-length", "big-chunked", "gzip-bomb"])
def test_answer_over_the_limit_is_a_502_naming_the_limit(gw: Gateway, mock: MockBodies, model: str) -> None:
    before = mock.calls(model)
    resp = post(gw, model)
    assert resp.status_code == 502, resp.text
    assert resp.headers["content-type"] == "application/json"
    err = resp.json()["error"]
    assert err["code"] == "upstream_response_too_large"
    assert f"'{model}'" in err["message"]  # the deployment
    assert str(LIMIT) in err["message"]
    assert "FREEHOLD_MAX_UPSTREAM_BODY_BYTES" in err["message"]
    assert mock.calls(model) == before + 1  # not retried: the same deployment would send the same answer


def test_sdk_sees_the_too_large_answer_as_a_502(gw: Gateway) -> None:
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=30) as client:
        with pytest.raises(openai.APIStatusError) as info:
            client.chat.completions.create(model="gzip-bomb", messages=MESSAGES)  # type: ignore[arg-type]
    assert info.value.status_code == 502
    assert "max_upstream_body_bytes" in info.value.message


def test_answer_under_the_limit_still_arrives(gw: Gateway) -> None:
    resp = post(gw, "gzip")
    assert resp.status_code == 200, resp.text
    assert resp.json()["choices"][0]["message"]["content"]


def test_huge_error_body_is_classified_from_its_start(gw: Gateway, mock: MockBodies) -> None:
    resp = post(gw, "huge-error")
    # The upstream's own error (400 context_length_exceeded), not a 502 about its size.
    assert resp.status_code == 400, resp.text
    err = resp.json()["error"]
    assert err["code"] == "context_length_exceeded"
    assert err["param"] == "messages"
    # Only its start was read: the gateway hung up long before the mock's 64 MiB were out.
    wait_for(lambda: "huge-error" in mock.completed)
    assert mock.completed["huge-error"] is False


# --- streams the gateway decodes ----------------------------------------------------------------


def test_endless_event_from_a_vendor_stream_ends_the_stream_with_an_error(gw: Gateway) -> None:
    """Anthropic's SSE is decoded (to translate it); one event that never ends stops at the limit."""
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=30) as client:
        with pytest.raises(openai.APIError) as info:
            list(client.chat.completions.create(model="claude-endless", messages=MESSAGES, stream=True))  # type: ignore[arg-type]
    assert "larger than the gateway's limit" in info.value.message
    assert str(LIMIT) in info.value.message
    with httpx.stream(
        "POST",
        gw.base_url + "/chat/completions",
        headers=AUTH,
        json={"model": "claude-endless", "messages": MESSAGES, "stream": True},
        timeout=30,
    ) as resp:
        assert resp.status_code == 200
        raw = resp.read()
    assert len(raw) < LIMIT  # nothing of the endless event was relayed
    last = [e for e in raw.split(b"\n\n") if e][-1]
    assert last.startswith(b'data: {"error":') and b"upstream_response_too_large" in last


def test_endless_line_through_the_anthropic_door_ends_with_its_error_event(gw: Gateway, mock: MockBodies) -> None:
    """The Anthropic door decodes the canonical stream; an OpenAI upstream's endless line stops there."""
    with anthropic.Anthropic(base_url=gw.url, api_key=MASTER_KEY, max_retries=0, timeout=30) as client:
        with pytest.raises(anthropic.APIError) as info:
            with client.messages.stream(model="endless-line", max_tokens=10, messages=MESSAGES) as stream:  # type: ignore[arg-type]
                for _ in stream:
                    pass
    assert "larger than the gateway's limit" in str(info.value)
    with httpx.stream(
        "POST",
        gw.url + "/v1/messages",
        headers=AUTH,
        json={"model": "endless-line", "max_tokens": 10, "messages": MESSAGES, "stream": True},
        timeout=30,
    ) as resp:
        raw = resp.read()
    assert len(raw) < LIMIT
    last = [e for e in raw.split(b"\n\n") if e][-1]
    assert last.startswith(b"event: error\n")
    wait_for(lambda: "endless-line" in mock.completed)
    assert mock.completed["endless-line"] is False  # the upstream connection was closed, not drained
