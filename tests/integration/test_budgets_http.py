"""Hard caps under concurrency, over HTTP: 500 parallel requests against a $1.00 key budget.

The claim is the one budgets make (docs/governance.md): whatever the concurrency and however many
replicas share the counters, recorded spend never passes the budget, and it is exactly what the
answers' reported usage costs at the configured prices. Checked two ways:

- one gateway on its embedded SQLite database and in-process counters;
- three gateway processes sharing PostgreSQL and Redis, requests spread over them.

Half the requests stream, ``max_tokens`` is random and sometimes absent (the budget then sets
one). Every request either succeeds or is refused with 429 ``budget_exceeded``: no 5xx, no other
error. At least half of the budget must end up spent (reservations must not starve it).
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import openai
import pytest
import redis

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway
from tests.stores_support import drop_postgres_database, new_postgres_database

PRICE_IN, PRICE_OUT = Decimal("20"), Decimal("100")  # USD per million tokens: ~70 answers spend $1
SIM = {
    "provider": "simulated",
    "model": "sim-1",
    "ttft_ms": 5,
    "tokens_per_second": 20000,
    "max_tokens": 300,
    "price": {"input": str(PRICE_IN), "output": str(PRICE_OUT)},
}
CONFIG = {
    "routing": {"retries": {"max_attempts": 1}},
    "aliases": {"metered": {"deployments": [{**SIM, "name": "metered-sim"}]}},
}
REQUESTS = 500
BUDGET = Decimal("1.00")


def cost(prompt: int, completion: int) -> Decimal:
    return (prompt * PRICE_IN + completion * PRICE_OUT) / Decimal(1_000_000)


def make_key(gw: Gateway, budget: str = "1.00") -> dict[str, str]:
    made = httpx.post(
        gw.url + "/admin/keys",
        headers={"Authorization": f"Bearer {MASTER_KEY}"},
        json={"name": "capped", "budget": {"usd": budget, "period": "total"}},
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


async def one(client: openai.AsyncOpenAI, i: int, rng: random.Random) -> tuple[str, Decimal, str | None]:
    """One request; ("ok", its cost, lowered max_tokens header) or ("refused", 0, None)."""
    limit = rng.choice([None, None, 5, 20, 50, 100, 200, 300])
    extra = {} if limit is None else {"max_tokens": limit}
    messages = [{"role": "user", "content": f"Request {i}: say something about budgets."}]
    try:
        if i % 2:
            raw = await client.chat.completions.with_raw_response.create(
                model="metered", messages=messages, stream=True, stream_options={"include_usage": True}, **extra
            )
            usage = None
            async for chunk in raw.parse():
                if chunk.usage is not None:
                    usage = chunk.usage
            assert usage is not None, "a stream that asked for usage got none"
        else:
            raw = await client.chat.completions.with_raw_response.create(model="metered", messages=messages, **extra)
            usage = raw.parse().usage
            assert usage is not None
        lowered = raw.headers.get("x-freehold-budget-max-tokens")
        if lowered is not None and limit is not None:
            assert usage.completion_tokens <= int(lowered) < limit
        return "ok", cost(usage.prompt_tokens, usage.completion_tokens), lowered
    except openai.RateLimitError as exc:
        body = exc.response.json()["error"]
        assert (body["type"], body["code"]) == ("insufficient_quota", "budget_exceeded"), body
        assert "budget" in body["message"] and "left" in body["message"]
        return "refused", Decimal(0), None


async def burst(gateways: list[Gateway], key: str) -> list[tuple[str, Decimal, str | None]]:
    rng = random.Random(1234)
    clients = [
        openai.AsyncOpenAI(
            base_url=g.base_url,
            api_key=key,
            max_retries=0,
            timeout=60,
            http_client=openai.DefaultAsyncHttpxClient(limits=httpx.Limits(max_connections=REQUESTS)),
        )
        for g in gateways
    ]
    try:
        return list(await asyncio.gather(*(one(clients[i % len(clients)], i, rng) for i in range(REQUESTS))))
    finally:
        for c in clients:
            await c.close()


def spend_of(gw: Gateway, key_id: str) -> Decimal:
    shown = httpx.get(gw.url + f"/admin/keys/{key_id}", headers={"Authorization": f"Bearer {MASTER_KEY}"})
    assert shown.status_code == 200, shown.text
    return Decimal(shown.json()["spend_usd"])


def check(outcomes: list[tuple[str, Decimal, str | None]], recorded: Decimal) -> None:
    served = [c for kind, c, _ in outcomes if kind == "ok"]
    answered = sum(served, Decimal(0))
    assert len(outcomes) == REQUESTS
    assert served, "no request was served"
    assert answered <= BUDGET, f"the answers cost ${answered}, over the ${BUDGET} budget"
    assert answered >= BUDGET / 2, f"only ${answered} of ${BUDGET} spent: reservations starved the budget"
    assert recorded == answered, f"the ledger says ${recorded}, the answers' usage costs ${answered}"
    assert any(kind == "refused" for kind, _, _ in outcomes)  # 500 requests are far more than $1 buys


def wait_known(gateways: list[Gateway], key: str, seconds: float = 10.0) -> None:
    """Until every replica accepts the new key: the others learn of it when they next poll the store (every 0.5 s).

    ``GET /v1/models`` checks the key and spends nothing of its budget.
    """
    deadline = time.monotonic() + seconds
    for gw in gateways:
        while httpx.get(gw.url + "/v1/models", headers={"Authorization": f"Bearer {key}"}).status_code != 200:
            assert time.monotonic() < deadline, f"{gw.url} did not learn of the key within {seconds} s"
            time.sleep(0.05)


def wait_settled(gw: Gateway, key_id: str, expected: Decimal, seconds: float = 5.0) -> Decimal:
    """The key's spend once the last settlements and ledger rows are in (they are written in batches)."""
    deadline = time.monotonic() + seconds
    while True:
        got = spend_of(gw, key_id)
        if got == expected or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def test_500_concurrent_requests_on_one_sqlite_gateway_stay_within_the_budget(tmp_path: Path) -> None:
    gw = start_gateway(CONFIG, tmp_path, env={"FREEHOLD_MASTER_KEY": MASTER_KEY})
    try:
        key = make_key(gw)
        outcomes = asyncio.run(burst([gw], key["key"]))
        answered = sum((c for kind, c, _ in outcomes if kind == "ok"), Decimal(0))
        check(outcomes, wait_settled(gw, key["id"], answered))
    finally:
        stop_gateway(gw.process)
    log = gw.log()
    assert "Traceback" not in log


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[dict[str, str]]:
    url = asyncio.run(new_postgres_database())
    prefix = f"freehold-test-{uuid.uuid4().hex[:8]}:"
    try:
        yield {
            "FREEHOLD_MASTER_KEY": MASTER_KEY,
            "FREEHOLD_DATABASE_URL": url,
            "FREEHOLD_REDIS_URL": "redis://127.0.0.1:6379/0",
            "FREEHOLD_REDIS_PREFIX": prefix,
        }
    finally:
        asyncio.run(drop_postgres_database(url))
        client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        for name in client.scan_iter(match=prefix + "*"):
            client.delete(name)
        client.close()


