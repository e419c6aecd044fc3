"""Floors on the labeled corpus (tests/privacy/corpus), a little below what bench/privacy.py measures.

Exact span matching: start, end and type must all agree with the truth.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from freehold.config.privacy import DetectionSection
from freehold.privacy.detectors import build_detector

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
NER = {"PERSON", "LOCATION", "ORGANIZATION"}


@pytest.fixture(scope="module")
def scored() -> tuple[Counter[str], Counter[str], Counter[str], int, int]:
    detector = build_detector(DetectionSection())
    tp: Counter[str] = Counter()
    pred: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    clean = flagged = 0
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            truth = {(s["start"], s["end"], s["type"]) for s in row["spans"] if s["type"] not in NER}
            found = {(s.start, s.end, s.type) for s in detector.detect(row["text"])}
            tp.update(t for _, _, t in truth & found)
            pred.update(t for _, _, t in found)
            gold.update(t for _, _, t in truth)
            if not truth:
                clean += 1
                flagged += bool(found)
    return tp, pred, gold, clean, flagged


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
