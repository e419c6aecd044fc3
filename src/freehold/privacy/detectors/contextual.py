"""Finders whose shape alone says too little: phone numbers and dates of birth.

A ten-digit number is an order id as often as a phone; a date is a deadline far more often than a
birthday. So these look at the words around a candidate: a ``+`` country code or a word such as
"call" or "phone" for numbers (then libphonenumber decides whether the digits are a real number
of some country), and "born", "DOB" or "date of birth" just before a date.
"""

from __future__ import annotations

import functools
import re
from typing import Final

import phonenumbers

from freehold.privacy.detectors import phones
from freehold.privacy.detectors.base import Cluster, Hit, Priority, RunFinder, after, alternation, before, in_runs
from freehold.privacy.detectors.columns import MAX_ROW, Columns
from freehold.privacy.detectors.validators import plausible_birth_date

__all__ = ["BirthDateFinder", "PhoneFinder"]

# "+" or "00" not after a word character or "+"; written to start with a character class so that
# ``re`` skips straight to the next "+" or "0" instead of trying every position.
_INTL: Final = re.compile(r"[+0](?<![\w+].)(?:(?<=\+)|(?<=0)0)[1-9][\d(). \t-]{5,22}\d(?!\w)")
_NATIONAL: Final = re.compile(
    r"(?:\((?<![\w+#$€£./:-]\()\d{1,5}\)[ .-]?\d|\d(?<![\w+#$€£./:-]\d))(?<!\d[ -]\d)[\d .-]{5,16}\d(?![\w]|[.-]\d| \d)"
)
_GROUP: Final = re.compile(r"\S+")
_SEVEN_DIGITS: Final = re.compile(r"[0-9](?:[^0-9]*[0-9]){6}")  # one pass, where counting each digit takes ten
_US_SHAPE: Final = re.compile(r"(?:1[ .-])?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}")
_DATE_OR_IP: Final = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\d{1,2}\. \d{1,2}\. \d{4}\b|(?:\d+\.){3}\d+"
)  # ISO and numeric dates, "19. 9. 1973" (Czech, German), dotted quads
_PHONE_WORD_LIST: Final = (
    "tel", "call(?:ed|ing)?", "ring", "cell", "fax", "whatsapp", "sms", "text(?:ed)? me", "contact", "reach",
    "hotline", "landline", "dial", "number", r"no\.", "mob", "on-call", "oncall", "pager", "portable", "numéro",
    "numero", "número", "numer", "nummer", "rufnummer", "tél", "tlf", "komórka",
    # the verbs and nouns of the languages the regions tried below speak (and of their neighbours)
    "anrufen", "rufen", "ruf", "rückfragen", "rückruf", "erreichbar", "durchwahl", "appeler", "appelez",
    "appelle[zr]?", "joignable", "joindre", "llamar", "llame", "llámame", "llámanos", "llamada", "chiamare",
    "chiamami", "chiamateci", "chiamata", "bellen", "bel", "gebeld", "bereikbaar", "ligar", "ligue", "liga",
    "ringa", "ringe", "ringer", "når", "nås", "kontakta", "dzwonić", "zadzwoń", "dzwoń", "zavolejte", "zavolat",
    "volejte",
)  # fmt: skip
# Stems that begin longer words: telephone, telefoonnummer, phone_number, mobilnummer, handynummer.
_PHONE_STEMS: Final = ("telefo", "telepho", "teléfo", "télépho", "telemó", "phone", "mobil", "mobiel", "móvil",
                       "movil", "celular", "cellulare", "handy", "電話")  # fmt: skip
_PHONE_WORDS: Final = re.compile(rf"\b{alternation(*_PHONE_WORD_LIST)}\b|(?<![^\W_]){alternation(*_PHONE_STEMS)}")
# "text" is a phone word only as the verb right before the number ("or text +44 7700 900123",
# "text me on 0412 555 019"); anywhere else, or after a determiner ("the text 555 1234"), it is the noun.
_TEXT_VERB: Final = re.compile(
    r"(?<!the )(?<!his )(?<!a )(?<!of )(?<!in )\btext(?:ed|ing)?(?: (?:me|us|him|her|them))?(?: (?:at|on|to))?[ :]*$"
)
_NOT_PHONE: Final = re.compile(
    r"\b(?:order|invoice|ticket|tracking|account|case|ref|reference|serial|part|sku|po|policy|claim|member|customer"
    r"|contract|transaction|id|isbn|batch|build|code|pin|passcode|otp|nhs|passport|vat|tax|patient|employee|student"
    r"|commande|facture|dossier|client|bestellung|rechnung|kunden|auftrag|pedido|factura|cliente|bestelling"
    r"|factuur|klant|ordine|fattura|zamówienia|faktury)\b"
)
# Where a number written without its country code is tried, most likely first.
# Each try is a metadata check of a few µs, made only for a candidate next to a phone word; a
# number of any other country is found when written with its country code.
REGIONS: Final = (
    "US", "GB", "DE", "FR", "IN", "AU", "ES", "IT", "NL", "BR", "MX", "JP", "CH",
    "SE", "PL", "BE", "AT", "DK", "NO", "PT", "IE", "CZ", "TR",
)  # fmt: skip


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


