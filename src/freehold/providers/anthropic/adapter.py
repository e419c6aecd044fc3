"""The adapter: translated requests sent through the shared transport, answers translated back."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import Any

import orjson
from pydantic import SecretStr

from freehold.context import RequestContext
from freehold.errors import ProviderResponseInvalid
from freehold.providers.anthropic.errors import parse_error, parse_rate_limits
from freehold.providers.anthropic.stream import StreamTranslator
from freehold.providers.anthropic.translate import COUNT_TOKENS_FIELDS, from_upstream, to_upstream, translate
from freehold.providers.anthropic.wire import AnthropicDeployment
from freehold.providers.base import Capabilities, Completion, StreamResponse
from freehold.schemas.chat import ChatRequest
from freehold.transport.http import client_timeout
from freehold.transport.seam import JsonReply, Transport, Upstream
from freehold.transport.sse import iter_events

__all__ = ["AnthropicProvider"]


def _passed_headers(headers: Mapping[str, str]) -> dict[str, str]:
    upstream_id = headers.get("request-id")
    return {"x-freehold-upstream-request-id": upstream_id} if upstream_id else {}


class AnthropicProvider:
    """Adapter for one deployment on Anthropic's Messages API; also a ``TokenCounter``."""

    capabilities = Capabilities(vision=True, json_schema=True, reasoning=True, token_count=True)

    def __init__(self, name: str, config: AnthropicDeployment, transport: Transport) -> None:
        self.name = name
        self.model = config.model
        self._version = config.anthropic_version
        self._transport = transport
        self._messages_url = config.api_base + "/v1/messages"
        self._count_url = config.api_base + "/v1/messages/count_tokens"
        key: SecretStr = config.api_key  # type: ignore[assignment]  # resolved by the validator
        self._secrets = (key.get_secret_value(),)
        self._upstream = Upstream(name, client_timeout(config.timeout), parse_error, self._secrets)
        self._headers = {
            "content-type": "application/json",
            "x-api-key": key.get_secret_value(),
            "anthropic-version": config.anthropic_version,
        }
        if config.beta:
            self._headers["anthropic-beta"] = ",".join(config.beta)

    async def chat(self, ctx: RequestContext, request: ChatRequest) -> Completion:
        upstream, plan = translate(request, self.model, self._version)
        reply = await self._post(self._messages_url, upstream)
        body = orjson.dumps(from_upstream(reply.obj, self.name, plan))
        headers = _passed_headers(reply.headers) | plan.headers
        return Completion(body, headers, ratelimit=parse_rate_limits(reply.headers))

    async def chat_stream(self, ctx: RequestContext, request: ChatRequest) -> StreamResponse:
        upstream, plan = translate(request, self.model, self._version)
        body = orjson.dumps({**upstream, "stream": True})
        stream = await self._transport.open_stream(self._messages_url, body, self._headers, self._upstream)
        options = request.body.get("stream_options") or {}
        translator = StreamTranslator(self.name, bool(options.get("include_usage")), self._secrets, plan)
        headers = _passed_headers(stream.headers) | plan.headers
        return StreamResponse(
            self._translate(stream.chunks, translator), headers, ratelimit=parse_rate_limits(stream.headers)
        )

    async def count_tokens(self, ctx: RequestContext, request: ChatRequest) -> int:
        """Prompt tokens of ``request`` as the model counts them (``POST /v1/messages/count_tokens``)."""
        body = {k: v for k, v in to_upstream(request, self.model, self._version).items() if k in COUNT_TOKENS_FIELDS}
        count = (await self._post(self._count_url, body)).obj.get("input_tokens")
        if not isinstance(count, int) or isinstance(count, bool):
            raise ProviderResponseInvalid(
                f"Upstream deployment '{self.name}' answered count_tokens without 'input_tokens'.", deployment=self.name
            )
        return count

    async def _post(self, url: str, body: dict[str, Any]) -> JsonReply:
        return await self._transport.post_json(url, orjson.dumps(body), self._headers, self._upstream)

    async def _translate(
        self, chunks: AsyncGenerator[bytes, None], translator: StreamTranslator
    ) -> AsyncIterator[bytes]:
        """Decode the vendor's SSE and yield OpenAI's; relayed event by event, never buffered."""
        events = iter_events(chunks, self.name, self._transport.max_body_bytes)
        try:
            async for event in events:
                out = translator.parse_event(event)
                if out:
                    yield out
                if translator.finished:
                    break
        finally:
            await events.aclose()
        translator.finish()
