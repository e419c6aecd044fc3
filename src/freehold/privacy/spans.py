"""What a detector finds: typed character spans of a text.

The vocabulary of ``type`` is fixed (``CATEGORIES``): it is the contract of
``freehold privacy detect`` and of the policies' per-category actions.
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple, Protocol, get_args

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


class Span(NamedTuple):
    """``text[start:end]`` is of ``type``; ``score`` in [0, 1] is the detector's confidence.

    A named tuple, not a frozen dataclass: a detector makes one per finding on the request path,
    and a tuple is several times cheaper to build.
    """

    start: int
    end: int
    type: Category
    score: float


class Detector(Protocol):
    def detect(self, text: str) -> list[Span]:
        """Spans in ``text``, sorted by start, not overlapping (where two overlap, the better one is kept)."""
        ...
