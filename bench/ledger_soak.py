"""Soak of the usage ledger: 100,000 requests' rows through ``LedgerWriter`` into SQLite (or PostgreSQL).

Each simulated request does what ``LedgerStage`` does: journal its pending row and wait for the
commit (group commit with the others in flight), "run" for a few ms, then queue its completion.
Every ``write`` the writer makes is timed (one transaction: journals, completions, discards), and
every request's wait for its journal. The run is cut in ten slices by rows written; a flat ledger
shows the same figures in the last slice as in the first, with 100k rows (and their six indexes)
in the table.

    .venv/bin/python bench/ledger_soak.py [--rows 100000] [--concurrency 200] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select

from freehold.governance.ledger import LedgerWriter
from freehold.stores.database import create_engine, ensure_schema
from freehold.stores.ledger import Completion, Journal, LedgerRow, UsageRow
from freehold.stores.ledger_sql import SqlLedger
from freehold.stores.schema import ledger


class Timed:
    """The SQL ledger, with each ``write`` timed: (journal rows, completions, seconds)."""

    def __init__(self, inner: SqlLedger) -> None:
        self.inner = inner
        self.writes: list[tuple[int, int, float]] = []

    async def write(
        self, journal: Sequence[Journal], complete: Sequence[Completion], discard: Sequence[str]
    ) -> list[str]:
        started = time.perf_counter()
        ids = await self.inner.write(journal, complete, discard)
        self.writes.append((len(journal), len(complete), time.perf_counter() - started))
        return ids

    async def heartbeat(self, instance: str, now: datetime) -> None:
        await self.inner.heartbeat(instance, now)

    async def reconcile(self, silent_since: datetime, now: datetime) -> int:
        return await self.inner.reconcile(silent_since, now)

    async def usage(self, group_by: str, since: datetime, until: datetime) -> list[UsageRow]:
        return await self.inner.usage(group_by, since, until)  # type: ignore[arg-type]

    async def spend(self, scope: str, scope_id: str, since: datetime) -> Decimal:
        return await self.inner.spend(scope, scope_id, since)  # type: ignore[arg-type]

    async def get(self, request_id: str) -> LedgerRow | None:
        return await self.inner.get(request_id)

    async def close(self) -> None:
        await self.inner.close()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


async def soak(url: str, rows: int, concurrency: int) -> None:
    engine = create_engine(url)
    await ensure_schema(engine, url)
    store = Timed(SqlLedger(engine))
    writer = LedgerWriter(store, heartbeat_interval=5.0)  # type: ignore[arg-type]
    await writer.start()
    waits: list[tuple[int, float]] = []  # (rows journaled before it, seconds waited)
    counter = iter(range(rows))
    keys = [f"key_{i}" for i in range(50)]

    async def worker() -> None:
        for n in counter:
            rid = f"soak_{n}_{os.urandom(4).hex()}"
            started = time.perf_counter()
            await writer.journal(
                Journal(rid, writer.instance, datetime.now(UTC), "chat_completions", "smart", random.choice(keys),
                        None, Decimal("0.002"))
            )
            waits.append((n, time.perf_counter() - started))
            await asyncio.sleep(random.uniform(0.001, 0.01))  # the upstream call
            writer.complete(
                Completion(rid, datetime.now(UTC), "200", 1, "smart/0", 120, 40, cost_usd=Decimal("0.000123"),
                           latency_ms=5)
            )

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    await writer.close()
    elapsed = time.perf_counter() - began
    async with engine.connect() as conn:
        total = (await conn.execute(select(func.count()).select_from(ledger))).scalar_one()
        finished = (await conn.execute(select(func.count()).where(ledger.c.status == "200"))).scalar_one()
    started = time.perf_counter()
    spend = await store.spend("key", keys[0], datetime(2000, 1, 1, tzinfo=UTC))
    spend_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    await store.usage("key", datetime(2000, 1, 1, tzinfo=UTC), datetime.now(UTC))
    usage_ms = (time.perf_counter() - started) * 1000
    await engine.dispose()

    print(f"database: {engine.dialect.name}; rows: {total:,} ({finished:,} completed); concurrency {concurrency}; "
          f"{elapsed:.1f} s, {rows / elapsed:,.0f} requests/s through the writer; {len(store.writes):,} transactions")
    print("slice (rows)    | txns | journal rows/txn | txn ms p50 / p99 / max | request wait for journal ms p50 / p99")
    slice_size = rows // 10
    seen = 0
    writes = iter(store.writes)
    for s in range(10):
        batch: list[tuple[int, int, float]] = []
        for w in writes:
            batch.append(w)
            seen += w[0]
            if seen >= (s + 1) * slice_size:
                break
        ms = [t * 1000 for _, _, t in batch]
        js = [j for j, _, _ in batch if j]
        wait = [t * 1000 for n, t in waits if s * slice_size <= n < (s + 1) * slice_size]
        per_txn = statistics.mean(js) if js else 0
        print(
            f"{s * slice_size:>6,}-{(s + 1) * slice_size:>7,} | {len(batch):>4} | {per_txn:>16.1f} | "
            f"{pct(ms, 0.5):>6.2f} / {pct(ms, 0.99):>6.2f} / {max(ms):>6.2f} | "
            f"{pct(wait, 0.5):>6.2f} / {pct(wait, 0.99):>6.2f}"
        )
    print(f"spend of one key over all its rows: {spend} in {spend_ms:.1f} ms; usage by key over all rows: "
          f"{usage_ms:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/soak.db"
        asyncio.run(soak(url, args.rows, args.concurrency))


if __name__ == "__main__":
    main()
