"""What a key or a team has spent: the seam between the admin API and the usage ledger.

``SpendReader`` is the one question the admin API asks (``GET /admin/keys/{id}``'s
``spend_usd``). The ledger implements it over its records; until it lands, ``NoSpend`` answers
zero, and ``spend_reader`` is the one place that chooses.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from freehold.governance.model import Budget, Key, Period, Team, period_start

__all__ = ["NoSpend", "Scope", "SpendReader", "spend_period", "spend_reader"]

Scope = Literal["key", "team"]


class SpendReader(Protocol):
    async def spend(self, scope: Scope, id: str, since: datetime) -> Decimal:
        """US dollars spent by the key or team ``id`` since ``since``."""
        ...


class NoSpend:
    """Zero for everyone: what the admin API shows until the usage ledger answers."""

    async def spend(self, scope: Scope, id: str, since: datetime) -> Decimal:
        return Decimal(0)


def spend_reader(database: AsyncEngine | None) -> SpendReader:
    """The spend reader over ``database`` (the ledger's, once it exists)."""
    return NoSpend()


def spend_period(subject: Key | Team, team: Team | None, now: datetime) -> tuple[Period, datetime]:
    """The period ``spend_usd`` covers: the subject's budget's, else its team's, else all time."""
    budget: Budget | None = subject.budget or (team.budget if team is not None else None)
    period: Period = budget.period if budget is not None else "total"
    return period, period_start(period, now)
