"""Taking out of a canonical stream the usage the gateway asked for and the client did not.

When a stream is metered (its alias has ``done`` stages: budgets, the ledger) the gateway asks
the upstream for its usage (``stream_options.include_usage``), because a streamed answer must
cost what the same answer unstreamed costs, and only the upstream's report says that. The client
that did not ask must get the stream it would have got without that: OpenAI (and the adapters'
``ChunkWriter``) then add ``"usage": null`` to every chunk, a final usage-only chunk
(``"choices": []``), and the translating adapters the prompt's usage on the first chunk
(``PROMPT_USAGE_KEY``). All three are taken out here, after the meter has seen them.

``UsageStrip`` works on the bytes, for streams relayed without parsing (no stream stages): events
can arrive split across reads or several in one read, so it holds back an incomplete event until
its end arrives (the client could not have used half an event anyway). The common read (whole
events, compact JSON) costs one ``bytes.replace`` and one search. That is correct because in
valid JSON an unescaped ``"`` cannot occur inside a string, so the byte sequence
``,"usage":null`` can only be an object member, and a canonical chunk has no nested object with a
``usage`` member. Only an event that still names a usage after that (the usage-only chunk, a
prompt usage, an unusual layout) is parsed — about once per stream. bench/RESULTS.md has the cost.
``strip_chunk`` does the same to a parsed chunk, for streams that go through stream stages.
"""

from __future__ import annotations

from typing import Any, Final

import orjson

from freehold.providers.openai_format import PROMPT_USAGE_KEY
from freehold.transport.sse import encode_event

__all__ = ["UsageStrip", "strip_chunk"]

_NULL: Final = b',"usage":null'  # compact JSON: OpenAI's, orjson's (the ChunkWriter's), pydantic's
_NULL_SPACED: Final = b', "usage": null'  # Python's json.dumps
_NAMES_USAGE: Final = b'usage"'  # in "usage" and in PROMPT_USAGE_KEY; escaped text has \" instead
_DATA: Final = b"data:"
_ENDS: Final = ((b"\n\n", 2), (b"\n\r\n", 3), (b"\r\r", 2))  # blank lines: LF, CRLF, CR-only streams
_HOLD: Final = 1 << 20  # an "event" longer than this without its blank line is passed on unstripped


def strip_chunk(chunk: dict[str, Any]) -> bool:
    """Take the usage out of a parsed chunk, in place; False when nothing of it is left to send.

    The usage-only chunk (``choices`` empty, ``usage`` an object) is dropped whole; a chunk with
    choices only loses its ``usage`` and prompt-usage members.
    """
    if "usage" in chunk:
        usage = chunk.pop("usage")
        if isinstance(usage, dict) and chunk.get("choices") == []:
            return False
    if PROMPT_USAGE_KEY in chunk:
        del chunk[PROMPT_USAGE_KEY]
    return True


def _boundary(data: bytes) -> int:
    """Where the last whole event of ``data`` ends, after its blank line (0 if none has ended)."""
    if data.endswith(b"\n\n"):  # the common read: whole events ended by LF (no search)
        return len(data)
    last = 0
    for end, size in _ENDS:
        at = data.rfind(end)
        if at >= 0 and at + size > last:
            last = at + size
    return last


class UsageStrip:
    """Strips one SSE byte stream; ``feed`` every piece in order, then ``end``."""

    __slots__ = ("_pending",)

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> bytes:
        """The bytes to send for this piece: its whole events, stripped (may be empty)."""
        if self._pending:
            data = self._pending + data
        cut = _boundary(data)
        if cut == 0 and len(data) > _HOLD:
            cut = len(data)  # not SSE as the gateway knows it: better relayed as it is than held
        if cut < len(data):
            data, self._pending = data[:cut], data[cut:]
        else:
            self._pending = b""
        return _strip(data) if data else b""

    def end(self) -> bytes:
        """What is left once the stream has ended: an event without its blank line (``data: [DONE]``)."""
        rest, self._pending = self._pending, b""
        return _strip(rest) if rest else b""


def _strip(events: bytes) -> bytes:
    """Whole events, stripped: OpenAI's compact ``usage: null`` in one pass, the rest event by event."""
    events = events.replace(_NULL, b"")  # no match (no usage asked, or another layout): no copy
    if _NAMES_USAGE not in events:
        return events  # the common read: two passes over its bytes
    events = events.replace(_NULL_SPACED, b"")
    if _NAMES_USAGE not in events:
        return events
    return b"".join(_strip_event(event) for event in _split(events))


def _split(events: bytes) -> list[bytes]:
    """Whole events (each with its blank line), split at blank lines of either kind."""
    out: list[bytes] = []
    start = 0
    while start < len(events):
        end = len(events)
        for blank, size in _ENDS:
            at = events.find(blank, start, end)
            if at >= 0:
                end = at + size
        out.append(events[start:end])
        start = end
    return out


def _strip_event(event: bytes) -> bytes:
    """One event, stripped by parsing it; as it was if it names no usage or is not a one-line JSON event."""
    if _NAMES_USAGE not in event:
        return event
    line = event.rstrip(b"\r\n")
    if not line.startswith(_DATA) or b"\n" in line:
        return event
    try:
        chunk = orjson.loads(line[len(_DATA) :])
    except orjson.JSONDecodeError:
        return event
    if not isinstance(chunk, dict):
        return event
    if "usage" not in chunk and PROMPT_USAGE_KEY not in chunk:
        return event  # the name was only in some text: leave its bytes alone
    return encode_event(chunk) if strip_chunk(chunk) else b""
