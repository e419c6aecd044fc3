"""Dates of birth: a date right after words that say so, in a column named so, or in the answer to the question.

A date is a deadline, a release or an incident far more often than a birthday, so the date alone
never counts: "born", "DOB", "date of birth" (in the languages below) must stand just before it,
or head its table column, or ask the question a reply then answers.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from freehold.privacy.detectors import cues
from freehold.privacy.detectors.base import Hit, Priority, Scan, Scanning, alternation
from freehold.privacy.detectors.columns import MAX_ROW, Columns
from freehold.privacy.detectors.ocr import ocr_digits
from freehold.privacy.detectors.spoken import spoken_date
from freehold.privacy.detectors.validators import plausible_birth_date

__all__ = ["BirthDateFinder"]

# Before the words there must be no letter or digit (``BirthDateFinder`` checks, so that the pattern
# starts with its words' first letters and ``re`` skips to them); ``patient_dob`` and
# ``"birth_date"`` (field names) count.
_BIRTH_WORDS: Final = alternation(
    r"date[\s_]*of[\s_]*birth", r"birth[\s_-]?date", r"birthday", r"born(?:[\s_]+on)?", r"d\.?o\.?b\.?", r"bday",
    r"geburtsdatum", r"geboren(?:[\s_]+am)?", r"geb\.", r"fecha[\s_]+(?:de[\s_]+)?nacimiento", r"nacid[oa][\s_]+el",
    r"nac[ií][\s_]+el", r"naci[óo][\s_]+el", r"date[\s_]+de[\s_]+naissance", r"née?[\s_]+le",
    r"nacid[oa][\s_]+en", r"née?[\s_]+à", r"nat[oa][\s_]+a(?=[\s_])",  # then a place: "nata a Modena il …"
    r"data[\s_]+di[\s_]+nascita", r"nat[oa][\s_]+il", r"geboortedatum", r"geboren[\s_]+op",
    r"data[\s_]+de[\s_]+nascimento", r"nascid[oa][\s_]+(?:em|a)", r"nasci[\s_]+em", r"nasceu[\s_]+(?:em|a)",
    r"dat[aęy][\s_]+urodzenia", r"urodzon[ya]", r"födelsedatum", r"född", r"fødselsdato", r"født",
    r"datum[\s_]+narození", r"narozen[aá]?", r"d[áa]tum[\s_]+narodenia", r"narodil[a]?", r"doğum[\s_]+tarih(?:im|i)?",
    r"syntymäaika", r"data[\s_]+na[sșş]terii", r"n[ăa]scut[ăa]?", r"születési[\s_]+(?:dátum|idő)", r"született",
    r"ημερομηνία[\s_]+γέννησης", r"γεννήθηκα", r"дата[\s_]+народження", r"дата[\s_]+рождения", r"народил[аиося]+",
    r"родил[аиося]+", r"जन्म[\s_]+तिथि", r"जन्मतिथि", r"تاريخ[\s_]+الميلاد",
    r"생년월일", r"出生日期", r"生年月日", r"誕生日", r"เกิดวันที่", r"วันเกิด", r"วัน/เดือน/ปีเกิด", r"תאריך[\s_]+לידה",
)  # fmt: skip
# Words that start with a letter frequent in English ("tanggal lahir": t, l) would make ``re`` try a
# branch at every such letter of every text (a third more time on long prompts); they join the
# pattern only for a text that holds them.
_FREQUENT_LEAD: Final = (
    r"tanggal\s+lahir",
    r"lahir",
    r"tarikh\s+lahir",
    r"sinh[\s_]+ngày",
    r"ngày[\s_]+sinh",
    r"tarehe[\s_]+ya[\s_]+kuzaliwa",
    r"petsa[\s_]+ng[\s_]+kapanganakan",
    r"kaarawan",
)  # (Indonesian, Malay, Vietnamese, Swahili, Tagalog)
_FREQUENT_HINTS: Final = ("lahir", "sinh", "kuzaliwa", "kapanganakan", "kaarawan")
_BIRTH: Final = re.compile(alternation(_BIRTH_WORDS, *_FREQUENT_LEAD), re.IGNORECASE)
_BIRTH_LOWER: Final = re.compile(_BIRTH_WORDS)  # over the lower-cased text: far cheaper than IGNORECASE
_BIRTH_LOWER_ALL: Final = re.compile(alternation(_BIRTH_WORDS, *_FREQUENT_LEAD))
# Month names in the languages above (Polish and Czech in the genitive a date uses); "mar" is
# March, "mart" Turkish March, and the longest name is tried first.
_MONTH_NAMES: Final = (
    ("january", "jan", "januar", "jänner", "janvier", "enero", "gennaio", "janeiro", "januari", "stycznia", "ledna",
     "ocak", "január", "ianuarie"),
    ("february", "feb", "februar", "feber", "février", "febrero", "febbraio", "fevereiro", "februari", "lutego",
     "února", "şubat", "február", "februarie"),
    ("march", "mar", "märz", "mars", "marzo", "março", "maart", "marca", "marts", "března", "mart",
     "március", "maret", "martie", "mac"),
    ("april", "apr", "avril", "abril", "aprile", "kwietnia", "dubna", "nisan", "április", "aprilie"),
    ("may", "mai", "mayo", "maggio", "maio", "mei", "maja", "maj", "května", "mayıs", "május"),
    ("june", "jun", "juni", "juin", "junio", "giugno", "junho", "czerwca", "června", "haziran", "június",
     "iunie"),
    ("july", "jul", "juli", "juillet", "julio", "luglio", "julho", "lipca", "července", "temmuz", "július",
     "iulie", "julai"),
    ("august", "aug", "août", "agosto", "augustus", "sierpnia", "augusti", "srpna", "ağustos",
     "augusztus", "agustus", "ogos"),
    ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "settembre", "setembro", "września",
     "září", "eylül", "szeptember", "septembrie"),
    ("october", "oct", "oktober", "octobre", "octubre", "ottobre", "outubro", "października", "října", "ekim",
     "október", "octombrie"),
    ("november", "nov", "novembre", "noviembre", "novembro", "listopada", "listopadu", "kasım", "noiembrie"),
    ("december", "dec", "dezember", "décembre", "diciembre", "dicembre", "dezembro", "grudnia", "prosince", "aralık",
     "desember", "decembrie", "disember"),
)  # fmt: skip
# Thai month names (their dates count years in the Buddhist era, 543 ahead: ``_ce``).
_THAI_MONTHS: Final = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
                       "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")  # fmt: skip
_MONTHS: Final = {name: i + 1 for i, names in enumerate(_MONTH_NAMES) for name in names} | {
    name: i + 1 for i, name in enumerate(_THAI_MONTHS)
}
_MONTH: Final = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE: Final = re.compile(
    r"(?P<hud>(?P<ny>\d{4})\. (?P<nm>\d{1,2})\. (?P<nd>\d{1,2})\.)"  # Hungarian, spaced: "1986. 03. 14."
    r"|(?P<iso>(?P<iy>\d{4})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2}))"
    r"|(?P<num>(?P<a>\d{1,2})[-/.] ?(?P<b>\d{1,2})[-/.] ?(?P<y>\d{4}|\d{2}))"
    rf"|(?P<dmy>(?P<dd>\d{{1,2}})(?:st|nd|rd|th|er|º|\.)?\s+(?:of\s+|de\s+)?(?P<dm>{_MONTH})\.?,?\s+(?:de\s+)?(?P<dy>\d{{4}}))"
    rf"|(?P<dash>(?P<xd>\d{{1,2}})(?P<sep>[-/])(?P<xm>{_MONTH})\.?(?P=sep)(?P<xy>\d{{4}}|\d{{2}}(?!\d)))"  # 14-Mar-1985
    rf"|(?P<mdy>(?P<mm>{_MONTH})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>\d{{4}}))"
    # and Korean "1996년 4월 2일"; a Japanese era's year: "平成3年5月17日" (Heisei 3, 1991)
    r"|(?P<ymd>(?P<era>明治|大正|昭和|平成|令和)?(?P<jy>\d{1,4}) ?[年년] ?(?P<jm>\d{1,2}) ?[月월]"
    r" ?(?P<jd>\d{1,2}) ?[日일])"
    rf"|(?P<hu>(?P<hy>\d{{4}})\.\s+(?P<hm>{_MONTH})\s+(?P<hd>\d{{1,2}})\.?)"  # Hungarian: "1965. szeptember 13."
    r"|(?P<compact>(?P<cy>(?:19|20)\d\d)(?P<cm>0[1-9]|1[0-2])(?P<cd>0[1-9]|[12]\d|3[01]))(?!\d)",  # vCard's BDAY
    re.IGNORECASE,
)
_SPOKEN_MONTHS: Final = _MONTH_NAMES[0][0], *(names[0] for names in _MONTH_NAMES[1:])  # English, in full
_NUMERIC_DATE: Final = re.compile(r"\d{1,4}[-/.] ?\d{1,2}[-/.] ?\d{2,4}")
# Between the words and the date: punctuation, quotes, and the short words a sentence or a form
# puts there ("was born on", "geboren bin ich am", "né le", "nata il giorno", "urodzony dnia",
# "date of birth on file as").
# (A backslash: a tool's JSON result inside another JSON string, ``\"date_of_birth\": \"1984-10-02\"``.)
_BRIDGE: Final = re.compile(
    r"[\s:：=,|\-\"'`\\]*(?:\((?![^()\n]*\d{4})[^()\n]{1,40}\)[\s:：,]*)?"  # an aside: "date of birth (as per NID)"
    r"[\s:：=,|(\[\-\"'`\\]*(?:(?:is|was|on|of|the|am|bin|ich|ist|war|le|el|il|giorno|op|em|den|dne|dnia|in|är|er|é"
    r"|es|è|jest|je|adalah|value|as|file|listed|recorded|given|stated|confirmed|null,|:)[\s:,\"'\\]*)*",
    re.IGNORECASE,
)
# "Born" said of a company, a product or an idea: its founding date is no one's birth date. The
# subject is named earlier in the sentence; the founding story may follow the date.
_ORG_SUBJECT: Final = re.compile(
    r"\b(?:about us|company|startup|start-up|project|product|idea|brand|business|band|app|platform|initiative"
    r"|inc|ltd|llc|gmbh|labs?|ai|idee|verein|firma|unternehmen|projekt|marke|bedrijf|merk|stichting)\b"
)
_FOUNDING: Final = re.compile(r"\b(?:hackathon|garage|founded|incorporated|launched)\b")
# A form's label may go on after the words before its colon: "Fecha de nacimiento del titular:",
# "Data de nascimento (para confirmação):", "Geboortedatum gecontroleerd:".
# (And a second field joined by a slash: "Geburtsdatum/-ort:", "Date/place of birth".)
_LABEL: Final = re.compile(
    r"(?:/-?[^\W\d_]{1,12})?(?:[ \t]+[^\W\d_]{1,20}){0,3}[ \t]*(?:\([^()\n]{0,40}\)[ \t]*)?[:：]"
)
# A call that makes a date of a literal: ``date.fromisoformat("…")``, ``new Date('…')``, ``LocalDate.parse("…")``.
_DATE_CALL: Final = re.compile(
    r"(?:new\s+)?(?:[A-Za-z_][\w.]{0,30}?)?(?:[Dd]ate|[Tt]ime|parse)\w*(?:\.\w{1,15})?\(\s*[\"']?"
)
# A place between the words and the date, then the date's own preposition: "born in Boston on", "née à Lyon le".
_PLACE_ON: Final = re.compile(
    r"[ \t]+(?:(?:in|a|à|en|em|w|i)[ \t]+)?[^\W\d_][\w'.-]*(?:[ \t][^\W\d_][\w'.-]*){0,2},?"
    r"[ \t]+(?:on|le|il|el|em|am|dnia|den|the)[ \t]+",
    re.IGNORECASE,
)
# A form asking for the place and date of birth together: the place, a comma, then the date.
_PLACE: Final = re.compile(r"[^\W\d_][\w .'-]{1,30}?,[ \t]*")
# A reply on the next line: a time stamp and a one-word speaker ("[09:12:14] Cliente:", "CALLER:") may lead it.
_TURN: Final = re.compile(r"[ \t]*(?P<time>\[[\d:. ]{1,12}\][ \t]*)?(?P<speaker>[^\W\d_][\w'-]{0,24}[:：][ \t]*)?")
_BIRTH_COLUMN: Final = re.compile(r"birth|dob|geburt|nacimiento|naissance|nascita|geboorte|nascimento|urodzenia"
                                  r"|födelse|fødsel|narození|doğum|syntymä|生年月日")  # fmt: skip


# The year before each Japanese era's first.
_ERAS: Final = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}


def _year(text: str) -> int:
    year = int(text)
    return _ce(year) if len(text) == 4 else (1900 + year if year > 30 else 2000 + year)


def _ce(year: int) -> int:
    """The common era's year of a four-digit year: Thai dates count the Buddhist era (2535 is 1992)."""
    return year - 543 if year > 2400 else year


