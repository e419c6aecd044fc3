"""The usage ledger's store: one row per request that reached a provider, behind one protocol.

A row is *journaled* (status ``pending``) before its request is sent, then *completed* (its HTTP
status, deployment, attempts, tokens, cost, latency) when the request ends, or *discarded* when
the request ended without reaching a provider (it was refused, or failed, before any attempt).
Discarding deletes the row: usage and spend then never need a filter for it.

A gateway that dies leaves its rows ``pending``. Every gateway writes a heartbeat (``instances``)
every few seconds; ``reconcile`` turns the pending rows of instances silent for too long into
``interrupted`` rows of unknown cost, which spend counts at their reservation. So a SIGKILL at
any moment loses no record and leaves no spend uncounted (governance/ledger.py has the writer).

Spend is ``sum(cost_usd)`` plus ``sum(reserved_usd)`` of the rows whose cost is unknown (NULL:
never recorded as 0), in flight ones included: a budget counts a request it cannot price at its
worst case. Usage counts finished rows only (not ``pending``).

``write`` is one transaction for a whole batch, so many requests cost one commit. A client may
send the same ``x-request-id`` twice: ``request_id`` is unique, so a journal row whose id is taken
is stored under ``<id>~<n>`` and ``write`` returns the id each row was stored under.

``stores.ledger_sql`` is the SQL implementation; ``tests/contract/stores/test_ledger_store.py``
holds both to the same contract.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal, Protocol

__all__ = [
    "GROUPS",
    "Completion",
    "GroupBy",
    "Journal",
    "LedgerRow",
    "LedgerStore",
    "MemoryLedger",
    "UsageRow",
    "renamed",
]

GroupBy = Literal["key", "team", "alias", "deployment"]
GROUPS: tuple[GroupBy, ...] = ("key", "team", "alias", "deployment")
Scope = Literal["key", "team"]


@dataclass(frozen=True, slots=True)
class Journal:
    """A request about to be sent: its pending row."""

    request_id: str
    instance: str
    started_at: datetime
    door: str
    alias: str
    key_id: str | None = None
    team_id: str | None = None
    reserved_usd: Decimal | None = None
    """What budgets hold against it while it runs (None: no budget applies)."""
    routed_alias: str | None = None
    """The alias routing sent it to (None: served by ``alias``, as asked)."""


@dataclass(frozen=True, slots=True)
class Completion:
    """How a journaled request ended, once it reached a provider (``attempts`` > 0)."""

    request_id: str
    finished_at: datetime
    status: str
    attempts: int
    deployment: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_input_tokens: int | None = None
    cache_write_tokens: int | None = None
    usage_estimated: bool = False
    cost_usd: Decimal | None = None
    """None when the cost cannot be known (never 0 for that)."""
    latency_ms: int | None = None
    saved_usd: Decimal | None = None
    """A cache hit (``cost_usd`` 0): what the answer would have cost; None for a provider's answer."""


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """A whole row, as ``get`` reads it back."""

    request_id: str
    instance: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    key_id: str | None
    team_id: str | None
    door: str
    alias: str
    deployment: str | None
    attempts: int
    input_tokens: int | None
    output_tokens: int | None
    cached_input_tokens: int | None
    cache_write_tokens: int | None
    usage_estimated: bool
    cost_usd: Decimal | None
    reserved_usd: Decimal | None
    latency_ms: int | None
    routed_alias: str | None = None
    saved_usd: Decimal | None = None


@dataclass(frozen=True, slots=True)
class UsageRow:
    """One group of ``GET /admin/usage``: requests, tokens, known cost, and how many had no known cost."""

    group: str | None
    requests: int
    input_tokens: int
    output_tokens: int
    cost_usd: Decimal
    unknown_cost_requests: int
    cache_hits: int = 0
    """Requests answered from the cache (their cost is 0)."""
    saved_usd: Decimal = Decimal(0)
    """What the cache hits would have cost."""


class LedgerStore(Protocol):
    async def write(
        self, journal: Sequence[Journal], complete: Sequence[Completion], discard: Sequence[str]
    ) -> list[str]:
        """In one transaction: insert the pending rows, complete rows, delete the rows of ``discard``.

        Returns the request id each journal row was stored under (its own, or ``<id>~<n>`` when
        that was taken). Completing or discarding an id without a row does nothing.
        """
        ...

    async def heartbeat(self, instance: str, now: datetime) -> None:
        """Record that ``instance`` is alive at ``now`` (its row is created if missing)."""
        ...

    async def reconcile(self, silent_since: datetime, now: datetime) -> int:
        """Mark the pending rows of gateways gone ``interrupted`` (finished ``now``, cost unknown).

        Gone: instances not seen since ``silent_since`` (then forgotten), and instances without a
        heartbeat row, for rows started before ``silent_since``. Returns how many rows it marked.
        """
        ...

    async def usage(self, group_by: GroupBy, since: datetime, until: datetime) -> list[UsageRow]:
        """Finished rows started in [since, until), grouped; ordered by group (None last)."""
        ...

    async def spend(self, scope: Scope, scope_id: str, since: datetime) -> Decimal:
        """Known costs plus the reservations of rows of unknown cost, started at or after ``since``."""
        ...

    async def get(self, request_id: str) -> LedgerRow | None: ...

    async def close(self) -> None: ...


