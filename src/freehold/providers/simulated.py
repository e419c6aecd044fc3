"""Provider ``simulated``: a built-in upstream for demos, tests and chaos drills; no network.

It answers in OpenAI's exact wire format with deterministic text (same seed, same prompt, same
answer), paces tokens like a real model (time to first token, tokens per second), counts usage
the way a tokenizer roughly would, and injects faults on a schedule or with a probability. The
faults are raised as the same ``ProviderError``s a real upstream's answers map to, so they take
exactly the same path through the gateway.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import math
import random
import struct
import time
from collections.abc import AsyncIterator
from itertools import count
from typing import Any, Literal

import orjson
from pydantic import Field, model_validator

from freehold.config.common import DeploymentBase, StrictModel
from freehold.context import RequestContext
from freehold.errors import (
    ProviderConnectError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderResponseInvalid,
    ProviderTimeout,
    ProviderUnavailable,
)
from freehold.ids import new_id
from freehold.providers.base import Capabilities, Completion, StreamResponse
from freehold.schemas.chat import ChatRequest, EmbeddingsRequest
from freehold.transport.sse import DONE, encode_event

__all__ = ["Fault", "SimulatedDeployment", "SimulatedProvider", "count_tokens", "generate_words"]

FaultKind = Literal["rate_limit", "server_error", "unavailable", "timeout", "stream_cut"]

_VOCABULARY = (
    "the gateway routes each request to a deployment that can answer it while keys budgets and "
    "privacy rules stay at home so applications never notice when a vendor changes its limits "
    "models answer with tokens streamed one by one and usage is counted for every call"
).split()


class Fault(StrictModel):
    """An injected failure. Exactly one of ``every`` and ``probability`` says when it fires."""

    kind: FaultKind
    every: int | None = Field(None, ge=1)
    """Fire on every n-th request to this deployment (1 = always)."""
    probability: float | None = Field(None, ge=0, le=1)
    """Fire with this probability, drawn from the deployment's seeded generator."""
    retry_after: float = Field(1.0, ge=0)
    """For ``rate_limit``: the Retry-After the upstream sends."""
    after_tokens: int = Field(3, ge=0)
    """For ``stream_cut``: tokens sent before the stream is cut."""

    @model_validator(mode="after")
    def _one_trigger(self) -> Fault:
        if (self.every is None) == (self.probability is None):
            raise ValueError("set exactly one of 'every' (every n-th request) or 'probability' (0 to 1)")
        return self


class SimulatedDeployment(DeploymentBase):
    """A simulated model; the defaults feel like a fast hosted model."""

    provider: Literal["simulated"]
    seed: int = 0
    ttft_ms: float = Field(150.0, ge=0)
    """Time to first token."""
    tokens_per_second: float = Field(80.0, gt=0)
    max_tokens: int = Field(48, ge=1)
    """Answer length when the request sets no limit."""
    embedding_dimensions: int = Field(384, ge=1, le=8192)
    faults: tuple[Fault, ...] = ()


def count_tokens(text: str) -> int:
    """A tokenizer-shaped estimate: about four characters per token, at least one per word."""
    if not text:
        return 0
    return max(len(text.split()), math.ceil(len(text) / 4))


def _message_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def _prompt_tokens(body: dict[str, Any]) -> int:
    # OpenAI's accounting adds ~3 tokens of framing per message and 3 to prime the reply.
    return 3 + sum(4 + count_tokens(_message_text(m)) for m in body["messages"])


def generate_words(seed: int, prompt: str, n: int) -> list[str]:
    """``n`` words, determined by the seed and the prompt alone."""
    digest = hashlib.blake2b(f"{seed}\x00{prompt}".encode(), digest_size=8).digest()
    rng = random.Random(int.from_bytes(digest, "big"))
    return [rng.choice(_VOCABULARY) for _ in range(n)]