def _plausible(m: re.Match[str]) -> bool:
    if m.group("iso"):
        return plausible_birth_date(_ce(int(m.group("iy"))), int(m.group("im")), int(m.group("id")))
    if m.group("num"):
        a, b, y = int(m.group("a")), int(m.group("b")), _year(m.group("y"))
        return plausible_birth_date(y, a, b) or plausible_birth_date(y, b, a)  # US m/d or European d/m
    if m.group("dmy"):
        return plausible_birth_date(_ce(int(m.group("dy"))), _MONTHS[m.group("dm").lower()], int(m.group("dd")))
    if m.group("dash"):
        return plausible_birth_date(_year(m.group("xy")), _MONTHS[m.group("xm").lower()], int(m.group("xd")))
    if m.group("mdy"):
        return plausible_birth_date(int(m.group("my")), _MONTHS[m.group("mm").lower()], int(m.group("md")))
    if m.group("compact"):
        return plausible_birth_date(int(m.group("cy")), int(m.group("cm")), int(m.group("cd")))
    if m.group("hu"):
        return plausible_birth_date(int(m.group("hy")), _MONTHS[m.group("hm").lower()], int(m.group("hd")))
    if m.group("hud"):
        return plausible_birth_date(int(m.group("ny")), int(m.group("nm")), int(m.group("nd")))
    year = int(m.group("jy")) + _ERAS.get(m.group("era") or "", 0)
    return plausible_birth_date(year, int(m.group("jm")), int(m.group("jd")))


