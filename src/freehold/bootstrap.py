"""The only place that turns config into objects and wires them together."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from freehold.api.admin_routes import AdminApi
from freehold.api.app_context import ApiContext
from freehold.api.auth import VirtualKeyAuthenticator
from freehold.api.usage_routes import UsageReport
from freehold.cache.build import cache_stage
from freehold.cache.stage import CacheStage
from freehold.config.model import GatewayConfig, deployment_name
from freehold.errors import ConfigError
from freehold.gateway import Gateway
from freehold.governance.access import KeyAccess
from freehold.governance.admin import KeyAdmin
from freehold.governance.alerts import Alerts
from freehold.governance.budgets import Budgets
from freehold.governance.keys import KeyCache
from freehold.governance.ledger import LedgerStage, LedgerWriter
from freehold.governance.limits import RateLimits
from freehold.governance.pricing import PriceBook
from freehold.governance.spend import spend_reader
from freehold.observability.metrics import Metrics
from freehold.observability.observer import MetricsObserver
from freehold.observability.requests import NullRequestMetrics, RequestMetrics
from freehold.observability.usage import UsageMetrics
from freehold.pipeline import Pipeline, Stage, load_stage
from freehold.privacy.audit import AuditStage, AuditWriter, policy_digest
from freehold.privacy.audit_key import load_audit_key
from freehold.privacy.detectors import build_detector
from freehold.privacy.stage import PrivacyStage
from freehold.providers.base import ChatProvider, Lifecycle
from freehold.providers.registry import build_provider
from freehold.routing.resilience import Engine
from freehold.routing.router import AliasPolicy, Candidate, Router
from freehold.routing.rules import RoutingStage, build_plans
from freehold.routing.signals import BudgetShares
from freehold.settings import Settings
from freehold.stores.audit import ChainKeyMismatch
from freehold.stores.audit_sql import SqlAuditStore
from freehold.stores.breakers import Breakers, MemoryBreakers
from freehold.stores.breakers_redis import RedisBreakers
from freehold.stores.counters import Counters, MemoryCounters, RedisCounters
from freehold.stores.database import create_engine, ensure_schema
from freehold.stores.feedback import FeedbackStore
from freehold.stores.feedback_sql import SqlFeedback
from freehold.stores.keys_sql import SqlKeyStore
from freehold.stores.ledger_sql import SqlLedger
from freehold.stores.quota import QuotaTracker
from freehold.stores.responses import MemoryResponseStore, ResponseStore
from freehold.transport.http import HttpClient
from freehold.usage import UsageBook

__all__ = ["Runtime", "build", "privacy_stage"]

log = logging.getLogger("freehold.bootstrap")


@dataclass(slots=True)
class Runtime:
    """Everything one worker process runs, with its start-up and shutdown."""

    http: HttpClient
    gateway: Gateway
    providers: list[ChatProvider]
    api: ApiContext
    responses: ResponseStore
    """Stored Responses API answers (per process until a persistent store lands)."""
    breakers: Breakers
    """Circuit state: in-process, or shared through Redis when ``redis_url`` is set."""
    metrics: Metrics | None
    """Every Prometheus metric, on this runtime's own registry; None when ``metrics`` is off."""
    observer: MetricsObserver
    """The resilience engine's decisions as metrics and log lines."""
    usage: UsageBook | None = None
    """Answers' usage, recorded in batches; flushed at shutdown."""
    database: AsyncEngine | None = None
    """The SQL database (keys, teams, the ledger): SQLite by default, PostgreSQL for replicas.
    Its schema is checked before the server starts (``commands.db.prepare_database``)."""
    database_url: str = ""
    keys: KeyCache | None = None
    """Every virtual key and team, in memory; loaded at start, then kept in step with the database."""
    admin: AdminApi | None = None
    """The ``/admin/`` routes."""
    counters: Counters | None = None
    """Rate-limit and budget counters: in-process, or in Redis (shared by replicas) when ``redis_url`` is set."""
    budgets: Budgets | None = None
    alerts: Alerts | None = None
    ledger: LedgerWriter | None = None
    """The usage ledger's writer (``FREEHOLD_LEDGER``): started after the keys, closed before the database."""
    audit: AuditWriter | None = None
    """The audit log's writer (``privacy.audit.enabled``): started after the keys, closed after the requests."""
    audit_policy: str | None = None
    """The privacy section's digest: a ``policy.changed`` record is written when it differs from the last one."""
    feedback: FeedbackStore | None = None
    """Scores clients give answers (``POST /v1/feedback``), beside the ledger's rows."""
    cache: CacheStage | None = None
    """The answer cache's stage (aliases with ``cache:``); its store is closed at shutdown."""

    async def start(self) -> None:
        await self.http.start()
        if isinstance(self.breakers, RedisBreakers):
            await self.breakers.start()
        for provider in self.providers:
            if isinstance(provider, Lifecycle):
                await provider.start()
        if self.keys is not None:
            assert self.database is not None
            # An empty database gets its schema (``serve`` did it already; other launchers may not have).
            await ensure_schema(self.database, self.database_url)
            await self.keys.start()  # before serving: a key must never pass for want of its record
        if self.ledger is not None:
            await self.ledger.start()  # reconciles what a gateway killed earlier left pending
        if self.audit is not None:
            try:
                await self.audit.start(self.audit_policy)  # refuses a chain this key does not verify
            except ChainKeyMismatch as exc:
                raise ConfigError([f"audit log: {exc}"]) from None
        # Everything built so far lives as long as the process: move it out of the collector's
        # sight, so that the frequent young-generation collections the request path triggers do
        # not keep re-scanning config, catalogs and SDK modules (measured in bench/RESULTS.md).
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)

    async def close(self) -> None:
        if self.usage is not None:
            self.usage.flush()
        if self.budgets is not None:
            await self.budgets.drain()  # settlements of the last requests, before the counters go
        if self.alerts is not None:
            await self.alerts.close()
        if self.cache is not None:
            await self.cache.close()
        if self.counters is not None:
            await self.counters.close()
        for provider in self.providers:
            if isinstance(provider, Lifecycle):
                await provider.close()
        await self.http.close()
        if self.metrics is not None:
            self.metrics.close()
        if isinstance(self.breakers, RedisBreakers):
            await self.breakers.close()
        if self.ledger is not None:
            await self.ledger.close()  # the completions still queued, while the database is open
        if self.audit is not None:
            await self.audit.close()  # the response records still queued
        if self.keys is not None:
            await self.keys.close()
        if self.database is not None:
            await self.database.dispose()

    def readiness(self) -> dict[str, bool]:
        checks = {"upstream_client": self.http.ready, "aliases": bool(self.gateway.aliases)}
        if isinstance(self.breakers, RedisBreakers):
            checks["redis"] = self.breakers.healthy
        return checks


