"""Gemini provider: error classification on recorded google.rpc.Status bodies (no network)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from freehold.errors import (
    ContextWindowExceeded,
    ModelUnavailable,
    ProviderAuthError,
    ProviderError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from freehold.providers.gemini.errors import parse_duration, parse_error

FIXTURES = Path(__file__).parents[2] / "fixtures" / "gemini"
DEP = "smart/gemini/gemini-2.5-flash"
KEY = "AIzaSyD-secretsecretsecret123"


def err(status: int, name: str, headers: dict[str, str] | None = None) -> ProviderError:
    error = parse_error(status, (FIXTURES / name).read_bytes(), headers or {}, DEP, (KEY,))
    assert error.deployment == DEP and error.upstream_status == status
    return error


def test_429_keeps_the_retry_delay_from_retry_info() -> None:
    error = err(429, "error_429.json")
    assert isinstance(error, ProviderRateLimited)
    assert error.retry_after == 36.0 and error.retryable and error.status == 429


def test_429_without_retry_info_falls_back_to_retry_after_header() -> None:
    raw = orjson.dumps({"error": {"code": 429, "message": "slow down", "status": "RESOURCE_EXHAUSTED"}})
    error = parse_error(429, raw, {"retry-after": "5"}, DEP)
    assert isinstance(error, ProviderRateLimited) and error.retry_after == 5.0


def test_context_length_is_recognised() -> None:
    error = err(400, "error_context.json")
    assert isinstance(error, ContextWindowExceeded)
    assert error.param == "messages" and error.code == "context_length_exceeded" and error.status == 400


def test_other_invalid_argument_keeps_message_and_field() -> None:
    error = err(400, "error_bad_field.json")
    assert type(error) is ProviderRejected
    assert error.param == "generation_config" and error.code == "invalid_argument"
    assert error.message.startswith("Invalid JSON payload received. Unknown name")
    assert not error.fallback_ok


def test_bad_api_key_is_an_auth_error_by_error_info_reason() -> None:
    error = err(400, "error_api_key.json")
    assert isinstance(error, ProviderAuthError)


@pytest.mark.parametrize(
    ("status", "name", "kind"),
    [
        (403, "error_403.json", ModelUnavailable),
        (404, "error_404.json", ModelUnavailable),
        (400, "error_precondition.json", ModelUnavailable),
        (500, "error_500.json", ProviderUnavailable),
        (503, "error_503.json", ProviderUnavailable),
        (504, "error_504.json", ProviderTimeout),
    ],
)
def test_status_classes(status: int, name: str, kind: type[ProviderError]) -> None:
    error = err(status, name)
    assert type(error) is kind
    assert error.fallback_ok
    assert error.retryable == (status >= 500)


def test_non_json_error_body_and_key_redaction() -> None:
    error = parse_error(502, b"<html>Bad gateway " + KEY.encode() + b"</html>", {}, DEP, (KEY,))
    assert isinstance(error, ProviderUnavailable)
    assert KEY not in error.message and "[redacted]" in error.message


@pytest.mark.parametrize(
    ("value", "seconds"), [("36s", 36.0), ("0.250s", 0.25), ("1.5s", 1.5), ("soon", None), (3, None)]
)
def test_parse_duration(value: object, seconds: float | None) -> None:
    assert parse_duration(value) == seconds
