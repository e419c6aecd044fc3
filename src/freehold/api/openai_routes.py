"""OpenAI's front door: ``/v1/chat/completions``, ``/v1/embeddings``, ``/v1/models``.

The canonical format is this door's own, so its renderer passes the gateway's answer through:
a whole answer's body as it is, a stream's bytes as they come; only a stream's error is this
door's to write (an OpenAI error event, which the ``openai`` SDK raises as ``APIError``).
"""

from __future__ import annotations

import orjson

from freehold.api.app_context import ApiContext
from freehold.api.asgi import Scope
from freehold.api.door import DoorEndpoint, JsonReply, StreamReply, answer_headers
from freehold.context import RequestContext
from freehold.echo import clip
from freehold.errors import AliasNotFound, FreeholdError
from freehold.providers.base import Completion
from freehold.routing.resilience import Answer
from freehold.schemas.chat import parse_chat, parse_embeddings
from freehold.streaming import AnswerStream
from freehold.transport.sse import error_event

__all__ = ["ApiContext", "ChatCompletionsEndpoint", "EmbeddingsEndpoint", "ModelsEndpoint", "OpenAIStreamRenderer"]


class OpenAIStreamRenderer:
    """Canonical chunks are OpenAI's: relayed as they are (``passthrough``); a failure becomes an error event.

    It holds no state, so one instance serves every stream.
    """

    __slots__ = ()

    passthrough = True

    def start(self) -> bytes:
        return b""

    def feed(self, chunk: bytes) -> bytes:
        return chunk

    def finish(self) -> bytes:
        return b""

    def fail(self, error: FreeholdError) -> bytes:
        return error_event(error.to_openai())

    def close(self) -> None:
        return None


RENDERER = OpenAIStreamRenderer()


def reply(ctx: RequestContext, answer: Answer) -> JsonReply | StreamReply:
    """The OpenAI door's reply to a gateway answer: its own body or stream, as it came."""
    headers = answer_headers([(b"x-request-id", ctx.request_id.encode())], ctx, answer)
    result = answer.result
    if isinstance(result, AnswerStream):
        return StreamReply(result, RENDERER, headers)
    assert isinstance(result, Completion)
    return JsonReply(result.body, headers)


class ChatCompletionsEndpoint(DoorEndpoint):
    door = "chat_completions"
    operation = "chat"

    async def handle(self, ctx: RequestContext, scope: Scope, raw: bytes) -> JsonReply | StreamReply:
        request = parse_chat(raw)
        return reply(ctx, await self.api.gateway.chat(ctx, request))


class EmbeddingsEndpoint(DoorEndpoint):
    door = "embeddings"
    operation = "embeddings"

    async def handle(self, ctx: RequestContext, scope: Scope, raw: bytes) -> JsonReply | StreamReply:
        request = parse_embeddings(raw)
        return reply(ctx, await self.api.gateway.embeddings(ctx, request))


class ModelsEndpoint(DoorEndpoint):
    """``GET /v1/models`` and ``GET /v1/models/{alias}``: the aliases this principal may see.

    ``x-api-key`` is taken too: the anthropic SDK's ``models.list`` sends the key there.
    """

    door = "models"
    operation = "models"
    x_api_key = True
    reads_body = False

    def __init__(self, api: ApiContext, single: bool = False) -> None:
        super().__init__(api)
        self.single = single

    def _object(self, alias: str) -> dict[str, object]:
        return {"id": alias, "object": "model", "created": self.api.started, "owned_by": "freehold"}

    async def handle(self, ctx: RequestContext, scope: Scope, raw: bytes) -> JsonReply | StreamReply:
        aliases = await self.api.gateway.models(ctx)
        headers = [(b"x-request-id", ctx.request_id.encode())]
        if ctx.headers:
            headers.extend(ctx.headers)
        if not self.single:
            return JsonReply(orjson.dumps({"object": "list", "data": [self._object(a) for a in aliases]}), headers)
        alias = scope["path_params"]["model"]
        if alias not in aliases:
            raise AliasNotFound(f"The model {clip(alias)} does not exist on this gateway.", param="model")
        ctx.alias = alias
        return JsonReply(orjson.dumps(self._object(alias)), headers)
