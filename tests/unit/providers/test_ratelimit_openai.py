"""OpenAI's rate-limit headers → ``RateLimitHint``, and the wait a 429 without Retry-After gets.

Driven by recorded header sets in tests/fixtures/openai/ratelimit_*.json (OpenAI, Groq, vLLM, and
garbled ones); headers are given as aiohttp gives them, a case-insensitive multidict.
"""

from __future__ import annotations

import json
import timeit
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict, CIMultiDictProxy

from freehold.errors import ProviderRateLimited, ProviderUnavailable, QuotaExhausted
from freehold.providers.base import RateLimitHint
from freehold.providers.openai_compat import parse_duration, parse_error, parse_rate_limits, reset_wait

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "openai"
DEP = "gpt/openai/gpt-4o-mini"
HEADER_NAMES = (
    "x-ratelimit-remaining-requests",
    "x-ratelimit-remaining-tokens",
    "x-ratelimit-reset-requests",
    "x-ratelimit-reset-tokens",
)


def load(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return spec


def wire(headers: dict[str, str]) -> CIMultiDictProxy[str]:
    return CIMultiDictProxy(CIMultiDict(headers))


def expected(spec: dict[str, Any]) -> RateLimitHint | None:
    return None if spec["hint"] is None else RateLimitHint(**spec["hint"])


ALL = sorted(p.name for p in FIXTURES.glob("ratelimit_*.json"))
ERRORS = [name for name in ALL if load(name)["status"] == 429]


def test_every_fixture_is_exercised() -> None:
    assert len(ALL) >= 8 and len(ERRORS) >= 3


@pytest.mark.parametrize("name", ALL)
def test_recorded_headers(name: str) -> None:
    spec = load(name)
    hint = parse_rate_limits(wire(spec["headers"]))
    if spec["hint"] is None:
        assert hint is None
    else:
        assert hint is not None and _fields(hint) == pytest.approx(spec["hint"])


def _fields(hint: RateLimitHint) -> dict[str, Any]:
    return {
        "remaining_requests": hint.remaining_requests,
        "remaining_tokens": hint.remaining_tokens,
        "reset_requests": hint.reset_requests,
        "reset_tokens": hint.reset_tokens,
    }


@pytest.mark.parametrize("name", ERRORS)
def test_recorded_429s_wait_as_the_headers_say(name: str) -> None:
    spec = load(name)
    err = parse_error(429, orjson.dumps(spec["body"]), wire(spec["headers"]), DEP)
    assert isinstance(err, ProviderRateLimited)
    assert err.retry_after == pytest.approx(spec["retry_after"])
    assert err.ratelimit == parse_rate_limits(wire(spec["headers"]))
    assert err.ratelimit is not None


def test_plain_lowercase_dict_works_too() -> None:
    spec = load("ratelimit_chat_200.json")
    assert parse_rate_limits(spec["headers"]) == expected(spec)


def test_header_names_are_case_insensitive_on_the_wire() -> None:
    hint = parse_rate_limits(wire({"X-RateLimit-Remaining-Requests": "7", "X-RateLimit-Reset-Requests": "2s"}))
    assert hint == RateLimitHint(remaining_requests=7, reset_requests=2.0)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1s", 1.0),
        ("0s", 0.0),
        ("6ms", 0.006),
        ("20ms", 0.02),
        ("6m0s", 360.0),
        ("6m", 360.0),
        ("1h2m3.5s", 3723.5),
        ("23h47m36.648s", 85656.648),
        ("2m59.56s", 179.56),
        ("1h", 3600.0),
        ("1.5µs", 1.5e-6),
        ("250us", 2.5e-4),
        ("100ns", 1e-7),
        ("55", 55.0),  # Azure: bare seconds
        ("0.5", 0.5),
    ],
)
def test_go_durations(value: str, seconds: float) -> None:
    assert parse_duration(value) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "value",
    [None, "", " ", "s", "ms", "h", "-1s", "1h1h", "1s2m", "nan", "inf", "1e3s", "1_0s", ".5s", "1.s", "٣s", "5 s"],
)
def test_unreadable_durations_are_none(value: str | None) -> None:
    assert parse_duration(value) is None


