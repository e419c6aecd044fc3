"""Cues: the short strings finders test for before their costlier work, all found in one pass.

Most finders first ask whether a word or a mark that their values come with occurs at all
("wort", "cookie", "%2B", "-----BEGIN", a birth word's stem). Each ``cue in text`` is a scan of the
whole text (~2 µs per 4,000 characters), and a dense prompt asked about a hundred of them
(measured: ~190 µs of ~1,200 per 1,000 tokens). An Aho–Corasick automaton (ahocorasick-rs: the
Rust ``aho-corasick`` crate's DFA) finds every registered cue in the lower-cased text in one pass
(~10 µs; pyahocorasick's took ~50), after which each test is a set lookup.

Modules register their cues at import (``register``); the automaton is built on first use after
the last registration. Where the cues occur is kept too: the credential keywords' places come from
this pass instead of a search of their own. A cue must be registered to be found: ``Scan.has`` of an
unregistered cue would answer False, and tests/unit/privacy/test_cues.py checks every literal the
finders ask for.
"""

from __future__ import annotations

import threading
from typing import Final

from ahocorasick_rs import AhoCorasick, Implementation

__all__ = ["leftmost", "occurrences", "prepare", "register", "registered"]

_CUES: dict[str, None] = {}  # (a dict: registration order, so that an automaton's pattern numbers are stable)
_LOCK: Final = threading.Lock()
_automaton: tuple[AhoCorasick, tuple[str, ...]] | None = None


def register(*cues: str) -> frozenset[str]:
    """Add lower-case ``cues`` to the strings every text is searched for; they are returned as a set.

    A set so that a group of cues is asked at once (``not scan.cues.isdisjoint(GROUP)``).
    """
    global _automaton
    for cue in cues:
        if not cue or cue != cue.lower():
            raise ValueError(f"a cue must be a non-empty lower-case string: {cue!r}")
    with _LOCK:
        if any(cue not in _CUES for cue in cues):
            _CUES.update(dict.fromkeys(cues))
            _automaton = None  # built again, with these, on next use
    return frozenset(cues)


def registered() -> frozenset[str]:
    return frozenset(_CUES)


def _build() -> tuple[AhoCorasick, tuple[str, ...]]:
    global _automaton
    with _LOCK:
        if _automaton is None:
            patterns = tuple(_CUES)
            _automaton = (AhoCorasick(list(patterns), implementation=Implementation.DFA), patterns)
        return _automaton


def prepare() -> None:
    """Build the automaton now (start-up) rather than on the first text."""
    if _CUES and _automaton is None:
        _build()


def occurrences(lowered: str) -> list[tuple[int, str]]:
    """Where each registered cue occurs in ``lowered`` (a text lower-cased): (start, cue), by where they end."""
    if not _CUES:
        return []
    automaton, patterns = _automaton or _build()
    try:
        found = automaton.find_matches_as_indexes(lowered, overlapping=True)
    except UnicodeEncodeError:  # a lone surrogate (``json.loads`` lets "\\ud800" through): no cue holds one
        found = automaton.find_matches_as_indexes(lowered.translate(_SURROGATES), overlapping=True)
    return [(start, patterns[i]) for i, start, _ in found]


_SURROGATES: Final = dict.fromkeys(range(0xD800, 0xE000), 0xFFFD)  # one character for one: offsets kept


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
