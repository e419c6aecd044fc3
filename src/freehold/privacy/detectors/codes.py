"""Second factors written out: recovery codes, a TOTP key typed in groups, a seed phrase, a JWK's private members.

"Recovery codes (each can be used once):" then a column of ``da8ffb74176eec87``; "Enter this key
manually: uqvt oru7 m5q2 …"; ``{"kty": "OKP", …, "d": "…"}``. Each gives its secrets away only by
its place; each is looked for only where a word of its heading is one of the text's words.
"""

from __future__ import annotations

import re
from typing import Final

from freehold.privacy.detectors.base import Hit, Priority

__all__ = ["HEADINGS", "listed_codes"]

_RECOVERY_WORDS: Final = frozenset(
    "recovery Recovery RECOVERY backup Backup BACKUP Backup-Codes Wiederherstellungscodes récupération secours "
    "recuperación recuperação respaldo".split()
)  # fmt: skip
_HEADING: Final = re.compile(
    r"(?i:(?:recovery|backup|wiederherstellungs)[ -]?codes?|codes? de (?:récupération|secours)"
    r"|c[óo]digos de (?:recuperaci[óo]n|recupera[çc][ãa]o|respaldo|backup))[^\n]{0,80}"
)
_BULLET: Final = re.compile(r"[ \t]*(?:[-*•]|\d{1,2}[.)])?[ \t]*")
_CODE: Final = re.compile(r"\d{4} \d{4}(?!\S)|[A-Za-z0-9]{4,20}(?:-[A-Za-z0-9]{4,20}){0,3}")  # Google's come spaced
_MAX_CODES: Final = 30
_TOTP_WORDS: Final = frozenset(
    "manually manually: manual setup Setup authenticator Authenticator 2FA 2fa TOTP totp MFA mfa two-factor "
    "Two-factor".split()
)  # fmt: skip
# Base32 in groups of four, as sites print a TOTP key for typing: lower- or upper-case, not mixed.
_SPACED_BASE32: Final = re.compile(
    r"(?<![\w-])(?:(?:[a-z2-7]{4} ){3,15}[a-z2-7]{4}|(?:[A-Z2-7]{4} ){3,15}[A-Z2-7]{4})(?![\w-])"
)
# A wallet's seed phrase: 12 to 24 BIP39 words (three to eight lower-case letters each), near words that
# name it. Without the word list, the count and the shape are the test: prose of that many words in a
# row always holds a short one ("a", "to", "of") or a capital or a stop.
_PHRASE_WORDS: Final = frozenset(
    "seed Seed SEED mnemonic Mnemonic phrase phrase: Phrase Phrase: wallet Wallet seed-phrase Seed-Phrase semilla "
    "frase Wiederherstellungsphrase الاسترداد العبارة".split()
)  # fmt: skip
_PHRASE: Final = re.compile(r"(?<![\w-])(?:[a-z]{3,8}[ \t]+){11,23}[a-z]{3,8}(?![\w-])")
_PHRASE_LENGTHS: Final = frozenset((12, 15, 18, 21, 24))
_PHRASE_REACH: Final = 200  # characters before the phrase in which its name must stand
_PHRASE_NAME: Final = re.compile(r"seed|mnemonic|recovery phrase|secret phrase|wallet|semilla|frase|الاسترداد|العبارة")
# Words of English prose that BIP39's list does not have: a run holding one is a sentence.
_FUNCTION_WORDS: Final = frozenset(
    "the and was were with her his him she they their them there then than when that for from which had has have "
    "been would could should into".split()
)  # fmt: skip
HEADINGS: Final = _RECOVERY_WORDS | _TOTP_WORDS | _PHRASE_WORDS
# A JWK's private members (RFC 7518): ``d`` of an EC/OKP/RSA key, RSA's primes and CRT values, ``k`` of an oct key.
_JWK_PRIVATE: Final = re.compile(r"\"(?:d|p|q|dp|dq|qi|k)\"\s*:\s*\"([A-Za-z0-9_-]{16,})\"")


def listed_codes(text: str, vocabulary: set[str]) -> list[Hit]:
    """Every recovery code, spaced TOTP key and JWK private member (see the module's docstring)."""
    hits: list[Hit] = []
    if HEADINGS.isdisjoint(vocabulary) and '"kty"' not in text:
        return hits
    if not _RECOVERY_WORDS.isdisjoint(vocabulary):
        for m in _HEADING.finditer(text):
            hits += _codes_after(text, m)
    if not _TOTP_WORDS.isdisjoint(vocabulary):
        for m in _SPACED_BASE32.finditer(text):
            groups = m.group().split()
            digits = sum(any(c.isdigit() for c in group) for group in groups)
            if digits >= 2 and sum(not group.isdigit() for group in groups) >= 2:  # not words, not a card number
                hits.append(Hit(m.start(), m.end(), "SECRET", 0.85, Priority.ASSIGNED_SECRET))
    if not _PHRASE_WORDS.isdisjoint(vocabulary):
        for m in _PHRASE.finditer(text):
            words = m.group().split()
            near = text[max(0, m.start() - _PHRASE_REACH) : m.start()].lower()
            if len(words) in _PHRASE_LENGTHS and _FUNCTION_WORDS.isdisjoint(words) and _PHRASE_NAME.search(near):
                hits.append(Hit(m.start(), m.end(), "SECRET", 0.85, Priority.ASSIGNED_SECRET))
    if '"kty"' in text:
        hits += [Hit(*m.span(1), "SECRET", 0.9, Priority.ASSIGNED_SECRET) for m in _JWK_PRIVATE.finditer(text)]
    return hits


def _codes_after(text: str, heading: re.Match[str]) -> list[Hit]:
    """The codes after a heading: on its line after a colon, then on the lines below.

    Numbered, bulleted or several to a line, until a line holds anything else; one blank line may
    follow the heading.
    """
    hits: list[Hit] = []
    rest = heading.group()
    colon = rest.find(":")
    if colon >= 0:
        hits += _line_codes(text, heading.start() + colon + 1, heading.end())
    pos = text.find("\n", heading.end())
    blank_allowed = True
    while pos >= 0 and len(hits) < _MAX_CODES:
        start = pos + 1
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if not text[start:end].strip():
            if not blank_allowed or hits:
                break
            blank_allowed = False
        else:
            found = _line_codes(text, start, end)
            if not found:
                break
            hits += found
        pos = end if end < len(text) else -1
    return hits


def _line_codes(text: str, start: int, end: int) -> list[Hit]:
    """The codes filling ``text[start:end]`` (after a bullet or number); none if anything else is there."""
    at = _BULLET.match(text, start, end).end()  # type: ignore[union-attr]  # it matches the empty string
    hits = []
    while at < end:
        m = _CODE.match(text, at, end)
        if m is None or (m.end() < end and text[m.end()] not in " \t\r,;"):
            return []
        if not any(c.isdigit() or c == "-" for c in m.group()):
            return []  # a word: the line is prose
        hits.append(Hit(m.start(), m.end(), "SECRET", 0.85, Priority.ASSIGNED_SECRET))
        at = m.end()
        while at < end and text[at] in " \t,;":
            at += 1
    return hits
