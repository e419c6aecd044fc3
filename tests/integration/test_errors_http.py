"""Client mistakes and upstream failures, as a client sees them: status, OpenAI error shape, headers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import openai
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway
from tests.integration.mock_openai import EXPECTED_KEY

MESSAGES = [{"role": "user", "content": "hi"}]
AUTH = {"Authorization": f"Bearer {MASTER_KEY}"}


@pytest.fixture
def http(gateway: Gateway) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway.url, headers=AUTH, timeout=10) as c:
        yield c


@pytest.fixture
def client(gateway: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gateway.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


def error_of(resp: httpx.Response, status: int) -> dict:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == "application/json"
    assert "x-request-id" in resp.headers
    body = resp.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert isinstance(err["message"], str) and err["message"]
    assert "Traceback" not in resp.text
    return err


@pytest.mark.parametrize(
    ("content", "status", "param", "says"),
    [
        (b"{not json", 400, None, "not valid JSON"),
        (b"", 400, None, "empty"),
        (b"[1, 2]", 400, None, "must be a JSON object"),
        (b'{"messages": [{"role": "user", "content": "hi"}]}', 400, "model", "Missing required parameter: 'model'"),
        (b'{"model": "gpt"}', 400, "messages", "'messages'"),
        (b'{"model": "gpt", "messages": []}', 400, "messages", "non-empty"),
        (b'{"model": 5, "messages": [{"role": "user", "content": "hi"}]}', 400, "model", "string"),
        (b'{"model": "gpt", "messages": [{"role": "robot", "content": "hi"}]}', 400, "messages[0].role", "robot"),
        (b'{"model": "gpt", "messages": ["hi"]}', 400, "messages[0]", "object"),
        (
            b'{"model": "gpt", "messages": [{"role": "user", "content": "x"}], "temperature": "hot"}',
            400,
            "temperature",
            "number",
        ),
        (
            b'{"model": "gpt", "messages": [{"role": "user", "content": "x"}], "stream": "yes"}',
            400,
            "stream",
            "boolean",
        ),
        (
            b'{"model": "gpt", "messages": [{"role": "user", "content": "x"}], "max_tokens": true}',
            400,
            "max_tokens",
            "integer",
        ),
        (
            b'{"model": "gpt", "messages": [{"role": "user", "content": "x"}], "stream_options": {}}',
            400,
            "stream_options",
            "only allowed when 'stream' is true",
        ),
        (b'{"model": "nope", "messages": [{"role": "user", "content": "x"}]}', 404, "model", "does not exist"),
    ],
)
def test_client_mistakes_get_clear_4xx(
    http: httpx.Client, content: bytes, status: int, param: str | None, says: str
) -> None:
    resp = http.post("/v1/chat/completions", content=content, headers={"Content-Type": "application/json"})
    err = error_of(resp, status)
    assert err["param"] == param
    assert says in err["message"]
    assert err["type"] == "invalid_request_error"


def test_unknown_alias_lists_the_real_ones(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as info:
        client.chat.completions.create(model="gpt-5-turbo-ultra", messages=MESSAGES)  # type: ignore[arg-type]
    assert info.value.code == "model_not_found"
    assert "gpt, " in info.value.message or "gpt" in info.value.message


def test_wrong_content_type_is_415(http: httpx.Client) -> None:
    resp = http.post(
        "/v1/chat/completions", content=b"model=gpt", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    err = error_of(resp, 415)
    assert "application/json" in err["message"]


def test_body_over_limit_is_413(http: httpx.Client) -> None:
    big = {"model": "gpt", "messages": [{"role": "user", "content": "x" * 70_000}]}
    err = error_of(http.post("/v1/chat/completions", json=big), 413)
    assert "65536 bytes" in err["message"]


def test_body_over_limit_without_content_length_is_413(http: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"model": "gpt", "messages": [{"role": "user", "content": "'
        for _ in range(20):
            yield b"y" * 8192
        yield b'"}]}'

    resp = http.post("/v1/chat/completions", content=chunks(), headers={"Content-Type": "application/json"})
    error_of(resp, 413)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}])
def test_auth_required(gateway: Gateway, headers: dict[str, str]) -> None:
    resp = httpx.post(
        gateway.url + "/v1/chat/completions", json={"model": "gpt", "messages": MESSAGES}, headers=headers
    )
    err = error_of(resp, 401)
    assert err["type"] == "authentication_error"


def test_unknown_route_and_wrong_method(http: httpx.Client) -> None:
    err = error_of(http.get("/v1/nothing-here"), 404)
    assert "/v1/nothing-here" in err["message"] and "/v1/chat/completions" in err["message"]
    resp = http.get("/v1/chat/completions")
    err = error_of(resp, 405)
    assert "POST" in err["message"] and resp.headers["allow"] == "POST"


def test_health_needs_no_key(gateway: Gateway) -> None:
    assert httpx.get(gateway.url + "/health/live").json() == {"status": "ok"}
    ready = httpx.get(gateway.url + "/health/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"


def test_embeddings_mistakes(http: httpx.Client) -> None:
    err = error_of(http.post("/v1/embeddings", json={"model": "embed"}), 400)
    assert err["param"] == "input"
    err = error_of(http.post("/v1/embeddings", json={"model": "embed", "input": [1, "a"]}), 400)
    assert err["param"] == "input"
    err = error_of(http.post("/v1/embeddings", json={"model": "embed", "input": "a", "encoding_format": "hex"}), 400)
    assert err["param"] == "encoding_format"


# --- upstream failures ----------------------------------------------------------------------


def test_upstream_429_keeps_status_and_retry_after(client: openai.OpenAI) -> None:
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(model="error-429", messages=MESSAGES)
    assert info.value.status_code == 429
    assert info.value.response.headers["retry-after"] == "20"
    assert info.value.code == "rate_limit_exceeded"
    assert "Rate limit reached" in info.value.message


def test_upstream_insufficient_quota_is_429_but_not_a_rate_limit(http: httpx.Client) -> None:
    err = error_of(http.post("/v1/chat/completions", json={"model": "error-quota", "messages": MESSAGES}), 429)
    assert err["code"] == "insufficient_quota" and err["type"] == "insufficient_quota"


def test_upstream_context_length_passes_param_and_code(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="error-context", messages=MESSAGES)
    assert info.value.code == "context_length_exceeded"
    assert info.value.param == "messages"
    assert "maximum context length" in info.value.message


def test_upstream_auth_failure_never_leaks_the_key(http: httpx.Client) -> None:
    resp = http.post("/v1/chat/completions", json={"model": "error-401", "messages": MESSAGES})
    # 502, not 401: the client's own key is fine; the gateway's upstream credential is not.
    err = error_of(resp, 502)
    assert err["type"] == "upstream_auth_error"
    assert err["code"] == "upstream_auth_failed"
    assert "error-401" in err["message"]  # names the deployment at fault
    assert EXPECTED_KEY not in resp.text and "sk-upstr" not in resp.text and MASTER_KEY not in resp.text


@pytest.mark.parametrize(
    ("alias", "status", "code"),
    [
        ("error-404", 404, "model_not_found"),
        ("error-500", 500, "upstream_unavailable"),
        ("bad-json", 502, "upstream_response_invalid"),
    ],
)
def test_upstream_errors_map_to_openai_errors(http: httpx.Client, alias: str, status: int, code: str) -> None:
    err = error_of(http.post("/v1/chat/completions", json={"model": alias, "messages": MESSAGES}), status)
    assert err["code"] == code


def test_upstream_timeout_is_504_within_the_deadline(http: httpx.Client) -> None:
    resp = http.post("/v1/chat/completions", json={"model": "hang", "messages": MESSAGES})
    err = error_of(resp, 504)
    assert err["code"] == "upstream_timeout"
    assert resp.elapsed.total_seconds() < 3


def test_stream_cut_by_upstream_ends_with_error_event(client: openai.OpenAI, gateway: Gateway) -> None:
    stream = client.chat.completions.create(model="cut-stream", messages=MESSAGES, stream=True)
    received = []
    with pytest.raises(openai.APIError) as info:
        for chunk in stream:
            received.append(chunk)
    assert received, "the events before the cut reach the client"
    assert "cut the response short" in info.value.message or "before 'data: [DONE]'" in info.value.message
    # Raw framing: the error is its own event after the partial ones, and nothing follows it.
    resp = httpx.post(
        gateway.base_url + "/chat/completions",
        headers=AUTH,
        json={"model": "cut-stream", "messages": MESSAGES, "stream": True},
    )
    events = [e for e in resp.text.split("\n\n") if e]
    assert events[-1].startswith('data: {"error":')
    assert "[DONE]" not in resp.text


def test_client_leaving_mid_body_is_harmless(gateway: Gateway, http: httpx.Client) -> None:
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(gateway.url)
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {MASTER_KEY}\r\n".encode()
            + b"Content-Length: 5000\r\n\r\n"
            + b'{"model": "gpt", "messages": ['
        )
    # The gateway keeps serving (and, checked at teardown, logs no traceback).
    resp = http.post("/v1/chat/completions", json={"model": "gpt", "messages": MESSAGES})
    assert resp.status_code == 200
