"""The metadata check (privacy/detectors/phones.py) gives exactly phonenumbers' answers.

``check(number, region, possible)`` stands in for ``phonenumbers.parse`` followed by
``is_valid_number`` or ``is_possible_number``; one disagreement would change which spans the
detector reports. So tens of thousands of candidates, shaped as the phone finder hands them over
(a "+" number, "00" turned into "+", a national number for a region, with or without its national
prefix, grouped by spaces, dots, dashes and parentheses) are decided both ways and must agree.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from freehold.config.privacy import DetectionSection
from freehold.privacy.detectors import build_detector, contextual
from freehold.privacy.detectors.contextual import REGIONS, _valid
from freehold.privacy.detectors.phones import Unsupported, check, mobile, service

SEED = 20240611
Case = tuple[str, str | None]
CODES = sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
# Regions beyond REGIONS whose rules take other branches: a national-prefix transform rule, a
# country code shared by several regions (leading digits or full validation pick the region).
EXTRA_REGIONS = ("AR", "AG", "CA", "GG", "IM", "JE", "KZ", "RU", "CC", "CX", "MG", "SM", "NF", "VA", "GP", "NO", "FI")
NOT_TYPES = (PhoneNumberType.UNKNOWN, PhoneNumberType.FIXED_LINE_OR_MOBILE)  # no example numbers of their own
TYPES = [t for t in PhoneNumberType.values() if t not in NOT_TYPES]


def reference(number: str, region: str | None) -> tuple[bool, bool]:
    """phonenumbers itself: (valid, possible), both False where the parse fails."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False, False
    return phonenumbers.is_valid_number(parsed), phonenumbers.is_possible_number(parsed)


def group(digits: str, rng: random.Random) -> str:
    """The digits cut into groups of one to five, joined by one separator or a mix, maybe "(…)" first."""
    chunks: list[str] = []
    while digits:
        size = rng.randint(1, 5)
        chunks.append(digits[:size])
        digits = digits[size:]
    if len(chunks) > 1 and rng.random() < 0.2:
        chunks[0] = f"({chunks[0]})"
    separator = rng.choice([" ", "-", ".", "", " ", "mix"])
    if separator != "mix":
        return separator.join(chunks)
    return "".join(c + rng.choice([" ", "-", ".", "", ") ", " ("]) for c in chunks[:-1]) + chunks[-1]


def international(code: str, national: str, rng: random.Random) -> str:
    """A "+CC …" number as the finder passes it, sometimes with "(0)" or written "00CC" and turned into "+"."""
    middle = rng.choice([" ", " ", "-", ".", "", " (0)", " (0) ", "(0)", " ("])
    text = ("00" if rng.random() < 0.2 else "+") + code + middle + group(national, rng)
    return "+" + text[2:] if text.startswith("00") else text


def random_digits(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(rng.randint(low, high)))


def random_cases(rng: random.Random) -> Iterator[Case]:
    """Random digit strings: "+" numbers of any code length, national numbers for every region tried."""
    for _ in range(2500):
        digits = rng.choice("123456789") + random_digits(rng, 6, 14)
        yield international(digits[:3], digits[3:], rng), None
    for code in CODES:
        for _ in range(12):
            yield international(str(code), random_digits(rng, 2, 14), rng), None
    for region in REGIONS + EXTRA_REGIONS:
        code = str(phonenumbers.country_code_for_region(region))
        count = 600 if region in REGIONS else 100
        for _ in range(count):
            digits = random_digits(rng, 7, 13)
            lead = rng.choice(["", "", "", "0", "1", code, "00", "011", "010", "09", "0" + code])
            yield group(lead + digits, rng), region


def example_cases(rng: random.Random) -> Iterator[Case]:
    """libphonenumber's example numbers for every region and type, as written and slightly altered."""
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in TYPES:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            yield from variants(example, region, rng)
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        example = phonenumbers.example_number_for_non_geo_entity(code)
        if example is not None:
            yield from variants(example, None, rng)


def variants(example: phonenumbers.PhoneNumber, region: str | None, rng: random.Random) -> Iterator[Case]:
    code = str(example.country_code)
    nsn = phonenumbers.national_significant_number(example)
    yield phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL), None
    if region is not None:
        yield phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL), rng.choice((region,) + REGIONS)
    altered = [nsn, nsn[:-1], nsn + rng.choice("0123456789")]
    altered += [nsn[:-k] + random_digits(rng, k, k) for k in (1, 2, 3, 4)]
    for digits in altered:
        yield international(code, digits, rng), None
        if region is not None:
            prefix = phonenumbers.ndd_prefix_for_region(region, True) or ""
            lead = rng.choice(["", prefix, prefix, code, "00" + code])
            yield group(lead + digits, rng), rng.choice((region, region) + REGIONS)


def fictional_cases(rng: random.Random) -> Iterator[Case]:
    """Ranges kept for drama and documentation: +44 7700 900xxx, 555 numbers, Ofcom's 020 7946 0xxx."""
    for n in range(0, 1000, 3):
        yield f"+44 7700 900{n:03d}", None
        yield f"07700 900{n:03d}", "GB"
        yield f"+1 212 555 {n:04d}", None
        yield f"(212) 555-{n:04d}", "US"
        yield f"020 7946 0{n:03d}", rng.choice(REGIONS)