# Stems of ``_BIRTH``'s words (cues): whether any occurs is one set test. Those written with letters outside
# ASCII, and "sinh" (Vietnamese: "ngày sinh"; in English text, the hyperbolic sine), count only in text that
# has such letters.
_BIRTH_STEMS: Final = cues.register(
    "birth", "born", "dob", "d.o.b", "geb", "naci", "naiss", "nato", "nata", "nasc", "urodz", "naroz", "syntym",
    "bday", "narod", "lahir", "nast", "scut", "kuzaliwa", "kaarawan", "kapanganakan",
)  # fmt: skip
_BIRTH_STEMS_BEYOND_ASCII: Final = cues.register(
    "né", "föd", "fød", "doğum", "生", "誕", "nací", "naș", "naş", "năs", "szület", "γέννη", "γεννή", "народ", "родил",
    "рожд", "जन्म", "الميلاد", "생년월일", "sinh", "เกิด", "לידה",
)  # fmt: skip
_FREQUENT_CUES: Final = cues.register(*_FREQUENT_HINTS)
cues.register("age", "values")


def _may_name_birth(scan: Scan) -> bool:
    """Whether a ``_BIRTH`` phrase may occur: cheaper tests than the phrases' own search."""
    return not scan.cues.isdisjoint(_BIRTH_STEMS) or (
        not scan.lowered.isascii() and not scan.cues.isdisjoint(_BIRTH_STEMS_BEYOND_ASCII)
    )


