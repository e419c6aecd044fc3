"""JSON library micro-benchmark for the hot path: the 1.5 KB request body, parse + rewrite "model" + dump.

    .venv/bin/python bench/json_micro.py     # pin it: taskset -c 1 .venv/bin/python bench/json_micro.py

Prints µs per operation (median of 7 repeats) for orjson (what Freehold uses), msgspec, and the
standard library (what the reference proxy uses to read "model").
"""

from __future__ import annotations

import json
import statistics
import timeit
from pathlib import Path
from typing import Any

import msgspec
import orjson

RAW = (Path(__file__).resolve().parent / "payloads" / "request.json").read_bytes()
SSE_EVENT = (Path(__file__).resolve().parent / "payloads" / "response.sse").read_bytes().split(b"\n\n")[1][6:]


class Head(msgspec.Struct):
    model: str
    stream: bool = False


dec, enc = msgspec.json.Decoder(), msgspec.json.Encoder()
head_dec = msgspec.json.Decoder(Head)


def orjson_rewrite() -> bytes:
    body = orjson.loads(RAW)
    return orjson.dumps({**body, "model": "gpt-4o-mini"})


def msgspec_rewrite() -> bytes:
    body: dict[str, Any] = dec.decode(RAW)
    body["model"] = "gpt-4o-mini"
    return enc.encode(body)


def stdlib_rewrite() -> bytes:
    body = json.loads(RAW)
    body["model"] = "gpt-4o-mini"
    return json.dumps(body, separators=(",", ":")).encode()


CASES = {
    "orjson: loads + rewrite model + dumps (Freehold's path)": orjson_rewrite,
    "msgspec: decode + rewrite model + encode": msgspec_rewrite,
    "stdlib json: loads + rewrite model + dumps": stdlib_rewrite,
    "orjson: loads only": lambda: orjson.loads(RAW),
    "msgspec: decode only (to dict)": lambda: dec.decode(RAW),
    "msgspec: typed decode of model/stream only (Struct, other fields skipped)": lambda: head_dec.decode(RAW),
    "orjson: loads one SSE chunk (370 B)": lambda: orjson.loads(SSE_EVENT),
    "msgspec: decode one SSE chunk (370 B)": lambda: dec.decode(SSE_EVENT),
}


def main() -> None:
    assert orjson.loads(orjson_rewrite()) == orjson.loads(msgspec_rewrite()) == orjson.loads(stdlib_rewrite())
    print(f"body {len(RAW)} B; µs per operation, median of 7 x 20,000")
    print("| operation | µs |\n|---|---|")
    for name, fn in CASES.items():
        runs = timeit.repeat(fn, number=20_000, repeat=7)
        print(f"| {name} | {statistics.median(runs) / 20_000 * 1e6:.2f} |")
    print(f"\norjson {orjson.__version__}, msgspec {msgspec.__version__}")


if __name__ == "__main__":
    main()