def build(config: GatewayConfig, settings: Settings) -> Runtime:
    """Construct the runtime for ``config``; nothing starts until ``Runtime.start``."""
    http = HttpClient(max_body_bytes=settings.max_upstream_body_bytes)
    providers: list[ChatProvider] = []
    aliases: dict[str, list[Candidate]] = {}
    for alias, spec in config.aliases.items():
        candidates = []
        for dep in spec.deployments:
            provider = build_provider(deployment_name(alias, dep), dep, http)
            providers.append(provider)
            candidates.append(Candidate(provider, dep.weight))
        aliases[alias] = candidates
    router = Router(aliases, policies=_policies(config))
    limits = {
        deployment_name(alias, dep): (dep.rpm, dep.tpm)
        for alias, spec in config.aliases.items()
        for dep in spec.deployments
    }
    quota = QuotaTracker(limits)
    metrics = Metrics() if settings.metrics else None
    if metrics is not None:
        metrics.declare_deployments(limits)
    observer = MetricsObserver(metrics)
    breakers: Breakers = (
        RedisBreakers.from_url(config.routing.breaker, settings.redis_url, settings.redis_prefix)
        if settings.redis_url
        else MemoryBreakers(config.routing.breaker, on_half_open=observer.breaker)
    )
    engine = Engine(router, config.routing, breakers, quota, observer)
    # The in-flight gauge reads the engine's counts at scrape time where it can (one process).
    engine.report_inflight = metrics is not None and not metrics.track_inflight(engine.inflight, limits)
    book = None
    if metrics is not None:
        book = UsageBook(UsageMetrics(metrics))
        metrics.before_scrape.append(book.flush)  # a scrape shows every answer that has ended
    database_url = settings.database()
    database = create_engine(database_url)
    keys = KeyCache(SqlKeyStore(database))
    auth = VirtualKeyAuthenticator(settings.master_key.encode() if settings.master_key else None, keys)
    counters: Counters = (
        RedisCounters.from_url(settings.redis_url, settings.redis_prefix) if settings.redis_url else MemoryCounters()
    )
    alerts_config = config.governance.alerts
    alerts = Alerts(database, alerts_config.thresholds, alerts_config.webhook)
    prices = PriceBook(config)
    budgets = Budgets(counters, prices, spend_reader(database), alerts)
    stages = [(load_stage(spec.use, spec.options), spec.aliases) for spec in config.stages]
    ledger = LedgerWriter(SqlLedger(database), silence=settings.ledger_silence) if settings.ledger else None
    # Order: allow-lists first and rate limits next (a refusal there costs nothing); the privacy
    # policies (when configured) next, so that every later stage sees the request as it will be
    # sent; the operator's stages (which may rewrite the request); budgets last before dispatch,
    # so that the reservation covers the request as it will be sent; the ledger's stage after
    # them: it journals only the requests every other stage let through, with the reservation
    # budgets made.
    privacy = privacy_stage(config)
    first: list[tuple[Stage, list[str] | None]] = [(KeyAccess(), None), (RateLimits(counters), None)]
    if privacy is not None:
        first.append((privacy, None))
    # Routing after privacy (rules read its findings) and before budgets (which then reserve at
    # the target's price); only the aliases with rules or a router run it.
    routed = config.routed_aliases()
    if routed:
        try:
            plans = build_plans(config)
        except ValueError as exc:
            raise ConfigError([str(exc)]) from None
        shares = BudgetShares(budgets.used_share)
        first.append((RoutingStage(plans, shares, max_waiting=config.routing.router_max_waiting), routed))
    # The audit log's stage comes after every stage that may rewrite the request (so it hashes
    # what will be sent) and before the ledger's.
    audit = _audit_writer(config, settings, database)
    last: list[tuple[Stage, None]] = []
    audited = config.privacy.audit.requests
    if audited is None:
        audited = config.privacy.policies.configured  # recorded per request where a privacy policy applies
    if audit is not None and audited:
        vendors = {deployment_name(a, d): d.provider for a, spec in config.aliases.items() for d in spec.deployments}
        last.append((AuditStage(audit, vendors, content=config.privacy.audit.content), None))
    if ledger is not None:
        last.append((LedgerStage(ledger, prices.cost), None))
    # The answer cache after them all (its key is the request as it will be sent) and before
    # budgets: a hit reserves and spends nothing.
    cache = cache_stage(config, settings.redis_url, settings.redis_prefix, metrics)
    cached: list[tuple[Stage, list[str]]] = [cache] if cache is not None else []
    pipeline = Pipeline([*first, *stages, *cached, (budgets, None), *last], config.aliases)
    gateway = Gateway(
        router, engine, pipeline=pipeline, quotas=any(rpm or tpm for rpm, tpm in limits.values()), usage=book
    )
    api = ApiContext(
        gateway=gateway,
        auth=auth,
        max_body_bytes=settings.max_body_bytes,
        max_upstream_body_bytes=settings.max_upstream_body_bytes,
        started=int(time.time()),
        metrics=RequestMetrics(metrics, config.aliases) if metrics is not None else NullRequestMetrics(),
        metrics_key=settings.metrics_key.encode() if settings.metrics_key else None,
    )
    return Runtime(
        http=http,
        gateway=gateway,
        providers=providers,
        api=api,
        responses=MemoryResponseStore(max_bytes=settings.responses_store_bytes),
        breakers=breakers,
        metrics=metrics,
        observer=observer,
        usage=book,
        database=database,
        database_url=database_url,
        keys=keys,
        admin=AdminApi(
            KeyAdmin(
                keys.store, spend_reader(database), aliases=list(config.aliases), changed=keys.refresh, audit=audit
            ),
            auth,
            UsageReport(SqlLedger(database)),
        ),
        counters=counters,
        budgets=budgets,
        alerts=alerts,
        ledger=ledger,
        audit=audit,
        audit_policy=policy_digest(config.privacy) if audit is not None else None,
        feedback=SqlFeedback(database) if ledger is not None else None,
        cache=cache[0] if cache is not None else None,
    )


