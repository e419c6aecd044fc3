"""Anthropic's ``anthropic-ratelimit-*`` headers → ``RateLimitHint``, resets as RFC 3339 times.

Driven by recorded header sets in tests/fixtures/anthropic/ratelimit_*.json; each fixture says
when it was received (``now``), so the seconds-until-reset are exact.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict, CIMultiDictProxy

from freehold.errors import ProviderRateLimited, QuotaExhausted
from freehold.providers.anthropic.errors import parse_error, parse_rate_limits, retry_after
from freehold.providers.base import RateLimitHint

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "anthropic"
DEP = "claude/anthropic/claude-sonnet-4-5"
ALL = sorted(p.name for p in FIXTURES.glob("ratelimit_*.json"))
LIMITS = ("requests", "tokens", "input-tokens", "output-tokens")


def load(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return spec


def wire(headers: dict[str, str]) -> CIMultiDictProxy[str]:
    return CIMultiDictProxy(CIMultiDict(headers))


def rfc3339(seconds_from_now: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds_from_now)).isoformat().replace("+00:00", "Z")


def test_every_fixture_is_exercised() -> None:
    assert len(ALL) >= 6


@pytest.mark.parametrize("name", ALL)
def test_recorded_headers(name: str) -> None:
    spec = load(name)
    hint = parse_rate_limits(wire(spec["headers"]), now=spec["now"])
    assert hint == (None if spec["hint"] is None else RateLimitHint(**spec["hint"]))


def test_recorded_429_waits_for_the_exhausted_limit() -> None:
    spec = load("ratelimit_429.json")
    assert retry_after(wire(spec["headers"]), rate_limited=True, now=spec["now"]) == spec["retry_after"]


def test_parse_error_carries_the_hint_and_derives_the_wait() -> None:
    headers = {
        "anthropic-ratelimit-requests-remaining": "0",
        "anthropic-ratelimit-requests-reset": rfc3339(30),
        "anthropic-ratelimit-output-tokens-remaining": "800",
        "anthropic-ratelimit-output-tokens-reset": rfc3339(4),
    }
    body = orjson.dumps({"type": "error", "error": {"type": "rate_limit_error", "message": "Too many requests."}})
    err = parse_error(429, body, wire(headers), DEP)
    assert isinstance(err, ProviderRateLimited)
    assert err.retry_after is not None and 28 < err.retry_after <= 30
    hint = err.ratelimit
    assert isinstance(hint, RateLimitHint)
    assert hint.remaining_requests == 0 and hint.remaining_tokens == 800
    assert hint.reset_requests is not None and 28 < hint.reset_requests <= 30
    assert hint.reset_tokens is not None and 2 < hint.reset_tokens <= 4


def test_spend_limit_keeps_the_hint_but_no_wait() -> None:
    body = orjson.dumps(
        {
            "type": "error",
            "error": {
                "type": "rate_limit_error",
                "message": "You have reached your specified API usage limits.",
                "details": {"error_code": "enforced_spend_limit_reached"},
            },
        }
    )
    headers = {"anthropic-ratelimit-requests-remaining": "0", "anthropic-ratelimit-requests-reset": rfc3339(30)}
    err = parse_error(429, body, headers, DEP)
    assert isinstance(err, QuotaExhausted) and err.retry_after is None
    assert err.ratelimit is not None and err.ratelimit.remaining_requests == 0


def test_retry_after_header_wins() -> None:
    headers = {
        "retry-after": "7",
        "anthropic-ratelimit-requests-remaining": "0",
        "anthropic-ratelimit-requests-reset": rfc3339(30),
    }
    assert retry_after(headers, rate_limited=True) == 7.0


def test_default_clock_is_the_wall_clock() -> None:
    hint = parse_rate_limits(
        {"anthropic-ratelimit-requests-remaining": "5", "anthropic-ratelimit-requests-reset": rfc3339(60)}
    )
    assert hint is not None and hint.reset_requests is not None and 58 < hint.reset_requests <= 60


def test_fractional_and_offset_timestamps() -> None:
    now = datetime(2025, 8, 21, 12, 40, 58, tzinfo=UTC).timestamp()
    headers = {
        "anthropic-ratelimit-requests-remaining": "1",
        "anthropic-ratelimit-requests-reset": "2025-08-21T14:41:00.250+02:00",
    }
    hint = parse_rate_limits(headers, now=now)
    assert hint == RateLimitHint(remaining_requests=1, reset_requests=2.25)


def test_smallest_token_limit_binds() -> None:
    now = datetime(2025, 8, 21, 12, 40, 58, tzinfo=UTC).timestamp()
    headers = {
        "anthropic-ratelimit-tokens-remaining": "9000",
        "anthropic-ratelimit-tokens-reset": "2025-08-21T12:40:59Z",
        "anthropic-ratelimit-input-tokens-remaining": "300",
        "anthropic-ratelimit-input-tokens-reset": "2025-08-21T12:41:18Z",
        "anthropic-ratelimit-output-tokens-remaining": "4000",
        "anthropic-ratelimit-output-tokens-reset": "2025-08-21T12:41:00Z",
    }
    assert parse_rate_limits(headers, now=now) == RateLimitHint(remaining_tokens=300, reset_tokens=20.0)


@given(
    st.dictionaries(
        st.sampled_from([f"anthropic-ratelimit-{lim}-{part}" for lim in LIMITS for part in ("remaining", "reset")]),
        st.one_of(
            st.text(max_size=30),
            st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()),
            st.datetimes().map(lambda d: d.isoformat()),
        ),
    )
)
def test_never_raises_and_never_negative(headers: dict[str, str]) -> None:
    hint = parse_rate_limits(headers, now=1755780058.0)
    if hint is not None:
        for value in (hint.remaining_requests, hint.remaining_tokens, hint.reset_requests, hint.reset_tokens):
            assert value is None or value >= 0
    retry_after(headers, rate_limited=True, now=1755780058.0)
