"""Anthropic's front door: ``POST /v1/messages`` and ``POST /v1/messages/count_tokens``.

Endpoints of the door framework (``api.door``): the body is checked and translated to the
canonical request (``frontdoors.anthropic_messages``), the gateway answers, and the canonical
answer or stream is rendered in Anthropic's format (``frontdoors.anthropic_response``). Any
provider can serve this door. The key may come as ``x-api-key`` (the anthropic SDK's way) or
``Authorization: Bearer``; errors are rendered Anthropic-style, with ``request-id`` as well as
``x-request-id``.
"""

from __future__ import annotations

from typing import Any

import orjson

from freehold.api.asgi import Scope
from freehold.api.door import DoorEndpoint, JsonReply, StreamReply, answer_headers, completion_object
from freehold.context import RequestContext
from freehold.errors import FreeholdError
from freehold.frontdoors.anthropic_messages import check_request, estimate_input_tokens, to_canonical
from freehold.frontdoors.anthropic_response import (
    StreamTranslator,
    error_body,
    error_event,
    error_status,
    from_canonical,
)
from freehold.schemas.chat import ChatRequest, decode_json_object
from freehold.streaming import AnswerStream

__all__ = ["AnthropicStreamRenderer", "CountTokensEndpoint", "MessagesEndpoint", "anthropic_error"]


Rendered = tuple[int, dict[str, Any], list[tuple[bytes, bytes]]]


def anthropic_error(exc: FreeholdError, request_id: str) -> Rendered:
    """An error as Anthropic renders it (``api.asgi.ErrorRenderer``)."""
    return error_status(exc), error_body(exc, request_id), [(b"request-id", request_id.encode())]


class AnthropicStreamRenderer:
    """Canonical chunks → Anthropic's events (``message_start`` … ``message_stop``), or ``error``."""

    __slots__ = ("_request_id", "_translator")

    passthrough = False

    def __init__(self, translator: StreamTranslator, request_id: str) -> None:
        self._translator = translator
        self._request_id = request_id

    def start(self) -> bytes:
        return b""

    def feed(self, chunk: bytes) -> bytes:
        return self._translator.feed(chunk)

    def finish(self) -> bytes:
        return self._translator.finish()

    def fail(self, error: FreeholdError) -> bytes:
        return error_event(error, self._request_id)

    def close(self) -> None:
        return None


class _AnthropicEndpoint(DoorEndpoint):
    x_api_key = True

    def render_error(self, exc: FreeholdError, request_id: str) -> Rendered:
        return anthropic_error(exc, request_id)

    def base_headers(self, ctx: RequestContext) -> list[tuple[bytes, bytes]]:
        request_id = ctx.request_id.encode()
        return [(b"x-request-id", request_id), (b"request-id", request_id)]


class MessagesEndpoint(_AnthropicEndpoint):
    """``POST /v1/messages``: a whole ``message`` or Anthropic's SSE events."""

    door = "messages"
    operation = "chat"

    async def handle(self, ctx: RequestContext, scope: Scope, raw: bytes) -> JsonReply | StreamReply:
        body = decode_json_object(raw)
        check_request(body)
        model = body["model"]
        request = ChatRequest(body=to_canonical(body), model=model, stream=body.get("stream") is True)
        answer = await self.api.gateway.chat(ctx, request)
        headers = answer_headers(self.base_headers(ctx), ctx, answer)
        stops = tuple(body.get("stop_sequences") or ())
        result = answer.result
        if isinstance(result, AnswerStream):
            translator = StreamTranslator(
                model=model,
                input_tokens=estimate_input_tokens(body),
                deployment=answer.deployment,
                stop_sequences=stops,
                max_event_bytes=self.api.max_upstream_body_bytes,
            )
            return StreamReply(result, AnthropicStreamRenderer(translator, ctx.request_id), headers)
        completion = completion_object(answer)
        message = from_canonical(completion, model=model, stop_sequences=stops, deployment=answer.deployment)
        return JsonReply(orjson.dumps(message), headers)


class CountTokensEndpoint(_AnthropicEndpoint):
    """``POST /v1/messages/count_tokens``: ``{"input_tokens": n}``.

    Exact when a deployment of the alias counts tokens (``providers.base.TokenCounter``), asked
    through the gateway like any request (deadline, breakers, retries); otherwise, or when every
    count fails upstream, ``estimate_input_tokens``'s heuristic. The ``x-freehold-token-count``
    header says which (``exact`` or ``estimate``).
    """

    door = "count_tokens"
    operation = "count_tokens"

    async def handle(self, ctx: RequestContext, scope: Scope, raw: bytes) -> JsonReply | StreamReply:
        body = decode_json_object(raw)
        check_request(body, count_only=True)
        request = ChatRequest(body=to_canonical(body), model=body["model"], stream=False)
        count = await self.api.gateway.count_tokens(ctx, request)
        headers = self.base_headers(ctx)
        headers.append((b"x-freehold-token-count", b"exact" if count is not None else b"estimate"))
        if ctx.headers:
            headers.extend(ctx.headers)
        if count is None:
            count = estimate_input_tokens(body)
        return JsonReply(orjson.dumps({"input_tokens": count}), headers)
