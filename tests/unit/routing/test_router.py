"""Router (alias → deployments) and the weighted random order of strategies.weighted_order."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

import pytest

from freehold.errors import AliasNotFound
from freehold.providers.base import Capabilities
from freehold.routing.router import Candidate, Router
from freehold.routing.strategies import weighted_order


@dataclass
class FakeProvider:
    name: str
    capabilities: Capabilities = Capabilities()


@dataclass
class Seeded:
    router: Router
    rng: random.Random

    def candidates(self, alias: str) -> tuple[Candidate, ...]:
        return self.router.candidates(alias)

    @property
    def aliases(self) -> list[str]:
        return self.router.aliases


def router(weights: dict[str, float], seed: int = 1234, alias: str = "smart") -> Seeded:
    candidates = [Candidate(FakeProvider(name), w) for name, w in weights.items()]  # type: ignore[arg-type]
    r = Router({alias: candidates, "cheap": [Candidate(FakeProvider("c"), 1.0)]})  # type: ignore[list-item]
    return Seeded(r, random.Random(seed))


def order(r: Seeded, alias: str = "smart") -> list[str]:
    return [c.provider.name for c in weighted_order(r.candidates(alias), r.rng.random)]


def test_single_candidate() -> None:
    r = router({"only": 5})
    assert order(r) == ["only"]


def test_every_candidate_appears_once() -> None:
    r = router({"a": 1, "b": 2, "c": 3, "d": 0.5})
    for _ in range(500):
        names = order(r)
        assert sorted(names) == ["a", "b", "c", "d"]


@pytest.mark.parametrize("weights", [{"a": 3, "b": 1}, {"a": 1, "b": 2, "c": 3, "d": 4}, {"a": 0.1, "b": 0.9}])
def test_first_choice_is_proportional_to_weight(weights: dict[str, float]) -> None:
    r = router(weights)
    draws = 20_000
    firsts = Counter(order(r)[0] for _ in range(draws))
    total = sum(weights.values())
    for name, weight in weights.items():
        expected = weight / total
        assert firsts[name] / draws == pytest.approx(expected, abs=0.015), (name, firsts)


def test_second_choice_is_weighted_among_the_rest() -> None:
    r = router({"a": 6, "b": 3, "c": 1})
    draws = 20_000
    seconds = Counter(o[1] for o in (order(r) for _ in range(draws)) if o[0] == "a")
    n = sum(seconds.values())
    assert seconds["b"] / n == pytest.approx(0.75, abs=0.02)


def test_same_seed_same_orders() -> None:
    a, b = router({"x": 1, "y": 1, "z": 1}, seed=7), router({"x": 1, "y": 1, "z": 1}, seed=7)
    assert [order(a) for _ in range(50)] == [order(b) for _ in range(50)]


def test_equal_weights_vary_the_order() -> None:
    r = router({"x": 1, "y": 1, "z": 1})
    assert len({tuple(order(r)) for _ in range(200)}) == 6


def test_unknown_alias() -> None:
    r = router({"a": 1})
    with pytest.raises(AliasNotFound) as info:
        r.candidates("smrat")
    err = info.value
    assert err.status == 404
    assert err.param == "model"
    assert err.code == "model_not_found"
    assert "'smrat'" in err.message
    assert "cheap, smart" in err.message


def test_aliases_listed() -> None:
    assert sorted(router({"a": 1}).aliases) == ["cheap", "smart"]
