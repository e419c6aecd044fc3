"""The front-door framework: one endpoint base, one relay, a renderer per door.

Every endpoint of every door (``openai_routes``, ``anthropic_routes``, ``responses_routes``) is a
``DoorEndpoint``: it makes the request's ``RequestContext``, asks the authenticator who is
asking, reads the priority and the body, and hands them to the door's ``handle``, which decodes,
asks the gateway and returns a reply; the framework renders it, renders any error in the door's
own shape (logged once, with ``Retry-After`` where it applies), and counts the request once as it
ends. A door differs only in what it overrides: its ``handle``, its error shape
(``render_error``), its headers (``base_headers``) and, for streams, its ``StreamRenderer``.

``relay`` is the one stream relay: the gateway's ``AnswerStream`` in, the door's renderer in
between, the client's socket out. However a stream ends — completely, by an upstream failure
after its first byte, by an unexpected exception, by the end of the drain at shutdown, or by the
client leaving — it ends the same way on every door: with the renderer's final frames where
there is still a client, a log line with the request id, and one count.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import orjson

from freehold.api.app_context import ApiContext
from freehold.api.asgi import (
    ClientGone,
    DisconnectWatch,
    ErrorRenderer,
    Receive,
    RequestHead,
    Scope,
    Send,
    error_response,
    json_response,
    openai_error,
    read_body,
)
from freehold.context import Door, Operation, RequestContext
from freehold.errors import FreeholdError, ProviderError, ProviderResponseInvalid, forget_traceback
from freehold.providers.base import Completion
from freehold.routing.resilience import Answer
from freehold.server.drain import DRAIN
from freehold.streaming import AnswerStream

__all__ = [
    "CLIENT_GONE",
    "SSE_HEADERS",
    "DoorEndpoint",
    "JsonReply",
    "StreamRenderer",
    "StreamReply",
    "answer_headers",
    "completion_object",
    "internal_error",
    "relay",
]

log = logging.getLogger("freehold.api")

CLIENT_GONE = 499  # nginx's "client closed request": the request ended with no one to answer

SSE_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]


class StreamRenderer(Protocol):
    """A door's shape for a stream: canonical chunks in, the door's events out."""

    passthrough: bool
    """The door's shape is the canonical one: ``relay`` sends chunks as they are, without ``feed``."""

    def start(self) -> bytes:
        """What goes out before the first chunk (may be empty)."""
        ...

    def feed(self, chunk: bytes) -> bytes:
        """The door's bytes for a piece of the canonical stream (may be empty)."""
        ...

    def finish(self) -> bytes:
        """The final frames of a complete stream (a door may hold its last events back until here)."""
        ...

    def fail(self, error: FreeholdError) -> bytes:
        """The door's error event and final frames, for a stream ended by ``error``.

        Whole events: ``relay`` closes a half-sent event first.
        """
        ...

    def close(self) -> Awaitable[None] | None:
        """Called once the stream has ended, before its final frames are sent; may return an awaitable.

        The Responses door stores its response here, so that a client chaining at once finds it.
        The other doors return None (no coroutine to create and await on every stream).
        """
        ...


@dataclass(slots=True)
class JsonReply:
    body: bytes
    headers: list[tuple[bytes, bytes]]
    status: int = 200


@dataclass(slots=True)
class StreamReply:
    stream: AnswerStream
    renderer: StreamRenderer
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)


def completion_object(answer: Answer) -> dict[str, Any]:
    """A whole canonical answer's JSON object, for doors that translate it (not the OpenAI door's pass-through).

    Raises:
        ProviderResponseInvalid: the body is not a JSON object (adapters check this already; a
            stage that rewrote it may not have).
    """
    result = answer.result
    assert isinstance(result, Completion)
    try:
        parsed = orjson.loads(result.body)
    except orjson.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ProviderResponseInvalid(
            f"Upstream deployment '{answer.deployment}' answered with a body that is not a JSON object.",
            deployment=answer.deployment,
        )
    return parsed


