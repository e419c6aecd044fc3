"""Gemini ``streamGenerateContent?alt=sse`` events → OpenAI ``chat.completion.chunk`` events (pure).

Each Gemini event is a whole ``GenerateContentResponse`` holding the next piece of each
candidate; there is no ``[DONE]``: a candidate ends with its ``finishReason``, and the stream
simply closes. A stream that closes before every candidate it started has finished was cut.
With ``Plan.one_tool_call`` (``parallel_tool_calls: false``) only a candidate's first function
call is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from freehold.errors import ProviderResponseInvalid
from freehold.providers.emulation import Plan
from freehold.providers.gemini.errors import error_from_status
from freehold.providers.gemini.translate import blocked_error, finish_reason, logprobs_from, split_parts, usage_from
from freehold.providers.openai_format import ChunkWriter
from freehold.transport.sse import encode_event

__all__ = ["StreamTranslator"]


class _Writer(ChunkWriter):
    """A ``ChunkWriter`` that can also attach a choice's ``logprobs``."""

    def delta_logprobs(self, delta: dict[str, Any], logprobs: dict[str, Any] | None, index: int) -> bytes:
        if logprobs is None:
            return self.delta(delta, index=index)
        choice = {"index": index, "delta": delta, "logprobs": logprobs, "finish_reason": None}
        return encode_event({**self._base, "choices": [choice]})


class StreamTranslator:
    """Feed it each decoded Gemini event; it returns the OpenAI SSE bytes to send.

    Raises (from ``feed`` / ``finish``) the ``ProviderError`` a stream failure maps to: an
    ``error`` event, a blocked prompt, or an end before every started candidate finished.
    """

    def __init__(self, model: str, include_usage: bool, deployment: str, plan: Plan | None = None) -> None:
        self._model = model
        self._one_call = plan is not None and plan.one_tool_call
        self._include_usage = include_usage
        self._writer: _Writer | None = None  # made on the first event, to carry its modelVersion
        self._deployment = deployment
        self._response_id: str | None = None
        self._calls: dict[int, int] = {}  # candidate index → tool calls sent so far
        self._finished: dict[int, str] = {}
        self._usage: Mapping[str, Any] | None = None

    def feed(self, data: Mapping[str, Any]) -> list[bytes]:
        error = data.get("error")
        if isinstance(error, dict):
            code = error.get("code")
            status = code if isinstance(code, int) and code >= 400 else 500
            raise error_from_status(status, error, {}, self._deployment)
        candidates = data.get("candidates") or []
        if not candidates:
            blocked = blocked_error(data, self._deployment)
            if blocked is not None:
                raise blocked
        if self._writer is None:
            self._writer = _Writer(str(data.get("modelVersion") or self._model), self._include_usage)
        if self._response_id is None and data.get("responseId"):
            self._response_id = str(data["responseId"])
        if data.get("usageMetadata"):
            self._usage = data["usageMetadata"]  # cumulative: the last one counts
        out: list[bytes] = []
        for position, candidate in enumerate(candidates):
            out.extend(self._candidate(self._writer, int(candidate.get("index", position)), candidate))
        return out

    def _candidate(self, writer: _Writer, index: int, candidate: Mapping[str, Any]) -> list[bytes]:
        out: list[bytes] = []
        if index not in self._calls:
            self._calls[index] = 0
            out.append(writer.delta({"role": "assistant", "content": ""}, index=index))
        parts = (candidate.get("content") or {}).get("parts") or []
        text, thoughts, calls = split_parts(parts, self._response_id or "", index, self._calls[index])
        if self._one_call:
            calls = calls[: max(0, 1 - self._calls[index])]
        if thoughts:
            out.append(writer.delta({"reasoning_content": thoughts}, index=index))
        if text:
            out.append(writer.delta_logprobs({"content": text}, logprobs_from(candidate.get("logprobsResult")), index))
        for call in calls:
            out.append(writer.delta({"tool_calls": [call]}, index=index))  # Gemini sends each call whole
        self._calls[index] += len(calls)
        reason = candidate.get("finishReason")
        if reason:
            finish = finish_reason(reason, self._calls[index] > 0)
            self._finished[index] = finish
            out.append(writer.delta({}, finish, index=index))
        return out

    def finish(self) -> list[bytes]:
        """The closing events once the upstream stream has ended."""
        if self._writer is None or not self._calls or any(i not in self._finished for i in self._calls):
            raise ProviderResponseInvalid(
                f"Upstream deployment '{self._deployment}' ended the stream before a finishReason.",
                deployment=self._deployment,
            )
        return [self._writer.usage(usage_from(self._usage)), self._writer.done()]
