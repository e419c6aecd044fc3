"""ConverseStream: the binary event stream decoded, and its events translated to OpenAI chunks.

The body is ``application/vnd.amazon.eventstream``: frames of prelude (total and header lengths,
CRC), headers, payload and message CRC. botocore's ``EventStreamBuffer`` decodes them as bytes
arrive. Each message has ``:message-type`` ``event`` (``:event-type`` names it, the payload is
the event's JSON), ``exception`` (``:exception-type``, payload ``{"message"}``) or ``error``
(``:error-code`` and ``:error-message`` headers).

Events, in order: ``messageStart``; per content block an optional ``contentBlockStart`` (tool
use), ``contentBlockDelta``s (text, tool input JSON pieces, reasoning) and ``contentBlockStop``;
``messageStop`` (the stop reason); ``metadata`` (usage, metrics) last. A stream that ends before
``metadata`` was cut.

The ``Plan`` shapes the answer: with ``one_tool_call`` only the first tool call is sent; with
``json_tool`` (JSON mode) that tool's input pieces are sent as ``content``, never as a tool call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

import orjson

from freehold.errors import ProviderError, ProviderResponseInvalid
from freehold.providers.bedrock.errors import exception_status, parse_error
from freehold.providers.bedrock.translate import finish_reason, openai_usage
from freehold.providers.emulation import Plan
from freehold.providers.openai_format import ChunkWriter

__all__ = ["EventStreamDecoder", "StreamEvent", "StreamTranslator", "parse_event"]


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One decoded message: its kind, its name (event type, exception type or error code), its payload."""

    kind: Literal["event", "exception", "error"]
    name: str
    payload: dict[str, Any]


def parse_event(headers: Mapping[str, Any], payload: bytes) -> StreamEvent:
    """A decoded frame's headers and payload as a ``StreamEvent`` (pure).

    Raises:
        ValueError: the frame is not a Converse stream message.
    """
    message_type = headers.get(":message-type")
    if message_type == "error":
        code = str(headers.get(":error-code") or "InternalServerException")
        return StreamEvent("error", code, {"message": str(headers.get(":error-message") or code)})
    try:
        data = orjson.loads(payload) if payload else {}
    except orjson.JSONDecodeError:
        data = {"message": payload[:200].decode("utf-8", "replace")}
    if not isinstance(data, dict):
        raise ValueError("event payload is not a JSON object")
    if message_type == "exception":
        return StreamEvent("exception", str(headers.get(":exception-type") or "internalServerException"), data)
    if message_type == "event" and isinstance(headers.get(":event-type"), str):
        return StreamEvent("event", headers[":event-type"], data)
    raise ValueError(f"unexpected event-stream message type {message_type!r}")


class EventStreamDecoder:
    """Incremental decoder: ``feed(bytes)`` returns the messages completed by those bytes."""

    def __init__(self, deployment: str) -> None:
        from botocore.eventstream import EventStreamBuffer

        self._buffer = EventStreamBuffer()
        self._deployment = deployment

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        from botocore.eventstream import ParserError

        self._buffer.add_data(chunk)
        try:
            # (botocore-stubs type ``headers`` as int; it is the decoded header dict.)
            return [parse_event(cast(Mapping[str, Any], m.headers), m.payload) for m in self._buffer]
        except (ParserError, ValueError) as exc:
            raise ProviderResponseInvalid(
                f"Upstream deployment '{self._deployment}' sent an unreadable event stream: {type(exc).__name__}.",
                deployment=self._deployment,
            ) from None


def exception_error(event: StreamEvent, deployment: str, secrets: tuple[str, ...] = ()) -> ProviderError:
    """The ``ProviderError`` for an ``exception`` or ``error`` message."""
    status = exception_status(event.name)
    return parse_error(status, orjson.dumps(event.payload), {}, deployment, secrets, kind=event.name)


