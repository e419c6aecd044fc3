"""Toy stages for the pipeline's contract tests, loaded by the real server from the gateway file.

Each exercises one part of the contract (``freehold.pipeline``): rewriting the request and
routing it elsewhere, refusing it, seeing the whole answer, transforming a stream chunk by
chunk (holding chunks back and releasing them at the end), filtering the models list, and
failing in the middle of a stream.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import orjson

from freehold.context import RequestContext
from freehold.errors import PermissionDenied
from freehold.pipeline import Stage
from freehold.stores.counters import to_nanos
from freehold.usage import Ending

ENDINGS: list[str] = []
"""Where the stream stages' ``on_end`` was called (in the server process: read through its log)."""


class Route(Stage):
    """Sends requests whose last message says ``route me`` to ``to``, and says so in a header."""

    def __init__(self, to: str) -> None:
        self.to = to

    async def before(self, ctx: RequestContext, request: Any) -> None:
        if ctx.operation == "chat" and "route me" in _last_text(request.body):
            request.model = self.to
            ctx.decide(self.name, "routed", self.to)
            ctx.add_header("x-toy-route", self.to)


class Refuse(Stage):
    """Refuses any request (chat, embeddings, token counting) that mentions ``word``."""

    def __init__(self, word: str) -> None:
        self.word = word

    async def before(self, ctx: RequestContext, request: Any) -> None:
        text = orjson.dumps(request.body.get("messages") or request.body.get("input")).decode()
        if self.word in text:
            ctx.add_header("x-toy-refused", self.word)
            raise PermissionDenied(f"Requests that mention '{self.word}' are refused by the toy policy.")


class Shout(Stage):
    """Upper-cases the answer: the whole one in ``after``, a stream's text chunk by chunk."""

    async def after(self, ctx: RequestContext, answer: Any) -> None:
        body = orjson.loads(answer.result.body)
        for choice in body.get("choices", []):
            message = choice.get("message") or {}
            if isinstance(message.get("content"), str):
                message["content"] = message["content"].upper()
        answer.result.body = orjson.dumps(body)

    def on_chunk(self, ctx: RequestContext, chunk: dict[str, Any]) -> list[dict[str, Any]]:
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            if isinstance(delta.get("content"), str):
                delta["content"] = delta["content"].upper()
        return [chunk]


class Hold(Stage):
    """Holds every text chunk back and releases them all, joined into one, when the stream ends.

    Stands for what pseudonym restoration does with a placeholder split across chunks.
    """

    def __init__(self) -> None:
        self.held: dict[str, list[dict[str, Any]]] = {}

    def on_chunk(self, ctx: RequestContext, chunk: dict[str, Any]) -> list[dict[str, Any]]:
        choices = chunk.get("choices") or []
        if choices and isinstance((choices[0].get("delta") or {}).get("content"), str) and not choices[0].get(
            "finish_reason"
        ):
            self.held.setdefault(ctx.request_id, []).append(chunk)
            return []
        held = self.held.pop(ctx.request_id, [])
        if not held:
            return [chunk]
        text = "".join(c["choices"][0]["delta"]["content"] for c in held)
        first = held[0]["choices"][0]
        joined = {**held[0], "choices": [{**first, "delta": {**first["delta"], "content": text}}]}
        return [joined, chunk]

    def on_end(self, ctx: RequestContext, ending: Ending) -> list[dict[str, Any]]:
        ENDINGS.append(ending)
        held = self.held.pop(ctx.request_id, [])
        return held


class Explode(Stage):
    """Raises an unexpected exception on the stream's third chunk (a bug in a stage, mid-stream)."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def on_chunk(self, ctx: RequestContext, chunk: dict[str, Any]) -> list[dict[str, Any]]:
        n = self.seen[ctx.request_id] = self.seen.get(ctx.request_id, 0) + 1
        if n == 3:
            raise RuntimeError("toy stage bug")
        return [chunk]


class Hide(Stage):
    """Hides ``hidden`` from the models list of anonymous callers."""

    def __init__(self, hidden: list[str]) -> None:
        self.hidden = set(hidden)

    async def models(self, ctx: RequestContext, aliases: list[str]) -> list[str]:
        return [a for a in aliases if a not in self.hidden]


def _last_text(body: dict[str, Any]) -> str:
    messages = body.get("messages") or []
    content = messages[-1].get("content") if messages else None
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


class Reserve(Stage):
    """Stands in for the budgets stage: holds ``usd`` for every chat request, where the ledger reads it."""

    name = "budgets"

    def __init__(self, usd: str) -> None:
        self.nanos = to_nanos(Decimal(usd))

    async def before(self, ctx: RequestContext, request: Any) -> None:
        ctx.stage_state(self.name)["held"] = SimpleNamespace(reserved=self.nanos)
