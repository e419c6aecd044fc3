"""Soak: the gateway's memory stays flat over 20,000 mixed requests, failing large ones included.

    .venv/bin/python -m tests.soak.rss_soak [--requests 20000] [--concurrency 32]

Starts loopback upstreams (the OpenAI mock of the integration tests, and one that answers 502 to
bodies of any size) and the real gateway (``freehold serve``), then sends a mix that exercises
every way a request can end: whole answers and streams on the three doors, embeddings, stored
Responses answers, upstream failures with retries, fallbacks after a failure, 2 MB requests
that fail, client mistakes (bad JSON, over-deep JSON, mistyped fields, unknown models) and
clients that leave mid-stream. The gateway's RSS is read from ``/proc`` every 1,000 requests.

It passes (exit 0) when, after a warm-up, RSS grows by less than ``--max-growth`` MiB and no
request got an answer it should not have (a 500, or a status other than the one its kind
expects). Bounded in count and time, loopback only. Not part of ``scripts/test`` (it takes a
minute or two); bench/RESULTS.md records a run.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp

from tests.integration.conftest import MASTER_KEY, start_gateway, stop_gateway
from tests.integration.mock_openai import EXPECTED_KEY, MockOpenAI
from tests.integration.mocks.down_mock import DownMock

HI = [{"role": "user", "content": "hi"}]
AUTH = {"Authorization": f"Bearer {MASTER_KEY}"}
LARGE = "x" * (2 * 1024 * 1024)
DEEP = b'{"model": "gpt", "messages": [{"role": "user", "content": "hi"}], "x": ' + b"[" * 300 + b"]" * 300 + b"}"


def config(mock: MockOpenAI, down: DownMock) -> dict[str, object]:
    def openai(model: str, **extra: object) -> dict[str, object]:
        return {"provider": "openai", "model": model, "api_base": mock.base_url, "api_key": "env:MOCK_KEY", **extra}

    dead = {"provider": "openai", "model": "m", "api_base": down.base_url}
    return {
        "routing": {
            "retries": {"max_attempts": 2, "base_delay": 0.001, "max_delay": 0.002},
            # Never open: every failing request must reach the failing upstream, to soak that path.
            "breaker": {"failure_threshold": 10_000_000, "cooldown": 1},
            "retry_budget": {"ratio": 10, "min_per_second": 100_000},
        },
        "aliases": {
            "gpt": {"deployments": [openai("gpt-4o-mini", name="gpt")]},
            "embed": {"deployments": [openai("text-embedding-3-small", name="embed")]},
            "slow": {"deployments": [openai("slow-stream", name="slow")]},
            "sim": {"deployments": [{"provider": "simulated", "model": "s", "ttft_ms": 0, "tokens_per_second": 20000}]},
            "down": {"deployments": [{**dead, "name": "down"}]},
            "flaky": {
                "deployments": [
                    {**dead, "name": "flaky-down", "weight": 1000},
                    {**dead, "model": "ok", "name": "flaky-up", "weight": 0.001},
                ]
            },
        },
    }


Call = Callable[[aiohttp.ClientSession, str], Awaitable[int]]


async def post(http: aiohttp.ClientSession, url: str, body: object, stream: bool = False) -> int:
    async with http.post(url, json=body, headers=AUTH) as resp:
        if stream:
            async for _ in resp.content.iter_any():
                pass
        else:
            await resp.read()
        return resp.status


async def raw(http: aiohttp.ClientSession, url: str, data: bytes) -> int:
    async with http.post(url, data=data, headers={**AUTH, "content-type": "application/json"}) as resp:
        await resp.read()
        return resp.status


async def leave_mid_stream(http: aiohttp.ClientSession, url: str) -> int:
    body = {"model": "slow", "stream": True, "messages": HI}
    async with http.post(url + "/v1/chat/completions", json=body, headers=AUTH) as resp:
        await resp.content.readany()
        status = resp.status
        resp.close()  # the client goes away; the gateway must cancel the upstream and free it all
    return status


# kind → (weight, expected status, call)
MIX: dict[str, tuple[int, int, Call]] = {
    "chat": (26, 200, lambda h, u: post(h, u + "/v1/chat/completions", {"model": "gpt", "messages": HI})),
    "chat-stream": (
        14,
        200,
        lambda h, u: post(h, u + "/v1/chat/completions", {"model": "gpt", "stream": True, "messages": HI}, True),
    ),
    "sim-stream": (
        8,
        200,
        lambda h, u: post(
            h, u + "/v1/chat/completions", {"model": "sim", "stream": True, "max_tokens": 20, "messages": HI}, True
        ),
    ),
    "embeddings": (6, 200, lambda h, u: post(h, u + "/v1/embeddings", {"model": "embed", "input": ["a", "b"]})),
    "messages": (6, 200, lambda h, u: post(h, u + "/v1/messages", {"model": "gpt", "max_tokens": 9, "messages": HI})),
    "messages-stream": (
        4,
        200,
        lambda h, u: post(
            h, u + "/v1/messages", {"model": "sim", "max_tokens": 9, "stream": True, "messages": HI}, stream=True
        ),
    ),
    "responses": (6, 200, lambda h, u: post(h, u + "/v1/responses", {"model": "sim", "input": "hello"})),
    "down": (8, 502, lambda h, u: post(h, u + "/v1/chat/completions", {"model": "down", "messages": HI})),
    "down-large": (
        4,
        502,
        lambda h, u: post(
            h, u + "/v1/chat/completions", {"model": "down", "messages": [{"role": "user", "content": LARGE}]}
        ),
    ),
    "fallback": (6, 200, lambda h, u: post(h, u + "/v1/chat/completions", {"model": "flaky", "messages": HI})),
    "bad-json": (2, 400, lambda h, u: raw(h, u + "/v1/chat/completions", b'{"model": "gpt", "messages": [')),
    "deep-json": (
        2,
        400,
        lambda h, u: raw(h, u + "/v1/chat/completions", DEEP),
    ),
    "mistyped": (
        2,
        400,
        lambda h, u: post(
            h,
            u + "/v1/chat/completions",
            {"model": "gpt", "stream": True, "messages": [{"role": "user", "content": [{"type": "text", "text": 5}]}]},
        ),
    ),
    "unknown-model": (2, 404, lambda h, u: post(h, u + "/v1/chat/completions", {"model": "nope\r\n", "messages": HI})),
    "client-gone": (2, 200, leave_mid_stream),
}


def rss_mib(pid: int) -> float:
    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    assert match is not None
    return int(match.group(1)) / 1024


async def drive(url: str, pid: int, total: int, concurrency: int, seed: int) -> tuple[list[float], Counter[str]]:
    rng = random.Random(seed)
    kinds = list(MIX)
    weights = [MIX[k][0] for k in kinds]
    plan = rng.choices(kinds, weights, k=total)
    outcomes: Counter[str] = Counter()
    samples: list[float] = []
    done = 0
    next_index = 0

    async def worker(http: aiohttp.ClientSession) -> None:
        nonlocal done, next_index
        while next_index < total:
            kind = plan[next_index]
            next_index += 1
            _, expected, call = MIX[kind]
            try:
                status = await call(http, url)
            except (aiohttp.ClientError, TimeoutError) as exc:
                outcomes[f"{kind}: {type(exc).__name__}"] += 1
            else:
                outcomes[kind if status == expected else f"{kind}: unexpected {status}"] += 1
            done += 1
            if done % 1000 == 0:
                samples.append(rss_mib(pid))
                print(f"{done:>6} requests  RSS {samples[-1]:7.1f} MiB", flush=True)

    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
    return samples, outcomes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=20_000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=3, help="samples (of 1,000 requests) before the baseline")
    ap.add_argument("--max-growth", type=float, default=40.0, help="MiB of RSS growth allowed after the warm-up")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    logging.getLogger("aiohttp").setLevel(logging.CRITICAL)  # the mock's own notes on clients that left
    mock, down = MockOpenAI().start(), DownMock().start()
    with tempfile.TemporaryDirectory(prefix="freehold-soak-") as tmp:
        env = {"MOCK_KEY": EXPECTED_KEY, "FREEHOLD_MASTER_KEY": MASTER_KEY, "FREEHOLD_LOG_LEVEL": "warning"}
        gw = start_gateway(config(mock, down), Path(tmp), env=env)
        started = time.monotonic()
        try:
            samples, outcomes = asyncio.run(drive(gw.url, gw.process.pid, args.requests, args.concurrency, args.seed))
        finally:
            stop_gateway(gw.process)
            mock.requests.clear()
            mock.stop()
            down.stop()
        elapsed = time.monotonic() - started
        log = gw.log()
    baseline = samples[args.warmup - 1] if len(samples) >= args.warmup else samples[0]
    after = samples[args.warmup :] or samples
    growth = max(after) - baseline
    bad = {k: v for k, v in outcomes.items() if ":" in k}
    print(f"\n{args.requests} requests in {elapsed:.0f} s, concurrency {args.concurrency}")
    print("outcomes:", dict(sorted(outcomes.items())))
    print(f"RSS after warm-up {baseline:.1f} MiB, max after {max(after):.1f} MiB, last {samples[-1]:.1f} MiB")
    print(f"growth after warm-up: {growth:+.1f} MiB (allowed {args.max_growth:.0f})")
    failed = False
    if growth >= args.max_growth:
        print("FAIL: RSS grew")
        failed = True
    if bad:
        print("FAIL: unexpected answers:", bad)
        failed = True
    if "Traceback" in log:
        print("FAIL: a traceback in the gateway's log")
        failed = True
    print("FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