def _parsed_valid(number: str, region: str | None, possible: bool) -> bool:
    """What ``_valid`` answers, asked of phonenumbers itself (for the shapes ``phones.check`` declines)."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    if possible:
        return bool(phonenumbers.is_possible_number(parsed))
    return bool(phonenumbers.is_valid_number(parsed))


def _said(text: str, start: int, end: int, columns: Columns | None) -> bool:
    """A phone word shortly before (or just after) the number, and no "order", "invoice"… right before it.

    Or, in a table (``columns``: None for a text of one line), a column named like one (``phone``,
    ``Telefon``, ``mobile_no``).
    """
    window = before(text, start, 40)
    if _NOT_PHONE.search(window[-20:]):
        return False
    if _PHONE_WORDS.search(window) or _PHONE_WORDS.search(after(text, end, 30)):
        return True
    if "text" in window and _TEXT_VERB.search(window):
        return True
    name = columns.name(start) if columns is not None else None  # a table's header names the column instead
    if name is None:
        return False
    name = name.replace("_", " ").replace("-", " ")  # ``mobile_no``, ``phone-number``: the words, apart
    return _PHONE_WORDS.search(name) is not None and not _NOT_PHONE.search(name)


class PhoneFinder(RunFinder):
    """Numbers valid for some country by libphonenumber's metadata.

    With a ``+`` (or ``00``) country code a number stands on its own. Without one, a US-shaped
    number (``(415) 555-2671``) valid in the US is taken anywhere, and any other grouping only
    after a phone word, tried against ``REGIONS``. Dates and dotted quads never are phones.
    """

    def find_in(self, text: str, runs: list[Cluster]) -> list[Hit]:
        hits: list[Hit] = []
        taken: set[int] = set()
        columns = Columns(text) if "\n" in text else None
        # A national candidate counts its own digits; only the international scan needs seven in the
        # text (no country's number is shorter). It looks at the whole text: tabs or parentheses may
        # cut an international number into runs too short for ``runs``.
        intl = ("+" in text or "00" in text) and _SEVEN_DIGITS.search(text) is not None
        for m in _INTL.finditer(text) if intl else ():
            groups = list(_GROUP.finditer(m.group()))
            # The pattern may run on into a following number: drop up to two trailing groups.
            for k in range(len(groups), max(len(groups) - 3, 0), -1):
                candidate = m.group()[: groups[k - 1].end()].rstrip(".-)")
                number = "+" + candidate[2:] if candidate.startswith("00") else candidate
                end = m.start() + len(candidate)
                score = 0.95 if _valid(number, None) else 0.0
                if score and candidate.startswith("00") and candidate.isdigit():
                    # "00" and digits alone is as often a meter or account code: it needs a phone word
                    score = 0.85 if _said(text, m.start(), end, columns) else 0.0
                if not score and _said(text, m.start(), end, columns) and _valid(number, None, True):
                    score = 0.7
                if score:
                    hits.append(Hit(m.start(), end, "PHONE", score, Priority.CONTEXTUAL))
                    taken.add(m.start())
                    break
        for m in in_runs(_NATIONAL, text, runs, 7):
            if m.start() in taken or text[max(0, m.start() - 1) : m.start()] == "+":
                continue
            raw = m.group()
            digit_count = len(raw) - sum(map(raw.count, " .-()"))  # the pattern's only non-digits
            if not 7 <= digit_count <= 13 or _DATE_OR_IP.search(raw):
                continue
            if digit_count == len(raw) - 1 and raw.count(".") == 1:
                continue  # one dot and no other separator: a decimal number ("12345.6789")
            if not raw.strip("01 ") or (raw.isdigit() and raw.endswith("0000")):
                continue  # a binary number ("1001 0011"), a round quantity ("1200000")
            if _said(text, m.start(), m.end(), columns):
                if any(_valid(raw, region) for region in REGIONS):
                    hits.append(Hit(m.start(), m.end(), "PHONE", 0.85, Priority.CONTEXTUAL))
                elif digit_count >= 10 and _valid(raw, "US", True):
                    hits.append(Hit(m.start(), m.end(), "PHONE", 0.6, Priority.CONTEXTUAL))
            elif _US_SHAPE.fullmatch(raw) and _valid(raw, "US") and not _NOT_PHONE.search(before(text, m.start(), 20)):
                hits.append(Hit(m.start(), m.end(), "PHONE", 0.75, Priority.CONTEXTUAL))
        return hits


# Before the words there must be no letter or digit (``BirthDateFinder`` checks, so that the pattern
# starts with its words' first letters and ``re`` skips to them); ``patient_dob`` and
# ``"birth_date"`` (field names) count.
_BIRTH_WORDS: Final = alternation(
    r"date[\s_]*of[\s_]*birth", r"birth[\s_-]?date", r"birthday", r"born(?:\s+on)?", r"d\.?o\.?b\.?", r"geburtsdatum",
    r"geboren(?:\s+am)?", r"geb\.", r"fecha\s+de\s+nacimiento", r"nacid[oa]\s+el", r"date\s+de\s+naissance",
    r"née?\s+le", r"data\s+di\s+nascita", r"nat[oa]\s+il", r"geboortedatum", r"geboren\s+op",
    r"data\s+de\s+nascimento", r"nascid[oa]\s+em", r"data\s+urodzenia", r"urodzon[ya]", r"födelsedatum", r"född",
    r"fødselsdato", r"født", r"datum\s+narození", r"narozen[aá]?", r"doğum\s+tarihi", r"syntymäaika", r"生年月日",
    r"誕生日",
)  # fmt: skip
_BIRTH: Final = re.compile(_BIRTH_WORDS, re.IGNORECASE)
_BIRTH_LOWER: Final = re.compile(_BIRTH_WORDS)  # over the lower-cased text: far cheaper than IGNORECASE
# Month names in the languages above (Polish and Czech in the genitive a date uses); "mar" is
# March, "mart" Turkish March, and the longest name is tried first.
_MONTH_NAMES: Final = (
    ("january", "jan", "januar", "janvier", "enero", "gennaio", "janeiro", "januari", "stycznia", "ledna", "ocak"),
    ("february", "feb", "februar", "février", "febrero", "febbraio", "fevereiro", "februari", "lutego", "února",
     "şubat"),
    ("march", "mar", "märz", "mars", "marzo", "março", "maart", "marca", "marts", "března", "mart"),
    ("april", "apr", "avril", "abril", "aprile", "kwietnia", "dubna", "nisan"),
    ("may", "mai", "mayo", "maggio", "maio", "mei", "maja", "maj", "května", "mayıs"),
    ("june", "jun", "juni", "juin", "junio", "giugno", "junho", "czerwca", "června", "haziran"),
    ("july", "jul", "juli", "juillet", "julio", "luglio", "julho", "lipca", "července", "temmuz"),
    ("august", "aug", "août", "agosto", "augustus", "sierpnia", "augusti", "srpna", "ağustos"),
    ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "settembre", "setembro", "września",
     "září", "eylül"),
    ("october", "oct", "oktober", "octobre", "octubre", "ottobre", "outubro", "października", "října", "ekim"),
    ("november", "nov", "novembre", "noviembre", "novembro", "listopada", "listopadu", "kasım"),
    ("december", "dec", "dezember", "décembre", "diciembre", "dicembre", "dezembro", "grudnia", "prosince", "aralık"),
)  # fmt: skip
_MONTHS: Final = {name: i + 1 for i, names in enumerate(_MONTH_NAMES) for name in names}
_MONTH: Final = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE: Final = re.compile(
    r"(?P<iso>(?P<iy>\d{4})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2}))"
    r"|(?P<num>(?P<a>\d{1,2})[-/.] ?(?P<b>\d{1,2})[-/.] ?(?P<y>\d{4}|\d{2}))"
    rf"|(?P<dmy>(?P<dd>\d{{1,2}})(?:st|nd|rd|th|er|º|\.)?\s+(?:of\s+|de\s+)?(?P<dm>{_MONTH})\.?,?\s+(?:de\s+)?(?P<dy>\d{{4}}))"
    rf"|(?P<mdy>(?P<mm>{_MONTH})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>\d{{4}}))"
    r"|(?P<ymd>(?P<jy>\d{4})年(?P<jm>\d{1,2})月(?P<jd>\d{1,2})日)",
    re.IGNORECASE,
)
_NUMERIC_DATE: Final = re.compile(r"\d{1,4}[-/.] ?\d{1,2}[-/.] ?\d{2,4}")
# Between the words and the date: punctuation, quotes, and the short words a sentence or a form
# puts there ("was born on", "geboren bin ich am", "né le", "nata il giorno", "urodzony dnia").
_BRIDGE: Final = re.compile(
    r"[\s:：=,(\-\"'`]*(?:(?:is|was|on|of|the|am|bin|ich|ist|war|le|el|il|giorno|op|em|den|dne|dnia|in|:)[\s:,]*)*",
    re.IGNORECASE,
)
_BIRTH_COLUMN: Final = re.compile(r"birth|dob|geburt|nacimiento|naissance|nascita|geboorte|nascimento|urodzenia"
                                  r"|födelse|fødsel|narození|doğum|syntymä|生年月日")  # fmt: skip


def _year(text: str) -> int:
    year = int(text)
    return year if len(text) == 4 else (1900 + year if year > 30 else 2000 + year)


def _plausible(m: re.Match[str]) -> bool:
    if m.group("iso"):
        return plausible_birth_date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
    if m.group("num"):
        a, b, y = int(m.group("a")), int(m.group("b")), _year(m.group("y"))
        return plausible_birth_date(y, a, b) or plausible_birth_date(y, b, a)  # US m/d or European d/m
    if m.group("dmy"):
        return plausible_birth_date(int(m.group("dy")), _MONTHS[m.group("dm").lower()], int(m.group("dd")))
    if m.group("mdy"):
        return plausible_birth_date(int(m.group("my")), _MONTHS[m.group("mm").lower()], int(m.group("md")))
    return plausible_birth_date(int(m.group("jy")), int(m.group("jm")), int(m.group("jd")))


def _may_name_birth(lowered: str) -> bool:
    """Whether a ``_BIRTH`` phrase may occur: substring tests cost less than one regex search.

    The words with letters outside ASCII are looked for only in text that has such letters.
    """
    return (
        "birth" in lowered or "born" in lowered or "dob" in lowered or "d.o.b" in lowered or "geb" in lowered
        or "naci" in lowered or "naiss" in lowered or "nato" in lowered or "nata" in lowered or "nasc" in lowered
        or "urodz" in lowered or "naroz" in lowered or "syntym" in lowered
        or (not lowered.isascii() and (
            "né" in lowered or "föd" in lowered or "fød" in lowered or "doğum" in lowered or "生" in lowered
            or "誕" in lowered
        ))
    )  # fmt: skip


class BirthDateFinder:
    """A date right after "born", "DOB", "date of birth" (and a few other languages): the date is the span.

    Only the date that follows the words within a few filler words is taken; a bare year ("born
    in 1985") is not a date of birth by itself and is left alone.
    """

    def find(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        lowered = text.lower()
        if not _may_name_birth(lowered):
            return hits
        named = False
        sql = "values" in lowered  # an INSERT's column list may name a birth date
        # Offsets agree when lower-casing kept the length (it does but for a few letters such as "İ").
        for m in _BIRTH_LOWER.finditer(lowered) if len(lowered) == len(text) else _BIRTH.finditer(text):
            if m.start() and text[m.start() - 1].isalnum():
                continue  # inside a word ("reborn", "adobe")
            bridge = _BRIDGE.match(text, m.end())
            start = bridge.end() if bridge else m.end()
            if start - m.end() > 24:
                continue
            date = _DATE.match(text, start)
            if date and _plausible(date) and not (date.end() < len(text) and text[date.end()].isalnum()):
                hits.append(Hit(date.start(), date.end(), "DATE_OF_BIRTH", 0.9, Priority.CONTEXTUAL))
            elif not named and (sql or _delimited_line(text, m.start())):
                named = True  # the word may head a column: a CSV or Markdown header, an INSERT's column list
        if named:
            hits += _in_birth_column(text, {h.start for h in hits})
        return hits


def _delimited_line(text: str, pos: int) -> bool:
    """Whether the line holding ``pos`` has a field delimiter, as a table's header has."""
    start = text.rfind("\n", max(0, pos - MAX_ROW), pos) + 1
    end = text.find("\n", pos, pos + MAX_ROW)
    if (start == 0 and pos > MAX_ROW) or (end < 0 and len(text) - pos > MAX_ROW):
        return False  # a longer line is no header (``Columns`` agrees)
    line = text[start : end if end >= 0 else len(text)]
    return "," in line or "\t" in line or ";" in line or "|" in line


def _in_birth_column(text: str, taken: set[int]) -> list[Hit]:
    """Dates whose column (``Columns.name``) is named like a birth date (``dob``, ``birth_date``)."""
    hits = []
    columns = Columns(text)
    for found in _NUMERIC_DATE.finditer(text):  # tables hold dates in figures; the digits lead ``re`` to them
        m = _DATE.match(text, found.start())
        if m is None:
            continue
        start, end = m.span()
        if start in taken or (start and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
            continue
        if not _plausible(m):
            continue
        name = columns.name(start)
        if name is not None and _BIRTH_COLUMN.search(name):
            hits.append(Hit(start, end, "DATE_OF_BIRTH", 0.85, Priority.CONTEXTUAL))
    return hits
