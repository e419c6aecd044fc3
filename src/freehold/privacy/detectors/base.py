"""What every built-in finder hands the composite detector: a candidate span with a priority.

Finders may overlap one another (a JWT is also a bearer token, an e-mail sits inside a URL with
credentials); the composite keeps one span per stretch of text, choosing by ``priority`` first
and length second, so each finder only says how sure and how specific it is.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Final, NamedTuple, Protocol

from freehold.privacy.spans import Category

__all__ = ["LONG_RUN", "Cluster", "DigitFinder", "Finder", "Hit", "Priority", "after", "before", "clusters", "in_runs"]


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


Cluster = tuple[int, int]
LONG_RUN: Final = 7  # the shortest run a card, SSN, IPv4 address or national phone number fits in

# A run of digits joined by spaces, dots and dashes, with an optional "(0)"-style prefix: every
# card, SSN, IPv4 address, national phone number and IBAN's digits lie inside one such run.
# (Written to start with one character class, so that ``re`` skips to the next digit or "(" fast,
# and with digits repeated one character class at a time, which ``re`` runs without backtracking state.)
_CLUSTER: Final = re.compile(r"[\d(](?:(?<=\()\d{1,5}\)[ .-]*\d|(?<=\d))\d*(?:[ .-]+\d+)*")


def clusters(text: str) -> list[Cluster]:
    """The digit runs of ``text`` as (start, end); found once per text and shared by the digit finders."""
    return [m.span() for m in _CLUSTER.finditer(text)]


def in_runs(pattern: re.Pattern[str], text: str, runs: list[Cluster], shortest: int) -> list[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose matches lie inside one digit run, run over the runs only.

    Runs shorter than ``shortest`` characters cannot hold a match and are skipped. The window
    reaches 3 characters past the run so trailing lookaheads see the real text; a match starting
    there belongs to the next run. Lookbehinds see the text before ``pos`` (``re`` semantics).
    """
    found: list[re.Match[str]] = []
    size = len(text)
    search = pattern.search  # a search per match: most windows hold none or one, and finditer costs more to set up
    for start, end in runs:
        if end - start < shortest:
            continue
        stop = min(size, end + 3)
        m = search(text, start, stop)
        while m is not None and m.start() < end:
            found.append(m)
            at = m.end()
            m = search(text, at if at > m.start() else at + 1, stop)
    return found


class DigitFinder(Protocol):
    """A finder whose every match lies inside one digit run: it is only run where a run is long enough.

    Scanning a few short windows instead of the whole text is what keeps prose with a date or an
    order number cheap; ``find`` (the plain ``Finder`` call) computes the runs itself.
    """

    digits: bool
    long_runs_only: bool
    """True when no match fits in a run shorter than ``LONG_RUN`` (the composite then passes only longer runs)."""

    def find(self, text: str) -> list[Hit]: ...

    def find_in(self, text: str, runs: list[Cluster]) -> list[Hit]: ...


class RunFinder(ABC):
    """Base of the ``DigitFinder`` classes: ``find`` computes the runs, ``find_in`` does the work."""

    digits = True
    long_runs_only = True

    def find(self, text: str) -> list[Hit]:
        return self.find_in(text, clusters(text))

    @abstractmethod
    def find_in(self, text: str, runs: list[Cluster]) -> list[Hit]:
        """The hits inside ``runs`` (the text's digit runs, or those of ``LONG_RUN`` or more)."""


def before(text: str, start: int, width: int) -> str:
    """The ``width`` characters before ``start``, lower-cased: the window context words live in."""
    return text[max(0, start - width) : start].lower()


def after(text: str, end: int, width: int) -> str:
    return text[end : end + width].lower()
