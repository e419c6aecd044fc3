"""A fault-injecting OpenAI-compatible upstream on loopback, for the chaos tests of the resilience engine.

It speaks OpenAI's chat wire format (whole answers and SSE streams ended by ``data: [DONE]``) and,
per request, draws from a seeded generator whether to fail and how. Behaviour is chosen by the
model name, or by ``configure(model, ...)`` from the test:

| model                    | behaviour                                                                  |
| ------------------------ | -------------------------------------------------------------------------- |
| ``chaos-<pct>[-<tag>]``  | ``pct`` % of requests fail with a fault drawn from ``RECOVERABLE``         |
| ``always-<kind>[-<tag>]``| every request fails with fault ``kind`` (a name from ``KINDS``)             |
| ``tight-<ms>[-<tag>]``   | normal answers whose ``x-ratelimit-*`` headers say no request is left for   |
|                          | ``ms`` milliseconds (a quota-aware gateway should hold back until then)    |
| anything else            | a normal answer, with ``x-ratelimit-*`` headers showing plenty left         |

The ``-<tag>`` suffix only makes the name (and so its counters and generator) distinct, so that
several aliases can each have their own chaos deployment.

Faults (``KINDS``); "before the first byte" means before the first SSE event of a stream, so a
gateway can still fail over invisibly; the ``*_after_first_byte`` kinds cannot be hidden:

| kind                        | what the upstream does                                                      |
| --------------------------- | --------------------------------------------------------------------------- |
| ``rate_limit``              | 429 ``rate_limit_exceeded``, ``retry-after``/``retry-after-ms`` (0-1 s) and  |
|                             | ``x-ratelimit-*`` headers saying the window is spent                        |
| ``server_error``            | 500 ``server_error``                                                        |
| ``unavailable``             | 503 "engine overloaded"                                                     |
| ``overloaded``              | 529 with an OpenAI-shaped ``overloaded_error`` body                          |
| ``slow_first_byte``         | silent for ``slow_seconds``, then a normal answer (a timeout if that is      |
|                             | beyond the deployment's read timeout)                                       |
| ``hang``                    | never answers, until the client gives up                                    |
| ``reset``                   | TCP reset before the status line                                            |
| ``reset_mid_response``      | 200 and headers, then a TCP reset (whole: half the body; stream: no event)  |
| ``truncated``               | 200 and headers, then a clean close short of the body (whole: half the JSON |
|                             | of a declared length; stream: no event and no ``[DONE]``)                   |
| ``malformed``               | 200 with a broken body (whole: truncated JSON; stream: a proxy's JSON error  |
|                             | page with ``application/json``, not ``text/event-stream``)                  |
| ``cut_after_first_byte``    | stream: ``cut_after`` events, then a clean close without ``[DONE]``          |
| ``reset_after_first_byte``  | stream: ``cut_after`` events, then a TCP reset                              |

For whole (non-stream) answers the two ``*_after_first_byte`` kinds behave like ``truncated``
and ``reset_mid_response``. ``attempts`` counts requests per model (every attempt the gateway
made, faulty or not) so that tests can bound retries; ``faults`` counts the injected ones by kind,
``times`` keeps each attempt's arrival time (``time.monotonic``) per model, and ``arrivals`` the
(model, last message text) of every attempt in arrival order, so tests can tell requests apart.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import socket
import struct
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiohttp import web

from tests.integration.mocks.loopback import LoopbackServer

EXPECTED_KEY = "sk-chaos-upstream-5e0a1c"
TEXT = "Hello from the chaos upstream, all in one piece."

RECOVERABLE = (
    "rate_limit",
    "server_error",
    "unavailable",
    "overloaded",
    "slow_first_byte",
    "hang",
    "reset",
    "reset_mid_response",
    "truncated",
    "malformed",
)
AFTER_FIRST_BYTE = ("cut_after_first_byte", "reset_after_first_byte")
KINDS = RECOVERABLE + AFTER_FIRST_BYTE

_TIGHT = re.compile(r"^tight-(?P<ms>\d+)(?:-[A-Za-z0-9]+)?$")
_NAME = re.compile(r"^(?:chaos-(?P<pct>\d{1,3})|always-(?P<kind>[a-z_]+))(?:-(?P<tag>[A-Za-z0-9]+))?$")

_ERROR_BODIES: dict[str, tuple[int, dict[str, Any]]] = {
    "rate_limit": (
        429,
        {
            "message": "Rate limit reached for chaos in organization org-chaos on requests per min (RPM): "
            "Limit 600, Used 600, Requested 1.",
            "type": "requests",
            "param": None,
            "code": "rate_limit_exceeded",
        },
    ),
    "server_error": (
        500,
        {
            "message": "The server had an error while processing your request. Sorry about that!",
            "type": "server_error",
            "param": None,
            "code": None,
        },
    ),
    "unavailable": (
        503,
        {
            "message": "The engine is currently overloaded, please try again later.",
            "type": "server_error",
            "param": None,
            "code": None,
        },
    ),
    "overloaded": (
        529,
        {"message": "Overloaded", "type": "overloaded_error", "param": None, "code": "overloaded"},
    ),
}


@dataclass
class Faults:
    """How one model misbehaves: ``rate`` of its requests fail with a kind drawn from ``kinds``."""

    rate: float
    kinds: tuple[str, ...] = RECOVERABLE
    slow_seconds: float = 1.0
    """For ``slow_first_byte``: silence before the answer."""
    cut_after: int = 2
    """For the ``*_after_first_byte`` kinds: stream events sent before the cut."""
    retry_after: tuple[float, float] = (0.0, 1.0)
    """For ``rate_limit``: the Retry-After is drawn uniformly from this range (seconds)."""

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")


@dataclass
class ChaosMock(LoopbackServer):
    """The server, run on its own event loop in a thread so that tests may be sync or async."""

    # handler_cancellation: a gateway that gives up on a hanging request frees its handler.
    runner_options: ClassVar[dict[str, Any]] = {"handler_cancellation": True}
    backlog: ClassVar[int] = 1024

    seed: int = 4
    attempts: Counter[str] = field(default_factory=Counter)
    faults: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(model, kind) → injected faults."""
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    arrivals: list[tuple[str, str]] = field(default_factory=list)
    _config: dict[str, Faults] = field(default_factory=dict)
    _rngs: dict[str, random.Random] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def deployment(self, model: str, **extra: Any) -> dict[str, Any]:
        """A gateway-config deployment on this mock (the key is read from ``CHAOS_KEY``)."""
        return {"provider": "openai", "model": model, "api_base": self.base_url, "api_key": "env:CHAOS_KEY", **extra}

    # --- control ------------------------------------------------------------------------

    def configure(self, model: str, faults: Faults | None) -> None:
        """Set (or with None, clear) ``model``'s faults, overriding what its name says."""
        with self._lock:
            if faults is None:
                self._config.pop(model, None)
            else:
                self._config[model] = faults

    def total(self, prefix: str) -> int:
        """Attempts on every model whose name starts with ``prefix``."""
        with self._lock:
            return sum(n for m, n in self.attempts.items() if m.startswith(prefix))

    def _faults_for(self, model: str) -> Faults | None:
        found = self._config.get(model)
        if found is not None:
            return found
        m = _NAME.match(model)
        if m is None:
            return None
        if m["pct"] is not None:
            return Faults(rate=min(int(m["pct"]), 100) / 100)
        return Faults(rate=1.0, kinds=(m["kind"],))

    def _draw(self, model: str, marker: str) -> tuple[str | None, Faults | None, random.Random]:
        """Count the attempt and decide its fault (None: answer normally), deterministically per model."""
        with self._lock:
            self.attempts[model] += 1
            self.arrivals.append((model, marker))
            self.times[model].append(time.monotonic())
            rng = self._rngs.get(model)
            if rng is None:
                rng = self._rngs[model] = random.Random(f"{self.seed}:{model}")
            faults = self._faults_for(model)
            kind = None
            if faults is not None and faults.kinds and rng.random() < faults.rate:
                kind = rng.choice(faults.kinds)
                self.faults[(model, kind)] += 1
            return kind, faults, rng

    # --- lifecycle ----------------------------------------------------------------------

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        return app

    # --- the endpoint -------------------------------------------------------------------

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Authorization") != f"Bearer {EXPECTED_KEY}":
            unauthorized = {"message": "Incorrect API key.", "type": "invalid_request_error", "param": None,
                            "code": "invalid_api_key"}  # fmt: skip
            return _error(401, unauthorized)
        body = json.loads(await request.read())
        model = body["model"]
        stream = body.get("stream") is True
        messages = body.get("messages") or [{}]
        marker = messages[-1].get("content") if isinstance(messages[-1].get("content"), str) else ""
        kind, faults, rng = self._draw(model, marker)
        if kind is None:
            return await self._answer(request, body, stream, cut=None)
        assert faults is not None
        if kind in _ERROR_BODIES:
            status, error = _ERROR_BODIES[kind]
            extra: dict[str, str] = {}
            if kind == "rate_limit":
                wait = round(rng.uniform(*faults.retry_after), 3)
                extra = {
                    "retry-after": str(round(wait)),
                    "retry-after-ms": str(int(wait * 1000)),
                    "x-ratelimit-limit-requests": "600",
                    "x-ratelimit-remaining-requests": "0",
                    "x-ratelimit-reset-requests": f"{int(wait * 1000)}ms",
                    "x-ratelimit-limit-tokens": "1000000",
                    "x-ratelimit-remaining-tokens": "998000",
                    "x-ratelimit-reset-tokens": "120ms",
                }
            return _error(status, error, extra)
        if kind == "slow_first_byte":
            await asyncio.sleep(faults.slow_seconds)
            return await self._answer(request, body, stream, cut=None)
        if kind == "hang":
            await asyncio.sleep(3600)  # cancelled when the gateway closes the connection
        if kind == "reset":
            _reset(request)
            return web.Response(status=499)  # never sent: the connection is gone
        if kind == "malformed" and stream:
            return web.json_response({"error": "upstream proxy: backend unavailable"}, status=200)
        return await self._answer(request, body, stream, cut=(kind, faults.cut_after))

    async def _answer(
        self, request: web.Request, body: dict[str, Any], stream: bool, cut: tuple[str, int] | None
    ) -> web.StreamResponse:
        """A normal answer, or one cut short as ``cut`` = (fault kind, events to send first) says."""
        model = body["model"]
        cid = f"chatcmpl-chaos{id(request):x}"
        usage = {"prompt_tokens": 12, "completion_tokens": 10, "total_tokens": 22}
        if not stream:
            raw = json.dumps(
                {
                    "id": cid,
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": TEXT, "refusal": None},
                            "logprobs": None,
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": usage,
                }
            ).encode()
            if cut is None:
                return web.Response(body=raw, content_type="application/json", headers=_quota_headers(model))
            kind = cut[0]
            if kind == "malformed":  # a 200 whose JSON breaks off, with a consistent length
                return web.Response(body=raw[: len(raw) // 2], content_type="application/json")
            resp = web.StreamResponse(headers={"Content-Type": "application/json", "Content-Length": str(len(raw))})
            await resp.prepare(request)
            await resp.write(raw[: len(raw) // 2])
            if kind in ("reset_mid_response", "reset_after_first_byte"):
                _reset(request)
            else:
                _close(request)
            return resp
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream; charset=utf-8", **_quota_headers(model)})
        await resp.prepare(request)
        base = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model}

        def event(delta: dict[str, Any], finish: str | None = None) -> bytes:
            chunk = {**base, "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
            return b"data: " + json.dumps(chunk).encode() + b"\n\n"

        words = TEXT.split(" ")
        events = [event({"role": "assistant", "content": ""})]
        events += [event({"content": w if i == 0 else " " + w}) for i, w in enumerate(words)]
        events.append(event({}, "stop"))
        if (body.get("stream_options") or {}).get("include_usage"):
            events.append(b"data: " + json.dumps({**base, "choices": [], "usage": usage}).encode() + b"\n\n")
        events.append(b"data: [DONE]\n\n")
        if cut is not None:
            kind, after = cut
            sent = after if kind in AFTER_FIRST_BYTE else 0
            for chunk in events[: min(sent, len(events) - 2)]:
                await resp.write(chunk)
            if kind in ("reset_mid_response", "reset_after_first_byte"):
                if sent:  # let the events be read first: a reset discards what the peer has not read
                    await asyncio.sleep(0.05)
                _reset(request)
            else:
                _close(request)
            return resp
        for chunk in events:
            await resp.write(chunk)
        await resp.write_eof()
        return resp


def _error(status: int, error: dict[str, Any], extra: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": error}, status=status, headers=extra or {})


def _quota_headers(model: str) -> dict[str, str]:
    """OpenAI's ``x-ratelimit-*`` headers for a served request: plenty left, or none for ``tight-<ms>``."""
    tight = _TIGHT.match(model)
    return {
        "x-ratelimit-limit-requests": "10000",
        "x-ratelimit-remaining-requests": "0" if tight else "9999",
        "x-ratelimit-reset-requests": f"{tight['ms']}ms" if tight else "6ms",
        "x-ratelimit-limit-tokens": "10000000",
        "x-ratelimit-remaining-tokens": "9999950",
        "x-ratelimit-reset-tokens": "0s",
    }


def _close(request: web.Request) -> None:
    """End the connection cleanly (FIN): the client sees the body end short."""
    if request.transport is not None:
        request.transport.close()


def _reset(request: web.Request) -> None:
    """End the connection with a TCP reset (RST), as a crashed upstream or a middlebox does."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
