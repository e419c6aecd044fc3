"""The ASGI application: routes, lifespan, and OpenAI-style rendering of routing errors."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from freehold.api.admin_routes import ADMIN_PATHS
from freehold.api.anthropic_routes import CountTokensEndpoint, MessagesEndpoint
from freehold.api.asgi import RequestHead
from freehold.api.feedback_routes import FeedbackEndpoint
from freehold.api.health_routes import HealthEndpoint
from freehold.api.metrics_routes import MetricsEndpoint
from freehold.api.openai_routes import ChatCompletionsEndpoint, EmbeddingsEndpoint, ModelsEndpoint
from freehold.api.responses_routes import ResponsesEndpoint, StoredResponseEndpoint
from freehold.bootstrap import Runtime
from freehold.echo import clip
from freehold.errors import FreeholdError, MethodNotAllowed, NotFound

__all__ = ["create_app"]

log = logging.getLogger("freehold.app")

_SERVED = (
    "POST /v1/chat/completions, POST /v1/embeddings, POST /v1/messages, POST /v1/messages/count_tokens, "
    "POST /v1/responses, GET|DELETE /v1/responses/{id}, GET /v1/models, POST /v1/feedback, GET /health/live, "
    "GET /health/ready, "
    + ADMIN_PATHS
)


def _render(request: Request, exc: FreeholdError, headers: dict[str, str] | None = None) -> Response:
    request_id = RequestHead(request.scope).request_id
    log.info("request %s failed with %d: %s", request_id, exc.status, exc.message)
    headers = {**(headers or {}), "x-request-id": request_id}
    return Response(orjson.dumps(exc.to_openai()), exc.status, headers=headers, media_type="application/json")


async def _http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (unknown path, wrong method), rendered as OpenAI errors."""
    assert isinstance(exc, HTTPException)
    what = f"{request.method} {clip(request.url.path)[1:-1]}"  # the client's path, escaped and bounded
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        return _render(
            request,
            MethodNotAllowed(f"Method not allowed: {what}. This path accepts {allowed}."),
            headers={"Allow": allowed},
        )
    if exc.status_code == 404:
        return _render(request, NotFound(f"Unknown request URL: {what}. This gateway serves {_SERVED}."))
    return _render(request, FreeholdError(str(exc.detail), status=exc.status_code))


def create_app(runtime: Runtime) -> Starlette:
    """The app for one worker process; ``runtime`` comes from ``bootstrap.build``."""
    ctx = runtime.api

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.close()

    routes = [
        Route("/v1/chat/completions", ChatCompletionsEndpoint(ctx), methods=["POST"]),
        Route("/v1/embeddings", EmbeddingsEndpoint(ctx), methods=["POST"]),
        Route("/v1/messages", MessagesEndpoint(ctx), methods=["POST"]),
        Route("/v1/messages/count_tokens", CountTokensEndpoint(ctx), methods=["POST"]),
        Route("/v1/responses", ResponsesEndpoint(ctx, runtime.responses), methods=["POST"]),
        Route(
            "/v1/responses/{response_id}",
            StoredResponseEndpoint(ctx, runtime.responses),
            methods=["GET", "DELETE"],
        ),
        Route("/v1/models", ModelsEndpoint(ctx), methods=["GET"]),
        Route("/v1/models/{model:path}", ModelsEndpoint(ctx, single=True), methods=["GET"]),
        Route("/health/live", HealthEndpoint(), methods=["GET"]),
        Route("/health/ready", HealthEndpoint(runtime.readiness), methods=["GET"]),
        Route("/metrics", MetricsEndpoint(runtime.metrics, ctx.metrics_key), methods=["GET"]),
    ]
    if runtime.feedback is not None:
        routes.append(Route("/v1/feedback", FeedbackEndpoint(ctx, runtime.feedback), methods=["POST"]))
    if runtime.admin is not None:
        routes += runtime.admin.routes()
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: _http_exception})
    # No redirect from "/path/" to "/path": Starlette builds its target from the client's Host
    # header, which makes the gateway an open redirector; a 404 naming the served paths is clearer.
    app.router.redirect_slashes = False
    return app
