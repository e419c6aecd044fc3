"""OpenAI's front door: ``/v1/chat/completions``, ``/v1/embeddings``, ``/v1/models``."""

from __future__ import annotations

import asyncio
import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import orjson

from freehold.api.asgi import (
    ClientGone,
    DisconnectWatch,
    Receive,
    RequestHead,
    Scope,
    Send,
    base_headers,
    error_response,
    json_response,
    read_body,
)
from freehold.echo import clip
from freehold.errors import AliasNotFound, FreeholdError, ProviderError, forget_traceback
from freehold.gateway import Answer, Gateway
from freehold.observability.requests import NullRequestMetrics, RequestRecorder
from freehold.providers.base import StreamResponse
from freehold.schemas.chat import ChatRequest, EmbeddingsRequest, parse_chat, parse_embeddings
from freehold.server.drain import DRAIN
from freehold.transport.limits import DEFAULT_MAX_UPSTREAM_BODY_BYTES
from freehold.transport.sse import error_event
from freehold.usage import Ending

__all__ = ["ApiContext", "ChatCompletionsEndpoint", "EmbeddingsEndpoint", "ModelsEndpoint"]

log = logging.getLogger("freehold.api")

SSE_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]


@dataclass(frozen=True, slots=True)
class ApiContext:
    """What the handlers need, built once by ``bootstrap``."""

    gateway: Gateway
    master_key: bytes | None
    max_body_bytes: int
    started: int
    metrics: RequestRecorder = NullRequestMetrics()
    """Counts each request as it ends (``freehold_requests_total``, its duration)."""
    metrics_key: bytes | None = None
    """The key ``GET /metrics`` asks for (``Settings.metrics_key``), if any."""
    max_upstream_body_bytes: int = DEFAULT_MAX_UPSTREAM_BODY_BYTES
    """Bounds what a front door's stream translation holds of one canonical event."""


def _answer_headers(request_id: str, answer: Answer) -> list[tuple[bytes, bytes]]:
    headers = base_headers(request_id)
    headers.append((b"x-freehold-deployment", answer.deployment.encode()))
    headers.append((b"x-freehold-attempts", str(answer.attempts).encode()))
    if answer.alias:  # only when a fallback alias answered: one header less on the common path
        headers.append((b"x-freehold-alias", answer.alias.encode()))
    for key, value in answer.result.headers.items():
        headers.append((key.encode(), value.encode("latin-1", "replace")))
    return headers


class _PostEndpoint(ABC):
    """Shared shape of the POST handlers: auth, body, parse, call, render; errors rendered once.

    Each request is counted once as it ends, under ``front_door``: by default the class name in
    snake case without ``Endpoint`` (``ChatCompletionsEndpoint`` → ``chat_completions``).
    """

    front_door: ClassVar[str] = ""

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if "front_door" not in cls.__dict__:
            cls.front_door = re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__.removesuffix("Endpoint")).lower()

    def __init__(self, ctx: ApiContext) -> None:
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        metrics = self.ctx.metrics
        started = metrics.begin()
        head = RequestHead(scope)
        watch: DisconnectWatch | None = None
        try:
            head.check_auth(self.ctx.master_key)
            head.apply_priority()
            head.check_json()
            raw = await read_body(receive, head, self.ctx.max_body_bytes)
            watch = DisconnectWatch(receive)
            answer = await self.handle(raw, head.request_id)
        except FreeholdError as exc:
            if watch is not None:
                watch.stop()
            await error_response(send, exc, head.request_id)
            metrics.done(self.front_door, exc.status, started)
            return
        except ClientGone:
            metrics.done(self.front_door, _CLIENT_GONE, started)
            return
        except asyncio.CancelledError:
            if watch is not None and watch.disconnected:
                asyncio.current_task().uncancel()  # type: ignore[union-attr]
                log.info("request %s: client disconnected; upstream call cancelled", head.request_id)
                metrics.done(self.front_door, _CLIENT_GONE, started)
                return
            stopped = DRAIN.stopped()  # the drain at shutdown is over: answer 503
            if stopped is None:
                raise
            if watch is not None:
                watch.stop()
            await error_response(send, stopped, head.request_id)  # its log line names the request
            metrics.done(self.front_door, stopped.status, started)
            return
        except Exception:
            if watch is not None:
                watch.stop()
            log.exception("request %s: unexpected error", head.request_id)
            await error_response(send, _internal(head.request_id), head.request_id)
            metrics.done(self.front_door, 500, started)
            return
        result = answer.result
        if isinstance(result, StreamResponse):
            status = await _relay(send, result, _answer_headers(head.request_id, answer), head.request_id, watch)
            metrics.done(self.front_door, status, started)
        else:
            watch.stop()
            await json_response(send, 200, result.body, _answer_headers(head.request_id, answer))
            metrics.done(self.front_door, 200, started)

    @abstractmethod
    async def handle(self, raw: bytes, request_id: str) -> Answer:
        """Decode ``raw`` and ask the gateway (``request_id`` is for log lines)."""


