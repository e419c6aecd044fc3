"""What every built-in finder hands the composite detector: a candidate span with a priority.

Finders may overlap one another (a JWT is also a bearer token, an e-mail sits inside a URL with
credentials); the composite keeps one span per stretch of text, choosing by ``priority`` first
and length second, so each finder only says how sure and how specific it is.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Final, NamedTuple, Protocol

from freehold.privacy.detectors import cues
from freehold.privacy.detectors.columns import Columns
from freehold.privacy.spans import Category

__all__ = [
    "around",
    "LONG_RUN",
    "Cluster",
    "Finder",
    "Hit",
    "Priority",
    "Scan",
    "ScanFinder",
    "Scanning",
    "after",
    "alternation",
    "ascii_twin",
    "before",
    "in_runs",
    "long_runs",
    "words_after",
    "words_before",
]


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
    def find(self, text: str) -> list[Hit]: ...


Cluster = tuple[int, int]
LONG_RUN: Final = 7  # the shortest run a card, SSN, IPv4 address or national phone number fits in

# A run of digits joined by spaces, dots and dashes, with an optional "(0)"- or "(06 1)"-style prefix, of
# ``LONG_RUN`` characters or more: every card, SSN, IPv4 address and national phone number lies
# inside one such run. Written to start with one character class, so that ``re`` skips to the
# next digit or "(" fast; the lookahead right after it drops a run too short to matter before it
# becomes a match object (prose is full of short numbers: "v2", "3 items", "2.4.1"), and it only
# ever fails at a run's first character if it fails at all of them; digits are repeated one
# character class at a time, which ``re`` runs without backtracking state.
_LONG_CLUSTER: Final = re.compile(
    r"[\d(](?=[\d .()-]{6})(?:(?<=\()\d{1,5}(?: \d{1,3})?\)[ .-]*\d|(?<=\d))\d*(?:[ .-]+\d+)*"
)


def alternation(*options: str) -> str:
    """``(?:a|b|…)`` of regex ``options``, shaped as a trie of their leading letters.

    ``re`` tries an alternation's branches one by one at each position it reaches, so thirty
    words cost thirty tries per letter of the text; grouped by their first letter, then by the next
    under it ("pass|pwd|passcode" → "p(?:ass(?:|code)|wd)"), only the branches that share what the
    text has so far are tried. Options keep their order where they could match at the same place
    (same leading letters); branches under different letters cannot, so their order is moot.
    """
    return f"(?:{'|'.join(_trie(list(options)))})"


def _trie(options: list[str]) -> list[str]:
    """The branches of ``options``' alternation, each letter shared by several options written once."""
    groups: dict[tuple[bool, str], list[str]] = {}  # (led by a letter, the letter or the whole option)
    for option in options:
        if option[:1].isalnum() and option[1:2] not in ("?", "*", "+", "{"):
            groups.setdefault((True, option[0]), []).append(option[1:])
        else:  # no leading letter: a branch of its own, never merged
            groups.setdefault((False, option), []).append("")
    parts = []
    for (letter, head), rests in groups.items():
        if not letter or len(rests) == 1:
            parts.append(head + rests[0])
        else:
            inner = _trie(rests)
            parts.append(head + inner[0] if len(inner) == 1 else f"{head}(?:{'|'.join(inner)})")
    return parts


def ascii_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    r"""``pattern`` with ``re.ASCII``: in a text of ASCII alone, the same matches, found faster.

    For a search of the whole text. There ``\d`` and ``\w`` match with ``re.ASCII`` exactly what
    they match without it, and ``re`` is spared a lookup in Unicode's tables at every character
    (a quarter of the digit-run search). Not for a pattern with ``\s`` (Unicode's takes the
    separators \x1c-\x1f too) or a case-insensitive one (Unicode folds "ſ" to "s").
    """
    source = pattern.pattern
    if pattern.flags & re.IGNORECASE or "(?i" in source or "\\s" in source or "\\S" in source:
        raise ValueError(f"no ASCII twin for {pattern.pattern!r}: it could match differently on ASCII text")
    return re.compile(pattern.pattern, pattern.flags & ~re.UNICODE | re.ASCII)


_LONG_CLUSTER_ASCII: Final = ascii_twin(_LONG_CLUSTER)


def long_runs(text: str) -> list[Cluster]:
    """The digit runs of ``LONG_RUN`` characters or more, as (start, end); found once per text and shared."""
    pattern = _LONG_CLUSTER_ASCII if text.isascii() else _LONG_CLUSTER
    return [span for m in pattern.finditer(text) if (span := m.span())[1] - span[0] >= LONG_RUN]


