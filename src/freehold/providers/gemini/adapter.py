"""The ``gemini`` adapter: translation (``translate``, ``stream``, ``embed``) sent through the shared transport."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import orjson
from pydantic import SecretStr

from freehold.context import RequestContext
from freehold.errors import ProviderResponseInvalid
from freehold.providers.base import Capabilities, Completion, StreamResponse
from freehold.providers.gemini.config import GeminiDeployment
from freehold.providers.gemini.embed import embed_request, embed_response
from freehold.providers.gemini.errors import parse_error
from freehold.providers.gemini.stream import StreamTranslator
from freehold.providers.gemini.translate import from_upstream, translate
from freehold.schemas.chat import ChatRequest, EmbeddingsRequest
from freehold.transport.http import client_timeout
from freehold.transport.seam import Transport, Upstream
from freehold.transport.sse import SSEEvent, iter_events

__all__ = ["GeminiProvider"]


class GeminiProvider:
    """Adapter for one Gemini API deployment."""

    capabilities = Capabilities(embeddings=True, vision=True, json_schema=True, reasoning=True)

    def __init__(self, name: str, config: GeminiDeployment, transport: Transport) -> None:
        self.name = name
        self.model = config.model
        self._transport = transport
        self._base = f"{config.api_base}/v1beta/models/{config.model}"
        self._safety = config.safety_settings
        key: SecretStr = config.api_key  # type: ignore[assignment]  # resolved by the validator
        # The key travels in a header, never in the URL, so no access log or error message can show it.
        self._headers = {"Content-Type": "application/json", "x-goog-api-key": key.get_secret_value()}
        self._upstream = Upstream(name, client_timeout(config.timeout), parse_error, (key.get_secret_value(),))

    async def chat(self, ctx: RequestContext, request: ChatRequest) -> Completion:
        upstream, plan = translate(request, self.model, self._safety)
        data = await self._post(":generateContent", orjson.dumps(upstream))
        return Completion(orjson.dumps(from_upstream(data, self.model, self.name, plan)), plan.headers)

    async def chat_stream(self, ctx: RequestContext, request: ChatRequest) -> StreamResponse:
        upstream, plan = translate(request, self.model, self._safety)
        url = self._base + ":streamGenerateContent?alt=sse"
        stream = await self._transport.open_stream(url, orjson.dumps(upstream), self._headers, self._upstream)
        include_usage = bool((request.body.get("stream_options") or {}).get("include_usage"))
        translator = StreamTranslator(self.model, include_usage, self.name, plan)
        events = iter_events(stream.chunks, self.name, self._transport.max_body_bytes)
        try:
            # Read up to the first event, so that a blocked prompt or an immediate error is raised
            # before the client's stream starts and the gateway can still fall back.
            first = await anext(events, None)
            head = translator.feed(self._decode(first)) if first is not None else []
        except BaseException:
            await events.aclose()
            raise
        return StreamResponse(self._relay(head, first is None, events, translator), plan.headers)

    async def _relay(
        self, head: list[bytes], ended: bool, events: AsyncGenerator[SSEEvent, None], translator: StreamTranslator
    ) -> AsyncIterator[bytes]:
        try:
            for chunk in head:
                yield chunk
            if not ended:
                async for event in events:
                    for chunk in translator.feed(self._decode(event)):
                        yield chunk
            for chunk in translator.finish():
                if chunk:
                    yield chunk
        finally:
            await events.aclose()  # an early close drops the upstream connection (cancelling generation)

    def _decode(self, event: SSEEvent) -> dict[str, Any]:
        try:
            data = event.json()
        except orjson.JSONDecodeError:
            data = None
        if not isinstance(data, dict):
            raise ProviderResponseInvalid(
                f"Upstream deployment '{self.name}' sent a stream event that is not a JSON object.",
                deployment=self.name,
            )
        return data

    async def embed(self, ctx: RequestContext, request: EmbeddingsRequest) -> Completion:
        method, payload, count = embed_request(request, self.model)
        data = await self._post(":" + method, orjson.dumps(payload))
        as_base64 = request.body.get("encoding_format") == "base64"
        return Completion(orjson.dumps(embed_response(data, method, count, self.model, self.name, as_base64)))

    async def _post(self, method: str, body: bytes) -> dict[str, Any]:
        return (await self._transport.post_json(self._base + method, body, self._headers, self._upstream)).obj
