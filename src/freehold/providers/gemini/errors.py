"""Gemini error bodies (``google.rpc.Status``) → the gateway's error tree.

Classified by HTTP status, the canonical ``status`` string and the typed ``details`` entries
(``ErrorInfo.reason``, ``RetryInfo.retryDelay``, ``BadRequest.fieldViolations``), never by
message text, with the one commented exception of the context-length case.

Gemini sends no rate-limit headers (nothing like ``x-ratelimit-remaining-*``), so this adapter
gives no ``RateLimitHint``; a 429 says how long to wait in ``RetryInfo.retryDelay`` instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

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
from freehold.providers.http_errors import error_object, parse_retry_after
from freehold.redact import redact

__all__ = ["error_from_status", "parse_duration", "parse_error", "rpc_status"]

_TYPE_PREFIX = "type.googleapis.com/google.rpc."
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)s$")
# Gemini reports an over-long prompt as a plain INVALID_ARGUMENT: no ErrorInfo reason and no
# BadRequest field violation says so, only the message ("The input token count (1200000) exceeds
# the maximum number of tokens allowed (1048576)."). The gateway must recognise this case (a
# larger-context alias may take the request), so it matches that message's fixed opening here.
_CONTEXT_MESSAGE = re.compile(r"^The input token count \(\d+\) exceeds the maximum number of tokens allowed \(\d+\)")
# ErrorInfo reasons that mean the gateway's credential (or its project) cannot be used at all.
_AUTH_REASONS = frozenset({"SERVICE_DISABLED", "CONSUMER_SUSPENDED", "ACCESS_TOKEN_TYPE_UNSUPPORTED"})


def parse_duration(value: object) -> float | None:
    """Seconds from a protobuf ``Duration`` in JSON form (``"36s"``, ``"0.250s"``)."""
    if not isinstance(value, str):
        return None
    match = _DURATION.match(value.strip())
    return float(match.group(1)) if match else None


def rpc_status(raw: bytes) -> dict[str, Any]:
    """The ``error`` object of a body; a non-JSON body (a proxy's HTML page) becomes its first 200 characters."""
    return error_object(raw, _status_object)


def _status_object(data: Any) -> dict[str, Any] | None:
    if isinstance(data, list) and data and isinstance(data[0], dict):
        data = data[0]  # some Google front ends wrap the status in a one-element array
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        error: dict[str, Any] = data["error"]
        return error
    return None


def _details(error: Mapping[str, Any], kind: str) -> list[dict[str, Any]]:
    details = error.get("details")
    if not isinstance(details, list):
        return []
    return [d for d in details if isinstance(d, dict) and d.get("@type") == _TYPE_PREFIX + kind]


def _retry_after(error: Mapping[str, Any], headers: Mapping[str, str]) -> float | None:
    for info in _details(error, "RetryInfo"):
        delay = parse_duration(info.get("retryDelay"))
        if delay is not None:
            return delay
    return parse_retry_after(headers)


def _bad_field(error: Mapping[str, Any]) -> str | None:
    for bad in _details(error, "BadRequest"):
        for violation in bad.get("fieldViolations") or ():
            if isinstance(violation, dict) and isinstance(violation.get("field"), str):
                field: str = violation["field"]
                return field
    return None


def error_from_status(
    status: int, error: Mapping[str, Any], headers: Mapping[str, str], deployment: str, secrets: tuple[str, ...] = ()
) -> ProviderError:
    """Classify one ``google.rpc.Status`` answered with HTTP ``status``."""
    message = redact(str(error.get("message") or f"HTTP {status}"), secrets)
    rpc = error.get("status") if isinstance(error.get("status"), str) else None
    reasons = {str(info.get("reason")) for info in _details(error, "ErrorInfo")}
    where = f"Upstream deployment '{deployment}' answered {status}: {message}"
    common: dict[str, Any] = {
        "deployment": deployment,
        "upstream_status": status,
        "retry_after": _retry_after(error, headers),
    }
    bad_key = any(r.startswith("API_KEY_") or r in _AUTH_REASONS for r in reasons)
    if status == 401 or rpc == "UNAUTHENTICATED" or bad_key:
        return ProviderAuthError(where, **common)  # Gemini answers a bad key with 400 + reason API_KEY_INVALID
    if status == 429 or rpc == "RESOURCE_EXHAUSTED":
        return ProviderRateLimited(where, **common)
    if status in (403, 404) or rpc in ("PERMISSION_DENIED", "NOT_FOUND"):
        return ModelUnavailable(where, **common)
    if status == 400 and rpc == "FAILED_PRECONDITION":
        # e.g. the free tier is not offered in the gateway's region: this deployment cannot serve, another may.
        return ModelUnavailable(where, code="failed_precondition", **common)
    if status in (408, 504) or rpc == "DEADLINE_EXCEEDED":
        return ProviderTimeout(where, **common)
    if status >= 500:
        return ProviderUnavailable(where, **common)
    if _CONTEXT_MESSAGE.match(message):
        return ContextWindowExceeded(message, param="messages", **common)
    code = rpc.lower() if rpc else None
    return ProviderRejected(message, param=_bad_field(error), code=code, **common)


def parse_error(
    status: int, raw: bytes, headers: Mapping[str, str], deployment: str, secrets: tuple[str, ...] = ()
) -> ProviderError:
    """Classify an upstream error response."""
    return error_from_status(status, rpc_status(raw), headers, deployment, secrets)
