"""What every built-in finder hands the composite detector: a candidate span with a priority.

Finders may overlap one another (a JWT is also a bearer token, an e-mail sits inside a URL with
credentials); the composite keeps one span per stretch of text, choosing by ``priority`` first
and length second, so each finder only says how sure and how specific it is.
"""

from __future__ import annotations

from typing import Final, NamedTuple, Protocol

from freehold.privacy.spans import Category

__all__ = ["Finder", "Hit", "Priority", "after", "before"]


class Hit(NamedTuple):
    start: int
    end: int
    type: Category
    score: float
    priority: int


class Priority:
    """Who wins an overlap. Specific, validated shapes beat loose ones; the model comes last."""

    CONFIGURED: Final = 100  # the operator's own patterns and deny-lists
    BLOCK: Final = 95  # private-key blocks, URLs with credentials: they contain everything else
    JWT: Final = 90
    KNOWN_SECRET: Final = 85
    CHECKSUM: Final = 80  # cards (Luhn), IBANs (mod-97)
    EMAIL: Final = 75
    IDENTIFIER: Final = 70  # SSNs, IP addresses
    CONTEXTUAL: Final = 60  # phone numbers, dates of birth
    ASSIGNED_SECRET: Final = 55
    ENTROPY_SECRET: Final = 40
    NER: Final = 20


class Finder(Protocol):
    digits: bool
    """True when the finder cannot match a text without a digit (the composite then skips it)."""

    def find(self, text: str) -> list[Hit]: ...


def before(text: str, start: int, width: int) -> str:
    """The ``width`` characters before ``start``, lower-cased: the window context words live in."""
    return text[max(0, start - width) : start].lower()


def after(text: str, end: int, width: int) -> str:
    return text[end : end + width].lower()
