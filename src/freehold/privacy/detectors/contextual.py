"""Phone numbers: a shape alone says too little, so the words around a candidate decide.

A ten-digit number is an order id as often as a phone. So a number counts with a ``+`` country
code or next to a word such as "call" or "phone" (then libphonenumber decides whether the digits
are a real number of some country). Dates of birth, the other finder that reads context, are in
``birthdates``.
"""

from __future__ import annotations

import functools
import re
from typing import Final

import phonenumbers

from freehold.privacy.detectors import cues, phones
from freehold.privacy.detectors.base import (
    Hit,
    Priority,
    Scan,
    Scanning,
    before,
    in_runs,
    words_after,
    words_before,
)
from freehold.privacy.detectors.columns import Columns, whole_cell
from freehold.privacy.detectors.layout import key_of
from freehold.privacy.detectors.ocr import ocr_digits
from freehold.privacy.detectors.phone_words import (
    ABBREVIATION_LABEL,
    ABBREVIATIONS,
    ARABIC_QUALIFIED,
    BARE_LABEL,
    CJK_PHONE,
    COMPANY_LINE,
    FOLLOWING_END,
    NOT_PHONE,
    NOT_PHONE_CJK,
    NUMBER_WORD,
    OTHER_NUMBER,
    PHONE_LABEL,
    PHONE_WORDS,
    PHONE_WORDS_AFTER,
    QUALIFIED,
    TEXT_VERB,
)

__all__ = ["REGIONS", "PhoneFinder", "phone_said", "prepare_regions", "valid_phone"]

# "+" or "00" not after a word character or "+" ("00" not after a decimal point either: "6.0021"); written
# to start with a character class so that ``re`` skips straight to the next "+" or "0" instead of trying
# every position.
_INTL: Final = re.compile(r"[+0](?<![\w+].)(?:(?<=\+)|(?<=0)(?<!\.0)0)[1-9][\d(). \t-]{5,22}\d(?!\w)")
# A Korean or Japanese particle may follow or precede a number directly ("010-5160-6236이고",
# "携帯は090-1045-1315"): only a Latin letter or a digit beside it makes it part of a longer token.
_NATIONAL: Final = re.compile(
    r"(?:\((?<![0-9A-Za-z_\u00c0-\u024f+#$€£./:-]\()\d{1,5}(?: \d{1,3})?\)[ .-]?\d"
    r"|\d(?<![0-9A-Za-z_\u00c0-\u024f+#$€£./:-]\d))(?<!\d[ -]\d)[\d .-]{5,16}\d"
    r"(?![0-9A-Za-z_\u00c0-\u024f]|[./-]\d| \d)"
)
# An area code ended by "/" ("0171/2341769", as German and Austrian write it): the digit runs the
# other finders share stop at "/", so these are looked for on their own, where a "/" is.
# (And Hungary's "06-30/849-7770".)
_SLASHED: Final = re.compile(r"0(?<![\w/.]0)\d{1,4}(?:-\d{2})?/\d[\d .-]{3,10}\d(?![\w/]|[.-]\d)")
_GROUP: Final = re.compile(r"\S+")
_EXTENSION: Final = re.compile(r",?[ \t]*(?:ext\.?|extension|x|#|poste)[ \t]*\d{1,6}(?![\w-])", re.IGNORECASE)


def _camel_hint(window: str) -> bool:
    return "phone" in window or "mobile" in window or "tel" in window or "cell" in window or "fax" in window


