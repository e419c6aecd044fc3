"""Finders for values with a fixed shape and, mostly, a checksum: e-mail, cards, IBANs, SSNs, JWTs, URLs.

Each is one compiled pattern that proposes candidates and a validator that keeps the real ones
(validators.py). Lookarounds keep a candidate from starting or ending inside a longer token, which
is what makes hex digests, UUIDs, OIDs and CIDR blocks fall through without special cases.
"""

from __future__ import annotations

import re
from typing import Final

from freehold.privacy.detectors import cues
from freehold.privacy.detectors.base import (
    Hit,
    Priority,
    Scan,
    Scanning,
    after,
    around,
    ascii_twin,
    before,
    in_runs,
)
from freehold.privacy.detectors.layout import key_of
from freehold.privacy.detectors.ocr import OCR_LETTERS, ocr_digits
from freehold.privacy.detectors.placeholders import DOCUMENTED
from freehold.privacy.detectors.validators import (
    EXAMPLE_IBANS,
    IBAN_LENGTHS,
    TEST_CARDS,
    card_brand_ok,
    iban_ok,
    jwt_ok,
    luhn_ok,
    ssn_ok,
)

__all__ = ["SSN_CONTEXT", "CardFinder", "EmailFinder", "IbanFinder", "JwtFinder", "SsnFinder", "UrlCredentialsFinder"]

# Unicode letters are allowed in both parts (RFC 6531 addresses, IDN domains: zoë@exämple.fr).
_EMAIL: Final = re.compile(
    r"(?<![\w.%+-])[^\W_][\w.%+-]{0,63}@"
    r"((?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[A-Za-z]{2,24}(?![A-Za-z0-9_-])|[^\W\d_A-Za-z]{2,24}(?![\w-])))"
)  # a Latin TLD may have a Korean or Japanese particle right after it ("jiwoo@naver.com로")
# An address spelt out against harvesters: ``jane.doe(at)example.com``, ``jane [at] example [dot] com``.
# Only with the brackets: "at" and "dot" as bare words are prose far more often than addresses.
_AT_MARKER: Final = re.compile(r"[(\[{] ?(?:at|AT) ?[)\]}]")
_SPELLED_DOT: Final = r"(?:\.|\s?[\[({]\s?(?i:dot)\s?[\])}]\s?)"
_SPELLED_EMAIL: Final = re.compile(
    rf"(?<![\w.%+-])[^\W_][\w.%+-]{{0,63}}(?:{_SPELLED_DOT}[\w%+-]{{1,63}}){{0,4}}\s?[\[({{]\s?(?i:at)\s?[\])}}]\s?"
    rf"(?:[^\W_](?:[\w-]{{0,61}}[^\W_])?{_SPELLED_DOT})+[A-Za-z]{{2,24}}(?![A-Za-z0-9_-])"
)
# Defanged, as threat reports write a sender: ``benefits[@]hr-portal-sync[.]com``.
_DEFANGED_EMAIL: Final = re.compile(
    r"(?<![\w.%+-])[^\W_][\w.%+-]{0,63}\[@\](?:[^\W_](?:[\w-]{0,61}[^\W_])?(?:\[\.\]|\.))+[A-Za-z]{2,24}(?![A-Za-z0-9_-])"
)
# A Message-ID in angle brackets (``<5368ec85c9513f4e26b1e2fe@esign-notify.com>``, a mail trace's column): a local part
# of sixteen hex digits or more names a message; no mailbox is called that.
_HEX_LOCAL: Final = re.compile(r"[0-9a-f]{16,}|[0-9A-F]{16,}")
_DOMAIN_END: Final = re.compile(r"[^\w.-]")  # no address runs past it: its domain is letters, digits, "-" and "."
_SCP_PATH: Final = re.compile(r":[\w~/.-]")  # git@github.com:org/repo is a remote, not a mailbox
_USER_FLAG: Final = re.compile(r"(?:\s-u|--user)[\s=][\"']?$")  # … unless it is ``curl -u me@x.com:password``
_ID_FIELD: Final = re.compile(
    r"(?i:message[-_]?id|in[-_]reply[-_]to|references|content[-_]id|ical[-_]?uid|uid|thread[-_]?id)\\?\""
    r"\s*(?::|,\s*\\?\"value\\?\"\s*:)\s*\\?\"<?$"
    r"|(?i:message-id)=<$"  # a mail log's: postfix's ``cleanup[…]: 4Vx2…: message-id=<…>``
)
_ID_HEADER: Final = re.compile(r"(?i:message-id|in-reply-to|references|content-id|x-message-id|uid):")  # (UID: iCal)
_RETINA: Final = re.compile(r"\d+x\.", re.ASCII)  # icon@2x.png


