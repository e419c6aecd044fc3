"""Builders for the canonical (OpenAI Chat Completions) answer shapes.

Adapters for vendors with their own wire format translate *into* these shapes; keeping the
envelope in one place means every adapter's output parses with the ``openai`` SDK's own types.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from freehold.errors import InvalidRequest
from freehold.ids import new_id
from freehold.providers.emulation import Plan, reject_or_drop
from freehold.schemas.chat import ChatRequest
from freehold.transport.sse import DONE, encode_event

__all__ = [
    "PROMPT_USAGE_KEY",
    "REASONING_BUDGETS",
    "ChunkWriter",
    "completion",
    "function_tools",
    "new_completion_id",
    "prompt_usage",
    "reject_or_drop",
    "usage",
]

# reasoning_effort → a token budget, for vendors that take a budget (Anthropic thinking, Gemini
# thinkingBudget). Anthropic's minimum budget is 1024.
REASONING_BUDGETS: dict[str, int] = {"minimal": 1024, "low": 2048, "medium": 8192, "high": 24576}
# A stream's first chunk may carry the prompt's usage under this key when the upstream reports it
# before answering (Anthropic's message_start) and the client asked for usage: OpenAI's own
# ``usage`` is only ever on the last chunk (clients sum every non-null one), but Anthropic's door
# owes its client the prompt's counts, cache reads and writes included, in ``message_start``.
PROMPT_USAGE_KEY = "x_freehold_prompt_usage"


def new_completion_id() -> str:
    return "chatcmpl-" + new_id()


def usage(
    prompt_tokens: int,
    completion_tokens: int,
    *,
    cached_tokens: int = 0,
    reasoning_tokens: int = 0,
    cache_write_tokens: int | None = None,
    cache_creation: dict[str, int] | None = None,
) -> dict[str, Any]:
    """OpenAI's usage object; ``prompt_tokens`` includes cached ones, ``completion_tokens`` reasoning ones.

    Cache writes, which vendors that cache on request price apart (Anthropic and Bedrock: 1.25x
    for five minutes, 2x for an hour), are set only for vendors that report them and are
    included in ``prompt_tokens`` like the reads: ``prompt_tokens_details.cache_write_tokens``
    (OpenAI's own field, in its SDK since 2026, and OpenRouter's) and ``cache_creation``, an
    extension key with the writes by lifetime in Anthropic's shape (``ephemeral_5m_input_tokens``,
    ``ephemeral_1h_input_tokens``; OpenAI's own lifetimes differ). OpenAI clients ignore keys
    they do not know; Anthropic's door turns both back into its own fields.
    """
    prompt_details: dict[str, Any] = {"cached_tokens": cached_tokens, "audio_tokens": 0}
    if cache_write_tokens is not None:
        prompt_details["cache_write_tokens"] = cache_write_tokens
    if cache_creation is not None:
        prompt_details["cache_creation"] = cache_creation
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "prompt_tokens_details": prompt_details,
        "completion_tokens_details": {
            "reasoning_tokens": reasoning_tokens,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def prompt_usage(usage_: dict[str, Any]) -> dict[str, Any]:
    """The prompt's part of a usage object, for ``PROMPT_USAGE_KEY``."""
    return {"prompt_tokens": usage_["prompt_tokens"], "prompt_tokens_details": usage_["prompt_tokens_details"]}


def completion(
    model: str, choices: list[dict[str, Any]], usage_: dict[str, Any] | None, *, completion_id: str | None = None
) -> dict[str, Any]:
    """A ``chat.completion`` object. Each choice: ``{"index", "message", "finish_reason", "logprobs"}``."""
    return {
        "id": completion_id or new_completion_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": choices,
        "usage": usage_,
        "system_fingerprint": None,
    }


class ChunkWriter:
    """Encodes ``chat.completion.chunk`` events for one stream, sharing id, model and timestamp.

    With ``include_usage`` (the request's ``stream_options.include_usage``: the client's, or the
    gateway's for a metered stream, which strips what the client did not ask for) every chunk
    carries ``"usage": null`` and ``usage()`` emits the final ``choices: []`` chunk, as OpenAI does.
    """

    def __init__(self, model: str, include_usage: bool, completion_id: str | None = None) -> None:
        self._base: dict[str, Any] = {
            "id": completion_id or new_completion_id(),
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "system_fingerprint": None,
        }
        self.include_usage = include_usage
        if include_usage:
            self._base["usage"] = None

    def delta(
        self,
        delta: dict[str, Any],
        finish_reason: str | None = None,
        index: int = 0,
        prompt: dict[str, Any] | None = None,
    ) -> bytes:
        """One chunk; ``prompt`` (the prompt's usage) rides under ``PROMPT_USAGE_KEY`` when usage was asked for."""
        choice = {"index": index, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        if prompt is not None and self.include_usage:
            return encode_event({**self._base, "choices": [choice], PROMPT_USAGE_KEY: prompt})
        return encode_event({**self._base, "choices": [choice]})

    def usage(self, usage_: dict[str, Any]) -> bytes:
        """The final usage chunk, or nothing when the client did not ask for it."""
        if not self.include_usage:
            return b""
        return encode_event({**self._base, "choices": [], "usage": usage_})

    @staticmethod
    def done() -> bytes:
        return DONE


def function_tools(request: ChatRequest, model: str, why: str, plan: Plan | None = None) -> Iterator[dict[str, Any]]:
    """The ``function`` objects of the request's function tools, for vendors that take no other kind.

    Any other tool is rejected (or dropped, if the alias opts in) with ``why``; a function
    without a name is a 400 naming it.
    """
    for i, tool in enumerate(request.body.get("tools") or ()):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(tool, dict) or tool.get("type", "function") != "function" or not isinstance(function, dict):
            reject_or_drop(request, f"tools[{i}]", model, why, plan)
            continue
        if not isinstance(function.get("name"), str):
            raise InvalidRequest(f"'tools[{i}].function.name' is required.", param=f"tools[{i}].function.name")
        yield function
