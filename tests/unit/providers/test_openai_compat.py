"""OpenAI-compatible provider: the pure functions (no network)."""

from __future__ import annotations

import email.utils
import time
from typing import Any

import orjson
import pytest

from freehold.errors import (
    ContextWindowExceeded,
    ModelUnavailable,
    ProviderAuthError,
    ProviderError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderUnavailable,
    QuotaExhausted,
)
from freehold.providers.openai_compat import parse_error, parse_retry_after, to_upstream

DEP = "smart/openai/gpt-4o"
KEY = "sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12"


def openai_error(message: str, type_: str | None = None, param: str | None = None, code: str | None = None) -> bytes:
    return orjson.dumps({"error": {"message": message, "type": type_, "param": param, "code": code}})


def err(status: int, raw: bytes, headers: dict[str, str] | None = None, secrets: tuple[str, ...] = ()) -> ProviderError:
    error = parse_error(status, raw, headers or {}, DEP, secrets)
    assert error.deployment == DEP
    assert error.upstream_status == status
    return error


# --- to_upstream --------------------------------------------------------------------------


def test_to_upstream_rewrites_model_only() -> None:
    body: dict[str, Any] = {"model": "smart", "messages": [{"role": "user", "content": "hi"}], "x": {"y": [1]}}
    assert orjson.loads(to_upstream(body, "gpt-4o")) == {**body, "model": "gpt-4o"}
    assert body["model"] == "smart"


def test_to_upstream_keeps_key_order_and_unicode() -> None:
    body = {"model": "a", "z": "ü😀", "a": 1}
    assert to_upstream(body, "b") == orjson.dumps({"model": "b", "z": "ü😀", "a": 1})


# --- parse_retry_after --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after": "-3"}, 0.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),  # the precise one wins
        ({"retry-after-ms": "soon", "retry-after": "9"}, 9.0),
        ({"retry-after": ""}, None),
        ({"retry-after": "whenever"}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers) == expected


def test_parse_retry_after_http_date() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    value = parse_retry_after({"retry-after": when})
    assert value is not None and 27 <= value <= 31


def test_parse_retry_after_past_http_date() -> None:
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0


# --- parse_error: classification ----------------------------------------------------------


def test_429_rate_limited_with_retry_after() -> None:
    e = err(429, openai_error("Rate limit reached", "requests", None, "rate_limit_exceeded"), {"retry-after": "3"})
    assert type(e) is ProviderRateLimited
    assert (e.status, e.retry_after, e.retryable, e.fallback_ok) == (429, 3.0, True, True)
    assert e.code == "rate_limit_exceeded"
    assert "Rate limit reached" in e.message and DEP in e.message


def test_429_retry_after_ms() -> None:
    e = err(429, openai_error("slow down"), {"retry-after-ms": "1500"})
    assert isinstance(e, ProviderRateLimited)
    assert e.retry_after == 1.5


def test_429_retry_after_http_date() -> None:
    e = err(429, b"", {"retry-after": email.utils.formatdate(time.time() + 60, usegmt=True)})
    assert isinstance(e, ProviderRateLimited)
    assert e.retry_after is not None and 57 <= e.retry_after <= 61


def test_429_without_code_keeps_the_default_code() -> None:
    e = err(429, openai_error("slow down"))
    assert e.code == "rate_limit_exceeded"
    assert e.retry_after is None


def test_429_insufficient_quota_is_not_a_rate_limit() -> None:
    raw = openai_error("You exceeded your current quota", "insufficient_quota", None, "insufficient_quota")
    e = err(429, raw, {"retry-after": "20"})
    assert type(e) is QuotaExhausted
    assert not isinstance(e, ProviderRateLimited)
    assert e.retryable is False
    assert e.fallback_ok is True
    assert e.code == "insufficient_quota"


def test_401_is_an_auth_error() -> None:
    e = err(401, openai_error("Incorrect API key provided", "invalid_request_error", None, "invalid_api_key"))
    assert type(e) is ProviderAuthError
    assert e.retryable is False and e.fallback_ok is True
    assert e.error_type == "upstream_auth_error"
    assert e.status == 502 and e.upstream_status == 401  # the client's own key is not at fault


@pytest.mark.parametrize("status", [403, 404])
def test_403_404_model_unavailable(status: int) -> None:
    e = err(status, openai_error("The model `gpt-9` does not exist", "invalid_request_error", None, None))
    assert type(e) is ModelUnavailable
    assert e.retryable is False and e.fallback_ok is True
    assert e.code == "model_not_found"


def test_404_keeps_upstream_code() -> None:
    e = err(404, openai_error("gone", code="model_not_found"))
    assert isinstance(e, ModelUnavailable) and e.code == "model_not_found"


