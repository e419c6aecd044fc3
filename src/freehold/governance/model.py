"""Teams, virtual keys and budgets: the records governance works with, and budget periods.

Records are frozen: a change is a new record, written through the key store and seen by every
replica's cache (``governance/keys``). Money is ``Decimal`` US dollars, never a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

__all__ = [
    "PERIODS",
    "Budget",
    "Key",
    "OverBudget",
    "Period",
    "Role",
    "Team",
    "WhenCountersDown",
    "period_end",
    "period_start",
    "usd_text",
]

Period = Literal["daily", "weekly", "monthly", "total"]
PERIODS: tuple[Period, ...] = ("daily", "weekly", "monthly", "total")
Role = Literal["user", "admin"]
OverBudget = Literal["lower", "refuse"]
"""What a request does when the budget left cannot cover its maximum output: ``lower`` its
``max_tokens`` to what it can cover (said in a response header), or ``refuse`` it (429)."""
WhenCountersDown = Literal["refuse", "serve"]
"""When the counter store cannot be reached: ``refuse`` (503, fail closed: the default) or ``serve``
unmetered."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Budget:
    """A spending cap in US dollars for a calendar period (UTC), or for all time (``total``)."""

    usd: Decimal
    period: Period


@dataclass(frozen=True, slots=True)
class Team:
    id: str
    name: str
    budget: Budget | None = None
    rpm: int | None = None
    tpm: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = _EPOCH
    updated_at: datetime = _EPOCH


@dataclass(frozen=True, slots=True)
class Key:
    """A virtual key. The key itself is shown once, at creation; only ``secret_hash`` is kept.

    Attributes:
        aliases: the aliases it may use; None: every alias.
        hint: the key's last characters, to tell keys apart in listings.
    """

    id: str
    name: str
    secret_hash: str
    hint: str
    team_id: str | None = None
    role: Role = "user"
    aliases: tuple[str, ...] | None = None
    rpm: int | None = None
    tpm: int | None = None
    budget: Budget | None = None
    priority: int = 0
    over_budget: OverBudget = "lower"
    when_counters_down: WhenCountersDown = "refuse"
    metadata: dict[str, Any] = field(default_factory=dict)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    created_at: datetime = _EPOCH
    updated_at: datetime = _EPOCH

    def usable_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


def period_start(period: Period, now: datetime) -> datetime:
    """When the budget period containing ``now`` began (UTC calendar: day, ISO week from Monday, month)."""
    now = now.astimezone(UTC)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "daily":
        return day
    if period == "weekly":
        return day - timedelta(days=day.weekday())
    if period == "monthly":
        return day.replace(day=1)
    return _EPOCH


def period_end(period: Period, start: datetime) -> datetime | None:
    """When the period that began at ``start`` ends (None: ``total`` never does)."""
    if period == "daily":
        return start + timedelta(days=1)
    if period == "weekly":
        return start + timedelta(days=7)
    if period == "monthly":
        return (
            start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
        )
    return None


def usd_text(value: Decimal) -> str:
    """Dollars as the API writes them: at least two decimal places, no exponent, no trailing zeros beyond."""
    whole, _, cents = format(value.normalize(), "f").partition(".")
    return f"{whole}.{cents.ljust(2, '0')}"
