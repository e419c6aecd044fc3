"""The request path, free of HTTP: stages → the resilience engine → provider calls → stages.

Every operation of every door comes through here with its ``RequestContext``: chat (the OpenAI,
Responses and Anthropic doors), embeddings, token counting and the models list. For each, the
alias's stages (``pipeline.py``) run before dispatch and on the answer; a stream comes back as
an ``AnswerStream``, the one consumer of the upstream's bytes, which meters usage and runs the
stream stages. An alias without stages pays nothing for them. An alias whose stages account
for requests (``done``: budgets, the ledger) is metered: its streams ask the upstream for their
usage, so that they cost exactly what the same answer unstreamed costs.
"""

from __future__ import annotations

import logging
from typing import Any

from freehold.context import RequestContext
from freehold.errors import (
    AllCandidatesFailed,
    CircuitOpen,
    DeadlineExceeded,
    FreeholdError,
    InvalidRequest,
    ProviderError,
    ProviderRejected,
    RateLimited,
)
from freehold.pipeline import Pipeline, Stages
from freehold.providers.base import ChatProvider, Completion, EmbeddingsProvider, StreamResponse, TokenCounter
from freehold.routing.resilience import Answer, Engine
from freehold.routing.router import Router
from freehold.schemas.chat import ChatRequest, EmbeddingsRequest
from freehold.streaming import AnswerStream
from freehold.usage import StreamMeter, UsageBook, estimate_prompt_tokens, whole_usage

__all__ = ["Answer", "Gateway", "ask_stream_usage", "estimate_tokens", "explain_restriction"]

log = logging.getLogger("freehold.gateway")


def estimate_tokens(request: ChatRequest) -> int:
    """A cheap estimate of a request's token cost for TPM quotas: the prompt, plus the output it may ask for."""
    body = request.body
    limit = body.get("max_completion_tokens") or body.get("max_tokens") or 0
    return estimate_prompt_tokens(body) + (limit if isinstance(limit, int) else 0)


def ask_stream_usage(body: dict[str, Any]) -> bool:
    """Have a metered stream's upstream report its usage; True when the client had not asked for it.

    A streamed answer must cost what the same answer unstreamed costs, and only the upstream's
    report says that: without it the meter estimates, and an estimate is recorded as an unknown
    cost. OpenAI-compatible upstreams read ``stream_options.include_usage``; the translating
    adapters read it too, to send the usage their vendor's stream always carries (Anthropic's
    ``message_start``/``message_delta``, Gemini's ``usageMetadata``, Bedrock's ``metadata``).
    The client's other stream options are kept. When this returns True, ``AnswerStream`` takes
    the usage back out of the client's stream (``usage_strip.py``).
    """
    options = body.get("stream_options")
    if isinstance(options, dict):
        if options.get("include_usage") is True:
            return False
        body["stream_options"] = {**options, "include_usage": True}
    else:
        body["stream_options"] = {"include_usage": True}
    return True


def explain_restriction(ctx: RequestContext, exc: FreeholdError) -> None:
    """Put the reason a stage restricted the deployments in front of the error that left none to answer.

    A request a privacy policy keeps on local deployments must not read as a plain outage when
    those are down. An upstream's refusal of the request itself (``ProviderRejected``) is the
    client's to fix, and says so unchanged.
    """
    if ctx.restricted_by and not isinstance(exc, ProviderRejected):
        exc.message = f"{ctx.restricted_by[:1].upper()}{ctx.restricted_by[1:]}. {exc.message}"
        exc.args = (exc.message,)


def _embeds(provider: ChatProvider) -> bool:
    return provider.capabilities.embeddings


def _counts(provider: ChatProvider) -> bool:
    return isinstance(provider, TokenCounter)


