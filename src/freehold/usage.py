"""Usage accounting: how many tokens each answer cost, streams cut mid-way included.

Every answer the gateway relays ends in one ``UsageRecord`` handed to a ``UsageSink`` (today the
Prometheus counters of ``observability/usage.py``; the durable ledger of the governance work
implements the same protocol), by a ``UsageBook`` that does that work in batches. Where the
upstream reported usage, the record carries its numbers (``estimated`` false), prompt-cache
reads and writes included, since vendors price those apart. Where it did not — a stream cut by
the upstream or left by the client before its final usage event, or an unmetered stream whose
client did not ask for usage — the record is still written, with estimates: vendors bill for the
tokens generated before a cut. An estimate is never a price: whoever prices a record with
``estimated`` set records its cost as unknown (and a budget charges its worst case).

Metered requests (the alias has ``done`` stages: budgets, the ledger) must cost what the vendor
bills, streamed or not: for their streams the gateway asks the upstream for its usage
(``gateway.ask_stream_usage``) and takes it back out of a client's stream that did not ask
(``usage_strip.py``), so a streamed answer's record has the same numbers as the same answer
unstreamed. Unmetered streams keep the cheaper estimate for the metrics.

The stream path matters for speed: ``StreamMeter.feed`` runs once per relayed chunk and only
adds its length and keeps the last four chunks (no scan of the bytes: that cost ~1 ns per byte,
25 µs on the benchmark's 11.6 KB stream). Once the stream ends, its end is looked at: for the
usage event (OpenAI sends it last, before ``[DONE]``), else for the size of its last event.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

import orjson

if TYPE_CHECKING:
    from freehold.context import RequestContext

__all__ = [
    "Ending",
    "Numbers",
    "StreamMeter",
    "UsageBook",
    "UsageRecord",
    "UsageSink",
    "estimate_answer_tokens",
    "estimate_prompt_tokens",
    "usage_numbers",
    "usage_of_body",
    "whole_usage",
]

log = logging.getLogger("freehold.usage")

Ending = Literal["complete", "upstream_cut", "client_gone"]

_USAGE_KEY: Final = b'"prompt_tokens"'  # only in a usage object (a quote inside text is escaped)
_SSE_EVENT: Final = b"data:"
_DONE: Final = b"data: [DONE]"
_TAIL: Final = 1024  # bytes looked at once a stream ends: the usage event and [DONE] fit
_DONE_ROOM: Final = 32  # [DONE] is the last event: only the last bytes are searched for it
_KEPT: Final = 4  # chunks kept for that look: vendors send an event (or more) per chunk
_TYPICAL_EVENT: Final = 200  # bytes of an OpenAI content event, if the kept chunks hold no whole one
# Each content event carries about one token, as OpenAI and OpenAI-compatible servers stream. A
# whole canonical stream spends three events on none: the role chunk, the chunk with
# ``finish_reason`` and ``[DONE]``; a stream cut mid-way usually only the first.
_NON_TOKEN_EVENTS_WHOLE: Final = 3
_NON_TOKEN_EVENTS_CUT: Final = 1


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs ~1 us more, once per request
class UsageRecord:
    """What one answer cost.

    Attributes:
        alias: the alias the client asked for.
        deployment: the deployment that answered.
        prompt_tokens: input tokens, cached ones included.
        completion_tokens: output tokens, reasoning ones included.
        estimated: true when either number is the gateway's estimate, not the upstream's report.
        ending: how the answer ended: ``complete``, ``upstream_cut`` (the upstream failed after
            the first byte) or ``client_gone`` (the client left mid-stream).
        cached_input_tokens: of ``prompt_tokens``, those read from the vendor's prompt cache
            (OpenAI ``prompt_tokens_details.cached_tokens``, Anthropic ``cache_read_input_tokens``).
        cache_write_tokens: of ``prompt_tokens``, those written to the prompt cache (Anthropic
            ``cache_creation_input_tokens``), priced apart by vendors that charge for it.
    """

    alias: str
    deployment: str
    prompt_tokens: int
    completion_tokens: int
    estimated: bool
    ending: Ending = "complete"
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0


class UsageSink(Protocol):
    """Where usage records go; called on the event loop, must not block or raise."""

    def record(self, usage: UsageRecord) -> None: ...


Numbers = tuple[int, int, int, int]
"""Prompt, completion, cached-input and cache-write tokens: ``UsageRecord``'s counts, in its order."""