class BirthDateFinder(Scanning):
    """A date right after "born", "DOB", "date of birth" (and a few other languages): the date is the span.

    Only the date that follows the words within a few filler words is taken; a bare year ("born
    in 1985") is not a date of birth by itself and is left alone.
    """

    def find_in(self, scan: Scan) -> list[Hit]:
        text, lowered = scan.text, scan.lowered
        hits: list[Hit] = []
        if scan.has("age") and "(" in text and len(lowered) == len(text):
            hits += _aged(text, lowered)
        if not _may_name_birth(scan):
            return hits
        named = False
        sql = scan.has("values")  # an INSERT's column list may name a birth date
        # Offsets agree when lower-casing kept the length (it does but for a few letters such as "İ").
        lower = _BIRTH_LOWER_ALL if not scan.cues.isdisjoint(_FREQUENT_CUES) else _BIRTH_LOWER
        for m in lower.finditer(lowered) if len(lowered) == len(text) else _BIRTH.finditer(text):
            if m.start() and text[m.start() - 1].isalnum() and m.group() < "\u3000":
                continue  # inside a word ("reborn", "adobe"); Chinese, Japanese and Korean put no space before one
            if lowered.startswith("born", m.start()) and _founding(lowered, m.start(), m.end()):
                continue  # "our startup was born on … at a hackathon": a company's, not a person's
            end = m.end()
            if text.startswith(">", end) and text[m.start() - 1 : m.start()] == "<":
                end += 1  # an XML element: ``<birthdate>1983-04-07</birthdate>``
            label = _LABEL.match(text, end)
            if label is not None and label.end() - end <= 60:
                end = label.end()
            bridge = _BRIDGE.match(text, end)
            start = bridge.end() if bridge else end
            date = _DATE.match(text, start) if start - end <= 24 else None
            if date is None and (call := _DATE_CALL.match(text, start)) is not None:
                date = _DATE.match(text, call.end())  # code: ``dob=date.fromisoformat("1988-06-14")``
            if date is None and (place := _PLACE_ON.match(text, m.end())) is not None:
                date = _DATE.match(text, place.end())  # "born in Boston on …", "nata a Modena il …"
            if date is None and label is not None and (place := _PLACE.match(text, start)) is not None:
                date = _DATE.match(text, place.end())  # "tempat/tgl lahir: Bandung, 30 September 2004"
            # (Japanese writes "生" right after a date: "平成4年5月17日生")
            glued = date is not None and date.end() < len(text) and text[date.end()].isalnum()
            if date and _plausible(date) and not (glued and date.group()[-1] not in "日일"):
                hits.append(Hit(date.start(), date.end(), "DATE_OF_BIRTH", 0.9, Priority.CONTEXTUAL))
            elif date is None and start - end <= 24 and (said := _transcribed(text, start)) is not None:
                hits.append(Hit(*said, "DATE_OF_BIRTH", 0.8, Priority.CONTEXTUAL))
            elif (reply := _reply(text, m.end())) is not None:
                hits.append(Hit(*reply, "DATE_OF_BIRTH", 0.8, Priority.CONTEXTUAL))
            elif (
                lowered.startswith("geboren", m.start())
                and (ahead := _date_before(text, m.start())) is not None
                and not _founding(lowered, ahead[0], m.end())
            ):
                hits.append(Hit(*ahead, "DATE_OF_BIRTH", 0.85, Priority.CONTEXTUAL))
            elif not named and (sql or _delimited_line(text, m.start())):
                named = True  # the word may head a column: a CSV or Markdown header, an INSERT's column list
        if named:
            hits += _in_birth_column(text, scan.columns, {h.start for h in hits})
        return hits