def test_400_context_length() -> None:
    raw = openai_error(
        "This model's maximum context length is 8192 tokens.",
        "invalid_request_error",
        "messages",
        "context_length_exceeded",
    )
    e = err(400, raw)
    assert type(e) is ContextWindowExceeded
    assert isinstance(e, ProviderRejected)
    assert e.code == "context_length_exceeded"
    assert e.param == "messages"
    assert e.status == 400
    assert e.retryable is False and e.fallback_ok is False
    assert e.message == "This model's maximum context length is 8192 tokens."


def test_400_context_length_message_alone_is_not_classified() -> None:
    # Classification is by structured fields, never by message text.
    e = err(400, openai_error("maximum context length exceeded", "invalid_request_error"))
    assert type(e) is ProviderRejected


def test_other_400_keeps_upstream_fields() -> None:
    e = err(
        400, openai_error("Invalid value for 'temperature'", "invalid_request_error", "temperature", "invalid_value")
    )
    assert type(e) is ProviderRejected
    assert e.message == "Invalid value for 'temperature'"
    assert (e.param, e.code, e.error_type, e.status) == ("temperature", "invalid_value", "invalid_request_error", 400)
    assert e.retryable is False and e.fallback_ok is False
    assert e.to_openai() == {
        "error": {
            "message": "Invalid value for 'temperature'",
            "type": "invalid_request_error",
            "param": "temperature",
            "code": "invalid_value",
        }
    }


def test_422_is_rejected_with_its_status() -> None:
    e = err(422, orjson.dumps({"detail": [{"loc": ["body", "messages"], "msg": "field required"}]}))
    assert type(e) is ProviderRejected
    assert e.status == 422
    assert "field required" in e.message


@pytest.mark.parametrize("status", [500, 502, 503, 529])
def test_5xx_unavailable(status: int) -> None:
    e = err(status, openai_error("The server had an error"), {"retry-after": "2"})
    assert type(e) is ProviderUnavailable
    assert e.retryable is True and e.fallback_ok is True
    assert e.status == status
    assert e.retry_after == 2.0
    assert "The server had an error" in e.message


# --- parse_error: body shapes -------------------------------------------------------------


def test_vllm_flat_error() -> None:
    raw = orjson.dumps(
        {
            "object": "error",
            "message": "max_tokens must be at least 1",
            "type": "BadRequestError",
            "param": None,
            "code": 400,
        }
    )
    e = err(400, raw)
    assert type(e) is ProviderRejected
    assert e.message == "max_tokens must be at least 1"
    assert e.code != 400  # a numeric code is not an OpenAI code string
    assert e.error_type == "BadRequestError"


def test_fastapi_detail_error() -> None:
    e = err(404, orjson.dumps({"detail": "Not Found"}))
    assert type(e) is ModelUnavailable
    assert "Not Found" in e.message


def test_string_error_field() -> None:
    e = err(400, orjson.dumps({"error": "model is required"}))
    assert e.message == "model is required"


@pytest.mark.parametrize("raw", [b"<html><body>502 Bad Gateway</body></html>", b"upstream connect error"])
def test_non_json_body(raw: bytes) -> None:
    e = err(502, raw)
    assert type(e) is ProviderUnavailable
    assert raw.decode()[:20] in e.message


def test_long_non_json_body_is_truncated() -> None:
    e = err(500, b"x" * 10_000)
    assert len(e.message) < 400


def test_empty_body_says_the_status() -> None:
    e = err(503, b"")
    assert "HTTP 503" in e.message


def test_json_that_is_not_an_object() -> None:
    e = err(400, b'["bad"]')
    assert type(e) is ProviderRejected
    assert "bad" in e.message


def test_invalid_utf8_body() -> None:
    e = err(500, b"\xff\xfe broken")
    assert "broken" in e.message


# --- parse_error: redaction ---------------------------------------------------------------


def test_deployment_key_is_redacted() -> None:
    secret = "local-server-token-8c1f2e"
    e = err(401, openai_error(f"Bad token {secret} for this server"), secrets=(secret,))
    assert secret not in e.message
    assert "[redacted]" in e.message


def test_key_shaped_string_is_redacted_even_if_not_ours() -> None:
    e = err(401, openai_error(f"Incorrect API key provided: {KEY}. You can find your API key at ..."))
    assert KEY not in e.message
    assert "sk-proj" not in e.message
    assert "[redacted]" in e.message


def test_masked_openai_key_is_redacted() -> None:
    e = err(401, openai_error("Incorrect API key provided: sk-proj-********************abcd."))
    assert "abcd" not in e.message


def test_key_in_rejected_message_is_redacted() -> None:
    e = err(400, openai_error(f"bad request using {KEY}", code="invalid_value"))
    assert KEY not in e.message
    assert KEY not in str(e.to_openai())


def test_key_in_non_json_body_is_redacted() -> None:
    e = err(500, f"proxy error for Authorization: Bearer {KEY}".encode())
    assert KEY not in e.message
