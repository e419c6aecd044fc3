"""Streams and whole answers, one from the other: a miss's stream is stored whole, a hit is replayed as a stream.

``Assembler`` rebuilds a ``chat.completion`` from the ``chat.completion.chunk`` objects of one
choice (content, reasoning, refusal, tool calls, finish reason). ``replay`` turns a stored
``chat.completion`` back into canonical SSE bytes — a role chunk, the content in pieces, the tool
calls, the finish, the usage when the request asks for it, ``[DONE]`` — which go through the same
``AnswerStream`` as an upstream's, so every door renders a hit in its own format.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson

from freehold.transport.sse import DONE, encode_event

__all__ = ["PIECE", "Assembler", "replay"]

PIECE = 24
"""Characters of content per replayed chunk: small enough to read as a stream, few enough to be cheap."""


class Assembler:
    """The whole answer of a stream, chunk by chunk; ``None`` from ``completion`` if it cannot be rebuilt."""

    __slots__ = ("_content", "_envelope", "_finish", "_reasoning", "_refusal", "_role", "_tools", "broken")

    def __init__(self) -> None:
        self._envelope: dict[str, Any] = {}
        self._role = "assistant"
        self._content: list[str] = []
        self._reasoning: list[str] = []
        self._refusal: list[str] = []
        self._tools: dict[int, dict[str, Any]] = {}
        self._finish: str | None = None
        self.broken = False
        """A chunk this cannot rebuild from (several choices, an unexpected shape): nothing is stored."""

    def feed(self, chunk: dict[str, Any]) -> None:
        if self.broken:
            return
        choices = chunk.get("choices")
        if self._envelope and type(choices) is list and len(choices) == 1:
            # The common chunk, one content piece of choice 0: appended without the general walk.
            choice = choices[0]
            delta = choice.get("delta") if type(choice) is dict else None
            if (
                type(delta) is dict
                and len(delta) == 1
                and type(delta.get("content")) is str
                and not choice.get("index")
                and not choice.get("finish_reason")
            ):
                self._content.append(delta["content"])
                return
        if not self._envelope:
            self._envelope = {k: chunk[k] for k in ("id", "created", "model", "system_fingerprint") if k in chunk}
        choices = chunk.get("choices")
        if not isinstance(choices, list):
            return
        for choice in choices:
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                self.broken = True
                return
            delta = choice.get("delta") or {}
            if not isinstance(delta, dict):
                self.broken = True
                return
            if isinstance(delta.get("role"), str):
                self._role = delta["role"]
            for name, into in (
                ("content", self._content),
                ("reasoning_content", self._reasoning),
                ("refusal", self._refusal),
            ):
                text = delta.get(name)
                if isinstance(text, str):
                    into.append(text)
            for call in delta.get("tool_calls") or ():
                self._tool(call)
            if choice.get("finish_reason"):
                self._finish = choice["finish_reason"]

    def _tool(self, call: Any) -> None:
        if not isinstance(call, dict) or not isinstance(call.get("index", 0), int):
            self.broken = True
            return
        entry = self._tools.setdefault(
            call.get("index", 0), {"id": "", "type": "function", "name": "", "arguments": []}
        )
        if call.get("id"):
            entry["id"] = call["id"]
        if call.get("type"):
            entry["type"] = call["type"]
        function = call.get("function") or {}
        if function.get("name"):
            entry["name"] += function["name"]
        if isinstance(function.get("arguments"), str):
            entry["arguments"].append(function["arguments"])

    def completion(self, usage: dict[str, Any] | None) -> bytes | None:
        """The ``chat.completion`` body, or None when the stream did not finish (or could not be read)."""
        if self.broken or self._finish is None:
            return None
        message: dict[str, Any] = {"role": self._role, "content": "".join(self._content) if self._content else None}
        if self._reasoning:
            message["reasoning_content"] = "".join(self._reasoning)
        if self._refusal:
            message["refusal"] = "".join(self._refusal)
        if self._tools:
            message["tool_calls"] = [
                {
                    "id": t["id"],
                    "type": t["type"],
                    "function": {"name": t["name"], "arguments": "".join(t["arguments"])},
                }
                for _, t in sorted(self._tools.items())
            ]
        body: dict[str, Any] = {"object": "chat.completion", **self._envelope}
        body["choices"] = [{"index": 0, "message": message, "logprobs": None, "finish_reason": self._finish}]
        if usage is not None:
            body["usage"] = usage
        return orjson.dumps(body)


def _pieces(text: str) -> list[str]:
    return [text[i : i + PIECE] for i in range(0, len(text), PIECE)] or [""]


def replay_chunks(body: dict[str, Any], with_usage: bool) -> list[dict[str, Any]]:
    """The canonical chunks of a stored ``chat.completion`` (one choice)."""
    base: dict[str, Any] = {k: body[k] for k in ("id", "created", "model", "system_fingerprint") if k in body}
    base["object"] = "chat.completion.chunk"
    choice = (body.get("choices") or [{}])[0]
    message = choice.get("message") or {}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}

    content = message.get("content")
    calls = message.get("tool_calls") or []
    out = [chunk({"role": message.get("role") or "assistant", "content": "" if content or not calls else None})]
    for name in ("reasoning_content", "refusal"):
        if isinstance(message.get(name), str):
            out.extend(chunk({name: piece}) for piece in _pieces(message[name]))
    if isinstance(content, str) and content:
        out.extend(chunk({"content": piece}) for piece in _pieces(content))
    for i, call in enumerate(calls):
        function = call.get("function") or {}
        head = {"index": i, "id": call.get("id"), "type": call.get("type", "function")}
        out.append(chunk({"tool_calls": [{**head, "function": {"name": function.get("name"), "arguments": ""}}]}))
        arguments = function.get("arguments") or ""
        if arguments:
            out.extend(
                chunk({"tool_calls": [{"index": i, "function": {"arguments": piece}}]}) for piece in _pieces(arguments)
            )
    out.append(chunk({}, choice.get("finish_reason") or "stop"))
    if with_usage and isinstance(body.get("usage"), dict):
        out.append({**base, "choices": [], "usage": body["usage"]})
    return out


async def replay(body: bytes, with_usage: bool) -> AsyncIterator[bytes]:
    """A stored answer as canonical SSE bytes, ending with ``[DONE]``."""
    parsed = orjson.loads(body)
    yield b"".join(encode_event(c) for c in replay_chunks(parsed, with_usage)) + DONE
