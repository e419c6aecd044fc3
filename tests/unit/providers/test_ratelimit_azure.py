"""Azure OpenAI's rate-limit headers: OpenAI's remaining counts, ``-1`` for unknown, and the
``x-rate-limit-reset-tokens`` seconds a token-limited 429 carries instead of Retry-After.

Driven by recorded header sets in tests/fixtures/azure/ratelimit_*.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict, CIMultiDictProxy

from freehold.errors import ProviderRateLimited, ProviderRejected
from freehold.providers.azure import parse_error, parse_rate_limits
from freehold.providers.base import RateLimitHint

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "azure"
DEP = "smart/azure/gpt-4o-mini"
ALL = sorted(p.name for p in FIXTURES.glob("ratelimit_*.json"))


def load(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return spec


def wire(headers: dict[str, str]) -> CIMultiDictProxy[str]:
    return CIMultiDictProxy(CIMultiDict(headers))


@pytest.mark.parametrize("name", ALL)
def test_recorded_headers(name: str) -> None:
    spec = load(name)
    hint = parse_rate_limits(wire(spec["headers"]))
    assert hint == (None if spec["hint"] is None else RateLimitHint(**spec["hint"]))


def test_token_limited_429_waits_for_the_token_reset() -> None:
    spec = load("ratelimit_429_reset_tokens.json")
    err = parse_error(429, orjson.dumps(spec["body"]), wire(spec["headers"]), DEP)
    assert isinstance(err, ProviderRateLimited)
    assert err.code == "rate_limit_exceeded"  # Azure's numeric "429" code is dropped
    assert err.retry_after == spec["retry_after"] == 55.0
    assert err.ratelimit == RateLimitHint(remaining_requests=59, reset_tokens=55.0)


def test_recorded_rate_limit_keeps_its_explicit_wait() -> None:
    """The existing fixture sends retry-after: 6 and retry-after-ms: 5500; the finer one wins."""
    raw = (FIXTURES / "error_rate_limit.json").read_bytes()
    headers = json.loads((FIXTURES / "error_rate_limit.headers.json").read_text())
    err = parse_error(429, raw, wire(headers), DEP)
    assert isinstance(err, ProviderRateLimited) and err.retry_after == 5.5
    assert err.ratelimit == RateLimitHint(remaining_requests=0, remaining_tokens=0)


def test_bare_seconds_reset_headers_are_read() -> None:
    headers = {"x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "12"}
    assert parse_rate_limits(headers) == RateLimitHint(remaining_tokens=0, reset_tokens=12.0)
    err = parse_error(429, b'{"error": {"code": "429", "message": "Rate limit is exceeded."}}', headers, DEP)
    assert err.retry_after == 12.0


def test_reset_tokens_alone_is_a_hint() -> None:
    assert parse_rate_limits(wire({"X-Rate-Limit-Reset-Tokens": "7"})) == RateLimitHint(reset_tokens=7.0)


def test_openai_reset_header_wins_over_azure_spelling() -> None:
    headers = {"x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "3s", "x-rate-limit-reset-tokens": "55"}
    assert parse_rate_limits(headers) == RateLimitHint(remaining_tokens=0, reset_tokens=3.0)


def test_content_filter_refusal_carries_the_hint() -> None:
    raw = (FIXTURES / "error_content_filter.json").read_bytes()
    err = parse_error(400, raw, {"x-ratelimit-remaining-requests": "41", "x-ratelimit-remaining-tokens": "9000"}, DEP)
    assert isinstance(err, ProviderRejected) and err.code == "content_filter"
    assert err.ratelimit == RateLimitHint(remaining_requests=41, remaining_tokens=9000)


def test_no_headers_no_hint() -> None:
    assert parse_rate_limits(wire({"apim-request-id": "x", "content-type": "application/json"})) is None


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "x-ratelimit-remaining-requests",
                "x-ratelimit-remaining-tokens",
                "x-ratelimit-reset-tokens",
                "x-rate-limit-reset-tokens",
            ]
        ),
        st.text(max_size=16),
    )
)
def test_never_raises(headers: dict[str, str]) -> None:
    hint = parse_rate_limits(headers)
    if hint is not None:
        for value in (hint.remaining_requests, hint.remaining_tokens, hint.reset_requests, hint.reset_tokens):
            assert value is None or value >= 0
