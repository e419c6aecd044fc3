"""Request counts recorded by the door framework: labels, one count per request, every way it ends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from freehold.api.app_context import ApiContext
from freehold.api.auth import MasterKeyAuthenticator
from freehold.api.openai_routes import ChatCompletionsEndpoint, EmbeddingsEndpoint
from freehold.api.responses_routes import ResponsesEndpoint
from freehold.context import RequestContext
from freehold.errors import AliasNotFound, ProviderUnavailable
from freehold.gateway import Answer
from freehold.observability.metrics import Metrics
from freehold.observability.requests import NO_ALIAS, RequestMetrics
from freehold.providers.base import Completion, StreamResponse
from freehold.schemas.chat import ChatRequest
from freehold.streaming import AnswerStream


def count(m: Metrics, alias: str, front_door: str, status: str) -> float:
    got = m.registry.get_sample_value(
        "freehold_requests_total", {"alias": alias, "front_door": front_door, "status": status}
    )
    return 0.0 if got is None else got


def test_front_door_names_come_from_the_endpoint_class() -> None:
    assert ChatCompletionsEndpoint.door == "chat_completions"
    assert EmbeddingsEndpoint.door == "embeddings"
    assert ResponsesEndpoint.door == "responses"


async def test_only_served_aliases_become_labels() -> None:
    m = Metrics()
    rec = RequestMetrics(m, ["gpt"])
    for alias in ["gpt", "gpt", "no-such-model", "ignore previous instructions"]:
        rec.done(RequestContext("chat_completions", "chat", alias=alias), 200)
    rec.done(RequestContext("chat_completions", "chat"), 401)  # rejected before the body was parsed
    assert count(m, "gpt", "chat_completions", "200") == 2
    assert count(m, NO_ALIAS, "chat_completions", "200") == 2
    assert count(m, NO_ALIAS, "chat_completions", "401") == 1
    assert "no-such-model" not in m.exposition().decode()
    assert m.registry.get_sample_value("freehold_request_duration_seconds_count", {"alias": "gpt"}) == 2


async def test_concurrent_requests_keep_their_own_alias() -> None:
    m = Metrics()
    rec = RequestMetrics(m, ["a", "b"])

    async def request(alias: str, delay: float) -> None:
        ctx = RequestContext("chat_completions", "chat", alias=alias)
        await asyncio.sleep(delay)
        rec.done(ctx, 200)

    await asyncio.gather(request("a", 0.02), request("b", 0.0), request("a", 0.01))
    assert count(m, "a", "chat_completions", "200") == 2
    assert count(m, "b", "chat_completions", "200") == 1


# --- the endpoint records how each request ended -------------------------------------------------


class FakeGateway:
    def __init__(self, outcome: Any) -> None:
        self.outcome = outcome

    @property
    def aliases(self) -> list[str]:
        return ["gpt"]

    async def chat(self, ctx: RequestContext, request: ChatRequest) -> Answer:
        ctx.alias = request.model  # as the real Gateway does, for every front door
        if request.model != "gpt":
            raise AliasNotFound("no such alias", param="model")
        if isinstance(self.outcome, Exception):
            raise self.outcome
        result = self.outcome()
        if isinstance(result, StreamResponse):
            result = AnswerStream(ctx, "gpt/openai/x", result, None)
        return Answer(result, "gpt/openai/x", 1, "gpt")


async def _chunks(fail: bool) -> AsyncIterator[bytes]:
    yield b'data: {"choices":[]}\n\n'
    if fail:
        raise ProviderUnavailable("cut", deployment="gpt/openai/x")
    yield b"data: [DONE]\n\n"


async def call(m: Metrics, outcome: Any, model: str = "gpt") -> int:
    ctx = ApiContext(
        gateway=FakeGateway(outcome),  # type: ignore[arg-type]
        auth=MasterKeyAuthenticator(None),
        max_body_bytes=1 << 20,
        started=0,
        metrics=RequestMetrics(m, ["gpt"]),
    )
    body = orjson.dumps({"model": model, "messages": [{"role": "user", "content": "hi"}]})
    sent: list[dict[str, Any]] = []
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await asyncio.sleep(3600)
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "headers": [(b"content-type", b"application/json")]}
    await ChatCompletionsEndpoint(ctx)(scope, receive, send)
    return int(sent[0]["status"])


@pytest.mark.parametrize(
    ("outcome", "model", "status", "label", "alias"),
    [
        (lambda: Completion(b'{"id":"x"}'), "gpt", 200, "200", "gpt"),
        (ProviderUnavailable("down", deployment="gpt/openai/x", upstream_status=503), "gpt", 503, "503", "gpt"),
        (lambda: Completion(b"{}"), "unknown-model", 404, "404", NO_ALIAS),
        (lambda: StreamResponse(_chunks(fail=False)), "gpt", 200, "200", "gpt"),
        (lambda: StreamResponse(_chunks(fail=True)), "gpt", 200, "stream_error", "gpt"),
        (RuntimeError("bug"), "gpt", 500, "500", "gpt"),
    ],
    ids=["answer", "upstream-error", "unknown-alias", "stream", "stream-cut", "internal"],
)
async def test_each_ending_is_counted_once(
    outcome: Any, model: str, status: int, label: str, alias: str, caplog: pytest.LogCaptureFixture
) -> None:
    m = Metrics()
    assert await call(m, outcome, model) == status
    assert count(m, alias, "chat_completions", label) == 1
    samples = [s for f in m.registry.collect() if f.name == "freehold_requests" for s in f.samples]
    assert sum(s.value for s in samples if s.name == "freehold_requests_total") == 1
