"""The composite detector: every finder over the text, then one span per stretch of text.

Finders run in one pass each over the text, or around a cheap anchor ("@", "://", two capitals
and two digits), except where their matches lie inside a run of digits (cards, SSNs, IPv4,
national phone numbers): the runs long enough to hold one are found once per text, and those
finders look only at them. What every finder reads (those runs, the text lower-cased, which cue
words occur) is worked out once per text, as a ``Scan``.
Overlaps are settled by priority, then length, then position:
a JWT beats the bearer token around it, a URL with credentials the e-mail-like part inside it, a
validated card the phone-shaped run of digits in it.
"""

from __future__ import annotations

import bisect
import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import cast

from freehold.config.privacy import DetectionSection
from freehold.privacy.detectors import cues
from freehold.privacy.detectors.addresses import IpFinder
from freehold.privacy.detectors.base import Finder, Hit, Scan, ScanFinder
from freehold.privacy.detectors.birthdates import BirthDateFinder
from freehold.privacy.detectors.configured import ConfiguredFinder
from freehold.privacy.detectors.contextual import PhoneFinder, prepare_regions
from freehold.privacy.detectors.records import RecordFinder
from freehold.privacy.detectors.secrets import SecretFinder
from freehold.privacy.detectors.spoken import SpokenFinder
from freehold.privacy.detectors.structured import (
    CardFinder,
    EmailFinder,
    IbanFinder,
    JwtFinder,
    SsnFinder,
    UrlCredentialsFinder,
)
from freehold.privacy.spans import Category, Detector, Span

__all__ = ["CompositeDetector", "build_detector", "resolve"]

_WORTH_REMEMBERING = 64  # shorter texts cost about as much to detect as to hash


def resolve(hits: list[Hit]) -> list[Span]:
    """Keep the best of overlapping hits (priority, then length, then the earlier), sorted by start."""
    hits.sort(key=lambda h: (-h.priority, h.start - h.end, h.start))
    starts: list[int] = []
    kept: list[Hit] = []
    for hit in hits:
        i = bisect.bisect_left(starts, hit.start)
        if i > 0 and kept[i - 1].end > hit.start:
            continue
        if i < len(kept) and kept[i].start < hit.end:
            continue
        starts.insert(i, hit.start)
        kept.insert(i, hit)
    return [Span(*h[:4]) for h in kept]


class CompositeDetector:
    """A ``Detector`` made of finders; categories in ``disabled`` are never reported."""

    def __init__(
        self, finders: Sequence[Finder], disabled: frozenset[Category] = frozenset(), remember: int = 0
    ) -> None:
        """``remember``: how many texts' results to keep, keyed by a hash of the text (0: none).

        A conversation is sent again with every turn, so without this each turn re-detects its whole
        history. Only a 16-byte BLAKE2b digest and the spans (offsets and types) are kept, never
        the text or a value.
        """
        self._finders = tuple(finders)
        self._remember = remember
        self._memory: OrderedDict[bytes, tuple[Span, ...]] = OrderedDict()
        self._steps: tuple[tuple[Finder, ScanFinder | None], ...] = tuple(
            (f, cast(ScanFinder, f) if hasattr(f, "find_in") else None) for f in self._finders
        )
        self._disabled = disabled

    def detect(self, text: str) -> list[Span]:
        if not self._remember or len(text) < _WORTH_REMEMBERING:
            return self._detect(text)
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        found = self._memory.get(digest)
        if found is not None:
            self._memory.move_to_end(digest)
            return list(found)
        spans = self._detect(text)
        self._memory[digest] = tuple(spans)
        if len(self._memory) > self._remember:
            self._memory.popitem(last=False)
        return spans

    def _detect(self, text: str) -> list[Span]:
        scan = Scan(text)
        hits: list[Hit] = []
        for finder, scanning in self._steps:
            hits += finder.find(text) if scanning is None else scanning.find_in(scan)
        if self._disabled:
            hits = [h for h in hits if h.type not in self._disabled]
        return resolve(hits) if hits else []


def build_detector(section: DetectionSection, ner: bool = False, remember: int = 4096) -> Detector:
    """The detector the gateway file's ``privacy.detection`` describes; ``ner`` adds the NER model.

    Raises ``ConfigError`` (naming the pip command) when NER is asked for and not installed.
    """
    finders: list[Finder] = [
        UrlCredentialsFinder(),
        JwtFinder(),
        SecretFinder(),
        EmailFinder(),
        CardFinder(),
        IbanFinder(),
        SsnFinder(),
        IpFinder(),
        PhoneFinder(),
        BirthDateFinder(),
        RecordFinder(),
        SpokenFinder(),
    ]
    prepare_regions()  # ~0.1 s once per process, at start-up rather than inside the first request with a number
    cues.prepare()  # the cue automaton, likewise (every finder module has registered its cues by now)
    configured = ConfiguredFinder(section.custom, section.deny)
    if configured:
        finders.append(configured)
    if ner or section.ner:
        from freehold.privacy.detectors.ner import load_ner

        finders.append(load_ner())
    return CompositeDetector(finders, frozenset(section.disable), remember)
