"""The gateway file's schema: aliases mapped to deployments, plus optional process settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import Field, field_validator, model_validator

from freehold.cache.config import AliasCache, CacheSection
from freehold.config.common import BaseUrl, DeploymentBase, StrictModel
from freehold.config.privacy import PrivacySection
from freehold.config.routing import RetryPolicy, RoutingDefaults, Strategy
from freehold.config.rules import RouterSpec, RouteRule, routing_edges
from freehold.pipeline import load_stage
from freehold.providers.registry import PROVIDERS

__all__ = ["Alias", "Deployment", "GatewayConfig", "ServerSection", "StageSpec"]

if TYPE_CHECKING:
    Deployment = DeploymentBase
else:
    # The discriminated union of every registered provider's deployment model.
    Deployment = Annotated[Union[tuple(t.config for t in PROVIDERS.values())], Field(discriminator="provider")]  # noqa: UP007

_NAME = r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$"


class Alias(StrictModel):
    """A stable model name for applications, served by one or more deployments (or routed: ``router``)."""

    description: str | None = None
    deployments: tuple[Deployment, ...] = ()
    drop_unsupported_params: bool = False
    """Leave out request parameters a deployment cannot honor instead of answering 400."""
    strategy: Strategy | None = None
    """How deployments are ordered per request; defaults to ``routing.strategy``."""
    deadline: float | None = Field(None, gt=0)
    """Seconds a request may take, retries and fallbacks included; defaults to ``routing.deadline``."""
    retries: RetryPolicy | None = None
    fallbacks: tuple[str, ...] = ()
    """Aliases tried in order once every deployment of this one has failed in a way that allows it."""
    context_window_fallback: str | None = None
    """Alias (with a larger context window) that takes requests too long for this one."""
    content_filter_fallback: str | None = None
    """Alias that takes requests this one's vendor refused on content grounds."""
    routes: tuple[RouteRule, ...] = ()
    """Rules tried in order before dispatch; the first whose ``when`` holds sends the request ``to`` another alias."""
    router: RouterSpec | None = None
    """The difficulty router: this alias has no deployments; each request goes to ``strong`` or ``weak``."""

    @model_validator(mode="after")
    def _served(self) -> Alias:
        if self.router is None:
            if not self.deployments:
                raise ValueError(".deployments: must not be empty; add at least one entry (or give the alias a router)")
            return self
        if self.deployments:
            raise ValueError("an alias with 'router' has no deployments of its own; remove 'deployments'")
        if self.fallbacks or self.context_window_fallback or self.content_filter_fallback:
            raise ValueError(
                "an alias with 'router' has no deployments to fall back from; set fallbacks on its targets"
            )
        return self
    cache: AliasCache | None = None
    """Serve repeated (or, with ``semantic``, similar) requests from a cache; off by default."""


class StageSpec(StrictModel):
    """One stage of the request pipeline (``freehold.pipeline``), in the order it runs."""

    use: str = Field(min_length=1)
    """The stage class, as ``package.module:Class`` (a subclass of ``freehold.pipeline.Stage``)."""
    aliases: tuple[str, ...] | None = None
    """The aliases it applies to; every alias when left out."""
    options: dict[str, Any] = Field(default_factory=dict)
    """Keyword arguments for the class."""

    @model_validator(mode="after")
    def _loads(self) -> StageSpec:
        load_stage(self.use, self.options)  # imported and built now, so a mistake fails at load
        return self


class AlertsSection(StrictModel):
    """Budget alerts: to the log always, and to ``webhook`` when set."""

    thresholds: tuple[int, ...] = (50, 80, 100)
    """Percent of a budget at which to alert, once per threshold per period."""
    webhook: BaseUrl | None = None
    """URL that receives a JSON POST per alert (e.g. a Slack or PagerDuty relay)."""

    @field_validator("thresholds")
    @classmethod
    def _percent(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 1 <= t <= 1000 for t in value):
            raise ValueError("thresholds are percentages of a budget, from 1 to 1000")
        return tuple(sorted(set(value)))


