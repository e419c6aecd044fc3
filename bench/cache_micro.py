"""The exact cache's own work per request, in process: the key (normalize + sort + BLAKE2b) and the
in-process store's get/put, on the benchmark's request body (bench/payloads/request.json).

    .venv/bin/python bench/cache_micro.py
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import orjson

from freehold.cache.keys import exact_key
from freehold.cache.store import MemoryStore

HERE = Path(__file__).resolve().parent


def per_call(fn: object, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()  # type: ignore[operator]
    return (time.perf_counter() - start) / n * 1e6


async def main() -> None:
    body = orjson.loads((HERE / "payloads" / "request.json").read_bytes())
    answer = (HERE / "payloads" / "response.json").read_bytes()
    n = 20_000
    key_us = min(per_call(lambda: exact_key("chat", "mock", "master", body), n) for _ in range(5))
    store = MemoryStore(10_000, 1 << 28)
    keys = [f"{i:040x}" for i in range(n)]
    start = time.perf_counter()
    for k in keys:
        await store.put(k, answer, 60)
    put_us = (time.perf_counter() - start) / n * 1e6
    start = time.perf_counter()
    for k in keys:
        await store.get(k)
    get_us = (time.perf_counter() - start) / n * 1e6
    size = len(orjson.dumps(body))
    print(f"request body {size} bytes: key {key_us:.1f} us, store put {put_us:.2f} us, get {get_us:.2f} us")


if __name__ == "__main__":
    asyncio.run(main())
