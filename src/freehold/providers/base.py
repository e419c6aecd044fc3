"""The provider interface every adapter implements, and the shapes it returns.

An adapter answers in the canonical (OpenAI Chat Completions) format: a whole JSON body, or an
async iterator of SSE bytes framed as OpenAI frames them. Failures before the first byte are
raised as ``ProviderError``s (so the gateway may fall back); failures after it are raised from
the iterator, and the front door ends the stream with an error event.

Optional abilities are separate protocols (``EmbeddingsProvider``) plus a declared
``Capabilities`` record; an adapter never carries "unsupported" stubs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from freehold.context import RequestContext
from freehold.errors import ProviderError
from freehold.schemas.chat import ChatRequest, EmbeddingsRequest
from freehold.usage import Ending, StreamMeter

__all__ = [
    "Capabilities",
    "ChatProvider",
    "Completion",
    "EmbeddingsProvider",
    "Lifecycle",
    "RateLimitHint",
    "StreamResponse",
    "TokenCounter",
]


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a provider type can do; the gateway filters candidates on it and docs/providers.md shows it.

    For pass-through providers (``openai`` and its presets) the request-level abilities (tools,
    vision, structured output, reasoning) are the upstream model's: the gateway forwards them.
    """

    chat: bool = True
    streaming: bool = True
    embeddings: bool = False
    tools: bool = True
    vision: bool = False
    json_schema: bool = False
    """``response_format: json_schema`` is honored natively (otherwise a 400 naming it)."""
    reasoning: bool = False
    """``reasoning_effort`` is translated, and reasoning text comes back as ``reasoning_content``."""
    token_count: bool = False
    """The vendor counts prompt tokens exactly (``TokenCounter``)."""


@dataclass(frozen=True, slots=True)
class RateLimitHint:
    """What an upstream's rate-limit headers said about the credential's remaining quota.

    Parsed by each adapter's pure ``parse_rate_limits(headers)`` (OpenAI/Azure ``x-ratelimit-*``,
    Anthropic ``anthropic-ratelimit-*``); the quota-aware balancer keeps a deployment under it.

    Attributes:
        remaining_requests: requests left in the current window, if reported.
        remaining_tokens: tokens left in the current window, if reported.
        reset_requests: seconds until the request window resets, if reported.
        reset_tokens: seconds until the token window resets, if reported.
    """

    remaining_requests: int | None = None
    remaining_tokens: int | None = None
    reset_requests: float | None = None
    reset_tokens: float | None = None


@dataclass(slots=True)
class Completion:
    """A whole answer in the canonical format.

    Attributes:
        body: the JSON body, exactly as it is sent to the client.
        headers: extra response headers worth passing on (e.g. the upstream's request id).
    """

    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    ratelimit: RateLimitHint | None = None
    usage: dict[str, Any] | None = None
    """The body's ``usage`` object when the adapter already has it parsed (else the gateway parses)."""


@dataclass(slots=True)
class StreamResponse:
    """An SSE stream whose upstream has already answered 200.

    Attributes:
        events: SSE bytes in arbitrary pieces; ends after ``data: [DONE]`` or raises ``ProviderError``.
    """

    events: AsyncIterator[bytes]
    headers: dict[str, str] = field(default_factory=dict)
    ratelimit: RateLimitHint | None = None
    first: bytes | None = None
    """The first chunk, read by the gateway before answering the client (so that a failure before
    it can still fall back); consumers send it before ``events``, or iterate ``chunks()``."""
    meter: StreamMeter | None = None
    """Set by the gateway: consumers that iterate ``events`` themselves feed it every chunk and
    finish it with how the stream ended; ``chunks()`` does both."""

    async def chunks(self) -> AsyncIterator[bytes]:
        """Every chunk, ``first`` included, metered; closing this closes the upstream stream too."""
        meter = self.meter
        ending: Ending = "client_gone"  # the consumer stopped early, unless one of the below
        try:
            if self.first is not None:
                if meter is not None:
                    meter.feed(self.first)
                yield self.first
            async for chunk in self.events:
                if meter is not None:
                    meter.feed(chunk)
                yield chunk
            ending = "complete"
        except ProviderError:
            ending = "upstream_cut"
            raise
        finally:
            if meter is not None:
                meter.finish(ending)
            await self.events.aclose()  # type: ignore[attr-defined]


class ChatProvider(Protocol):
    """A deployment that answers chat completions."""

    name: str
    capabilities: Capabilities

    async def chat(self, ctx: RequestContext, request: ChatRequest) -> Completion: ...

    async def chat_stream(self, ctx: RequestContext, request: ChatRequest) -> StreamResponse: ...


@runtime_checkable
class EmbeddingsProvider(Protocol):
    """A deployment that also answers embeddings."""

    async def embed(self, ctx: RequestContext, request: EmbeddingsRequest) -> Completion: ...


@runtime_checkable
class TokenCounter(Protocol):
    """A deployment whose vendor counts prompt tokens exactly (Anthropic's ``count_tokens``)."""

    async def count_tokens(self, ctx: RequestContext, request: ChatRequest) -> int: ...


@runtime_checkable
class Lifecycle(Protocol):
    """Adapters holding resources start and stop with the app."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...