# SSH's vendor-named algorithms (``sntrup761x25519-sha512@openssh.com``, ``curve25519-sha256@libssh.org``).
_SSH_ALGORITHM: Final = re.compile(r"[a-z0-9.]+(?:-[a-z0-9.]+)+@(?:openssh\.com|libssh\.org)")


_SAID_DOT_CUES: Final = cues.register(" dot ", " punto ", " point ", " punkt ")
_SSN_CUES: Final = cues.register("ocial", "ssn")
_JWT_CUES: Final = cues.register("eyj", "eyi")
_AT_CUES: Final = cues.register("(at", "( at", "[at", "[ at", "{at", "{ at")
cues.register("[@]")  # how every ``_AT_MARKER`` starts


class EmailFinder(Scanning):
    """Addresses with a dotted domain ending in an alphabetic TLD (RFC 5321's common subset)."""

    def find_in(self, scan: Scan) -> list[Hit]:
        text = scan.text
        hits: list[Hit] = []
        if not scan.cues.isdisjoint(_AT_CUES) and _AT_MARKER.search(text):  # (one scan for every form)
            spelled = _SPELLED_EMAIL.finditer(text)  # (" (AT) " after a word is Austria: "Graz (AT) …")
            hits += [Hit(*m.span(), "EMAIL", 0.85, Priority.EMAIL) for m in spelled if " (AT)" not in m.group()]
        if not scan.cues.isdisjoint(_SAID_DOT_CUES) and (
            " dot " in text or " punto " in text or " point " in text or " punkt " in text  # (as written)
        ):
            hits += _spoken_addresses(text)
        if scan.has("[@]"):
            hits += [Hit(*m.span(), "EMAIL", 0.85, Priority.EMAIL) for m in _DEFANGED_EMAIL.finditer(text)]
        if "@" not in text:
            return hits
        for m in around(_EMAIL, text, "@", 64, _DOMAIN_END):
            if _SCP_PATH.match(text, m.end()) and not _USER_FLAG.search(text, max(0, m.start() - 12), m.start()):
                continue
            if _RETINA.match(m.group(1)) or _SSH_ALGORITHM.fullmatch(m.group()) or m.group().endswith(".cluster.local"):
                # (a Kubernetes pod's DNS name after a node's: an Erlang node, ``emqx@emqx-core-0.….svc.cluster.local``)
                continue
            if text.startswith("://", m.start() - 3):
                continue  # ``https://key@host``: a URL's user part (the URL finders judge it), not a mailbox
            line = text.rfind("\n", 0, m.start()) + 1
            if _ID_HEADER.match(text, line):
                continue  # ``Message-ID: <2025…@mx.example.com>`` names a message, not a mailbox
            if text[m.start() - 1 : m.start()] == "<" and _HEX_LOCAL.fullmatch(text, m.start(), m.start(1) - 1):
                continue  # a Message-ID
            if text[m.start() - 1 : m.start()] in '"<' and _ID_FIELD.search(text, max(0, m.start() - 60), m.start()):
                continue  # the same in JSON: ``"iCalUID": "…@google.com"``, ``{"name": "Message-ID", "value": "<…"}``
            start = m.start() if text.isascii() else _after_cjk(text, m.start(), m.start(1) - 1)
            if start is not None:
                hits.append(Hit(start, _tld_end(text, m.end()), "EMAIL", 0.95, Priority.EMAIL))
        return hits


