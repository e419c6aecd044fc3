"""Compressed upstream answers, through the real gateway to the official ``openai`` SDK.

The policy (transport/http.py): ask for ``Accept-Encoding: identity``; decode gzip and deflate
when a proxy compresses anyway, streams included; refuse, with a 502 that says so, an encoding
the gateway cannot decode rather than relay its bytes.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import openai
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway
from tests.integration.mocks.bodies_mock import TEXT, MockBodies

MESSAGES = [{"role": "user", "content": "hi"}]
CODINGS = ("gzip", "deflate", "deflate-raw")


@pytest.fixture(scope="module")
def mock() -> Iterator[MockBodies]:
    m = MockBodies().start()
    yield m
    m.stop()


@pytest.fixture(scope="module")
def gw(mock: MockBodies, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    aliases = {
        name: {"deployments": [{"provider": "openai", "model": name, "api_base": mock.base_url, "name": name}]}
        for name in (*CODINGS, "br", "compress")
    }
    g = start_gateway(
        {"aliases": aliases, "routing": {"retries": {"max_attempts": 1}}},
        tmp_path_factory.mktemp("encoding"),
        env={"FREEHOLD_MASTER_KEY": MASTER_KEY},
    )
    yield g
    stop_gateway(g.process)
    assert "Traceback" not in g.log()


@pytest.fixture
def client(gw: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


@pytest.mark.parametrize("coding", CODINGS)
def test_compressed_answer_arrives_decoded(client: openai.OpenAI, mock: MockBodies, coding: str) -> None:
    reply = client.chat.completions.create(model=coding, messages=MESSAGES)  # type: ignore[arg-type]
    assert reply.choices[0].message.content == TEXT
    assert reply.usage is not None and reply.usage.completion_tokens == len(TEXT.split(" "))
    seen = mock.requests[-1]
    assert (seen.model, seen.stream) == (coding, False)
    assert seen.accept_encoding == "identity"


@pytest.mark.parametrize("coding", CODINGS)
def test_compressed_stream_arrives_decoded_event_by_event(client: openai.OpenAI, mock: MockBodies, coding: str) -> None:
    chunks = list(client.chat.completions.create(model=coding, messages=MESSAGES, stream=True))  # type: ignore[arg-type]
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == TEXT
    assert chunks[-1].choices[0].finish_reason == "stop"
    seen = mock.requests[-1]
    assert (seen.model, seen.stream) == (coding, True)
    assert seen.accept_encoding == "identity"


def test_relayed_stream_is_plain_sse(gw: Gateway) -> None:
    """What the client receives is decoded text, not the upstream's gzip bytes under an SSE type."""
    with httpx.stream(
        "POST",
        gw.base_url + "/chat/completions",
        headers={"Authorization": f"Bearer {MASTER_KEY}", "Accept-Encoding": "identity"},
        json={"model": "gzip", "messages": MESSAGES, "stream": True},
        timeout=10,
    ) as resp:
        assert resp.status_code == 200
        assert "content-encoding" not in resp.headers
        raw = b"".join(resp.iter_raw())
    assert raw.startswith(b"data: {")
    assert raw.endswith(b"data: [DONE]\n\n")


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(("coding", "says"), [("br", "cannot decode"), ("compress", "'compress'")])
def test_encoding_the_gateway_cannot_decode_is_a_clear_502(
    gw: Gateway, mock: MockBodies, coding: str, says: str, stream: bool
) -> None:
    resp = httpx.post(
        gw.base_url + "/chat/completions",
        headers={"Authorization": f"Bearer {MASTER_KEY}"},
        json={"model": coding, "messages": MESSAGES, "stream": stream},
        timeout=10,
    )
    # Refused before the client's stream starts: a JSON error, never the upstream's bytes as SSE.
    assert resp.status_code == 502, resp.text
    assert resp.headers["content-type"] == "application/json"
    err = resp.json()["error"]
    assert err["code"] == "upstream_response_invalid"
    assert says in err["message"]
    assert mock.requests[-1].accept_encoding == "identity"


def test_sdk_sees_the_undecodable_stream_as_an_api_error(client: openai.OpenAI) -> None:
    with pytest.raises(openai.APIStatusError) as info:
        list(client.chat.completions.create(model="br", messages=MESSAGES, stream=True))  # type: ignore[arg-type]
    assert info.value.status_code == 502
    assert "cannot decode" in info.value.message