def internal_error(request_id: str) -> FreeholdError:
    return FreeholdError(f"The gateway hit an internal error; the log has details under request id {request_id}.")


Headers = list[tuple[bytes, bytes]]


def answer_headers(headers: Headers, ctx: RequestContext, answer: Answer) -> Headers:
    """``headers`` plus what every answer carries.

    Who answered, after how many attempts, whether from the cache, and what the provider and the
    stages added.
    """
    headers.append((b"x-freehold-deployment", answer.deployment.encode()))
    headers.append((b"x-freehold-attempts", str(answer.attempts).encode()))
    # Every answer says whether the cache served it, so a client can tell without knowing the config.
    headers.append((b"x-freehold-cache", b"miss" if ctx.served is None else b"hit"))
    if answer.alias:  # only when a fallback alias answered: one header less on the common path
        headers.append((b"x-freehold-alias", answer.alias.encode()))
    for key, value in answer.result.headers.items():
        headers.append((key.encode(), value.encode("latin-1", "replace")))
    if ctx.headers:
        headers.extend(ctx.headers)
    return headers


class DoorEndpoint(ABC):
    """One endpoint of a front door: the shared request flow; subclasses say what differs.

    Class attributes:
        door: the door, for the context and the request metrics.
        operation: what the endpoint asks of the gateway.
        x_api_key: whether ``x-api-key`` carries the key too (the Anthropic door and the models list).
        reads_body: whether the request has a JSON body (POST) or none (GET, DELETE).
    """

    door: ClassVar[Door]
    operation: ClassVar[Operation]
    x_api_key: ClassVar[bool] = False
    reads_body: ClassVar[bool] = True

    def __init__(self, api: ApiContext) -> None:
        self.api = api

    def base_headers(self, ctx: RequestContext) -> Headers:
        """The headers of every response of this door."""
        return [(b"x-request-id", ctx.request_id.encode())]

    def render_error(self, exc: FreeholdError, request_id: str) -> tuple[int, dict[str, Any], Headers]:
        """The door's error shape (``api.asgi.ErrorRenderer``): OpenAI's unless a door says otherwise."""
        return openai_error(exc, request_id)

    @abstractmethod
    async def handle(self, ctx: RequestContext, scope: Scope, raw: bytes) -> JsonReply | StreamReply:
        """Decode ``raw`` (empty without a body), ask the gateway, return the reply.

        Raise a ``FreeholdError`` to have it rendered in the door's shape.
        """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        api = self.api
        head = RequestHead(scope)
        ctx = RequestContext(self.door, self.operation, head.request_id)
        if head.cache_control is not None:
            ctx.metadata = {"cache-control": head.cache_control.decode("latin-1")}
        watch: DisconnectWatch | None = None
        status: int | str
        try:
            principal = ctx.principal = await api.auth.authenticate(head, x_api_key=self.x_api_key)
            ctx.priority = head.priority_value(None if principal.key is None else principal.key.priority)
            if head.metadata is not None:  # client tags, beside the Cache-Control opt-out read above
                ctx.metadata = {**head.tags(), **(ctx.metadata or {})}
            raw = b""
            if self.reads_body:
                head.check_json()
                raw = await read_body(receive, head, api.max_body_bytes)
            watch = DisconnectWatch(receive)
            reply = await self.handle(ctx, scope, raw)
        except FreeholdError as exc:
            status = await self._error(send, ctx, exc, watch)
        except ClientGone:
            status = CLIENT_GONE
        except asyncio.CancelledError:
            if watch is not None and watch.disconnected:
                asyncio.current_task().uncancel()  # type: ignore[union-attr]
                log.info("request %s: client disconnected; upstream call cancelled", ctx.request_id)
                status = CLIENT_GONE
            else:
                stopped = DRAIN.stopped()  # the drain at shutdown is over: answer before the response starts
                if stopped is None:
                    raise
                status = await self._error(send, ctx, stopped, watch)  # its log line names the request
        except Exception:
            log.exception("request %s: unexpected error", ctx.request_id)
            status = await self._error(send, ctx, internal_error(ctx.request_id), watch)
        else:
            assert watch is not None
            if isinstance(reply, StreamReply):
                status = await relay(send, ctx, reply, watch, self.render_error)
            else:
                watch.stop()
                await json_response(send, reply.status, reply.body, reply.headers)
                status = reply.status
        api.metrics.done(ctx, status)
        try:
            api.gateway.done(ctx, status)
        except Exception:
            log.exception("request %s: unexpected error accounting for it", ctx.request_id)

    async def _error(self, send: Send, ctx: RequestContext, exc: FreeholdError, watch: DisconnectWatch | None) -> int:
        if watch is not None:
            watch.stop()
        await error_response(send, exc, ctx.request_id, self.render_error, ctx.headers)
        return exc.status


