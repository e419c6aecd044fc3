"""Anthropic error responses and stream ``error`` events → the gateway's error tree (pure).

The body is ``{"type": "error", "error": {"type", "message", "details"?}, "request_id"}``.
Classification is by HTTP status and ``error.type`` (a stream ``error`` event has only the
type), plus ``error.details.error_code`` for spend limits, which arrive as a 429.

Every answer also carries ``anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-
{limit,remaining,reset}`` headers (resets as RFC 3339 times), read by ``parse_rate_limits``.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Mapping
from datetime import datetime
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
from freehold.providers.base import RateLimitHint
from freehold.providers.http_errors import error_object, parse_count, parse_retry_after
from freehold.redact import redact

__all__ = ["parse_error", "parse_error_object", "parse_rate_limits", "retry_after"]

# error.type → the status it comes with; a stream error event carries the type alone.
_TYPE_STATUS = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}
_SPEND_LIMITS = frozenset(
    {"enforced_spend_limit_reached", "contract_spend_limit_reached", "linked_organization_spend_limit_reached"}
)
# An over-long prompt is a plain 400 invalid_request_error ("prompt is too long: 201234 tokens >
# 200000 maximum") with no code or details field to tell it apart, yet the gateway must recognise
# it (a larger-context alias may take the request). So, as the one exception to classifying by
# structured fields, this anchored pattern reads the message.
_PROMPT_TOO_LONG = re.compile(r"^prompt is too long\b", re.IGNORECASE)
_RESET_HEADERS = ("requests", "tokens", "input-tokens", "output-tokens")
# (remaining, reset) header names of the token limits; input and output tokens are limited apart.
_TOKEN_LIMITS = tuple(
    (f"anthropic-ratelimit-{limit}-remaining", f"anthropic-ratelimit-{limit}-reset")
    for limit in ("tokens", "input-tokens", "output-tokens")
)


@functools.lru_cache(maxsize=256)
def _epoch(value: str) -> float | None:
    """An RFC 3339 time (``2025-08-21T12:40:59Z``) as a Unix time; None if unreadable.

    Cached: the resets are whole seconds, so answers within a second repeat the same strings and
    parsing them is most of this module's per-answer cost. A time without an offset is refused
    rather than read as local time, since RFC 3339 requires one.
    """
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when.timestamp() if when.tzinfo is not None else None


def _until(value: str | None, now: float) -> float | None:
    """Seconds from ``now`` to an RFC 3339 time; None if absent or unreadable."""
    if not value:
        return None
    when = _epoch(value)
    return None if when is None else max(when - now, 0.0)


def parse_rate_limits(headers: Mapping[str, str], now: float | None = None) -> RateLimitHint | None:
    """The quota left on the key, from the ``anthropic-ratelimit-*`` headers of any answer.

    Requests come from ``requests-*``; tokens from whichever of ``tokens``, ``input-tokens`` and
    ``output-tokens`` has the fewest left (that one binds first), with its reset. Resets are
    seconds from ``now`` (default: the wall clock). None when no such header is present; a
    garbled value leaves its field None and never raises.
    """
    requests = headers.get("anthropic-ratelimit-requests-remaining")
    if (
        requests is None
        and "anthropic-ratelimit-tokens-remaining" not in headers
        and "anthropic-ratelimit-input-tokens-remaining" not in headers
        and "anthropic-ratelimit-output-tokens-remaining" not in headers
    ):
        return None
    clock = time.time() if now is None else now
    least: int | None = None
    least_reset: str | None = None
    for remaining, reset in _TOKEN_LIMITS:
        left = parse_count(headers.get(remaining))
        if left is not None and (least is None or left < least):
            least, least_reset = left, reset
    left_requests = parse_count(requests)
    reset_requests = _until(headers.get("anthropic-ratelimit-requests-reset"), clock)
    reset_tokens = _until(headers.get(least_reset), clock) if least_reset else None
    if left_requests is None and least is None and reset_requests is None and reset_tokens is None:
        return None
    return RateLimitHint(left_requests, least, reset_requests, reset_tokens)


def retry_after(headers: Mapping[str, str], rate_limited: bool, now: float | None = None) -> float | None:
    """Seconds to wait: ``retry-after``, else (on a 429) when the exhausted limit resets.

    Anthropic sends ``anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-reset``
    as RFC 3339 times with a ``-remaining`` count beside each; the latest reset among the limits
    at zero is when a retry can succeed (the soonest reset if none says it is at zero).
    """
    seconds = parse_retry_after(headers)
    if seconds is not None or not rate_limited:
        return seconds
    exhausted: list[float] = []
    every: list[float] = []
    now = time.time() if now is None else now
    for limit in _RESET_HEADERS:
        wait = _until(headers.get(f"anthropic-ratelimit-{limit}-reset"), now)
        if wait is None:
            continue
        every.append(wait)
        if headers.get(f"anthropic-ratelimit-{limit}-remaining") == "0":
            exhausted.append(wait)
    if exhausted:
        return max(exhausted)
    return min(every) if every else None


def _error_object(data: Any) -> dict[str, Any] | None:
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict):
            return err
        if isinstance(data.get("message"), str):
            return data
    return None


def parse_error(
    status: int, raw: bytes, headers: Mapping[str, str], deployment: str, secrets: tuple[str, ...] = ()
) -> ProviderError:
    """Classify an error response from the Messages API; its rate-limit headers ride along as ``ratelimit``."""
    err = parse_error_object(error_object(raw, _error_object), status, headers, deployment, secrets)
    err.ratelimit = parse_rate_limits(headers)
    return err


def parse_error_object(
    err: Mapping[str, Any],
    status: int | None,
    headers: Mapping[str, str],
    deployment: str,
    secrets: tuple[str, ...] = (),
) -> ProviderError:
    """Classify an ``error`` object; ``status`` None for one that came as a stream event."""
    err_type = err.get("type") if isinstance(err.get("type"), str) else None
    status = status or _TYPE_STATUS.get(err_type or "", 500)
    message = redact(str(err.get("message") or f"HTTP {status}"), secrets)
    details = err.get("details")
    code = details.get("error_code") if isinstance(details, dict) else None
    rate_limited = status == 429 or err_type == "rate_limit_error"
    where = f"Upstream deployment '{deployment}' answered {status} {err_type or 'error'}: {message}"
    common: dict[str, Any] = {
        "deployment": deployment,
        "upstream_status": status,
        "retry_after": retry_after(headers, rate_limited),
    }
    if rate_limited:
        if code in _SPEND_LIMITS:  # a monthly limit: waiting minutes will not help, another deployment may
            return QuotaExhausted(where, **{**common, "retry_after": None})
        return ProviderRateLimited(where, **common)
    if status == 402 or err_type == "billing_error":
        return QuotaExhausted(where, **common)
    if status == 401 or err_type == "authentication_error":
        return ProviderAuthError(where, **common)
    if status in (403, 404) or err_type in ("permission_error", "not_found_error"):
        return ModelUnavailable(where, **common)
    if status in (408, 504) or err_type == "timeout_error":
        return ProviderTimeout(where, **common)
    if status >= 500 or err_type in ("api_error", "overloaded_error"):
        unavailable = ProviderUnavailable(where, **common)
        if status == 529:  # Anthropic's "overloaded"; OpenAI clients know it as 503
            unavailable.status = 503
        return unavailable
    if status == 413 or err_type == "request_too_large":
        return ProviderRejected(message, code="request_too_large", **common)
    if _PROMPT_TOO_LONG.match(message):
        return ContextWindowExceeded(message, param="messages", **common)
    return ProviderRejected(message, code=err_type, error_type="invalid_request_error", **common)
