"""Hard spending caps per key and team that hold under concurrency and across replicas.

A pipeline stage. Before dispatch it *reserves* the request's worst-case cost from every budget
that applies (the key's and its team's, for the current period) — atomically, in the counters
(``stores/counters.py``), so that concurrent requests, on one replica or many, can never hold
more than is left. After the request it *settles*: the reservation becomes the real cost, or
stays whole when the cost cannot be known. So spend never passes a budget by more than what an
upstream charges beyond what it was asked for.

The worst case is the prompt counted on the safe side (a token per UTF-8 byte, plus a margin per
message and per image: no tokenizer yields more) at the highest input price among the
deployments the alias may reach (fallbacks included), plus the request's maximum output at the
highest output price. When what is left cannot cover it only because other requests in flight
hold reservations (a burst), the request waits for them to settle (up to ``WAIT`` seconds): their
answers usually cost less than their worst case, and that money comes back. When the budget's
unspent part really cannot cover the requested maximum output:

- by default (``over_budget: lower``) ``max_tokens`` is lowered to what it can cover, and the
  ``x-freehold-budget-max-tokens`` response header says so;
- with ``over_budget: refuse`` the request is refused (429 ``budget_exceeded``).

A request without a maximum gets one: the model's output limit, but never more than a quarter
of what is left, so that under a burst one request cannot hold the whole remainder while the
others are refused. A request that cannot be covered even with one output token is refused,
naming the budget and what remains. A stream is also watched: should it reach its reservation
(an upstream that ignores ``max_tokens``), it is ended with a clear error event.

When the counters cannot be reached the request is refused (503, fail closed) unless the key
says ``when_counters_down: serve``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal, Protocol

from freehold.context import RequestContext, StreamCap
from freehold.errors import BudgetExceeded, MeteringUnavailable, PermissionDenied
from freehold.governance.alerts import Alerts
from freehold.governance.model import Budget, Key, Team, period_end, period_start
from freehold.governance.pricing import request_cost
from freehold.pipeline import Stage
from freehold.schemas.chat import ChatRequest
from freehold.stores.counters import (
    BudgetHold,
    CounterMissing,
    Counters,
    CountersUnavailable,
    Grant,
    to_nanos,
    to_usd,
)
from freehold.usage import UsageRecord

__all__ = ["Budgets", "Costs", "SpendReader", "prompt_tokens_at_most"]

log = logging.getLogger("freehold.governance")

PER_MESSAGE = 16
"""Tokens of a message's own framing (role, separators), counted generously."""
PER_IMAGE = 1600
"""Tokens an image may cost (the largest vendor figure for a high-detail tile set)."""
SHARE = Decimal("0.25")
"""The most of what is left that a request without a maximum of its own may hold."""
DEFAULT_MAX_OUTPUT = 4096
WAIT = 10.0
STREAM_MARGIN = 16
"""Events a capped stream may carry beyond its covered output tokens: role, finish, usage, [DONE]."""
SETTLE_RETRIES: tuple[float | None, ...] = (1, 2, 4, 8, 16, 32, None)
"""Pauses between attempts to settle while the counters are unreachable (None: give up, logged)."""
"""Seconds a request may wait for other requests' reservations to settle before it is refused or lowered."""


class Costs(Protocol):
    """Prices as budgets need them (built from the price catalog and the deployments' ``price:``)."""

    def rates(self, alias: str) -> tuple[Decimal, Decimal] | None:
        """The highest (input, output) price per token among the deployments ``alias`` may reach; None if unpriced."""
        ...

    def max_output(self, alias: str) -> int | None:
        """The smallest output limit among the alias's models, if the catalog knows one."""
        ...

    def cost(self, usage: UsageRecord) -> Decimal | None:
        """What an answer cost, from its reported usage; None when that cannot be known."""
        ...


class SpendReader(Protocol):
    """What the ledger says a key or team has spent since a time (known costs plus worst cases of unknown ones)."""

    async def spend(self, scope: Literal["key", "team"], scope_id: str, since: datetime) -> Decimal: ...


@dataclass(slots=True)
class _Held:
    holds: tuple[BudgetHold, ...]
    reserved: int
    """Nano-dollars held against every budget in ``holds`` until the request is settled."""