# An address said aloud, as speech-to-text writes it: "dana dot whitfield at gmail dot com", "julien point
# marchetti arobase orange point fr", "laura punto gimenez arroba hotmail punto es". It must end in " dot "
# and a common top-level domain, and its local part must hold a spoken separator or a digit, or its domain
# be a mail provider's: "look at the dot com bubble" is prose.
_SAID_DOT: Final = r"(?:dot|punto|point|punkt)"
_SPOKEN_EMAIL: Final = re.compile(
    rf"(?<![\w@.])((?:[a-z0-9]+ (?:{_SAID_DOT}|underscore|dash|minus|guion|tiret|bindestrich) )*[a-z0-9]+(?: \d+)?)"
    r" (?:at|arroba|arobase|chiocciola|at-zeichen|klammeraffe) "
    rf"((?:[a-z0-9]+ (?:dash|minus|guion|tiret) )*[a-z0-9]+(?: [a-z]+)?)((?: {_SAID_DOT} [a-z0-9]+)*) {_SAID_DOT} "
    r"(com|org|net|edu|gov|io|co|uk|de|fr|es|it|nl|be|ch|at|pt|br|mx|ar|in|au|ca|us|info|me|eu|pl|se|ie)\b",
    re.IGNORECASE,
)
_MAIL_PROVIDERS: Final = frozenset(
    "gmail googlemail yahoo hotmail outlook live msn aol icloud proton protonmail gmx web orange free laposte "
    "wanadoo sfr libero virgilio t-online mail yandex zoho".split()
)


def _tld_end(text: str, end: int) -> int:
    """Where the address ends when a scan ran the next word into its top-level domain (``….netCopay``)."""
    dot = text.rfind(".", max(0, end - 64), end)
    tld = text[dot + 1 : end]
    for i in range(2, len(tld)):
        if tld[i].isupper() and tld[i - 1].islower():
            return dot + 1 + i
    return end


def _spoken_addresses(text: str) -> list[Hit]:
    hits = []
    for m in _SPOKEN_EMAIL.finditer(text):
        local, domain = m.group(1).lower(), m.group(2).lower().replace(" ", "")
        separated = local != local.replace(" ", "") or any(c.isdigit() for c in local)
        if separated or domain in _MAIL_PROVIDERS:
            hits.append(Hit(m.start(), m.end(), "EMAIL", 0.8, Priority.EMAIL))
    return hits


# Chinese, Japanese and Korean letters are written up against an address ("メールはsaeki.k@…"):
# they end the local part, which is written in other scripts.
_CJK_RUN: Final = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+")


def _after_cjk(text: str, start: int, at: int) -> int | None:
    """Where the local part ``text[start:at]`` begins once CJK letters before it are cut (None: nothing is left)."""
    runs = list(_CJK_RUN.finditer(text, start, at))
    if not runs:
        return start
    begin = runs[-1].end()
    return begin if begin < at and text[begin].isalnum() else None


# Not followed by ".5" or ":3" (a decimal, a time); a comma and digits may follow (the next CSV field:
# a thousands-grouped number has at most three digits before its first comma, a card twelve or more).
_CARD: Final = re.compile(r"\d(?<![\w./-]\d)(?:[ -]?\d){11,18}(?![\w]|[.:/-]\d)")
# A reservation system's form of payment: "CC", an issuer's two-letter code, the number glued to it.
_GDS_CARD: Final = re.compile(r"CC(?<![A-Za-z0-9]CC) ?(?:AX|VI|CA|MC|DS|DC|JC|TP|DI|ER|UP)(\d{13,19})(?!\d)")
_GROUPINGS: Final = {(4, 4, 4, 4), (4, 6, 5), (4, 6, 4), (4, 4, 4, 4, 3), (4, 4, 4, 1), (4, 4, 4, 4, 2), (4, 4, 5)}
_TEST_CONTEXT: Final = re.compile(
    r"\b(?:test(?:ing)?|sandbox|example|dummy|sample|fake|stripe|docs?|documentation|staging|placeholder|demo)\b"
)


