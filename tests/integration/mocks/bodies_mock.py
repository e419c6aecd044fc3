"""A loopback OpenAI-compatible upstream whose answers are compressed, huge or never-ending.

It speaks OpenAI's chat wire format (the answers of ``mock_openai``) and shapes the body the
way misbehaving proxies, CDNs and servers do. Behaviour is chosen by the requested model name:

| model           | behaviour                                                                       |
| --------------- | ------------------------------------------------------------------------------- |
| ``gzip``        | the answer gzipped (``Content-Encoding: gzip``), whatever the request asked;     |
|                 | a stream is gzipped with a sync flush per event, as nginx ``gzip on`` does       |
| ``deflate``     | the same, zlib-wrapped deflate                                                  |
| ``deflate-raw`` | the same, raw deflate without the zlib header (as some servers send it)         |
| ``br``          | ``Content-Encoding: br`` (brotli, which this gateway cannot decode)             |
| ``compress``    | ``Content-Encoding: compress`` (a coding no HTTP client decodes)                |
| ``big-length``  | a valid 2 MiB completion with ``Content-Length``                                |
| ``big-chunked`` | the same, chunked, without ``Content-Length``                                   |
| ``gzip-bomb``   | a valid 16 MiB completion gzipped to a few KiB, with ``Content-Length``         |
| ``huge-error``  | 400 ``context_length_exceeded`` followed by up to 64 MiB of JSON whitespace     |
| ``endless-line``| a stream: one chunk, then a ``data:`` line that never ends (up to 64 MiB)        |

``requests`` records each request's model and ``Accept-Encoding``; ``completed`` records, per
model of the last two kinds and once its handler has ended, whether the whole body went out
(False: the client hung up first).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.integration.mocks.loopback import LoopbackServer

TEXT = "Hello from the compressing upstream."
WORDS = TEXT.split(" ")
_PIECE = 64 * 1024
_ENDLESS = 64 * 1024 * 1024


@dataclass
class Seen:
    model: str
    accept_encoding: str | None
    stream: bool


def completion(model: str, padding: int = 0) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "id": "chatcmpl-bodies",
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
        "usage": {"prompt_tokens": 5, "completion_tokens": len(WORDS), "total_tokens": 5 + len(WORDS)},
    }
    if padding:
        answer["system_fingerprint"] = "x" * padding  # a field clients ignore, to make the body large
    return answer


def chunk_event(model: str, delta: dict[str, Any], finish: str | None = None) -> bytes:
    chunk = {
        "id": "chatcmpl-bodies",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


def stream_events(model: str) -> list[bytes]:
    events = [chunk_event(model, {"role": "assistant", "content": ""})]
    events += [chunk_event(model, {"content": w if i == 0 else " " + w}) for i, w in enumerate(WORDS)]
    events.append(chunk_event(model, {}, "stop"))
    events.append(b"data: [DONE]\n\n")
    return events


def _compressor(coding: str) -> Any:
    wbits = {"gzip": 31, "deflate": 15, "deflate-raw": -15}[coding]
    return zlib.compressobj(wbits=wbits)


def _compress(coding: str, data: bytes) -> bytes:
    c = _compressor(coding)
    return c.compress(data) + c.flush()


@dataclass
class MockBodies(LoopbackServer):
    requests: list[Seen] = field(default_factory=list)
    completed: dict[str, bool] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        return app

    def calls(self, model: str) -> int:
        return sum(1 for r in self.requests if r.model == model)

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        model = body["model"]
        stream = bool(body.get("stream"))
        self.requests.append(Seen(model, request.headers.get("Accept-Encoding"), stream))
        if model in ("gzip", "deflate", "deflate-raw"):
            coding = "deflate" if model == "deflate-raw" else model
            if stream:
                return await self._compressed_stream(request, model, coding)
            raw = _compress(model, json.dumps(completion(model)).encode())
            return web.Response(body=raw, headers={"Content-Type": "application/json", "Content-Encoding": coding})
        if model in ("br", "compress"):
            payload = b"\x1b\x08\x00\xf8\xa5\x40\x02\x00" if model == "br" else b"\x1f\x9d\x90\x7b\x00"
            content_type = "text/event-stream" if stream else "application/json"
            return web.Response(body=payload, headers={"Content-Type": content_type, "Content-Encoding": model})
        if model == "big-length":
            return web.json_response(completion(model, padding=2 * 1024 * 1024))
        if model == "big-chunked":
            return await self._chunked(request, json.dumps(completion(model, padding=2 * 1024 * 1024)).encode())
        if model == "gzip-bomb":
            raw = gzip.compress(json.dumps(completion(model, padding=16 * 1024 * 1024)).encode())
            return web.Response(body=raw, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
        if model == "huge-error":
            return await self._huge_error(request)
        if model == "endless-line":
            return await self._endless_line(request, model)
        raise web.HTTPNotFound(text=json.dumps({"error": {"message": f"unknown model {model}"}}))

    async def _compressed_stream(self, request: web.Request, model: str, coding: str) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Content-Encoding": coding})
        await resp.prepare(request)
        compressor = _compressor(model)
        for event in stream_events(model):
            # A sync flush per event, so each event can be decoded as soon as it arrives.
            await resp.write(compressor.compress(event) + compressor.flush(zlib.Z_SYNC_FLUSH))
            await asyncio.sleep(0.01)
        await resp.write(compressor.flush())
        await resp.write_eof()
        return resp

    async def _chunked(self, request: web.Request, data: bytes) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/json"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        for start in range(0, len(data), _PIECE):
            await resp.write(data[start : start + _PIECE])
        await resp.write_eof()
        return resp

    async def _huge_error(self, request: web.Request) -> web.StreamResponse:
        error = {
            "error": {
                "message": "This model's maximum context length is 128000 tokens.",
                "type": "invalid_request_error",
                "param": "messages",
                "code": "context_length_exceeded",
            }
        }
        resp = web.StreamResponse(status=400, headers={"Content-Type": "application/json"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        done = False
        try:
            await resp.write(json.dumps(error).encode())
            for _ in range(_ENDLESS // _PIECE):
                await resp.write(b" " * _PIECE)  # still valid JSON: whitespace may follow a value
            await resp.write_eof()
            done = True
        except OSError:  # the client hung up
            pass
        finally:
            self.completed["huge-error"] = done  # set when the handler ends, however it ends
        return resp

    async def _endless_line(self, request: web.Request, model: str) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        done = False
        try:
            await resp.write(stream_events(model)[0])
            await resp.write(b'data: {"choices": [{"index": 0, "delta": {"content": "')
            for _ in range(_ENDLESS // _PIECE):
                await resp.write(b"a" * _PIECE)
            await resp.write_eof()
            done = True
        except OSError:  # the client hung up
            pass
        finally:
            self.completed["endless-line"] = done
        return resp
