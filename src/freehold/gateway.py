"""The request path, free of HTTP: alias → candidates → provider call, falling back in order.

This is the composition point the later stages (auth principal, privacy, admission, cache,
resilience, ledger) slot into, each as a small object injected by ``bootstrap``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from freehold.errors import AllCandidatesFailed, InvalidRequest, ProviderError, ProviderRejected
from freehold.providers.base import ChatProvider, Completion, EmbeddingsProvider, StreamResponse, TokenCounter
from freehold.routing.router import Router
from freehold.schemas.chat import ChatRequest, EmbeddingsRequest

__all__ = ["Answer", "Gateway"]

log = logging.getLogger("freehold.gateway")

T = TypeVar("T", Completion, StreamResponse)


@dataclass(slots=True)
class Answer:
    """What a provider returned, and which deployment after how many attempts."""

    result: Completion | StreamResponse
    deployment: str
    attempts: int


class Gateway:
    """Serves canonical requests over the configured deployments."""

    def __init__(self, router: Router) -> None:
        self._router = router

    @property
    def aliases(self) -> list[str]:
        return self._router.aliases

    async def chat(self, request: ChatRequest) -> Answer:
        """A whole completion (``request.stream`` false) or an open stream (true)."""
        candidates = self._router.candidates(request.model)
        request.drop_unsupported = self._router.policy(request.model).drop_unsupported_params
        if request.stream:
            return await self._first_success(request.model, candidates, lambda p: p.chat_stream(request))
        return await self._first_success(request.model, candidates, lambda p: p.chat(request))

    async def embeddings(self, request: EmbeddingsRequest) -> Answer:
        candidates = [p for p in self._router.candidates(request.model) if p.capabilities.embeddings]
        if not candidates:
            raise InvalidRequest(
                f"The model '{request.model}' has no deployment that serves embeddings.", param="model"
            )

        def call(p: ChatProvider) -> Awaitable[Completion]:
            assert isinstance(p, EmbeddingsProvider)  # declared by capabilities.embeddings
            return p.embed(request)

        return await self._first_success(request.model, candidates, call)

    async def count_tokens(self, request: ChatRequest) -> int | None:
        """The exact prompt size from the deployment a request would try first, if its vendor counts.

        None when that deployment cannot count or its count failed (the caller estimates then);
        a rejection of the request itself is raised, since the client must fix it.
        """
        first = self._router.candidates(request.model)[0]
        if not isinstance(first, TokenCounter):
            return None
        try:
            return await first.count_tokens(request)
        except ProviderRejected:
            raise
        except ProviderError as exc:
            log.warning("token count from %s failed, the caller will estimate: %s", first.name, exc.message)
            return None

    async def _first_success(
        self, alias: str, candidates: list[ChatProvider], call: Callable[[ChatProvider], Awaitable[T]]
    ) -> Answer:
        """Try candidates in order; move on only when the error says the next one may help."""
        if len(candidates) == 1:  # the common case, kept free of bookkeeping
            provider = candidates[0]
            return Answer(await call(provider), provider.name, 1)  # its error is logged where it is rendered
        errors: list[ProviderError] = []
        for provider in candidates:
            try:
                return Answer(await call(provider), provider.name, len(errors) + 1)
            except ProviderError as exc:
                errors.append(exc)
                if not exc.fallback_ok:
                    raise
                log.warning("deployment %s failed, trying the next one: %s", provider.name, exc.message)
        raise AllCandidatesFailed(alias, errors)