_TEST_CARD_BEFORE: Final = re.compile(
    r"\b(?:test|sandbox|testing)[ -](?:credit |debit )?cards?\b[^\n\d]{0,12}$"
    r"|(?:tarjeta de prueba|cartão de teste|carte de test|testkarte|carta di test)[^\n\d]{0,12}$"
)
_CARD_WORDS: Final = re.compile(r"card|visa|credit|debit|karte|carte|tarjeta|cartão|carta|カード|卡|카드|kaart|kort")


def _longer_grouped(text: str, start: int, end: int, raw: str) -> bool:
    """Whether the grouped number ``raw`` at ``start`` goes on with two more groups, or one before, the same way."""
    sep = raw[4] if len(raw) > 4 and not raw[4].isdigit() else raw[-5]
    size = len(raw.rsplit(sep, 1)[-1])
    after = text[end : end + 2 * (size + 1)]
    if len(after) == 2 * (size + 1) and after[0] == sep == after[size + 1] and after.replace(sep, "").isdigit():
        return True
    head = text[max(0, start - 5) : start]
    return len(head) == 5 and head[-1] == sep and head[:4].isdigit() and not text[start - 6 : start - 5].isalnum()


def _ean13(digits: str) -> bool:
    """Whether a 13-digit number carries a valid EAN-13 check digit (weights 1 and 3): a barcode's."""
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == int(digits[12])


class CardFinder(Scanning):
    """Payment card numbers: issuer range and length, Luhn, and a consistent grouping.

    A processor's published test number (4111 1111 1111 1111) near words such as "test",
    "sandbox" or "docs" is documentation, not a card, and is dropped; elsewhere it is kept at a
    lower score, since a text that merely pastes it may still be a real form being filled in.
    """

    def find_in(self, scan: Scan) -> list[Hit]:
        text, runs = scan.text, scan.runs
        hits = []
        tests: list[Hit] = []  # published test numbers outside documentation words, kept unless there are two
        seen: set[str] = set()
        for m in in_runs(_CARD, text, runs, 12):
            raw = m.group()
            digits = raw.replace(" ", "").replace("-", "")
            if len(digits) != len(raw):
                groups = tuple(map(len, raw.replace("-", " ").split(" ")))  # (the run's only separators)
                if (" " in raw and "-" in raw) or groups not in _GROUPINGS:
                    continue
            if not (card_brand_ok(digits) and luhn_ok(digits)):
                continue
            if len(digits) == 13 and _ean13(digits) and not _CARD_WORDS.search(before(text, m.start(), 60)):
                continue  # a product's barcode (EAN-13, JAN): 13-digit Visa numbers are all but retired
            if len(digits) == len(raw) and (key := key_of(text, m.start())) is not None and _ID_KEY.search(key):
                continue  # a record's id that passes Luhn by chance: ``"order_id": 5893410308921``
            if len(digits) >= 17 and len(digits) == len(raw) and not _CARD_WORDS.search(before(text, m.start(), 60)):
                continue  # 17-19 bare figures are an id (a snowflake, a catalogue's) unless a card is spoken of
            if len(digits) != len(raw) and _longer_grouped(text, m.start(), m.end(), raw):
                continue  # four groups of a longer grouped number: an NF-e access key, a reference
            if digits not in TEST_CARDS:
                if not _TEST_CARD_BEFORE.search(before(text, m.start(), 40)):
                    hits.append(Hit(m.start(), m.end(), "CREDIT_CARD", 0.95, Priority.CHECKSUM))
                continue  # (a processor's test number not in the list, said to be one: "use the test card …")
            seen.add(digits)
            window = before(text, m.start(), 80) + " " + after(text, m.end(), 40)
            if not _TEST_CONTEXT.search(window):
                tests.append(Hit(m.start(), m.end(), "CREDIT_CARD", 0.6, Priority.CHECKSUM))
        if "CC" in text:  # an airline ticket's form of payment: "FOP: CCAX3401…", "CC VI4556…"
            for m in _GDS_CARD.finditer(text):
                digits = m.group(1)
                if card_brand_ok(digits) and luhn_ok(digits) and digits not in TEST_CARDS:
                    hits.append(Hit(m.start(1), m.end(1), "CREDIT_CARD", 0.9, Priority.CHECKSUM))
        # Two published test numbers make a list of them (fixtures, docs): no real card is in it.
        return hits + tests if len(seen) < 2 else hits