# An age with a date in brackets after it: "Age 35 (1990-01-25)", "aged 42 (born 3/4/1983)" (the date's year
# must agree with the age: "age 12 (2025-03-01)" dates something else).
# Led by the literal (the lookbehind follows it), over the lower-cased text: ``re`` jumps from one "age" to
# the next instead of trying a ``\b`` at every position ("page", "message": most never go further).
_AGED: Final = re.compile(r"age(?<![a-z]age)[d:]?\s*(\d{1,3})\s*(?:years?|yrs?|y/?o)?\.?\s*[(\[]\s*(?:born\s+|b\.\s*)?")


def _aged(text: str, lowered: str) -> list[Hit]:
    hits = []
    this_year = date.today().year
    for m in _AGED.finditer(lowered):
        found = _DATE.match(text, m.end())
        if found is None or not _plausible(found):
            continue
        year = _year(next(y for y in found.group("iy", "ny", "y", "dy", "xy", "my", "jy", "hy", "cy") if y is not None))
        if abs(this_year - year - int(m.group(1))) <= 1:
            hits.append(Hit(found.start(), found.end(), "DATE_OF_BIRTH", 0.85, Priority.CONTEXTUAL))
    return hits


def _founding(lowered: str, start: int, end: int) -> bool:
    """Whether "born" at ``start`` tells a company's or a product's story (see ``_ORG_SUBJECT``)."""
    sentence = lowered[max(0, start - 60) : start]
    for stop in ".!?\n":
        sentence = sentence[sentence.rfind(stop) + 1 :]
    return _ORG_SUBJECT.search(sentence) is not None or _FOUNDING.search(lowered, end, end + 50) is not None


