"""Exact-match counts of a detector over labeled JSONL files, shared by the floor tests."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from freehold.privacy.spans import Detector

NER = {"PERSON", "LOCATION", "ORGANIZATION"}
Scored = tuple[Counter[str], Counter[str], Counter[str], int, int]


def score(detector: Detector, paths: Iterable[Path]) -> Scored:
    """(true positives, predictions, true spans) per category, clean texts, clean texts flagged.

    NER categories are left out: the pattern path does not report them.
    """
    tp: Counter[str] = Counter()
    pred: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    clean = flagged = 0
    for path in paths:
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
