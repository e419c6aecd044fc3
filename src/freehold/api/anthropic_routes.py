"""Anthropic's front door: ``POST /v1/messages`` and ``POST /v1/messages/count_tokens``.

Thin raw-ASGI handlers: check the key (``x-api-key`` or ``Authorization: Bearer``), read and
check the body, translate it (``frontdoors.anthropic_messages``), ask the gateway, and render the
canonical answer or stream in Anthropic's format (``frontdoors.anthropic_response``). Any
provider can serve this door. Errors are rendered Anthropic-style with ``request-id`` as well as
``x-request-id``.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from typing import Any

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
from freehold.api.openai_routes import ApiContext
from freehold.errors import FreeholdError, ProviderError, ProviderResponseInvalid, forget_traceback
from freehold.frontdoors.anthropic_messages import check_request, estimate_input_tokens, to_canonical
from freehold.frontdoors.anthropic_response import (
    StreamTranslator,
    error_body,
    error_event,
    error_status,
    from_canonical,
)
from freehold.gateway import Answer
from freehold.providers.base import StreamResponse
from freehold.schemas.chat import ChatRequest, decode_json_object
from freehold.server.drain import DRAIN

__all__ = ["CountTokensEndpoint", "MessagesEndpoint", "anthropic_error"]

log = logging.getLogger("freehold.api")

_SSE_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]


def anthropic_error(exc: FreeholdError, request_id: str) -> tuple[int, dict[str, Any], list[tuple[bytes, bytes]]]:
    """An error as Anthropic renders it (``api.asgi.ErrorRenderer``)."""
    return error_status(exc), error_body(exc, request_id), [(b"request-id", request_id.encode())]


def _headers(request_id: str, answer: Answer | None = None) -> list[tuple[bytes, bytes]]:
    headers = base_headers(request_id)
    headers.append((b"request-id", request_id.encode()))
    if answer is not None:
        headers.append((b"x-freehold-deployment", answer.deployment.encode()))
        headers.append((b"x-freehold-attempts", str(answer.attempts).encode()))
        if answer.alias:  # only when a fallback alias answered
            headers.append((b"x-freehold-alias", answer.alias.encode()))
        for key, value in answer.result.headers.items():
            headers.append((key.encode(), value.encode("latin-1", "replace")))
    return headers


def _internal(request_id: str) -> FreeholdError:
    return FreeholdError(f"The gateway hit an internal error; the log has details under request id {request_id}.")


class _Endpoint(ABC):
    """Auth, body, handle, errors rendered once Anthropic-style; a client that leaves cancels the work."""

    def __init__(self, ctx: ApiContext) -> None:
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        metrics = self.ctx.metrics
        started = metrics.begin()
        head = RequestHead(scope)
        watch: DisconnectWatch | None = None
        status = 200
        try:
            head.check_auth(self.ctx.master_key, x_api_key=True)
            head.apply_priority()
            head.check_json()
            raw = await read_body(receive, head, self.ctx.max_body_bytes)
            watch = DisconnectWatch(receive)
            await self.handle(raw, send, head.request_id, watch)
        except FreeholdError as exc:
            if watch is not None:
                watch.stop()
            status = exc.status
            await error_response(send, exc, head.request_id, anthropic_error)
        except ClientGone:
            status = 499
        except asyncio.CancelledError:
            if watch is not None and watch.disconnected:
                asyncio.current_task().uncancel()  # type: ignore[union-attr]
                log.info("request %s: client disconnected; upstream call cancelled", head.request_id)
                status = 499
            else:
                stopped = DRAIN.stopped()  # the drain at shutdown is over: answer before the response starts
                if stopped is None:
                    raise
                if watch is not None:
                    watch.stop()
                status = stopped.status
                await error_response(send, stopped, head.request_id, anthropic_error)
        except Exception:
            if watch is not None:
                watch.stop()
            log.exception("request %s: unexpected error", head.request_id)
            status = 500
            await error_response(send, _internal(head.request_id), head.request_id, anthropic_error)
        metrics.done("messages", status, started)

    @abstractmethod
    async def handle(self, raw: bytes, send: Send, request_id: str, watch: DisconnectWatch) -> None:
        """Answer the request; raise ``FreeholdError`` before the response starts to have it rendered."""


class MessagesEndpoint(_Endpoint):
    """``POST /v1/messages``: a whole ``message`` or Anthropic's SSE events."""

    async def handle(self, raw: bytes, send: Send, request_id: str, watch: DisconnectWatch) -> None:
        body = decode_json_object(raw)
        check_request(body)
        stream = body.get("stream") is True
        request = ChatRequest(body=to_canonical(body), model=body["model"], stream=stream)
        answer = await self.ctx.gateway.chat(request)
        stops = tuple(body.get("stop_sequences") or ())
        result = answer.result
        if isinstance(result, StreamResponse):
            translator = StreamTranslator(
                model=body["model"],
                input_tokens=estimate_input_tokens(body),
                deployment=answer.deployment,
                stop_sequences=stops,
                max_event_bytes=self.ctx.max_upstream_body_bytes,
            )
            await _relay(send, result, translator, _headers(request_id, answer), request_id, watch)
            return
        watch.stop()
        try:
            completion = orjson.loads(result.body)
        except orjson.JSONDecodeError:
            completion = None
        if not isinstance(completion, dict):
            raise ProviderResponseInvalid(
                f"Upstream deployment '{answer.deployment}' answered with a body that is not a JSON object.",
                deployment=answer.deployment,
            )
        message = from_canonical(completion, model=body["model"], stop_sequences=stops, deployment=answer.deployment)
        await json_response(send, 200, orjson.dumps(message), _headers(request_id, answer))


