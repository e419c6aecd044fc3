"""What ``freehold check`` shows of routing: each routed alias's rules, in the order they are tried.

The router's model is loaded here as at start-up, so a bad ``router.model`` fails ``check`` too.
"""

from __future__ import annotations

from rich.table import Table

from freehold.config.model import GatewayConfig
from freehold.config.rules import describe_when
from freehold.errors import ConfigError
from freehold.routing.rules import build_plans

__all__ = ["routing_table"]


def routing_table(config: GatewayConfig) -> Table:
    """One row per rule (``#`` as the ``x-freehold-route`` header numbers it), then the router, then the default.

    Raises:
        ConfigError: a router's model cannot be loaded.
    """
    try:
        plans = build_plans(config)
    except ValueError as exc:
        raise ConfigError([str(exc)]) from None
    table = Table(title="Routing (first match wins)")
    for col in ("alias", "#", "when", "to"):
        table.add_column(col)
    for alias in config.routed_aliases():
        spec = config.aliases[alias]
        for i, rule in enumerate(spec.routes, 1):
            table.add_row(alias, str(i), describe_when(rule.when), rule.to)
        router = plans[alias].router
        if router is not None:
            table.add_row(alias, "router", f"score > {router.threshold:.3f} (model {spec.router.model})", router.strong)  # type: ignore[union-attr]
            table.add_row(alias, "", "otherwise", router.weak)
        else:
            table.add_row(alias, "", "otherwise", "(its own deployments)")
    return table