class StreamTranslator:
    """Turns Converse stream events into OpenAI ``chat.completion.chunk`` SSE bytes (pure).

    ``feed`` returns the bytes for one event (possibly none); ``finish`` checks the stream was whole.
    """

    def __init__(
        self, writer: ChunkWriter, deployment: str, secrets: tuple[str, ...] = (), plan: Plan | None = None
    ) -> None:
        self._writer = writer
        self._deployment = deployment
        self._secrets = secrets
        self._plan = plan or Plan()
        self._started = False
        self._stopped = False
        self.done = False
        self._tools: dict[int, int] = {}  # contentBlockIndex → OpenAI tool_calls index
        self._json_block: int | None = None  # contentBlockIndex of the JSON-mode tool's input
        self._json_sent = False
        self._ignored: set[int] = set()  # blocks not shown: tool calls past the first, or a second JSON answer

    def _start(self) -> bytes:
        if self._started:
            return b""
        self._started = True
        return self._writer.delta({"role": "assistant", "content": ""})

    def feed(self, event: StreamEvent) -> bytes:
        """The SSE bytes for ``event``.

        Raises:
            ProviderError: an exception or error message from Bedrock.
        """
        if event.kind != "event":
            raise exception_error(event, self._deployment, self._secrets)
        if self.done:
            return b""
        p = event.payload
        name = event.name
        if name == "messageStart":
            return self._start()
        if name == "contentBlockStart":
            use = (p.get("start") or {}).get("toolUse")
            if not isinstance(use, dict):
                return self._start()
            block = p.get("contentBlockIndex", -1)
            if use.get("name") == self._plan.json_tool and self._json_block is None:
                self._json_block = block
                return self._start()
            if use.get("name") == self._plan.json_tool or (self._plan.one_tool_call and self._tools):
                self._ignored.add(block)
                return self._start()
            index = len(self._tools)
            self._tools[block] = index
            head = {
                "index": index,
                "id": use.get("toolUseId"),
                "type": "function",
                "function": {"name": use.get("name"), "arguments": ""},
            }
            return self._start() + self._writer.delta({"tool_calls": [head]})
        if name == "contentBlockDelta":
            return self._start() + self._delta(p)
        if name == "messageStop":
            self._stopped = True
            finish = finish_reason(p.get("stopReason"))
            if finish == "tool_calls" and self._json_block is not None and not self._tools:
                finish = "stop"  # only the JSON-mode tool was called: that is an answer
            out = b""
            if self._json_block is not None and not self._json_sent:
                out = self._writer.delta({"content": "{}"})  # its input was empty
                self._json_sent = True
            return self._start() + out + self._writer.delta({}, finish)
        if name == "metadata":
            if not self._stopped:
                raise self._cut("sent its usage before 'messageStop'")
            self.done = True
            return self._writer.usage(openai_usage(p.get("usage"))) + self._writer.done()
        return b""  # contentBlockStop, and event types added later

    def _delta(self, p: dict[str, Any]) -> bytes:
        delta = p.get("delta") or {}
        if isinstance(delta.get("text"), str):
            return self._writer.delta({"content": delta["text"]}) if delta["text"] else b""
        block = p.get("contentBlockIndex", -1)
        if block in self._ignored:
            return b""
        if isinstance(delta.get("toolUse"), dict) and block == self._json_block:
            piece = delta["toolUse"].get("input") or ""
            self._json_sent = self._json_sent or bool(piece)
            return self._writer.delta({"content": piece}) if piece else b""
        if isinstance(delta.get("toolUse"), dict):
            index = self._tools.get(p.get("contentBlockIndex", -1))
            if index is None:
                raise self._cut("sent tool input for a block it never started")
            piece = delta["toolUse"].get("input") or ""
            return self._writer.delta({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
        reasoning = delta.get("reasoningContent")
        if isinstance(reasoning, dict) and reasoning.get("text"):
            return self._writer.delta({"reasoning_content": reasoning["text"]})
        return b""  # reasoning signatures, redacted reasoning, citations

    def finish(self) -> bytes:
        """Called when the upstream stream ended.

        Raises:
            ProviderResponseInvalid: the stream ended before its final ``metadata`` event.
        """
        if not self.done:
            raise self._cut("ended the stream before its final 'metadata' event")
        return b""

    def _cut(self, what: str) -> ProviderResponseInvalid:
        return ProviderResponseInvalid(f"Upstream deployment '{self._deployment}' {what}.", deployment=self._deployment)
