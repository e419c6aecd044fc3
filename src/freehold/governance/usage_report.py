"""The usage report (``GET /admin/usage``, ``freehold usage``): its query, checked once for both, and its rows as JSON.

Rows come from the ledger (``stores/ledger.py``): finished requests started in [since, until),
grouped by key, team, alias or deployment. ``since`` defaults to the start of the current month
(UTC), ``until`` to now; a time without a zone is UTC. Dollars are strings, as everywhere in the
admin API; ``cost_usd`` sums the known costs, and ``unknown_cost_requests`` says how many rows
had none (their reservation counts against budgets, not here).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from freehold.echo import clip
from freehold.errors import InvalidRequest
from freehold.governance.admin_models import usd_text, when_text
from freehold.governance.model import period_start
from freehold.stores.ledger import GROUPS, GroupBy, UsageRow

__all__ = ["UsageQuery", "usage_json", "usage_query"]


@dataclass(frozen=True, slots=True)
class UsageQuery:
    group_by: GroupBy
    since: datetime
    until: datetime


def _when(name: str, text: str | None, default: datetime) -> datetime:
    if text is None or text == "":
        return default
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRequest(
            f"'{name}' must be an ISO 8601 date or time, such as 2026-12-01 or 2026-12-01T09:30:00Z; got {clip(text)}.",
            param=name,
        ) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def usage_query(group_by: str | None, since: str | None, until: str | None, now: datetime | None = None) -> UsageQuery:
    """The query the parameters ask for.

    Raises:
        InvalidRequest: naming the parameter that is wrong.
    """
    now = now or datetime.now(UTC)
    group = group_by or "key"
    if group not in GROUPS:
        raise InvalidRequest(f"'group_by' must be one of {', '.join(GROUPS)}; got {clip(group)}.", param="group_by")
    start = _when("since", since, period_start("monthly", now))
    end = _when("until", until, now)
    if end <= start:
        raise InvalidRequest(
            f"'until' ({when_text(end)}) must be later than 'since' ({when_text(start)}).", param="until"
        )
    return UsageQuery(group, start, end)


def row_json(row: UsageRow) -> dict[str, Any]:
    return {
        "group": row.group,
        "requests": row.requests,
        "input_tokens": row.input_tokens,
        "output_tokens": row.output_tokens,
        "cost_usd": usd_text(row.cost_usd),
        "unknown_cost_requests": row.unknown_cost_requests,
        "cache_hits": row.cache_hits,
        "saved_usd": usd_text(row.saved_usd),
    }


def usage_json(query: UsageQuery, rows: list[UsageRow]) -> dict[str, Any]:
    return {
        "object": "list",
        "group_by": query.group_by,
        "since": when_text(query.since),
        "until": when_text(query.until),
        "data": [row_json(r) for r in rows],
    }
