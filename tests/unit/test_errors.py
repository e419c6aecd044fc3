"""The error tree: the data callers decide on, the OpenAI rendering, and the most telling failure."""

from __future__ import annotations

import pytest

from freehold import errors
from freehold.errors import (
    AliasNotFound,
    AllCandidatesFailed,
    AuditUnavailable,
    AuthenticationFailed,
    BudgetExceeded,
    CircuitOpen,
    ConfigError,
    Conflict,
    ContextWindowExceeded,
    DeadlineExceeded,
    FreeholdError,
    HeadersTooLarge,
    InvalidRequest,
    LedgerUnavailable,
    LocalOnlyUnavailable,
    MeteringUnavailable,
    MethodNotAllowed,
    ModelUnavailable,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    PrivacyBlocked,
    PrivacyUnscanned,
    ProviderAuthError,
    ProviderConnectError,
    ProviderError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderRequestUnsendable,
    ProviderResponseInvalid,
    ProviderResponseTooLarge,
    ProviderTimeout,
    ProviderUnavailable,
    QuotaExhausted,
    RateLimited,
    RequestRejected,
    RequestTimeout,
    ShuttingDown,
    TooManyConnections,
    UnsupportedMediaType,
)

REJECTIONS = [
    (InvalidRequest, 400, "invalid_request_error", "invalid_request"),
    (UnsupportedMediaType, 415, "invalid_request_error", "unsupported_media_type"),
    (PayloadTooLarge, 413, "invalid_request_error", "payload_too_large"),
    (AuthenticationFailed, 401, "authentication_error", "invalid_api_key"),
    (PermissionDenied, 403, "permission_error", "permission_denied"),
    (NotFound, 404, "invalid_request_error", "not_found"),
    (AliasNotFound, 404, "invalid_request_error", "model_not_found"),
    (MethodNotAllowed, 405, "invalid_request_error", "method_not_allowed"),
    (Conflict, 409, "invalid_request_error", "conflict"),
    (RateLimited, 429, "rate_limit_error", "rate_limit_exceeded"),
    (BudgetExceeded, 429, "insufficient_quota", "budget_exceeded"),
    (PrivacyBlocked, 400, "invalid_request_error", "pii_blocked"),
    (PrivacyUnscanned, 400, "invalid_request_error", "privacy_unscanned_content"),
    (RequestTimeout, 408, "invalid_request_error", "request_timeout"),
    (HeadersTooLarge, 431, "invalid_request_error", "request_headers_too_large"),
]

# class, status, error type, code, retryable, fallback_ok, opens_circuit
PROVIDER_ERRORS = [
    (ProviderTimeout, 504, "timeout", "upstream_timeout", True, True, True),
    (ProviderConnectError, 502, "upstream_error", "upstream_unreachable", True, True, True),
    (ProviderRateLimited, 429, "rate_limit_error", "rate_limit_exceeded", True, True, False),
    (ProviderUnavailable, 503, "server_error", "upstream_unavailable", True, True, True),
    (ProviderAuthError, 502, "upstream_auth_error", "upstream_auth_failed", False, True, False),
    (QuotaExhausted, 429, "insufficient_quota", "insufficient_quota", False, True, False),
    (ModelUnavailable, 502, "invalid_request_error", "model_not_found", False, True, False),
    (ProviderRejected, 400, "invalid_request_error", "upstream_error", False, False, False),
    (ContextWindowExceeded, 400, "invalid_request_error", "context_length_exceeded", False, False, False),
    (ProviderResponseInvalid, 502, "upstream_error", "upstream_response_invalid", True, True, True),
    (ProviderResponseTooLarge, 502, "upstream_error", "upstream_response_too_large", False, True, True),
    (ProviderRequestUnsendable, 502, "upstream_error", "upstream_request_unsendable", False, True, True),
]

# Gateway-side failures that are neither the client's doing nor one upstream's answer.
GATEWAY_ERRORS = [
    (CircuitOpen, 503, "server_error", "circuit_open"),
    (ShuttingDown, 503, "server_error", "gateway_shutting_down"),
    (MeteringUnavailable, 503, "server_error", "metering_unavailable"),
    (LedgerUnavailable, 503, "server_error", "ledger_unavailable"),
    (AuditUnavailable, 503, "server_error", "audit_unavailable"),
    (LocalOnlyUnavailable, 503, "server_error", "privacy_local_only_unavailable"),
    (TooManyConnections, 503, "server_error", "too_many_connections"),
]


@pytest.mark.parametrize(("cls", "status", "error_type", "code"), REJECTIONS)
def test_rejections(cls: type[RequestRejected], status: int, error_type: str, code: str) -> None:
    err = cls("nope", param="model")
    assert isinstance(err, RequestRejected)
    assert (err.status, err.error_type, err.code) == (status, error_type, code)
    assert err.retryable is False and err.fallback_ok is False
    assert err.to_openai() == {"error": {"message": "nope", "type": error_type, "param": "model", "code": code}}


