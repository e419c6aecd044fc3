"""Cues: the short strings finders test for before their costlier work, all found in one pass.

Most finders first ask whether a word or a mark that their values come with occurs at all
("wort", "cookie", "%2B", "-----BEGIN", a birth word's stem). Each ``cue in text`` is a scan of the
whole text (~2 µs per 4,000 characters), and a dense prompt asked about a hundred of them
(measured: ~190 µs of ~1,200 per 1,000 tokens). An Aho–Corasick automaton (pyahocorasick, C)
finds every registered cue in the lower-cased text in one pass (~50 µs), after which each test is
a set lookup.

Modules register their cues at import (``register``); the automaton is built on first use after
the last registration. Where the cues occur is kept too: the credential keywords' places come from
this pass instead of a search of their own. A cue must be registered to be found: ``Scan.has`` of an unregistered cue
would answer False, and tests/unit/privacy/test_cues.py checks every literal the finders ask for.
"""

from __future__ import annotations

import threading
from typing import Final

import ahocorasick  # (a C extension without stubs: pyproject tells mypy; used through ``found`` only)

__all__ = ["leftmost", "occurrences", "register", "registered"]

_CUES: set[str] = set()
_LOCK: Final = threading.Lock()
_automaton: ahocorasick.Automaton | None = None


def register(*cues: str) -> frozenset[str]:
    """Add lower-case ``cues`` to the strings every text is searched for; they are returned as a set.

    A set so that a group of cues is asked at once (``not scan.cues.isdisjoint(GROUP)``).
    """
    global _automaton
    for cue in cues:
        if not cue or cue != cue.lower():
            raise ValueError(f"a cue must be a non-empty lower-case string: {cue!r}")
    with _LOCK:
        if not _CUES.issuperset(cues):
            _CUES.update(cues)
            _automaton = None  # built again, with these, on next use
    return frozenset(cues)


def registered() -> frozenset[str]:
    return frozenset(_CUES)


def _build() -> ahocorasick.Automaton:
    global _automaton
    with _LOCK:
        if _automaton is None:
            automaton = ahocorasick.Automaton()
            for cue in _CUES:
                automaton.add_word(cue, cue)
            automaton.make_automaton()
            _automaton = automaton
        return _automaton


def occurrences(lowered: str) -> list[tuple[int, str]]:
    """Where each registered cue occurs in ``lowered`` (a text lower-cased): (start, cue), by where they end."""
    if not _CUES:
        return []
    automaton = _automaton or _build()
    return [(end - len(cue) + 1, cue) for end, cue in automaton.iter(lowered)]


def leftmost(found: list[tuple[int, str]], group: frozenset[str]) -> list[tuple[int, int]]:
    """The (start, end) of ``group``'s cues among ``found``, left to right, none overlapping the one before.

    What ``re.finditer`` of the alternation of ``group`` gives, when no two of its cues can start at
    one place (then the leftmost is the only match there).
    """
    spans = sorted((start, start + len(cue)) for start, cue in found if cue in group)
    kept: list[tuple[int, int]] = []
    end = 0
    for span in spans:
        if span[0] >= end:
            kept.append(span)
            end = span[1]
    return kept
