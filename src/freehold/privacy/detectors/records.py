"""Values that healthcare and insurance records name by position: HL7 v2 segments and X12 EDI.

An HL7 ``PID`` segment puts the date of birth in its seventh field (``|19810630|``) and the SSN in its
nineteenth; an X12 ``DMG*D8*19720229`` is a date of birth, ``NM1*…*34*<id>`` an SSN, ``PER*…*TE*<n>``
a telephone number. No word stands next to these values: the format is the context. Both formats are
recognised by their own segment names at a line's (or a segment's) start, so other text costs a few
substring tests.
"""

from __future__ import annotations

import re
from typing import Final

from freehold.privacy.detectors import cues, phones
from freehold.privacy.detectors.base import Hit, Priority, Scan, Scanning
from freehold.privacy.detectors.validators import plausible_birth_date, ssn_ok

__all__ = ["RecordFinder"]

# HL7 v2: the segment, then its fields by position (1-based after the segment's name).
_HL7_SEGMENT: Final = re.compile(r"(?m)^(PID|GT1|NK1|IN1)\|[^\n]*")
_HL7_BIRTH: Final = {"PID": 7, "GT1": 8}  # PID-7 date/time of birth, GT1-8 the guarantor's
_HL7_SSN: Final = {"PID": 19, "GT1": 12}  # PID-19 and GT1-12: the SSN
# X12: a segment ends at "~" (or a line's end); elements are split by "*".
_X12_SEGMENT: Final = re.compile(r"(?:^|(?<=~)|(?<=\n))[ \t]*(DMG|NM1|REF|PER)\*[^~\n]*")
_X12_PHONE_QUALIFIERS: Final = frozenset({"TE", "FX", "CP", "HP", "WP"})  # telephone, fax, cell, home, work
_COMPACT_DATE: Final = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\d{4}(?:\d{2})?)?(?:[+-]\d{4})?")
_SSN_DIGITS: Final = re.compile(r"(\d{3})-?(\d{2})-?(\d{4})")


_HL7_CUES: Final = cues.register("pid|", "gt1|")
_X12_CUES: Final = cues.register("dmg*", "nm1*", "per*", "ref*")


class RecordFinder(Scanning):
    """Dates of birth, SSNs and phone numbers in HL7 v2 segments and X12 EDI segments.

    X12 is read as its envelopes almost always write it (``*`` between elements, ``~`` after a
    segment), and its phone numbers as the North American ones its health and insurance sets carry.
    """

    def find_in(self, scan: Scan) -> list[Hit]:
        text = scan.text
        hits: list[Hit] = []
        if not scan.cues.isdisjoint(_HL7_CUES) and ("PID|" in text or "GT1|" in text):  # (as written)
            hits += _hl7(text)
        if not scan.cues.isdisjoint(_X12_CUES) and any(segment in text for segment in ("DMG*", "NM1*", "PER*", "REF*")):
            hits += _x12(text)
        return hits


def _fields(text: str, start: int, end: int, separator: str) -> list[tuple[int, int]]:
    """The (start, end) of each separated field of ``text[start:end]``; the segment's name is field 0."""
    spans = []
    at = start
    while True:
        cut = text.find(separator, at, end)
        if cut < 0:
            spans.append((at, end))
            return spans
        spans.append((at, cut))
        at = cut + 1


def _hl7(text: str) -> list[Hit]:
    hits = []
    for m in _HL7_SEGMENT.finditer(text):
        fields = _fields(text, m.start(), m.end(), "|")
        name = m.group(1)
        birth, ssn = _HL7_BIRTH.get(name), _HL7_SSN.get(name)
        if birth is not None and birth < len(fields):
            start, end = fields[birth]
            date = _COMPACT_DATE.fullmatch(text, start, end)
            if date is not None and _birth_date(date):
                hits.append(Hit(start, start + 8, "DATE_OF_BIRTH", 0.9, Priority.CONTEXTUAL))
        if ssn is not None and ssn < len(fields):
            start, end = fields[ssn]
            number = _SSN_DIGITS.fullmatch(text, start, end)
            if number is not None and ssn_ok(*number.groups()):
                hits.append(Hit(start, end, "US_SSN", 0.9, Priority.IDENTIFIER))
    return hits


def _x12(text: str) -> list[Hit]:
    hits = []
    for m in _X12_SEGMENT.finditer(text):
        fields = _fields(text, m.start(1), m.end(), "*")
        values = [text[a:b] for a, b in fields]
        name = values[0]
        if name == "DMG" and len(values) > 2 and values[1] == "D8":
            date = _COMPACT_DATE.fullmatch(values[2])
            if date is not None and len(values[2]) == 8 and _birth_date(date):
                hits.append(Hit(*fields[2], "DATE_OF_BIRTH", 0.9, Priority.CONTEXTUAL))
        elif name == "NM1" and len(values) > 9 and values[8] == "34":
            hits += _ssn(fields[9], values[9])
        elif name == "REF" and len(values) > 2 and values[1] in ("SY", "0F"):
            hits += _ssn(fields[2], values[2])  # SY: the SSN; 0F, a subscriber's number, is often the SSN
        elif name == "PER":
            for i in range(3, len(values) - 1, 2):
                if values[i] in _X12_PHONE_QUALIFIERS and values[i + 1].isdigit() and phones.check(values[i + 1], "US"):
                    hits.append(Hit(*fields[i + 1], "PHONE", 0.85, Priority.CONTEXTUAL))
    return hits


def _ssn(span: tuple[int, int], value: str) -> list[Hit]:
    number = _SSN_DIGITS.fullmatch(value)
    if number is None or not ssn_ok(*number.groups()):
        return []
    return [Hit(*span, "US_SSN", 0.85, Priority.IDENTIFIER)]


def _birth_date(date: re.Match[str]) -> bool:
    return plausible_birth_date(int(date.group(1)), int(date.group(2)), int(date.group(3)))
