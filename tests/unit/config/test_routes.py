"""Routing config: rules and router aliases are checked at load, each problem naming its key path."""

from __future__ import annotations

from typing import Any

import pytest

from freehold.config.load import parse_config
from freehold.config.rules import describe_when
from freehold.errors import ConfigError

SIM = {"provider": "simulated", "model": "sim"}


def aliases(**specs: dict[str, Any]) -> dict[str, Any]:
    return {"aliases": {"a": {"deployments": [SIM]}, "b": {"deployments": [SIM]}, **specs}}


def problems(data: Any) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    return info.value.problems


def test_a_valid_file_loads() -> None:
    cfg = parse_config(
        aliases(
            smart={
                "deployments": [SIM],
                "routes": [
                    {"when": {"teams": "research", "tags": {"env": "prod"}}, "to": "a"},
                    {"when": {"privacy": "sensitive"}, "to": "b"},
                    {"when": {"privacy": ["PERSON", "EMAIL"], "budget_used_over": 0.8}, "to": "auto"},
                ],
            },
            auto={"router": {"strong": "a", "weak": "b", "threshold": 0.4}},
        )
    )
    rules = cfg.aliases["smart"].routes
    assert rules[0].when.teams == ("research",)
    assert rules[0].when.tags == {"env": ("prod",)}
    assert describe_when(rules[2].when) == "privacy=PERSON|EMAIL & budget_used_over=0.8"
    assert cfg.routed_aliases() == ["smart", "auto"]
    assert cfg.aliases["auto"].deployments == ()


def test_unknown_target() -> None:
    got = problems(aliases(c={"deployments": [SIM], "routes": [{"when": {"has_tools": True}, "to": "nope"}]}))
    assert got == ["aliases.c.routes[0].to: 'nope' is not an alias; use one of: a, b, c"]


def test_unknown_router_target() -> None:
    got = problems(aliases(auto={"router": {"strong": "a", "weak": "zzz"}}))
    assert got == ["aliases.auto.router.weak: 'zzz' is not an alias; use one of: a, b, auto"]


def test_cycle_between_routed_aliases() -> None:
    got = problems(
        {
            "aliases": {
                "a": {"deployments": [SIM], "routes": [{"when": {"has_tools": True}, "to": "auto"}]},
                "b": {"deployments": [SIM], "routes": [{"when": {"has_images": True}, "to": "a"}]},
                "auto": {"router": {"strong": "b", "weak": "b"}},
            }
        }
    )
    assert got == ["aliases.a: routes go round in a cycle (a → auto → b → a); break it"]


def test_self_route() -> None:
    got = problems(aliases(c={"deployments": [SIM], "routes": [{"when": {"has_tools": True}, "to": "c"}]}))
    assert got == ["aliases.c.routes[0].to: an alias cannot route to itself"]


def test_unknown_category_names_the_path() -> None:
    got = problems(aliases(c={"deployments": [SIM], "routes": [{"when": {"privacy": ["EMAILS"]}, "to": "a"}]}))
    assert len(got) == 1 and got[0].startswith("aliases.c.routes[0].when.privacy: unknown category 'EMAILS'")
    assert "EMAIL" in got[0]


def test_unknown_condition() -> None:
    got = problems(aliases(c={"deployments": [SIM], "routes": [{"when": {"team": ["x"]}, "to": "a"}]}))
    assert got == [
        "aliases.c.routes[0].when.team: unknown key; check its spelling and nesting "
        "(docs/configuration.md lists the keys)"
    ]


def test_empty_when() -> None:
    got = problems(aliases(c={"deployments": [SIM], "routes": [{"when": {}, "to": "a"}]}))
    assert len(got) == 1 and got[0].startswith("aliases.c.routes[0].when: has no condition")


def test_bad_numbers_and_tags() -> None:
    got = problems(
        aliases(
            c={
                "deployments": [SIM],
                "routes": [
                    {"when": {"budget_used_over": 0}, "to": "a"},
                    {"when": {"tags": {"Env": "x"}}, "to": "a"},
                    {"when": {"prompt_tokens_over": 100, "prompt_tokens_under": 50}, "to": "a"},
                ],
            }
        )
    )
    assert got[0].startswith("aliases.c.routes[0].when.budget_used_over: ")
    assert got[1].startswith("aliases.c.routes[1].when.tags: tag 'Env' must be lower case")
    assert got[2].startswith("aliases.c.routes[2].when: prompt_tokens_under must exceed")


def test_router_alias_shape() -> None:
    got = problems(aliases(auto={"deployments": [SIM], "router": {"strong": "a", "weak": "b"}}))
    assert got == ["aliases.auto: an alias with 'router' has no deployments of its own; remove 'deployments'"]
    got = problems(aliases(auto={"router": {"strong": "a", "weak": "b"}, "fallbacks": ["a"]}))
    assert got[0].startswith("aliases.auto: an alias with 'router' has no deployments to fall back from")
    got = problems(aliases(auto={"router": {"strong": "a", "weak": "b", "threshold": 1.5}}))
    assert got[0].startswith("aliases.auto.router.threshold: ")
    got = problems(aliases(c={}))
    assert got == ["aliases.c.deployments: must not be empty; add at least one entry (or give the alias a router)"]


def test_falling_back_to_a_router_alias_is_refused() -> None:
    got = problems(
        aliases(auto={"router": {"strong": "a", "weak": "b"}}, c={"deployments": [SIM], "fallbacks": ["auto"]})
    )
    assert got == [
        "aliases.c.fallbacks[0]: 'auto' is a router alias (no deployments of its own); "
        "fall back to an alias with deployments"
    ]


def test_router_alias_reaches_local_through_its_targets() -> None:
    cfg = parse_config(
        {
            "aliases": {
                "home": {"deployments": [{**SIM, "local": True}]},
                "away": {"deployments": [SIM]},
                "auto": {"router": {"strong": "away", "weak": "home"}},
                "outer": {"router": {"strong": "away", "weak": "auto"}},
            }
        }
    )
    assert cfg.local_aliases() == {"home": True, "away": False, "auto": True, "outer": True}


def test_an_alias_whose_rules_may_route_home_can_be_served_locally() -> None:
    cfg = parse_config(
        {
            "aliases": {
                "home": {"deployments": [{**SIM, "local": True}]},
                "away": {"deployments": [SIM]},
                "ruled": {"deployments": [SIM], "routes": [{"when": {"privacy": ["sensitive"]}, "to": "home"}]},
                "ruled-away": {"deployments": [SIM], "routes": [{"when": {"has_tools": True}, "to": "away"}]},
            }
        }
    )
    local = cfg.local_aliases()
    assert local["ruled"] is True and local["ruled-away"] is False
