"""Micro-benchmark of the privacy policies' cost (issue 11): ``python bench/privacy_restore.py``.

What a pseudonymized stream pays per chunk, in three layers: the parse and re-encode every stream
with a stream stage pays (``streaming._Transform``), then the restorer's ``on_chunk``; and how
much text restoration holds back (chunks not sent on arrival, characters held at most). Also the
``before`` cost of a typical request (detection with the temporary three-pattern detector, the
walk, the rewrite), and what a request without a policy match pays (nothing: no stage).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from typing import Any

import orjson

from freehold.config.privacy import DetectionSection, PoliciesSection
from freehold.context import RequestContext
from freehold.pipeline import Stage
from freehold.privacy.detectors import build_detector
from freehold.privacy.pseudonymize import Table
from freehold.privacy.restore import StreamRestorer
from freehold.privacy.stage import PrivacyStage
from freehold.schemas.chat import ChatRequest
from freehold.streaming import _Transform
from freehold.transport.sse import encode_event

TABLE = Table({"<EMAIL_1>": "ann.lee@example.com", "<PHONE_1>": "+44 20 7946 0958", "<EMAIL_2>": "bo@x.io"})
WORDS = ("The quick brown fox jumps over the lazy dog and writes to <EMAIL_1> then calls <PHONE_1> "
         "about the order for <EMAIL_2>; thanks. ") * 20  # fmt: skip


def token_pieces(text: str) -> list[str]:
    """Roughly what a model streams: 1–5 characters, cycling (so placeholders are cut everywhere)."""
    out, i, n = [], 0, 0
    while i < len(text):
        size = 1 + n % 5
        out.append(text[i : i + size])
        i, n = i + size, n + 1
    return out


def chunk(content: str) -> dict[str, Any]:
    return {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
            "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}]}  # fmt: skip


def per_chunk_ns(fn: Callable[[], int], rounds: int = 30) -> float:
    """Median ns per chunk over ``rounds`` runs of ``fn`` (which returns how many chunks it handled)."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        count = fn()
        samples.append((time.perf_counter_ns() - start) / count)
    return statistics.median(samples)


class Restore(Stage):
    def __init__(self) -> None:
        self.r = StreamRestorer(TABLE)

    def on_chunk(self, ctx: RequestContext, chunk: dict[str, Any]) -> list[dict[str, Any]]:
        return self.r.on_chunk(chunk)

    def on_end(self, ctx: RequestContext, ending: Any) -> list[dict[str, Any]]:
        return self.r.flush()


class Nothing(Stage):
    def on_chunk(self, ctx: RequestContext, chunk: dict[str, Any]) -> list[dict[str, Any]]:
        return [chunk]


def main() -> None:
    pieces = token_pieces(WORDS)
    plain = token_pieces(WORDS.replace("<", "(").replace(">", ")"))
    events = [encode_event(chunk(p)) for p in pieces]
    ctx = RequestContext("chat_completions", "chat")

    def restorer_only(ps: list[str]) -> Callable[[], int]:
        def run() -> int:
            r = StreamRestorer(TABLE)
            for p in ps:
                r.on_chunk(chunk(p))
            r.flush()
            return len(ps)

        return run

    def chunks_only(ps: list[str]) -> Callable[[], int]:  # the cost of building the dicts, subtracted
        def run() -> int:
            for p in ps:
                chunk(p)
            return len(ps)

        return run

    def transform(stage: Stage | None) -> Callable[[], int]:
        def run() -> int:
            t = _Transform(ctx, "d", (stage,) if stage else (Nothing(),))
            for e in events:
                t.feed(e)
            t.end("complete")
            return len(events)

        return run

    base = per_chunk_ns(chunks_only(pieces))
    print(f"chunks: {len(pieces)} of 1-5 characters, {WORDS.count('<')} placeholders")
    print(f"restorer on_chunk, text with placeholders: {per_chunk_ns(restorer_only(pieces)) - base:.0f} ns/chunk")
    print(f"restorer on_chunk, text without '<':       {per_chunk_ns(restorer_only(plain)) - base:.0f} ns/chunk")
    parse = per_chunk_ns(transform(None))
    full = per_chunk_ns(transform(Restore()))
    print(f"parse + re-encode (any stream stage):      {parse:.0f} ns/chunk")
    print(f"parse + restore + re-encode:               {full:.0f} ns/chunk")

    r = StreamRestorer(TABLE)
    held_max = 0
    out_text = []
    for p in pieces:
        for c in r.on_chunk(chunk(p)):
            out_text.append(c["choices"][0]["delta"].get("content") or "")
        held_max = max(held_max, max((f.held for f in r._fields.values()), key=len, default="").__len__())
    print(f"held back: {r.held_chunks} of {len(pieces)} chunks not sent on arrival; at most {held_max} characters")
    assert "".join(out_text) + "".join(c["choices"][0]["delta"]["content"] for c in r.flush()) == TABLE.restore(
        "".join(pieces)
    )

    stage = PrivacyStage(PoliciesSection(default="pseudonymize"), build_detector(DetectionSection()), frozenset(), {})
    text = "Hello, please write to ann.lee@example.com or call +44 20 7946 0958 about order 1234. " * 24  # ~2 KB
    body = {"model": "a", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": text}]}
    raw = orjson.dumps(body)

    async def before(n: int) -> float:
        start = time.perf_counter_ns()
        for _ in range(n):
            await stage.before(RequestContext("chat_completions", "chat"), ChatRequest(orjson.loads(raw), "a", False))
        return (time.perf_counter_ns() - start) / n / 1000

    print(f"before() on a {len(raw)} B request with 48 findings: {asyncio.run(before(300)):.0f} µs")
    clean = {"model": "a", "messages": [{"role": "user", "content": "Nothing personal here. " * 90}]}
    raw = orjson.dumps(clean)
    print(f"before() on a {len(raw)} B request with no finding:  {asyncio.run(before(300)):.0f} µs")


if __name__ == "__main__":
    main()