def usage_numbers(usage: object) -> Numbers | None:
    """The counts of a canonical (OpenAI) usage object, or None if it is not one.

    Every adapter's usage is in this shape, with ``prompt_tokens`` counting all input tokens,
    cache reads and writes included (Anthropic and Bedrock report those apart from their input
    tokens; the adapters add them up; Gemini's ``promptTokenCount`` already includes its cached
    content). ``prompt_tokens_details`` says how many of them were read from the prompt cache
    (``cached_tokens``: OpenAI's own, Anthropic's ``cache_read_input_tokens``, Gemini's
    ``cachedContentTokenCount``) or written to it (``cache_write_tokens``: Anthropic's
    ``cache_creation_input_tokens``, Bedrock's ``cacheWriteInputTokens``); 0 when not reported.
    """
    if not isinstance(usage, dict):
        return None
    prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens", 0)
    if not isinstance(prompt, int) or not isinstance(completion, int):
        return None
    details = usage.get("prompt_tokens_details")
    if not isinstance(details, dict):
        return prompt, completion, 0, 0
    cached, written = details.get("cached_tokens"), details.get("cache_write_tokens")
    return prompt, completion, cached if isinstance(cached, int) else 0, written if isinstance(written, int) else 0


def usage_of_body(body: bytes) -> Numbers | None:
    """The usage of a whole canonical answer (chat completion or embeddings list), if it has one."""
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    return usage_numbers(parsed.get("usage")) if isinstance(parsed, dict) else None


def estimate_answer_tokens(body: bytes) -> int:
    """About four characters per token over a whole answer's message text (0 if it has none)."""
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return 0
    choices = parsed.get("choices") if isinstance(parsed, dict) else None
    if not isinstance(choices, list):
        return 0
    messages = [c.get("message") for c in choices if isinstance(c, dict)]
    return estimate_prompt_tokens({"messages": messages}) - 4 * len(messages)


def estimate_prompt_tokens(body: dict[str, Any]) -> int:
    """About four characters per token over the messages' text, plus a few per message.

    Total over any JSON: the doors check types, but an estimate must never be what fails.
    """
    chars = 0
    messages = body.get("messages")
    if not isinstance(messages, list):
        return 0
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            chars += len(content)
        elif isinstance(content, list):
            for part in content:
                text = part.get("text") if isinstance(part, dict) else None
                if isinstance(text, str):
                    chars += len(text)
    return chars // 4 + 4 * len(messages)