class GovernanceSection(StrictModel):
    """Keys, budgets and limits: what the gateway file says about them (keys themselves live in the database)."""

    alerts: AlertsSection = AlertsSection()


class ServerSection(StrictModel):
    """Process settings that may live in the file; flags and ``FREEHOLD_*`` variables override them."""

    host: str | None = None
    port: int | None = Field(None, ge=1, le=65535)
    workers: int | None = Field(None, ge=1, le=64)
    max_body_bytes: int | None = Field(None, ge=1024)
    max_upstream_body_bytes: int | None = Field(None, ge=1024)
    log_level: Literal["debug", "info", "warning", "error"] | None = None
    access_log: bool | None = None
    redis_url: str | None = Field(None, pattern=r"^(redis|rediss|unix)://")
    redis_prefix: str | None = None
    database_url: str | None = Field(None, pattern=r"^(sqlite|postgresql|postgres)(\+\w+)?://")
    ledger: bool | None = None
    ledger_silence: float | None = Field(None, ge=5, le=86400)
    state_dir: str | None = None
    responses_store_bytes: int | None = Field(None, ge=1024)
    metrics: bool | None = None
    metrics_auth: bool | None = None
    keep_alive_timeout: float | None = Field(None, ge=0.1, le=3600)
    header_timeout: float | None = Field(None, ge=0.1, le=3600)
    max_header_bytes: int | None = Field(None, ge=1024, le=16 * 1024 * 1024)
    max_connections: int | None = Field(None, ge=1, le=1_000_000)
    drain_seconds: float | None = Field(None, ge=0, le=3600)
    audit_key_file: str | None = None


