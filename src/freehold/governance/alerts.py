"""Budget alerts: a log line and a webhook when a key's or team's spend crosses a threshold.

Once per threshold per budget period, whatever the number of replicas: the first replica to see
a threshold crossed claims it with a row in ``alert_state`` (its primary key is scope, id,
period and threshold, so a second claim inserts nothing) and only the claimant sends. Claims
this process made or saw are remembered, so a budget past 80 % does not cost a database write
per request. The webhook receives one JSON object per alert (POST, 5 s timeout, not retried: the
log line is the record); its failure is logged and never affects a request.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import aiohttp
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from freehold.governance.model import usd_text
from freehold.stores.schema import alert_state

__all__ = ["Alert", "Alerts"]

log = logging.getLogger("freehold.governance.alerts")


@dataclass(frozen=True, slots=True)
class Alert:
    scope: str
    scope_id: str
    name: str
    period: str
    period_start: datetime
    threshold: int
    budget_usd: Decimal
    spent_usd: Decimal

    def payload(self) -> dict[str, Any]:
        return {
            "type": "budget_threshold",
            "scope": self.scope,
            "id": self.scope_id,
            "name": self.name,
            "period": self.period,
            "period_start": self.period_start.isoformat(),
            "threshold_percent": self.threshold,
            "budget_usd": usd_text(self.budget_usd),
            "spent_usd": str(self.spent_usd.quantize(Decimal("0.000001"))),
        }


class Alerts:
    """Claims thresholds in the database and sends each claimed alert to the log and the webhook."""

    def __init__(self, engine: AsyncEngine | None, thresholds: tuple[int, ...], webhook: str | None) -> None:
        self._engine = engine
        self._thresholds = tuple(sorted(thresholds))
        self._webhook = webhook
        self._known: set[tuple[str, str, datetime, int]] = set()
        self._session: aiohttp.ClientSession | None = None
        self._sending: set[asyncio.Task[None]] = set()

    @property
    def thresholds(self) -> tuple[int, ...]:
        """The thresholds, in percent, ascending."""
        return self._thresholds

    def crossed(self, spent: Decimal, budget: Decimal) -> list[int]:
        """The thresholds (percent) that ``spent`` has reached."""
        if budget <= 0:
            return list(self._thresholds)
        percent = spent * 100 / budget
        return [t for t in self._thresholds if percent >= t]

    async def check(
        self,
        scope: str,
        scope_id: str,
        name: str,
        period: str,
        period_start: datetime,
        spent: Decimal,
        budget: Decimal,
    ) -> list[Alert]:
        """Claim and send the alerts ``spent`` calls for; returns the ones this process sent."""
        sent = []
        for threshold in self.crossed(spent, budget):
            marker = (scope, scope_id, period_start, threshold)
            if marker in self._known:
                continue
            self._known.add(marker)
            if not await self._claim(marker):
                continue
            alert = Alert(scope, scope_id, name, period, period_start, threshold, budget, spent)
            self._send(alert)
            sent.append(alert)
        return sent

    async def _claim(self, marker: tuple[str, str, datetime, int]) -> bool:
        if self._engine is None:
            return True
        scope, scope_id, start, threshold = marker
        row = {"scope": scope, "scope_id": scope_id, "period_start": start, "threshold": threshold}
        try:
            async with self._engine.begin() as connection:
                await connection.execute(insert(alert_state).values(**row, sent_at=datetime.now(UTC)))
        except IntegrityError:
            return False  # another replica (or an earlier run) claimed it
        except Exception:
            log.exception("budget alert for %s %s at %d%% not claimed; sending it anyway", scope, scope_id, threshold)
        return True

    def _send(self, alert: Alert) -> None:
        log.warning(
            "budget alert: %s %s (%s) has spent $%s of its %s budget of $%s (%d%%)",
            alert.scope,
            alert.scope_id,
            alert.name,
            alert.payload()["spent_usd"],
            alert.period,
            alert.budget_usd,
            alert.threshold,
        )
        if self._webhook is None:
            return
        task = asyncio.ensure_future(self._post(alert))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _post(self, alert: Alert) -> None:
        assert self._webhook is not None
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        try:
            async with self._session.post(self._webhook, json=alert.payload()) as response:
                if response.status >= 300:
                    log.warning("budget alert webhook answered %d", response.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("budget alert webhook failed: %s", type(exc).__name__)

    async def close(self) -> None:
        if self._sending:
            await asyncio.gather(*list(self._sending), return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None