_CAMEL_PHONE: Final = re.compile(r"[a-z](?:Phone|Mobile|Tel|Telephone|Cell|Fax)(?:Number|No)?[\"']?\s*[:=]\s*[\"']?$")
_TEL_PROPERTY: Final = re.compile(r"(?i:\btel)(?:;[^:\n]{0,40})?:(\+?\d[\d ().-]{5,20}\d)(?![\d])")
cues.register("tel", "tel:", "%2b", "wa.me/")
_ENCODED_PLUS: Final = re.compile(r"%2[Bb](\d{7,15})(?!\d)")
_WHATSAPP: Final = re.compile(r"wa\.me/(\d{8,15})(?!\d)")
_SEVEN_DIGITS: Final = re.compile(r"[0-9](?:[^0-9]*[0-9]){6}")  # one pass, where counting each digit takes ten
# One separator throughout ("415-555-2671", "415.555.2671"): "252.227-7013" is a clause of the DFARS.
_US_SHAPE: Final = re.compile(r"(?:1[ .-])?(?:\(\d{3}\) ?\d{3}[ .-]|\d{3}([ .-])\d{3}\1)\d{4}")
# Numbers in a country's own way of writing its mobile numbers (and France's five pairs, the UK's landlines),
# so distinctive that, valid there, they are taken without a phone word as ``_US_SHAPE`` is: "06 12 34 56 78",
# "0171 2345678", "07700 900123", "020 7946 0958", "0121 496 0123", "06-12345678", "333 123 4567",
# "612 34 56 78", "070-123 45 67", "0412 345 678", "(03) 9123 4567", "98765 43210", "(11) 98765-4321".
# One separator throughout, as people write them ("367.996 210" is a drawing's coordinates).
# Unspaced runs are left out: eleven digits in a row are an order's or an account's as often as a phone's.
_NATIONAL_SHAPES: Final = re.compile(
    r"(?P<FR>0[1-9](?P<fr>[ .])\d\d(?:(?P=fr)\d\d){3})|(?P<DE>01[5-7]\d{1,2}[ -]\d{6,8})"
    r"|(?P<GB>07[1-9]\d\d \d{3} ?\d{3}|02\d \d{4} \d{4}|01\d\d \d{3} \d{4})|(?P<NL>06[ -]\d{8})"
    r"|(?P<IT>3[1-9]\d(?P<it>[ .])\d{3}(?P=it)\d{3,4}|3[1-9]\d \d{6,7})"
    r"|(?P<ES>[67]\d\d(?: \d\d){3})|(?P<SE>07\d-\d{3} \d\d \d\d)"
    r"|(?P<AU>04\d\d \d{3} \d{3}|\(0[2378]\) \d{4} \d{4})|(?P<IN>[6-9]\d{4} \d{5})|(?P<BR>\(\d\d\) 9\d{4}-\d{4})"
)  # (not Spain's "612 345 678": nine digits in threes are as often an account); the country is the group's name
# Not phone numbers, however near a phone word: a range of years ("Copyright 1995-2011"), a compact date
# ("20220604" in a changelog), a ZIP+4 code after a state's abbreviation ("Boston, MA 02110-1301").
_YEARS: Final = re.compile(r"(?:19|20)\d\d ?[-–] ?(?:19|20)\d\d|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
_EXPONENT: Final = re.compile(r" ?[eE][+-]?\d")
_GROUP_BEFORE: Final = re.compile(r"\d[ .-]$")
_CEP: Final = re.compile(r"\d{5}-\d{3}")
_NOT_DIGITS: Final = str.maketrans("", "", "+ .()-/")
# An amount in thousands, "€ 1.200.000,00", "1,250,000.00 USD": its currency before or its cents after.
_AMOUNT: Final = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})+")
_CURRENCY: Final = re.compile(r"[€$£¥₹]\s?$")
_ZIP4: Final = re.compile(r"\d{5}-\d{4}")
_STATE_BEFORE: Final = re.compile(r"\b[A-Z]{2},? +$")
_PAIRS: Final = re.compile(r"0\d([ .-])\d\d(?:\1\d\d){3}")  # "06.49.99.66.08": five pairs, not a date
_DATE_OR_IP: Final = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\d{1,2}\. \d{1,2}\. \d{4}\b|(?:\d+\.){3}\d+"
)  # ISO and numeric dates, "19. 9. 1973" (Czech, German), dotted quads
# Russian and Ukrainian grouping, "8 912 345-67-89", "(912) 345-67-89": its tail has a date's shape, the
# whole a number's.
_HUNGARIAN: Final = re.compile(r"06-\d{1,2}/\d{3}-?\d{3,4}")  # "06-30/849-7770": trunk, area, number; no date
_DASHED_PAIRS: Final = re.compile(r"(?:[78][ -]?)?(?:\(\d{3,5}\) ?|\d{3}[ -])\d{3}-\d{2}-\d{2}")
# A key that names a time, an id, a count or an amount (``created_at``, ``updatedAt``, ``order_id``, ``ts``):
# its value is that, whatever phone word stands earlier in the record.
_OTHER_KEY: Final = re.compile(
    r"(?:^|[_.-])(?i:at|on|time|timestamp|date|epoch|ts|created|updated|modified|expires?|id|ids|uuid|count|total"
    r"|amount|size|bytes|offset|seq|sequence|duration|ms|price|cents|version|port|pid)$"
    r"|[a-z](?:At|On|Time|Timestamp|Date|Id|Ids|Count|Total|Amount|Size|Offset|Ms)$|^(?i:id|ts)$"
)
_SCANNED_AREA: Final = re.compile(r"\((?=[\d]*[OolISB])[\dOolISB]{3}\) ?$")  # with a letter OCR took for a digit
# and "8 (912) 345-67-89", "0 (544) 652 57 18": the trunk prefix before the bracket (Russia's, Turkey's)
_TRUNK_PREFIX: Final = re.compile(r"(?<!\w)[80] $")
# Where a number written without its country code is tried, most likely first.
# Each try is a metadata check of a few µs, made only for a candidate next to a phone word; a
# number of any other country is found when written with its country code.
REGIONS: Final = (
    "US", "GB", "DE", "FR", "IN", "AU", "ES", "IT", "NL", "BR", "MX", "JP", "CH",
    "SE", "PL", "BE", "AT", "DK", "NO", "PT", "IE", "CZ", "TR", "FI", "SK", "HU", "RO",
    "AR", "CO", "CL", "PE", "PH", "ID", "VN", "MY", "SG", "ZA", "NG", "KE", "NZ",
    "HR", "SI", "EE", "LV", "LT", "EC", "UY", "CR", "GT", "DO", "GH", "TZ", "UG",
)  # fmt: skip
# Countries whose own script the text is written in, tried after ``REGIONS``: a Korean text's
# number is most likely Korean. Each pattern is one character class, searched only for a candidate
# next to a phone word that no region above took.
SCRIPT_REGIONS: Final = (
    (re.compile("[\uac00-\ud7af]"), ("KR",)),
    (re.compile("[\u3040-\u30ff\u4e00-\u9fff]"), ("CN", "TW", "HK")),
    (re.compile("[\u0370-\u03ff]"), ("GR", "CY")),
    (re.compile("[\u0400-\u04ff]"), ("UA", "RU", "BG", "RS", "BY", "KZ")),
    (re.compile("[\u0600-\u06ff]"), ("AE", "SA", "EG", "MA", "JO", "KW", "QA", "IR", "PK", "IQ", "LB", "OM")),
    (re.compile("[\u0980-\u09ff]"), ("BD",)),
    (re.compile("[\u0590-\u05ff]"), ("IL",)),
    (re.compile("[\u0e00-\u0e7f]"), ("TH",)),
)


def prepare_regions() -> None:
    """Compile the rules of every region a number without its country code is tried against (start-up, once)."""
    phones.prepare((*REGIONS, *(region for _, regions in SCRIPT_REGIONS for region in regions)))


class _Scripts:
    """The countries of the scripts a text is written in, found on first need, once per ``find_in`` call.

    (Per call, not in a module cache: a cache keyed by the text would keep prompts in memory.)
    """

    __slots__ = ("_found", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._found: tuple[str, ...] | None = None

    def regions(self) -> tuple[str, ...]:
        if self._found is None:
            self._found = _script_regions(self._text)
        return self._found


def _script_regions(text: str) -> tuple[str, ...]:
    """The countries of the scripts ``text`` is written in."""
    if text.isascii():
        return ()
    return tuple(region for script, regions in SCRIPT_REGIONS if script.search(text) for region in regions)


@functools.lru_cache(maxsize=4096)
def _valid(number: str, region: str | None, possible: bool = False) -> bool:
    """Valid by the country's number plan; or, with ``possible``, only of a length the country uses.

    Fictional and newly opened ranges (``+44 7700 900…``) fail validation; next to a phone word
    a number of a possible length is still taken, at a lower score. ``phones.check`` answers as
    ``parse`` + ``is_valid_number`` would in ~5 µs instead of ~40; shapes it does not take (letters,
    tabs, extensions) go to phonenumbers itself.
    """
    try:
        return phones.check(number, region, possible)
    except phones.Unsupported:
        return _parsed_valid(number, region, possible)


def valid_phone(number: str, region: str | None) -> bool:
    """Whether ``number`` is a valid phone number of ``region`` (None: it carries its "+" country code)."""
    return _valid(number, region)


def phone_said(text: str, start: int, end: int) -> bool:
    """Whether the words around ``text[start:end]`` call it a phone number (as ``PhoneFinder`` asks of figures)."""
    return _said(text, start, end, None, _Scripts(text))


def _parsed_valid(number: str, region: str | None, possible: bool) -> bool:
    """What ``_valid`` answers, asked of phonenumbers itself (for the shapes ``phones.check`` declines)."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    if possible:
        return bool(phonenumbers.is_possible_number(parsed))
    return bool(phonenumbers.is_valid_number(parsed))


def _speaker(window: str, negative: re.Match[str]) -> bool:
    """Whether the negative word is a transcript's speaker ("Customer: 06 12 34 56 78"), not "customer no."."""
    head = window[: negative.start()].rstrip(" \t")
    return window.startswith(":", negative.end()) and (not head or head.endswith(("\n", "]")))


def _called_after(window: str, end: int) -> bool:
    """A phone word other than "number" or "no." between the negative word and the number: it is the nearer.

    "… account number as per the IBAN). Call me on 07402 976018": the call, not the account, owns it;
    "order no. 4412…" stays an order's.
    """
    later = PHONE_WORDS.search(window, end)
    return later is not None and NUMBER_WORD.match(later.group()) is None


def _refused(text: str, start: int, raw: str, scripts: _Scripts) -> bool:
    """A negative word right before the number, or a company's line: a shaped number is no one's phone then."""
    window = before(text, start, 40)
    if NOT_PHONE.search(window, len(window) - 20) is not None or _other_key(text, start):
        return True
    return _company_line(window) and not _mobile(raw, scripts)


def _other_key(text: str, start: int) -> bool:
    """Whether the value's own key says what it is: ``"created_at": 1715671520``, ``"order_id": "415-555-…"``."""
    key = key_of(text, start)
    return key is not None and _OTHER_KEY.search(key) is not None


def _company_line(window: str) -> bool:
    """``COMPANY_LINE`` at the window's end; substring tests first, as most windows hold none of its words."""
    return any(word in window for word in _COMPANY_HINTS) and COMPANY_LINE.search(window) is not None


_COMPANY_HINTS: Final = (
    "hotline", "helpline", "service", "centre", "center", "uan", "switchboard", "quiries", "toll", "freephone",
    "customer ",
)  # fmt: skip
_MOBILE: Final = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def _mobile(raw: str, scripts: _Scripts) -> bool:
    """Whether the number is a mobile in the first region that takes it: after "hotline", a mobile is someone's own.

    (A company's lines are landlines and service numbers; "distributor hotline: 0171 2345678" is a
    salesman's phone.) Read off the cached metadata; phonenumbers itself for shapes it declines.
    """
    for region in (*scripts.regions(), *REGIONS) if raw[:1] != "+" else (None,):
        try:
            answer = phones.mobile(raw, region)
        except phones.Unsupported:
            kind = _parsed_type(raw, region)
            answer = None if kind is None else kind in _MOBILE
        if answer is not None:
            return answer
    return False


def _cjk_said(window: str, first: bool = False) -> bool:
    """A phone word of a script without spaces, or of Arabic; "رقم" (number) only unqualified or a phone's.

    "رقم الاشتراك" (subscription number), "رقم العملية" (transaction number) are those things' numbers;
    "رقم الهاتف", "رقم الجوال" and "رقمي" (my number) are phones'. The word nearest the number counts:
    the last before it, or (``first``) the first after it.
    """
    matches = list(CJK_PHONE.finditer(window))
    if not matches:
        return False
    word = matches[0] if first else matches[-1]
    return word.group() != "رقم" or ARABIC_QUALIFIED.match(window, word.end()) is None


def _said(text: str, start: int, end: int, columns: Columns | None, scripts: _Scripts) -> bool:
    """A phone word shortly before (or just after) the number, and no "order", "invoice"… right before it.

    Or, in a table (``columns``: None for a text of one line), a column named like one (``phone``,
    ``Telefon``, ``mobile_no``).
    """
    if _other_key(text, start):
        return False
    if columns is not None and whole_cell(text, start, end) and (named := columns.name(start)) is not None:
        return _phone_column(named)  # a delimited table's cell: its column's name says, not the header's other words
    window = words_before(text, start, 40)
    negative = NOT_PHONE.search(window, max(0, len(window) - 20))
    if negative is not None and not _speaker(window, negative) and not _called_after(window, negative.end()):
        return False
    if _company_line(window) and not _mobile(text[start:end], scripts):
        return False  # a company's line ("hotline", "call centre", "UAN"): printed for everyone, no one's own
    # (a word on the next line, or in the next sentence, labels another number: "… N° 1077432). Datos de contacto:")
    following = FOLLOWING_END.split(words_after(text, end, 30), 1)[0]
    ascii_only = window.isascii() and following.isascii()
    if not ascii_only and NOT_PHONE_CJK.search(window, max(0, len(window) - 20)):
        return False
    said = PHONE_WORDS.search(window)
    if said is not None and said.group() in ABBREVIATIONS:  # "WA", "HP", "CP" label only the number right after
        said = PHONE_WORDS_AFTER.search(window) or ABBREVIATION_LABEL.search(window)
    if said is not None and NUMBER_WORD.match(said.group()) and QUALIFIED.match(window, said.end()):
        said = None  # "número de demandante", "numero di pratica": that thing's number, not a phone's
    if said is not None and OTHER_NUMBER.search(window, said.end()):
        *_, last = PHONE_WORDS.finditer(window)  # the word nearest the number
        if OTHER_NUMBER.search(window, last.end()):
            said = None  # "number 00340434161094042557 was scanned at …": the word is the other number's
    if said is not None:
        return True
    after_word = PHONE_WORDS_AFTER.search(following)
    if after_word is not None and not NOT_PHONE.search(following, 0, after_word.start()):
        return True  # (not "4857773457 in PID-3 is an NHS number": the number after it is another's)
    if not ascii_only and (_cjk_said(window) or _cjk_said(following, first=True)):
        return True
    if "text" in window and TEXT_VERB.search(window):
        return True
    if window.rstrip(" \t")[-1:] in (":", ".", "：") and PHONE_LABEL.search(window):
        return True
    if window[-1:] == " " and BARE_LABEL.search(window, max(0, len(window) - 24)):
        return True
    if _camel_hint(window) and _CAMEL_PHONE.search(text, max(0, start - 40), start):
        return True  # a camelCase key: "billingPhone": "512 693 580" (lower-cased, its word ran into the one before)
    name = columns.name(start) if columns is not None else None  # a table's header names the column instead
    return name is not None and _phone_column(name)


def _phone_column(name: str) -> bool:
    """Whether a table column's name (``phone``, ``Telefon``, ``mobile_no``) says its cells are phone numbers."""
    name = name.replace("_", " ").replace("-", " ")  # ``mobile_no``, ``phone-number``: the words, apart
    word = PHONE_WORDS.search(name)
    if word is None or NOT_PHONE.search(name):
        return False
    # "Number" heads a contact list's column alone; qualified ("OE number", "Bosch no."), it is that thing's.
    return NUMBER_WORD.match(word.group()) is None or name.strip(" .:#") == word.group().rstrip(".")


class PhoneFinder(Scanning):
    """Numbers valid for some country by libphonenumber's metadata.

    With a ``+`` (or ``00``) country code a number stands on its own. Without one, a US-shaped
    number (``(415) 555-2671``) valid in the US is taken anywhere, and any other grouping only
    after a phone word, tried against ``REGIONS``. Dates and dotted quads never are phones.
    """

    def find_in(self, scan: Scan) -> list[Hit]:
        text, runs = scan.text, scan.runs
        hits: list[Hit] = []
        taken: set[int] = set()
        columns = scan.columns if "\n" in text else None
        scripts = _Scripts(text)
        # A national candidate counts its own digits; only the international scan needs seven in the
        # text (no country's number is shorter). It looks at the whole text: tabs or parentheses may
        # cut an international number into runs too short for ``runs``.
        intl = ("+" in text or "00" in text) and _SEVEN_DIGITS.search(text) is not None
        for m in _INTL.finditer(text) if intl else ():
            if m.group()[0] == "0" and _GROUP_BEFORE.search(text, max(0, m.start() - 3), m.start()):
                continue  # "4000 0027 6000 3184": a card's or an account's next group, not "+27"
            groups = list(_GROUP.finditer(_before_gap(m.group())))
            # The pattern may run on into a following number: drop up to two trailing groups.
            for k in range(len(groups), max(len(groups) - 3, 0), -1):
                candidate = m.group()[: groups[k - 1].end()].rstrip(".-)")
                number = "+" + candidate[2:] if candidate.startswith("00") else candidate
                end = m.start() + len(candidate)
                score = 0.95 if _valid(number, None) else 0.0
                if score and candidate.startswith("00") and candidate.isdigit():
                    # "00" and digits alone is as often a meter or account code: it needs a phone word
                    score = 0.85 if _said(text, m.start(), end, columns, scripts) else 0.0
                if not score and _said(text, m.start(), end, columns, scripts) and _valid(number, None, True):
                    score = 0.7
                if score >= 0.85 and _service(number, None):
                    taken.add(m.start())
                    break  # a company's toll-free or shared-cost line: no one's personal number
                if score:
                    start = m.start()
                    if text[start - 1 : start] == "(" and ")" in candidate[:5]:
                        start -= 1  # "(+44) 20 7946 0958": the bracket around the country code is the number's
                    hits.append(Hit(start, end, "PHONE", score, Priority.CONTEXTUAL))
                    taken.add(m.start())
                    break
        national = in_runs(_NATIONAL, text, runs, 7)
        if "/" in text:
            national += _SLASHED.finditer(text)
        for m in national:
            if m.start() in taken or text[max(0, m.start() - 1) : m.start()] == "+":
                continue
            raw = _before_gap(m.group())
            start, end = m.start(), m.start() + len(raw)
            if raw[0] == "(" and _TRUNK_PREFIX.search(text, max(0, start - 3), start):
                start, raw = start - 2, text[start - 2 : end]
            elif text[start - 1 : start] in " )" and (area := _SCANNED_AREA.search(text, max(0, start - 6), start)):
                start, raw = area.start(), ocr_digits(area.group()) + raw  # a scan's "(2O1) 976-4215"
            digit_count = len(raw) - sum(map(raw.count, " .-()/"))  # the patterns' only non-digits
            dated = _DATE_OR_IP.search(raw) and not (
                _PAIRS.fullmatch(raw) or _DASHED_PAIRS.fullmatch(raw) or _HUNGARIAN.fullmatch(raw)
            )
            if not 7 <= digit_count <= 13 or dated:
                continue
            if digit_count == len(raw) - 1 and raw.count(".") == 1:
                continue  # one dot and no other separator: a decimal number ("12345.6789")
            if not raw.strip("01 ") or (raw.isdigit() and raw.endswith("0000")) or raw.endswith("000000"):
                continue  # a binary number ("1001 0011"), a round quantity ("1200000"), a sample ("2025-0000000")
            if _CEP.fullmatch(raw):
                continue  # a Brazilian postcode ("CEP 13015-002"): no country writes its phones 5-3
            if text[end : end + 2] in ("**", "••", "xx", "XX"):
                continue  # the visible part of a masked number ("930512-2******")
            if _YEARS.fullmatch(raw) or (_ZIP4.fullmatch(raw) and _STATE_BEFORE.search(text, start - 8, start)):
                continue
            if _EXPONENT.match(text, end):
                continue  # a constant's digits in groups, then its exponent: "1.319 590 8951 e-15"
            if _AMOUNT.fullmatch(raw) and (text[end : end + 1] in ",." or _CURRENCY.search(text, start - 2, start)):
                continue
            if _said(text, start, end, columns, scripts) or (hits and _joined(text, start, hits[-1])):
                # (the text's own script's countries first: "183 3432 6364" in Chinese is a mobile, not +1 833)
                region = next((r for r in scripts.regions() if _valid(raw, r)), None)
                region = region or next((r for r in REGIONS if _valid(raw, r)), None)
                if region is not None:
                    if not _national_service(raw, region):
                        hits.append(Hit(start, end, "PHONE", 0.85, Priority.CONTEXTUAL))
                elif raw.isdigit() and 11 <= len(raw) <= 15 and _valid("+" + raw, None):
                    # an international number without its "+", as SIM inventories and SMS gateways write an MSISDN
                    if not _service("+" + raw, None):
                        hits.append(Hit(start, end, "PHONE", 0.8, Priority.CONTEXTUAL))
                elif digit_count >= 10 and _valid(raw, "US", True):
                    hits.append(Hit(start, end, "PHONE", 0.6, Priority.CONTEXTUAL))
            elif _US_SHAPE.fullmatch(raw) and _valid(raw, "US") and not _refused(text, start, raw, scripts):
                if not _national_service(raw, "US"):
                    hits.append(Hit(start, end, "PHONE", 0.75, Priority.CONTEXTUAL))
            elif (shaped := _national_shape(raw)) and not _refused(text, start, raw, scripts):
                if not _national_service(raw, shaped):
                    hits.append(Hit(start, end, "PHONE", 0.7, Priority.CONTEXTUAL))
        if scan.has_cased("TEL") or scan.has_cased("tel:"):  # vCard's "TEL;TYPE=WORK:021 …", a "tel:" link
            for m in _TEL_PROPERTY.finditer(text):
                number = m.group(1).rstrip(" ")
                if m.start(1) not in taken and (
                    _valid(number, None) if number[0] == "+" else any(_valid(number, r) for r in REGIONS)
                ):
                    hits.append(Hit(m.start(1), m.start(1) + len(number), "PHONE", 0.9, Priority.CONTEXTUAL))
        if scan.has("%2b"):  # a form or a webhook's URL-encoded "+": Twilio's ``To=%2B1201…``
            for m in _ENCODED_PLUS.finditer(text):
                if _valid("+" + m.group(1), None) and not _service("+" + m.group(1), None):
                    hits.append(Hit(m.start(1), m.end(1), "PHONE", 0.9, Priority.CONTEXTUAL))
        if scan.has_cased("wa.me/"):  # a WhatsApp link holds the number in international form without its "+"
            for m in _WHATSAPP.finditer(text):
                if _valid("+" + m.group(1), None):
                    hits.append(Hit(m.start(1), m.end(1), "PHONE", 0.9, Priority.CONTEXTUAL))
        if hits and ("x" in text or "X" in text or "#" in text or "poste" in text):
            hits = [_with_extension(text, hit) for hit in hits]
        return hits


# A second number joined to the phone before it: "01527 1808785 oder im Büro unter 030 30084312",
# "029 2787 2576 or out of hours 020 7252 9327": the first one's phone word or shape governs the list.
_JOINED: Final = re.compile(
    r"[ \t,;/]*(?:or|oder|ou|o|of|eller|lub|albo|или|або|and|und|et|en|y|e)\b[^\d\n]{0,24}", re.IGNORECASE
)


def _joined(text: str, start: int, last: Hit) -> bool:
    """Whether the candidate at ``start`` follows the phone ``last`` with "or"/"oder"/"ou"… and a few words."""
    if not start - 40 <= last.end <= start or last.type != "PHONE":
        return False
    between = text[last.end : start]
    return _JOINED.fullmatch(between) is not None and not NOT_PHONE.search(between.lower())


def _before_gap(raw: str) -> str:
    """``raw`` up to two spaces or a tab: an aligned table's next column, not the number's next group.

    ``+43 664 763859     1988-11-02`` is a phone, then a date; whole, it parses as a longer Austrian number.
    """
    if "  " not in raw and "\t" not in raw:
        return raw
    cut = min(i for i in (raw.find("  "), raw.find("\t")) if i >= 0)
    return raw[:cut].rstrip(" .-(")


def _national_shape(raw: str) -> str | None:
    """The country whose own way of writing its numbers ``raw`` follows (``_NATIONAL_SHAPES``), if valid there."""
    m = _NATIONAL_SHAPES.fullmatch(raw)
    if m is None or m.lastgroup is None:
        return None
    if m.lastgroup == "FR" and _rising(raw[3:]):
        return None  # "01 02 03 04 05", "03 12 19 27 41": a draw's or a list's numbers, in order
    return m.lastgroup if _valid(raw, m.lastgroup) else None


# Toll-free and shared-cost numbers ("1-800-…", "0800 …", "1300 …", "numero verde 800 …") are a
# company's service lines, printed for everyone to call: no one's personal data. A policy that
# blocks phone numbers should not block a prompt quoting the IRS's helpline. (Two of the earlier
# held-out sets labelled one each as PHONE; the fourteenth left fifteen out. Premium-rate numbers
# stay phones: a national number tried in the wrong region can look like one.)
_SERVICE_TYPES: Final = (phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.SHARED_COST)


# A short national number is valid in many regions, and the first that takes it may not be the one
# whose service prefix it carries ("1300 555 819" is valid in Britain before Australia): these
# prefixes are also tried in the regions that use them for toll-free and shared-cost lines. (Not
# Sweden's "020": it is Amsterdam's and London's area code too.)
_SERVICE_PREFIXES: Final = (
    ("1300", ("AU",)), ("1800", ("AU", "IE")), ("0800", ("GB", "DE", "FR", "NL", "BR", "ZA", "AT", "NZ")),
    ("0808", ("GB",)), ("0860", ("ZA",)), ("0861", ("ZA",)), ("0120", ("JP",)),
    ("800", ("MX", "IT")), ("900", ("ES",)),
)  # fmt: skip


def _national_service(raw: str, region: str) -> bool:
    """``_service`` for a national number valid in ``region``, or in a region whose service prefix it has."""
    if _service(raw, region):
        return True
    digits = raw.translate(_NOT_DIGITS)
    for prefix, regions in _SERVICE_PREFIXES:
        if digits.startswith(prefix):
            return any(r != region and _valid(raw, r) and _service(raw, r) for r in regions)
    return False


def _service(number: str, region: str | None) -> bool:
    """Whether the number, valid in ``region`` (None: it has its "+"), is toll free or shared cost."""
    try:
        return phones.service(number, region)
    except phones.Unsupported:
        return _parsed_type(number, region) in _SERVICE_TYPES


def _parsed_type(number: str, region: str | None) -> int | None:
    """The type libphonenumber gives a valid number, for the shapes ``phones`` declines; None if invalid."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.number_type(parsed) if phonenumbers.is_valid_number(parsed) else None


def _rising(pairs: str) -> bool:
    """Whether the two-digit numbers of ``pairs`` ("12 19 27 41") each exceed the one before."""
    numbers = [int(pairs[i : i + 2]) for i in range(0, len(pairs), 3)]
    return all(a < b for a, b in zip(numbers, numbers[1:], strict=False))


def _with_extension(text: str, hit: Hit) -> Hit:
    """The number with the extension written right after it ("… 9824 ext. 214", "… 4211 x3302").

    In parentheses ("(ext. 655)") the extension is an aside, and the number ends before it.
    """
    m = _EXTENSION.match(text, hit.end)
    return hit if m is None else hit._replace(end=m.end())
