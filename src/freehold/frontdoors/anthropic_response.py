r"""Canonical answers → Anthropic's Messages API: the ``message`` object, its SSE events, its errors.

Pure functions and one incremental translator, no I/O. The event order is Anthropic's:
``message_start``, then per content block ``content_block_start`` / ``content_block_delta``\\* /
``content_block_stop`` (one ``ping`` after the first block starts), then ``message_delta``
(stop reason and usage) and ``message_stop``. A failure mid-stream becomes one ``error`` event.

Decisions where the formats differ:

- ``reasoning_content`` becomes a ``thinking`` block with an empty ``signature``: only Anthropic
  can sign thinking, and the request side drops thinking blocks sent back, so nothing checks it.
- ``stop_reason`` is ``stop_sequence`` only when the upstream says which stop string matched
  (vLLM's ``choices[].stop_reason``); OpenAI does not, so a stop there reads ``end_turn``.
- Usage, as Anthropic counts it: ``input_tokens`` excludes cache reads and writes, which are
  ``cache_read_input_tokens`` (canonical ``cached_tokens``) and ``cache_creation_input_tokens``
  (the canonical extension ``cache_write_tokens``, with ``cache_creation`` by lifetime). A
  stream's ``message_start`` carries the prompt's real counts when the upstream reported them
  up front (``PROMPT_USAGE_KEY`` on the first canonical chunk: Anthropic upstreams), else an
  estimate of the input tokens (the canonical stream reports usage only at its end);
  ``message_delta`` carries the final counts, which clients take as the final ones.
"""

from __future__ import annotations

from typing import Any

import orjson

from freehold.errors import FreeholdError, ProviderError, ProviderResponseInvalid
from freehold.ids import new_id
from freehold.providers.openai_format import PROMPT_USAGE_KEY
from freehold.redact import redact
from freehold.transport.limits import DEFAULT_MAX_UPSTREAM_BODY_BYTES
from freehold.transport.sse import SSEDecoder, SSEEvent, encode_named_event

__all__ = [
    "StreamTranslator",
    "error_body",
    "error_event",
    "error_status",
    "from_canonical",
    "message_usage",
    "new_message_id",
    "stop_reason",
]

_STOP_REASONS = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "content_filter": "refusal",
}
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}


def new_message_id() -> str:
    return "msg_" + new_id()


# --- errors ------------------------------------------------------------------------------------


def error_status(exc: FreeholdError) -> int:
    """The HTTP status an Anthropic client sees: an upstream's 503 (overloaded) becomes Anthropic's 529."""
    return 529 if exc.status == 503 else exc.status


def error_body(exc: FreeholdError, request_id: str) -> dict[str, Any]:
    """Anthropic's error object: ``{"type": "error", "error": {"type", "message"}, "request_id"}``."""
    status = error_status(exc)
    kind = _ERROR_TYPES.get(status) or ("api_error" if status >= 500 else "invalid_request_error")
    return {"type": "error", "error": {"type": kind, "message": exc.message}, "request_id": request_id}


def error_event(exc: FreeholdError, request_id: str) -> bytes:
    """The ``error`` event that ends a failed stream; the ``anthropic`` SDK raises it as ``APIStatusError``."""
    return encode_named_event("error", error_body(exc, request_id))


# --- whole answers -----------------------------------------------------------------------------


def stop_reason(
    finish: str | None, matched: str | None, stop_sequences: tuple[str, ...], tools: bool
) -> tuple[str, str | None]:
    """Anthropic's ``(stop_reason, stop_sequence)`` for a canonical finish reason.

    Args:
        finish: the canonical ``finish_reason``.
        matched: the stop string the upstream reports as matched (vLLM's ``stop_reason``), if any.
        stop_sequences: the request's stop sequences.
        tools: whether the answer holds tool calls (some servers finish those with ``stop``).
    """
    if tools and finish in (None, "stop", "tool_calls", "function_call"):
        return "tool_use", None
    if finish == "stop" and matched is not None and matched in stop_sequences:
        return "stop_sequence", matched
    return _STOP_REASONS.get(finish or "stop", "end_turn"), None


