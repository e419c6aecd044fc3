"""Rate limits per key and team: requests and tokens per minute, in OpenAI's headers.

A pipeline stage (``pipeline.Stage``): before a request that costs (chat, embeddings) it asks the
counters (``stores/counters.py``: GCRA, atomic over the key's and the team's limits together)
to admit it; a refusal is a 429 naming the limit, with ``Retry-After``. Every response of a
limited key carries OpenAI's ``x-ratelimit-limit-requests``, ``-remaining-requests``,
``-reset-requests`` and the ``-tokens`` triple, for the tightest of the limits that apply, so
that clients which pace themselves by those headers (the SDKs, LangChain) work unchanged.

Tokens are counted at admission, as OpenAI counts them: the prompt's estimate plus the maximum
output the request allows (``gateway.estimate_tokens``).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from freehold.context import RequestContext
from freehold.errors import MeteringUnavailable, RateLimited
from freehold.gateway import estimate_tokens
from freehold.pipeline import Stage
from freehold.schemas.chat import ChatRequest
from freehold.stores.counters import Counters, CountersUnavailable, LimitCheck, LimitResult

__all__ = ["RateLimits", "go_duration"]

log = logging.getLogger("freehold.governance")

_COSTLY = frozenset({"chat", "embeddings"})


def go_duration(seconds: float) -> str:
    """Seconds in Go's duration format, as OpenAI's reset headers carry them ("20ms", "1s", "6m0s")."""
    if seconds < 1:
        return f"{max(0, round(seconds * 1000))}ms"
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    return f"{minutes}m{rest}s" if minutes else f"{rest}s"


class RateLimits(Stage):
    """RPM and TPM of the request's key and of its team."""

    name = "rate_limits"

    def __init__(self, counters: Counters) -> None:
        self._counters = counters

    async def before(self, ctx: RequestContext, request: Any) -> None:
        principal = ctx.principal
        key, team = principal.key, principal.team
        if key is None or ctx.operation not in _COSTLY:
            return
        checks: list[LimitCheck] = []
        tokens: int | None = None
        for scope, record in (("key", key), ("team", team)):
            if record is None:
                continue
            if record.rpm:
                checks.append(LimitCheck(_counter(scope, record.id, "rpm"), record.rpm, 1, "requests"))
            if record.tpm:
                if tokens is None:
                    tokens = _tokens(request)
                checks.append(LimitCheck(_counter(scope, record.id, "tpm"), record.tpm, tokens, "tokens"))
        if not checks:
            return
        try:
            results = await self._counters.limit(checks)
        except CountersUnavailable as exc:
            if key.when_counters_down == "serve":
                log.warning("request %s: rate limits not checked (counters unreachable: %s)", ctx.request_id, exc)
                ctx.decide(self.name, "unmetered", "counters unreachable")
                return
            raise MeteringUnavailable(
                "This gateway cannot check rate limits right now (its counter store is unreachable), so it "
                "refuses rather than serve unmetered; retry shortly.",
                retry_after=1,
            ) from None
        _headers(ctx, results)
        refused = [r for r in results if r.retry_after > 0]
        if refused:
            worst = max(refused, key=lambda r: r.retry_after)
            scope = "key" if worst.check.counter.startswith("rl:key:") else "team"
            per = "requests" if worst.check.kind == "requests" else "tokens"
            raise RateLimited(
                f"Rate limit reached for this {scope}: {worst.check.limit} {per} per minute "
                f"({'this request counts ' + str(worst.check.cost) + ' tokens; ' if per == 'tokens' else ''}"
                f"retry in {max(1, round(worst.retry_after))} s).",
                code="rate_limit_exceeded",
                retry_after=worst.retry_after,
            )


@functools.lru_cache(maxsize=65536)
def _counter(scope: str, record_id: str, kind: str) -> str:
    """A limit's counter name, built once per key (not per request)."""
    return f"rl:{scope}:{record_id}:{kind}"


def _tokens(request: Any) -> int:
    if isinstance(request, ChatRequest):
        return estimate_tokens(request)
    inputs = request.body.get("input")
    texts = [inputs] if isinstance(inputs, str) else inputs if isinstance(inputs, list) else []
    return sum(len(t) // 4 + 1 if isinstance(t, str) else len(t) if isinstance(t, list) else 1 for t in texts)


_NAMES = {
    kind: (
        f"x-ratelimit-limit-{kind}".encode(),
        f"x-ratelimit-remaining-{kind}".encode(),
        f"x-ratelimit-reset-{kind}".encode(),
    )
    for kind in ("requests", "tokens")
}


def _headers(ctx: RequestContext, results: list[LimitResult]) -> None:
    """OpenAI's headers, from the tightest limit of each kind (names encoded once, not per request)."""
    headers = ctx.headers
    if headers is None:
        headers = ctx.headers = []
    for kind, (limit, remaining, reset) in _NAMES.items():
        mine = [r for r in results if r.check.kind == kind]
        if not mine:
            continue
        tightest = mine[0] if len(mine) == 1 else min(mine, key=lambda r: (r.remaining / r.check.limit, -r.reset))
        headers.append((limit, str(tightest.check.limit).encode()))
        headers.append((remaining, str(tightest.remaining).encode()))
        headers.append((reset, go_duration(tightest.reset).encode()))
