"""The canonical chat SSE stream → the Responses API's event stream.

Events, each with a ``sequence_number`` from 0, in the order the API documents them:

```
response.created · response.in_progress
per output item:  response.output_item.added
  reasoning       response.reasoning_summary_part.added · reasoning_summary_text.delta* ·
                  reasoning_summary_text.done · reasoning_summary_part.done
  message         response.content_part.added · output_text.delta* · output_text.done ·
                  content_part.done   (a refusal: refusal.delta* · refusal.done)
  function_call   response.function_call_arguments.delta* · function_call_arguments.done
                  response.output_item.done
response.completed | response.incomplete (token limit, content filter)
```

A failure mid-stream (the provider raised, sent an error event, or the stream ended without
``data: [DONE]``) ends the stream with ``error`` and then ``response.failed``. The stream has
no ``[DONE]`` of its own: the terminal response event ends it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from freehold.errors import FreeholdError, ProviderRateLimited
from freehold.frontdoors.responses.output import (
    finish,
    function_call_item,
    message_item,
    output_text_part,
    usage_from_chat,
)
from freehold.ids import new_id
from freehold.transport.limits import DEFAULT_MAX_UPSTREAM_BODY_BYTES
from freehold.transport.sse import SSEDecoder, SSEEvent, encode_named_event

__all__ = ["StreamTranslator"]


@dataclass(slots=True)
class _Item:
    """An output item being streamed."""

    kind: str  # reasoning | message | function_call
    item_id: str
    index: int
    text: str = ""
    part: str = "output_text"  # message only: output_text | refusal
    call_id: str = ""
    name: str = ""
    parts: list[dict[str, Any]] = field(default_factory=list)  # message: finished content parts


class StreamTranslator:
    """Turns canonical SSE bytes into Responses events for one response; pure, no I/O.

    ``start()`` gives the opening events; ``feed(bytes)`` the events those bytes complete; after
    the canonical ``[DONE]`` (or ``fail()``) ``finished`` is true and ``response`` holds the final
    response object.
    """

    def __init__(
        self, response: dict[str, Any], deployment: str = "", max_event_bytes: int = DEFAULT_MAX_UPSTREAM_BODY_BYTES
    ) -> None:
        self._response = response
        self._seq = 0
        self._decoder = SSEDecoder(deployment, max_event_bytes)
        self._open: list[_Item] = []  # items added but not done, in output order
        self._calls: dict[int, _Item] = {}  # chat tool-call index → its open item
        self._seen_calls: set[int] = set()
        self._output: list[dict[str, Any]] = []  # finished items by output index
        self._finish_reason: str | None = None
        self._usage: dict[str, Any] | None = None
        self.finished = False
        self.response: dict[str, Any] | None = None

    # --- public ---------------------------------------------------------------------------

    def start(self) -> bytes:
        return self._emit("response.created", {"response": self._response}) + self._emit(
            "response.in_progress", {"response": self._response}
        )

    def feed(self, chunk: bytes) -> bytes:
        """Events completed by ``chunk`` of the canonical stream."""
        out: list[bytes] = []
        for event in self._decoder.feed(chunk):
            if self.finished:
                break
            out.append(self.event(event))
        return b"".join(out)

    def end(self) -> bytes:
        """The canonical stream ended; if it never said ``[DONE]``, it was cut."""
        out = [self.event(e) for e in self._decoder.flush() if not self.finished]
        if not self.finished:
            out.append(self._failed("server_error", "The upstream stream ended before it was complete.", None))
        return b"".join(out)

    def fail(self, error: FreeholdError) -> bytes:
        """End the stream because the provider failed mid-way."""
        code = "rate_limit_exceeded" if isinstance(error, ProviderRateLimited) else "server_error"
        return self._failed(code, error.message, error.param, event_code=error.code or code)

    def event(self, event: SSEEvent) -> bytes:
        """The events for one canonical event."""
        if event.data.strip() == "[DONE]":
            return self._complete()
        try:
            chunk = orjson.loads(event.data)
        except orjson.JSONDecodeError:
            return self._failed("server_error", "The upstream sent an event that is not JSON.", None)
        if not isinstance(chunk, dict):
            return b""
        error = chunk.get("error")
        if error is not None:  # an OpenAI-style error event relayed from the upstream
            err = error if isinstance(error, dict) else {"message": str(error)}
            message = str(err.get("message") or "The upstream failed mid-stream.")
            code = err.get("code") if isinstance(err.get("code"), str) else None
            return self._failed("server_error", message, None, event_code=code or "server_error")
        out: list[bytes] = []
        if isinstance(chunk.get("usage"), dict):
            self._usage = usage_from_chat(chunk["usage"])
        for choice in chunk.get("choices") or ():
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue  # the Responses API has one answer per response
            delta = choice.get("delta") or {}
            reasoning = delta.get("reasoning_content")
            if isinstance(reasoning, str) and reasoning:
                out.append(self._text("reasoning", "", reasoning))
            content = delta.get("content")
            if isinstance(content, str) and content:
                out.append(self._text("message", "output_text", content))
            refusal = delta.get("refusal")
            if isinstance(refusal, str) and refusal:
                out.append(self._text("message", "refusal", refusal))
            for call in delta.get("tool_calls") or ():
                if isinstance(call, dict):
                    out.append(self._tool_call(call))
                if self.finished:
                    return b"".join(out)
            if choice.get("finish_reason"):
                self._finish_reason = choice["finish_reason"]
        return b"".join(out)

    # --- items ----------------------------------------------------------------------------

    def _emit(self, name: str, payload: dict[str, Any]) -> bytes:
        data = {"type": name, **payload, "sequence_number": self._seq}
        self._seq += 1
        return encode_named_event(name, data)

    def _add(self, kind: str, item: dict[str, Any]) -> tuple[_Item, bytes]:
        state = _Item(kind, item["id"], len(self._output) + len(self._open))
        self._open.append(state)
        return state, self._emit("response.output_item.added", {"output_index": state.index, "item": item})

    def _text(self, kind: str, part: str, delta: str) -> bytes:
        """A piece of reasoning, answer text or refusal: opens (and closes) items as needed."""
        out: list[bytes] = []
        current = self._open[-1] if self._open else None
        if current is None or current.kind != kind:
            out.append(self._close_all())
            prefix = "rs_" if kind == "reasoning" else "msg_"
            added = (
                {"id": prefix + new_id(), "type": "reasoning", "summary": []}
                if kind == "reasoning"
                else message_item(prefix + new_id(), [], "in_progress")
            )
            current, opened = self._add(kind, added)
            out.append(opened)
            out.append(self._open_part(current, part))
        elif kind == "message" and current.part != part:
            out.append(self._close_part(current))
            out.append(self._open_part(current, part))
        current.text += delta
        where = {"item_id": current.item_id, "output_index": current.index}
        if kind == "reasoning":
            out.append(
                self._emit("response.reasoning_summary_text.delta", {**where, "summary_index": 0, "delta": delta})
            )
        elif part == "output_text":
            ctx = {**where, "content_index": len(current.parts)}
            out.append(self._emit("response.output_text.delta", {**ctx, "delta": delta, "logprobs": []}))
        else:
            out.append(
                self._emit("response.refusal.delta", {**where, "content_index": len(current.parts), "delta": delta})
            )
        return b"".join(out)

    def _open_part(self, item: _Item, part: str) -> bytes:
        item.part, item.text = part, ""
        where = {"item_id": item.item_id, "output_index": item.index}
        if item.kind == "reasoning":
            empty = {"type": "summary_text", "text": ""}
            return self._emit("response.reasoning_summary_part.added", {**where, "summary_index": 0, "part": empty})
        return self._emit(
            "response.content_part.added",
            {**where, "content_index": len(item.parts), "part": self._part(part, "")},
        )

    @staticmethod
    def _part(part: str, text: str) -> dict[str, Any]:
        return output_text_part(text) if part == "output_text" else {"type": "refusal", "refusal": text}

    def _close_part(self, item: _Item) -> bytes:
        where = {"item_id": item.item_id, "output_index": item.index}
        if item.kind == "reasoning":
            done = {"type": "summary_text", "text": item.text}
            return self._emit(
                "response.reasoning_summary_text.done", {**where, "summary_index": 0, "text": item.text}
            ) + self._emit("response.reasoning_summary_part.done", {**where, "summary_index": 0, "part": done})
        ctx = {**where, "content_index": len(item.parts)}
        part = self._part(item.part, item.text)
        item.parts.append(part)
        if item.part == "output_text":
            text_done = self._emit("response.output_text.done", {**ctx, "text": item.text, "logprobs": []})
        else:
            text_done = self._emit("response.refusal.done", {**ctx, "refusal": item.text})
        return text_done + self._emit("response.content_part.done", {**ctx, "part": part})

    def _tool_call(self, call: dict[str, Any]) -> bytes:
        out: list[bytes] = []
        index = call.get("index", 0)
        function = call.get("function") or {}
        state = self._calls.get(index)
        if state is None:
            if index in self._seen_calls:
                # Chat servers stream tool calls one after the other, as the Responses API does; an
                # upstream going back to a finished call cannot be carried without corrupting it.
                return self._failed("server_error", "The upstream interleaved the arguments of two tool calls.", None)
            self._seen_calls.add(index)
            out.append(self._close_all())  # the previous item (text or call) is complete
            call_id = call.get("id") or "call_" + new_id()
            name = function.get("name") or ""
            state, opened = self._add(
                "function_call", function_call_item("fc_" + new_id(), call_id, name, "", "in_progress")
            )
            state.call_id, state.name = call_id, name
            self._calls[index] = state
            out.append(opened)
        arguments = function.get("arguments")
        if isinstance(arguments, str) and arguments:
            state.text += arguments
            out.append(
                self._emit(
                    "response.function_call_arguments.delta",
                    {"item_id": state.item_id, "output_index": state.index, "delta": arguments},
                )
            )
        return b"".join(out)

    def _finished_item(self, item: _Item, status: str) -> dict[str, Any]:
        if item.kind == "reasoning":
            return {"id": item.item_id, "type": "reasoning", "summary": [{"type": "summary_text", "text": item.text}]}
        if item.kind == "message":
            return message_item(item.item_id, item.parts, status)
        return function_call_item(item.item_id, item.call_id, item.name, item.text, status)

    def _close_all(self) -> bytes:
        out: list[bytes] = []
        status = "incomplete" if self._finish_reason in ("length", "content_filter") else "completed"
        for item in self._open:
            if item.kind == "function_call":
                out.append(
                    self._emit(
                        "response.function_call_arguments.done",
                        {"item_id": item.item_id, "output_index": item.index, "arguments": item.text},
                    )
                )
                done = self._finished_item(item, "completed")
            else:
                out.append(self._close_part(item))
                done = self._finished_item(item, status)
            self._output.append(done)
            out.append(self._emit("response.output_item.done", {"output_index": item.index, "item": done}))
        self._open = []
        self._calls = {}
        return b"".join(out)

    # --- the end --------------------------------------------------------------------------

    def _complete(self) -> bytes:
        closing = self._close_all()
        self.response = finish(self._response, self._output, self._finish_reason, self._usage)
        self.finished = True
        name = "response.completed" if self.response["status"] == "completed" else "response.incomplete"
        return closing + self._emit(name, {"response": self.response})

    def _failed(self, code: str, message: str, param: str | None, event_code: str | None = None) -> bytes:
        partial = [self._finished_item(item, "incomplete") for item in self._open]
        for item, done in zip(self._open, partial, strict=True):
            if item.kind == "message" and item.text:  # keep the text streamed so far
                done["content"] = [*item.parts, self._part(item.part, item.text)]
        self.response = {
            **self._response,
            "status": "failed",
            "output": self._output + partial,
            "error": {"code": code, "message": message},
            "usage": self._usage,
        }
        self.finished = True
        error = {"code": event_code or code, "message": message, "param": param}
        return self._emit("error", error) + self._emit("response.failed", {"response": self.response})