def renamed(request_id: str, n: int) -> str:
    """The id a journal row is stored under when ``request_id`` is taken (the column holds 80 characters)."""
    suffix = f"~{n}"
    return request_id[: 80 - len(suffix)] + suffix


def utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


_GROUP_FIELD = {"key": "key_id", "team": "team_id", "alias": "alias", "deployment": "deployment"}


class MemoryLedger:
    """The in-memory twin: the same contract, for unit tests."""

    def __init__(self) -> None:
        self.rows: dict[str, LedgerRow] = {}
        self.instances: dict[str, datetime] = {}
        self.writes = 0
        """Transactions written (tests read it to see batching)."""

    async def write(
        self, journal: Sequence[Journal], complete: Sequence[Completion], discard: Sequence[str]
    ) -> list[str]:
        self.writes += 1
        stored = []
        for j in journal:
            rid, n = j.request_id, 1
            while rid in self.rows:
                rid, n = renamed(j.request_id, n), n + 1
            self.rows[rid] = LedgerRow(
                rid, j.instance, utc(j.started_at), None, "pending", j.key_id, j.team_id, j.door, j.alias,
                None, 0, None, None, None, None, False, None, j.reserved_usd, None, j.routed_alias,
            )
            stored.append(rid)
        for c in complete:
            row = self.rows.get(c.request_id)
            if row is not None:
                self.rows[c.request_id] = dataclasses.replace(
                    row,
                    finished_at=utc(c.finished_at),
                    status=c.status,
                    deployment=c.deployment,
                    attempts=c.attempts,
                    input_tokens=c.input_tokens,
                    output_tokens=c.output_tokens,
                    cached_input_tokens=c.cached_input_tokens,
                    cache_write_tokens=c.cache_write_tokens,
                    usage_estimated=c.usage_estimated,
                    cost_usd=c.cost_usd,
                    latency_ms=c.latency_ms,
                    saved_usd=c.saved_usd,
                )
        for rid in discard:
            self.rows.pop(rid, None)
        return stored

    async def heartbeat(self, instance: str, now: datetime) -> None:
        self.instances[instance] = utc(now)

    async def reconcile(self, silent_since: datetime, now: datetime) -> int:
        silent_since, now = utc(silent_since), utc(now)
        dead = {i for i, seen in self.instances.items() if seen < silent_since}
        marked = 0
        for rid, row in list(self.rows.items()):
            orphan = row.instance not in self.instances and row.started_at < silent_since
            if row.status == "pending" and (row.instance in dead or orphan):
                self.rows[rid] = dataclasses.replace(row, status="interrupted", finished_at=now, cost_usd=None)
                marked += 1
        for instance in dead:
            del self.instances[instance]
        return marked

    async def usage(self, group_by: GroupBy, since: datetime, until: datetime) -> list[UsageRow]:
        since, until = utc(since), utc(until)
        field = _GROUP_FIELD[group_by]
        groups: dict[str | None, list[LedgerRow]] = {}
        for row in self.rows.values():
            if row.status != "pending" and since <= row.started_at < until:
                groups.setdefault(getattr(row, field), []).append(row)
        out = [
            UsageRow(
                group,
                len(rows),
                sum(r.input_tokens or 0 for r in rows),
                sum(r.output_tokens or 0 for r in rows),
                sum((r.cost_usd for r in rows if r.cost_usd is not None), Decimal(0)),
                sum(1 for r in rows if r.cost_usd is None),
                sum(1 for r in rows if r.saved_usd is not None),
                sum((r.saved_usd for r in rows if r.saved_usd is not None), Decimal(0)),
            )
            for group, rows in groups.items()
        ]
        return sorted(out, key=lambda u: (u.group is None, u.group or ""))

    async def spend(self, scope: Scope, scope_id: str, since: datetime) -> Decimal:
        since = utc(since)
        total = Decimal(0)
        for row in self.rows.values():
            if (row.key_id if scope == "key" else row.team_id) != scope_id or row.started_at < since:
                continue
            if row.cost_usd is not None:
                total += row.cost_usd
            elif row.reserved_usd is not None:
                total += row.reserved_usd
        return total

    async def get(self, request_id: str) -> LedgerRow | None:
        return self.rows.get(request_id)

    async def close(self) -> None:
        return None