def _tool_arguments(tool: dict[str, Any]) -> str:
    """Arguments satisfying the tool's required properties, with plain placeholder values."""
    params = tool.get("function", {}).get("parameters") or {}
    props = params.get("properties") or {}
    placeholders = {"string": "example", "integer": 1, "number": 1.0, "boolean": True, "array": [], "object": {}}
    args = {}
    for key in params.get("required") or []:
        prop = props.get(key)
        kind = prop.get("type", "string") if isinstance(prop, dict) else "string"
        args[key] = placeholders.get(kind, "example") if isinstance(kind, str) else "example"
    return orjson.dumps(args).decode()


def _check_tools(body: dict[str, Any], deployment: str) -> None:
    """Reject malformed tool definitions with a 400, as OpenAI does, rather than failing inside the simulation."""
    for i, tool in enumerate(body.get("tools") or ()):
        function = tool.get("function") if isinstance(tool, dict) else None
        params = function.get("parameters", {}) if isinstance(function, dict) else None
        if (
            not isinstance(function, dict)
            or not isinstance(function.get("name"), str)
            or not isinstance(params, dict)
            or not isinstance(params.get("properties", {}), dict | None)
            or not isinstance(params.get("required", []), list | None)
            or not all(isinstance(k, str) for k in params.get("required") or [])
        ):
            raise ProviderRejected(
                f'Invalid \'tools[{i}]\': expected {{"type": "function", "function": {{"name": ..., '
                f'"parameters": <JSON schema object>}}}}.',
                deployment=deployment,
                upstream_status=400,
                param=f"tools[{i}]",
            )
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and not isinstance(choice.get("function", {}), dict):
        raise ProviderRejected(
            "Invalid 'tool_choice.function': expected an object with a 'name'.",
            deployment=deployment,
            upstream_status=400,
            param="tool_choice",
        )


def _chosen_tool(body: dict[str, Any]) -> dict[str, Any] | None:
    """The tool a model would call: the forced one, else the first, unless the last turn was a tool result."""
    tools = body.get("tools")
    choice = body.get("tool_choice", "auto")
    if not tools or choice == "none" or body["messages"][-1].get("role") == "tool":
        return None
    if isinstance(choice, dict):
        wanted = choice.get("function", {}).get("name")
        found: dict[str, Any] = next((t for t in tools if t.get("function", {}).get("name") == wanted), tools[0])
        return found
    first: dict[str, Any] | None = tools[0] if isinstance(tools[0], dict) else None
    return first


