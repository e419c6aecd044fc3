"""The ``bedrock`` adapter: signs, sends through the shared transport, translates both ways."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Mapping

import orjson
from yarl import URL

from freehold.context import RequestContext
from freehold.errors import ProviderResponseInvalid
from freehold.providers.base import Capabilities, Completion, StreamResponse
from freehold.providers.bedrock.config import BedrockDeployment
from freehold.providers.bedrock.errors import parse_error
from freehold.providers.bedrock.signing import Signer, model_path
from freehold.providers.bedrock.stream import EventStreamDecoder, StreamEvent, StreamTranslator, exception_error
from freehold.providers.bedrock.translate import from_upstream, translate
from freehold.providers.openai_format import ChunkWriter
from freehold.schemas.chat import ChatRequest
from freehold.transport.http import client_timeout
from freehold.transport.seam import Transport, Upstream

__all__ = ["BedrockProvider"]

_EVENTSTREAM_TYPE = "application/vnd.amazon.eventstream"
_JSON = {"Content-Type": "application/json", "Accept": "application/json"}
_EVENTSTREAM = {"Content-Type": "application/json", "Accept": _EVENTSTREAM_TYPE}


def _passed_headers(headers: Mapping[str, str]) -> dict[str, str]:
    upstream_id = headers.get("x-amzn-requestid")  # aiohttp's headers are case-insensitive
    return {"x-freehold-upstream-request-id": upstream_id} if upstream_id else {}


class BedrockProvider:
    """Adapter for one Bedrock deployment (Converse and ConverseStream)."""

    capabilities = Capabilities(vision=True, json_schema=True, reasoning=True)

    def __init__(self, name: str, config: BedrockDeployment, transport: Transport) -> None:
        self.name = name
        self.model = config.model
        self._transport = transport
        self._signer = Signer(config.credentials, config.region)
        self._secrets = self._signer.secrets()
        self._upstream = Upstream(name, client_timeout(config.timeout), parse_error, self._secrets)
        base = f"{config.base_url}/model/{model_path(config.model)}"
        self._converse_url = base + "/converse"
        self._stream_url = base + "/converse-stream"

    async def _signed(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[URL, dict[str, str]]:
        """The URL to send to and the signed headers.

        The URL goes as encoded: a plain string would let yarl decode '%3A' back to ':' in the
        path, and the path on the wire would no longer be the one signed.
        """
        return URL(url, encoded=True), await self._signer.sign_async(url, body, headers)

    async def chat(self, ctx: RequestContext, request: ChatRequest) -> Completion:
        upstream, plan = translate(request, self.model)
        body = orjson.dumps(upstream)
        url, headers = await self._signed(self._converse_url, body, _JSON)
        reply = await self._transport.post_json(url, body, headers, self._upstream)
        answer = from_upstream(reply.obj, self.model, self.name, plan)
        return Completion(orjson.dumps(answer), _passed_headers(reply.headers) | plan.headers)

    async def chat_stream(self, ctx: RequestContext, request: ChatRequest) -> StreamResponse:
        upstream, plan = translate(request, self.model)
        body = orjson.dumps(upstream)
        include_usage = bool((request.body.get("stream_options") or {}).get("include_usage"))
        url, headers = await self._signed(self._stream_url, body, _EVENTSTREAM)
        stream = await self._transport.open_stream(url, body, headers, self._upstream, _EVENTSTREAM_TYPE)
        events = self._events(stream.chunks)
        # Wait for the first message, so that an exception sent before any output (throttling,
        # validation) is raised here, where the gateway may still fall back.
        try:
            first = await anext(events)
        except StopAsyncIteration:
            raise ProviderResponseInvalid(
                f"Upstream deployment '{self.name}' answered 200 with an empty event stream.", deployment=self.name
            ) from None
        except BaseException:
            await events.aclose()
            raise
        translator = StreamTranslator(ChunkWriter(self.model, include_usage), self.name, self._secrets, plan)
        headers = _passed_headers(stream.headers) | plan.headers
        return StreamResponse(self._translate(first, events, translator), headers)

    async def _events(self, chunks: AsyncGenerator[bytes, None]) -> AsyncGenerator[StreamEvent, None]:
        decoder = EventStreamDecoder(self.name)
        try:
            async for chunk in chunks:
                for event in decoder.feed(chunk):
                    if event.kind != "event":
                        raise exception_error(event, self.name, self._secrets)
                    yield event
        finally:
            await chunks.aclose()

    async def _translate(
        self, first: StreamEvent, events: AsyncGenerator[StreamEvent, None], translator: StreamTranslator
    ) -> AsyncIterator[bytes]:
        try:
            out = translator.feed(first)
            if out:
                yield out
            async for event in events:
                out = translator.feed(event)
                if out:
                    yield out
            translator.finish()
        finally:
            await events.aclose()