def message_usage(usage: dict[str, Any] | None) -> dict[str, Any]:
    """Anthropic's usage for a canonical one (``prompt_tokens`` includes cache reads and writes; theirs does not)."""
    usage = usage or {}
    out = _prompt_usage(usage)
    out["output_tokens"] = _int(usage.get("completion_tokens"))
    reasoning = _int((usage.get("completion_tokens_details") or {}).get("reasoning_tokens"))
    if reasoning:
        out["output_tokens_details"] = {"thinking_tokens": reasoning}
    return out


def _prompt_usage(usage: dict[str, Any]) -> dict[str, Any]:
    """``input_tokens`` and the cache fields of Anthropic's usage, from a canonical usage object."""
    prompt = _int(usage.get("prompt_tokens"))
    details = usage.get("prompt_tokens_details")
    details = details if isinstance(details, dict) else {}
    read = _int(details.get("cached_tokens"))
    written = _int(details.get("cache_write_tokens"))
    out: dict[str, Any] = {
        "input_tokens": max(prompt - read - written, 0),
        "output_tokens": 0,
        "cache_creation_input_tokens": written,
        "cache_read_input_tokens": read,
    }
    by_ttl = details.get("cache_creation")
    if isinstance(by_ttl, dict):
        out["cache_creation"] = {
            key: _int(by_ttl.get(key)) for key in ("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens")
        }
    return out


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _tool_input(arguments: object) -> dict[str, Any]:
    """A tool call's arguments as Anthropic's ``input`` object; arguments that are not a JSON object give ``{}``."""
    if not isinstance(arguments, str) or not arguments:
        return {}
    try:
        value = orjson.loads(arguments)
    except orjson.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _text_of(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # some servers answer with text parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def from_canonical(
    completion: dict[str, Any],
    *,
    model: str,
    stop_sequences: tuple[str, ...] = (),
    deployment: str,
    message_id: str | None = None,
) -> dict[str, Any]:
    """Anthropic's ``message`` object for a canonical ``chat.completion`` (its first choice).

    Args:
        completion: the decoded canonical answer.
        model: the model name to report when the answer names none.
        stop_sequences: the request's, to recognise a matched one.
        deployment: named in the error when the answer is malformed.
        message_id: the ``msg_`` id to use (a fresh one by default).

    Raises:
        ProviderResponseInvalid: the answer has no choice with a message.
    """
    choices = completion.get("choices")
    choice = choices[0] if isinstance(choices, list) and choices and isinstance(choices[0], dict) else None
    message = choice.get("message") if choice is not None else None
    if not isinstance(message, dict):
        raise ProviderResponseInvalid(
            f"Upstream deployment '{deployment}' answered without a message in 'choices[0]'.", deployment=deployment
        )
    content: list[dict[str, Any]] = []
    reasoning = message.get("reasoning_content")
    if isinstance(reasoning, str) and reasoning:
        content.append({"type": "thinking", "thinking": reasoning, "signature": ""})
    text = _text_of(message.get("content"))
    refusal = message.get("refusal")
    if isinstance(refusal, str) and refusal:
        text += refusal
    if text:
        content.append({"type": "text", "text": text})
    calls = message.get("tool_calls") or []
    for call in calls:
        function = call.get("function") or {}
        content.append(
            {
                "type": "tool_use",
                "id": call.get("id") or "toolu_" + new_id(),
                "name": function.get("name") or "",
                "input": _tool_input(function.get("arguments")),
            }
        )
    finish = "content_filter" if isinstance(refusal, str) and refusal else choice.get("finish_reason")  # type: ignore[union-attr]
    matched = choice.get("stop_reason")  # type: ignore[union-attr]
    reason, sequence = stop_reason(finish, matched if isinstance(matched, str) else None, stop_sequences, bool(calls))
    return {
        "id": message_id or new_message_id(),
        "type": "message",
        "role": "assistant",
        "model": completion.get("model") or model,
        "content": content,
        "stop_reason": reason,
        "stop_sequence": sequence,
        "usage": message_usage(completion.get("usage")),
    }