async def _relay(
    send: Send,
    stream: StreamResponse,
    translator: StreamTranslator,
    headers: list[tuple[bytes, bytes]],
    request_id: str,
    watch: DisconnectWatch,
) -> None:
    """Translate and relay chunk by chunk; a failure after the first byte ends the stream with an ``error`` event."""
    headers += _SSE_HEADERS
    events = stream.chunks()
    try:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        async for chunk in events:
            out = translator.feed(chunk)
            if out:
                await send({"type": "http.response.body", "body": out, "more_body": True})
        out = translator.finish()
        if out:
            await send({"type": "http.response.body", "body": out, "more_body": True})
        watch.stop()
    except ProviderError as exc:
        watch.stop()
        forget_traceback(exc)
        log.warning("request %s: stream from %s failed: %s", request_id, exc.deployment, exc.message)
        await send({"type": "http.response.body", "body": error_event(exc, request_id), "more_body": True})
    except asyncio.CancelledError:
        if watch.disconnected:
            asyncio.current_task().uncancel()  # type: ignore[union-attr]
            log.info("request %s: client disconnected mid-stream; upstream closed", request_id)
            return
        stopped = DRAIN.stopped()
        if stopped is None:
            raise
        watch.stop()
        log.warning("request %s: stream ended with an error event: the drain time is over", request_id)
        await send({"type": "http.response.body", "body": error_event(stopped, request_id), "more_body": True})
    except OSError:  # the server reports a vanished client on send
        watch.stop()
        return
    except Exception:  # the response has started: end it with an error event rather than a second start
        watch.stop()
        log.exception("request %s: unexpected error mid-stream", request_id)
        await send(
            {"type": "http.response.body", "body": error_event(_internal(request_id), request_id), "more_body": True}
        )
    finally:
        await events.aclose()  # type: ignore[attr-defined]
    await send({"type": "http.response.body", "body": b"", "more_body": False})


class CountTokensEndpoint(_Endpoint):
    """``POST /v1/messages/count_tokens``: ``{"input_tokens": n}``.

    Exact when the alias's first deployment counts tokens (``providers.base.TokenCounter``);
    otherwise, or when that count fails upstream, ``estimate_input_tokens``'s heuristic. The
    ``x-freehold-token-count`` header says which (``exact`` or ``estimate``).
    """

    async def handle(self, raw: bytes, send: Send, request_id: str, watch: DisconnectWatch) -> None:
        body = decode_json_object(raw)
        check_request(body, count_only=True)
        request = ChatRequest(body=to_canonical(body), model=body["model"], stream=False)
        count = await self.ctx.gateway.count_tokens(request)
        watch.stop()
        headers = _headers(request_id)
        headers.append((b"x-freehold-token-count", b"exact" if count is not None else b"estimate"))
        if count is None:
            count = estimate_input_tokens(body)
        await json_response(send, 200, orjson.dumps({"input_tokens": count}), headers)