# German and Dutch put the participle last: "Ich wurde am 12.07.1994 (in Köln) geboren", "ik ben op … geboren".
_YEAR_BEFORE: Final = re.compile(r"(?<!\d)\d\d(?:\d\d)?(?=(?:[ \t]+in(?:[ \t]+[^\W\d_][\w.-]*){1,3})?[ \t]+$)")


def _date_before(text: str, pos: int) -> tuple[int, int] | None:
    """The date that ends just before "geboren" at ``pos`` (a place may come between), if plausible."""
    year = _YEAR_BEFORE.search(text, max(0, pos - 40), pos)
    if year is None:
        return None  # (a date ends in its year; a search for one over the window costs far more)
    dates = list(_DATE.finditer(text, max(0, year.end() - 24), year.end()))
    date = dates[-1] if dates else None
    if date is None or date.end() != year.end() or not _plausible(date):
        return None
    return None if date.start() and text[date.start() - 1].isalnum() else date.span()


def _transcribed(text: str, start: int) -> tuple[int, int] | None:
    """A date at ``start`` as speech-to-text or OCR wrote it: in words, or with letters for digits ("O9/l7/1947")."""
    if text[start : start + 2].isalpha():
        return spoken_date(text, start)
    fixed = ocr_digits(text[start : start + 12])
    if fixed == text[start : start + 12]:
        return None
    date = _DATE.match(fixed)
    if date is None or not (date.group("iso") or date.group("num")) or not _plausible(date):
        return None
    end = start + date.end()
    return None if end < len(text) and text[end].isalnum() else (start, end)


def _reply(text: str, pos: int) -> tuple[int, int] | None:
    """The date on the next line that answers the birth words, as in a transcript or a form.

    The question's line must end there: with "?" ("…your date of birth?"), with "." and a reply
    led by a speaker ("Ihr Geburtsdatum." then "[00:19] Kunde: Das ist der 14. Dezember 1975."),
    or with nothing but a colon (a form's label, its value on the next line, no label of its own).
    At most three words, with no digit and no label's colon, come before the date.
    """
    line_end = text.find("\n", pos, pos + 100)
    if line_end < 0:
        return None
    rest = text[pos:line_end].strip()
    turn = _TURN.match(text, line_end + 1)
    assert turn is not None  # every part of it is optional
    spoken = turn.group("time") is not None or turn.group("speaker") is not None
    if not (rest.endswith("?") or (rest.endswith(".") and spoken) or (rest in ("", ":", "：") and not spoken)):
        return None
    if any(c.isdigit() for c in rest):
        return None
    start = turn.end()
    stop = text.find("\n", start, start + 60)
    date = _DATE.search(text, start, stop if stop >= 0 else min(len(text), start + 60))
    if date is None:
        said = _said_in_reply(text, start, stop)
        return said if said is None or said[0] - start < 40 else None
    if date.end() < len(text) and text[date.end()].isalnum() or not _plausible(date):
        return None
    gap = text[start : date.start()]
    if any(c.isdigit() for c in gap) or ":" in gap or "：" in gap or len(gap.split()) > 3:
        return None  # another number, or another label ("Start date: …"), before it
    return date.span()


def _said_in_reply(text: str, start: int, stop: int) -> tuple[int, int] | None:
    """A date said in words among a reply's first four words ("Caller: Sure, it's the fourth of July …")."""
    line = text[start : stop if stop >= 0 else start + 60]
    if not any(month in line.lower() for month in _SPOKEN_MONTHS):
        return None
    for word in list(re.finditer(r"\S+", line))[:4]:
        said = spoken_date(text, start + word.start())
        if said is not None:
            return said
    return None


def _delimited_line(text: str, pos: int) -> bool:
    """Whether the line holding ``pos`` has a field delimiter or an aligned table's gap, as a header has."""
    start = text.rfind("\n", max(0, pos - MAX_ROW), pos) + 1
    end = text.find("\n", pos, pos + MAX_ROW)
    if (start == 0 and pos > MAX_ROW) or (end < 0 and len(text) - pos > MAX_ROW):
        return False  # a longer line is no header (``Columns`` agrees)
    line = text[start : end if end >= 0 else len(text)]
    return "," in line or "\t" in line or ";" in line or "|" in line or "  " in line.strip()


def _in_birth_column(text: str, columns: Columns, taken: set[int]) -> list[Hit]:
    """Dates whose column (``Columns.name``) is named like a birth date (``dob``, ``birth_date``)."""
    hits = []
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
