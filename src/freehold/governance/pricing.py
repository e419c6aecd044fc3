"""What answers cost: the price of every deployment, from its ``price:`` or the model catalog.

One ``PriceBook`` per gateway, built from the config at start-up, answers the two questions
governance asks: what an answer *did* cost, from the usage its upstream reported (the ledger and
the budgets' settlement), and what a request *may* cost at worst before it is sent (the budgets'
reservation: the dearest deployment the alias can reach, fallbacks included, since the engine
may end up on any of them).

Money is ``Decimal`` throughout. A cost that cannot be known — an unpriced deployment, or usage
the gateway had to estimate because the upstream did not report it — is ``None``, never 0: the
ledger records it as unknown and the budgets keep its worst case.

The built-in simulated provider costs nothing unless its deployment sets a ``price:`` (demos and
tests give it one to exercise budgets).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from freehold.catalog import lookup
from freehold.config.common import DeploymentBase, Price
from freehold.config.model import GatewayConfig, deployment_name
from freehold.usage import UsageRecord

if TYPE_CHECKING:
    from freehold.context import RequestContext

__all__ = ["PriceBook", "cost_of", "deployment_price", "request_cost"]

MILLION: Final = Decimal(1_000_000)
FREE: Final = Price(input=Decimal(0), output=Decimal(0))


def deployment_price(dep: DeploymentBase) -> Price | None:
    """The deployment's own ``price:``, else its model's catalog price (the simulated provider: free)."""
    if dep.price is not None:
        return dep.price
    if dep.provider == "simulated":
        return FREE
    info = lookup(dep.model)
    return info.price if info is not None else None


class PriceBook:
    """Prices by deployment, and worst-case rates by alias. Implements ``budgets.Costs``."""

    def __init__(self, config: GatewayConfig) -> None:
        self._prices: dict[str, Price | None] = {}
        self._max_output: dict[str, int | None] = {}
        models: dict[str, list[str]] = {}
        for alias, spec in config.aliases.items():
            for dep in spec.deployments:
                name = deployment_name(alias, dep)
                self._prices[name] = deployment_price(dep)
                info = lookup(dep.model)
                self._max_output[name] = info.max_output_tokens if info is not None and not info.embeddings else None
            models[alias] = [deployment_name(alias, dep) for dep in spec.deployments]
        self._rates: dict[str, tuple[Decimal, Decimal] | None] = {}
        self._alias_max_output: dict[str, int | None] = {}
        for alias in config.aliases:
            reachable = [name for a in _reachable(config, alias) for name in models[a]]
            self._rates[alias] = self._worst(reachable)
            limits = [m for m in (self._max_output[name] for name in reachable) if m is not None]
            self._alias_max_output[alias] = min(limits) if limits else None

    def price(self, deployment: str) -> Price | None:
        """The price of ``deployment`` (by its ``x-freehold-deployment`` name); None if unpriced."""
        return self._prices.get(deployment)

    def rates(self, alias: str) -> tuple[Decimal, Decimal] | None:
        """The highest (input, output) price per token among the deployments ``alias`` may reach.

        Input's worst is the dearer of a fresh and a cache-write token (Anthropic charges writes
        above fresh input). None when any reachable deployment has no price: no worst case can be
        stated then.
        """
        return self._rates.get(alias)

    def max_output(self, alias: str) -> int | None:
        """The smallest output limit the catalog knows among the alias's reachable models."""
        return self._alias_max_output.get(alias)

    def cost(self, usage: UsageRecord) -> Decimal | None:
        """What an answer cost in USD, from its upstream-reported usage; None when it cannot be known."""
        if usage.estimated:
            return None
        price = self._prices.get(usage.deployment)
        if price is None:
            return None
        return cost_of(price, usage)

    def _worst(self, deployments: Iterable[str]) -> tuple[Decimal, Decimal] | None:
        worst_in = worst_out = Decimal(0)
        for name in deployments:
            price = self._prices[name]
            if price is None:
                return None
            worst_in = max(worst_in, price.input, price.cache_write or price.input)
            worst_out = max(worst_out, price.output)
        return worst_in / MILLION, worst_out / MILLION


def cost_of(price: Price, usage: UsageRecord) -> Decimal:
    """``usage`` at ``price``: cached and cache-write tokens at their own rates, the rest of the prompt as fresh."""
    cached, written = usage.cached_input_tokens, usage.cache_write_tokens
    fresh = max(0, usage.prompt_tokens - cached - written)
    total = (
        fresh * price.input
        + cached * (price.cached_input if price.cached_input is not None else price.input)
        + written * (price.cache_write if price.cache_write is not None else price.input)
        + usage.completion_tokens * price.output
    )
    return total / MILLION


def _reachable(config: GatewayConfig, alias: str) -> list[str]:
    """``alias`` and every alias a request for it may end up on (fallbacks, transitively)."""
    seen = [alias]
    at = 0
    while at < len(seen):
        spec = config.aliases[seen[at]]
        at += 1
        targets = [
            *spec.fallbacks,
            *config.routing.fallbacks,
            spec.context_window_fallback,
            spec.content_filter_fallback,
        ]
        seen.extend(t for t in dict.fromkeys(targets) if t is not None and t not in seen and t in config.aliases)
    return seen


def request_cost(cost: Callable[[UsageRecord], Decimal | None], ctx: RequestContext) -> Decimal | None:
    """What a request that reached a provider cost: the one rule budgets and the ledger share.

    With an answer, its cost (None when its usage was estimated or its deployment unpriced).
    Without one: nothing, when every attempt was refused by the upstream with an error or never
    reached it (vendors do not charge those); unknown (None) otherwise — a timeout, a client that
    left mid-call, an answer that could not be read may all have been charged.
    """
    state = ctx.stage_state("pricing")  # budgets and the ledger both ask: worked out once
    if "cost" in state:
        known: Decimal | None = state["cost"]
        return known
    usage = ctx.usage
    if usage is not None:
        found = None if usage.estimated else cost(usage)
    elif ctx.attempts and ctx.unbilled_attempts >= ctx.attempts:
        found = Decimal(0)
    else:
        found = None
    state["cost"] = found
    return found