# A key naming an id, an order or a product code (``order_id``, ``customerId``, ``sku``): a figure under it is that.
_ID_KEY: Final = re.compile(
    r"(?:^|[_.-])(?i:id|ids|order|order_number|invoice|tracking|sku|ean|gtin|upc|isbn|barcode|ref|reference)$"
    r"|[a-z](?:Id|Ids)$|^(?i:id)$"
)


# Stricter than the cards' test words: "test" and "example" are everywhere in fixtures and in addresses
# (``ann@example.com``), where the documented IBANs stand in for a customer's and are pseudonymized.
_EXAMPLE_IBAN_CONTEXT: Final = re.compile(
    r"\b(?:sandbox|dummy|sample|fake|placeholder|documentation|docs|(?:test|example)[ -]?ibans?)\b"
)
# ("DE 82 824 5 …" read out; a scan's line break between groups; glued to its label: "IBANDE33…")
_IBAN: Final = re.compile(r"([A-Z](?:(?<!\w[A-Z])|(?<=IBAN[A-Z]))[A-Z]) ?(\d{2})((?:[ \n]?[A-Z0-9]){10,32})")


# Two capitals, then the two check digits: where every IBAN starts. A character class first, so
# ``re`` skips from one capital to the next.
_IBAN_HINT: Final = re.compile(r"[A-Z][A-Z] ?\d\d")
_IBAN_HINT_ASCII: Final = ascii_twin(_IBAN_HINT)


class IbanFinder:
    """IBANs, compact or printed in groups: registry length for the country, then mod-97."""

    def find(self, text: str) -> list[Hit]:
        hits = []
        for m in self._candidates(text):
            length = IBAN_LENGTHS.get(m.group(1))
            if length is None:
                continue
            # The pattern may run on into the next word ("... 00 BIC"); cut at the country's length.
            need, pos = length - 4, m.start(3)
            while need and pos < m.end():
                if text[pos] not in " \n":
                    need -= 1
                pos += 1
            glued = text.startswith("IBAN", m.start() - 4)  # a scan ran the columns together: "IBANDE33…BIC"
            if need or (pos < len(text) and text[pos].isalnum() and not glued) or text.count("\n", m.start(), pos) > 1:
                continue
            compact = text[m.start() : pos].replace(" ", "").replace("\n", "")
            if not iban_ok(compact) and OCR_LETTERS.search(compact, 4):  # a scan's "2O87" for "2087"
                compact = compact[:2] + ocr_digits(text[m.start() + 2 : pos]).replace(" ", "").replace("\n", "")
            if compact in EXAMPLE_IBANS and _EXAMPLE_IBAN_CONTEXT.search(
                before(text, m.start(), 80) + " " + after(text, pos, 40)
            ):
                continue
            if iban_ok(compact):
                hits.append(Hit(m.start(), pos, "IBAN", 0.97, Priority.CHECKSUM))
        return hits

    @staticmethod
    def _candidates(text: str) -> list[re.Match[str]]:
        """What ``_IBAN.finditer`` would give, trying ``_IBAN`` only where two capitals precede two digits."""
        found: list[re.Match[str]] = []
        resume = 0
        for hint in (_IBAN_HINT_ASCII if text.isascii() else _IBAN_HINT).finditer(text):
            at = hint.start()
            if at < resume:
                continue
            m = _IBAN.match(text, at)
            if m is not None:
                found.append(m)
                resume = m.end()
        return found


