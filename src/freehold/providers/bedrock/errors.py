"""Bedrock's errors, classified by HTTP status and error type (``x-amzn-ErrorType`` / ``__type``).

Error responses are ``{"message": "..."}`` (sometimes ``Message``) with the type in the
``x-amzn-ErrorType`` header (``ThrottlingException:http://internal.amazon.com/coral/...``) or a
``__type`` field (``com.amazon.coral.service#UnrecognizedClientException``). In a stream, the same
failures arrive as ``exception`` messages named in camelCase (``throttlingException``) with the
HTTP status their shape declares.

Bedrock sends no rate-limit headers (its quotas live in Service Quotas, not in answers), so this
adapter gives no ``RateLimitHint``; a throttled request gets ``Retry-After`` only if one was sent.
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
    QuotaExhausted,
)
from freehold.providers.http_errors import error_object, parse_retry_after
from freehold.redact import redact

__all__ = ["error_type", "exception_status", "parse_error"]

# Bedrock has no structured field for "the prompt does not fit": it answers a ValidationException
# whose message is Bedrock's own wording or the model's, relayed. These are the wordings it uses.
_CONTEXT_LENGTH = re.compile(
    r"^(?:The model returned the following errors: )?(?:Input is too long for requested model"
    r"|prompt is too long: \d+ tokens > \d+ maximum|input length and `max_tokens` exceed context limit)",
    re.IGNORECASE,
)
_AUTH_TYPES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "IncompleteSignatureException",
        "MissingAuthenticationTokenException",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
    }
)
_RETRYABLE_TYPES = frozenset(
    {
        "InternalServerException",
        "ServiceUnavailableException",
        "ModelNotReadyException",
        "ModelErrorException",
        "ModelStreamErrorException",
    }
)
# The HTTP status each exception shape of ConverseStreamOutput declares (botocore's service model).
_EXCEPTION_STATUS = {
    "ValidationException": 400,
    "ThrottlingException": 429,
    "ServiceUnavailableException": 503,
    "InternalServerException": 500,
    "ModelStreamErrorException": 424,
}


def error_type(headers: Mapping[str, str], fields: Mapping[str, Any]) -> str | None:
    """The error's type name, as botocore finds it: header first, then ``__type`` or ``code``."""
    value = next((v for k, v in headers.items() if k.lower() == "x-amzn-errortype"), None)
    if not value:
        found = fields.get("__type") or fields.get("code")
        value = found if isinstance(found, str) else None
    if not value:
        return None
    return value.split(":", 1)[0].rsplit("#", 1)[-1] or None


def exception_status(name: str) -> int:
    """The HTTP status of a stream exception (``throttlingException`` → 429)."""
    return _EXCEPTION_STATUS.get(name[:1].upper() + name[1:], 500)


def _fields(data: Any) -> dict[str, Any] | None:
    return data if isinstance(data, dict) else None


def parse_error(
    status: int,
    raw: bytes,
    headers: Mapping[str, str],
    deployment: str,
    secrets: tuple[str, ...] = (),
    kind: str | None = None,
) -> ProviderError:
    """Classify a Bedrock error response (or a stream exception, with ``kind`` its type) into the tree."""
    fields = error_object(raw, _fields)
    kind = kind[:1].upper() + kind[1:] if kind else error_type(headers, fields)
    text = fields.get("message") or fields.get("Message")
    message = redact(str(text) if text else f"HTTP {status}", secrets)
    where = f"Upstream deployment '{deployment}' answered {status} {kind or 'error'}: {message}"
    common: dict[str, Any] = {
        "deployment": deployment,
        "upstream_status": status,
        "retry_after": parse_retry_after({k.lower(): v for k, v in headers.items()}),
    }
    if kind in _AUTH_TYPES or status == 401:
        return ProviderAuthError(where, **common)
    if kind == "ServiceQuotaExceededException":
        return QuotaExhausted(where, **common)
    if kind == "ThrottlingException" or (status == 429 and kind not in _RETRYABLE_TYPES):
        return ProviderRateLimited(where, **common)
    if kind in _RETRYABLE_TYPES or status >= 500:
        return ProviderUnavailable(where, **common)
    if kind in ("AccessDeniedException", "ResourceNotFoundException") or status in (403, 404):
        return ModelUnavailable(where, **common)
    if kind == "ModelTimeoutException" or status == 408:
        return ProviderTimeout(where, **common)
    if kind == "ValidationException" and _CONTEXT_LENGTH.match(message):
        return ContextWindowExceeded(message, param="messages", **common)
    return ProviderRejected(message, code=kind, **common)