def short_cases(rng: random.Random) -> Iterator[Case]:
    """Too few digits after "+", a country code, or a dialling prefix; a "+0" no country code starts with."""
    for _ in range(500):
        digits = random_digits(rng, 1, 6)
        yield rng.choice(["+", "+0"]) + digits, None
        yield rng.choice(["00", "011", "010", "0 0"]) + digits, rng.choice(REGIONS)


def punctuation_cases(rng: random.Random) -> Iterator[Case]:
    """Whatever the international pattern admits: "+", a digit, then digits and ( ) . - space in any order."""
    for _ in range(1200):
        body = "".join(rng.choice("0123456789" * 3 + "().- ") for _ in range(rng.randint(5, 22)))
        yield "+" + rng.choice("123456789") + body + rng.choice("0123456789") + rng.choice(["", "", "(", " ("]), None


def finder_cases() -> list[Case]:
    """What ``_valid`` is asked while the detector reads the labeled corpus."""
    seen: list[Case] = []
    real = contextual._valid

    def spy(number: str, region: str | None, possible: bool = False) -> bool:
        seen.append((number, region))
        return real(number, region, possible)

    detector = build_detector(DetectionSection(), remember=0)
    corpus = Path(__file__).parent / "corpus"
    contextual._valid = spy  # type: ignore[assignment]
    try:
        for path in sorted(corpus.glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                detector.detect(json.loads(line)["text"])
    finally:
        contextual._valid = real
    return seen


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    rng = random.Random(SEED)
    generated = [*random_cases(rng), *example_cases(rng), *fictional_cases(rng), *short_cases(rng)]
    generated += [*punctuation_cases(rng), *finder_cases()]
    return list(dict.fromkeys(generated))


def test_agrees_with_phonenumbers_on_every_candidate(cases: list[Case]) -> None:
    mismatches, unsupported, valid = [], [], 0
    for number, region in cases:
        expected = reference(number, region)
        valid += expected[0]
        try:
            got = check(number, region), check(number, region, True)
        except Unsupported:
            unsupported.append((number, region))
            continue
        if got != expected:
            mismatches.append((number, region, got, expected))
    print(f"{len(cases)} candidates, {valid} valid")
    assert len(cases) >= 30_000
    assert valid >= 5_000, "too few valid numbers to exercise the type patterns"
    assert not mismatches, f"{len(mismatches)} disagreements, first: {mismatches[:20]}"
    assert not unsupported, f"{len(unsupported)} left to phonenumbers, first: {unsupported[:20]}"


def test_service_agrees_with_number_type(cases: list[Case]) -> None:
    """``service`` says toll free or shared cost exactly where ``number_type`` does, for valid numbers."""
    mismatches, services = [], 0
    kinds = (PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST)
    for number, region in cases:
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            continue
        expected = phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in kinds
        services += expected
        try:
            got = service(number, region)
        except Unsupported:
            continue
        if got != expected:
            mismatches.append((number, region, got, expected))
    assert services >= 100, "too few toll-free and shared-cost numbers to exercise the patterns"
    assert not mismatches, f"{len(mismatches)} disagreements, first: {mismatches[:20]}"


def test_mobile_agrees_with_number_type(cases: list[Case]) -> None:
    """Every mobile by ``number_type`` is one for ``mobile``; the reverse may fail only for special types.

    (``number_type`` tries premium rate, toll free, VoIP… before mobile: a number in both is theirs.)
    """
    missed, special, mobiles = [], 0, 0
    kinds = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
    for number, region in cases:
        try:
            got = mobile(number, region)
            parsed = phonenumbers.parse(number, region)
        except (Unsupported, phonenumbers.NumberParseException):
            continue
        if not phonenumbers.is_valid_number(parsed):
            assert got is None
            continue
        kind = phonenumbers.number_type(parsed)
        mobiles += kind in kinds
        if kind in kinds and not got:
            missed.append((number, region))
        special += bool(got) and kind not in kinds
    assert mobiles >= 1_000
    assert not missed, f"{len(missed)} mobiles missed, first: {missed[:20]}"
    assert special <= mobiles // 20, special


def test_finder_shaped_numbers_never_leave_the_fast_path() -> None:
    for number, region in [
        ("+1 212 976 3627", None), ("+44 7700 900123", None), ("+49 (0)30 901820", None),
        ("+27.71.123.7730", None), ("+821020003361", None), ("020 7946 0018", "GB"), ("010-2000-6730", "US"),
        ("010-2000-6730", "JP"), ("(506) 234-7531", "US"), ("(0)30 901820", "DE"), ("0044 20 7946 0018", "GB"),
    ]:  # fmt: skip
        check(number, region)
        check(number, region, True)


def test_valid_falls_back_to_phonenumbers_outside_the_fast_path() -> None:
    _valid.cache_clear()
    for number, region in [("+44\t20 7946 0018", None), ("+44 20 7946 0018", "GB"), ("1-800-FLOWERS", "US")]:
        assert (_valid(number, region), _valid(number, region, True)) == reference(number, region)
