"""``CacheStage``: answers a repeated (or, with ``semantic``, similar) request from the cache.

Placed after the privacy stage and the operator's stages (so the key is the request as it will
be sent: pseudonymized, routed) and before budgets (a hit reserves nothing and costs nothing).
On a hit, ``before`` serves the stored answer (``ctx.serve``); the gateway skips the providers
and replays a stream from it. On a miss it remembers the key; ``after`` stores a whole answer.
A stream's canonical bytes are kept as they are read (``ctx.tap_stream``: a list append per
chunk, so the stream keeps its unparsed fast path) and assembled once, in ``done``, when it
ended with status 200 — never a cut stream, never an error (errors never reach ``after``).

``Cache-Control: no-cache`` skips the lookup (the fresh answer is still stored); ``no-store``
skips both. The door says ``x-freehold-cache: hit`` or ``miss`` on every answer (from
``ctx.served``); the decision (``ctx.decide("cache", ...)``) says why.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import orjson

from freehold.cache.config import AliasCache
from freehold.cache.exact import ExactCache
from freehold.cache.keys import cacheable, exact_key, last_user_text, partition_key, scope_of
from freehold.cache.replay import Assembler
from freehold.context import RequestContext
from freehold.pipeline import Stage
from freehold.schemas.chat import ChatRequest

if TYPE_CHECKING:
    from freehold.cache.semantic import SemanticIndex
    from freehold.observability.metrics import CounterFamily

__all__ = ["CacheStage", "directives"]

log = logging.getLogger("freehold.cache")

NAME = "cache"


def directives(ctx: RequestContext) -> tuple[bool, bool]:
    """(read, write) from the request's ``Cache-Control`` header."""
    value = (ctx.metadata or {}).get("cache-control")
    if not value:
        return True, True
    tokens = {t.strip().split("=", 1)[0].lower() for t in value.split(",")}
    if "no-store" in tokens:
        return False, False
    return "no-cache" not in tokens, True


class CacheStage(Stage):
    name = NAME

    def __init__(
        self,
        policies: Mapping[str, AliasCache],
        cache: ExactCache,
        ttl: float,
        semantic: SemanticIndex | None = None,
        counter: CounterFamily | None = None,
    ) -> None:
        self._policies = dict(policies)
        self._cache = cache
        self._ttl = ttl
        self._semantic = semantic
        self._counter = counter
        self._writes: set[asyncio.Task[None]] = set()

    async def before(self, ctx: RequestContext, request: Any) -> None:
        if ctx.operation not in ("chat", "embeddings"):
            return
        policy = self._policies.get(ctx.alias) or self._policies.get(request.model)
        if policy is None:
            return
        read, write = directives(ctx)
        body = request.body
        why = "no-store" if not write else cacheable(body, policy.tools) if ctx.operation == "chat" else ""
        stream = isinstance(request, ChatRequest) and request.stream
        if not why and stream and not policy.streams:
            why = "stream"
        if why:
            self._miss(ctx, "bypass", why)
            return
        scope = scope_of(ctx, policy.scope)
        try:
            key = exact_key(ctx.operation, request.model, scope, body)
        except TypeError:
            self._miss(ctx, "bypass", "body cannot be normalized")
            return
        state = ctx.stage_state(NAME)
        state["key"] = key
        state["ttl"] = policy.ttl or self._ttl
        if read and policy.exact:
            entry = await self._cache.get(key)
            if entry is not None:
                self._hit(ctx, entry, "exact")
                return
        semantic = policy.semantic
        if semantic is not None and self._semantic is not None and ctx.operation == "chat":
            text = last_user_text(body)
            if text and len(text) <= semantic.max_chars:
                partition = partition_key(request.model, scope, body)
                vector = await self._semantic.embed(text)
                state["vector"] = (partition, vector)
                found = await self._semantic.search(partition, vector, semantic.threshold) if read else None
                if found is not None:
                    entry = await self._cache.get(found[0])
                    if entry is not None:
                        self._hit(ctx, entry, f"semantic {found[1]:.3f}")
                        return
        state["store"] = True
        if stream:
            raw: list[bytes] = []
            state["raw"] = raw
            ctx.tap_stream(raw.append)
        self._miss(ctx, "miss", "" if read else "no-cache")

    def _hit(self, ctx: RequestContext, entry: tuple[str, bytes], how: str) -> None:
        deployment, body = entry
        ctx.serve(body, deployment, NAME)
        ctx.decide(NAME, "hit", how)
        if self._counter is not None:
            self._counter.labels(ctx.alias, "hit").inc()

    def _miss(self, ctx: RequestContext, action: str, why: str) -> None:
        ctx.decide(NAME, action, why)
        if self._counter is not None:
            self._counter.labels(ctx.alias, "miss").inc()

    async def after(self, ctx: RequestContext, answer: Any) -> None:
        state = (ctx.state or {}).get(NAME)
        if not state or not state.get("store"):
            return
        await self._store(state, answer.deployment, answer.result.body)

    async def _store(self, state: dict[str, Any], deployment: str, body: bytes) -> None:
        key, ttl = state["key"], state["ttl"]
        if not await self._cache.put(key, deployment, body, ttl):
            return
        found = state.get("vector")
        if found is not None and self._semantic is not None:
            try:
                await self._semantic.add(found[0], found[1], key, ttl)
            except Exception as exc:
                log.warning("cache: semantic index not updated: %s", exc)

    def meters(self, ctx: RequestContext) -> bool:
        """A stream is stored with its usage, so that a hit's saved cost is the vendor's count."""
        return "raw" in (ctx.state or {}).get(NAME, ())

    def done(self, ctx: RequestContext, status: int | str) -> None:
        state = (ctx.state or {}).get(NAME)
        if not state or status != 200 or "raw" not in state:
            return  # not a stream to store, or one that did not end complete (cut, left, capped)
        try:
            body = _assemble(state["raw"])
        except Exception:
            log.exception("request %s: its stream could not be assembled for the cache", ctx.request_id)
            return
        if body is None:
            return
        task = asyncio.ensure_future(self._store(state, ctx.deployment, body))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def close(self) -> None:
        """Finish the stores of streams still being written, then close the store (at shutdown)."""
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)
        await self._cache.store.close()


def _assemble(raw: list[bytes]) -> bytes | None:
    """A complete stream's ``chat.completion`` (with the usage the upstream reported), or None.

    The canonical stream is one ``data:`` line per event (as every adapter frames it), so its
    lines are split and parsed directly: a quarter of the general SSE decoder's cost. Anything
    else (a comment, an event split over lines) is not stored.
    """
    assembler = Assembler()
    usage = None
    for line in b"".join(raw).split(b"\n"):
        if not line.startswith(b"data:"):
            if line.strip():
                return None
            continue
        data = line[5:].strip()
        if data == b"[DONE]":
            return assembler.completion(usage)
        try:
            chunk = orjson.loads(data)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(chunk, dict):
            return None
        assembler.feed(chunk)
        if isinstance(chunk.get("usage"), dict):
            usage = chunk["usage"]
    return None  # no [DONE]: not complete
