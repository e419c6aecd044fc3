"""OpenAI's Responses API: ``POST /v1/responses``, ``GET`` and ``DELETE /v1/responses/{id}``.

Endpoints of the door framework (``api.door``): decode (``frontdoors.responses``), ask the
gateway in the canonical chat format, translate the answer back, keep it in the response store.
Errors are rendered OpenAI-style, as on the chat door.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any
from urllib.parse import parse_qs

import orjson

from freehold.api.app_context import ApiContext
from freehold.api.asgi import Scope
from freehold.api.door import DoorEndpoint, JsonReply, StreamReply, answer_headers, completion_object
from freehold.context import RequestContext
from freehold.echo import clip
from freehold.errors import FreeholdError, InvalidRequest, NotFound
from freehold.frontdoors.responses import (
    StreamTranslator,
    new_response_id,
    parse_request,
    response_from_completion,
    skeleton,
    to_chat,
)
from freehold.schemas.chat import ChatRequest
from freehold.stores.responses import ResponseStore, StoredResponse
from freehold.streaming import AnswerStream

__all__ = ["ResponsesEndpoint", "ResponsesStreamRenderer", "StoredResponseEndpoint"]

log = logging.getLogger("freehold.api")

_STORED_STATUSES = ("completed", "incomplete")


class ResponsesStreamRenderer:
    """Canonical chunks → the Responses API's events; the response is stored before its last event.

    The events that finish the response (``response.completed`` and what closes its items) are
    held back until the stream has ended, so that ``close`` stores the response first: a client
    that chains ``previous_response_id`` as soon as it sees ``response.completed`` finds it.
    """

    __slots__ = ("_conversation", "_deployment", "_final", "_logged", "_request_id", "_store", "_translator")

    passthrough = False

    def __init__(
        self,
        translator: StreamTranslator,
        store: ResponseStore,
        conversation: list[dict[str, Any]] | None,
        deployment: str,
        request_id: str,
    ) -> None:
        self._translator = translator
        self._store = store
        self._conversation = conversation
        self._deployment = deployment
        self._request_id = request_id
        self._final = b""
        self._logged = False

    def start(self) -> bytes:
        return self._translator.start()

    def feed(self, chunk: bytes) -> bytes:
        translator = self._translator
        if translator.finished:
            return b""  # what follows the canonical [DONE] (nothing, normally) is not the client's
        out = translator.feed(chunk)
        if translator.finished:
            self._final = out
            return b""
        return out

    def finish(self) -> bytes:
        return self._final if self._translator.finished else self._translator.end()

    def fail(self, error: FreeholdError) -> bytes:
        self._logged = True  # the relay has logged the failure
        return self._translator.fail(error)

    def close(self) -> Awaitable[None] | None:
        return self._close() if self._translator.response is not None else None

    async def _close(self) -> None:
        response = self._translator.response
        assert response is not None
        if response["status"] == "failed" and not self._logged:  # the stream ended short of [DONE]
            log.warning(
                "request %s: stream from %s ended with an error: %s",
                self._request_id,
                self._deployment,
                response["error"],
            )
        await save(self._store, response, self._conversation)


async def save(store: ResponseStore, response: dict[str, Any], conversation: list[dict[str, Any]] | None) -> None:
    """Keep a finished response with its conversation (when the request asked to store it)."""
    if conversation is None or response["status"] not in _STORED_STATUSES:
        return
    output = response["output"]
    assert isinstance(output, list)
    await store.put(str(response["id"]), StoredResponse(response, [*conversation, *output]))


class ResponsesEndpoint(DoorEndpoint):
    """``POST /v1/responses``."""

    door = "responses"
    operation = "chat"

    def __init__(self, api: ApiContext, store: ResponseStore) -> None:
        super().__init__(api)
        self.store = store

    async def handle(self, ctx: RequestContext, scope: Scope, raw: bytes) -> JsonReply | StreamReply:
        request = parse_request(raw)
        history: list[dict[str, Any]] = []
        if request.previous_response_id is not None:
            previous = await self.store.get(request.previous_response_id)
            if previous is None:
                raise NotFound(
                    f"Previous response with id {clip(request.previous_response_id)} not found. Responses are "
                    "kept in this gateway's memory for a limited time and within a memory bound, and only when "
                    "created with 'store' left true.",
                    param="previous_response_id",
                    code="previous_response_not_found",
                )
            history = previous.conversation
        chat = ChatRequest(body=to_chat(request, history), model=request.model, stream=request.stream)
        answer = await self.api.gateway.chat(ctx, chat)
        headers = answer_headers(self.base_headers(ctx), ctx, answer)
        response = skeleton(request, new_response_id())
        conversation = [*history, *request.input_items] if request.store else None
        result = answer.result
        if isinstance(result, AnswerStream):
            translator = StreamTranslator(response, answer.deployment, self.api.max_upstream_body_bytes)
            renderer = ResponsesStreamRenderer(translator, self.store, conversation, answer.deployment, ctx.request_id)
            return StreamReply(result, renderer, headers)
        final = response_from_completion(completion_object(answer), response)
        await save(self.store, final, conversation)
        return JsonReply(orjson.dumps(final), headers)


class StoredResponseEndpoint(DoorEndpoint):
    """``GET /v1/responses/{response_id}`` (retrieve) and ``DELETE`` (forget)."""

    door = "responses"
    operation = "stored_response"
    reads_body = False

    def __init__(self, api: ApiContext, store: ResponseStore) -> None:
        super().__init__(api)
        self.store = store

    async def handle(self, ctx: RequestContext, scope: Scope, raw: bytes) -> JsonReply | StreamReply:
        response_id: str = scope["path_params"]["response_id"]
        headers = self.base_headers(ctx)
        if scope["method"] == "DELETE":
            if not await self.store.delete(response_id):
                raise _not_found(response_id)
            return JsonReply(orjson.dumps({"id": response_id, "object": "response", "deleted": True}), headers)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if query.get("stream", ["false"])[-1].lower() == "true":
            raise InvalidRequest(
                "Streaming a stored response again is not supported by this gateway; omit 'stream'.",
                param="stream",
                code="unsupported_parameter",
            )
        stored = await self.store.get(response_id)
        if stored is None:
            raise _not_found(response_id)
        return JsonReply(orjson.dumps(stored.response), headers)


def _not_found(response_id: str) -> NotFound:
    return NotFound(
        f"Response with id {clip(response_id)} not found. This gateway keeps stored responses in memory for a "
        "limited time and within a memory bound.",
        param="response_id",
    )
