"""The resilience engine's decisions: retry, back off, fall back, break circuits, queue, stream first bytes.

Every test drives ``Engine.run`` against scripted fake deployments and reads the decisions back
from a recording observer. The clock is real time plus an offset the test can jump forward, so
that real (tiny) sleeps and long cooldowns or windows can both be exercised quickly.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from freehold.bootstrap import _policies
from freehold.config.load import parse_config
from freehold.config.routing import BreakerPolicy, QueuePolicy, RetryPolicy, RoutingDefaults
from freehold.config.routing import RetryBudget as RetryBudgetPolicy
from freehold.context import RequestContext
from freehold.errors import (
    AliasNotFound,
    AllCandidatesFailed,
    CircuitOpen,
    ContextWindowExceeded,
    DeadlineExceeded,
    InvalidRequest,
    ModelUnavailable,
    ProviderAuthError,
    ProviderConnectError,
    ProviderError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderRequestUnsendable,
    ProviderResponseInvalid,
    ProviderTimeout,
    ProviderUnavailable,
    QuotaExhausted,
    RateLimited,
)
from freehold.providers.base import Capabilities, Completion, RateLimitHint, StreamResponse
from freehold.routing.resilience import Answer, Engine
from freehold.routing.router import AliasPolicy, Candidate, Router
from freehold.stores.breakers import MemoryBreakers
from freehold.stores.quota import QuotaTracker

# --- fakes ------------------------------------------------------------------------------------


class Clock:
    """time.monotonic() plus an offset that tests jump forward (cooldowns, windows, deadlines)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass(frozen=True)
class Fail:
    """A scripted failure, built with the failing deployment's name when it happens."""

    cls: type[ProviderError]
    status: int | None = None
    retry_after: float | None = None
    code: str | None = None
    ratelimit: RateLimitHint | None = None

    def __call__(self, **changes: Any) -> Fail:
        return Fail(**{**self.__dict__, **changes})

    def build(self, deployment: str) -> ProviderError:
        err = self.cls(
            f"{self.cls.__name__} from {deployment}",
            deployment=deployment,
            upstream_status=self.status,
            retry_after=self.retry_after,
            code=self.code,
        )
        err.ratelimit = self.ratelimit
        return err


UNAVAILABLE = Fail(ProviderUnavailable, 503)
TIMEOUT = Fail(ProviderTimeout)
CONNECT = Fail(ProviderConnectError)
RATE_LIMITED = Fail(ProviderRateLimited, 429)
NOT_FOUND = Fail(ModelUnavailable, 404)
FORBIDDEN = Fail(ModelUnavailable, 403)
NO_CREDIT = Fail(QuotaExhausted, 429)
BAD_KEY = Fail(ProviderAuthError, 401)
BAD_REQUEST = Fail(ProviderRejected, 400)
TOO_LONG = Fail(ContextWindowExceeded, 400)
FILTERED = Fail(ProviderRejected, 400, code="content_filter")

OK = "ok"
Step = Any  # OK | Completion | Fail | Callable[[str], Awaitable[Completion | StreamResponse] | ...]


class Fake:
    """A deployment that follows its script, one step per call; calling it past the script fails the test."""

    def __init__(self, name: str, *script: Step, embeddings: bool = False) -> None:
        self.name = name
        self.capabilities = Capabilities(embeddings=embeddings)
        self.script = list(script)
        self.calls = 0

    async def chat(self, request: object) -> Completion:
        return await self._step()  # type: ignore[no-any-return]

    async def chat_stream(self, request: object) -> StreamResponse:
        return await self._step()  # type: ignore[no-any-return]

    async def _step(self) -> Completion | StreamResponse:
        self.calls += 1
        assert self.script, f"{self.name} called more often than scripted ({self.calls} calls)"
        step = self.script.pop(0)
        if step == OK:
            return completion(self.name)
        if isinstance(step, Fail):
            raise step.build(self.name)
        if isinstance(step, Completion | StreamResponse):
            return step
        result = step(self.name)
        if inspect.isawaitable(result):
            result = await result
        return result  # type: ignore[no-any-return]


def completion(name: str, ratelimit: RateLimitHint | None = None) -> Completion:
    return Completion(json.dumps({"from": name}).encode(), ratelimit=ratelimit)


def slow(seconds: float, then: Step = OK) -> Callable[[str], Awaitable[Any]]:
    async def step(name: str) -> Any:
        await asyncio.sleep(seconds)
        if isinstance(then, Fail):
            raise then.build(name)
        return completion(name) if then == OK else then

    return step


def jump(clock: Clock, seconds: float, then: Fail) -> Callable[[str], Any]:
    """The attempt takes ``seconds`` of (jumped) clock time, then fails with ``then``."""

    def step(name: str) -> Any:
        clock.advance(seconds)
        raise then.build(name)

    return step


def stream(
    *chunks: bytes, before_first: Fail | None = None, after: Fail | None = None, hang: float = 0.0
) -> Callable[[str], StreamResponse]:
    def step(name: str) -> StreamResponse:
        async def events() -> AsyncIterator[bytes]:
            if hang:
                await asyncio.sleep(hang)
            if before_first is not None:
                raise before_first.build(name)
            for chunk in chunks:
                yield chunk
            if after is not None:
                raise after.build(name)

        return StreamResponse(events())

    return step


