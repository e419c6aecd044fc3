"""Anthropic provider: error classification on the recorded error responses."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from anthropic.types import ErrorResponse

from freehold.errors import (
    ContextWindowExceeded,
    FreeholdError,
    ModelUnavailable,
    ProviderAuthError,
    ProviderError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
    QuotaExhausted,
)
from freehold.providers.anthropic import parse_error
from freehold.providers.anthropic.errors import retry_after

DEP = "claude/anthropic/claude-sonnet-4-5"
ERRORS = json.loads((Path(__file__).parents[2] / "fixtures" / "anthropic" / "errors.json").read_text())


@pytest.mark.parametrize(
    ("name", "kind", "status", "code", "retryable", "fallback_ok"),
    [
        ("invalid_request", ProviderRejected, 400, "invalid_request_error", False, False),
        ("prompt_too_long", ContextWindowExceeded, 400, "context_length_exceeded", False, False),
        ("authentication", ProviderAuthError, 401, "upstream_auth_failed", False, True),
        ("billing", QuotaExhausted, 402, "insufficient_quota", False, True),
        ("permission", ModelUnavailable, 403, "model_not_found", False, True),
        ("not_found", ModelUnavailable, 404, "model_not_found", False, True),
        ("request_too_large", ProviderRejected, 413, "request_too_large", False, False),
        ("rate_limit", ProviderRateLimited, 429, "rate_limit_exceeded", True, True),
        ("spend_limit", QuotaExhausted, 429, "insufficient_quota", False, True),
        ("api_error", ProviderUnavailable, 500, "upstream_unavailable", True, True),
        ("overloaded", ProviderUnavailable, 503, "upstream_unavailable", True, True),
    ],
)
def test_recorded_errors(
    name: str, kind: type[ProviderError], status: int, code: str, retryable: bool, fallback_ok: bool
) -> None:
    spec = ERRORS[name]
    ErrorResponse.model_validate(spec["body"]) if "request_id" in spec["body"] else None
    err = parse_error(spec["status"], orjson.dumps(spec["body"]), spec["headers"], DEP)
    assert type(err) is kind
    if name != "overloaded":  # the status a client sees is the error tree's policy; 529 → 503 is this adapter's
        status = kind("m", deployment=DEP, upstream_status=spec["status"]).status
    assert (err.status, err.code, err.retryable, err.fallback_ok) == (status, code, retryable, fallback_ok)
    assert err.upstream_status == spec["status"] and err.deployment == DEP
    assert spec["body"]["error"]["message"] in err.message
    if name == "prompt_too_long":
        assert err.param == "messages"


def test_retry_after_header_wins() -> None:
    spec = ERRORS["rate_limit"]
    assert parse_error(429, orjson.dumps(spec["body"]), spec["headers"], DEP).retry_after == 17.0
    assert parse_error(529, b"{}", {"retry-after": "3"}, DEP).retry_after == 3.0
    spend = ERRORS["spend_limit"]
    assert parse_error(429, orjson.dumps(spend["body"]), {"retry-after": "60"}, DEP).retry_after is None


def _rfc3339(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def test_reset_headers_stand_in_for_retry_after_on_a_429() -> None:
    headers = {
        "anthropic-ratelimit-requests-remaining": "12",
        "anthropic-ratelimit-requests-reset": _rfc3339(5),
        "anthropic-ratelimit-output-tokens-remaining": "0",
        "anthropic-ratelimit-output-tokens-reset": _rfc3339(40),
        "anthropic-ratelimit-input-tokens-remaining": "0",
        "anthropic-ratelimit-input-tokens-reset": _rfc3339(20),
    }
    wait = retry_after(headers, rate_limited=True)
    assert wait is not None and 38 <= wait <= 40  # the latest of the exhausted limits
    none_at_zero = {k: v for k, v in headers.items() if "requests" in k}
    wait = retry_after(none_at_zero, rate_limited=True)
    assert wait is not None and 3 <= wait <= 5
    assert retry_after(headers, rate_limited=False) is None
    assert retry_after({"anthropic-ratelimit-tokens-reset": "garbage"}, rate_limited=True) is None
    past = {"anthropic-ratelimit-tokens-reset": "2020-01-01T00:00:00Z", "anthropic-ratelimit-tokens-remaining": "0"}
    assert retry_after(past, rate_limited=True) == 0.0
    later = {"retry-after": email_date(30)}
    wait = retry_after(later, rate_limited=True)
    assert wait is not None and 27 <= wait <= 31


def email_date(seconds: float) -> str:
    import email.utils

    return email.utils.formatdate(time.time() + seconds, usegmt=True)


def test_keys_are_redacted_from_messages() -> None:
    body = {"type": "error", "error": {"type": "authentication_error", "message": "bad key sk-ant-api03-abcdef123456"}}
    err = parse_error(401, orjson.dumps(body), {}, DEP, secrets=("my-own-secret",))
    assert "sk-ant" not in err.message and "[redacted]" in err.message
    body["error"]["message"] = "echo my-own-secret"
    assert "my-own-secret" not in parse_error(400, orjson.dumps(body), {}, DEP, ("my-own-secret",)).message


@pytest.mark.parametrize(
    ("status", "raw", "kind"),
    [
        (502, b"<html>Bad gateway</html>", ProviderUnavailable),
        (504, orjson.dumps({"type": "error", "error": {"type": "timeout_error", "message": "t"}}), ProviderTimeout),
        (400, b"[1, 2]", ProviderRejected),
        (409, orjson.dumps({"message": "flat"}), ProviderRejected),
    ],
)
def test_odd_bodies(status: int, raw: bytes, kind: type[FreeholdError]) -> None:
    err = parse_error(status, raw, {}, DEP)
    assert type(err) is kind and err.message


def test_context_regex_is_anchored() -> None:
    body = {"type": "error", "error": {"type": "invalid_request_error", "message": "your prompt is too long? no"}}
    assert type(parse_error(400, orjson.dumps(body), {}, DEP)) is ProviderRejected
