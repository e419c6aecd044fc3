"""The one retry / fallback / circuit-breaker mechanism, bounded by a per-request deadline.

For a request to alias A, the engine walks the chain A, A's fallbacks, the global fallbacks:

1. The alias's deployments are ordered by its strategy; those with an open circuit or no quota
   left are skipped (the quota-aware part: a 429 is avoided rather than retried).
2. Each deployment is called; a *retryable* failure (429 rate limit, 408, 5xx, 529, timeouts,
   resets) is retried on the same deployment after a backoff with full jitter, or after the
   upstream's Retry-After — unless that wait is longer than ``retries.max_retry_after`` or the
   time left, or the alias's retry budget is spent. A rate-limited deployment is left at once
   when another deployment has room.
3. After the retries, or at once for failures that say so (403/404 withdrawn model,
   quota exhausted), the next deployment is tried, then the next alias of the chain; a context
   window or content-filter failure jumps to the alias configured for it. A failure that is the
   client's doing (``fallback_ok`` false, e.g. a 400) goes straight back to the client.
4. When nothing can be tried because everything is saturated, the request waits in the alias's
   admission queue (priority order) until capacity comes back, for at most ``queue.max_wait`` in
   all and never past its deadline (else 429). When only open circuits stand in the way, it is
   answered 503 ``circuit_open`` at once: an outage is not a rate limit.

For streams the first chunk is read before the stream is handed over: a failure before the
first byte is just another failed attempt, invisible to the client.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from freehold.config.routing import RoutingDefaults
from freehold.context import RequestContext
from freehold.errors import (
    AllCandidatesFailed,
    CircuitOpen,
    ContextWindowExceeded,
    DeadlineExceeded,
    FreeholdError,
    InvalidRequest,
    ProviderError,
    ProviderRateLimited,
    ProviderResponseInvalid,
    RateLimited,
    forget_traceback,
)
from freehold.providers.base import ChatProvider, Completion, StreamResponse
from freehold.routing.budget import RetryBudget
from freehold.routing.deadline import DeadlineTimers
from freehold.routing.events import Outcome, ResilienceObserver
from freehold.routing.queue import AdmissionQueue
from freehold.routing.router import AliasPolicy, Candidate, Router
from freehold.routing.strategies import DeploymentStats, order
from freehold.stores.breakers import Breakers
from freehold.stores.quota import QuotaTracker

if TYPE_CHECKING:
    from freehold.streaming import AnswerStream

__all__ = ["Answer", "Engine"]

MIN_REQUEUE_WAIT = 0.05

T = TypeVar("T", Completion, StreamResponse)


@dataclass(slots=True)
class Answer:
    """What a provider returned, which deployment, after how many attempts."""

    result: Completion | StreamResponse | AnswerStream
    """The provider's whole answer or stream; the gateway hands streams on as an ``AnswerStream``."""
    deployment: str
    attempts: int
    alias: str = ""
    """The fallback alias that answered, when it was not the requested one ('' when it was)."""


class _Attempts:
    """Bookkeeping of one request across its attempts."""

    __slots__ = ("count", "ctx", "errors", "requested", "saturated", "skipped", "unavailable")

    def __init__(self, requested: str, ctx: RequestContext) -> None:
        self.requested = requested
        self.ctx = ctx
        """Told of every attempt as it starts (``attempts``, ``deployment``), so that a request that
        fails, or is cancelled, after reaching a provider is still known to have reached one (the ledger)."""
        """The alias the client asked for (an answer names its alias only when another answered)."""
        self.count = 0
        self.errors: list[ProviderError] = []
        self.skipped = 0
        self.saturated = False
        """A deployment was skipped for want of quota: worth queueing for."""
        self.unavailable: list[str] = []
        """Deployments skipped because their circuit let nothing through."""

    def skip(self, deployment: str, *, quota: bool) -> None:
        self.skipped += 1
        if quota:
            self.saturated = True
        elif deployment not in self.unavailable:
            self.unavailable.append(deployment)


