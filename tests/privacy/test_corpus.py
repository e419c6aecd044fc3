"""Floors on the labeled corpus (tests/privacy/corpus), a little below what bench/privacy.py measures.

Exact span matching: start, end and type must all agree with the truth.
"""

from collections import Counter
from pathlib import Path

import pytest

from freehold.config.privacy import DetectionSection
from freehold.privacy.detectors import build_detector
from tests.privacy.scoring import Scored, score

CORPUS = Path(__file__).parent / "corpus"
STRUCTURED = [
    "EMAIL",
    "PHONE",
    "CREDIT_CARD",
    "IBAN",
    "US_SSN",
    "IP_ADDRESS",
    "JWT",
    "URL_CREDENTIALS",
    "DATE_OF_BIRTH",
]


@pytest.fixture(scope="module")
def scored() -> Scored:
    return score(build_detector(DetectionSection()), sorted(CORPUS.glob("*.jsonl")))


def test_corpus_is_large_and_covers_every_category(scored: tuple[Counter[str], ...]) -> None:
    _, _, gold, clean, _ = scored  # type: ignore[misc]
    assert clean >= 250
    assert all(gold[c] >= 25 for c in [*STRUCTURED, "SECRET"])


@pytest.mark.parametrize("category", STRUCTURED)
def test_structured_precision_and_recall(category: str, scored: tuple[Counter[str], ...]) -> None:
    tp, pred, gold, _, _ = scored  # type: ignore[misc]
    assert tp[category] / pred[category] >= 0.97, (tp[category], pred[category])
    assert tp[category] / gold[category] >= 0.97, (tp[category], gold[category])


def test_secrets(scored: tuple[Counter[str], ...]) -> None:
    tp, pred, gold, _, _ = scored  # type: ignore[misc]
    assert tp["SECRET"] / gold["SECRET"] >= 0.95
    assert tp["SECRET"] / pred["SECRET"] >= 0.95


def test_clean_texts_rarely_flagged(scored: tuple[Counter[str], ...]) -> None:
    _, _, _, clean, flagged = scored  # type: ignore[misc]
    assert flagged / clean <= 0.02
