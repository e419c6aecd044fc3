from pathlib import Path

import pytest

from freehold.catalog import lookup, max_output_tokens
from freehold.catalog.catalog import load_catalog
from freehold.catalog.render import render_providers

ROOT = Path(__file__).resolve().parents[3]


def test_docs_providers_is_generated_from_the_registry_and_catalog() -> None:
    assert (ROOT / "docs" / "providers.md").read_text() == render_providers(), (
        "docs/providers.md is stale: run `python -m freehold.catalog.render > docs/providers.md`"
    )


@pytest.mark.parametrize(
    ("model", "entry"),
    [
        ("gpt-4o", "gpt-4o"),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
        ("models/gemini-2.5-flash", "gemini-2.5-flash"),
        ("gemini-2.5-flash-lite-preview", "gemini-2.5-flash-lite"),
        ("o3-mini-2025-01-31", "o3-mini"),
    ],
)
def test_lookup_by_exact_name_or_longest_prefix(model: str, entry: str) -> None:
    info = lookup(model)
    assert info is not None and info.name == entry


def test_unknown_model_is_unchecked() -> None:
    assert lookup("my-finetune-v3") is None
    assert max_output_tokens("my-finetune-v3", default=1234) == 1234
    assert max_output_tokens("claude-3-5-haiku-latest") == 8192


def test_catalog_entries_are_consistent() -> None:
    for info in load_catalog().values():
        assert info.max_output_tokens <= info.context_window, info.name
        if info.fixed_temperature:
            assert info.reasoning, info.name
