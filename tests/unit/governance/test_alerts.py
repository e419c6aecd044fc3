"""Budget alerts: once per threshold per period, across replicas, to the log and a webhook."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from aiohttp import web
from tests.stores_support import database_url  # noqa: F401  (a fixture)

from freehold.governance.alerts import Alerts
from freehold.stores.database import create_engine, ensure_schema

START = datetime(2026, 12, 1, tzinfo=UTC)


async def test_each_threshold_alerts_once_per_period_whatever_the_replicas(
    database_url: str,  # noqa: F811
    aiohttp_received: list[dict[str, Any]],
    webhook: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = create_engine(database_url)
    await ensure_schema(engine, database_url)
    one, two = Alerts(engine, (50, 80, 100), webhook), Alerts(engine, (50, 80, 100), webhook)
    try:
        budget = Decimal("10")
        assert await one.check("key", "key_a", "ci", "monthly", START, Decimal("4"), budget) == []
        sent = await one.check("key", "key_a", "ci", "monthly", START, Decimal("8.5"), budget)
        assert [a.threshold for a in sent] == [50, 80]
        assert await two.check("key", "key_a", "ci", "monthly", START, Decimal("9"), budget) == []  # claimed
        assert [a.threshold for a in await two.check("key", "key_a", "ci", "monthly", START, budget, budget)] == [100]
        january = await one.check("key", "key_a", "ci", "monthly", datetime(2027, 1, 1, tzinfo=UTC), Decimal(6), budget)
        assert [a.threshold for a in january] == [50]
    finally:
        await one.close()
        await two.close()
        await engine.dispose()
    assert [(p["threshold_percent"], p["period_start"][:7]) for p in aiohttp_received] == [
        (50, "2026-12"),
        (80, "2026-12"),
        (100, "2026-12"),
        (50, "2027-01"),
    ]
    assert aiohttp_received[0]["spent_usd"] == "8.500000" and aiohttp_received[0]["name"] == "ci"
    assert caplog.text.count("budget alert: key key_a (ci)") == 4


@pytest.fixture
def aiohttp_received() -> list[dict[str, Any]]:
    return []


@pytest.fixture
async def webhook(aiohttp_received: list[dict[str, Any]]) -> Any:
    async def receive(request: web.Request) -> web.Response:
        aiohttp_received.append(await request.json())
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/hook"
    await runner.cleanup()
