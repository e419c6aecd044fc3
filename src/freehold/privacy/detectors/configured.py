"""The operator's own additions from ``privacy.detection``: custom patterns and deny-lists."""

from __future__ import annotations

import re

from freehold.config.privacy import CustomPattern, DenyList
from freehold.privacy.detectors.base import Hit, Priority
from freehold.privacy.spans import Category

__all__ = ["ConfiguredFinder"]


def _deny_pattern(values: list[str]) -> re.Pattern[str]:
    """One alternation per category, longest first, whole words only, any run of spaces between words."""
    words = sorted({v.lower() for v in values}, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class ConfiguredFinder:
    """Custom patterns (their whole match is the span) and deny-lists; they win every overlap."""

    def __init__(self, custom: list[CustomPattern], deny: list[DenyList]) -> None:
        self._patterns: list[tuple[re.Pattern[str], Category, float]] = [
            (re.compile(c.pattern), c.type, c.score) for c in custom
        ]
        by_type: dict[Category, list[str]] = {}
        for entry in deny:
            by_type.setdefault(entry.type, []).extend(entry.values)
        self._patterns += [(_deny_pattern(values), kind, 1.0) for kind, values in by_type.items()]

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def find(self, text: str) -> list[Hit]:
        return [
            Hit(m.start(), m.end(), kind, score, Priority.CONFIGURED)
            for pattern, kind, score in self._patterns
            for m in pattern.finditer(text)
            if m.end() > m.start()
        ]
