r"""Anthropic stream events → OpenAI ``chat.completion.chunk`` events (pure; no I/O).

Anthropic streams ``message_start``, then per content block ``content_block_start``,
``content_block_delta``\* and ``content_block_stop``, then ``message_delta`` (stop reason and
cumulative usage) and ``message_stop``; ``ping`` may come anywhere and ``error`` ends a failed
stream. Unknown event types are ignored, as Anthropic's versioning policy asks.

Mapping: ``text_delta`` → ``content``; ``tool_use`` blocks → ``tool_calls`` with a stable
``index`` counted over tool blocks only (id and name first, then ``input_json_delta`` pieces as
``arguments``); ``thinking_delta`` → ``reasoning_content``; at ``signature_delta`` the whole
thinking block, signature included, is sent once as ``thinking_blocks: [block]`` (as is each
``redacted_thinking`` block), so a client that appends them can replay them next turn.

JSON mode (``Plan.json_tool``): the forced tool's ``input_json_delta`` pieces are sent as
``content``, and its ``tool_use`` block never shows as a tool call. When the client asked for
usage, the first chunk carries the prompt's usage from ``message_start`` under
``PROMPT_USAGE_KEY``, for Anthropic's door to report in its own ``message_start``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from freehold.errors import ProviderError, ProviderResponseInvalid
from freehold.providers.anthropic.errors import parse_error_object
from freehold.providers.anthropic.translate import finish_reason, usage_from
from freehold.providers.emulation import Plan
from freehold.providers.openai_format import ChunkWriter, prompt_usage
from freehold.transport.sse import SSEEvent

__all__ = ["StreamTranslator"]


class StreamTranslator:
    """Translates one stream, event by event; keeps the state the OpenAI framing needs."""

    def __init__(
        self, deployment: str, include_usage: bool, secrets: tuple[str, ...] = (), plan: Plan | None = None
    ) -> None:
        self._deployment = deployment
        self._include_usage = include_usage
        self._secrets = secrets
        self._json_tool = plan.json_tool if plan is not None else None
        self._json_block: int | None = None  # content block index of the JSON-mode tool's input
        self._json_sent = False  # whether any of that input has been sent as content
        self._json_whole = False  # whether it came whole in content_block_start (no deltas then)
        self._ignored: set[int] = set()  # content blocks not shown to the client
        self._writer: ChunkWriter | None = None
        self._usage: dict[str, Any] = {}
        self._stop_reason: str | None = None
        self._tool_index: dict[int, int] = {}  # content block index → OpenAI tool_calls index
        self._thinking: dict[int, list[str]] = {}  # content block index → thinking text so far
        self.finished = False

    def parse_event(self, event: SSEEvent) -> bytes:
        """The OpenAI SSE bytes for one Anthropic event (often none); raises ``ProviderError``."""
        if event.event == "ping" or self.finished:
            return b""
        try:
            data = orjson.loads(event.data)
        except orjson.JSONDecodeError:
            raise self._invalid(f"sent an event that is not JSON ({event.event})") from None
        if not isinstance(data, dict):
            raise self._invalid(f"sent an event that is not a JSON object ({event.event})")
        try:
            return self._dispatch(data.get("type", event.event), data)
        except (KeyError, TypeError, AttributeError):
            raise self._invalid(f"sent a malformed '{event.event}' event") from None

    def _dispatch(self, kind: object, data: dict[str, Any]) -> bytes:
        if kind == "error":
            raise self._error(data)
        if kind == "message_start":
            return self._start(data)
        if kind == "ping":
            return b""
        writer = self._writer
        if writer is None:
            raise self._invalid(f"sent '{kind}' before 'message_start'")
        if kind == "content_block_start":
            return self._block_start(writer, data["index"], data["content_block"])
        if kind == "content_block_delta":
            return self._block_delta(writer, data["index"], data["delta"])
        if kind == "message_delta":
            delta = data.get("delta") or {}
            if delta.get("stop_reason"):
                self._stop_reason = delta["stop_reason"]
            self._merge_usage(data.get("usage"))
            return b""
        if kind == "message_stop":
            self.finished = True
            finish = finish_reason(self._stop_reason)
            if finish == "tool_calls" and self._json_block is not None and not self._tool_index:
                # only the JSON-mode tool was called: that is an answer, not a tool call
                finish = "stop"
            return writer.delta({}, finish) + writer.usage(usage_from(self._usage)) + writer.done()
        if kind == "content_block_stop" and data.get("index") == self._json_block and not self._json_sent:
            self._json_sent = True
            return writer.delta({"content": "{}"})  # the input was empty: the object is {}
        return b""  # content_block_stop, and event types added after this was written

    def finish(self) -> None:
        """Call when the upstream's bytes end: a stream without ``message_stop`` was cut."""
        if not self.finished:
            raise self._invalid("ended the stream before 'message_stop'")

    @property
    def usage(self) -> dict[str, Any]:
        """The usage reported so far, in OpenAI's shape."""
        return usage_from(self._usage)

    # --- events -------------------------------------------------------------------------------

    def _start(self, data: Mapping[str, Any]) -> bytes:
        message = data.get("message")
        if not isinstance(message, dict):
            raise self._invalid("sent 'message_start' without a message")
        self._writer = ChunkWriter(str(message.get("model") or ""), self._include_usage)
        self._merge_usage(message.get("usage"))
        prompt = prompt_usage(usage_from(self._usage)) if isinstance(message.get("usage"), dict) else None
        return self._writer.delta({"role": "assistant", "content": ""}, prompt=prompt)

    def _block_start(self, writer: ChunkWriter, index: int, block: Mapping[str, Any]) -> bytes:
        kind = block.get("type")
        if kind == "tool_use" and self._json_tool is not None and block["name"] == self._json_tool:
            if self._json_block is not None:
                self._ignored.add(index)  # a second call to it (parallel use): the first one is the answer
                return b""
            self._json_block = index
            if block.get("input"):
                self._json_sent = self._json_whole = True
                return writer.delta({"content": orjson.dumps(block["input"]).decode()})
            return b""
        if kind == "tool_use":
            position = self._tool_index[index] = len(self._tool_index)
            call = {
                "index": position,
                "id": block["id"],
                "type": "function",
                "function": {"name": block["name"], "arguments": ""},
            }
            out = writer.delta({"tool_calls": [call]})
            if block.get("input"):  # normally {} with the input streamed as input_json_delta
                out += self._arguments(writer, position, orjson.dumps(block["input"]).decode())
            return out
        if kind == "text" and block.get("text"):
            return writer.delta({"content": block["text"]})
        if kind == "thinking":
            self._thinking[index] = [block.get("thinking") or ""]
            return writer.delta({"reasoning_content": block["thinking"]}) if block.get("thinking") else b""
        if kind == "redacted_thinking":
            return writer.delta({"thinking_blocks": [{"type": "redacted_thinking", "data": block["data"]}]})
        return b""

    def _block_delta(self, writer: ChunkWriter, index: int, delta: Mapping[str, Any]) -> bytes:
        kind = delta.get("type")
        if kind == "text_delta":
            return writer.delta({"content": delta["text"]}) if delta["text"] else b""
        if index in self._ignored:
            return b""
        if kind == "input_json_delta" and index == self._json_block:
            piece = delta["partial_json"]
            if not piece or self._json_whole:
                return b""
            self._json_sent = True
            return writer.delta({"content": piece})
        if kind == "input_json_delta":
            position = self._tool_index.get(index)
            if position is None:
                raise self._invalid(f"sent tool input for content block {index}, which is not a tool_use block")
            return self._arguments(writer, position, delta["partial_json"])
        if kind == "thinking_delta":
            self._thinking.setdefault(index, []).append(delta["thinking"])
            return writer.delta({"reasoning_content": delta["thinking"]}) if delta["thinking"] else b""
        if kind == "signature_delta":
            block = {
                "type": "thinking",
                "thinking": "".join(self._thinking.pop(index, [])),
                "signature": delta["signature"],
            }
            return writer.delta({"thinking_blocks": [block]})
        return b""  # citations_delta and later additions

    @staticmethod
    def _arguments(writer: ChunkWriter, position: int, piece: str) -> bytes:
        if not piece:
            return b""
        return writer.delta({"tool_calls": [{"index": position, "function": {"arguments": piece}}]})

    def _merge_usage(self, usage: object) -> None:
        """Usage counts are cumulative: later values replace earlier ones; absent ones stay."""
        if isinstance(usage, dict):
            self._usage.update({k: v for k, v in usage.items() if v is not None})

    # --- failures -----------------------------------------------------------------------------

    def _invalid(self, what: str) -> ProviderResponseInvalid:
        return ProviderResponseInvalid(f"Upstream deployment '{self._deployment}' {what}.", deployment=self._deployment)

    def _error(self, data: Mapping[str, Any]) -> ProviderError:
        error = data.get("error")
        return parse_error_object(error if isinstance(error, dict) else {}, None, {}, self._deployment, self._secrets)
