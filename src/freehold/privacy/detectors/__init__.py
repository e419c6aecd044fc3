"""TEMPORARY stand-in for the detection work (issue 11, points 1–2), replaced when it merges.

It exposes the same entry point, ``build_detector(section, ner=False) -> Detector``, so that the
policies and restoration (``freehold.privacy.policy``, ``pseudonymize``, ``restore``, ``stage``)
are written against the ``Detector`` protocol only. It finds three categories and nothing else:
EMAIL, SECRET (``sk-…`` keys) and PHONE (international numbers written with a ``+``).
"""

from __future__ import annotations

import re

from freehold.config.privacy import DetectionSection
from freehold.privacy.spans import Category, Detector, Span

__all__ = ["build_detector"]

_PATTERNS: tuple[tuple[Category, re.Pattern[str]], ...] = (
    ("SECRET", re.compile(r"sk-[A-Za-z0-9_-]{20,}")),
    ("EMAIL", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    ("PHONE", re.compile(r"\+\d[\d -]{7,}\d")),
)


class _RegexDetector:
    def detect(self, text: str) -> list[Span]:
        found = sorted(
            (Span(m.start(), m.end(), kind, 1.0) for kind, pattern in _PATTERNS for m in pattern.finditer(text)),
            key=lambda s: (s.start, -(s.end - s.start)),
        )
        out: list[Span] = []
        for span in found:
            if not out or span.start >= out[-1].end:  # overlapping: the earlier (then longer) one is kept
                out.append(span)
        return out


def build_detector(section: DetectionSection, ner: bool = False) -> Detector:
    """The detector the ``privacy.detection`` section describes (here: the three fixed patterns)."""
    return _RegexDetector()