class UsageBook:
    """Takes each answer's usage as it ends and turns it into records in batches.

    Batches because the records' consumers want them: the durable ledger will write rows in
    batches, and the counters only need to be current when ``/metrics`` is scraped (which
    flushes). The per-answer work itself (finding a stream's usage event or sizing its events,
    building the record, updating the counters) measured ~6 µs per stream in the running server
    either way, and 13 µs before the stream's tail was only searched when usage was asked for.
    Records are up to ``interval`` seconds late; none is lost (``flush`` runs at shutdown too).
    Memory stays bounded: about ``batch`` answers wait, each holding its request body and its
    stream's last chunks.

    The work runs in its own loop callback, never in the path of the request whose answer
    filled the batch, and one answer whose usage cannot be worked out is logged and skipped:
    it can cost neither the other answers' records nor another request its response.
    """

    def __init__(self, sink: UsageSink, *, batch: int = 64, interval: float = 1.0) -> None:
        self._sink = sink
        self._batch = batch
        self._interval = interval
        self._pending: list[StreamMeter | _WholeAnswer | _Recorded] = []
        self._timer: asyncio.TimerHandle | asyncio.Handle | None = None
        self._soon = False

    def whole(
        self, alias: str, deployment: str, usage: dict[str, Any] | None, body: bytes, request: dict[str, Any]
    ) -> None:
        """A whole answer: its parsed ``usage`` object if the adapter had one, else its ``body``."""
        self.add(_WholeAnswer(alias, deployment, usage, body, request))

    def stream(
        self, alias: str, deployment: str, request: dict[str, Any], ctx: RequestContext | None = None
    ) -> StreamMeter:
        """A meter for a stream that is about to be relayed; it adds itself here when finished.

        With ``ctx``, its usage is worked out as it ends and set on ``ctx.usage`` (see ``StreamMeter``).
        """
        return StreamMeter(self, alias, deployment, request, ctx)

    def add_record(self, record: UsageRecord) -> None:
        """A usage already worked out (as the request ended): recorded with the next batch."""
        self.add(_Recorded(record))

    def add(self, answer: StreamMeter | _WholeAnswer | _Recorded) -> None:
        pending = self._pending
        pending.append(answer)
        if self._soon or (self._timer is not None and len(pending) < self._batch):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a script, a unit test): record at once
            self.flush()
            return
        if len(pending) >= self._batch:
            if self._timer is not None:
                self._timer.cancel()
            self._timer, self._soon = loop.call_soon(self.flush), True
        else:
            self._timer = loop.call_later(self._interval, self.flush)

    def flush(self) -> None:
        """Record everything pending now."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer, self._soon = None, False
        pending, self._pending = self._pending, []
        record = self._sink.record
        for answer in pending:
            try:
                record(answer.usage())
            except Exception:
                log.exception("usage of an answer from %s (alias %s) not recorded", answer.deployment, answer.alias)


def whole_usage(
    alias: str, deployment: str, reported: dict[str, Any] | None, body: bytes, request: dict[str, Any]
) -> UsageRecord:
    """A whole answer's usage: the upstream's numbers (``reported``, else from ``body``), else estimates."""
    return _WholeAnswer(alias, deployment, reported, body, request).usage()


class _Recorded:
    __slots__ = ("alias", "deployment", "record")

    def __init__(self, record: UsageRecord) -> None:
        self.record, self.alias, self.deployment = record, record.alias, record.deployment

    def usage(self) -> UsageRecord:
        return self.record


class _WholeAnswer:
    __slots__ = ("alias", "body", "deployment", "reported", "request")

    def __init__(
        self, alias: str, deployment: str, reported: dict[str, Any] | None, body: bytes, request: dict[str, Any]
    ) -> None:
        self.alias, self.deployment, self.reported, self.body, self.request = alias, deployment, reported, body, request

    def usage(self) -> UsageRecord:
        numbers = usage_numbers(self.reported) if self.reported is not None else usage_of_body(self.body)
        if numbers is not None:
            prompt, completion, cached, written = numbers
            return UsageRecord(self.alias, self.deployment, prompt, completion, False, "complete", cached, written)
        prompt = estimate_prompt_tokens(self.request)
        return UsageRecord(self.alias, self.deployment, prompt, estimate_answer_tokens(self.body), estimated=True)


class StreamMeter:
    """Measures a canonical stream as it is relayed; its usage is worked out once it has ended.

    It is fed the upstream's canonical bytes, before any usage the client did not ask for is
    taken out of them, so a metered stream's usage event is always there to be read.
    """

    __slots__ = ("_book", "_ctx", "_recent", "_reports", "_request", "alias", "deployment", "ending", "fed", "size")

    def __init__(
        self,
        book: UsageBook | None,
        alias: str,
        deployment: str,
        request: dict[str, Any],
        ctx: RequestContext | None = None,
    ) -> None:
        """``request`` is the canonical request body, read only if the prompt must be estimated.

        Without a ``book`` (usage not recorded) it only keeps the last chunks, for ``saw_done``.
        With ``ctx``, the usage is worked out as the stream ends and set on ``ctx.usage`` (stages
        that account for each request read it then); otherwise later, in the book's batch.
        """
        self._book = book
        self._ctx = ctx
        self.alias = alias
        self.deployment = deployment
        self._request = request
        options = request.get("stream_options")
        # Upstreams (and the adapters' translations) send a usage event only when asked to: by the
        # client, or by the gateway for a metered stream (``gateway.ask_stream_usage``).
        self._reports = isinstance(options, dict) and options.get("include_usage") is True
        self.size = 0
        self.fed = 0
        self._recent = [b""] * _KEPT  # a ring: chunk n is at n % _KEPT
        self.ending: Ending | None = None

    def feed(self, chunk: bytes) -> None:
        """One relayed chunk (any piece of the SSE byte stream): its length is added, nothing scanned."""
        self.size += len(chunk)
        self._recent[self.fed % _KEPT] = chunk
        self.fed += 1

    def finish(self, ending: Ending) -> None:
        """The stream has ended (once; later calls do nothing): hand it to the book."""
        if self.ending is None:
            self.ending = ending
            if self._ctx is not None:
                try:
                    record = self._ctx.usage = self.usage()
                except Exception:  # accounting must not break the stream it measures
                    log.exception("usage of a stream from %s (alias %s) not worked out", self.deployment, self.alias)
                    return
                if self._book is not None:
                    self._book.add_record(record)
            elif self._book is not None:
                self._book.add(self)

    def saw_done(self) -> bool:
        """Whether the chunks fed so far end with ``data: [DONE]`` (the canonical stream's last event)."""
        at = self.fed % _KEPT
        last = self._recent[at - 1]
        tail = last if len(last) >= _DONE_ROOM else b"".join(self._recent[at:] + self._recent[:at])[-_DONE_ROOM:]
        return tail.find(_DONE, len(tail) - _DONE_ROOM) >= 0

    def usage(self) -> UsageRecord:
        """The stream's usage: the reported one if its last events carry it, else estimated."""
        at = self.fed % _KEPT
        recent = self._recent[at:] + self._recent[:at]  # oldest first
        last = recent[-1]
        tail = last if len(last) >= _TAIL else b"".join(recent)[-_TAIL:]
        whole = tail.find(_DONE, len(tail) - _DONE_ROOM) >= 0
        ending = self.ending or "client_gone"
        if ending == "client_gone" and whole:
            ending = "complete"  # the consumer stopped once it had everything (e.g. a translator)
        reported = _usage_in_tail(tail) if self._reports else None
        if reported is not None:
            prompt, completion, cached, written = reported
            return UsageRecord(self.alias, self.deployment, prompt, completion, False, ending, cached, written)
        prompt = estimate_prompt_tokens(self._request)
        events = round(self.size / (_last_event_size(tail) or _TYPICAL_EVENT))
        completion = max(0, events - (_NON_TOKEN_EVENTS_WHOLE if whole else _NON_TOKEN_EVENTS_CUT))
        return UsageRecord(self.alias, self.deployment, prompt, completion, True, ending)


def _last_event_size(tail: bytes) -> int:
    """The size of the stream's last whole event before ``[DONE]`` (0 if there is none).

    Events of a stream share one envelope, so the stream's size divided by this is its event
    count: two short scans back from the end, whatever the stream's length.
    """
    done = tail.find(_DONE, len(tail) - _DONE_ROOM)
    end = tail.rfind(b"\n\n", 0, done if done >= 0 else len(tail)) + 2  # a cut event is not whole
    start = tail.rfind(_SSE_EVENT, 0, end - 2) if end >= 2 else -1
    return end - start if start >= 0 else 0


def _usage_in_tail(tail: bytes) -> Numbers | None:
    """The usage object of the last SSE event in ``tail`` that carries one (compact JSON or not)."""
    at = tail.rfind(_USAGE_KEY, max(0, len(tail) - _TAIL))
    if at < 0:
        return None
    start = tail.rfind(_SSE_EVENT, 0, at)
    end = tail.find(b"\n\n", at)
    if start < 0:
        return None
    try:
        event = orjson.loads(tail[start + len(_SSE_EVENT) : end if end >= 0 else len(tail)])
    except orjson.JSONDecodeError:
        return None  # split across more pieces than kept, or not JSON: estimate instead
    return usage_numbers(event.get("usage")) if isinstance(event, dict) else None