# --- streams -----------------------------------------------------------------------------------


class StreamTranslator:
    """Turns a canonical SSE stream into Anthropic's events, incrementally.

    ``feed`` takes canonical bytes in any pieces and returns Anthropic SSE bytes (possibly
    empty); ``finish`` is called when the canonical stream ends. Both raise ``ProviderError``
    when the canonical stream reports an error or ends before ``data: [DONE]``; the caller then
    ends the client's stream with ``error_event``.
    """

    def __init__(
        self,
        *,
        model: str,
        input_tokens: int,
        deployment: str,
        stop_sequences: tuple[str, ...] = (),
        message_id: str | None = None,
        max_event_bytes: int = DEFAULT_MAX_UPSTREAM_BODY_BYTES,
    ) -> None:
        self.message_id = message_id or new_message_id()
        self._model = model
        self._input_tokens = input_tokens
        self._deployment = deployment
        self._stop_sequences = stop_sequences
        self._decoder = SSEDecoder(deployment, max_event_bytes)
        self._started = False
        self._pinged = False
        self._block = -1  # index of the last block started
        self._open: str | None = None  # kind of the open block: "text", "thinking" or "tool:<n>"
        self._tools: dict[int, int] = {}  # canonical tool-call index → block index
        self._finish: str | None = None
        self._matched: str | None = None
        self._usage: dict[str, Any] | None = None
        self._prompt: dict[str, Any] | None = None  # the prompt's usage, if the upstream reported it up front
        self.done = False

    def feed(self, chunk: bytes) -> bytes:
        out: list[bytes] = []
        for event in self._decoder.feed(chunk):
            self._event(event, out)
        return b"".join(out)

    def finish(self) -> bytes:
        out: list[bytes] = []
        for event in self._decoder.flush():
            self._event(event, out)
        if not self.done:
            raise ProviderResponseInvalid(
                f"Upstream deployment '{self._deployment}' ended the stream before it finished.",
                deployment=self._deployment,
            )
        return b"".join(out)

    # --- events ----------------------------------------------------------------------------

    def _event(self, event: SSEEvent, out: list[bytes]) -> None:
        if self.done:
            return
        if event.data == "[DONE]":
            self._start(out)
            self._end(out)
            return
        try:
            payload = event.json()
        except orjson.JSONDecodeError:
            raise ProviderResponseInvalid(
                f"Upstream deployment '{self._deployment}' sent a stream event that is not JSON.",
                deployment=self._deployment,
            ) from None
        if not isinstance(payload, dict):
            return
        error = payload.get("error")
        if error is not None and not payload.get("choices"):
            raise _stream_error(error, self._deployment)
        if not self._started:
            if isinstance(payload.get("model"), str):
                self._model = payload["model"]
            if isinstance(payload.get(PROMPT_USAGE_KEY), dict):
                self._prompt = _prompt_usage(payload[PROMPT_USAGE_KEY])
        self._start(out)
        if isinstance(payload.get("usage"), dict):
            self._usage = payload["usage"]
        for choice in payload.get("choices") or ():
            if isinstance(choice, dict) and choice.get("index", 0) == 0:
                self._choice(choice, out)

    def _choice(self, choice: dict[str, Any], out: list[bytes]) -> None:
        delta = choice.get("delta") or {}
        reasoning = delta.get("reasoning_content")
        if isinstance(reasoning, str) and reasoning:
            self._open_block("thinking", {"type": "thinking", "thinking": "", "signature": ""}, out)
            self._delta({"type": "thinking_delta", "thinking": reasoning}, self._block, out)
        for key in ("content", "refusal"):
            text = delta.get(key)
            if isinstance(text, str) and text:
                self._open_block("text", {"type": "text", "text": ""}, out)
                self._delta({"type": "text_delta", "text": text}, self._block, out)
                if key == "refusal":
                    self._finish = "content_filter"
        for call in delta.get("tool_calls") or ():
            self._tool_call(call, out)
        finish = choice.get("finish_reason")
        if isinstance(finish, str) and self._finish != "content_filter":
            self._finish = finish
        matched = choice.get("stop_reason")
        if isinstance(matched, str):
            self._matched = matched

    def _tool_call(self, call: dict[str, Any], out: list[bytes]) -> None:
        n = call.get("index", 0)
        function = call.get("function") or {}
        if n not in self._tools:
            block: dict[str, Any] = {
                "type": "tool_use",
                "id": call.get("id") or "toolu_" + new_id(),
                "name": function.get("name") or "",
                "input": {},
            }
            self._open_block(f"tool:{n}", block, out, force=True)
            self._tools[n] = self._block
        arguments = function.get("arguments")
        if isinstance(arguments, str) and arguments:
            # Calls stream one after another in practice; a late piece of an earlier call still
            # goes to that call's block, which the SDK's accumulator takes.
            self._delta({"type": "input_json_delta", "partial_json": arguments}, self._tools[n], out)

    # --- framing ---------------------------------------------------------------------------

    def _start(self, out: list[bytes]) -> None:
        if self._started:
            return
        self._started = True
        message: dict[str, Any] = {
            "id": self.message_id,
            "type": "message",
            "role": "assistant",
            "model": self._model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": self._prompt
            or {
                "input_tokens": self._input_tokens,
                "output_tokens": 0,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
            },
        }
        out.append(encode_named_event("message_start", {"type": "message_start", "message": message}))

    def _open_block(self, kind: str, block: dict[str, Any], out: list[bytes], force: bool = False) -> None:
        if self._open == kind and not force:
            return
        self._close_block(out)
        self._block += 1
        self._open = kind
        out.append(
            encode_named_event(
                "content_block_start", {"type": "content_block_start", "index": self._block, "content_block": block}
            )
        )
        if not self._pinged:
            self._pinged = True
            out.append(encode_named_event("ping", {"type": "ping"}))

    def _close_block(self, out: list[bytes]) -> None:
        if self._open is not None:
            out.append(encode_named_event("content_block_stop", {"type": "content_block_stop", "index": self._block}))
            self._open = None

    def _delta(self, delta: dict[str, Any], index: int, out: list[bytes]) -> None:
        out.append(
            encode_named_event("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})
        )

    def _end(self, out: list[bytes]) -> None:
        self._close_block(out)
        if not self._pinged:
            self._pinged = True
            out.append(encode_named_event("ping", {"type": "ping"}))
        reason, sequence = stop_reason(self._finish, self._matched, self._stop_sequences, bool(self._tools))
        usage = message_usage(self._usage)
        if self._usage is None:  # the upstream reported none at the end: keep what message_start said, not 0
            usage.update(self._prompt or {"input_tokens": self._input_tokens})
        delta = {"stop_reason": reason, "stop_sequence": sequence}
        out.append(encode_named_event("message_delta", {"type": "message_delta", "delta": delta, "usage": usage}))
        out.append(encode_named_event("message_stop", {"type": "message_stop"}))
        self.done = True


def _stream_error(error: object, deployment: str) -> ProviderError:
    """An OpenAI-style ``{"error": {...}}`` event relayed from upstream mid-stream."""
    fields = error if isinstance(error, dict) else {"message": str(error)}
    message = redact(str(fields.get("message") or "stream failed"))
    kind = fields.get("type") if isinstance(fields.get("type"), str) else None
    return ProviderError(
        f"Upstream deployment '{deployment}' failed mid-stream: {message}", deployment=deployment, error_type=kind
    )
