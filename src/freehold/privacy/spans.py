"""What a detector finds: typed character spans of a text.

The vocabulary of ``type`` is fixed (``CATEGORIES``): it is the contract of
``freehold privacy detect`` and of the policies' per-category actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, Protocol, get_args

__all__ = ["CATEGORIES", "Category", "Detector", "Span"]

Category = Literal[
    "EMAIL",
    "PHONE",
    "CREDIT_CARD",
    "IBAN",
    "US_SSN",
    "IP_ADDRESS",
    "SECRET",
    "JWT",
    "URL_CREDENTIALS",
    "PERSON",
    "LOCATION",
    "ORGANIZATION",
    "DATE_OF_BIRTH",
]
CATEGORIES: Final[tuple[Category, ...]] = get_args(Category)


@dataclass(frozen=True, slots=True)
class Span:
    """``text[start:end]`` is of ``type``; ``score`` in [0, 1] is the detector's confidence."""

    start: int
    end: int
    type: Category
    score: float


class Detector(Protocol):
    def detect(self, text: str) -> list[Span]:
        """Spans in ``text``, sorted by start, not overlapping (where two overlap, the better one is kept)."""
        ...