# (Korean and Japanese write a particle right after a number: "043-44-6478입니다".)
_SSN: Final = re.compile(r"(\d(?<![\w./#-]\d)\d\d)([- ]?)(\d{2})\2(\d{4})(?![^\W\uac00-\ud7af\u3040-\u30ff]|[./-]\d)")
_SSN_COLUMN: Final = re.compile(r"\bssn\b|social|\bss_?(?:no|num)")  # a table's column of them: "ssn", "social_sec"
# Led by its first dash (the lookbehind follows it), so that ``re`` jumps from one dash to the next.
_NOT_SSN: Final = re.compile(
    r"\b(?:drawing|dwg|part|item|model|serial|doc(?:ument)?|order|invoice|ticket|case|ref(?:erence)?|policy|claim"
    r"|po|sku|lot|batch|catalog(?:ue)?|spec(?:ification)?|docket|file|job|project|contract|account|acct)"
    r"\.?[ \t]*(?:no\.?|nr\.?|number|num\.?|#|id)?[ \t]*[:#]?[ \t]*$"
)
_SCANNED_SSN: Final = re.compile(r"-(?<=(?<![\w-])[0-9OolISB]{3}-)[0-9OolISB]{2}-[0-9OolISB]{4}(?![\w-])")
SSN_CONTEXT: Final = re.compile(
    r"\b(?:ssn|social security|social sec|tin|taxpayer)\b|\bss#"
    r"|\b(?:your|my|his|her|their|the) social\b(?! media| network| login| sign| profile| account| post)"
)


class SsnFinder(Scanning):
    """US social security numbers: 3-2-4 with dashes anywhere; spaced or bare only after "SSN" and kin.

    Or in a table column named so ("ssn", "social_sec").

    Numbers the SSA never issues (area 000, 666, 9xx; group 00; serial 0000) are dropped.
    """

    def find_in(self, scan: Scan) -> list[Hit]:
        text, runs = scan.text, scan.runs
        hits = []
        for m in in_runs(_SSN, text, runs, 9):
            if not ssn_ok(m.group(1), m.group(3), m.group(4)):
                continue
            context = SSN_CONTEXT.search(before(text, m.start(), 50)) is not None
            if not context and m.group(2) != "-" and "\n" in text:
                name = scan.columns.name(m.start())
                context = name is not None and _SSN_COLUMN.search(name) is not None
            if m.group(2) == "-" and not context and _NOT_SSN.search(before(text, m.start(), 30)):
                continue  # the label names another number: "drawing no. 412-07-3315", "part #", "case number"
            if m.group(2) == "-":
                score = 0.95 if context else 0.85
            elif context:
                score = 0.9
            else:
                continue
            hits.append(Hit(m.start(), m.end(), "US_SSN", score, Priority.IDENTIFIER))
        if not scan.cues.isdisjoint(_SSN_CUES) and ("ocial" in text or "SSN" in text or "ssn" in text):
            hits += self._scanned(scan)
        return hits

    @staticmethod
    def _scanned(scan: Scan) -> list[Hit]:
        """Dashed SSNs a scan misread ("399-S1-5429"), under "social security" or in an SSN column."""
        text = scan.text
        hits = []
        for found in _SCANNED_SSN.finditer(text):
            start, end = found.start() - 3, found.end()
            if not OCR_LETTERS.search(text, start, end):
                continue  # (figures only: the runs above had it)
            area, group, serial = ocr_digits(text[start:end]).split("-")
            if not (area + group + serial).isdigit() or not ssn_ok(area, group, serial):
                continue
            context = SSN_CONTEXT.search(before(text, start, 50)) is not None
            if not context and "\n" in text:
                name = scan.columns.name(start)
                context = name is not None and _SSN_COLUMN.search(name) is not None
            if context:
                hits.append(Hit(start, end, "US_SSN", 0.8, Priority.IDENTIFIER))
        return hits


# Written to start with the literal "ey" (the lookbehind follows it), so ``re`` jumps from one to the next.
_JWT: Final = re.compile(r"ey(?<![\w-]ey)[IJ][A-Za-z0-9_-]{5,}\.ey[IJ][A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*(?![\w-])")


class JwtFinder(Scanning):
    """JSON Web Tokens: three base64url segments whose header decodes to JSON with ``alg``."""

    def find_in(self, scan: Scan) -> list[Hit]:
        text = scan.text
        if scan.cues.isdisjoint(_JWT_CUES) or ("eyJ" not in text and "eyI" not in text):
            return []
        return [
            Hit(m.start(), m.end(), "JWT", 0.99, Priority.JWT)
            for m in _JWT.finditer(text)
            if jwt_ok(m.group()) and m.group() not in DOCUMENTED
        ]


