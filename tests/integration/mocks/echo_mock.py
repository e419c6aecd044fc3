"""A loopback OpenAI-compatible upstream that records every request and echoes the last user text back.

For the privacy tests: whatever the gateway sent (placeholders, redaction markers, raw values) comes
back in the answer, so the client's answer shows what restoration did, and ``requests`` shows what
left the gateway. In OpenAI's wire format (``chat.completion``; ``chat.completion.chunk`` SSE ended
by ``data: [DONE]``).

The model name picks how a stream is cut: ``echo-P-O`` sends the text in pieces of ``P`` characters
after a first piece of ``O`` (``echo-1-0``: one character per event, so every position of every
placeholder is a split point); the request's ``metadata.cut`` (``"P-O"``) overrides it. With
``tools`` in the request the echo is the arguments of a call to the first tool, ``{"text": ECHO}``,
streamed in the same pieces.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.integration.mocks.loopback import LoopbackServer


def last_user_text(body: dict[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                return " ".join(p.get("text", "") for p in content if p.get("type") == "text")
            return str(content or "")
    return ""


def pieces(text: str, cut: str) -> list[str]:
    parts = cut.split("-")
    p = max(1, int(parts[1])) if len(parts) > 1 else 1
    o = int(parts[2]) if len(parts) > 2 else 0
    out = [text[:o]] if o else []
    out += [text[i : i + p] for i in range(o, len(text), p)]
    return [piece for piece in out if piece]


@dataclass
class EchoMock(LoopbackServer):
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/v1/embeddings", self._embeddings)
        return app

    def sent(self) -> str:
        """Every request body received, as one text (to look for values that must not be there)."""
        return "\n".join(json.dumps(body, ensure_ascii=False) for body in self.requests)

    async def _embeddings(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [{"object": "embedding", "index": i, "embedding": [0.1, 0.2]} for i, _ in enumerate(inputs)]
        return web.json_response(
            {"object": "list", "data": data, "model": body["model"], "usage": {"prompt_tokens": 2, "total_tokens": 2}}
        )

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        model, echo, tools = body["model"], last_user_text(body), body.get("tools")
        cut = (body.get("metadata") or {}).get("cut") or model
        usage = {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10}
        base = {"id": "chatcmpl-echo", "created": int(time.time()), "model": model}
        name = tools[0]["function"]["name"] if tools else ""
        args = json.dumps({"text": echo})
        if not body.get("stream"):
            message: dict[str, Any] = {"role": "assistant", "content": echo}
            if tools:
                call = {"id": "call_echo", "type": "function", "function": {"name": name, "arguments": args}}
                message = {"role": "assistant", "content": None, "tool_calls": [call]}
            choice = {"index": 0, "message": message, "finish_reason": "tool_calls" if tools else "stop"}
            return web.json_response({**base, "object": "chat.completion", "choices": [choice], "usage": usage})
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)

        async def send(delta: dict[str, Any], finish: str | None = None) -> None:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            chunk = {**base, "object": "chat.completion.chunk", "choices": [choice]}
            await resp.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")

        if tools:
            first = {"index": 0, "id": "call_echo", "type": "function", "function": {"name": name, "arguments": ""}}
            await send({"role": "assistant", "content": None, "tool_calls": [first]})
            for piece in pieces(args, cut):
                await send({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
            await send({}, "tool_calls")
        else:
            await send({"role": "assistant", "content": ""})
            for piece in pieces(echo, cut):
                await send({"content": piece})
            await send({}, "stop")
        if (body.get("stream_options") or {}).get("include_usage"):
            chunk = {**base, "object": "chat.completion.chunk", "choices": [], "usage": usage}
            await resp.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp
