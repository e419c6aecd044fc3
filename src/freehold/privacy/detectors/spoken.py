"""Numbers and dates said in words, as speech-to-text writes them down.

A call transcript reads a phone number out as "two oh one, double nine five, eight one oh six", an
SSN with pauses ("five three seven... nine seven... nine four six seven") and a date of birth as
"the fourth of July nineteen eighty two". The digit finders see none of these. English words only
(the transcripts of other languages seen so far give figures).

``SpokenFinder`` turns a run of digit words into its digits and asks what the digit finders ask:
a valid number with a "+" or after a phone word is a phone, a card number must pass Luhn, nine
digits after "social security" an SSN. ``spoken_date`` serves the date-of-birth finder, which
calls it only where a birth word stands and no written date follows.
"""

from __future__ import annotations

import re
from typing import Final

from freehold.privacy.detectors.base import Hit, Priority, alternation, before
from freehold.privacy.detectors.contextual import REGIONS, phone_said, valid_phone
from freehold.privacy.detectors.structured import SSN_CONTEXT
from freehold.privacy.detectors.validators import TEST_CARDS, card_brand_ok, luhn_ok, plausible_birth_date, ssn_ok

__all__ = ["SpokenFinder", "spoken_date"]

_DIGITS: Final = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_REPEAT: Final = {"double": 2, "triple": 3}
_WORDS: Final = (*_DIGITS, *_REPEAT)
_WORD: Final = alternation(*_WORDS)
# Digit words joined by spaces, commas, dashes or a speaker's pauses ("..."), five words or more (seven
# digits, the shortest phone number, take five with "double"); matched over the lower-cased text at
# the places a digit word stands, never searched for: a search tries the words at every letter.
_SPOKEN: Final = re.compile(rf"(?<![\w-]){_WORD}(?:(?:[ ,-]|\.\.\.|…)+{_WORD}){{4,}}(?![\w-])")
_PLUS: Final = re.compile(r"(?<![\w-])plus[ ,]+$")
_SPLIT: Final = re.compile(r"[a-z]+")
_SOCIAL: Final = re.compile(r"\bsocial[ ,:]*$")
# Looked for before anything else: seven digits said take five digit words, and all but a few in a
# thousand numbers have two digits other than 1, 2 and 3, whose words prose uses most. One search led
# by a space (``re`` jumps from space to space) over the text as written: speech-to-text writes these
# words in lower case but at a sentence's start.
_RARER: Final = re.compile(
    " " + alternation("four", "five", "six", "seven", "eight", "nine", "zero", "oh[ ,]", "double", "triple")
)
_COMMON: Final = (" one", " two", " three")


def _may_be_spoken(text: str) -> bool:
    """Whether five digit words, two of them other than "one", "two" and "three", could stand in the text."""
    rarer = _RARER.findall(text)
    if len(rarer) < 2:
        return False
    lowered = text.lower()
    return len(rarer) + sum(lowered.count(hint) for hint in _COMMON) >= 5


def _word_starts(lowered: str) -> list[int]:
    """Where a digit word starts a word (not "phone", "often"), in order."""
    found: list[int] = []
    for word in _WORDS:
        at = lowered.find(word)
        while at >= 0:
            if not at or not lowered[at - 1].isalpha():
                found.append(at)
            at = lowered.find(word, at + 2)
    found.sort()
    return found


def _digits(words: str) -> str | None:
    """The digits of digit words ("double nine five" → "995"); None when "double" or "triple" has no digit after it."""
    out: list[str] = []
    repeat = 1
    for word in _SPLIT.findall(words):
        if word in _REPEAT:
            if repeat != 1:
                return None
            repeat = _REPEAT[word]
            continue
        out.append(_DIGITS[word] * repeat)
        repeat = 1
    return None if repeat != 1 else "".join(out)


class SpokenFinder:
    """Phone, card and social security numbers read out digit by digit."""

    def find(self, text: str) -> list[Hit]:
        if not _may_be_spoken(text):
            return []
        lowered = text.lower()
        if len(lowered) != len(text):
            return []  # ("İ" lower-cases to two characters: offsets would not agree)
        hits: list[Hit] = []
        done = 0
        for at in _word_starts(lowered):
            m = _SPOKEN.match(lowered, at) if at >= done else None
            if m is None:
                continue
            done = m.end()
            digits = _digits(m.group())
            if digits is None or len(digits) < 7:
                continue
            start, end = m.span()
            plus = _PLUS.search(lowered, max(0, start - 8), start)
            if plus is not None:
                start = plus.start()
                if valid_phone("+" + digits, None):
                    hits.append(Hit(start, end, "PHONE", 0.85, Priority.CONTEXTUAL))
            elif 13 <= len(digits) <= 19 and luhn_ok(digits) and card_brand_ok(digits) and digits not in TEST_CARDS:
                hits.append(Hit(start, end, "CREDIT_CARD", 0.85, Priority.CHECKSUM))
            elif len(digits) == 9 and ssn_ok(digits[:3], digits[3:5], digits[5:]) and _ssn_asked(text, start):
                hits.append(Hit(start, end, "US_SSN", 0.85, Priority.IDENTIFIER))
            elif 9 <= len(digits) <= 13 and phone_said(text, start, end) and _valid_somewhere(digits):
                hits.append(Hit(start, end, "PHONE", 0.8, Priority.CONTEXTUAL))
        return hits


def _ssn_asked(text: str, start: int) -> bool:
    """Whether "social security" or "SSN" stands shortly before, in the turn or in its question; or "social" alone.

    ("…, social five three seven…": the word right before the number.)
    """
    return SSN_CONTEXT.search(before(text, start, 80)) is not None or bool(_SOCIAL.search(before(text, start, 12)))


def _valid_somewhere(digits: str) -> bool:
    """Whether a number said without its country code is valid in one of the regions ``PhoneFinder`` tries."""
    return any(valid_phone(digits, region) for region in REGIONS)


# Dates said aloud: "the fourth of July nineteen eighty two", "November twenty third, nineteen fifty nine".
_UNITS: Final = {word: int(digit) for word, digit in _DIGITS.items() if word not in ("zero", "oh")}
_TEENS: Final = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS: Final = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                "ninety": 90}  # fmt: skip
_ORDINALS: Final = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_MONTHS: Final = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_TOKEN: Final = re.compile(r"[a-z]+|\d{1,4}(?:st|nd|rd|th)?")
_STARTERS: Final = frozenset({"the", *_MONTHS, *_ORDINALS, *_TENS, *_TEENS, *_UNITS})


def _day(words: list[str], i: int) -> tuple[int, int] | None:
    """(day, index after it) of "fourth", "twenty third", "twenty-third" (split), "23rd", "9"."""
    word = words[i] if i < len(words) else ""
    if word[:1].isdigit():
        number = word.rstrip("stndrh")
        return (int(number), i + 1) if number.isdigit() and len(number) <= 2 else None
    if word in _ORDINALS:
        return _ORDINALS[word], i + 1
    if word in _TENS and i + 1 < len(words) and words[i + 1] in _ORDINALS and _ORDINALS[words[i + 1]] < 10:
        return _TENS[word] + _ORDINALS[words[i + 1]], i + 2
    if word in _TENS and i + 1 < len(words) and words[i + 1] in _UNITS:
        return _TENS[word] + _UNITS[words[i + 1]], i + 2  # "June twenty three"
    if word in _TENS or word in _TEENS or word in _UNITS:
        return (_TENS.get(word) or _TEENS.get(word) or _UNITS[word]), i + 1
    return None


def _two_digits(words: list[str], i: int) -> tuple[int, int] | None:
    """(0–99, index after) of "eighty two", "oh five", "twelve", "fifty"."""
    word = words[i] if i < len(words) else ""
    if word == "oh" and i + 1 < len(words) and words[i + 1] in _UNITS:
        return _UNITS[words[i + 1]], i + 2
    if word in _TEENS:
        return _TEENS[word], i + 1
    if word in _TENS:
        if i + 1 < len(words) and words[i + 1] in _UNITS:
            return _TENS[word] + _UNITS[words[i + 1]], i + 2
        return _TENS[word], i + 1
    if word in _UNITS:
        return _UNITS[word], i + 1
    return None


def _year(words: list[str], i: int) -> tuple[int, int] | None:
    """(year, index after) of "nineteen eighty two", "two thousand and one", "twenty twelve", "1982"."""
    word = words[i] if i < len(words) else ""
    if word.isdigit() and len(word) == 4:
        return int(word), i + 1
    if word == "two" and i + 1 < len(words) and words[i + 1] == "thousand":
        j = i + 2 + (i + 2 < len(words) and words[i + 2] == "and")
        rest = _two_digits(words, j)
        return (2000 + rest[0], rest[1]) if rest else (2000, i + 2)
    if word in _TEENS or word == "twenty":
        century = _TEENS.get(word) or 20
        rest = _two_digits(words, i + 1)
        if rest is not None and (century == 20 and rest[0] >= 10 or words[i + 1] == "oh" or century != 20):
            return century * 100 + rest[0], rest[1]
    return None


def spoken_date(text: str, start: int, reach: int = 70) -> tuple[int, int] | None:
    """The (start, end) of a date said in words at ``start`` (a "the" may lead it), if it is a plausible birth date."""
    head = _TOKEN.match(text[start : start + 12].lower())
    if head is None or (head.group() not in _STARTERS and not head.group()[0].isdigit()):
        return None  # (most texts after a birth word say no date at all: one token tells)
    window = text[start : start + reach].lower()
    tokens = list(_TOKEN.finditer(window))
    words = [t.group() for t in tokens]
    i = 1 if words[:1] == ["the"] else 0
    first = i
    day_month: tuple[int, int, int] | None = None
    if i < len(words) and words[i] in _MONTHS:  # "November twenty third", "June the ninth"
        j = i + 1 + (i + 1 < len(words) and words[i + 1] == "the")
        day = _day(words, j)
        if day is not None:
            day_month = (day[0], _MONTHS[words[i]], day[1])
    else:  # "fourth of July", "the 4th of July"
        day = _day(words, i)
        if day is not None:
            j = day[1] + (day[1] < len(words) and words[day[1]] == "of")
            if j < len(words) and words[j] in _MONTHS:
                day_month = (day[0], _MONTHS[words[j]], j + 1)
    if day_month is None:
        return None
    day_of, month, after = day_month
    year = _year(words, after)
    if year is None or not plausible_birth_date(year[0], month, day_of):
        return None
    begin, end = tokens[first].start(), tokens[year[1] - 1].end()
    if any(not c.isalnum() and c not in " ,.-" for c in window[begin:end]):
        return None  # the words follow one another: no line break, quote or bracket between them
    return start + begin, start + end