def _audit_writer(config: GatewayConfig, settings: Settings, database: AsyncEngine) -> AuditWriter | None:
    """The audit log's writer, keyed by ``FREEHOLD_AUDIT_KEY`` or the key file; None when turned off."""
    if not config.privacy.audit.enabled:
        return None

    def secret() -> bytes:  # read (or made) as the runtime starts, not when it is built
        key = load_audit_key(settings)
        assert key is not None
        return key.secret

    return AuditWriter(SqlAuditStore(database), secret)


def check_buildable(config: GatewayConfig, settings: Settings) -> None:
    """Build, then drop, what ``serve`` builds from the file alone: the answer cache and the privacy detector.

    With the cache's embedder and the detector's NER model: ``freehold check`` calls it, so a
    missing extra or embedder fails there, naming its key, and not only when the gateway starts.

    Raises:
        ConfigError: one of them cannot be built.
    """
    cache = cache_stage(config, settings.redis_url, settings.redis_prefix, None)
    if cache is not None:
        asyncio.run(cache[0].close())  # a Redis client, if any, connects lazily: nothing was opened
    privacy_stage(config)


def privacy_stage(config: GatewayConfig) -> PrivacyStage | None:
    """The privacy policies' stage, or None when the file configures none (the path stays as it was)."""
    section = config.privacy
    if not section.policies.configured:
        return None
    has_local = config.local_aliases()
    _, warnings = section.policies.local_only_problems(has_local)
    for warning in warnings:
        log.warning("%s", warning)
    local = frozenset(
        deployment_name(alias, dep) for alias, spec in config.aliases.items() for dep in spec.deployments if dep.local
    )
    detector = build_detector(section.detection, ner=section.detection.ner)
    return PrivacyStage(section.policies, detector, local, has_local)


def _policies(config: GatewayConfig) -> dict[str, AliasPolicy]:
    """Each alias's keys over the ``routing:`` defaults; global fallbacks come after the alias's own."""
    defaults = config.routing
    out = {}
    for alias, spec in config.aliases.items():
        fallbacks = [*spec.fallbacks, *(f for f in defaults.fallbacks if f != alias and f not in spec.fallbacks)]
        out[alias] = AliasPolicy(
            drop_unsupported_params=spec.drop_unsupported_params,
            strategy=spec.strategy or defaults.strategy,
            deadline=spec.deadline or defaults.deadline,
            retries=spec.retries or defaults.retries,
            fallbacks=tuple(fallbacks),
            context_window_fallback=spec.context_window_fallback,
            content_filter_fallback=spec.content_filter_fallback,
        )
    return out
