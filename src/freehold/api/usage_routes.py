"""``GET /admin/usage``: the ledger's usage grouped by key, team, alias or deployment (docs/governance.md).

Served by the admin API's endpoint (``api/admin_routes``: the master key or an admin key), from
one grouped query over the ledger's ``started_at`` indexes: never a row per request in memory.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from freehold.api.asgi import Scope
from freehold.governance.usage_report import usage_json, usage_query
from freehold.stores.ledger import LedgerStore

__all__ = ["UsageReport"]


class UsageReport:
    def __init__(self, ledger: LedgerStore) -> None:
        self._ledger = ledger

    async def get(self, params: dict[str, str], raw: bytes, scope: Scope) -> tuple[int, Any]:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)

        def one(name: str) -> str | None:
            values = query.get(name)
            return values[-1] if values else None

        asked = usage_query(one("group_by"), one("since"), one("until"))
        rows = await self._ledger.usage(asked.group_by, asked.since, asked.until)
        return 200, usage_json(asked, rows)
