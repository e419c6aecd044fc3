r"""Server-sent events: encoding OpenAI's frames, and one incremental decoder for every vendor.

OpenAI frames a stream as ``data: <json>\n\n`` events ended by ``data: [DONE]``; Anthropic and
OpenAI's Responses API add an ``event:`` line; Gemini sends bare ``data:`` events. The decoder
follows the WHATWG rules (``\n``, ``\r\n`` or ``\r`` line ends, multi-line ``data``, comments,
a BOM) and takes bytes in whatever pieces the socket gives, holding a bounded amount of them.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

import orjson

from freehold.transport.limits import DEFAULT_MAX_UPSTREAM_BODY_BYTES, too_large

__all__ = ["DONE", "SSEDecoder", "SSEEvent", "encode_event", "encode_named_event", "error_event", "iter_events"]

DONE = b"data: [DONE]\n\n"


def encode_event(payload: dict[str, Any]) -> bytes:
    """One ``data:`` event holding a JSON object."""
    return b"data: " + orjson.dumps(payload) + b"\n\n"


def encode_named_event(event: str, payload: dict[str, Any]) -> bytes:
    """An ``event:`` + ``data:`` pair, as Anthropic and the Responses API frame theirs."""
    return b"event: " + event.encode() + b"\ndata: " + orjson.dumps(payload) + b"\n\n"


def error_event(error: dict[str, Any]) -> bytes:
    """The event that ends a failed OpenAI stream; the ``openai`` SDK raises ``APIError`` on it."""
    return encode_event(error)


@dataclass(frozen=True, slots=True)
class SSEEvent:
    """One dispatched event: its ``event:`` name (``message`` if none) and joined ``data:`` lines."""

    event: str
    data: str

    def json(self) -> Any:
        return orjson.loads(self.data)


class SSEDecoder:
    """Incremental decoder: ``feed(bytes)`` returns the events completed by those bytes.

    It holds at most ``max_bytes`` of one unfinished line, and of one event's ``data``: past that
    it raises ``ProviderResponseTooLarge`` naming ``deployment``, so an upstream that never ends
    a line cannot fill the gateway's memory. An unfinished line is kept as a list of pieces and
    joined once it ends, so a long line costs linear time, not a copy per piece.
    """

    def __init__(self, deployment: str = "", max_bytes: int = DEFAULT_MAX_UPSTREAM_BODY_BYTES) -> None:
        self._deployment = deployment
        self._max_bytes = max_bytes
        self._held: list[bytes] = []  # the start of an unfinished line
        self._held_size = 0
        self._event = ""
        self._data: list[str] = []
        self._data_size = 0
        self._started = False

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        if self._held:
            if b"\n" not in chunk and b"\r" not in chunk and not self._held[-1].endswith(b"\r"):
                self._hold(chunk)  # still no line end: keep the piece, join nothing yet
                return []
            buffer = b"".join(self._held) + chunk
            self._held = []
            self._held_size = 0
        else:
            buffer = chunk
        if not self._started:
            if len(buffer) < 3 and b"\xef\xbb\xbf".startswith(buffer):
                self._hold(buffer)  # could still be a byte-order mark
                return []
            self._started = True
            if buffer.startswith(b"\xef\xbb\xbf"):
                buffer = buffer[3:]
        events: list[SSEEvent] = []
        start = 0
        size = len(buffer)
        while start < size:
            nl = buffer.find(b"\n", start)
            cr = buffer.find(b"\r", start, nl if nl != -1 else size)
            if cr != -1:
                if cr + 1 == size:
                    break  # a lone \r at the end may be the first half of \r\n: wait for more
                end, after = cr, cr + 2 if buffer[cr + 1 : cr + 2] == b"\n" else cr + 1
            elif nl != -1:
                end, after = nl, nl + 1
            else:
                break
            self._line(buffer[start:end].decode("utf-8", "replace"), events)
            start = after
        if start < size:
            self._hold(buffer[start:] if start else buffer)
        return events

    def _hold(self, piece: bytes) -> None:
        self._held.append(piece)
        self._held_size += len(piece)
        if self._held_size > self._max_bytes:
            raise too_large(self._deployment, self._max_bytes, "a stream line")

    def _line(self, line: str, events: list[SSEEvent]) -> None:
        if not line:
            if self._data:
                events.append(SSEEvent(self._event or "message", "\n".join(self._data)))
            self._event = ""
            self._data = []
            self._data_size = 0
            return
        if line.startswith(":"):
            return
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
            self._data_size += len(value) + 1
            if self._data_size > self._max_bytes:
                raise too_large(self._deployment, self._max_bytes, "a stream event")
        elif name == "event":
            self._event = value

    def flush(self) -> list[SSEEvent]:
        """Events left when the stream ends without a final blank line."""
        events: list[SSEEvent] = []
        if self._held:
            self._line(b"".join(self._held).decode("utf-8", "replace"), events)
            self._held = []
            self._held_size = 0
        self._line("", events)
        return events


async def iter_events(
    chunks: AsyncGenerator[bytes, None], deployment: str, max_bytes: int = DEFAULT_MAX_UPSTREAM_BODY_BYTES
) -> AsyncGenerator[SSEEvent, None]:
    """Decode a byte stream into events (see ``SSEDecoder`` for ``max_bytes``).

    It owns ``chunks``: closing the events closes the bytes too, which drops an upstream
    connection the reader left early.
    """
    decoder = SSEDecoder(deployment, max_bytes)
    try:
        async for chunk in chunks:
            for event in decoder.feed(chunk):
                yield event
    finally:
        await chunks.aclose()
    for event in decoder.flush():
        yield event
