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

# A cookie header (request or response), or curl's -b/--cookie: the name=value pairs after it.
_COOKIE_LINE: Final = re.compile(r"(?im)^[ \t]*(?:set-)?cookie:[ \t]*(.+)$|(?:\s-b|--cookie)[ \t]+[\"']([^\"'\n]+)")
_COOKIE: Final = re.compile(r"([\w.-]+)=([^;\s]+)")
# Names that mark a server session: Django, Express, PHP, Java, Laravel, Rails (``_app_session``), ASP.NET.
_SESSION_COOKIE: Final = re.compile(
    r"(?i)sessionid|session|sessid|phpsessid|jsessionid|connect\.sid|sid|laravel_session|_[\w-]+_session"
    r"|asp\.net_sessionid|\.aspxauth|auth_token|remember_token|remember_user_token"
)
# Names no other cookie has: their value is a session wherever it is written ("sets PHPSESSID=…").
_SESSION_ANYWHERE: Final = re.compile(
    r"(?i)\b(?:phpsessid|jsessionid|connect\.sid|laravel_session|asp\.net_sessionid|sessionid)=([^;\s,\"']+)"
)
# host:port:database:user:password, the whole line (port a number or "*").
_PGPASS: Final = re.compile(r"(?m)^[^\s:#][^\s:]*:(?:\d{1,5}|\*):[^\s:]+:[^\s:]+:(\S+)$")
# user:password@tcp(host:port)/db, as Go's MySQL driver writes a DSN (no scheme before it).
_GO_DSN: Final = re.compile(r"(?<![\w/:])[\w.-]{1,64}:([^\s:@\"'`/]{4,128})@(?:tcp|unix)\(")
# The password as a connect call's third argument: PHP's PDO and mysqli, JDBC's getConnection.
_CONNECT: Final = re.compile(
    r"(?:\bnew\s+PDO|\bgetConnection|\bmysqli_connect|\bnew\s+mysqli|\bmysql_connect)\s*\(\s*"
    r"(?:\"[^\"\n]*\"|'[^'\n]*'|[\w.$]+)\s*,\s*(?:\"[^\"\n]*\"|'[^'\n]*'|[\w.$]+)\s*,\s*(?:\"([^\"\n]+)\"|'([^'\n]+)')"
)
# A key handed to an SDK client's constructor: ``cohere.ClientV2("…")``, ``Client("AC…", "…")``.
_CLIENT: Final = re.compile(
    r"\b\w*Client\w*\(\s*[\"']([A-Za-z0-9_-]{20,})[\"'](?:\s*,\s*[\"']([A-Za-z0-9_-]{20,})[\"'])?"
)
_IDENTIFIER: Final = re.compile(r"AC[0-9a-f]{32}")  # a Twilio account SID names the account; its token is the secret


def shaped_credentials(text: str, lowered: str) -> list[Hit]:
    """Every credential found by its place (see the module's docstring)."""
    hits: list[Hit] = []
    if "cookie" in lowered:
        hits += _session_cookies(text)
    if "sessid" in lowered or "sessionid" in lowered or "connect.sid" in lowered or "laravel_session" in lowered:
        hits += [h for h in _values(_SESSION_ANYWHERE, text, 1) if h.end - h.start >= 16]
    if "pgpass" in lowered or ":5432:" in text or ":*:" in text:  # where such lines are seen
        hits += _values(_PGPASS, text, 1)
    if "@tcp(" in text or "@unix(" in text:
        hits += _values(_GO_DSN, text, 1)
    if "pdo" in lowered or "getconnection" in lowered or "mysql" in lowered:
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


def _session_cookies(text: str) -> list[Hit]:
    hits = []
    for line in _COOKIE_LINE.finditer(text):
        group = 1 if line.group(1) is not None else 2
        for m in _COOKIE.finditer(text, line.start(group), line.end(group)):
            name, value = m.group(1), m.group(2)
            if "csrf" in name.lower() or "xsrf" in name.lower() or not _SESSION_COOKIE.fullmatch(name):
                continue
            if len(value) >= 16 and not masked(value) and not PLACEHOLDER.match(value):
                hits.append(Hit(m.start(2), m.end(2), "SECRET", 0.85, Priority.ASSIGNED_SECRET))
    return hits


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
