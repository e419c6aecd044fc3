"""The price book: deployment prices from ``price:`` or the catalog, costs in decimals, worst cases by alias."""

from __future__ import annotations

from decimal import Decimal

import pytest

from freehold.config.model import GatewayConfig
from freehold.governance.pricing import PriceBook
from freehold.usage import UsageRecord


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRICING_TEST_KEY", "sk-test")


def config(aliases: dict, **extra: object) -> GatewayConfig:
    return GatewayConfig.model_validate({"aliases": aliases, **extra})


def openai(model: str, name: str, **extra: object) -> dict:
    return {
        "provider": "openai",
        "model": model,
        "name": name,
        "api_base": "http://127.0.0.1:9/v1",
        "api_key": "env:PRICING_TEST_KEY",
        **extra,
    }


def usage(
    deployment: str, prompt: int, completion: int, cached: int = 0, written: int = 0, estimated: bool = False
) -> UsageRecord:
    return UsageRecord("a", deployment, prompt, completion, estimated, "complete", cached, written)


def test_catalog_price_by_snapshot_prefix_and_cached_tokens_at_their_own_rate() -> None:
    book = PriceBook(config({"a": {"deployments": [openai("gpt-4o-mini-2024-07-18", "mini")]}}))
    # gpt-4o-mini: $0.15 in, $0.60 out, $0.075 cached, per million.
    assert book.cost(usage("mini", 1_000_000, 1_000_000)) == Decimal("0.75")
    assert (
        book.cost(usage("mini", 1000, 10, cached=400))
        == (600 * Decimal("0.15") + 400 * Decimal("0.075") + 10 * Decimal("0.60")) / 1_000_000
    )


def test_a_deployment_price_overrides_the_catalog_and_cache_writes_default_to_input() -> None:
    price = {"input": 0.15, "output": 0.6, "cached_input": 0.075}
    book = PriceBook(config({"a": {"deployments": [openai("gpt-4o", "own", price=price)]}}))
    assert book.cost(usage("own", 100, 0, written=100)) == Decimal("0.000015")
    assert isinstance(book.cost(usage("own", 3, 7)), Decimal)  # money is never a float


def test_unknown_costs_are_none_never_zero() -> None:
    book = PriceBook(config({"a": {"deployments": [openai("my-finetune", "unpriced"), openai("gpt-4o", "priced")]}}))
    assert book.cost(usage("unpriced", 10, 10)) is None
    assert book.cost(usage("priced", 10, 10, estimated=True)) is None  # estimated tokens: cost not known
    assert book.rates("a") is None  # one unpriced deployment reachable: no worst case
    assert book.cost(usage("nowhere", 10, 10)) is None


def test_worst_case_rates_cover_every_reachable_deployment_and_fallback() -> None:
    book = PriceBook(
        config(
            {
                "a": {"deployments": [openai("gpt-4o-mini", "mini")], "fallbacks": ["b"]},
                "b": {
                    "deployments": [openai("claude-haiku-4-5", "haiku", provider="openai")],
                    "content_filter_fallback": "c",
                },
                "c": {"deployments": [openai("o1", "o1")]},
                "d": {"deployments": [openai("gpt-4o-mini", "mini-d")]},
            }
        )
    )
    # o1 ($15 in, $60 out) is reachable from a through b's content-filter fallback.
    assert book.rates("a") == (Decimal(15) / 1_000_000, Decimal(60) / 1_000_000)
    assert book.rates("d") == (Decimal("0.15") / 1_000_000, Decimal("0.60") / 1_000_000)
    assert book.max_output("a") == 16384  # the smallest output limit among gpt-4o-mini, claude-haiku-4-5, o1
    assert book.max_output("d") == 16384


def test_cache_write_above_input_raises_the_worst_input_rate() -> None:
    price = {"input": 3, "output": 15, "cached_input": 0.3, "cache_write": 3.75}
    book = PriceBook(config({"a": {"deployments": [openai("x", "x", price=price)]}}))
    assert book.rates("a") == (Decimal("3.75") / 1_000_000, Decimal(15) / 1_000_000)


def test_the_simulated_provider_is_free_unless_priced() -> None:
    book = PriceBook(
        config(
            {
                "free": {"deployments": [{"provider": "simulated", "model": "sim", "name": "s1"}]},
                "paid": {
                    "deployments": [
                        {"provider": "simulated", "model": "sim", "name": "s2", "price": {"input": 1, "output": 2}}
                    ]
                },
            }
        )
    )
    assert book.cost(usage("s1", 100, 100)) == 0
    assert book.cost(usage("s2", 1_000_000, 1_000_000)) == Decimal(3)


@pytest.mark.parametrize(
    "bad",
    [{"input": -1, "output": 1}, {"input": 1}, {"input": 1, "output": 1, "extra": 2}, {"input": "x", "output": 1}],
)
def test_a_bad_price_fails_at_load_naming_the_key(bad: dict) -> None:
    with pytest.raises(ValueError, match="price"):
        config({"a": {"deployments": [openai("gpt-4o", "p", price=bad)]}})
