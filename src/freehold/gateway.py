"""The request path, free of HTTP: alias → the resilience engine → provider calls.

This is the composition point the later stages (auth principal, privacy, admission, cache,
ledger) slot into, each as a small object injected by ``bootstrap``.
"""

from __future__ import annotations

import logging
from typing import Any

from freehold.errors import InvalidRequest, ProviderError, ProviderRejected
from freehold.observability.requests import note_alias
from freehold.providers.base import ChatProvider, Completion, EmbeddingsProvider, StreamResponse, TokenCounter
from freehold.routing.queue import request_priority
from freehold.routing.resilience import Answer, Engine
from freehold.routing.router import Router
from freehold.schemas.chat import ChatRequest, EmbeddingsRequest
from freehold.usage import UsageBook, estimate_prompt_tokens

__all__ = ["Answer", "Gateway", "estimate_tokens"]

log = logging.getLogger("freehold.gateway")


def estimate_tokens(request: ChatRequest) -> int:
    """A cheap estimate of a request's token cost for TPM quotas: the prompt, plus the output it may ask for."""
    body = request.body
    limit = body.get("max_completion_tokens") or body.get("max_tokens") or 0
    return estimate_prompt_tokens(body) + int(limit)


class Gateway:
    """Serves canonical requests over the configured deployments."""

    def __init__(self, router: Router, engine: Engine, *, quotas: bool = False, usage: UsageBook | None = None) -> None:
        self._router = router
        self._engine = engine
        self._quotas = quotas
        self._book = usage

    @property
    def aliases(self) -> list[str]:
        return self._router.aliases

    async def chat(self, request: ChatRequest) -> Answer:
        """A whole completion (``request.stream`` false) or an open stream (true)."""
        note_alias(request.model)
        request.drop_unsupported = self._router.policy(request.model).drop_unsupported_params
        tokens = estimate_tokens(request) if self._quotas else 0
        if request.stream:
            answer = await self._engine.run(
                request.model, lambda p: p.chat_stream(request), tokens=tokens, priority=request_priority.get()
            )
            assert isinstance(answer.result, StreamResponse)
            if self._book is not None:
                answer.result.meter = self._book.stream(request.model, answer.deployment, request.body)
            return answer
        answer = await self._engine.run(
            request.model, lambda p: p.chat(request), tokens=tokens, priority=request_priority.get()
        )
        self._account(request.model, answer, request.body)
        return answer

    def _account(self, alias: str, answer: Answer, request: dict[str, Any]) -> None:
        """Hand a whole answer to the usage book (the upstream's numbers, else estimates)."""
        if self._book is not None:
            result = answer.result
            assert isinstance(result, Completion)
            self._book.whole(alias, answer.deployment, result.usage, result.body, request)

    async def embeddings(self, request: EmbeddingsRequest) -> Answer:
        note_alias(request.model)

        async def call(p: ChatProvider) -> Completion:
            assert isinstance(p, EmbeddingsProvider)  # declared by capabilities.embeddings
            return await p.embed(request)

        if not any(c.provider.capabilities.embeddings for c in self._router.candidates(request.model)):
            raise InvalidRequest(
                f"The model '{request.model}' has no deployment that serves embeddings.", param="model"
            )
        answer = await self._engine.run(
            request.model, call, priority=request_priority.get(), usable=lambda p: p.capabilities.embeddings
        )
        # Embeddings answers report their usage; one without it is recorded as an estimate of 0.
        self._account(request.model, answer, {})
        return answer

    async def count_tokens(self, request: ChatRequest) -> int | None:
        """The exact prompt size from the alias's first deployment, if its vendor counts.

        None when that deployment cannot count or its count failed (the caller estimates then);
        a rejection of the request itself is raised, since the client must fix it.
        """
        first = self._router.candidates(request.model)[0].provider
        if not isinstance(first, TokenCounter):
            return None
        try:
            return await first.count_tokens(request)
        except ProviderRejected:
            raise
        except ProviderError as exc:
            log.warning("token count from %s failed, the caller will estimate: %s", first.name, exc.message)
            return None
