"""Toy stages for the pipeline's contract tests, loaded by the real server from the gateway file.

Each exercises one part of the contract (``freehold.pipeline``): rewriting the request and
routing it elsewhere, refusing it, seeing the whole answer, transforming a stream chunk by
chunk (holding chunks back and releasing them at the end), filtering the models list, failing
in the middle of a stream, and accounting for each request as it ends (``done``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson

from freehold.context import RequestContext
from freehold.errors import PermissionDenied
from freehold.pipeline import Stage
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
        if (
            choices
            and isinstance((choices[0].get("delta") or {}).get("content"), str)
            and not choices[0].get("finish_reason")
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


class Meter(Stage):
    """Writes each request's ``ctx.usage`` as a JSON line to ``path`` as the request ends.

    Its ``done`` hook makes the aliases it applies to metered, as budgets and the ledger do; the
    server runs in another process, so the tests read what it saw from the file.
    """

    def __init__(self, path: str) -> None:
        self.path = path

    def done(self, ctx: RequestContext, status: int | str) -> None:
        usage = None if ctx.usage is None else dataclasses.asdict(ctx.usage)
        line = {"request_id": ctx.request_id, "door": ctx.door, "status": status, "usage": usage}
        with open(self.path, "ab") as out:  # a test's stage: a blocking write is fine here
            out.write(orjson.dumps(line) + b"\n")


class Privacy(Stage):
    """Stands for the privacy stage, for the audit log's tests: counts the words of ``categories``
    (category → word) in the request and leaves what the real stage leaves; ``block`` refuses.
    """

    name = "privacy"

    def __init__(self, categories: dict[str, str], block: str = "") -> None:
        self.categories = categories
        self.block = block

    async def before(self, ctx: RequestContext, request: Any) -> None:
        from freehold.errors import PrivacyBlocked

        text = orjson.dumps(request.body.get("messages") or request.body.get("input")).decode()
        found = {category: text.count(word) for category, word in self.categories.items() if word in text}
        blocked = bool(self.block) and self.block in found
        ctx.stage_state(self.name).update(
            categories=found, action="block" if blocked else ("pseudonymize" if found else "none")
        )
        if blocked:
            raise PrivacyBlocked(f"The request was blocked by the toy privacy policy: it contains {self.block}.")