@pytest.mark.parametrize(
    ("cls", "status", "error_type", "code", "retryable", "fallback_ok", "opens_circuit"), PROVIDER_ERRORS
)
def test_provider_errors(
    cls: type[ProviderError],
    status: int,
    error_type: str,
    code: str,
    retryable: bool,
    fallback_ok: bool,
    opens_circuit: bool,
) -> None:
    err = cls("upstream failed", deployment="d1")
    assert (err.status, err.error_type, err.code) == (status, error_type, code)
    assert (err.retryable, err.fallback_ok, err.opens_circuit) == (retryable, fallback_ok, opens_circuit)
    assert err.deployment == "d1" and err.upstream_status is None and err.retry_after is None


@pytest.mark.parametrize(("cls", "status", "error_type", "code"), GATEWAY_ERRORS)
def test_gateway_errors(cls: type[FreeholdError], status: int, error_type: str, code: str) -> None:
    err = cls("not now", retry_after=3)
    assert (err.status, err.error_type, err.code, err.retry_after) == (status, error_type, code, 3)
    assert err.retryable is False and err.fallback_ok is False


def test_every_public_error_class_is_covered() -> None:
    covered = {row[0] for row in REJECTIONS} | {row[0] for row in PROVIDER_ERRORS} | {row[0] for row in GATEWAY_ERRORS}
    public = {
        getattr(errors, name)
        for name in errors.__all__
        if isinstance(getattr(errors, name), type) and issubclass(getattr(errors, name), FreeholdError)
    }
    abstract = {FreeholdError, RequestRejected, ProviderError, AllCandidatesFailed, ConfigError, DeadlineExceeded}
    assert public - abstract == covered


def test_upstream_error_status_is_kept() -> None:
    err = ProviderUnavailable("boom", deployment="d", upstream_status=500)
    assert (err.status, err.upstream_status) == (500, 500)
    rejected = ProviderRejected("no", deployment="d", upstream_status=422)
    assert rejected.status == 422


def test_non_error_upstream_status_does_not_become_the_status() -> None:
    err = ProviderResponseInvalid("bad body", deployment="d", upstream_status=200)
    assert err.status == 502 and err.upstream_status == 200


def test_overrides_apply_to_the_instance_only() -> None:
    err = ProviderRejected("no", deployment="d", code="invalid_value", error_type="BadRequestError", param="top_p")
    assert err.to_openai() == {
        "error": {"message": "no", "type": "BadRequestError", "param": "top_p", "code": "invalid_value"}
    }
    assert ProviderRejected.error_type == "invalid_request_error"
    assert ProviderRejected.code == "upstream_error"
    fresh = InvalidRequest("x", code="invalid_json", status=422)
    assert (fresh.code, fresh.status) == ("invalid_json", 422)
    assert (InvalidRequest("y").code, InvalidRequest("y").status) == ("invalid_request", 400)


def test_freehold_error_defaults() -> None:
    err = FreeholdError("internal")
    assert err.status == 500
    assert err.to_openai() == {"error": {"message": "internal", "type": "server_error", "param": None, "code": None}}
    assert str(err) == "internal"


def test_config_error_lists_problems() -> None:
    err = ConfigError(["a.b: is required", "c: unknown key"])
    assert err.problems == ["a.b: is required", "c: unknown key"]
    assert "a.b: is required" in str(err) and "c: unknown key" in str(err)


# --- AllCandidatesFailed ------------------------------------------------------------------


def test_all_failed_prefers_a_rejection() -> None:
    errs: list[ProviderError] = [
        ProviderRateLimited("slow", deployment="a", upstream_status=429, retry_after=3),
        ContextWindowExceeded("too long", deployment="b", upstream_status=400, param="messages"),
        ProviderUnavailable("down", deployment="c", upstream_status=503),
    ]
    err = AllCandidatesFailed("smart", errs)
    assert (err.status, err.code, err.param, err.error_type) == (
        400,
        "context_length_exceeded",
        "messages",
        "invalid_request_error",
    )
    assert "too long" in err.message
    assert "'smart'" in err.message and "a, b, c" in err.message
    assert err.errors == errs


def test_all_failed_prefers_a_rate_limit_over_outages() -> None:
    errs: list[ProviderError] = [
        ProviderUnavailable("down", deployment="a", upstream_status=503),
        ProviderRateLimited("slow", deployment="b", upstream_status=429, retry_after=3),
        ProviderTimeout("late", deployment="c"),
    ]
    err = AllCandidatesFailed("smart", errs)
    assert (err.status, err.code, err.retry_after, err.error_type) == (
        429,
        "rate_limit_exceeded",
        3,
        "rate_limit_error",
    )
    assert err.to_openai()["error"]["type"] == "rate_limit_error"


def test_all_failed_otherwise_reports_the_last() -> None:
    errs: list[ProviderError] = [
        ProviderUnavailable("down", deployment="a", upstream_status=503),
        ProviderTimeout("late", deployment="b"),
    ]
    err = AllCandidatesFailed("smart", errs)
    assert (err.status, err.code, err.error_type) == (504, "upstream_timeout", "timeout")
    assert "late" in err.message


def test_all_failed_is_not_itself_retried() -> None:
    err = AllCandidatesFailed("smart", [ProviderUnavailable("down", deployment="a", upstream_status=503)])
    assert err.retryable is False and err.fallback_ok is False
    assert isinstance(err, FreeholdError) and not isinstance(err, ProviderError)