class ChatCompletionsEndpoint(_PostEndpoint):
    async def handle(self, raw: bytes, request_id: str) -> Answer:
        request: ChatRequest = parse_chat(raw)
        return await self.ctx.gateway.chat(request)


class EmbeddingsEndpoint(_PostEndpoint):
    async def handle(self, raw: bytes, request_id: str) -> Answer:
        request: EmbeddingsRequest = parse_embeddings(raw)
        return await self.ctx.gateway.embeddings(request)


_CLIENT_GONE = 499  # nginx's "client closed request": the request ended with no one to answer


async def _relay(
    send: Send, stream: StreamResponse, headers: list[tuple[bytes, bytes]], request_id: str, watch: DisconnectWatch
) -> int | str:
    """Relay SSE chunk by chunk; a failure after the first byte ends the stream with an error event.

    Returns how the stream ended, as ``freehold_requests_total`` counts it: 200, ``stream_error``
    (cut by the upstream after the first byte, or by the end of the drain at shutdown), or 499
    (the client left).
    """
    headers += SSE_HEADERS
    events = stream.events
    meter = stream.meter
    last = b"\n\n"
    ending: Ending = "client_gone"
    failure: FreeholdError | None = None
    try:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        if stream.first is not None:
            last = stream.first
            if meter is not None:
                meter.feed(last)
            await send({"type": "http.response.body", "body": last, "more_body": True})
        async for chunk in events:
            if meter is not None:
                meter.feed(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            last = chunk
        ending = "complete"
    except ProviderError as exc:
        ending = "upstream_cut"
        forget_traceback(exc)
        log.warning("request %s: stream from %s failed: %s", request_id, exc.deployment, exc.message)
        failure = exc
    except asyncio.CancelledError:
        if watch.disconnected:
            asyncio.current_task().uncancel()  # type: ignore[union-attr]
            log.info("request %s: client disconnected mid-stream; upstream closed", request_id)
            return _CLIENT_GONE
        failure = DRAIN.stopped()
        if failure is None:
            raise
        log.warning("request %s: stream ended with an error event: the drain time is over", request_id)
    except OSError:  # the server reports a vanished client on send
        return _CLIENT_GONE
    finally:
        watch.stop()
        if meter is not None:
            meter.finish(ending)  # the tokens of a cut or abandoned stream are accounted too
        await events.aclose()  # type: ignore[attr-defined]
    if failure is not None:
        # Close a half-sent event first so that the error event is parsed on its own.
        prefix = b"" if last.endswith(b"\n\n") else b"\n\n"
        await send({"type": "http.response.body", "body": prefix + error_event(failure.to_openai()), "more_body": True})
    await send({"type": "http.response.body", "body": b"", "more_body": False})
    return 200 if failure is None else "stream_error"


def _internal(request_id: str) -> FreeholdError:
    return FreeholdError(f"The gateway hit an internal error; the log has details under request id {request_id}.")


class ModelsEndpoint:
    """``GET /v1/models`` and ``GET /v1/models/{alias}``: the aliases, in OpenAI's list format."""

    def __init__(self, ctx: ApiContext, single: bool = False) -> None:
        self.ctx = ctx
        self.single = single
        self._object: Callable[[str], dict[str, object]] = lambda alias: {
            "id": alias,
            "object": "model",
            "created": ctx.started,
            "owned_by": "freehold",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        head = RequestHead(scope)
        try:
            head.check_auth(self.ctx.master_key, x_api_key=True)  # the anthropic SDK's models.list
            if self.single:
                alias = scope["path_params"]["model"]
                if alias not in self.ctx.gateway.aliases:
                    raise AliasNotFound(f"The model {clip(alias)} does not exist on this gateway.", param="model")
                body = orjson.dumps(self._object(alias))
            else:
                body = orjson.dumps({"object": "list", "data": [self._object(a) for a in self.ctx.gateway.aliases]})
        except FreeholdError as exc:
            await error_response(send, exc, head.request_id)
            return
        await json_response(send, 200, body, base_headers(head.request_id))