def prompt_tokens_at_most(body: dict[str, Any]) -> int:
    """The most tokens a prompt can be: a token per UTF-8 byte of its text, plus framing and images."""
    total = 0
    messages = body.get("messages")
    if isinstance(messages, list):
        for message in messages:
            total += PER_MESSAGE
            if not isinstance(message, dict):
                continue
            content = message.get("content")
            if isinstance(content, str):
                total += len(content.encode())
            elif isinstance(content, list):
                for part in content:
                    if isinstance(part, dict):
                        kind = part.get("type")
                        if kind in ("image_url", "input_audio", "file"):
                            total += PER_IMAGE
                        text = part.get("text")
                        if isinstance(text, str):
                            total += len(text.encode())
            for call in message.get("tool_calls") or ():
                total += len(str(call).encode())
    inputs = body.get("input")
    if isinstance(inputs, str):
        total += len(inputs.encode())
    elif isinstance(inputs, list):
        total += sum(len(x.encode()) if isinstance(x, str) else len(x) if isinstance(x, list) else 1 for x in inputs)
    for tool in body.get("tools") or ():
        total += len(str(tool).encode())
    return total


class Budgets(Stage):
    """Reserve before dispatch, settle after; see the module docstring."""

    name = "budgets"

    def __init__(
        self, counters: Counters, costs: Costs, spend: SpendReader, alerts: Alerts | None = None, wait: float = WAIT
    ) -> None:
        self._wait = wait
        self._counters = counters
        self._costs = costs
        self._spend = spend
        self._alerts = alerts
        self._settling: set[asyncio.Task[None]] = set()
        self._queued: list[tuple[RequestContext, _Held, int]] = []
        self._settler: asyncio.Future[None] | None = None
        self._hold_cache: dict[tuple[str, Budget], tuple[BudgetHold, float]] = {}
        self._next_alert: dict[str, int] = {}
        """Per budget counter: the spend (nano-dollars) at which its next alert threshold is reached."""

    async def before(self, ctx: RequestContext, request: Any) -> None:
        key = ctx.principal.key
        if key is None or ctx.operation not in ("chat", "embeddings") or ctx.served is not None:
            return  # a cache hit costs nothing: nothing is reserved, nothing settled
        holds = self._holds(key, ctx.principal.team)
        if not holds:
            return
        rates = self._costs.rates(request.model)
        if rates is None:
            raise PermissionDenied(
                f"The model '{request.model}' has no price on this gateway, so a budgeted key cannot use it; "
                "the operator can set 'price:' on its deployments."
            )
        in_price, out_price = rates
        input_cost = to_nanos(prompt_tokens_at_most(request.body) * in_price)
        if not isinstance(request, ChatRequest):
            grant = await self._reserve(ctx, key, holds, input_cost, input_cost)
            if grant is not None:
                ctx.stage_state(self.name)["held"] = _Held(holds, grant)
            return
        body = request.body
        field = "max_completion_tokens" if body.get("max_completion_tokens") is not None else "max_tokens"
        asked = body.get(field)
        asked = asked if isinstance(asked, int) and not isinstance(asked, bool) else None
        per_token = to_nanos(out_price) or 1
        limit = asked or self._costs.max_output(request.model) or DEFAULT_MAX_OUTPUT
        want = input_cost + limit * per_token
        minimum = input_cost + per_token
        grant = await self._reserve(ctx, key, holds, want, minimum, share=asked is None)
        if grant is None:
            return  # unmetered (counters unreachable, and the key says serve)
        covered = (grant - input_cost) // per_token
        if asked is not None and covered < asked:
            if key.over_budget == "refuse":
                await self._counters.settle(holds, grant, 0)
                left = to_usd(grant)
                raise BudgetExceeded(
                    f"This key's budget cannot cover the request's max_tokens ({asked}): ${left:.6f} is left, "
                    f"enough for {covered} output tokens.",
                )
            ctx.add_header("x-freehold-budget-max-tokens", str(covered))
            ctx.decide(self.name, "lowered max_tokens", f"{asked} → {covered}")
        if asked is None or covered < asked:
            body[field] = covered  # the upstream stops there: the reservation covers it
        ctx.stage_state(self.name)["held"] = _Held(holds, grant)
        if request.stream:
            # An upstream that ignores max_tokens is ended where the reservation ends (about a
            # token per event, with a margin for events that carry none), on the bytes.
            ctx.stream_cap = StreamCap(covered + STREAM_MARGIN, _stream_over_budget)

    async def _reserve(
        self, ctx: RequestContext, key: Key, holds: tuple[BudgetHold, ...], want: int, minimum: int, share: bool = False
    ) -> int | None:
        """Reserve ``want`` (or less, down to ``minimum``); wait while only others' reservations stand in the way.

        Under a burst, most of a budget can be *held* by requests in flight whose answers will
        cost less than their worst case. A request that finds too little left then is not refused
        (or cut short) for money that is about to come back: while the budget's unspent part could
        cover it, it waits for those reservations to settle, polling, up to ``WAIT`` seconds (or the
        request's deadline). Only a budget that is really spent refuses or lowers ``max_tokens``.
        """
        fraction = float(SHARE) if share else 1.0
        first = minimum if share else want  # a share is always "enough"; an explicit max waits to be met whole
        loop = asyncio.get_running_loop()
        left = ctx.time_left()
        until = loop.time() + (self._wait if left is None else min(self._wait, max(0.0, left)))
        pause = 0.01
        try:
            while True:
                grant = await self._counters_reserve(holds, want, first, fraction)
                if grant.ok or loop.time() >= until or not await self._settling_may_cover(holds, first):
                    break
                await asyncio.sleep(pause)
                pause = min(0.1, pause * 1.5)
            if not grant.ok and first > minimum:
                grant = await self._counters_reserve(holds, want, minimum, fraction)  # the budget is really short
        except CountersUnavailable as exc:
            if key.when_counters_down == "serve":
                log.warning("request %s: budget not enforced (counters unreachable: %s)", ctx.request_id, exc)
                ctx.decide(self.name, "unmetered", "counters unreachable")
                return None
            raise MeteringUnavailable(
                "This gateway cannot check budgets right now (its counter store is unreachable), so it refuses "
                "rather than serve unmetered; retry shortly.",
                retry_after=1,
            ) from None
        if not grant.ok:
            scope = "team" if grant.tightest.startswith("budget:team:") else "key"
            raise BudgetExceeded(
                f"The {scope}'s budget is spent for this period: ${to_usd(grant.remaining):.6f} is left, "
                f"less than this request needs at the least (${to_usd(minimum):.6f})."
            )
        return grant.granted

    async def _counters_reserve(self, holds: tuple[BudgetHold, ...], want: int, minimum: int, fraction: float) -> Grant:
        try:
            return await self._counters.reserve(holds, want, minimum, fraction)
        except CounterMissing as missing:
            await self._start(missing.holds)
            return await self._counters.reserve(holds, want, minimum, fraction)

    async def _settling_may_cover(self, holds: tuple[BudgetHold, ...], need: int) -> bool:
        """Whether every budget's unspent part covers ``need`` while some of it is only reserved."""
        held = False
        for hold in holds:
            used = await self._counters.usage(hold)
            if used is None:
                return False
            spent, reserved = used
            if hold.budget - spent < need:
                return False
            held = held or reserved > 0
        return held

    async def _start(self, holds: Sequence[BudgetHold]) -> None:
        for hold in holds:
            _, scope, scope_id, _period, since = hold.counter.split(":", 4)
            spent = await self._spend.spend(scope, scope_id, datetime.fromisoformat(since))  # type: ignore[arg-type]
            await self._counters.start(hold, to_nanos(spent))

    def meters(self, ctx: RequestContext) -> bool:
        return (ctx.state or {}).get(self.name, {}).get("held") is not None

    def done(self, ctx: RequestContext, status: int | str) -> None:
        held: _Held | None = (ctx.state or {}).get(self.name, {}).get("held")
        if held is None:
            return
        spent = 0
        if ctx.attempts:
            cost = request_cost(self._costs.cost, ctx)
            spent = to_nanos(cost) if cost is not None else held.reserved  # unknown: its worst case
        self._queued.append((ctx, held, spent))
        if self._settler is None:
            # One task settles the queue in turn: a task per request cost ~10 µs of the request's CPU.
            self._settler = asyncio.ensure_future(self._settle_queued())
            self._settling.add(self._settler)
            self._settler.add_done_callback(self._settling.discard)

    async def _settle_queued(self) -> None:
        try:
            while self._queued:
                queued, self._queued = self._queued, []
                for ctx, held, spent in queued:
                    await self._settle(ctx, held, spent)
        finally:
            self._settler = None

    async def _settle(self, ctx: RequestContext, held: _Held, spent: int) -> None:
        """Settle, retrying while the counters are unreachable (about a minute in all).

        Until it is settled the whole reservation stays counted, so an outage errs on the side of
        the cap; should the counters have lost their state meanwhile, they start again from the
        ledger, which has the real cost.
        """
        after: list[int] | None = None
        for pause in SETTLE_RETRIES:
            try:
                after = await self._counters.settle(held.holds, held.reserved, spent)
                break
            except CountersUnavailable as exc:
                if pause is None:
                    log.warning(
                        "request %s: budget reservation not settled (counters unreachable: %s)", ctx.request_id, exc
                    )
                    return
                await asyncio.sleep(pause)
            except Exception:
                log.exception("request %s: budget reservation not settled", ctx.request_id)
                return
        if self._alerts is not None and spent and after is not None:
            try:
                await self._alert(ctx, held, after)
            except Exception:
                log.exception("request %s: budget alerts not checked", ctx.request_id)

    async def _alert(self, ctx: RequestContext, held: _Held, after: list[int]) -> None:
        """Tell the alerts what the budgets this request drew on have spent, when a threshold may be crossed.

        The next threshold of each counter is kept in nano-dollars, so that the usual settlement
        (no threshold crossed) costs one integer comparison.
        """
        alerts = self._alerts
        assert alerts is not None
        principal = ctx.principal
        for hold, spent in zip(held.holds, after, strict=True):
            if spent < self._next_alert.get(hold.counter, 0):
                continue
            _, scope, scope_id, period, since = hold.counter.split(":", 4)
            record = principal.key if scope == "key" else principal.team
            await alerts.check(
                scope,
                scope_id,
                record.name if record else "",
                period,
                datetime.fromisoformat(since),
                to_usd(spent),
                to_usd(hold.budget),
            )
            above = [t * hold.budget // 100 for t in alerts.thresholds if t * hold.budget // 100 > spent]
            if len(self._next_alert) > 100_000:
                self._next_alert.clear()
            self._next_alert[hold.counter] = min(above) if above else 2**62

    async def used_share(self, key: Key, team: Team | None) -> float | None:
        """The larger share of its budget the key or its team has spent this period; None without a budget.

        For routing rules (``budget_used_over``), which cache it: spend settled so far, without the
        reservations in flight. A counter not started yet starts from the ledger, as on a request.
        """
        shares = []
        for hold in self._holds(key, team):
            used = await self._counters.usage(hold)
            if used is None:
                await self._start([hold])
                used = await self._counters.usage(hold)
            if used is not None and hold.budget > 0:
                shares.append(used[0] / hold.budget)
        return max(shares) if shares else None

    def _holds(self, key: Key, team: Team | None) -> tuple[BudgetHold, ...]:
        """The budget counters a request of ``key`` draws on; cached until their period ends.

        Building a counter's name (the period's start, as text) every request cost ~4 µs.
        """
        now = time.time()
        holds = []
        for scope, record in (("key", key), ("team", team)):
            budget = record.budget if record is not None else None
            if record is None or budget is None:
                continue
            cached = self._hold_cache.get((record.id, budget))
            if cached is None or now >= cached[1]:
                if len(self._hold_cache) > 100_000:
                    self._hold_cache.clear()  # keys and budgets come and go: never an unbounded map
                cached = self._hold_cache[(record.id, budget)] = _hold(scope, record, budget, datetime.now(UTC))
            holds.append(cached[0])
        return tuple(holds)

    async def drain(self, timeout: float = 5.0) -> None:
        """Wait for pending settlements (shutdown, tests); those still retrying after ``timeout`` are dropped.

        A dropped settlement leaves its reservation counted (the cap's safe side), and is logged.
        """
        loop = asyncio.get_running_loop()
        until = loop.time() + timeout
        while self._settling:
            left = until - loop.time()
            if left <= 0:
                log.warning("%d budget settlements dropped at shutdown (counters unreachable)", len(self._settling))
                for task in list(self._settling):
                    task.cancel()
                return
            await asyncio.wait(list(self._settling), timeout=left)


def _stream_over_budget() -> BudgetExceeded:
    return BudgetExceeded(
        "The answer reached the budget reserved for it (the upstream did not stop at max_tokens); "
        "the stream was ended so that the budget holds."
    )


def _hold(scope: str, record: Key | Team, budget: Budget, now: datetime) -> tuple[BudgetHold, float]:
    """The counter of ``record``'s budget for the period containing ``now``, and when that period ends (epoch)."""
    since = period_start(budget.period, now)
    ends = period_end(budget.period, since)
    hold = BudgetHold(f"budget:{scope}:{record.id}:{budget.period}:{since.isoformat()}", to_nanos(budget.usd))
    return hold, ends.timestamp() if ends is not None else float("inf")