def in_runs(pattern: re.Pattern[str], text: str, runs: list[Cluster], shortest: int) -> list[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose matches lie inside one of ``runs``, run over them only.

    ``runs`` are (start, end) windows: the long digit runs, or the long words secrets look in.
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


def around(
    pattern: re.Pattern[str], text: str, anchor: str | re.Pattern[str], reach: int, stop: re.Pattern[str]
) -> list[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose every match starts with or holds ``anchor``, looked for near it.

    A match starts at most ``reach`` characters before the first anchor it holds and ends before
    the first character ``stop`` finds after that anchor; so each anchor (found by ``str.find`` or
    a literal-led pattern, far cheaper than ``pattern`` over the whole text) costs one search of a
    small window. Lookarounds see the whole text, as with ``finditer``; the window reaches two
    characters past ``stop``'s, for lookaheads.
    """
    found: list[re.Match[str]] = []
    pos = 0
    size = len(text)
    while True:
        if isinstance(anchor, str):
            at = text.find(anchor, pos)
            if at < 0:
                return found
        else:
            hint = anchor.search(text, pos)
            if hint is None:
                return found
            at = hint.start()
        end = stop.search(text, at + 1)
        m = pattern.search(text, max(pos, at - reach), min(end.start() + 2, size) if end else size)
        if m is None:
            pos = at + 1
            continue
        found.append(m)
        pos = m.end()


class Scan:
    """What the composite works out once per text and every finder reads.

    ``runs``: the long digit runs (``long_runs``), where cards, SSNs, IPv4 addresses and national
    phone numbers lie; ``lowered``: the text lower-cased (its length may differ from the text's for
    a few letters such as "İ": finders that map offsets check); ``cues``: which registered cues
    (``cues.register``) occur in ``lowered``, and ``occurrences``: where, both found in one pass;
    ``columns``: the text's table columns, made on first need and shared, so that each line is read once
    however many finders ask.
    """

    __slots__ = ("_columns", "cues", "lowered", "occurrences", "runs", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.lowered = text.lower()
        self.runs = long_runs(text)
        self.occurrences = cues.occurrences(self.lowered)
        self.cues = {cue for _, cue in self.occurrences}
        self._columns: Columns | None = None

    @property
    def columns(self) -> Columns:
        if self._columns is None:
            self._columns = Columns(self.text)
        return self._columns

    def has(self, cue: str) -> bool:
        """Whether the registered lower-case ``cue`` occurs in the lower-cased text."""
        return cue in self.cues

    def has_cased(self, cue: str) -> bool:
        """Whether ``cue`` occurs in the text as written (its lower-case form registered): ``"TEL"``, ``"bin/"``."""
        return cue.lower() in self.cues and cue in self.text


class ScanFinder(Protocol):
    """A finder that reads the composite's ``Scan`` of the text instead of working it out again.

    ``find`` (the plain ``Finder`` call) makes the scan itself.
    """

    def find(self, text: str) -> list[Hit]: ...

    def find_in(self, scan: Scan) -> list[Hit]: ...


class Scanning(ABC):
    """Base of the ``ScanFinder`` classes: ``find`` scans the text, ``find_in`` does the work."""

    def find(self, text: str) -> list[Hit]:
        return self.find_in(Scan(text))

    @abstractmethod
    def find_in(self, scan: Scan) -> list[Hit]:
        """The hits in ``scan.text``."""


def before(text: str, start: int, width: int) -> str:
    """The ``width`` characters before ``start``, lower-cased: the window context words live in."""
    return text[max(0, start - width) : start].lower()


def after(text: str, end: int, width: int) -> str:
    return text[end : end + width].lower()


def words_before(text: str, start: int, width: int) -> str:
    """``before``, widened to whole words: a window that cut "hotel" to "tel" would find a phone word."""
    lo = max(0, start - width)
    stop = max(0, lo - 20)
    while lo > stop and text[lo - 1].isalnum():
        lo -= 1
    return text[lo:start].lower()


def words_after(text: str, end: int, width: int) -> str:
    """``after``, widened to whole words ("Belopp" cut to "bel" is no Dutch "call")."""
    hi = min(len(text), end + width)
    stop = min(len(text), hi + 20)
    while hi < stop and text[hi].isalnum():
        hi += 1
    return text[end:hi].lower()
