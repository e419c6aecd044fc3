"""``AnswerStream``: the one way an upstream stream is consumed, owned by the gateway.

Every chunk of every door passes here exactly once: it is metered for usage (what the upstream
generated, before any stage changes it), then — only when the alias has stream stages — decoded
into ``chat.completion.chunk`` objects, handed through the stages and encoded again. Doors render
what comes out; none of them reads the provider's stream itself.

Without stream stages the bytes pass as the socket gave them (no parsing: the fast path). With
them, each event is parsed once and each chunk a stage passes on is encoded once.

A metered stream (the alias has ``done`` stages) whose client did not ask for usage was asked
for it by the gateway (``Gateway.chat``): the meter reads the upstream's report, then the usage
the client did not ask for is taken out (``usage_strip.py``) — from the bytes when the alias has
no stream stages, from each parsed chunk before the stages see it when it has. Every door gets
the stream its client asked for, and stages see what the client will.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson

from freehold.context import RequestContext, StreamCap
from freehold.errors import ProviderError, ProviderResponseInvalid
from freehold.pipeline import Stage
from freehold.providers.base import RateLimitHint, StreamResponse
from freehold.transport.sse import DONE, SSEDecoder, encode_event
from freehold.usage import Ending, StreamMeter
from freehold.usage_strip import UsageStrip, strip_chunk

__all__ = ["AnswerStream"]


class AnswerStream:
    """A canonical (OpenAI SSE) stream whose upstream has answered 200, ready for one consumer.

    Attributes:
        headers: extra response headers the provider passed on.
        ending: how it ended, once it has (``complete``, ``upstream_cut``, ``client_gone``).
    """

    __slots__ = ("_ctx", "_deployment", "_meter", "_response", "_stages", "_strip", "ending", "headers")

    def __init__(
        self,
        ctx: RequestContext,
        deployment: str,
        response: StreamResponse,
        meter: StreamMeter | None,
        stages: tuple[Stage, ...] = (),
        strip_usage: bool = False,
    ) -> None:
        """``strip_usage``: the gateway asked for the usage the client did not; take it out once metered."""
        self._ctx = ctx
        self._deployment = deployment
        if ctx.stream_tap is not None:
            response = _tapped(response, ctx.stream_tap)
        self._response = response
        self._meter = meter
        self._stages = stages
        self._strip = strip_usage
        self.headers = response.headers
        self.ending: Ending | None = None

    @property
    def ratelimit(self) -> RateLimitHint | None:
        return self._response.ratelimit

    def chunks(self) -> AsyncIterator[bytes]:
        """The stream's bytes, to be iterated once; closing the iterator closes the upstream.

        A ``ProviderError`` from the upstream is raised after what came before it; the door
        ends the stream with its own error event. Stages see the end in every case.
        """
        if self._stages:
            out = self._transformed()
        elif self._strip:
            out = self._stripped(self._metered())
        else:
            out = self._metered()
        cap = self._ctx.stream_cap
        return out if cap is None else self._capped(out, cap)

    def cut(self) -> ProviderResponseInvalid:
        """The error of a stream that ended without ``data: [DONE]``."""
        name = self._deployment
        return ProviderResponseInvalid(
            f"Upstream deployment '{name}' ended the stream before 'data: [DONE]'.", deployment=name
        )

    def _end(self, ending: Ending) -> None:
        if self.ending is None:
            self.ending = ending
            if self._meter is not None:
                self._meter.finish(ending)  # the tokens of a cut or abandoned stream are accounted too

    async def _metered(self) -> AsyncIterator[bytes]:
        """Without stream stages: the bytes as the socket gave them, metered; the fast path.

        It also holds the canonical stream to its framing rule, whatever the provider: a stream
        that ends without ``data: [DONE]`` was cut.
        """
        response = self._response
        # The meter keeps the stream's last chunks anyway; without one (metrics off), a meter
        # that records nothing keeps them for the [DONE] check.
        meter = self._meter or StreamMeter(None, "", "", {})
        ending: Ending = "client_gone"  # the consumer stopped early, unless one of the below
        try:
            first = response.first
            if first is not None:
                meter.feed(first)
                yield first
            async for chunk in response.events:
                meter.feed(chunk)
                yield chunk
            if not meter.saw_done():
                raise self.cut()
            ending = "complete"
        except Exception:  # a ProviderError, or a bug below: either way the stream was cut
            ending = "upstream_cut"
            raise
        finally:
            self._end(ending)
            await response.events.aclose()  # type: ignore[attr-defined]

    async def _capped(self, chunks: AsyncIterator[bytes], cap: StreamCap) -> AsyncIterator[bytes]:
        """``chunks`` until they carry more than ``cap.events`` events; then ``cap.error()`` ends them.

        Events are counted on the bytes (``data:`` lines), so a capped stream stays unparsed.
        """
        events = 0
        limit = cap.events
        try:
            async for chunk in chunks:
                events += chunk.count(b"data:")
                if events > limit:
                    self._end("upstream_cut")  # ended by the gateway for the upstream's excess, not by the client
                    raise cap.error()
                yield chunk
        finally:
            await chunks.aclose()  # type: ignore[attr-defined]  # closing this closes the upstream

    @staticmethod
    async def _stripped(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        """``chunks`` (metered already) without the usage the client did not ask for.

        A separate layer, so that the path without it is not one test per chunk slower.
        """
        strip = UsageStrip()
        try:
            async for chunk in chunks:
                out = strip.feed(chunk)
                if out:
                    yield out
            out = strip.end()
            if out:
                yield out
        finally:
            await chunks.aclose()  # type: ignore[attr-defined]  # closing this closes the upstream

    async def _transformed(self) -> AsyncIterator[bytes]:
        """With stream stages: each event parsed once, through the stages, encoded once."""
        response = self._response
        meter = self._meter
        ending: Ending = "client_gone"  # the consumer stopped early, unless one of the below
        transform = _Transform(self._ctx, self._deployment, self._stages, self._strip)
        try:
            first = response.first
            if first is not None:
                if meter is not None:
                    meter.feed(first)
                yield transform.feed(first)
            async for chunk in response.events:
                if meter is not None:
                    meter.feed(chunk)
                out = transform.feed(chunk)
                if out:
                    yield out
            if not transform.done:
                raise self.cut()
            ending = "complete"
            out = transform.end(ending)
            if out:
                yield out
        except ProviderError:
            ending = "upstream_cut"
            out = transform.end(ending)
            if out:
                yield out  # held-back chunks go out before the door's error event
            raise
        finally:
            self._end(ending)
            transform.end(ending)  # left by the client: the stages only learn it (else a no-op)
            await response.events.aclose()  # type: ignore[attr-defined]


def _tapped(response: StreamResponse, tap: Callable[[bytes], None]) -> StreamResponse:
    """``response`` whose every chunk (``first`` included) is also given to ``tap``, as it is read.

    A layer of its own, so that streams without a tap pay nothing for it.
    """
    events = response.events

    async def tapping() -> AsyncIterator[bytes]:
        try:
            async for chunk in events:
                tap(chunk)
                yield chunk
        finally:
            await events.aclose()  # type: ignore[attr-defined]

    if response.first is not None:
        tap(response.first)
    return dataclasses.replace(response, events=tapping())


class _Transform:
    """Canonical SSE bytes → chunks → the stream stages → SSE bytes."""

    __slots__ = ("_ctx", "_decoder", "_deployment", "_ended", "_stages", "_strip", "done")

    def __init__(self, ctx: RequestContext, deployment: str, stages: tuple[Stage, ...], strip: bool = False) -> None:
        self._ctx = ctx
        self._deployment = deployment
        self._stages = stages
        self._strip = strip
        self._decoder = SSEDecoder()
        self._ended = False
        self.done = False
        """The canonical ``[DONE]`` was seen."""

    def feed(self, data: bytes) -> bytes:
        out: list[bytes] = []
        for event in self._decoder.feed(data):
            if event.data == "[DONE]":
                self.done = True
                out.append(self._flush("complete"))
                out.append(DONE)
                continue
            try:
                chunk = orjson.loads(event.data)
            except orjson.JSONDecodeError:
                raise ProviderResponseInvalid(
                    f"Upstream deployment '{self._deployment}' sent a stream event that is not JSON.",
                    deployment=self._deployment,
                ) from None
            if not isinstance(chunk, dict):
                raise ProviderResponseInvalid(
                    f"Upstream deployment '{self._deployment}' sent a stream event that is not a JSON object.",
                    deployment=self._deployment,
                )
            if self._strip and not strip_chunk(chunk):
                continue  # the usage-only chunk the client did not ask for
            chunks: list[dict[str, Any]] = [chunk]
            for stage in self._stages:
                chunks = [passed for c in chunks for passed in stage.on_chunk(self._ctx, c)]
            out.extend(encode_event(c) for c in chunks)
        return b"".join(out)

    def end(self, ending: Ending) -> bytes:
        """The stream ended: what the stages still hold (once; after ``[DONE]`` there is nothing)."""
        return self._flush(ending)

    def _flush(self, ending: Ending) -> bytes:
        if self._ended:
            return b""
        self._ended = True
        held: list[dict[str, Any]] = []
        for stage in self._stages:
            # Chunks an earlier (nearer the provider) stage releases pass the later stages too.
            held = [passed for c in held for passed in stage.on_chunk(self._ctx, c)]
            held.extend(stage.on_end(self._ctx, ending))
        return b"".join(encode_event(c) for c in held)
