"""The durable usage ledger on the request path: a group-committing writer and the stage that feeds it.

``LedgerStage`` is the last stage of every alias. Its ``before`` *journals* the request — a
``pending`` row with its key, team, door, alias and the reservation budgets hold for it — and
the request waits until that row is committed, so no request reaches a provider unrecorded. Its
``done`` *completes* the row (status, deployment, attempts, tokens, cost, latency), or *discards*
it when the request never reached a provider (``ctx.attempts == 0``: refused or failed before any
attempt): the row is deleted, so usage and spend never have to filter it out.

``LedgerWriter`` makes that cheap. One task writes; journal rows that arrive while it writes are
committed together in the next transaction (group commit: many requests, one commit), and
completions are queued and ride along, or are flushed on their own within ``flush_interval``
(0.2 s) and at shutdown. No request reads a row. The writer also beats a heartbeat for its
instance every ``heartbeat_interval`` seconds and, at start-up and at each beat, reconciles the
pending rows of instances silent for longer than ``silence``: they become ``interrupted`` rows
of unknown cost, which spend counts at their reservation. A gateway killed at any moment
(SIGKILL included) therefore loses no record of a request that reached a provider: its row was
committed before the request was sent, and is either completed or reconciled.

When the database cannot be reached, journaling fails and the request is refused with
``503 ledger_unavailable`` (fail closed: never served unrecorded). Completions that cannot be
written are kept and retried; any still unwritten at shutdown leave their rows pending, to be
reconciled as interrupted — counted at their worst case, never lost.

Cost: a whole or streamed answer whose usage is the gateway's estimate (``estimated``), or that
the price book cannot price, is recorded with cost NULL, never $0.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from freehold.context import RequestContext
from freehold.errors import LedgerUnavailable
from freehold.governance.pricing import request_cost
from freehold.ids import new_id
from freehold.pipeline import Stage
from freehold.stores.counters import to_usd
from freehold.stores.ledger import Completion, Journal, LedgerStore
from freehold.usage import UsageRecord

__all__ = ["CostFn", "LedgerStage", "LedgerWriter"]

log = logging.getLogger("freehold.ledger")

CostFn = Callable[[UsageRecord], Decimal | None]
"""What an answer cost, from its usage (the price book); None when it cannot be known."""

_UNREACHABLE = (
    "This gateway cannot record the request in its usage ledger (the database is unreachable), so it refuses "
    "rather than serve it unrecorded; retry shortly."
)


def _now() -> datetime:
    return datetime.now(UTC)


class LedgerWriter:
    """Batches ledger writes into few transactions; see the module docstring."""

    def __init__(
        self,
        store: LedgerStore,
        *,
        instance: str | None = None,
        flush_interval: float = 0.2,
        heartbeat_interval: float = 5.0,
        silence: float = 30.0,
        journal_timeout: float = 5.0,
        max_batch: int = 2000,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.store = store
        self.instance = instance or new_id("gw_")
        self._flush_interval = flush_interval
        self._heartbeat_interval = heartbeat_interval
        self._silence = timedelta(seconds=silence)
        self._journal_timeout = journal_timeout
        self._max_batch = max_batch
        self._clock = clock
        self._journals: list[tuple[Journal, asyncio.Future[str]]] = []
        self._waiting: collections.deque[tuple[float, asyncio.Future[str]]] = collections.deque()
        """Journals' deadlines, oldest first, for the one watchdog timer."""
        self._watchdog: asyncio.TimerHandle | None = None
        self._completions: list[Completion] = []
        self._discards: list[str] = []
        self._wake = asyncio.Event()
        self._timer: asyncio.TimerHandle | None = None
        self._writer: asyncio.Task[None] | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._failing = False
        self._closing = False
        self.batches = 0
        """Transactions written (tests and the soak read it)."""

    # The request path.

    async def journal(self, row: Journal) -> str:
        """Commit ``row`` (with whatever else is queued); returns the request id it was stored under.

        Raises:
            LedgerUnavailable: the database did not take it in time.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()
        self._journals.append((row, future))
        self._waiting.append((loop.time() + self._journal_timeout, future))
        if self._watchdog is None:
            self._watchdog = loop.call_later(self._journal_timeout / 4, self._expire)
        self._wake.set()
        return await future

    def _expire(self) -> None:
        """Fail the journals that have waited longer than ``journal_timeout`` (the database hangs).

        One timer for all waiting requests, not a timeout per request (~5 µs each). A row written
        after its request gave up is deleted again (``_flush``).
        """
        loop = asyncio.get_running_loop()
        now = loop.time()
        waiting = self._waiting
        while waiting and (waiting[0][0] <= now or waiting[0][1].done()):
            deadline, future = waiting.popleft()
            if not future.done():
                future.set_exception(LedgerUnavailable(_UNREACHABLE, retry_after=1))
        self._watchdog = loop.call_later(self._journal_timeout / 4, self._expire) if waiting else None

    def complete(self, row: Completion) -> None:
        """Queue a completion; written within ``flush_interval``."""
        self._completions.append(row)
        self._soon()

    def record(self, row: Journal, completion: Completion) -> None:
        """Queue a request that no provider answered (a cache hit): its row and its completion, unwaited.

        Nothing was sent, so nothing needs journaling first; the completion follows once the row
        is stored (under the id ``write`` gives it).
        """
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()

        def stored(done: asyncio.Future[str]) -> None:
            if done.cancelled() or done.exception() is not None:
                log.warning("usage ledger: a cache hit was not recorded (request %s)", row.request_id)
                return
            self.complete(dataclasses.replace(completion, request_id=done.result()))

        future.add_done_callback(stored)
        self._journals.append((row, future))
        self._wake.set()

    def discard(self, request_id: str) -> None:
        """Queue the deletion of the row of a request that never reached a provider."""
        self._discards.append(request_id)
        self._soon()

    def _soon(self) -> None:
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._flush_interval, self._tick)

    def _tick(self) -> None:
        self._timer = None
        self._wake.set()

    # The writer.

    async def start(self) -> None:
        """Beat once, reconcile what gateways gone left pending, then run the writer and the heartbeat."""
        await self.store.heartbeat(self.instance, self._clock())
        await self._reconcile()
        self._writer = asyncio.create_task(self._run())
        self._heartbeat = asyncio.create_task(self._beat())

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._flush()  # never cancelled mid-write: ``close`` asks it to stop instead
            if self._closing:
                return
            if self._journals:
                self._wake.set()  # more than one batch was waiting
            elif self._completions or self._discards:
                self._soon()  # a failed write: try again later

    async def _flush(self) -> bool:
        """Write one batch; False if the database refused it (journals fail, the rest is kept)."""
        journals, self._journals = self._journals[: self._max_batch], self._journals[self._max_batch :]
        completions, self._completions = self._completions, []
        discards, self._discards = self._discards, []
        if not (journals or completions or discards):
            return True
        try:
            ids = await self.store.write([j for j, _ in journals], completions, discards)
        except Exception as exc:
            self._completions[:0], self._discards[:0] = completions, discards
            for _, future in journals:
                if not future.done():
                    future.set_exception(LedgerUnavailable(_UNREACHABLE, retry_after=1))
            if not self._failing:
                self._failing = True
                log.error("usage ledger: writes failing, requests refused until the database answers: %s", exc)
            return False
        self.batches += 1
        if self._failing:
            self._failing = False
            log.warning("usage ledger: writes resumed")
        for (_, future), rid in zip(journals, ids, strict=True):
            if future.done():
                self._discards.append(rid)  # its request gave up waiting: it was never sent
            else:
                future.set_result(rid)
        return True

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self._heartbeat_interval)
            try:
                await self.store.heartbeat(self.instance, self._clock())
                await self._reconcile()
            except Exception as exc:
                log.warning("usage ledger: heartbeat not written: %s", exc)

    async def _reconcile(self) -> None:
        now = self._clock()
        marked = await self.store.reconcile(now - self._silence, now)
        if marked:
            log.warning(
                "usage ledger: %d requests of gateways that stopped mid-request recorded as interrupted "
                "(cost unknown: budgets count their reservation)",
                marked,
            )

    async def close(self, attempts: int = 3) -> None:
        """Stop, writing what is queued (a few tries); rows left unwritten stay pending and are reconciled."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        self._closing = True
        if self._writer is not None:
            self._wake.set()
            await self._writer  # its last batch written
            self._writer = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        for attempt in range(attempts):
            if await self._flush() and not (self._journals or self._completions or self._discards):
                break
            if attempt + 1 < attempts:
                await asyncio.sleep(0.2)
        left = len(self._completions) + len(self._discards)
        if left:
            log.error(
                "usage ledger: %d completions not written at shutdown; their rows stay pending and will be "
                "recorded as interrupted by the next gateway to start",
                left,
            )
        await self.store.close()