class GatewayConfig(StrictModel):
    """The whole gateway file."""

    server: ServerSection = ServerSection()
    routing: RoutingDefaults = RoutingDefaults()
    governance: GovernanceSection = GovernanceSection()
    privacy: PrivacySection = PrivacySection()
    cache: CacheSection = CacheSection()
    """Where cached answers live (aliases turn caching on: ``aliases.<name>.cache``)."""
    stages: tuple[StageSpec, ...] = ()
    """The request pipeline's stages, in order (none by default)."""
    aliases: dict[Annotated[str, Field(pattern=_NAME, max_length=200)], Alias] = Field(min_length=1)

    @model_validator(mode="after")
    def _fallbacks_exist(self) -> GatewayConfig:
        def check(where: str, target: str | None, origin: str | None) -> None:
            if target is None:
                return
            if target not in self.aliases:
                raise ValueError(f"{where}: '{target}' is not an alias; use one of: {', '.join(self.aliases)}")
            if target == origin:
                raise ValueError(f"{where}: an alias cannot fall back to itself")

        for i, target in enumerate(self.routing.fallbacks):
            check(f"routing.fallbacks[{i}]", target, None)
        for i, stage in enumerate(self.stages):
            for j, alias in enumerate(stage.aliases or ()):
                if alias not in self.aliases:
                    known = ", ".join(self.aliases)
                    raise ValueError(f"stages[{i}].aliases[{j}]: '{alias}' is not an alias; use one of: {known}")
        for alias, spec in self.aliases.items():
            for i, target in enumerate(spec.fallbacks):
                check(f"aliases.{alias}.fallbacks[{i}]", target, alias)
            check(f"aliases.{alias}.context_window_fallback", spec.context_window_fallback, alias)
            check(f"aliases.{alias}.content_filter_fallback", spec.content_filter_fallback, alias)
        return self

    @model_validator(mode="after")
    def _routes_valid(self) -> GatewayConfig:
        """Routing targets exist and serve requests, and no chain of routes comes back to where it started."""
        routers = {a for a, spec in self.aliases.items() if spec.router is not None}
        for alias, spec in self.aliases.items():
            for i, target in enumerate(spec.fallbacks):
                if target in routers:
                    raise ValueError(
                        f"aliases.{alias}.fallbacks[{i}]: '{target}' is a router alias (no deployments of its own); "
                        "fall back to an alias with deployments"
                    )
            for where, target in routing_edges(spec.routes, spec.router):
                if target not in self.aliases:
                    known = ", ".join(self.aliases)
                    raise ValueError(f"aliases.{alias}.{where}: '{target}' is not an alias; use one of: {known}")
                if target == alias:
                    raise ValueError(f"aliases.{alias}.{where}: an alias cannot route to itself")
        for i, target in enumerate(self.routing.fallbacks):
            if target in routers:
                raise ValueError(
                    f"routing.fallbacks[{i}]: '{target}' is a router alias; fall back to one with deployments"
                )
        cycle = self._routing_cycle()
        if cycle:
            raise ValueError(f"aliases.{cycle[0]}: routes go round in a cycle ({' → '.join(cycle)}); break it")
        return self

    def _routing_cycle(self) -> list[str]:
        """A cycle among the aliases' routing targets, as a path that ends where it started ([] when none)."""
        edges = {a: [t for _, t in routing_edges(s.routes, s.router)] for a, s in self.aliases.items()}
        state: dict[str, int] = {}  # 1: on the current path, 2: done

        def visit(alias: str, path: list[str]) -> list[str]:
            state[alias] = 1
            for target in edges.get(alias, ()):
                if state.get(target) == 1:
                    return [*path[path.index(target) :], target]
                if target not in state:
                    found = visit(target, [*path, target])
                    if found:
                        return found
            state[alias] = 2
            return []

        for alias in edges:
            if alias not in state:
                found = visit(alias, [alias])
                if found:
                    return found
        return []

    def routed_aliases(self) -> list[str]:
        """The aliases with routing rules or a router (the only ones the routing stage runs for)."""
        return [a for a, spec in self.aliases.items() if spec.routes or spec.router is not None]

    @model_validator(mode="after")
    def _unique_names(self) -> GatewayConfig:
        seen: dict[str, str] = {}
        for alias, spec in self.aliases.items():
            for i, dep in enumerate(spec.deployments):
                name = deployment_name(alias, dep)
                where = f"aliases.{alias}.deployments[{i}]"
                if name in seen and seen[name] != where:
                    raise ValueError(
                        f"{where}.name: '{name}' is already used by {seen[name]}; give each deployment a unique name"
                    )
                seen[name] = where
        return self

    @model_validator(mode="after")
    def _privacy_reachable(self) -> GatewayConfig:
        """A policy that may keep an alias's requests home needs a local deployment to send them to."""
        errors, _ = self.privacy.policies.local_only_problems(self.local_aliases())
        if errors:
            raise ValueError("; ".join(errors))
        return self

    def local_aliases(self) -> dict[str, bool]:
        """Alias → whether a deployment marked ``local: true`` can serve it.

        Its own, a fallback alias's, or one of an alias its rules or router may send it to: routing
        runs after the privacy stage, and the stage's restriction still holds wherever it goes.
        """
        own = {alias: any(dep.local for dep in spec.deployments) for alias, spec in self.aliases.items()}
        for _ in self.aliases:  # to a fixed point: a target may route again (routes have no cycles)
            for alias, spec in self.aliases.items():
                targets = [target for _, target in routing_edges(spec.routes, spec.router)]
                if spec.router is not None:  # a router alias is served by its targets alone
                    own[alias] = any(own.get(t, False) for t in targets)
                elif targets:
                    own[alias] = own[alias] or any(own.get(t, False) for t in targets)
        out = {}
        for alias, spec in self.aliases.items():
            chain = [alias, *spec.fallbacks, *self.routing.fallbacks]
            out[alias] = any(own.get(a, False) for a in chain)
        return out

    def deployment_names(self) -> dict[str, list[str]]:
        """Alias → names of its deployments, in file order."""
        return {a: [deployment_name(a, d) for d in s.deployments] for a, s in self.aliases.items()}


def deployment_name(alias: str, dep: DeploymentBase) -> str:
    """The name shown in ``x-freehold-deployment``: explicit, else ``alias/provider/model``."""
    return dep.name or f"{alias}/{dep.provider}/{dep.model}"