class SimulatedProvider:
    """Adapter for a simulated deployment."""

    capabilities = Capabilities(embeddings=True, json_schema=True)

    def __init__(self, name: str, config: SimulatedDeployment) -> None:
        self.name = name
        self.model = config.model
        self._config = config
        self._rng = random.Random(config.seed)
        self._calls = count(1)
        self._read_timeout = min(config.timeout.read, config.timeout.total)

    # --- faults ---------------------------------------------------------------------------

    def _due_fault(self) -> Fault | None:
        n = next(self._calls)
        for fault in self._config.faults:
            if fault.every is not None and n % fault.every == 0:
                return fault
            if fault.probability is not None and self._rng.random() < fault.probability:
                return fault
        return None

    async def _raise_fault(self, fault: Fault) -> None:
        name = self.name
        if fault.kind == "rate_limit":
            raise ProviderRateLimited(
                f"Upstream deployment '{name}' answered 429: Rate limit reached (simulated).",
                deployment=name,
                upstream_status=429,
                retry_after=fault.retry_after,
            )
        if fault.kind == "server_error":
            raise ProviderUnavailable(
                f"Upstream deployment '{name}' answered 500: The server had an error (simulated).",
                deployment=name,
                upstream_status=500,
            )
        if fault.kind == "unavailable":
            raise ProviderUnavailable(
                f"Upstream deployment '{name}' answered 503: Service unavailable (simulated).",
                deployment=name,
                upstream_status=503,
            )
        if fault.kind == "timeout":
            await asyncio.sleep(self._read_timeout)
            raise ProviderTimeout(f"Upstream deployment '{name}' timed out.", deployment=name)

    # --- chat -----------------------------------------------------------------------------

    def _plan(self, body: dict[str, Any]) -> tuple[list[list[str]], str, dict[str, Any] | None]:
        """Words per choice, finish reason, and the tool call to make (if any)."""
        limit = body.get("max_completion_tokens") or body.get("max_tokens")
        n_words = min(self._config.max_tokens, limit) if limit else self._config.max_tokens
        prompt = "\n".join(_message_text(m) for m in body["messages"])
        seed = self._config.seed + (body.get("seed") or 0)
        choices = [generate_words(seed + i, prompt, n_words) for i in range(body.get("n") or 1)]
        tool = _chosen_tool(body)
        finish = "tool_calls" if tool else ("length" if limit and limit < self._config.max_tokens else "stop")
        return choices, finish, tool

    def _text(self, body: dict[str, Any], words: list[str]) -> str:
        return "".join(self._text_pieces(body, words))

    def _text_pieces(self, body: dict[str, Any], words: list[str]) -> list[str]:
        """The answer one token per word; JSON mode wraps the same tokens in ``{"answer": ...}``.

        Streamed and whole answers are built from these pieces, so both count the same tokens.
        """
        pieces = [w if j == 0 else " " + w for j, w in enumerate(words)]
        fmt = body.get("response_format") or {}
        if fmt.get("type") in ("json_object", "json_schema") and pieces:
            # The vocabulary needs no JSON escaping, so the pieces concatenate to a valid document.
            pieces[0] = '{"answer":"' + pieces[0]
            pieces[-1] += '"}'
        return pieces

    def _usage(self, body: dict[str, Any], completion_tokens: int) -> dict[str, Any]:
        prompt = _prompt_tokens(body)
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }

    def _envelope(self, obj: str, completion_id: str, created: int) -> dict[str, Any]:
        return {
            "id": completion_id,
            "object": obj,
            "created": created,
            "model": self.model,
            "system_fingerprint": f"fp_sim{self._config.seed}",
            "service_tier": "default",
        }

    async def chat(self, ctx: RequestContext, request: ChatRequest) -> Completion:
        fault = self._due_fault()
        if fault is not None:
            if fault.kind == "stream_cut":
                raise ProviderConnectError(
                    f"Upstream deployment '{self.name}' closed the connection (simulated).", deployment=self.name
                )
            await self._raise_fault(fault)
        body = request.body
        _check_tools(body, self.name)
        choices, finish, tool = self._plan(body)
        n_tokens = 0
        rendered = []
        for i, words in enumerate(choices):
            message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None, "annotations": []}
            if tool is not None:
                args = _tool_arguments(tool)
                message["tool_calls"] = [
                    {
                        "id": f"call_{new_id()[:24]}",
                        "type": "function",
                        "function": {"name": tool["function"]["name"], "arguments": args},
                    }
                ]
            else:
                message["content"] = self._text(body, words)
            n_tokens += len(self._stream_pieces(body, words, tool, i))  # the same count a stream reports
            rendered.append({"index": i, "message": message, "logprobs": None, "finish_reason": finish})
        await asyncio.sleep((self._config.ttft_ms / 1000) + n_tokens / self._config.tokens_per_second)
        out = self._envelope("chat.completion", "chatcmpl-" + new_id(), int(time.time()))
        out["choices"] = rendered
        out["usage"] = self._usage(body, n_tokens)
        return Completion(orjson.dumps(out))

    async def chat_stream(self, ctx: RequestContext, request: ChatRequest) -> StreamResponse:
        fault = self._due_fault()
        cut_after: int | None = None
        if fault is not None:
            if fault.kind == "stream_cut":
                cut_after = fault.after_tokens
            else:
                await self._raise_fault(fault)
        _check_tools(request.body, self.name)
        await asyncio.sleep(self._config.ttft_ms / 1000)
        return StreamResponse(self._stream(request.body, cut_after))

    async def _stream(self, body: dict[str, Any], cut_after: int | None) -> AsyncIterator[bytes]:
        choices, finish, tool = self._plan(body)
        base = self._envelope("chat.completion.chunk", "chatcmpl-" + new_id(), int(time.time()))
        with_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        if with_usage:
            base["usage"] = None

        def chunk(index: int, delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
            choice = {"index": index, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            return encode_event({**base, "choices": [choice]})

        gap = 1.0 / self._config.tokens_per_second
        sent = 0
        n_tokens = 0
        for i, words in enumerate(choices):
            yield chunk(i, {"role": "assistant", "content": "" if tool is None else None, "refusal": None})
            pieces = self._stream_pieces(body, words, tool, i)
            for delta in pieces:
                if cut_after is not None and sent >= cut_after:
                    raise ProviderResponseInvalid(
                        f"Upstream deployment '{self.name}' ended the stream before 'data: [DONE]' (simulated cut).",
                        deployment=self.name,
                    )
                if sent:
                    await asyncio.sleep(gap)
                sent += 1
                n_tokens += 1
                yield chunk(i, delta)
            yield chunk(i, {}, finish)
        if with_usage:
            yield encode_event({**base, "choices": [], "usage": self._usage(body, n_tokens)})
        yield DONE

    def _stream_pieces(
        self, body: dict[str, Any], words: list[str], tool: dict[str, Any] | None, index: int
    ) -> list[dict[str, Any]]:
        """The deltas of one choice, one token each, as OpenAI streams them."""
        if tool is None:
            return [{"content": piece} for piece in self._text_pieces(body, words)]
        args = _tool_arguments(tool)
        head = {
            "index": 0,
            "id": f"call_{new_id()[:24]}",
            "type": "function",
            "function": {"name": tool["function"]["name"], "arguments": ""},
        }
        arg_parts = [args[j : j + 4] for j in range(0, len(args), 4)]
        return [{"tool_calls": [head]}] + [
            {"tool_calls": [{"index": 0, "function": {"arguments": p}}]} for p in arg_parts
        ]

    # --- embeddings -----------------------------------------------------------------------

    async def embed(self, ctx: RequestContext, request: EmbeddingsRequest) -> Completion:
        fault = self._due_fault()
        if fault is not None and fault.kind != "stream_cut":
            await self._raise_fault(fault)
        body = request.body
        inputs = body["input"]
        if isinstance(inputs, str) or (inputs and isinstance(inputs[0], int)):
            inputs = [inputs]
        dims = body.get("dimensions") or self._config.embedding_dimensions
        if dims > self._config.embedding_dimensions:  # as OpenAI answers; also bounds the work per request
            raise ProviderRejected(
                f"'dimensions' must be at most {self._config.embedding_dimensions} for this model.",
                deployment=self.name,
                upstream_status=400,
                param="dimensions",
            )
        as_base64 = body.get("encoding_format") == "base64"
        data = []
        tokens = 0
        for i, item in enumerate(inputs):
            text = item if isinstance(item, str) else " ".join(map(str, item))
            tokens += count_tokens(text) if isinstance(item, str) else len(item)
            vector = self._vector(text, dims)
            embedding: Any = base64.b64encode(struct.pack(f"<{dims}f", *vector)).decode() if as_base64 else vector
            data.append({"object": "embedding", "index": i, "embedding": embedding})
        await asyncio.sleep(self._config.ttft_ms / 1000)
        out = {
            "object": "list",
            "data": data,
            "model": self.model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
        return Completion(orjson.dumps(out))

    def _vector(self, text: str, dims: int) -> list[float]:
        """A unit vector seeded by the text: equal texts embed equally."""
        digest = hashlib.blake2b(f"{self._config.seed}\x00{text}".encode(), digest_size=8).digest()
        rng = random.Random(int.from_bytes(digest, "big"))
        raw = [rng.gauss(0.0, 1.0) for _ in range(dims)]
        norm = math.sqrt(sum(x * x for x in raw)) or 1.0
        return [x / norm for x in raw]
