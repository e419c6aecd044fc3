"""Credentials whose place in a file or a call says what they are, with no name assigned to them.

A session cookie's value, the last field of a ``.pgpass`` line, the password of a Go MySQL DSN, the
third argument of ``new PDO(…)`` or ``DriverManager.getConnection(…)``, the key handed to an SDK's
client constructor: no ``password=`` stands before any of them, so ``secrets.py``'s assignment
finder cannot see them. Each shape is looked for only where a cheap substring says it may be.
"""

from __future__ import annotations

import re
from typing import Final

from freehold.privacy.detectors.base import Hit, Priority
from freehold.privacy.detectors.placeholders import PLACEHOLDER, masked
from freehold.privacy.detectors.validators import entropy

__all__ = ["shaped_credentials"]

# A cookie header (request or response), or curl's -b/--cookie: the name=value pairs after it. Tried
# only where "cookie" or " -b " occurs (found by ``str.find``), never as a scan of the whole text.
_COOKIE_HEADER: Final = re.compile(r"(?i:set-)?(?i:cookie):[ \t]*([^\n]+)")
_COOKIE_FLAG: Final = re.compile(r"(?:-b|--cookie)[ \t]+[\"']([^\"'\n]+)")
_COOKIE: Final = re.compile(r"([\w.-]+)=([^;\s]+)")
# Names that mark a server session: Django, Express, PHP, Java, Laravel, Rails (``_app_session``), ASP.NET.
_SESSION_COOKIE: Final = re.compile(
    r"(?i)sessionid|session|sessid|phpsessid|jsessionid|connect\.sid|sid|laravel_session|_[\w-]+_session"
    r"|asp\.net_sessionid|\.aspxauth|auth_token|remember_token|remember_user_token"
)
# Names no other cookie has: their value is a session wherever it is written ("sets PHPSESSID=…").
_SESSION_ANYWHERE: Final = re.compile(
    r"\b(?:phpsessid|jsessionid|connect\.sid|laravel_session|asp\.net_sessionid|sessionid)=([^;\s,\"']+)"
)  # searched in the lower-cased text; the value is read from the text
# host:port:database:user:password, the whole line (port a number or "*").
_PGPASS: Final = re.compile(r"(?m)^[^\s:#][^\s:]*:(?:\d{1,5}|\*):[^\s:]+:[^\s:]+:(\S+)$")
# user:password@tcp(host:port)/db, as Go's MySQL driver writes a DSN (no scheme before it).
_GO_DSN: Final = re.compile(r"(?<![\w/:])[\w.-]{1,64}:([^\s:@\"'`/]{4,128})@(?:tcp|unix)\(")
# The password as a connect call's third argument: PHP's PDO and mysqli, JDBC's getConnection.
_CONNECT: Final = re.compile(
    r"(?:new\s+PDO|getConnection|mysqli_connect|new\s+mysqli|mysql_connect)\s*\(\s*"
    r"(?:\"[^\"\n]*\"|'[^'\n]*'|[\w.$]+)\s*,\s*(?:\"[^\"\n]*\"|'[^'\n]*'|[\w.$]+)\s*,\s*(?:\"([^\"\n]+)\"|'([^'\n]+)')"
)
# A key handed to an SDK client's constructor: ``cohere.ClientV2("…")``, ``Client("AC…", "…")``.
_CLIENT: Final = re.compile(
    r"Client\w*\(\s*[\"']([A-Za-z0-9_-]{20,})[\"'](?:\s*,\s*[\"']([A-Za-z0-9_-]{20,})[\"'])?"
)  # led by the literal, so ``re`` skips from one "Client" to the next
_IDENTIFIER: Final = re.compile(r"AC[0-9a-f]{32}")  # a Twilio account SID names the account; its token is the secret


def shaped_credentials(text: str, lowered: str) -> list[Hit]:
    """Every credential found by its place (see the module's docstring)."""
    hits: list[Hit] = []
    if "cookie" in lowered or " -b " in text:
        hits += _session_cookies(text, lowered)
    if ("sess" in lowered or ".sid" in lowered) and len(lowered) == len(text):
        for m in _SESSION_ANYWHERE.finditer(lowered):
            value = text[m.start(1) : m.end(1)]
            if len(value) >= 16 and not masked(value) and not PLACEHOLDER.match(value):
                hits.append(Hit(m.start(1), m.end(1), "SECRET", 0.85, Priority.ASSIGNED_SECRET))
    if "pgpass" in lowered or ":5432:" in text:  # where such lines are seen (other ports: only with "pgpass")
        hits += _values(_PGPASS, text, 1)
    if "@tcp(" in text or "@unix(" in text:
        hits += _values(_GO_DSN, text, 1)
    if "pdo" in lowered or "connect" in lowered or "mysqli" in lowered:
        for m in _CONNECT.finditer(text):
            group = 1 if m.group(1) is not None else 2
            if not PLACEHOLDER.match(m.group(group)) and not masked(m.group(group)):
                hits.append(Hit(m.start(group), m.end(group), "SECRET", 0.9, Priority.ASSIGNED_SECRET))
    if "Client" in text:
        for m in _CLIENT.finditer(text):
            for group in (1, 2):
                key = m.group(group)
                if key is not None and not _IDENTIFIER.fullmatch(key) and _random(key):
                    hits.append(Hit(m.start(group), m.end(group), "SECRET", 0.85, Priority.ASSIGNED_SECRET))
    return hits


def _session_cookies(text: str, lowered: str) -> list[Hit]:
    hits = []
    starts = [i for i in _positions(lowered, "cookie") if i == 0 or lowered[i - 1] in " \t\n-\"'"]
    spans = []
    for i in starts:
        header = _COOKIE_HEADER.match(text, i - 4 if lowered.startswith("set-", max(0, i - 4)) else i)
        if header is not None:
            spans.append(header.span(1))
        elif (flag := _COOKIE_FLAG.match(text, i - 2)) is not None:
            spans.append(flag.span(1))
    spans += [m.span(1) for i in _positions(text, " -b ") if (m := _COOKIE_FLAG.match(text, i + 1)) is not None]
    for start, end in spans:
        for m in _COOKIE.finditer(text, start, end):
            name, value = m.group(1), m.group(2)
            if "csrf" in name.lower() or "xsrf" in name.lower() or not _SESSION_COOKIE.fullmatch(name):
                continue
            if len(value) >= 16 and not masked(value) and not PLACEHOLDER.match(value):
                hits.append(Hit(m.start(2), m.end(2), "SECRET", 0.85, Priority.ASSIGNED_SECRET))
    return hits


def _positions(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def _values(pattern: re.Pattern[str], text: str, group: int) -> list[Hit]:
    hits = []
    for m in pattern.finditer(text):
        value = m.group(group)
        if len(value) >= 4 and not PLACEHOLDER.match(value) and not masked(value) and len(set(value)) > 2:
            hits.append(Hit(m.start(group), m.end(group), "SECRET", 0.9, Priority.ASSIGNED_SECRET))
    return hits


def _random(value: str) -> bool:
    """Letters and digits, varied, and not a slug of words (a model name: ``gpt-4o-mini-2024-07-18``)."""
    if value.count("-") + value.count("_") > 2 or not any(c.isdigit() for c in value):
        return False
    return any(c.isalpha() for c in value) and entropy(value) >= 3.3