class LedgerStage(Stage):
    """Journal before dispatch, complete when done; see the module docstring. Must run last."""

    name = "ledger"

    def __init__(self, writer: LedgerWriter, cost: CostFn) -> None:
        self._writer = writer
        self._cost = cost

    async def before(self, ctx: RequestContext, request: Any) -> None:
        if ctx.operation not in ("chat", "embeddings"):
            return  # token counts and model lists cost nothing
        if ctx.served is not None:
            ctx.stage_state(self.name)["hit"] = True  # recorded in ``done``: no provider is asked
            return
        principal = ctx.principal
        key, team = principal.key, principal.team
        held = (ctx.state or {}).get("budgets", {}).get("held")
        reserved = getattr(held, "reserved", None)
        row = Journal(
            request_id=ctx.request_id,
            instance=self._writer.instance,
            started_at=_now(),
            door=ctx.door,
            alias=ctx.alias or request.model,
            key_id=key.id if key is not None else None,
            team_id=team.id if team is not None else None,
            reserved_usd=to_usd(reserved) if isinstance(reserved, int) else None,
            routed_alias=request.model if ctx.alias and request.model != ctx.alias else None,
        )
        ctx.stage_state(self.name)["id"] = await self._writer.journal(row)

    def done(self, ctx: RequestContext, status: int | str) -> None:
        mine = (ctx.state or {}).get(self.name, {})
        rid = mine.get("id")
        if rid is None:
            if mine.get("hit"):
                self._hit(ctx, status)
            return  # not journaled: refused before this stage, or by it
        if not ctx.attempts:
            self._writer.discard(rid)
            return
        usage = ctx.usage
        cost = None
        try:
            cost = request_cost(self._cost, ctx)
        except Exception:
            log.exception("request %s: its cost could not be worked out; recorded as unknown", ctx.request_id)
        self._writer.complete(
            Completion(
                request_id=rid,
                finished_at=_now(),
                status=str(status),
                attempts=ctx.attempts,
                deployment=ctx.deployment or None,
                input_tokens=usage.prompt_tokens if usage is not None else None,
                output_tokens=usage.completion_tokens if usage is not None else None,
                cached_input_tokens=usage.cached_input_tokens if usage is not None else None,
                cache_write_tokens=usage.cache_write_tokens if usage is not None else None,
                usage_estimated=usage is None or usage.estimated,
                cost_usd=cost,
                latency_ms=int((time.perf_counter() - ctx.started) * 1000),
            )
        )

    def _hit(self, ctx: RequestContext, status: int | str) -> None:
        """A cache hit: cost 0 (never spent); ``saved_usd``: its tokens at its deployment's prices."""
        principal = ctx.principal
        usage = ctx.usage
        saved = None
        try:
            saved = self._cost(usage) if usage is not None and not usage.estimated else None
        except Exception:
            log.exception("request %s: its saved cost could not be worked out", ctx.request_id)
        now = _now()
        elapsed = time.perf_counter() - ctx.started
        self._writer.record(
            Journal(
                request_id=ctx.request_id,
                instance=self._writer.instance,
                started_at=now - timedelta(seconds=elapsed),
                door=ctx.door,
                alias=ctx.alias,
                key_id=principal.key.id if principal.key is not None else None,
                team_id=principal.team.id if principal.team is not None else None,
            ),
            Completion(
                request_id=ctx.request_id,
                finished_at=now,
                status=str(status),
                attempts=0,
                deployment=ctx.deployment or None,
                input_tokens=usage.prompt_tokens if usage is not None else None,
                output_tokens=usage.completion_tokens if usage is not None else None,
                usage_estimated=usage is None or usage.estimated,
                cost_usd=Decimal(0),
                latency_ms=int(elapsed * 1000),
                saved_usd=saved if saved is not None else Decimal(0),
            ),
        )
