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
# A key id, then within 120 characters its secret in the vendor's shape: ``Credentials("AKIA…", "…")``,
# "SecretId AKID…, SecretKey …", "Account SID AC… y el auth token es …". The id says whose secret it is.
_PAIRS: Final = (
    (
        "AKIA",
        re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])"),
        re.compile(
            r"(?<![A-Za-z0-9/+])(?=[^\s]{0,39}\d)(?=[^\s]{0,39}[a-z])(?=[^\s]{0,39}[A-Z])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
        ),
    ),
    (
        "AKID",
        re.compile(r"(?<![A-Za-z0-9])AKID[A-Za-z0-9]{32}(?![A-Za-z0-9])"),
        re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z]{0,31}\d)(?=[A-Za-z0-9]{0,31}[a-z])[A-Za-z0-9]{32}(?![A-Za-z0-9])"),
    ),
    (
        "AC",
        re.compile(r"(?<![A-Za-z0-9])AC[0-9a-f]{32}(?![A-Za-z0-9])"),
        re.compile(r"(?<![A-Za-z0-9])(?=[0-9]{0,31}[a-f])(?=[a-f]{0,31}[0-9])[0-9a-f]{32}(?![A-Za-z0-9])"),
    ),
)
_PAIR_REACH: Final = 120
_LITERAL: Final = r"(?:\"[^\"\n]*\"|'[^'\n]*')"
# The password as a credential class's second argument, after the user: .NET's NetworkCredential, Java's
# PasswordAuthentication, Apache's and Spring's user/password pairs, requests' ``auth=("user", "…")``.
_USER_AND_PASSWORD: Final = re.compile(
    r"(?:\b(?:NetworkCredential|PasswordAuthentication|UsernamePasswordCredentials|UsernamePasswordAuthenticationToken"
    r"|HTTPBasicAuth|HTTPDigestAuth|BasicAuth|BasicAWSCredentials)|\bauth\s*=)\s*\(\s*"
    + _LITERAL
    + r"\s*,\s*(?:\"([^\"\n]+)\"|'([^'\n]+)')"
)
# A setter or builder handed the credential as literals, joined or not: ``cfg.setPassword("a" + "b")``,
# ``.apiKey("…")``, ``client.set_secret('…')``. Getters take a name (``getPassword("db")``) and are not read.
_SETTER: Final = re.compile(
    r"(?i:\bset_?|(?<=\.))(?i:password|passwd|secret|secret_?key|api_?key|access_?key|auth_?token|client_?secret)"
    r"\s*\(\s*(" + _LITERAL + r"(?:\s*\+\s*" + _LITERAL + r")*)\s*[,)]"
)
# A login written as "e-mail / password" next to a word for an account or a credential.
_LOGIN_PAIR: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+[ \t]*/[ \t]*([^\s/@<>\"'`]{8,64})")
_LOGIN_WORDS: Final = re.compile(
    r"(?i:login|log-in|account|compte|cuenta|conta|konto|credential|password|passwort|token|zugang|acceso|accès"
    r"|identifiants|user|usuario|utilisateur|benutzer)"
)
_LITERALS: Final = re.compile(r"\"([^\"\n]+)\"|'([^'\n]+)'")


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
    for anchor, identifier, secret in _PAIRS:
        if anchor in text:
            hits += _paired(text, identifier, secret)
    if "Credential" in text or "Auth" in text or "auth" in text:
        for m in _USER_AND_PASSWORD.finditer(text):
            group = 1 if m.group(1) is not None else 2
            if _literal_secret(m.group(group)):
                hits.append(Hit(m.start(group), m.end(group), "SECRET", 0.9, Priority.ASSIGNED_SECRET))
    if "(" in text and ("password(" in lowered or "secret(" in lowered or "key(" in lowered or "token(" in lowered):
        for m in _SETTER.finditer(text):
            for lit in _LITERALS.finditer(text, m.start(1), m.end(1)):
                group = 1 if lit.group(1) is not None else 2
                if _literal_secret(lit.group(group)):
                    hits.append(Hit(lit.start(group), lit.end(group), "SECRET", 0.9, Priority.ASSIGNED_SECRET))
    if " / " in text and "@" in text:
        for m in _LOGIN_PAIR.finditer(text):
            value = m.group(1).rstrip(".,;:)!?")
            kinds = (
                any(c.isalpha() for c in value) + any(c.isdigit() for c in value) + any(not c.isalnum() for c in value)
            )
            if (
                len(value) >= 8
                and kinds >= 2
                and _literal_secret(value)
                and _LOGIN_WORDS.search(text, max(0, m.start() - 120), m.start())
            ):
                hits.append(Hit(m.start(1), m.start(1) + len(value), "SECRET", 0.8, Priority.ASSIGNED_SECRET - 1))
    if "Client" in text:
        for m in _CLIENT.finditer(text):
            for group in (1, 2):
                key = m.group(group)
                if key is not None and not _IDENTIFIER.fullmatch(key) and _random(key):
                    hits.append(Hit(m.start(group), m.end(group), "SECRET", 0.85, Priority.ASSIGNED_SECRET))
    return hits


def _literal_secret(value: str) -> bool:
    """A string literal in a credential's place that holds a value: not empty filler, a placeholder or a template."""
    return len(value) >= 4 and len(set(value)) > 2 and not PLACEHOLDER.match(value) and not masked(value)


def _paired(text: str, identifier: re.Pattern[str], secret: re.Pattern[str]) -> list[Hit]:
    """The first value of the secret's shape within ``_PAIR_REACH`` characters after each key id."""
    hits = []
    for m in identifier.finditer(text):
        value = secret.search(text, m.end(), m.end() + _PAIR_REACH)
        if value is not None and not masked(value.group()) and entropy(value.group()) >= 3.0:
            hits.append(Hit(value.start(), value.end(), "SECRET", 0.85, Priority.ASSIGNED_SECRET))
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