def test_negative_and_non_numeric_counts_are_none() -> None:
    hint = parse_rate_limits({"x-ratelimit-remaining-requests": "-1", "x-ratelimit-remaining-tokens": "12.5"})
    assert hint is None  # present, but nothing readable


@given(
    st.dictionaries(
        st.sampled_from(HEADER_NAMES),
        st.one_of(st.text(max_size=24), st.from_regex(r"-?\d{1,6}(\.\d{1,3})?(h|m|s|ms|us|ns)?", fullmatch=True)),
    )
)
def test_never_raises_and_never_negative(headers: dict[str, str]) -> None:
    hint = parse_rate_limits(headers)
    if hint is None:
        return
    for value in _fields(hint).values():
        assert value is None or value >= 0


# --- the wait of a 429 without Retry-After ------------------------------------------------


def test_named_limit_wins() -> None:
    hint = RateLimitHint(remaining_requests=0, remaining_tokens=10, reset_requests=5.0, reset_tokens=90.0)
    assert reset_wait(hint, "tokens") == 90.0
    assert reset_wait(hint, "requests") == 5.0


def test_latest_reset_among_exhausted_limits() -> None:
    hint = RateLimitHint(remaining_requests=0, remaining_tokens=0, reset_requests=5.0, reset_tokens=90.0)
    assert reset_wait(hint) == 90.0
    assert (
        reset_wait(RateLimitHint(remaining_requests=0, remaining_tokens=10, reset_requests=5.0, reset_tokens=90.0))
        == 5.0
    )


def test_soonest_reset_when_no_limit_is_at_zero() -> None:
    assert (
        reset_wait(RateLimitHint(remaining_requests=3, remaining_tokens=10, reset_requests=5.0, reset_tokens=9.0))
        == 5.0
    )
    assert reset_wait(RateLimitHint(remaining_requests=3)) is None
    assert reset_wait(None) is None


def test_retry_after_header_beats_the_resets() -> None:
    headers = {"retry-after": "4", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "30s"}
    assert parse_error(429, b"{}", headers, DEP).retry_after == 4.0


def test_429_without_any_hint_has_no_retry_after() -> None:
    err = parse_error(429, b'{"error": {"message": "slow down", "code": "rate_limit_exceeded"}}', {}, DEP)
    assert isinstance(err, ProviderRateLimited) and err.retry_after is None and err.ratelimit is None


def test_quota_exhaustion_is_not_told_to_wait_for_a_reset() -> None:
    body = b'{"error": {"message": "You exceeded your current quota", "code": "insufficient_quota"}}'
    headers = {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "30s"}
    err = parse_error(429, body, headers, DEP)
    assert isinstance(err, QuotaExhausted) and err.retry_after is None
    assert err.ratelimit == RateLimitHint(remaining_requests=0, reset_requests=30.0)


def test_other_errors_carry_the_hint_but_no_derived_wait() -> None:
    headers = {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "30s"}
    err = parse_error(503, b'{"error": {"message": "overloaded"}}', headers, DEP)
    assert isinstance(err, ProviderUnavailable) and err.retry_after is None
    assert err.ratelimit is not None and err.ratelimit.remaining_requests == 0


# --- cost: it runs on every answer -----------------------------------------------------------


def test_absent_headers_cost_next_to_nothing() -> None:
    """A generous bound (shared CI machines): the absent case is two dictionary misses."""
    headers = wire(load("ratelimit_vllm_200.json")["headers"])
    per_call = min(timeit.repeat(lambda: parse_rate_limits(headers), number=2000, repeat=5)) / 2000
    assert per_call < 5e-6