@pytest.mark.postgres
def test_500_concurrent_requests_through_three_replicas_stay_within_the_budget(
    tmp_path: Path, shared: dict[str, str]
) -> None:
    gateways: list[Gateway] = []
    try:
        for name in ("a", "b", "c"):
            (tmp_path / name).mkdir()
            gateways.append(start_gateway(CONFIG, tmp_path / name, env=shared))
        key = make_key(gateways[0])
        wait_known(gateways, key["key"])
        outcomes = asyncio.run(burst(gateways, key["key"]))
        answered = sum((c for kind, c, _ in outcomes if kind == "ok"), Decimal(0))
        recorded = wait_settled(gateways[1], key["id"], answered)
        check(outcomes, recorded)
        counter = redis.Redis.from_url("redis://127.0.0.1:6379/0", decode_responses=True)
        try:
            (name,) = list(counter.scan_iter(match=shared["FREEHOLD_REDIS_PREFIX"] + f"budget:key:{key['id']}:*"))
            spent, reserved = counter.hmget(name, ["spent", "reserved"])
        finally:
            counter.close()
        assert Decimal(int(spent)) / Decimal(10**9) == answered  # the shared counter agrees to the nano-dollar
        assert int(reserved or 0) == 0  # every reservation released
    finally:
        for g in gateways:
            stop_gateway(g.process)
    for g in gateways:
        assert "Traceback" not in g.log()
