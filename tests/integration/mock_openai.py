"""A loopback mock of OpenAI's API, speaking its real wire format.

Behaviour is chosen by the requested model name (the way tensorzero's dummy provider does it):

| model             | behaviour                                                                   |
| ----------------- | --------------------------------------------------------------------------- |
| anything else     | a normal answer (tools → tool call; ``stream`` → SSE; include_usage honored) |
| ``error-401``     | 401 ``invalid_api_key`` (message quotes a masked key, as OpenAI's does)      |
| ``error-429``     | 429 ``rate_limit_exceeded`` with ``retry-after`` and ``x-ratelimit-*``       |
| ``error-quota``   | 429 ``insufficient_quota``                                                  |
| ``error-context`` | 400 ``context_length_exceeded``, ``param: messages``                         |
| ``error-404``     | 404 ``model_not_found``                                                     |
| ``error-500``     | 500 ``server_error``                                                        |
| ``error-503``     | 503 overloaded                                                              |
| ``bad-json``      | 200 with an HTML body                                                       |
| ``hang``          | never answers (until the client gives up)                                   |
| ``slow-stream``   | one event every 100 ms for 20 s; records when the client went away          |
| ``slow-start``    | silent for 10 s before answering; records when the client went away          |
| ``cut-stream``    | three events, then the connection is closed without ``[DONE]``              |
| ``split-stream``  | compact JSON as OpenAI sends it; each event written in two pieces cut inside |
|                   | its ``"usage"`` key (with include_usage), the usage event's rest with ``[DONE]`` |
| ``burst-stream``  | compact JSON; the whole stream in one write (usage and ``[DONE]`` together)  |
| ``*cached*``      | usage reports 4 ``prompt_tokens_details.cached_tokens``                      |

Formats follow the API reference: errors ``{"error": {"message", "type", "param", "code"}}``;
rate-limit headers ``x-ratelimit-{limit,remaining,reset}-{requests,tokens}``; streams are
``data: <json>\\n\\n`` events of ``chat.completion.chunk`` objects ended by ``data: [DONE]``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import struct
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.integration.mocks.loopback import LoopbackServer

EXPECTED_KEY = "sk-upstream-test-4b1d9e0c7a2f"

_ERRORS: dict[str, tuple[int, dict[str, Any], dict[str, str]]] = {
    "error-401": (
        401,
        {
            "message": "Incorrect API key provided: sk-upstr***************7a2f. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        },
        {},
    ),
    "error-429": (
        429,
        {
            "message": "Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): "
            "Limit 3, Used 3, Requested 1. Please try again in 20s.",
            "type": "requests",
            "param": None,
            "code": "rate_limit_exceeded",
        },
        {"retry-after": "20", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "20s"},
    ),
    "error-quota": (
        429,
        {
            "message": "You exceeded your current quota, please check your plan and billing details.",
            "type": "insufficient_quota",
            "param": None,
            "code": "insufficient_quota",
        },
        {},
    ),
    "error-context": (
        400,
        {
            "message": "This model's maximum context length is 128000 tokens. However, your messages resulted in "
            "130021 tokens. Please reduce the length of the messages.",
            "type": "invalid_request_error",
            "param": "messages",
            "code": "context_length_exceeded",
        },
        {},
    ),
    "error-404": (
        404,
        {
            "message": "The model `error-404` does not exist or you do not have access to it.",
            "type": "invalid_request_error",
            "param": None,
            "code": "model_not_found",
        },
        {},
    ),
    "error-500": (
        500,
        {
            "message": "The server had an error while processing your request. Sorry about that!",
            "type": "server_error",
            "param": None,
            "code": None,
        },
        {},
    ),
    "error-503": (
        503,
        {
            "message": "The engine is currently overloaded, please try again later.",
            "type": "server_error",
            "param": None,
            "code": None,
        },
        {},
    ),
}


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class MockOpenAI(LoopbackServer):
    """The mock server; ``requests`` records what reached it, ``disconnects`` when clients left."""

    requests: list[Recorded] = field(default_factory=list)
    disconnects: list[float] = field(default_factory=list)
    _counter: int = 0

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    # --- lifecycle (in a thread with its own loop, so tests stay synchronous) -------------

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/v1/embeddings", self._embeddings)
        return app

    def last(self) -> Recorded:
        return self.requests[-1]

    # --- helpers --------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        self._counter += 1
        return {
            "x-request-id": f"req_mock{self._counter:06d}",
            "openai-version": "2020-10-01",
            "openai-processing-ms": "12",
            "x-ratelimit-limit-requests": "10000",
            "x-ratelimit-limit-tokens": "10000000",
            "x-ratelimit-remaining-requests": "9999",
            "x-ratelimit-remaining-tokens": "9999950",
            "x-ratelimit-reset-requests": "6ms",
            "x-ratelimit-reset-tokens": "0s",
        }

    def _error(self, status: int, error: dict[str, Any], extra: dict[str, str] | None = None) -> web.Response:
        headers = {**self._headers(), **(extra or {})}
        return web.json_response({"error": error}, status=status, headers=headers)

    async def _record(self, request: web.Request) -> tuple[dict[str, Any] | None, web.Response | None]:
        raw = await request.read()
        try:
            body = json.loads(raw)
        except ValueError:
            return None, self._error(
                400,
                {
                    "message": "We could not parse the JSON body of your request.",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": None,
                },
            )
        self.requests.append(Recorded(request.path, dict(request.headers), body))
        if request.headers.get("Authorization") != f"Bearer {EXPECTED_KEY}":
            status, err, extra = _ERRORS["error-401"]
            return None, self._error(status, err, extra)
        return body, None

    # --- chat -----------------------------------------------------------------------------

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body, failure = await self._record(request)
        if failure is not None:
            return failure
        assert body is not None
        model = body["model"]
        if model in _ERRORS:
            status, err, extra = _ERRORS[model]
            return self._error(status, err, extra)
        if model == "bad-json":
            return web.Response(text="<html><body>502 Bad Gateway</body></html>", content_type="text/html")
        if model == "hang":
            await asyncio.sleep(30)
        if model == "slow-start":
            # Think for up to 10 s before answering; notice a client that leaves meanwhile.
            for _ in range(200):
                await asyncio.sleep(0.05)
                if request.transport is None or request.transport.is_closing():
                    self.disconnects.append(time.monotonic())
                    return web.Response(status=499)
        created = int(time.time())
        completion_id = f"chatcmpl-mock{self._counter}"
        text = "Hello from the mock upstream."
        usage = {
            "prompt_tokens": 9,
            "completion_tokens": 6,
            "total_tokens": 15,
            "prompt_tokens_details": {"cached_tokens": 4 if "cached" in model else 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }
        tools = body.get("tools")
        n = body.get("n") or 1
        if not body.get("stream"):
            choices = []
            for i in range(n):
                message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None, "annotations": []}
                finish = "stop"
                if tools:
                    message["content"] = None
                    message["tool_calls"] = [
                        {
                            "id": f"call_mock{i}",
                            "type": "function",
                            "function": {"name": tools[0]["function"]["name"], "arguments": '{"city":"Paris"}'},
                        }
                    ]
                    finish = "tool_calls"
                logprobs = (
                    {
                        "content": [
                            {"token": "Hello", "logprob": -0.1, "bytes": [72, 101, 108, 108, 111], "top_logprobs": []}
                        ],
                        "refusal": None,
                    }
                    if body.get("logprobs")
                    else None
                )
                choices.append({"index": i, "message": message, "logprobs": logprobs, "finish_reason": finish})
            return web.json_response(
                {
                    "id": completion_id,
                    "object": "chat.completion",
                    "created": created,
                    "model": model + "-2024-07-18",
                    "choices": choices,
                    "usage": usage,
                    "service_tier": "default",
                    "system_fingerprint": "fp_mock",
                },
                headers=self._headers(),
            )
        return await self._stream(request, body, completion_id, created, text, usage)

    async def _stream(
        self, request: web.Request, body: dict[str, Any], cid: str, created: int, text: str, usage: dict[str, Any]
    ) -> web.StreamResponse:
        model = body["model"]
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        resp = web.StreamResponse(headers={**self._headers(), "Content-Type": "text/event-stream; charset=utf-8"})
        await resp.prepare(request)
        base: dict[str, Any] = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model + "-2024-07-18",
            "system_fingerprint": "fp_mock",
        }
        compact = model in ("split-stream", "burst-stream")

        def dumps(obj: dict[str, Any]) -> bytes:
            return (json.dumps(obj, separators=(",", ":")) if compact else json.dumps(obj)).encode()

        def event(delta: dict[str, Any], finish: str | None = None) -> bytes:
            chunk = {**base, "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
            if include_usage:
                chunk["usage"] = None  # last, as OpenAI orders it
            return b"data: " + dumps(chunk) + b"\n\n"

        tools = body.get("tools")
        if tools:
            name = tools[0]["function"]["name"]
            events = [
                event(
                    {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {
                                "index": 0,
                                "id": "call_mock0",
                                "type": "function",
                                "function": {"name": name, "arguments": ""},
                            }
                        ],
                    }
                )
            ]
            events += [
                event({"tool_calls": [{"index": 0, "function": {"arguments": part}}]})
                for part in ('{"ci', 'ty":', '"Par', 'is"}')
            ]
            events.append(event({}, "tool_calls"))
        else:
            events = [event({"role": "assistant", "content": "", "refusal": None})]
            words = text.split(" ")
            events += [event({"content": w if i == 0 else " " + w}) for i, w in enumerate(words)]
            events.append(event({}, "stop"))
        if include_usage:
            events.append(b"data: " + dumps({**base, "choices": [], "usage": usage}) + b"\n\n")
        events.append(b"data: [DONE]\n\n")

        if model == "split-stream":
            pieces: list[bytes] = []
            for chunk in events[:-2] if include_usage else events[:-1]:
                at = chunk.find(b'"usage"') + 4 if include_usage else len(chunk) // 2
                pieces += [chunk[:at], chunk[at:]]
            if include_usage:
                usage_event = events[-2]
                at = usage_event.find(b'"usage"') + 4
                pieces += [usage_event[:at], usage_event[at:] + events[-1]]
            else:
                pieces.append(events[-1])
            for piece in pieces:
                await resp.write(piece)
                await asyncio.sleep(0.01)  # each piece its own read at the gateway
            await resp.write_eof()
            return resp
        if model == "burst-stream":
            events = [b"".join(events)]

        if model == "cut-stream":
            for chunk in events[:3]:
                await resp.write(chunk)
            assert request.transport is not None
            request.transport.close()
            return resp
        if model == "slow-stream":
            try:
                for i in range(200):
                    await resp.write(event({"content": f"t{i} "}))
                    await asyncio.sleep(0.1)
            except (ConnectionResetError, asyncio.CancelledError):
                self.disconnects.append(time.monotonic())
                raise
            return resp
        for chunk in events:
            await resp.write(chunk)
        await resp.write_eof()
        return resp

    # --- embeddings -----------------------------------------------------------------------

    async def _embeddings(self, request: web.Request) -> web.Response:
        body, failure = await self._record(request)
        if failure is not None:
            return failure
        assert body is not None
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        dims = body.get("dimensions") or 8
        data = []
        for i, _ in enumerate(inputs):
            vector = [round((i + 1) * 0.1 + j * 0.01, 4) for j in range(dims)]
            emb: Any = vector
            if body.get("encoding_format") == "base64":
                emb = base64.b64encode(struct.pack(f"<{dims}f", *vector)).decode()
            data.append({"object": "embedding", "index": i, "embedding": emb})
        return web.json_response(
            {"object": "list", "data": data, "model": body["model"], "usage": {"prompt_tokens": 4, "total_tokens": 4}},
            headers=self._headers(),
        )