class Engine:
    """Runs one call against an alias's deployments with retries, fallbacks, breakers and queueing."""

    def __init__(
        self,
        router: Router,
        defaults: RoutingDefaults,
        breakers: Breakers,
        quota: QuotaTracker,
        observer: ResilienceObserver,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._router = router
        self._defaults = defaults
        self._breakers = breakers
        self._quota = quota
        self._observer = observer
        self._clock = clock
        self._rand = rand
        self._stats: dict[str, DeploymentStats] = {}
        self._budgets = {a: RetryBudget(defaults.retry_budget, clock) for a in router.aliases}
        # Aliases with one deployment and nowhere to fall back: the common case, walked directly.
        self._direct: dict[str, ChatProvider] = {}
        for a in router.aliases:
            found, pol = router.candidates(a), router.policy(a)
            if len(found) == 1 and not (pol.fallbacks or pol.context_window_fallback or pol.content_filter_fallback):
                self._direct[a] = found[0].provider
        self._queues = {a: AdmissionQueue(a, defaults.queue, clock) for a in router.aliases}
        self._timers = DeadlineTimers()
        self.report_inflight = True
        """Whether the observer is told of each call's start and end; off when the metrics read
        ``inflight()`` at scrape time instead (two calls fewer per request)."""

    def inflight(self, deployment: str) -> int:
        """Upstream calls to ``deployment`` under way in this process."""
        stats = self._stats.get(deployment)
        return stats.inflight if stats is not None else 0

    async def run(
        self,
        ctx: RequestContext,
        alias: str,
        call: Callable[[ChatProvider], Awaitable[T]],
        *,
        tokens: int = 0,
        usable: Callable[[ChatProvider], bool] | None = None,
    ) -> Answer:
        """Answer ``call`` from the best deployment reachable from ``alias``.

        Args:
            ctx: the request's context: its priority orders the queue, its deadline (set here
                from the alias's policy when none is set yet) bounds the whole walk, and its
                deployment restriction, if a stage set one, filters candidates.
            alias: the alias to serve (the client's, or the one a stage routed to).
            call: one attempt against one deployment.
            tokens: the request's estimated token cost, for TPM quotas.
            usable: filters deployments that cannot serve this kind of request (e.g. embeddings).
        """
        capable = usable
        if ctx.deployments is not None:
            usable = ctx.deployments if usable is None else _both(usable, ctx.deployments)
        direct = self._direct.get(alias) if usable is None else None
        if direct is None:
            self._router.candidates(alias)  # raises AliasNotFound before any work
        policy = self._router.policy(alias)
        deadline = ctx.deadline
        if deadline is None:
            deadline = ctx.deadline = self._clock() + policy.deadline
        priority = ctx.priority
        attempts = _Attempts(alias, ctx)
        if direct is not None:
            name = direct.name
            if self._quota.wait_time(name, tokens) > 0:
                attempts.skip(name, quota=True)  # the general path below queues for it
            elif self._breakers.settled(name) or await self._breakers.allow(name):
                answer, err = await self._try_deployment(alias, policy, direct, call, tokens, deadline, attempts, [])
                if answer is not None:
                    return answer
                raise self._failure(alias, policy, attempts, capable)
            else:
                attempts.skip(name, quota=False)
        spun = False
        # One bound for the whole request's waiting, however often it re-enters the queue.
        queue_until = min(deadline, self._clock() + self._defaults.queue.max_wait)
        while True:
            answer = await self._walk_chain(alias, policy, call, tokens, usable, deadline, attempts)
            if answer is not None:
                return answer
            if attempts.count or not attempts.skipped:
                break
            if not attempts.saturated:
                # Only open circuits stand in the way: an outage, not a rate limit. Say so at once
                # instead of queueing for a probe that would most likely fail again.
                raise await self._circuit_open(alias, attempts.unavailable)
            if spun:
                # Admitted at once, yet nothing could be tried (e.g. another request holds the
                # half-open probe): pause briefly so that this loop can never spin the event loop.
                await asyncio.sleep(min(MIN_REQUEUE_WAIT, max(0.0, queue_until - self._clock())))
            # Everything was saturated and nothing was tried: wait for capacity, then walk again.
            queued_at = self._clock()
            ready_at = await self._circuits_ready_at(alias, policy, usable)
            try:
                await self._queues[alias].wait(
                    priority, queue_until, partial(self._capacity_in, alias, policy, tokens, usable, ready_at)
                )
            except RateLimited:
                self._observer.queued(alias, self._clock() - queued_at, admitted=False)
                raise
            waited = self._clock() - queued_at
            self._observer.queued(alias, waited, admitted=True)
            spun = waited < MIN_REQUEUE_WAIT
            attempts.skipped, attempts.saturated, attempts.unavailable = 0, False, []
        raise self._failure(alias, policy, attempts, capable)

    def _failure(
        self, alias: str, policy: AliasPolicy, attempts: _Attempts, capable: Callable[[ChatProvider], bool] | None
    ) -> FreeholdError:
        """The error a request that got no answer ends with.

        With nothing tried, a stage's restriction is to blame (its own error, e.g. 503 "local only")
        only when some deployment of the chain could otherwise serve the request (``capable``: the
        filter by kind of request); if none could (embeddings asked of a chat-only alias), that is
        the client's 400 with or without the restriction.

        The errors leave ``attempts`` first: the exception's traceback will hold the frames that
        hold ``attempts``, and a cycle through them would keep the request alive until the
        cyclic collector runs (rarely, in the server: see ``bootstrap``).
        """
        errors, attempts.errors = attempts.errors, []
        if not errors and attempts.ctx.unservable is not None and self._usable_in_chain(alias, policy, capable):
            return attempts.ctx.unservable(f"The model '{alias}' has no deployment this request may be sent to.")
        if not errors:
            return InvalidRequest(f"The model '{alias}' has no deployment that can serve this request.", param="model")
        return errors[0] if len(errors) == 1 else AllCandidatesFailed(alias, errors)

    async def _circuit_open(self, alias: str, deployments: list[str]) -> CircuitOpen:
        """503 naming the deployments that are cooling off and when each will be tried again."""
        waits = [(name, await self._breakers.retry_in(name)) for name in deployments]
        parts = [f"'{name}' ({_when(wait)})" for name, wait in waits]
        soonest = min((wait for _, wait in waits), default=0.0)
        which = f"Deployment {parts[0]}" if len(parts) == 1 else f"Every deployment ({', '.join(parts)})"
        return CircuitOpen(
            f"{which} of '{alias}' is unavailable after repeated failures (its circuit breaker is open); "
            f"retry in {max(1, math.ceil(soonest))} s.",
            retry_after=max(1.0, soonest),
        )

    # --- the chain of aliases -----------------------------------------------------------------

    def _chain(self, alias: str, policy: AliasPolicy) -> list[str]:
        return [alias, *policy.fallbacks]

    async def _walk_chain(
        self,
        alias: str,
        policy: AliasPolicy,
        call: Callable[[ChatProvider], Awaitable[T]],
        tokens: int,
        usable: Callable[[ChatProvider], bool] | None,
        deadline: float,
        attempts: _Attempts,
    ) -> Answer | None:
        chain = self._chain(alias, policy)
        seen: set[str] = set()
        i = 0
        while i < len(chain):
            current = chain[i]
            i += 1
            if current in seen:
                continue
            seen.add(current)
            current_policy = self._router.policy(current)
            candidates = self._usable(current, usable)
            answer, jump = await self._try_alias(current, current_policy, candidates, call, tokens, deadline, attempts)
            if answer is not None:
                return answer
            if jump is not None:
                chain.insert(i, jump)
            elif i < len(chain) and attempts.errors:
                last = attempts.errors[-1]
                self._observer.fallback(current, last.deployment, chain[i], "alias exhausted")
        return None

    def _usable_in_chain(self, alias: str, policy: AliasPolicy, usable: Callable[[ChatProvider], bool] | None) -> bool:
        return any(self._usable(a, usable) for a in self._chain(alias, policy))

    def _usable(self, alias: str, usable: Callable[[ChatProvider], bool] | None) -> list[Candidate]:
        found = self._router.candidates(alias)
        return [c for c in found if usable(c.provider)] if usable is not None else list(found)

    async def _circuits_ready_at(
        self, alias: str, policy: AliasPolicy, usable: Callable[[ChatProvider], bool] | None
    ) -> dict[str, float]:
        """When each deployment of the chain will let a request through its circuit (clock time)."""
        now = self._clock()
        return {
            c.provider.name: now + await self._breakers.retry_in(c.provider.name)
            for a in self._chain(alias, policy)
            for c in self._usable(a, usable)
        }

    def _capacity_in(
        self,
        alias: str,
        policy: AliasPolicy,
        tokens: int,
        usable: Callable[[ChatProvider], bool] | None,
        ready_at: dict[str, float],
    ) -> float:
        """Seconds until some deployment of the chain has both quota and a passable circuit."""
        now = self._clock()
        waits = [
            max(self._quota.wait_time(c.provider.name, tokens), ready_at.get(c.provider.name, now) - now)
            for a in self._chain(alias, policy)
            for c in self._usable(a, usable)
        ]
        return min(waits, default=0.0)

    # --- one alias ----------------------------------------------------------------------------

    async def _try_alias(
        self,
        alias: str,
        policy: AliasPolicy,
        candidates: list[Candidate],
        call: Callable[[ChatProvider], Awaitable[T]],
        tokens: int,
        deadline: float,
        attempts: _Attempts,
    ) -> tuple[Answer | None, str | None]:
        """Try the alias's deployments; returns an answer, or the alias to jump to, or neither."""
        ordered = order(policy.strategy, candidates, self._stats, self._quota, self._rand)
        for index, cand in enumerate(ordered):
            provider = cand.provider
            name = provider.name
            if self._quota.wait_time(name, tokens) > 0:
                attempts.skip(name, quota=True)
                continue
            if not (self._breakers.settled(name) or await self._breakers.allow(name)):
                attempts.skip(name, quota=False)
                continue
            answer, err = await self._try_deployment(
                alias, policy, provider, call, tokens, deadline, attempts, others=ordered[index + 1 :]
            )
            if answer is not None:
                return answer, None
            assert err is not None
            if isinstance(err, ContextWindowExceeded) and policy.context_window_fallback:
                self._observer.fallback(alias, provider.name, policy.context_window_fallback, "context window")
                return None, policy.context_window_fallback
            if err.code == "content_filter" and policy.content_filter_fallback:
                self._observer.fallback(alias, provider.name, policy.content_filter_fallback, "content filter")
                return None, policy.content_filter_fallback
            if not err.fallback_ok:
                raise err
            if index + 1 < len(ordered):
                self._observer.fallback(alias, provider.name, ordered[index + 1].provider.name, err.code or "error")
        return None, None

    async def _try_deployment(
        self,
        alias: str,
        policy: AliasPolicy,
        provider: ChatProvider,
        call: Callable[[ChatProvider], Awaitable[T]],
        tokens: int,
        deadline: float,
        attempts: _Attempts,
        others: list[Candidate],
    ) -> tuple[Answer | None, ProviderError | None]:
        name = provider.name
        retries = policy.retries
        stats = self._stats.get(name) or self._stats.setdefault(name, DeploymentStats())
        for n in range(1, retries.max_attempts + 1):
            started = self._clock()
            left = deadline - started
            if left <= 0:
                raise self._deadline(alias, attempts)
            if n == 1:
                self._budgets[alias].request()
            attempts.count += 1
            ctx = attempts.ctx
            ctx.attempts, ctx.deployment = attempts.count, name
            self._quota.acquire(name, tokens)
            result, err = await self._attempt(alias, provider, call, stats, started, left, attempts)
            if result is not None:
                elapsed = self._clock() - started
                stats.observe_latency(elapsed)
                if result.ratelimit is not None:
                    self._quota.observe(name, result.ratelimit)
                if not self._breakers.settled(name):
                    changed = await self._breakers.record(name, True)
                    if changed is not None:
                        self._observer.breaker(name, changed)
                self._observer.attempt(alias, name, "success", elapsed, 200)
                fallback_alias = alias if alias != attempts.requested else ""
                return Answer(result, name, attempts.count, fallback_alias), None
            assert err is not None
            elapsed = self._clock() - started
            attempts.errors.append(err)
            if err.unbilled:
                ctx.unbilled_attempts += 1
            # Failures that say the deployment is unwell open its circuit; a rate limit only says
            # "not now", which the quota tracker already honors.
            counts = err.opens_circuit
            self._quota.observe(name, err.ratelimit, err.retry_after if isinstance(err, ProviderRateLimited) else None)
            changed = await self._breakers.record(name, not counts)
            if changed is not None:
                self._observer.breaker(name, changed)
            outcome: Outcome = "retryable_error" if err.retryable else ("error" if err.fallback_ok else "rejected")
            self._observer.attempt(alias, name, outcome, elapsed, err.upstream_status)
            if not err.retryable or n == retries.max_attempts:
                return None, err
            if isinstance(err, ProviderRateLimited) and await self._another_has_room(others, tokens):
                return None, err  # another deployment has room: go there rather than wait here
            delay = self._backoff(n, err.retry_after, retries.base_delay, retries.max_delay)
            if delay > retries.max_retry_after or self._clock() + delay >= deadline:
                return None, err
            if not self._budgets[alias].try_spend():
                self._observer.retry_budget_exhausted(alias, name)
                return None, err
            self._observer.retry(alias, name, delay, err.code or "error")
            await asyncio.sleep(delay)
            if not await self._breakers.allow(name):
                return None, err
        return None, None  # pragma: no cover - the loop always returns

    async def _another_has_room(self, others: list[Candidate], tokens: int) -> bool:
        for other in others:
            name = other.provider.name
            if self._quota.wait_time(name, tokens) == 0 and await self._breakers.retry_in(name) == 0:
                return True
        return False

    async def _attempt(
        self,
        alias: str,
        provider: ChatProvider,
        call: Callable[[ChatProvider], Awaitable[T]],
        stats: DeploymentStats,
        started: float,
        left: float,
        attempts: _Attempts,
    ) -> tuple[T | None, ProviderError | None]:
        """One call, bounded by the time left; for streams, up to and including the first chunk."""
        name = provider.name
        stats.inflight += 1
        if self.report_inflight:
            self._observer.inflight(name, 1)
        guard = self._timers.arm(left)
        try:
            result = await call(provider)
            if isinstance(result, StreamResponse) and result.first is None:
                result.first = await anext(result.events)  # first byte: still invisible to the client
            return result, None
        except ProviderError as exc:
            # Kept in ``attempts.errors`` (the request may yet succeed elsewhere): without its
            # traceback, which holds this frame and so ``attempts`` itself — a reference cycle
            # that kept every failed request's body alive until the next full collection.
            return None, forget_traceback(exc)
        except StopAsyncIteration:
            return None, _empty_stream(name)
        except asyncio.CancelledError:
            if not guard.fired:
                self._observer.attempt(alias, name, "cancelled", self._clock() - started, None)
                raise
            guard.absorb()
            self._observer.attempt(alias, name, "error", self._clock() - started, None)
            # Still silent at the request's deadline: that counts against the deployment's health.
            changed = await self._breakers.record(name, False)
            if changed is not None:
                self._observer.breaker(name, changed)
            raise self._deadline(alias, attempts) from None
        finally:
            guard.disarm()
            stats.inflight -= 1
            if self.report_inflight:
                self._observer.inflight(name, -1)

    def _backoff(self, n: int, retry_after: float | None, base: float, cap: float) -> float:
        """The upstream's Retry-After when it gave one, else full jitter: uniform in [0, min(cap, base·2ⁿ⁻¹)]."""
        if retry_after is not None:
            return retry_after
        return float(self._rand() * min(cap, base * 2.0 ** (n - 1)))

    def _deadline(self, alias: str, attempts: _Attempts) -> DeadlineExceeded:
        last = f" Last error: {attempts.errors[-1].message}" if attempts.errors else ""
        return DeadlineExceeded(
            f"No deployment of '{alias}' answered within its deadline ({self._router.policy(alias).deadline:g}s, "
            f"{attempts.count} attempt(s)).{last}"
        )


Usable = Callable[[ChatProvider], bool]


def _both(first: Usable, second: Usable) -> Usable:
    return lambda provider: first(provider) and second(provider)


def _when(wait: float) -> str:
    return f"tried again in {math.ceil(wait)} s" if wait > 0 else "a probe request is testing it now"


def _empty_stream(deployment: str) -> ProviderError:
    return ProviderResponseInvalid(
        f"Upstream deployment '{deployment}' ended the stream before any event.", deployment=deployment
    )