class Gateway:
    """Serves canonical requests over the configured deployments, through the configured stages."""

    def __init__(
        self,
        router: Router,
        engine: Engine,
        *,
        pipeline: Pipeline | None = None,
        quotas: bool = False,
        usage: UsageBook | None = None,
    ) -> None:
        self._router = router
        self._engine = engine
        self._pipeline = pipeline or Pipeline([], router.aliases)
        self._quotas = quotas
        self._book = usage
        # Aliases with a deployment that embeds: the others get a 400 that says so, before any work.
        self._embeds = {a: any(_embeds(c.provider) for c in router.candidates(a)) for a in router.aliases}

    @property
    def aliases(self) -> list[str]:
        return self._router.aliases

    async def _before(self, ctx: RequestContext, request: ChatRequest | EmbeddingsRequest) -> Stages:
        ctx.alias = request.model
        stages = self._pipeline.stages(request.model)
        for stage in stages.before:
            await stage.before(ctx, request)
        return stages

    async def chat(self, ctx: RequestContext, request: ChatRequest) -> Answer:
        """A whole completion (``request.stream`` false) or an ``AnswerStream`` (true)."""
        # ``_before`` inlined: this is every chat request's path, and most aliases have no stage.
        ctx.alias = request.model
        stages = self._pipeline.stages(request.model)
        for stage in stages.before:
            await stage.before(ctx, request)
        if ctx.served is not None:
            return await self._served(ctx, request, stages)
        alias = request.model
        request.drop_unsupported = self._router.policy(alias).drop_unsupported_params
        tokens = estimate_tokens(request) if self._quotas else 0
        if request.stream:
            strip = any(stage.meters(ctx) for stage in stages.done) and ask_stream_usage(request.body)
            try:
                answer = await self._engine.run(ctx, alias, lambda p: p.chat_stream(ctx, request), tokens=tokens)
            except FreeholdError as exc:
                explain_restriction(ctx, exc)
                raise
            ctx.deployment, ctx.attempts = answer.deployment, answer.attempts
            result = answer.result
            assert isinstance(result, StreamResponse)
            meter = self._meter(ctx, answer.deployment, request.body, bool(stages.done))
            streaming = stages.stream
            if streaming:
                streaming = tuple(stage for stage in streaming if stage.streams(ctx))
            answer.result = AnswerStream(ctx, answer.deployment, result, meter, streaming, strip)
            return answer
        try:
            answer = await self._engine.run(ctx, alias, lambda p: p.chat(ctx, request), tokens=tokens)
        except FreeholdError as exc:
            explain_restriction(ctx, exc)
            raise
        ctx.deployment, ctx.attempts = answer.deployment, answer.attempts
        self._account(ctx, answer, request.body, bool(stages.done))
        for stage in stages.after:
            await stage.after(ctx, answer)
        return answer

    async def _served(self, ctx: RequestContext, request: ChatRequest | EmbeddingsRequest, stages: Stages) -> Answer:
        """The answer a stage served (a cache hit): no provider, the same stages after it as a provider's.

        A stream is replayed from the whole answer through an ``AnswerStream``, so every door
        renders it in its own format. Its usage (``ctx.usage``: what it would have cost) is not
        added to the usage book: no deployment generated it.
        """
        served = ctx.served
        assert served is not None
        ctx.deployment, ctx.attempts = served.deployment, 0
        metered = bool(stages.done)
        if isinstance(request, ChatRequest) and request.stream:
            from freehold.cache.replay import replay  # only aliases whose stages serve answers get here

            strip = any(stage.meters(ctx) for stage in stages.done) and ask_stream_usage(request.body)
            options = request.body.get("stream_options")
            with_usage = isinstance(options, dict) and options.get("include_usage") is True
            meter = StreamMeter(None, ctx.alias, served.deployment, request.body, ctx) if metered else None
            streaming = tuple(stage for stage in stages.stream if stage.streams(ctx))
            response = StreamResponse(replay(served.body, with_usage))
            return Answer(AnswerStream(ctx, served.deployment, response, meter, streaming, strip), served.deployment, 0)
        answer = Answer(Completion(served.body), served.deployment, 0)
        if metered:
            body = request.body if isinstance(request, ChatRequest) else {}
            ctx.usage = whole_usage(ctx.alias, served.deployment, None, served.body, body)
        for stage in stages.after:
            await stage.after(ctx, answer)
        return answer

    def _meter(self, ctx: RequestContext, deployment: str, request: dict[str, Any], now: bool) -> StreamMeter | None:
        """A stream's meter; with ``now``, its usage is worked out as it ends, onto ``ctx.usage``."""
        if self._book is not None:
            return self._book.stream(ctx.alias, deployment, request, ctx if now else None)
        if now:
            return StreamMeter(None, ctx.alias, deployment, request, ctx)
        return None

    def _account(self, ctx: RequestContext, answer: Answer, request: dict[str, Any], now: bool) -> None:
        """Hand a whole answer to the usage book (the upstream's numbers, else estimates).

        With ``now`` (stages read usage as the request ends) the record is worked out at once,
        onto ``ctx.usage``, instead of later in the book's batch.
        """
        result = answer.result
        assert isinstance(result, Completion)
        if now:
            ctx.usage = whole_usage(ctx.alias, answer.deployment, result.usage, result.body, request)
            if self._book is not None:
                self._book.add_record(ctx.usage)
        elif self._book is not None:
            self._book.whole(ctx.alias, answer.deployment, result.usage, result.body, request)

    def done(self, ctx: RequestContext, status: int | str) -> None:
        """The request has ended: the alias's ``done`` stages account for it."""
        for stage in self._pipeline.stages(ctx.alias).done:
            stage.done(ctx, status)

    async def embeddings(self, ctx: RequestContext, request: EmbeddingsRequest) -> Answer:
        stages = await self._before(ctx, request)
        if ctx.served is not None:
            return await self._served(ctx, request, stages)

        async def call(p: ChatProvider) -> Completion:
            assert isinstance(p, EmbeddingsProvider)  # declared by capabilities.embeddings
            return await p.embed(ctx, request)

        if self._embeds.get(request.model) is False:
            raise InvalidRequest(
                f"The model '{request.model}' has no deployment that serves embeddings.", param="model"
            )
        try:
            answer = await self._engine.run(ctx, request.model, call, usable=_embeds)
        except FreeholdError as exc:
            explain_restriction(ctx, exc)
            raise
        ctx.deployment, ctx.attempts = answer.deployment, answer.attempts
        # Embeddings answers report their usage; one without it is recorded as an estimate of 0.
        self._account(ctx, answer, {}, bool(stages.done))
        for stage in stages.after:
            await stage.after(ctx, answer)
        return answer

    async def count_tokens(self, ctx: RequestContext, request: ChatRequest) -> int | None:
        """The exact prompt size from a deployment whose vendor counts, through the engine.

        None when no deployment of the alias counts, or every one failed (the door estimates
        then); a rejection of the request itself is raised, since the client must fix it.
        """
        await self._before(ctx, request)
        if not any(_counts(c.provider) for c in self._router.candidates(request.model)):
            return None

        async def call(p: ChatProvider) -> Completion:
            assert isinstance(p, TokenCounter)
            count = await p.count_tokens(ctx, request)
            return Completion(b"", usage={"prompt_tokens": count, "completion_tokens": 0})

        try:
            answer = await self._engine.run(ctx, request.model, call, usable=_counts)
        except ProviderRejected:
            raise
        except (ProviderError, AllCandidatesFailed, DeadlineExceeded, CircuitOpen, RateLimited) as exc:
            log.warning("request %s: token count failed, the door will estimate: %s", ctx.request_id, exc.message)
            return None
        result = answer.result
        assert isinstance(result, Completion) and result.usage is not None
        count: int = result.usage["prompt_tokens"]
        return count

    async def models(self, ctx: RequestContext) -> list[str]:
        """The aliases this principal may see."""
        return await self._pipeline.models(ctx, list(self._router.aliases))