_URL_CRED: Final = re.compile(
    r"(?<![\w+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}://([^\s:/?#@'\"<>]*)(?::([^\s/?#@'\"<>]*))?@[^\s'\"<>`]+"
)
_TOKEN_USER: Final = re.compile(r"[\w-]+")
_URL_END: Final = re.compile(r"[\s'\"<>]")  # the scheme is at most 21 characters, and nothing after it is one of these
_PLACEHOLDER: Final = re.compile(r"^(?:\$\{?|<|\{\{|%\(|%s|\*+$|x+$|\.\.\.|\[)", re.IGNORECASE)
_TRAILING: Final = ".,;:!?)]}'\"\\"  # (and a JSON-escaped string's closing backslash: ``\"mysql://…/crm\"``)


_TEMPLATE_USERS: Final = frozenset({
    "user", "username", "usr", "login", "name", "myuser", "dbuser",
    "usuario", "usuário", "utilisateur", "benutzer", "utente", "gebruiker", "uzytkownik",
})  # fmt: skip
# A server's out-of-the-box login, user and password the same (``postgres:postgres``, ``guest:guest``).
_DEFAULT_LOGINS: Final = frozenset({"postgres", "root", "admin", "guest", "test", "mysql", "redis", "sa", "rabbitmq"})
_DSN_HOST: Final = re.compile(r"[\w.-]*\bsentry\.io[:/]|[\w.-]*\bsentry\b[\w.-]*/\d+\b")
_TEMPLATE_PASSWORDS: Final = frozenset({"password", "pass", "passwd", "pwd", "secret", "mypassword", "dbpass",
                                        "contraseña", "contrasena", "senha", "motdepasse", "passwort", "kennwort",
                                        "wachtwoord", "parola", "haslo", "hasło"})  # fmt: skip


def _template(user: str, password: str) -> bool:
    """``user:password``, ``username:pass``…: both parts the words a README writes, so a template, not a login.

    One generic word alone is not enough: ``admin:password`` on a real host is a real (weak) login.
    A server's default login, the user's name as its password (``postgres:postgres``), is one too.
    """
    user, password = user.lower(), password.lower()
    template = user in _TEMPLATE_USERS and password in _TEMPLATE_PASSWORDS
    return template or (user == password and user in _DEFAULT_LOGINS)


class UrlCredentialsFinder:
    """URLs with a password (or a token as the user) before the host: the whole URL is the span.

    The user may be empty (``redis://:pass@host``: Redis before ACLs has a password alone).

    Templated credentials (``${DB_PASS}``, ``<password>``, ``****``) are not credentials.
    """

    def find(self, text: str) -> list[Hit]:
        if "@" not in text:
            return []
        hits = []
        for m in around(_URL_CRED, text, "://", 21, _URL_END):
            user, password = m.group(1), m.group(2)
            if password is None:  # a token as the user name; "a.com,b@c.d" in a CSV row is two fields
                if len(user) < 20 or not any(c.isdigit() for c in user) or not _TOKEN_USER.fullmatch(user):
                    continue
            elif not password or _PLACEHOLDER.match(password) or _PLACEHOLDER.match(user) or _template(user, password):
                continue
            if password is None and _DSN_HOST.match(text, m.end(1) + 1):
                continue  # a Sentry DSN's key is public by design: it ships inside every client app
            end = m.end()
            delimiter = text[m.start() - 1 : m.start()]
            if delimiter in (",", ";", "\t", "|"):  # a CSV or table cell: the URL ends with its cell
                cut = text.find(delimiter, m.start(2) if password is not None else m.start(1), end)
                end = end if cut < 0 else cut
            while end > m.start() and text[end - 1] in _TRAILING:
                end -= 1
            hits.append(Hit(m.start(), end, "URL_CREDENTIALS", 0.97, Priority.BLOCK))
        return hits
