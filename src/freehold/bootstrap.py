"""The only place that turns config into objects and wires them together."""

from __future__ import annotations

import time
from dataclasses import dataclass

from freehold.api.openai_routes import ApiContext
from freehold.config.model import GatewayConfig, deployment_name
from freehold.gateway import Gateway
from freehold.providers.base import ChatProvider, Lifecycle
from freehold.providers.registry import build_provider
from freehold.routing.router import AliasPolicy, Candidate, Router
from freehold.settings import Settings
from freehold.stores.responses import MemoryResponseStore, ResponseStore
from freehold.transport.http import HttpClient

__all__ = ["Runtime", "build"]


@dataclass(slots=True)
class Runtime:
    """Everything one worker process runs, with its start-up and shutdown."""

    http: HttpClient
    gateway: Gateway
    providers: list[ChatProvider]
    api: ApiContext
    responses: ResponseStore
    """Stored Responses API answers (per process until a persistent store lands)."""

    async def start(self) -> None:
        await self.http.start()
        for provider in self.providers:
            if isinstance(provider, Lifecycle):
                await provider.start()

    async def close(self) -> None:
        for provider in self.providers:
            if isinstance(provider, Lifecycle):
                await provider.close()
        await self.http.close()

    def readiness(self) -> dict[str, bool]:
        return {"upstream_client": self.http.ready, "aliases": bool(self.gateway.aliases)}


def build(config: GatewayConfig, settings: Settings) -> Runtime:
    """Construct the runtime for ``config``; nothing starts until ``Runtime.start``."""
    http = HttpClient()
    providers: list[ChatProvider] = []
    aliases: dict[str, list[Candidate]] = {}
    for alias, spec in config.aliases.items():
        candidates = []
        for dep in spec.deployments:
            provider = build_provider(deployment_name(alias, dep), dep, http)
            providers.append(provider)
            candidates.append(Candidate(provider, dep.weight))
        aliases[alias] = candidates
    policies = {a: AliasPolicy(drop_unsupported_params=s.drop_unsupported_params) for a, s in config.aliases.items()}
    gateway = Gateway(Router(aliases, policies=policies))
    api = ApiContext(
        gateway=gateway,
        master_key=settings.master_key.encode() if settings.master_key else None,
        max_body_bytes=settings.max_body_bytes,
        started=int(time.time()),
    )
    return Runtime(http=http, gateway=gateway, providers=providers, api=api, responses=MemoryResponseStore())