async def relay(
    send: Send, ctx: RequestContext, reply: StreamReply, watch: DisconnectWatch, render_error: ErrorRenderer
) -> int | str:
    """Relay a stream through the door's renderer; returns how it ended, as the request metrics count it.

    200 for a complete stream; ``stream_error`` for one ended by an error after its first byte
    (an upstream failure, an unexpected exception, the end of the drain), which the client
    receives as the door's own error event and final frames; 499 for a client that left.
    """
    renderer = reply.renderer
    chunks = reply.stream.chunks()
    failure: FreeholdError | None = None
    out = b""
    last = b"\n\n"
    try:
        await send({"type": "http.response.start", "status": 200, "headers": reply.headers + SSE_HEADERS})
        first = renderer.start()
        if first:
            await send({"type": "http.response.body", "body": first, "more_body": True})
        if renderer.passthrough:
            async for out in chunks:
                last = out
                await send({"type": "http.response.body", "body": out, "more_body": True})
        else:
            async for chunk in chunks:
                out = renderer.feed(chunk)
                if out:
                    last = out
                    await send({"type": "http.response.body", "body": out, "more_body": True})
        out = renderer.finish()
    except ProviderError as exc:
        failure = forget_traceback(exc)
        log.warning("request %s: stream from %s failed: %s", ctx.request_id, exc.deployment, exc.message)
    except FreeholdError as exc:  # a stage ended the stream on purpose (e.g. its budget is spent)
        failure = forget_traceback(exc)
        log.warning("request %s: stream ended: %s", ctx.request_id, exc.message)
    except asyncio.CancelledError:
        if watch.disconnected:
            asyncio.current_task().uncancel()  # type: ignore[union-attr]
            log.info("request %s: client disconnected mid-stream; upstream closed", ctx.request_id)
            return CLIENT_GONE
        failure = DRAIN.stopped()
        if failure is None:
            raise
        log.warning("request %s: stream ended with an error event: the drain time is over", ctx.request_id)
    except OSError:  # the server reports a vanished client on send
        return CLIENT_GONE
    except Exception:  # the response has started: end it with an error event rather than a second start
        log.exception("request %s: unexpected error mid-stream", ctx.request_id)
        failure = internal_error(ctx.request_id)
    finally:
        watch.stop()
        await chunks.aclose()  # type: ignore[attr-defined]
    if failure is not None:
        out = renderer.fail(failure)
        if not last.endswith(b"\n\n"):
            out = b"\n\n" + out  # close a half-sent event first, so that the error event is read on its own
    try:
        pending = renderer.close()
        if pending is not None:
            await pending
    except Exception:
        log.exception("request %s: unexpected error closing the stream", ctx.request_id)
    try:
        if out:
            await send({"type": "http.response.body", "body": out, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except OSError:
        return CLIENT_GONE
    return 200 if failure is None else "stream_error"
