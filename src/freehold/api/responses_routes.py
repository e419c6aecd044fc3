"""OpenAI's Responses API: ``POST /v1/responses``, ``GET`` and ``DELETE /v1/responses/{id}``.

A thin layer like ``openai_routes``: decode (``frontdoors.responses``), ask the gateway in the
canonical chat format, translate the answer back, keep it in the response store. Errors are
rendered OpenAI-style by the shared POST handler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import orjson

from freehold.api.asgi import Receive, RequestHead, Scope, Send, base_headers, error_response, json_response
from freehold.api.openai_routes import ApiContext, _PostEndpoint
from freehold.echo import clip
from freehold.errors import (
    FreeholdError,
    InvalidRequest,
    NotFound,
    ProviderError,
    ProviderResponseInvalid,
    forget_traceback,
)
from freehold.frontdoors.responses import (
    StreamTranslator,
    new_response_id,
    parse_request,
    response_from_completion,
    skeleton,
    to_chat,
)
from freehold.gateway import Answer
from freehold.providers.base import Completion, StreamResponse
from freehold.schemas.chat import ChatRequest
from freehold.server.drain import DRAIN
from freehold.stores.responses import ResponseStore, StoredResponse

__all__ = ["ResponsesEndpoint", "StoredResponseEndpoint"]

log = logging.getLogger("freehold.api")

_STORED_STATUSES = ("completed", "incomplete")


class ResponsesEndpoint(_PostEndpoint):
    """``POST /v1/responses``."""

    def __init__(self, ctx: ApiContext, store: ResponseStore) -> None:
        super().__init__(ctx)
        self.store = store

    async def handle(self, raw: bytes, request_id: str) -> Answer:
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
        answer = await self.ctx.gateway.chat(chat)
        response = skeleton(request, new_response_id())
        conversation = [*history, *request.input_items] if request.store else None
        result = answer.result
        if isinstance(result, StreamResponse):
            translator = StreamTranslator(response, answer.deployment, self.ctx.max_upstream_body_bytes)
            events = self._events(result.chunks(), translator, conversation, answer.deployment, request_id)
            return Answer(StreamResponse(events, result.headers), answer.deployment, answer.attempts, answer.alias)
        try:
            completion = orjson.loads(result.body)
        except orjson.JSONDecodeError:
            completion = None
        if not isinstance(completion, dict):
            raise ProviderResponseInvalid(
                f"Upstream deployment '{answer.deployment}' answered with a body that is not a chat completion.",
                deployment=answer.deployment,
            )
        final = response_from_completion(completion, response)
        await self._save(final, conversation)
        return Answer(
            Completion(orjson.dumps(final), result.headers), answer.deployment, answer.attempts, answer.alias
        )

    async def _events(
        self,
        upstream: AsyncIterator[bytes],
        translator: StreamTranslator,
        conversation: list[dict[str, Any]] | None,
        deployment: str,
        request_id: str,
    ) -> AsyncIterator[bytes]:
        """The Responses events for a canonical stream; the response is stored before its last event.

        A failure mid-way, the upstream's or the end of the drain at shutdown, ends it with the
        translator's ``error`` and ``response.failed`` events.
        """
        try:
            yield translator.start()
            try:
                async for chunk in upstream:
                    out = translator.feed(chunk)
                    if translator.finished:
                        break
                    if out:
                        yield out
                else:
                    out = translator.end()
            except ProviderError as exc:
                out = translator.fail(forget_traceback(exc))
            except asyncio.CancelledError:
                stopped = DRAIN.stopped()  # the client leaving cancels too: that one goes on up
                if stopped is None:
                    raise
                out = translator.fail(stopped)
            if translator.response is not None:
                if translator.response["status"] == "failed":
                    error = translator.response["error"]
                    log.warning("request %s: stream from %s ended with an error: %s", request_id, deployment, error)
                await self._save(translator.response, conversation)
            yield out
        finally:
            await upstream.aclose()  # type: ignore[attr-defined]

    async def _save(self, response: dict[str, Any], conversation: list[dict[str, Any]] | None) -> None:
        if conversation is None or response["status"] not in _STORED_STATUSES:
            return
        output = response["output"]
        assert isinstance(output, list)
        await self.store.put(str(response["id"]), StoredResponse(response, [*conversation, *output]))


class StoredResponseEndpoint:
    """``GET /v1/responses/{response_id}`` (retrieve) and ``DELETE`` (forget)."""

    def __init__(self, ctx: ApiContext, store: ResponseStore) -> None:
        self.ctx = ctx
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        head = RequestHead(scope)
        try:
            head.check_auth(self.ctx.master_key)
            response_id: str = scope["path_params"]["response_id"]
            if scope["method"] == "DELETE":
                if not await self.store.delete(response_id):
                    raise _not_found(response_id)
                body = orjson.dumps({"id": response_id, "object": "response", "deleted": True})
            else:
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
                body = orjson.dumps(stored.response)
        except FreeholdError as exc:
            await error_response(send, exc, head.request_id)
            return
        await json_response(send, 200, body, base_headers(head.request_id))


def _not_found(response_id: str) -> NotFound:
    return NotFound(
        f"Response with id {clip(response_id)} not found. This gateway keeps stored responses in memory for a "
        "limited time and within a memory bound.",
        param="response_id",
    )
