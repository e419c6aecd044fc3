"""Phone-number validation read straight off libphonenumber's metadata.

``phonenumbers.parse`` plus ``is_valid_number`` costs 30-50 µs a number, most of it spent on
generality the phone finder never needs (extensions, letters, RFC 3966, unicode digits) and on
compiling or looking up the same regexes again. For the finder's candidates, digits with spaces,
dots, dashes and parentheses after an optional ``+``, this module takes the same decisions in the
same order from the same metadata, with every regex compiled once per region: a few µs a number.

What each step mirrors in ``phonenumbers.phonenumberutil`` is named in its docstring, because
the point is to give exactly the same answers: tests/privacy/test_phone_validation.py checks that
against the real functions. Any other input is :class:`Unsupported`, and the caller asks
phonenumbers itself.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberDesc

__all__ = ["Unsupported", "check", "mobile", "prepare", "service"]

# Only these characters (after a leading "+"): anything else (letters, an extension, a tab, a
# second "+", unicode digits) takes paths of ``parse`` this module does not reproduce.
_SHAPE: Final = re.compile(r"\+?[0-9 .()-]+")
_NOT_DIGITS: Final = str.maketrans("", "", "+ .()-")
_MIN_NSN: Final = 2  # phonenumberutil._MIN_LENGTH_FOR_NSN
_MAX_NSN: Final = 17  # phonenumberutil._MAX_LENGTH_FOR_NSN
_MAX_INPUT: Final = 250  # phonenumberutil._MAX_INPUT_STRING_LENGTH
_NON_GEO: Final = "001"
# _test_number_length's verdicts that matter here.
_POSSIBLE, _LOCAL_ONLY, _TOO_SHORT, _TOO_LONG, _INVALID_LENGTH = range(5)
# Number types in the order _number_type_helper tries them; mobile only when its pattern differs.
_TYPES: Final = (
    "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail", "fixed_line",
)  # fmt: skip


class Unsupported(Exception):
    """An input this module does not decide; the caller falls back to phonenumbers itself."""


@dataclass(frozen=True, slots=True)
class _Rules:
    """One region's metadata, reduced to what parsing and validating a number consult."""

    country_code: int
    general: re.Pattern[str] | None
    general_lengths: tuple[int, ...]
    local_lengths: tuple[int, ...]
    types_by_length: dict[int, re.Pattern[str]]  # all number types allowing that length, as one alternation
    service_by_length: dict[int, re.Pattern[str]]  # toll-free and shared-cost numbers of that length
    mobile_by_length: dict[int, re.Pattern[str]]  # mobile numbers of that length
    national_prefix: re.Pattern[str] | None
    transform: str | None
    international_prefix: re.Pattern[str] | None
    leading_digits: re.Pattern[str] | None


def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern) if pattern else None


def _types_by_length(meta: PhoneMetadata, names: tuple[str, ...], every: bool = False) -> dict[int, re.Pattern[str]]:
    """Per NSN length, one regex matching a number of any of the types ``names`` of that length.

    ``_is_number_matching_desc`` checks a type's possible lengths (none listed: any length) and
    then its pattern; grouping the patterns by length turns ten tries into one fullmatch. ``every``:
    ``names`` are all the types (``_TYPES``), to which the mobile pattern is added where it differs.
    (A flag rather than ``names is _TYPES``: compiled, a constant tuple need not stay one object.)
    """
    descs: list[PhoneNumberDesc | None] = [getattr(meta, name) for name in names]
    if every and not meta.same_mobile_and_fixed_line_pattern:
        descs.append(meta.mobile)
    by_length: dict[int, re.Pattern[str]] = {}
    for length in range(_MAX_NSN + 1):
        patterns = [
            f"(?:{d.national_number_pattern})"
            for d in descs
            if d is not None and d.national_number_pattern and (not d.possible_length or length in d.possible_length)
        ]
        if patterns:
            by_length[length] = re.compile("|".join(patterns))
    return by_length


def _rules(region: str, country_code: int) -> _Rules | None:
    """``metadata_for_region_or_calling_code``: "001" (non-geographic) has one metadata per code."""
    return _nongeo_rules(country_code) if region == _NON_GEO else _region_rules(region)


@functools.cache
def _region_rules(region: str) -> _Rules | None:
    return _rules_of(PhoneMetadata.metadata_for_region(region, None))


@functools.cache
def _nongeo_rules(country_code: int) -> _Rules | None:
    return _rules_of(PhoneMetadata.metadata_for_nongeo_region(country_code, None))


def _rules_of(meta: PhoneMetadata | None) -> _Rules | None:
    general = meta.general_desc if meta is not None else None
    if meta is None or general is None or meta.country_code is None:  # no such metadata ships
        return None
    return _Rules(
        country_code=meta.country_code,
        general=_compiled(general.national_number_pattern),
        general_lengths=tuple(general.possible_length),
        local_lengths=tuple(general.possible_length_local_only),
        types_by_length=_types_by_length(meta, _TYPES, every=True),
        service_by_length=_types_by_length(meta, ("toll_free", "shared_cost")),
        mobile_by_length=_types_by_length(meta, ("mobile",)),
        national_prefix=_compiled(meta.national_prefix_for_parsing),
        transform=meta.national_prefix_transform_rule or None,
        international_prefix=_compiled(meta.international_prefix),
        leading_digits=_compiled(meta.leading_digits),
    )


@functools.cache
def _main_rules(country_code: int) -> _Rules:
    """The rules ``parse`` switches to once it has a country code: its main region's (``regions[0]``)."""
    rules = _rules(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[country_code][0], country_code)
    assert rules is not None  # every code in the map has metadata
    return rules


def _fits_general(number: str, rules: _Rules) -> bool:
    """``_match_national_number(number, general_desc, False)``: the pattern alone, no length check."""
    return rules.general is not None and rules.general.fullmatch(number) is not None


def _length_verdict(length: int, rules: _Rules) -> int:
    """``_test_number_length`` for the general description, in its order of checks."""
    if length in rules.local_lengths:
        return _LOCAL_ONLY
    lengths = rules.general_lengths
    if lengths[0] == length:
        return _POSSIBLE
    if lengths[0] > length:
        return _TOO_SHORT
    if lengths[-1] < length:
        return _TOO_LONG
    return _POSSIBLE if length in lengths[1:] else _INVALID_LENGTH


def _strip_national_prefix(number: str, rules: _Rules) -> str:
    """``_maybe_strip_national_prefix_carrier_code``: drop (or transform) a national prefix such as "0".

    Not when the number fits the general pattern with the prefix and no longer fits without it.
    """
    prefix = rules.national_prefix
    match = prefix.match(number) if prefix is not None and number else None
    if prefix is None or match is None:
        return number
    if rules.transform is None or match.groups()[-1] is None:
        rest = number[match.end() :]
    else:
        rest = prefix.sub(rules.transform, number, count=1)
    return number if _fits_general(number, rules) and not _fits_general(rest, rules) else rest


def _finish(country_code: int, number: str, rules: _Rules) -> tuple[int, str] | None:
    """The end of ``parse``: strip a national prefix if what is left is of a usable length."""
    if len(number) < _MIN_NSN:
        return None
    stripped = _strip_national_prefix(number, rules)
    if _length_verdict(len(stripped), rules) in (_POSSIBLE, _TOO_LONG):
        number = stripped
    return (country_code, number) if _MIN_NSN <= len(number) <= _MAX_NSN else None


def _after_international_prefix(digits: str) -> tuple[int, str] | None:
    """``_maybe_extract_country_code`` once a "+" or dialling prefix is off: country code, then the rest."""
    if len(digits) <= _MIN_NSN or digits[0] == "0":
        return None
    known = phonenumbers.COUNTRY_CODE_TO_REGION_CODE
    for size in range(1, min(len(digits), 3) + 1):
        code = int(digits[:size])
        if code in known:
            return _finish(code, digits[size:], _main_rules(code))
    return None


def _national(digits: str, rules: _Rules) -> tuple[int, str] | None:
    """``parse`` of a number written without "+": maybe a dialling prefix or the region's own country code."""
    idd = rules.international_prefix.match(digits) if rules.international_prefix is not None else None
    if idd is not None and digits[idd.end() : idd.end() + 1] != "0":  # _parse_prefix_as_idd
        return _after_international_prefix(digits[idd.end() :])
    code = str(rules.country_code)
    if digits.startswith(code):  # the country code written without "+": taken off if that fits better
        rest = _strip_national_prefix(digits[len(code) :], rules)
        better = not _fits_general(digits, rules) and _fits_general(rest, rules)
        if better or _length_verdict(len(digits), rules) == _TOO_LONG:
            return _finish(rules.country_code, rest, _main_rules(rules.country_code))
    return _finish(rules.country_code, digits, rules)


def _parse(number: str, region: str | None) -> tuple[int, str] | None:
    """``parse(number, region)`` as (country code, national significant number); None where it raises."""
    if len(number) > _MAX_INPUT or not _SHAPE.fullmatch(number):
        raise Unsupported(number)
    digits = number.translate(_NOT_DIGITS)
    if number[0] == "+":
        if region is not None:  # an unknown code after "+" is retried as dialled from the region
            raise Unsupported(number)
        return _after_international_prefix(digits) if len(digits) >= 3 else None  # _is_viable_phone_number
    if len(digits) < 3:  # a bare "12" parses as a two-digit number, "1-2" does not: never a candidate
        raise Unsupported(number)
    rules = _region_rules(region) if region in phonenumbers.SUPPORTED_REGIONS else None
    if rules is None:
        raise Unsupported(number)
    return _national(digits, rules)


def _is_known_type(number: str, rules: _Rules) -> bool:
    """``_number_type_helper(number, metadata) != UNKNOWN``."""
    if rules.general_lengths and len(number) not in rules.general_lengths:
        return False
    if not _fits_general(number, rules):
        return False
    types = rules.types_by_length.get(len(number))
    return types is not None and types.fullmatch(number) is not None


@functools.cache
def _sharing(country_code: int) -> tuple[_Rules, ...]:
    """The rules of every region using the code, main region first: one lookup, not one per region."""
    found = map(_region_rules, phonenumbers.COUNTRY_CODE_TO_REGION_CODE[country_code])
    return tuple(rules for rules in found if rules is not None)


def _valid_rules(country_code: int, number: str) -> _Rules | None:
    """The rules of the region a valid number belongs to (``_region_code_for_number_from_list``); None if invalid."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[country_code]
    if len(regions) == 1:
        rules = _rules(regions[0], country_code)
        return rules if rules is not None and _is_known_type(number, rules) else None
    for rules in _sharing(country_code):
        if rules.leading_digits is not None:
            if rules.leading_digits.match(number):
                return rules if _is_known_type(number, rules) else None
        elif _is_known_type(number, rules):
            return rules
    return None


def _is_valid(country_code: int, number: str) -> bool:
    """``is_valid_number``: the number's region, then its types."""
    return _valid_rules(country_code, number) is not None


def _is_possible(country_code: int, number: str) -> bool:
    """``is_possible_number``: a length the main region of the code uses, locally or in full."""
    return _length_verdict(len(number), _main_rules(country_code)) in (_POSSIBLE, _LOCAL_ONLY)


def prepare(regions: Iterable[str]) -> None:
    """Compile these regions' rules now (and those of every region sharing their country codes), not on first use.

    Each region's patterns take 1-3 ms to compile; a first number that no region takes would
    compile them all inside one request (~0.1 s). Cached for the process: a second call costs nothing.
    """
    for region in regions:
        rules = _region_rules(region)
        if rules is not None:
            _main_rules(rules.country_code)
            _sharing(rules.country_code)  # (the United States' code is shared by 25 regions, Britain's by 4)


def service(number: str, region: str | None) -> bool:
    """Whether ``parse(number, region)`` is a valid toll-free or shared-cost number (a company's line).

    ``number_type`` tries premium rate first, then toll free, then shared cost; no region's metadata
    has a number of two of those types, so testing the two alone gives its answer for them.

    Raises:
        Unsupported: for inputs outside the finder's shapes; ask phonenumbers.
    """
    parsed = _parse(number, region)
    if parsed is None:
        return False
    rules = _valid_rules(*parsed)
    if rules is None:
        return False
    pattern = rules.service_by_length.get(len(parsed[1]))
    return pattern is not None and pattern.fullmatch(parsed[1]) is not None


def mobile(number: str, region: str | None) -> bool | None:
    """Whether ``parse(number, region)``, if valid, fits the mobile pattern of its region; None if invalid.

    (``number_type`` says MOBILE or FIXED_LINE_OR_MOBILE for such a number unless a special type's
    pattern takes it first; close enough for telling a person's line from a company's.)

    Raises:
        Unsupported: for inputs outside the finder's shapes; ask phonenumbers.
    """
    parsed = _parse(number, region)
    rules = _valid_rules(*parsed) if parsed is not None else None
    if parsed is None or rules is None:
        return None
    pattern = rules.mobile_by_length.get(len(parsed[1]))
    return pattern is not None and pattern.fullmatch(parsed[1]) is not None


def check(number: str, region: str | None, possible: bool = False) -> bool:
    """``is_valid_number(parse(number, region))`` (or ``is_possible_number``), False where parse raises.

    Raises:
        Unsupported: for inputs outside the finder's shapes; ask phonenumbers.
    """
    parsed = _parse(number, region)
    if parsed is None:
        return False
    return _is_possible(*parsed) if possible else _is_valid(*parsed)