class Recorder:
    """A ResilienceObserver that records every call."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def attempt(self, alias: str, deployment: str, outcome: str, seconds: float, status: int | None) -> None:
        self.events.append(("attempt", alias, deployment, outcome, seconds, status))

    def retry(self, alias: str, deployment: str, delay: float, reason: str) -> None:
        self.events.append(("retry", alias, deployment, delay, reason))

    def fallback(self, alias: str, from_deployment: str, to: str, reason: str) -> None:
        self.events.append(("fallback", alias, from_deployment, to, reason))

    def retry_budget_exhausted(self, alias: str, deployment: str) -> None:
        self.events.append(("retry_budget_exhausted", alias, deployment))

    def breaker(self, deployment: str, state: str) -> None:
        self.events.append(("breaker", deployment, state))

    def queued(self, alias: str, seconds: float, admitted: bool) -> None:
        self.events.append(("queued", alias, seconds, admitted))

    def inflight(self, deployment: str, delta: int) -> None:
        self.events.append(("inflight", deployment, delta))

    def of(self, kind: str) -> list[tuple[Any, ...]]:
        return [e[1:] for e in self.events if e[0] == kind]

    def outcomes(self) -> list[tuple[str, str]]:
        return [(deployment, outcome) for _, deployment, outcome, _, _ in self.of("attempt")]

    def retry_delays(self) -> list[float]:
        return [delay for _, _, delay, _ in self.of("retry")]


def context(priority: int = 0) -> RequestContext:
    return RequestContext("internal", "chat", priority=priority)


FAST = RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.002, max_retry_after=5.0)
ONCE = RetryPolicy(max_attempts=1, base_delay=0.001, max_delay=0.002)


def policy(**kw: Any) -> AliasPolicy:
    kw.setdefault("retries", FAST)
    kw.setdefault("deadline", 5.0)
    return AliasPolicy(**kw)


@dataclass
class Rig:
    engine: Engine
    obs: Recorder
    clock: Clock
    quota: QuotaTracker
    breakers: MemoryBreakers
    providers: dict[str, Fake] = field(default_factory=dict)

    async def chat(self, alias: str = "main", priority: int = 0, **kw: Any) -> Answer:
        return await self.engine.run(context(priority), alias, lambda p: p.chat(None), **kw)

    async def stream(self, alias: str = "main", priority: int = 0, **kw: Any) -> Answer:
        return await self.engine.run(context(priority), alias, lambda p: p.chat_stream(None), **kw)

    async def state(self, name: str) -> str:
        return await self.breakers.state(name)

    def backdate(self, name: str, seconds_ago: float, tokens: int = 0) -> None:
        """Record a request sent to ``name`` that long ago (so it leaves the rpm window soon)."""
        self.clock.offset -= seconds_ago
        self.quota.acquire(name, tokens)
        self.clock.offset += seconds_ago


def rig(
    aliases: dict[str, list[Fake]],
    policies: dict[str, AliasPolicy] | None = None,
    *,
    limits: dict[str, tuple[int | None, int | None]] | None = None,
    budget: RetryBudgetPolicy | None = None,
    breaker: BreakerPolicy | None = None,
    queue: QueuePolicy | None = None,
    rand: Callable[[], float] = lambda: 0.0,  # weighted order = file order
    weights: dict[str, float] | None = None,
) -> Rig:
    clock = Clock()
    obs = Recorder()
    defaults = RoutingDefaults(
        retry_budget=budget or RetryBudgetPolicy(ratio=10, min_per_second=1000),
        breaker=breaker or BreakerPolicy(failure_threshold=100, cooldown=10),
        queue=queue or QueuePolicy(max_size=10, max_wait=5),
    )
    weights = weights or {}
    router = Router(
        {a: [Candidate(p, weights.get(p.name, 1.0)) for p in ps] for a, ps in aliases.items()},  # type: ignore[misc]
        {a: (policies or {}).get(a) or policy() for a in aliases},
    )
    quota = QuotaTracker(limits or {}, clock)
    breakers = MemoryBreakers(defaults.breaker, clock, on_half_open=obs.breaker)
    engine = Engine(router, defaults, breakers, quota, obs, clock=clock, rand=rand)
    providers = {p.name: p for ps in aliases.values() for p in ps}
    return Rig(engine, obs, clock, quota, breakers, providers)


def body(answer: Answer) -> dict[str, Any]:
    assert isinstance(answer.result, Completion)
    return json.loads(answer.result.body)  # type: ignore[no-any-return]


def never() -> float:
    raise AssertionError("rand must not be called here")


RETRYABLE = [UNAVAILABLE, TIMEOUT, CONNECT, RATE_LIMITED]
IMMEDIATE = [NOT_FOUND, FORBIDDEN, NO_CREDIT, BAD_KEY]


# --- retries and fallbacks by kind of failure ---------------------------------------------------


async def test_success_on_the_first_attempt() -> None:
    r = rig({"main": [Fake("a", OK), Fake("b")]})
    answer = await r.chat()
    assert (answer.deployment, answer.attempts, answer.alias) == ("a", 1, "")  # "" : the requested alias
    assert body(answer) == {"from": "a"}
    assert r.obs.outcomes() == [("a", "success")]
    assert r.obs.of("retry") == r.obs.of("fallback") == []


@pytest.mark.parametrize("failure", RETRYABLE, ids=lambda f: f.cls.__name__)
async def test_retryable_failure_is_retried_up_to_max_attempts_then_falls_back(failure: Fail) -> None:
    retries = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.002)
    a, b = Fake("a", failure, failure, failure), Fake("b", OK)
    r = rig({"main": [a], "backup": [b]}, {"main": policy(retries=retries, fallbacks=("backup",))})
    answer = await r.chat()
    assert (answer.deployment, answer.alias, answer.attempts) == ("b", "backup", 4)
    assert a.calls == 3
    assert r.obs.outcomes() == [("a", "retryable_error")] * 3 + [("b", "success")]
    assert [(alias, dep, reason) for alias, dep, _, reason in r.obs.of("retry")] == [
        ("main", "a", failure.cls.code)
    ] * 2
    assert r.obs.of("fallback") == [("main", "a", "backup", "alias exhausted")]


@pytest.mark.parametrize("failure", RETRYABLE, ids=lambda f: f.cls.__name__)
async def test_retryable_failure_then_success_on_the_same_deployment(failure: Fail) -> None:
    a = Fake("a", failure, OK)
    r = rig({"main": [a]})
    answer = await r.chat()
    assert (answer.deployment, answer.attempts) == ("a", 2)
    assert len(r.obs.of("retry")) == 1


async def test_retry_attempts_come_from_the_alias_policy() -> None:
    a = Fake("a", UNAVAILABLE, OK)
    r = rig({"main": [a], "other": [Fake("b", OK)]}, {"main": policy(retries=ONCE, fallbacks=("other",))})
    answer = await r.chat()
    assert (answer.deployment, answer.attempts) == ("b", 2)
    assert a.calls == 1
    assert r.obs.of("retry") == []


@pytest.mark.parametrize("failure", IMMEDIATE, ids=lambda f: f"{f.cls.__name__}-{f.status}")
async def test_non_retryable_failure_falls_back_at_once(failure: Fail) -> None:
    a, b = Fake("a", failure), Fake("b", OK)
    retries = RetryPolicy(max_attempts=5, base_delay=0.001, max_delay=0.002)
    r = rig({"main": [a, b]}, {"main": policy(retries=retries)})
    answer = await r.chat()
    assert (answer.deployment, answer.attempts) == ("b", 2)
    assert a.calls == 1
    assert r.obs.of("retry") == []
    assert r.obs.outcomes() == [("a", "error"), ("b", "success")]
    assert r.obs.of("fallback") == [("main", "a", "b", failure.cls.code)]


@pytest.mark.parametrize("failure", [BAD_REQUEST, TOO_LONG], ids=lambda f: f.cls.__name__)
async def test_a_rejection_of_the_request_goes_straight_back(failure: Fail) -> None:
    a, b, c = Fake("a", failure), Fake("b", OK), Fake("c", OK)
    r = rig({"main": [a, b], "other": [c]}, {"main": policy(fallbacks=("other",))})
    with pytest.raises(failure.cls) as info:
        await r.chat()
    assert info.value.status == 400
    assert info.value.deployment == "a"
    assert (a.calls, b.calls, c.calls) == (1, 0, 0)
    assert r.obs.outcomes() == [("a", "rejected")]
    assert r.obs.of("fallback") == []


async def test_a_rejection_after_earlier_failures_is_raised_as_is() -> None:
    a, b = Fake("a", NOT_FOUND), Fake("b", BAD_REQUEST)
    r = rig({"main": [a, b]})
    with pytest.raises(ProviderRejected) as info:
        await r.chat()
    assert info.value.deployment == "b"


async def test_a_single_failure_is_raised_as_itself() -> None:
    r = rig({"main": [Fake("a", NOT_FOUND)]})
    with pytest.raises(ModelUnavailable) as info:
        await r.chat()
    assert info.value.status == 404


async def test_all_candidates_failed_carries_every_error_and_the_most_telling() -> None:
    a = Fake("a", UNAVAILABLE)
    b = Fake("b", RATE_LIMITED(retry_after=3.0))
    c = Fake("c", TIMEOUT)
    r = rig({"main": [a, b, c]}, {"main": policy(retries=ONCE)})
    with pytest.raises(AllCandidatesFailed) as info:
        await r.chat()
    err = info.value
    assert [type(e) for e in err.errors] == [ProviderUnavailable, ProviderRateLimited, ProviderTimeout]
    assert [e.deployment for e in err.errors] == ["a", "b", "c"]
    assert (err.status, err.code, err.retry_after) == (429, "rate_limit_exceeded", 3.0)  # the rate limit
    assert "a, b, c" in err.message


async def test_all_candidates_failed_lists_retries_too() -> None:
    a, b = Fake("a", UNAVAILABLE, UNAVAILABLE), Fake("b", NOT_FOUND)
    r = rig({"main": [a, b]})
    with pytest.raises(AllCandidatesFailed) as info:
        await r.chat()
    assert [e.deployment for e in info.value.errors] == ["a", "a", "b"]
    assert info.value.status == 404  # no rejection, no rate limit: the last error


async def test_unknown_alias() -> None:
    r = rig({"main": [Fake("a")]})
    with pytest.raises(AliasNotFound):
        await r.chat("nope")


# --- backoff and Retry-After -------------------------------------------------------------------


@pytest.mark.parametrize("u", [0.0, 0.5, 1.0])
async def test_backoff_is_full_jitter_from_the_injected_rand(u: float) -> None:
    retries = RetryPolicy(max_attempts=4, base_delay=0.004, max_delay=0.01)
    r = rig(
        {"main": [Fake("a", UNAVAILABLE, UNAVAILABLE, UNAVAILABLE, OK)]},
        {"main": policy(retries=retries)},
        rand=lambda: u,
    )
    answer = await r.chat()
    assert answer.attempts == 4
    # attempt n waits u · min(max_delay, base · 2^(n-1)): caps 0.004, 0.008, then 0.01 (not 0.016)
    assert r.obs.retry_delays() == pytest.approx([u * 0.004, u * 0.008, u * 0.01])


@given(
    n=st.integers(1, 12),
    base=st.floats(0, 2),
    extra=st.floats(0, 30),
    u=st.floats(0, 1, exclude_max=True),
)
def test_backoff_bounds(n: int, base: float, extra: float, u: float) -> None:
    cap = base + extra
    r = rig({"main": [Fake("a")]}, rand=lambda: u)
    delay = r.engine._backoff(n, None, base, cap)
    assert 0.0 <= delay <= min(cap, base * 2 ** (n - 1))
    assert delay == pytest.approx(u * min(cap, base * 2 ** (n - 1)))
    assert r.engine._backoff(n, 1.5, base, cap) == 1.5  # an upstream Retry-After replaces it


async def test_the_upstreams_retry_after_is_the_delay() -> None:
    a = Fake("a", UNAVAILABLE(retry_after=0.03), OK)
    r = rig({"main": [a]}, rand=never)
    started = time.monotonic()
    answer = await r.chat()
    assert time.monotonic() - started >= 0.029
    assert (answer.deployment, answer.attempts) == ("a", 2)
    assert r.obs.retry_delays() == [0.03]


async def test_a_retry_after_above_max_retry_after_moves_on() -> None:
    a, b = Fake("a", UNAVAILABLE(retry_after=10.0)), Fake("b", OK)
    r = rig({"main": [a], "other": [b]}, {"main": policy(fallbacks=("other",))})  # max_retry_after 5
    started = time.monotonic()
    answer = await r.chat()
    assert time.monotonic() - started < 0.5
    assert answer.deployment == "b"
    assert a.calls == 1
    assert r.obs.of("retry") == []


async def test_a_retry_after_beyond_the_deadline_moves_on() -> None:
    retries = RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.002, max_retry_after=60)
    a, b = Fake("a", UNAVAILABLE(retry_after=2.0)), Fake("b", OK)
    r = rig({"main": [a], "other": [b]}, {"main": policy(retries=retries, deadline=1.0, fallbacks=("other",))})
    started = time.monotonic()
    answer = await r.chat()
    assert time.monotonic() - started < 0.5
    assert answer.deployment == "b"
    assert r.obs.of("retry") == []


async def test_a_long_retry_after_on_the_only_deployment_fails_fast_with_it() -> None:
    r = rig({"main": [Fake("a", RATE_LIMITED(retry_after=30.0))]})
    started = time.monotonic()
    with pytest.raises(ProviderRateLimited) as info:
        await r.chat()
    assert time.monotonic() - started < 0.5
    assert info.value.retry_after == 30.0


# --- rate limits and the quota tracker ---------------------------------------------------------


async def test_a_rate_limited_deployment_is_left_at_once_for_one_with_room() -> None:
    a, b = Fake("a", RATE_LIMITED(retry_after=1.0)), Fake("b", OK, OK)
    r = rig({"main": [a, b]})
    started = time.monotonic()
    answer = await r.chat()
    assert time.monotonic() - started < 0.3  # no wait for the Retry-After
    assert (answer.deployment, answer.attempts) == ("b", 2)
    assert r.obs.of("retry") == []
    assert r.obs.of("fallback") == [("main", "a", "b", "rate_limit_exceeded")]
    # The quota tracker now avoids "a" until its Retry-After has passed...
    assert r.quota.wait_time("a", 0) == pytest.approx(1.0, abs=0.1)
    answer = await r.chat()
    assert (answer.deployment, answer.attempts, a.calls) == ("b", 1, 1)
    # ...and then sends to it again.
    r.clock.advance(1.01)
    a.script.append(OK)
    answer = await r.chat()
    assert (answer.deployment, a.calls) == ("a", 2)


async def test_a_rate_limited_deployment_without_alternative_is_retried_after_its_retry_after() -> None:
    a = Fake("a", RATE_LIMITED(retry_after=0.02), OK)
    r = rig({"main": [a]}, rand=never)
    answer = await r.chat()
    assert (answer.deployment, answer.attempts) == ("a", 2)
    assert r.obs.retry_delays() == [0.02]


async def test_a_rate_limited_deployment_is_retried_when_its_siblings_have_no_quota() -> None:
    a, b = Fake("a", RATE_LIMITED(retry_after=0.02), OK), Fake("b")
    r = rig({"main": [a, b]}, limits={"b": (1, None)})
    r.backdate("b", 1.0)  # b spent its rpm
    answer = await r.chat()
    assert (answer.deployment, answer.attempts, b.calls) == ("a", 2, 0)


async def test_a_rate_limited_deployment_is_retried_when_its_sibling_circuit_is_open() -> None:
    a, b = Fake("a", RATE_LIMITED(retry_after=0.02), OK), Fake("b")
    r = rig({"main": [a, b]}, breaker=BreakerPolicy(failure_threshold=1, cooldown=60))
    await r.breakers.record("b", False)  # b's circuit is open
    answer = await r.chat()
    assert (answer.deployment, answer.attempts, b.calls) == ("a", 2, 0)


async def test_rate_limit_headers_of_a_success_steer_later_requests() -> None:
    spent = RateLimitHint(remaining_requests=0, reset_requests=30.0)
    a, b = Fake("a", lambda name: completion(name, spent)), Fake("b", OK)
    r = rig({"main": [a, b]})
    assert (await r.chat()).deployment == "a"
    assert (await r.chat()).deployment == "b"
    assert a.calls == 1


async def test_tokens_count_against_tpm() -> None:
    a, b = Fake("a", OK), Fake("b", OK)
    r = rig({"main": [a, b]}, limits={"a": (None, 100)})
    assert (await r.chat(tokens=80)).deployment == "a"
    assert (await r.chat(tokens=80)).deployment == "b"  # 160 > 100
    assert a.calls == 1


# --- retry budget ------------------------------------------------------------------------------


async def test_a_spent_retry_budget_moves_on_without_retrying() -> None:
    a, b = Fake("a", UNAVAILABLE), Fake("b", OK)
    r = rig(
        {"main": [a], "other": [b]},
        {"main": policy(fallbacks=("other",))},
        budget=RetryBudgetPolicy(ratio=0, min_per_second=0),
    )
    answer = await r.chat()
    assert (answer.deployment, a.calls) == ("b", 1)
    assert r.obs.of("retry") == []
    assert r.obs.of("retry_budget_exhausted") == [("main", "a")]


async def test_a_spent_retry_budget_on_the_only_deployment_raises_its_error() -> None:
    a = Fake("a", UNAVAILABLE)
    r = rig({"main": [a]}, budget=RetryBudgetPolicy(ratio=0, min_per_second=0))
    with pytest.raises(ProviderUnavailable):
        await r.chat()
    assert a.calls == 1


async def test_the_retry_budget_is_shared_by_the_requests_of_an_alias() -> None:
    a = Fake("a", UNAVAILABLE, OK, UNAVAILABLE)
    r = rig({"main": [a]}, budget=RetryBudgetPolicy(ratio=0, min_per_second=0.1, window=10))  # one retry
    assert (await r.chat()).attempts == 2
    with pytest.raises(ProviderUnavailable):
        await r.chat()
    assert r.obs.of("retry_budget_exhausted") == [("main", "a")]


# --- deadline ----------------------------------------------------------------------------------


async def test_a_call_slower_than_the_deadline_raises_504_promptly() -> None:
    a = Fake("a", slow(2.0))
    r = rig({"main": [a]}, {"main": policy(deadline=0.05)})
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded) as info:
        await r.chat()
    assert 0.04 <= time.monotonic() - started < 0.5
    assert info.value.status == 504
    assert info.value.code == "deadline_exceeded"
    assert "'main'" in info.value.message
    assert r.obs.outcomes() == [("a", "error")]
    assert r.obs.of("attempt")[0][-1] is None  # no upstream status


async def test_attempts_stop_once_the_deadline_has_passed() -> None:
    a, b = Fake("a"), Fake("b", OK)
    r = rig({"main": [a, b]}, {"main": policy(deadline=5.0)})
    a.script.append(jump(r.clock, 10.0, UNAVAILABLE))  # the attempt "takes" 10 s
    with pytest.raises(DeadlineExceeded) as info:
        await r.chat()
    assert (a.calls, b.calls) == (1, 0)
    assert r.obs.of("retry") == []
    assert "Last error: ProviderUnavailable from a" in info.value.message


async def test_the_deadline_covers_retries_and_fallbacks_together() -> None:
    retries = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.002)
    a, b = Fake("a", slow(0.03, UNAVAILABLE), slow(0.03, UNAVAILABLE), slow(0.03, UNAVAILABLE)), Fake("b", slow(2))
    r = rig({"main": [a, b]}, {"main": policy(retries=retries, deadline=0.3)})
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        await r.chat()
    assert 0.29 <= time.monotonic() - started < 0.8
    assert (a.calls, b.calls) == (3, 1)


async def test_a_stream_whose_first_chunk_is_later_than_the_deadline_raises_504() -> None:
    a = Fake("a", stream(b"data: 1\n\n", hang=2.0))
    r = rig({"main": [a]}, {"main": policy(deadline=0.05)})
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        await r.stream()
    assert time.monotonic() - started < 0.5


# --- fallback aliases --------------------------------------------------------------------------


def config_policies() -> dict[str, AliasPolicy]:
    sim = [{"provider": "simulated", "model": "m"}]
    config = parse_config(
        {
            "routing": {"fallbacks": ["last", "second"], "retries": {"max_attempts": 1}, "deadline": 5},
            "aliases": {
                "main": {"deployments": sim, "fallbacks": ["second"]},
                "second": {"deployments": sim},
                "last": {"deployments": sim, "fallbacks": ["main"]},
            },
        }
    )
    return _policies(config)


def test_bootstrap_puts_global_fallbacks_after_the_alias_own() -> None:
    policies = config_policies()
    assert policies["main"].fallbacks == ("second", "last")
    assert policies["second"].fallbacks == ("last",)
    assert policies["last"].fallbacks == ("main", "second")  # never itself


async def test_alias_fallbacks_then_global_fallbacks() -> None:
    a, b, c = Fake("a", UNAVAILABLE), Fake("b", NOT_FOUND), Fake("c", OK)
    r = rig({"main": [a], "second": [b], "last": [c]}, config_policies())
    answer = await r.chat()
    assert (answer.deployment, answer.alias, answer.attempts) == ("c", "last", 3)
    assert r.obs.of("fallback") == [
        ("main", "a", "second", "alias exhausted"),
        ("second", "b", "last", "alias exhausted"),
    ]


async def test_a_fallback_alias_uses_its_own_retry_policy() -> None:
    b = Fake("b", UNAVAILABLE, UNAVAILABLE, OK)
    retries = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.002)
    r = rig(
        {"main": [Fake("a", NOT_FOUND)], "other": [b]},
        {"main": policy(retries=ONCE, fallbacks=("other",)), "other": policy(retries=retries)},
    )
    answer = await r.chat()
    assert (answer.deployment, answer.attempts) == ("b", 4)
    assert {alias for alias, *_ in r.obs.of("retry")} == {"other"}


async def test_a_fallback_alias_own_fallbacks_are_not_followed() -> None:
    a, b, c = Fake("a", UNAVAILABLE), Fake("b", UNAVAILABLE), Fake("c", OK)
    r = rig(
        {"main": [a], "second": [b], "third": [c]},
        {"main": policy(retries=ONCE, fallbacks=("second",)), "second": policy(retries=ONCE, fallbacks=("third",))},
    )
    with pytest.raises(AllCandidatesFailed):
        await r.chat()
    assert c.calls == 0


async def test_aliases_falling_back_to_each_other_do_not_loop() -> None:
    a, b = Fake("a", UNAVAILABLE), Fake("b", UNAVAILABLE)
    r = rig(
        {"x": [a], "y": [b]},
        {"x": policy(retries=ONCE, fallbacks=("y", "x")), "y": policy(retries=ONCE, fallbacks=("x",))},
    )
    with pytest.raises(AllCandidatesFailed) as info:
        await asyncio.wait_for(r.chat("x"), 2)
    assert [e.deployment for e in info.value.errors] == ["a", "b"]


async def test_context_window_jumps_to_its_fallback_before_the_others() -> None:
    a, sibling, long, other = Fake("a", TOO_LONG), Fake("s", OK), Fake("l", OK), Fake("o", OK)
    r = rig(
        {"main": [a, sibling], "other": [other], "long": [long]},
        {"main": policy(fallbacks=("other",), context_window_fallback="long")},
    )
    answer = await r.chat()
    assert (answer.deployment, answer.alias, answer.attempts) == ("l", "long", 2)
    assert (sibling.calls, other.calls) == (0, 0)
    assert r.obs.of("fallback") == [("main", "a", "long", "context window")]


async def test_context_window_fallback_that_also_fails_continues_the_chain() -> None:
    a, long, other = Fake("a", TOO_LONG), Fake("l", UNAVAILABLE), Fake("o", OK)
    r = rig(
        {"main": [a], "other": [other], "long": [long]},
        {"main": policy(fallbacks=("other",), context_window_fallback="long"), "long": policy(retries=ONCE)},
    )
    answer = await r.chat()
    assert (answer.deployment, answer.alias) == ("o", "other")


async def test_context_window_fallbacks_pointing_at_each_other_do_not_loop() -> None:
    a, b = Fake("a", TOO_LONG), Fake("b", TOO_LONG)
    r = rig(
        {"x": [a], "y": [b]},
        {"x": policy(context_window_fallback="y"), "y": policy(context_window_fallback="x")},
    )
    with pytest.raises(AllCandidatesFailed) as info:
        await asyncio.wait_for(r.chat("x"), 2)
    assert (a.calls, b.calls) == (1, 1)
    assert (info.value.status, info.value.code) == (400, "context_length_exceeded")


async def test_content_filter_jumps_to_its_fallback() -> None:
    a, sibling, safe = Fake("a", FILTERED), Fake("s", OK), Fake("safe", OK)
    r = rig(
        {"main": [a, sibling], "safe": [safe]},
        {"main": policy(content_filter_fallback="safe")},
    )
    answer = await r.chat()
    assert (answer.deployment, answer.alias, sibling.calls) == ("safe", "safe", 0)
    assert r.obs.of("fallback") == [("main", "a", "safe", "content filter")]


async def test_content_filter_without_its_fallback_goes_back_to_the_client() -> None:
    a, sibling = Fake("a", FILTERED), Fake("s", OK)
    r = rig({"main": [a, sibling]}, {"main": policy(context_window_fallback="main")})  # only a context-window one
    with pytest.raises(ProviderRejected) as info:
        await r.chat()
    assert (info.value.code, sibling.calls) == ("content_filter", 0)


# --- circuit breakers --------------------------------------------------------------------------


async def test_breaker_opens_skips_then_a_probe_after_cooldown_closes_it() -> None:
    a, b = Fake("a", UNAVAILABLE, UNAVAILABLE), Fake("b", OK, OK)
    r = rig({"main": [a, b]}, breaker=BreakerPolicy(failure_threshold=2, cooldown=10))
    assert (await r.chat()).deployment == "b"
    assert await r.state("a") == "open"
    assert r.obs.of("breaker") == [("a", "open")]

    answer = await r.chat()  # a is skipped: not called at all
    assert (answer.deployment, answer.attempts, a.calls) == ("b", 1, 2)

    r.clock.advance(10)
    a.script.append(OK)
    answer = await r.chat()  # half-open: a gets the probe, and its success closes the circuit
    assert (answer.deployment, a.calls) == ("a", 3)
    assert await r.state("a") == "closed"
    assert r.obs.of("breaker") == [("a", "open"), ("a", "half_open"), ("a", "closed")]


async def test_every_breaker_transition_is_observed() -> None:
    a = Fake("a", UNAVAILABLE, OK)
    r = rig(
        {"main": [a], "b": [Fake("b", OK)]},
        {"main": policy(retries=ONCE, fallbacks=("b",))},
        breaker=BreakerPolicy(failure_threshold=1, cooldown=10),
    )
    await r.chat()
    r.clock.advance(10)
    await r.chat()
    assert r.obs.of("breaker") == [("a", "open"), ("a", "half_open"), ("a", "closed")]


async def test_a_failed_probe_reopens_the_circuit() -> None:
    a, b = Fake("a", UNAVAILABLE, UNAVAILABLE), Fake("b", OK, OK, OK)
    r = rig({"main": [a, b]}, {"main": policy(retries=ONCE)}, breaker=BreakerPolicy(failure_threshold=1, cooldown=10))
    await r.chat()
    r.clock.advance(10)
    assert (await r.chat()).deployment == "b"  # the probe failed and b answered
    assert a.calls == 2
    assert r.obs.of("breaker") == [("a", "open"), ("a", "half_open"), ("a", "open")]
    assert (await r.chat()).deployment == "b"
    assert a.calls == 2


@pytest.mark.parametrize("failure", IMMEDIATE, ids=lambda f: f"{f.cls.__name__}-{f.status}")
async def test_only_retryable_failures_count_for_the_breaker(failure: Fail) -> None:
    a, b = Fake("a", failure, failure, failure), Fake("b", OK, OK, OK)
    r = rig({"main": [a, b]}, breaker=BreakerPolicy(failure_threshold=1, cooldown=10))
    for _ in range(3):
        assert (await r.chat()).deployment == "b"
    assert a.calls == 3
    assert await r.state("a") == "closed"
    assert r.obs.of("breaker") == []


async def test_a_non_counting_failure_resets_the_consecutive_count() -> None:
    a = Fake("a", UNAVAILABLE, NOT_FOUND, UNAVAILABLE)
    b = Fake("b", OK, OK, OK)
    r = rig({"main": [a, b]}, {"main": policy(retries=ONCE)}, breaker=BreakerPolicy(failure_threshold=2, cooldown=10))
    for _ in range(3):
        await r.chat()
    assert await r.state("a") == "closed"


async def test_a_circuit_that_opens_during_retries_stops_them() -> None:
    retries = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.002)
    a, b = Fake("a", UNAVAILABLE), Fake("b", OK)
    r = rig({"main": [a, b]}, {"main": policy(retries=retries)}, breaker=BreakerPolicy(failure_threshold=1))
    answer = await r.chat()
    assert (answer.deployment, a.calls) == ("b", 1)


async def test_every_deployment_open_is_a_503_at_once_then_probes_after_the_cooldown() -> None:
    a = Fake("a", UNAVAILABLE, OK)
    r = rig({"main": [a]}, {"main": policy(retries=ONCE)}, breaker=BreakerPolicy(failure_threshold=1, cooldown=30))
    with pytest.raises(ProviderUnavailable):
        await r.chat()
    started = time.monotonic()
    with pytest.raises(CircuitOpen) as info:
        await r.chat()
    assert time.monotonic() - started < 0.1  # an outage is not a rate limit: no queueing
    err = info.value
    assert (err.status, err.code) == (503, "circuit_open")
    assert err.retry_after == pytest.approx(30, abs=0.5)
    assert "'a' (tried again in 30 s)" in err.message and "'main'" in err.message
    assert r.obs.of("queued") == [] and a.calls == 1
    r.clock.advance(30)
    answer = await r.chat()  # half-open: this request is the probe
    assert (answer.deployment, answer.attempts, a.calls) == ("a", 1, 2)


async def test_requests_behind_a_probe_in_flight_are_told_so_at_once() -> None:
    gate = asyncio.Event()

    async def held(name: str) -> Completion:
        await gate.wait()
        return completion(name)

    a = Fake("a", UNAVAILABLE, held)
    r = rig({"main": [a]}, {"main": policy(retries=ONCE)}, breaker=BreakerPolicy(failure_threshold=1, cooldown=1))
    with pytest.raises(ProviderUnavailable):
        await r.chat()
    r.clock.advance(1)
    probe = asyncio.create_task(r.chat())
    await asyncio.sleep(0.01)
    with pytest.raises(CircuitOpen) as info:
        await r.chat()
    assert "a probe request is testing it now" in info.value.message
    assert info.value.retry_after == 1.0
    gate.set()
    assert (await probe).deployment == "a"


async def test_an_outage_under_concurrency_never_hangs_nor_says_rate_limit() -> None:
    """Ten clients on an alias whose one deployment fails: each answered promptly, 502s then 503s."""
    a = Fake("a", *[UNAVAILABLE] * 10)
    r = rig(
        {"main": [a]},
        {"main": policy(retries=FAST, deadline=120)},
        breaker=BreakerPolicy(failure_threshold=3, cooldown=15),
        queue=QueuePolicy(max_size=100, max_wait=30),
    )
    started = time.monotonic()
    results = await asyncio.gather(*(r.chat() for _ in range(10)), return_exceptions=True)
    assert time.monotonic() - started < 1
    assert not any(isinstance(x, RateLimited) for x in results), results
    assert all(isinstance(x, ProviderUnavailable | CircuitOpen) for x in results), results
    assert any(isinstance(x, CircuitOpen) for x in results)


async def test_a_saturated_deployment_beside_an_open_one_still_queues() -> None:
    """Some capacity is only rate-limited: worth waiting for (the open one may be probed meanwhile)."""
    a, b = Fake("a", UNAVAILABLE), Fake("b", OK)
    r = rig(
        {"main": [a, b]},
        {"main": policy(retries=ONCE)},
        limits={"b": (1, None)},
        breaker=BreakerPolicy(failure_threshold=1, cooldown=100),
    )
    r.backdate("b", 30)
    with pytest.raises(ProviderUnavailable):
        await r.chat()  # a fails (its circuit opens for 100 s); b is at its limit for 30 s
    r.clock.advance(29.94)  # b's window frees in 60 ms
    answer = await r.chat()
    assert answer.deployment == "b"
    assert [admitted for *_, admitted in r.obs.of("queued")] == [True]


async def test_the_queue_bounds_a_request_s_whole_wait_however_often_it_re_enters() -> None:
    """A busy probe keeps admitting the waiter at once and refusing it again: max_wait still holds."""
    gate = asyncio.Event()

    async def held(name: str) -> Completion:
        await gate.wait()
        return completion(name)

    a, b = Fake("a", UNAVAILABLE, held), Fake("b")
    r = rig(
        {"main": [a, b]},
        {"main": policy(retries=ONCE, deadline=5)},
        limits={"b": (1, None)},
        breaker=BreakerPolicy(failure_threshold=1, cooldown=1),
        queue=QueuePolicy(max_size=10, max_wait=0.3),
    )
    r.backdate("b", 1)  # b is at its limit for a minute
    with pytest.raises(ProviderUnavailable):
        await r.chat()
    r.clock.advance(1)
    probe = asyncio.create_task(r.chat())  # holds a's half-open probe
    await asyncio.sleep(0.01)
    started = time.monotonic()
    with pytest.raises(RateLimited):
        await r.chat()
    assert 0.25 <= time.monotonic() - started < 0.6  # max_wait, not the 5 s deadline
    gate.set()
    assert (await probe).deployment == "a"


async def test_an_unsendable_deployment_falls_back_and_opens_its_circuit() -> None:
    """A request the transport cannot send (a broken header from the config) is not retried, and
    counts against the deployment: it is broken for every request until its config is fixed."""
    broken = Fail(ProviderRequestUnsendable)
    a, b = Fake("a", broken, broken), Fake("b", OK, OK, OK)
    r = rig({"main": [a, b]}, breaker=BreakerPolicy(failure_threshold=2, cooldown=60))
    for _ in range(3):
        assert (await r.chat()).deployment == "b"
    assert a.calls == 2  # once per request, never retried; then its circuit is open
    assert await r.state("a") == "open"


# --- streams -----------------------------------------------------------------------------------


async def collect(answer: Answer) -> list[bytes]:
    assert isinstance(answer.result, StreamResponse)
    return [chunk async for chunk in answer.result.chunks()]


async def test_stream_failures_before_the_first_chunk_fall_back_invisibly() -> None:
    a = Fake("a", CONNECT)  # chat_stream itself raises
    b = Fake("b", stream(before_first=UNAVAILABLE))  # the first anext raises
    c = Fake("c", stream(b"data: 1\n\n", b"data: 2\n\n", b"data: [DONE]\n\n"))
    r = rig({"main": [a, b, c]}, {"main": policy(retries=ONCE)})
    answer = await r.stream()
    assert (answer.deployment, answer.attempts) == ("c", 3)
    assert isinstance(answer.result, StreamResponse)
    assert answer.result.first == b"data: 1\n\n"
    assert await collect(answer) == [b"data: 1\n\n", b"data: 2\n\n", b"data: [DONE]\n\n"]
    assert r.obs.outcomes() == [("a", "retryable_error"), ("b", "retryable_error"), ("c", "success")]


async def test_stream_failure_before_the_first_chunk_is_retried_like_any_other() -> None:
    a = Fake("a", stream(before_first=TIMEOUT), stream(b"data: x\n\n"))
    r = rig({"main": [a]})
    answer = await r.stream()
    assert (answer.deployment, answer.attempts) == ("a", 2)
    assert await collect(answer) == [b"data: x\n\n"]


async def test_an_empty_stream_is_a_failed_attempt() -> None:
    a, b = Fake("a", stream()), Fake("b", stream(b"data: 1\n\n"))
    r = rig({"main": [a, b]}, {"main": policy(retries=ONCE)})
    answer = await r.stream()
    assert answer.deployment == "b"
    assert await collect(answer) == [b"data: 1\n\n"]


async def test_an_empty_stream_alone_raises_a_502() -> None:
    r = rig({"main": [Fake("a", stream())]}, {"main": policy(retries=ONCE)})
    with pytest.raises(ProviderResponseInvalid) as info:
        await r.stream()
    assert (info.value.status, info.value.deployment) == (502, "a")


async def test_a_failure_after_the_first_chunk_is_the_clients() -> None:
    a, b = Fake("a", stream(b"data: 1\n\n", after=UNAVAILABLE)), Fake("b", stream(b"data: 2\n\n"))
    r = rig({"main": [a, b]})
    answer = await r.stream()
    assert answer.deployment == "a"
    with pytest.raises(ProviderUnavailable):
        await collect(answer)
    assert b.calls == 0


async def test_an_already_read_first_chunk_is_kept() -> None:
    async def events() -> AsyncIterator[bytes]:
        yield b"second"

    a = Fake("a", lambda name: StreamResponse(events(), first=b"first"))
    r = rig({"main": [a]})
    answer = await r.stream()
    assert await collect(answer) == [b"first", b"second"]


# --- queueing ----------------------------------------------------------------------------------


async def test_a_saturated_alias_waits_for_capacity_then_proceeds() -> None:
    a = Fake("a", OK)
    r = rig({"main": [a]}, limits={"a": (1, None)})
    r.backdate("a", 59.94)  # leaves the window in 60 ms
    started = time.monotonic()
    answer = await r.chat()
    assert 0.05 <= time.monotonic() - started < 0.5
    assert (answer.deployment, answer.attempts) == ("a", 1)
    [(alias, seconds, admitted)] = r.obs.of("queued")
    assert (alias, admitted) == ("main", True)
    assert seconds >= 0.05


async def test_queue_waits_for_the_first_deployment_of_the_chain_to_free_up() -> None:
    a, b = Fake("a"), Fake("b", OK)
    r = rig(
        {"main": [a], "other": [b]}, {"main": policy(fallbacks=("other",))}, limits={"a": (1, None), "b": (1, None)}
    )
    r.backdate("a", 30)
    r.backdate("b", 59.95)  # the fallback frees up first
    answer = await r.chat()
    assert (answer.deployment, answer.alias, a.calls) == ("b", "other", 0)


async def test_higher_priority_waiters_are_served_first() -> None:
    a = Fake("a", OK)
    r = rig({"main": [a]}, {"main": policy(deadline=0.3)}, limits={"a": (1, None)})
    r.backdate("a", 59.92)  # one slot comes back in 80 ms; the next one a minute later
    low = asyncio.create_task(r.chat(priority=0))
    await asyncio.sleep(0.01)
    high = asyncio.create_task(r.chat(priority=5))
    answer = await high
    assert answer.deployment == "a"
    with pytest.raises(RateLimited):
        await low
    assert a.calls == 1
    assert sorted(admitted for *_, admitted in r.obs.of("queued")) == [False, True]


async def test_priority_holds_when_the_higher_waiter_arrived_last() -> None:
    a = Fake("a", OK)
    r = rig({"main": [a]}, {"main": policy(deadline=0.4)}, limits={"a": (1, None)})
    r.backdate("a", 59.92)  # one slot comes back in 80 ms
    low = asyncio.create_task(r.chat(priority=0))
    await asyncio.sleep(0.06)
    high = asyncio.create_task(r.chat(priority=5))  # waits only ~20 ms
    results = await asyncio.gather(high, low, return_exceptions=True)
    assert isinstance(results[0], Answer), results
    assert isinstance(results[1], RateLimited), results


async def test_a_full_queue_is_a_429_at_once() -> None:
    a = Fake("a")
    r = rig(
        {"main": [a]},
        {"main": policy(deadline=60)},
        limits={"a": (1, None)},
        queue=QueuePolicy(max_size=1, max_wait=60),
    )
    r.backdate("a", 30)  # capacity in 30 s
    waiting = asyncio.create_task(r.chat())
    await asyncio.sleep(0.01)
    started = time.monotonic()
    with pytest.raises(RateLimited) as info:
        await r.chat()
    assert time.monotonic() - started < 0.1
    assert info.value.status == 429
    assert info.value.retry_after == pytest.approx(30, abs=0.5)
    assert [admitted for *_, admitted in r.obs.of("queued")] == [False]
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert a.calls == 0


@pytest.mark.parametrize(("deadline", "max_wait"), [(1.0, 60.0), (60.0, 1.0)])
async def test_capacity_not_expected_in_time_is_a_429_at_once(deadline: float, max_wait: float) -> None:
    a = Fake("a")
    r = rig(
        {"main": [a]},
        {"main": policy(deadline=deadline)},
        limits={"a": (1, None)},
        queue=QueuePolicy(max_size=10, max_wait=max_wait),
    )
    r.backdate("a", 30)
    started = time.monotonic()
    with pytest.raises(RateLimited) as info:
        await r.chat()
    assert time.monotonic() - started < 0.1
    assert info.value.retry_after == pytest.approx(30, abs=0.5)
    [(alias, _, admitted)] = r.obs.of("queued")
    assert (alias, admitted) == ("main", False)


async def test_queueing_disabled_is_a_429_at_once() -> None:
    r = rig({"main": [Fake("a")]}, limits={"a": (1, None)}, queue=QueuePolicy(max_size=0))
    r.backdate("a", 59.9)
    with pytest.raises(RateLimited) as info:
        await r.chat()
    assert info.value.retry_after == 1.0  # at least a second


async def test_no_queueing_once_something_was_tried() -> None:
    a, b = Fake("a", NOT_FOUND), Fake("b")
    r = rig({"main": [a, b]}, limits={"b": (1, None)})
    r.backdate("b", 59.95)
    with pytest.raises(ModelUnavailable):
        await r.chat()
    assert r.obs.of("queued") == []


# --- what the answer carries, filters, bookkeeping ---------------------------------------------


async def test_usable_filter_excludes_deployments() -> None:
    chat_only, embedder = Fake("chat"), Fake("emb", OK, embeddings=True)
    r = rig({"main": [chat_only, embedder]})
    answer = await r.engine.run(context(), "main", lambda p: p.chat(None), usable=lambda p: p.capabilities.embeddings)
    assert (answer.deployment, chat_only.calls) == ("emb", 0)


async def test_no_usable_deployment_is_a_400() -> None:
    r = rig({"main": [Fake("a")]})
    with pytest.raises(InvalidRequest) as info:
        await r.engine.run(context(), "main", lambda p: p.chat(None), usable=lambda p: False)
    assert info.value.param == "model"


async def test_usable_filter_applies_to_fallback_aliases_too() -> None:
    a, b, c = Fake("a", UNAVAILABLE, embeddings=True), Fake("b"), Fake("c", OK, embeddings=True)
    r = rig({"main": [a], "other": [b, c]}, {"main": policy(retries=ONCE, fallbacks=("other",))})
    answer = await r.engine.run(context(), "main", lambda p: p.chat(None), usable=lambda p: p.capabilities.embeddings)
    assert (answer.deployment, answer.alias, answer.attempts, b.calls) == ("c", "other", 2, 0)


async def test_latency_strategy_measures_then_prefers_the_fastest() -> None:
    a, b = Fake("a", slow(0.03)), Fake("b", OK, OK, OK)
    r = rig({"main": [a, b]}, {"main": policy(strategy="latency")})
    assert [(await r.chat()).deployment for _ in range(4)] == ["a", "b", "b", "b"]


async def test_inflight_is_balanced_whatever_the_outcome() -> None:
    a = Fake("a", UNAVAILABLE, UNAVAILABLE, slow(2))
    b = Fake("b", NOT_FOUND)
    r = rig({"main": [a, b]}, {"main": policy(deadline=0.2)})
    with pytest.raises(AllCandidatesFailed):
        await r.chat()
    with pytest.raises(DeadlineExceeded):
        await r.chat()
    deltas = r.obs.of("inflight")
    assert sum(delta for _, delta in deltas) == 0
    assert len(deltas) == 2 * (a.calls + b.calls)
    assert all(s.inflight == 0 for s in r.engine._stats.values())


async def test_a_cancelled_request_is_observed_and_leaves_nothing_in_flight() -> None:
    a = Fake("a", slow(5))
    r = rig({"main": [a]})
    task = asyncio.create_task(r.chat())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert r.obs.outcomes() == [("a", "cancelled")]
    assert sum(delta for _, delta in r.obs.of("inflight")) == 0


async def test_a_tpm_saturated_alias_waits_for_its_tokens_to_age_out() -> None:
    a = Fake("a", OK)
    r = rig({"main": [a]}, limits={"a": (None, 100)})
    r.backdate("a", 59.95, tokens=100)
    started = time.monotonic()
    answer = await r.chat(tokens=50)
    assert time.monotonic() - started >= 0.04
    assert answer.deployment == "a"


async def test_least_inflight_sends_concurrent_requests_to_different_deployments() -> None:
    a, b = Fake("a", slow(0.03)), Fake("b", slow(0.03))
    r = rig({"main": [a, b]}, {"main": policy(strategy="least_inflight")})
    answers = await asyncio.gather(r.chat(), r.chat())
    assert sorted(answer.deployment for answer in answers) == ["a", "b"]


async def test_quota_strategy_prefers_the_deployment_with_most_headroom() -> None:
    a, b = Fake("a"), Fake("b", OK)
    r = rig({"main": [a, b]}, {"main": policy(strategy="quota")}, limits={"a": (10, None), "b": (10, None)})
    for _ in range(5):
        r.backdate("a", 1.0)
    answer = await r.chat()
    assert (answer.deployment, a.calls) == ("b", 0)
