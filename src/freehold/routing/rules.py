"""``RoutingStage``: an alias's rules and its difficulty router, as a pipeline stage.

Routing rewrites ``request.model`` to another alias in ``before`` (pipeline.py), so the target's
deployments, fallbacks, retries and breakers serve the request, and budgets (which run later)
reserve at the target's price. Rules are tried in order; the first whose conditions all hold
wins; none matching leaves the request on the alias's own deployments. A router alias scores
the prompt (``Scorer``, off the event loop) and sends it to ``strong`` above the threshold, else
to ``weak``. A target may route again (rules or router), up to the depth the config allows
(cycles are refused at load).

Every hop is recorded: ``ctx.decide("routing", ...)``, one ``x-freehold-route`` response header
(``<target>; from=<alias>; rule=<n>; reason="..."`` or ``...; router=strong; score=0.71;
threshold=0.42``; ``rule=none`` when nothing matched) and one INFO log line with the request id.
Bootstrap builds the stage only for aliases with ``routes`` or ``router``: others pay nothing.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import math
import re
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from freehold.config.rules import RouteRule, When, describe_when, is_import
from freehold.context import RequestContext
from freehold.pipeline import Stage
from freehold.routing.signals import BudgetShares, Facts, prompt_text

if TYPE_CHECKING:
    from freehold.config.model import GatewayConfig

__all__ = ["Plan", "Router", "RoutingStage", "Rule", "Scorer", "build_plans", "compile_rule", "load_scorer"]

log = logging.getLogger("freehold.routing")

_UNSAFE = re.compile(r'[^\x20-\x7e]|"')


@runtime_checkable
class Scorer(Protocol):
    """A difficulty classifier: ``score`` in [0, 1], higher = more likely to need the strong model."""

    threshold: float

    def score(self, prompt: str) -> float: ...


def load_scorer(model: str) -> Scorer:
    """The scorer a ``router.model`` names: ``default``, a trained router's path, or ``package.module:factory``.

    Raises:
        ValueError: with what to fix (bootstrap adds the key's path).
    """
    if is_import(model):
        module_name, _, attr = model.partition(":")
        try:
            factory = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            raise ValueError(f"cannot load {model!r}: {exc}") from None
        made = isinstance(factory, type) or (callable(factory) and not isinstance(factory, Scorer))
        try:
            scorer = factory() if made else factory
        except Exception as exc:
            raise ValueError(f"{model!r} failed to build a scorer: {exc!r}") from None
    else:
        try:  # the optional router extra, imported only when an alias has a router
            load_router = importlib.import_module("freehold.routing.difficulty").load_router
        except ImportError as exc:
            raise ValueError(
                f"the difficulty router is not installed ({exc}); install it with: pip install 'freehold[router]'"
            ) from None
        try:
            scorer = load_router(model)
            # Score once now: the model's weights and numpy load lazily, and a router that cannot
            # run must fail at start-up, not send every request to its fallback side.
            scorer.score("warm-up")
        except ImportError as exc:
            raise ValueError(f"cannot run router {model!r}: {exc}") from None
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot load router {model!r}: {exc}") from None
    if not isinstance(scorer, Scorer):
        raise ValueError(f"{model!r} did not give a scorer (an object with 'score(prompt)' and 'threshold')")
    return scorer


Check = Callable[[Facts], bool]


@dataclass(frozen=True, slots=True)
class Rule:
    number: int
    """1-based, as ``freehold check`` and the header show it."""
    to: str
    checks: tuple[Check, ...]
    budget_over: float | None
    reason: str

    async def matches(self, facts: Facts) -> bool:
        for check in self.checks:
            if not check(facts):
                return False
        if self.budget_over is not None:
            share = await facts.budget_share()
            return share is not None and share > self.budget_over
        return True


def compile_rule(number: int, rule: RouteRule) -> Rule:
    """A rule's conditions as checks, cheapest first (the budget share, a counter read, last)."""
    when: When = rule.when
    checks: list[Check] = []
    if when.keys is not None:
        keys = frozenset(when.keys)
        checks.append(lambda f: f.key is not None and (f.key.id in keys or f.key.name in keys))
    if when.teams is not None:
        teams = frozenset(when.teams)
        checks.append(lambda f: f.team is not None and (f.team.id in teams or f.team.name in teams))
    checks.extend(_tag_check(name, allowed) for name, allowed in (when.tags or {}).items())
    checks.extend(_field_check(name, allowed) for name, allowed in (when.key_metadata or {}).items())
    if when.has_tools is not None:
        tools = when.has_tools
        checks.append(lambda f: f.has_tools is tools)
    if when.prompt_tokens_over is not None:
        over = when.prompt_tokens_over
        checks.append(lambda f: f.prompt_tokens > over)
    if when.prompt_tokens_under is not None:
        under = when.prompt_tokens_under
        checks.append(lambda f: f.prompt_tokens < under)
    if when.has_images is not None:
        images = when.has_images
        checks.append(lambda f: f.has_images is images)
    if when.privacy is not None:
        checks.append(_privacy_check(when.privacy))
    if when.privacy_action is not None:
        actions = frozenset(when.privacy_action)
        checks.append(lambda f: bool(actions & f.privacy()[1]))
    return Rule(number, rule.to, tuple(checks), when.budget_used_over, describe_when(when))


def _tag_check(name: str, allowed: tuple[str, ...]) -> Check:
    ok = frozenset(allowed)
    return lambda f: f.tag(name) in ok


def _field_check(name: str, allowed: tuple[str, ...]) -> Check:
    ok = frozenset(allowed)
    return lambda f: f.key_field(name) in ok


def _privacy_check(wanted: tuple[str, ...]) -> Check:
    if wanted == ("sensitive",):
        return lambda f: bool(f.privacy()[0])
    if wanted == ("clean",):
        return lambda f: not f.privacy()[0]
    categories = frozenset(wanted)
    return lambda f: any(c in categories for c in f.privacy()[0])


@dataclass(frozen=True, slots=True)
class Router:
    scorer: Scorer
    threshold: float
    strong: str
    weak: str


@dataclass(frozen=True, slots=True)
class Plan:
    """One alias's routing: its rules in order, then its router (if any)."""

    rules: tuple[Rule, ...]
    router: Router | None = None


def _safe(text: str) -> str:
    """Printable ASCII for a header value: anything else (and a quote) becomes ``?``."""
    return _UNSAFE.sub("?", text)


class RoutingStage(Stage):
    """Routes requests of the aliases in ``plans``; see the module docstring."""

    name = "routing"

    def __init__(
        self,
        plans: Mapping[str, Plan],
        shares: BudgetShares | None = None,
        executor: Executor | None = None,
        max_waiting: int = 64,
    ) -> None:
        """``max_waiting`` (``routing.router_max_waiting``): prompts that may wait for a scoring thread.

        Past it a prompt goes to ``strong`` unscored ("router busy"): a burst must not queue every
        routed request behind milliseconds of CPU each (64 prompts at a few ms on two threads is
        already ~0.1 s). Strong is the side a scorer failure takes too: the answer stays good, only dearer.
        """
        self._plans = dict(plans)
        self._shares = shares
        self._executor = executor
        self._max_waiting = max_waiting
        self._waiting = 0  # prompts handed to the executor and not yet scored
        if executor is None and any(p.router is not None for p in plans.values()):
            # Scoring is CPU work (milliseconds): a few threads of its own keep the event loop free.
            self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="freehold-router")

    async def before(self, ctx: RequestContext, request: Any) -> None:
        plan = self._plans.get(request.model)
        if plan is None:
            return
        facts = Facts(ctx, request.body, self._shares)
        for _ in range(len(self._plans) + 1):  # cycles are refused at load; this bounds a chain anyway
            origin = request.model
            target, header, reason = await self._route(ctx, plan, facts, origin)
            ctx.add_header("x-freehold-route", header)
            ctx.decide(self.name, f"{origin} → {target}", reason)
            if target == origin:
                return
            log.info("request %s: routed %s → %s (%s)", ctx.request_id, origin, target, reason)
            request.model = target
            next_plan = self._plans.get(target)
            if next_plan is None:
                return
            plan = next_plan

    async def _route(self, ctx: RequestContext, plan: Plan, facts: Facts, origin: str) -> tuple[str, str, str]:
        """``(target, header value, reason)`` for one hop."""
        for rule in plan.rules:
            if await rule.matches(facts):
                why = _safe(rule.reason)
                header = f'{rule.to}; from={origin}; rule={rule.number}; reason="{why}"'
                return rule.to, header, f"rule {rule.number}: {rule.reason}"
        router = plan.router
        if router is None:
            return origin, f"{origin}; from={origin}; rule=none", "no rule matched"
        if ctx.operation not in ("chat", "count_tokens"):
            target = router.weak  # nothing to score: embeddings go to the cheaper side
            header = f'{target}; from={origin}; router=weak; reason="{ctx.operation}"'
            return target, header, f"router: weak for {ctx.operation}"
        if self._waiting >= self._max_waiting:
            log.warning("request %s: the difficulty router is busy (%d prompts waiting); sent to strong",
                        ctx.request_id, self._waiting)  # fmt: skip
            target = router.strong
            return target, f'{target}; from={origin}; router=strong; reason="router busy"', "router: busy"
        try:
            score = await self._score(router.scorer, prompt_text(facts.body))
        except Exception as exc:  # the classifier's own failure must not fail the request: strong is the safe side
            log.warning("request %s: the difficulty router failed (%r); sent to strong", ctx.request_id, exc)
            target = router.strong
            return target, f'{target}; from={origin}; router=strong; reason="scorer failed"', "router: scorer failed"
        side, target = ("strong", router.strong) if score > router.threshold else ("weak", router.weak)
        detail = f"score={score:.3f}; threshold={router.threshold:.3f}"
        return target, f"{target}; from={origin}; router={side}; {detail}", f"router: {side}, {detail}"

    async def _score(self, scorer: Scorer, prompt: str) -> float:
        loop = asyncio.get_running_loop()
        self._waiting += 1
        try:
            score = float(await loop.run_in_executor(self._executor, scorer.score, prompt))
        finally:
            self._waiting -= 1
        if not math.isfinite(score):
            raise ValueError(f"the scorer gave {score}")
        return min(1.0, max(0.0, score))


def build_plans(config: GatewayConfig, load: Callable[[str], Scorer] = load_scorer) -> dict[str, Plan]:
    """Each routed alias's plan from the gateway file (``GatewayConfig``); scorers loaded once per model.

    Raises:
        ValueError: a router's model cannot be loaded, naming the key's path.
    """
    scorers: dict[str, Scorer] = {}
    plans = {}
    for alias, spec in config.aliases.items():
        if not spec.routes and spec.router is None:
            continue
        router = None
        if spec.router is not None:
            model = spec.router.model
            if model not in scorers:
                try:
                    scorers[model] = load(model)
                except ValueError as exc:
                    raise ValueError(f"aliases.{alias}.router.model: {exc}") from None
            scorer = scorers[model]
            threshold = spec.router.threshold if spec.router.threshold is not None else float(scorer.threshold)
            router = Router(scorer, threshold, spec.router.strong, spec.router.weak)
        rules = tuple(compile_rule(i + 1, rule) for i, rule in enumerate(spec.routes))
        plans[alias] = Plan(rules, router)
    return plans
