"""What a key or a team has spent: the seam between the admin API and the usage ledger.

``SpendReader`` is the one question the admin API (``GET /admin/keys/{id}``'s ``spend_usd``) and
the budgets (a counter starting a period, or rebuilt after Redis lost it) ask. ``LedgerSpend``
answers it from the usage ledger: the known costs of the requests the key or team made since
then, plus the reservation of each whose cost is unknown (interrupted by a gateway's death, no
usage reported, no price) or that is still in flight: a budget never counts an unknown as $0.
``NoSpend`` (zero) is for a gateway without a database; ``spend_reader`` is the one place that
chooses.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from freehold.governance.model import Budget, Key, Period, Team, period_start
from freehold.stores.ledger import LedgerStore
from freehold.stores.ledger_sql import SqlLedger

__all__ = ["LedgerSpend", "NoSpend", "Scope", "SpendReader", "spend_period", "spend_reader"]

Scope = Literal["key", "team"]


class SpendReader(Protocol):
    async def spend(self, scope: Scope, scope_id: str, since: datetime) -> Decimal:
        """US dollars spent by the key or team ``scope_id`` since ``since``."""
        ...


class NoSpend:
    """Zero for everyone: for a gateway without a database."""

    async def spend(self, scope: Scope, scope_id: str, since: datetime) -> Decimal:
        return Decimal(0)


class LedgerSpend:
    """Spend as the ledger records it: one indexed ``SUM`` over the key's or team's rows since ``since``."""

    def __init__(self, ledger: LedgerStore) -> None:
        self._ledger = ledger

    async def spend(self, scope: Scope, scope_id: str, since: datetime) -> Decimal:
        return await self._ledger.spend(scope, scope_id, since)


def spend_reader(database: AsyncEngine | None) -> SpendReader:
    """The spend reader over ``database``'s usage ledger."""
    return NoSpend() if database is None else LedgerSpend(SqlLedger(database))


def spend_period(subject: Key | Team, team: Team | None, now: datetime) -> tuple[Period, datetime]:
    """The period ``spend_usd`` covers: the subject's budget's, else its team's, else all time."""
    budget: Budget | None = subject.budget or (team.budget if team is not None else None)
    period: Period = budget.period if budget is not None else "total"
    return period, period_start(period, now)
