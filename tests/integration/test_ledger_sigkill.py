"""SIGKILL mid-load loses no ledger record of a request that reached a provider, and no spend.

A gateway (SQLite, and PostgreSQL) serves concurrent requests of one key against a slow loopback
upstream that notes every request it receives (by a marker in the prompt, which is also the
client's ``x-request-id`` and so the ledger row's id). It is killed with SIGKILL while many are
in flight, then started again. Once the dead gateway has been silent for ``FREEHOLD_LEDGER_SILENCE``
the new one reconciles at start-up: every request the upstream received has a row, finished
(``200``) or ``interrupted``; none is left pending; and the spend reader counts each row of
unknown cost at its reservation. The key has a budget, and the prices make every request's
reservation exactly $0.01 (one output token at $0.01, input free) — what a finished one costs too.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from freehold.governance.spend import LedgerSpend
from freehold.stores.database import create_engine
from freehold.stores.ledger_sql import SqlLedger
from tests.integration.conftest import MASTER_KEY, start_gateway, stop_gateway
from tests.integration.mocks.loopback import LoopbackServer
from tests.stores_support import drop_postgres_database, new_postgres_database

REQUESTS = 60
SILENCE = 5  # seconds: the setting's least


@dataclass
class CountingUpstream(LoopbackServer):
    """An OpenAI-shaped upstream that answers after 0.2–2 s and notes each request as it arrives."""

    received: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        return app

    async def _chat(self, request: web.Request) -> web.Response:
        body = await request.json()
        marker = body["messages"][0]["content"]
        with self.lock:
            self.received.add(marker)
        await asyncio.sleep(random.uniform(0.2, 2.0))
        return web.json_response(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 1,
                "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 7, "completion_tokens": 1, "total_tokens": 8},
            }
        )


def config(upstream: CountingUpstream) -> dict[str, Any]:
    return {
        "routing": {"retries": {"max_attempts": 1}, "queue": {"max_wait": 0}},
        "aliases": {
            "slow": {
                "deployments": [
                    {
                        "provider": "openai",
                        "model": "gpt-4o-mini",
                        "api_base": f"http://127.0.0.1:{upstream.port}/v1",
                        "api_key": "env:SIGKILL_UPSTREAM_KEY",
                        "price": {"input": 0, "output": 10000},  # $0.01 per output token
                    }
                ]
            }
        },
    }


async def _drive(url: str, key: str, sent: list[str]) -> None:
    async def one(client: httpx.AsyncClient, i: int) -> None:
        marker = f"sigkill-{i}-{os.urandom(4).hex()}"
        sent.append(marker)
        headers = {"Authorization": f"Bearer {key}", "x-request-id": marker}
        body = {"model": "slow", "messages": [{"role": "user", "content": marker}], "max_tokens": 1}
        try:
            await client.post(url + "/v1/chat/completions", json=body, headers=headers)
        except httpx.TransportError:
            pass  # the gateway died under it

    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(one(client, i) for i in range(REQUESTS)))


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_sigkill_mid_load_loses_no_record(db: str, tmp_path: Path) -> None:
    upstream = CountingUpstream().start()
    sqlite = f"sqlite:///{tmp_path / 'state' / 'freehold.db'}"
    url = asyncio.run(new_postgres_database()) if db == "postgres" else sqlite
    env = {
        "FREEHOLD_MASTER_KEY": MASTER_KEY,
        "FREEHOLD_DATABASE_URL": url,
        "FREEHOLD_LEDGER_SILENCE": str(SILENCE),
        "SIGKILL_UPSTREAM_KEY": "sk-test",
    }
    try:
        first = tmp_path / "first"
        first.mkdir()
        gw = start_gateway(config(upstream), first, env=env)
        try:
            made = httpx.post(
                gw.url + "/admin/keys",
                json={"name": "load", "budget": {"usd": "100", "period": "total"}},
                headers={"Authorization": f"Bearer {MASTER_KEY}"},
            )
            assert made.status_code == 201, made.text
            key = made.json()
            sent: list[str] = []
            load = threading.Thread(target=asyncio.run, args=(_drive(gw.url, key["key"], sent),))
            load.start()
            # Kill once some answers are in and more are still in flight.
            deadline = time.monotonic() + 10
            while len(upstream.received) < REQUESTS and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.6)
            os.killpg(gw.process.pid, signal.SIGKILL)
            gw.process.wait(5)
            killed_at = time.monotonic()
            load.join(30)
        finally:
            stop_gateway(gw.process)
        received = set(upstream.received)
        assert received, "the upstream saw no request: nothing was tested"

        time.sleep(max(0.0, SILENCE + 0.5 - (time.monotonic() - killed_at)))  # the dead gateway is now silent
        second = tmp_path / "second"
        second.mkdir()
        again = start_gateway(config(upstream), second, env=env)  # reconciles at start-up, before it is ready
        try:
            rows, spend = asyncio.run(_read(url, key["id"], received | set(sent)))
            shown = httpx.get(again.url + f"/admin/keys/{key['id']}", headers={"Authorization": f"Bearer {MASTER_KEY}"})
        finally:
            stop_gateway(again.process)
        assert "recorded as interrupted" in again.log()
    finally:
        upstream.stop()
        if db == "postgres":
            asyncio.run(drop_postgres_database(url))

    missing = received - set(rows)
    assert not missing, f"{len(missing)} requests reached the upstream without a ledger row"
    statuses = [status for status, _ in rows.values()]
    assert "pending" not in statuses
    interrupted = statuses.count("interrupted")
    assert interrupted > 0, "no request was in flight at the kill: nothing was tested"
    assert statuses.count("200") > 0, "no request had finished before the kill"
    assert set(statuses) <= {"200", "interrupted"}, statuses
    # A finished request costs its $0.01; an interrupted one is unknown and counts at its $0.01 reservation.
    assert all(cost == Decimal("0.01") for status, cost in rows.values() if status == "200")
    assert all(cost is None for status, cost in rows.values() if status == "interrupted")
    assert spend == Decimal("0.01") * len(rows)
    assert Decimal(shown.json()["spend_usd"]) == spend  # what the restarted gateway's budget starts from


async def _read(url: str, key_id: str, ids: set[str]) -> tuple[dict[str, tuple[str, Decimal | None]], Decimal]:
    engine = create_engine(url)
    try:
        ledger = SqlLedger(engine)
        rows = {}
        for rid in ids:
            row = await ledger.get(rid)
            if row is not None:
                assert row.key_id == key_id and row.reserved_usd == Decimal("0.01")
                rows[rid] = (row.status, row.cost_usd)
        spend = await LedgerSpend(ledger).spend("key", key_id, datetime(2000, 1, 1, tzinfo=UTC))
        return rows, spend
    finally:
        await engine.dispose()
