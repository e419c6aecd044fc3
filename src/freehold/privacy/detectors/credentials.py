"""Credentials whose place in a file or a call says what they are, with no name assigned to them.

A session cookie's value, the last field of a ``.pgpass`` line, the password of a Go MySQL DSN, the
third argument of ``new PDO(…)`` or ``DriverManager.getConnection(…)``, the key handed to an SDK's
client constructor: no ``password=`` stands before any of them, so ``secrets.py``'s assignment
finder cannot see them. Each shape is looked for only where a cheap substring says it may be.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from freehold.privacy.detectors import cues
from freehold.privacy.detectors.base import Hit, Priority, Scan
from freehold.privacy.detectors.placeholders import PLACEHOLDER, filler, masked
from freehold.privacy.detectors.validators import entropy

__all__ = ["shaped_credentials"]

# A cookie header (request or response), or curl's -b/--cookie: the name=value pairs after it. Tried
# only where "cookie" or " -b " occurs (found by ``str.find``), never as a scan of the whole text.
_COOKIE_HEADER: Final = re.compile(r"(?i:set-)?(?i:cookie):[ \t]*([^\n]+)")
# The header as JSON writes it: a HAR entry's ``"name": "cookie", "value": "…"``, a headers map's ``"Cookie": "…"``
# (a Go ``http.Header``'s, its values in a list: ``"Cookie": ["…"]``).
_COOKIE_FIELD: Final = re.compile(r"(?i:cookie)[\"'](?:\s*,\s*\"value\"\s*:|\s*:)\s*\[?\s*[\"']([^\"'\n]+)")
_COOKIE_FLAG: Final = re.compile(r"(?:-b|--cookie)[ \t]+[\"']([^\"'\n]+)")
_COOKIE: Final = re.compile(r"([\w.-]+)=([^;\s]+)")
# Names that mark a server session: Django, Express, PHP, Java, Laravel, Rails (``_app_session``), ASP.NET.
_SESSION_COOKIE: Final = re.compile(
    r"(?i)sessionid|session|sessid|phpsessid|jsessionid|connect\.sid|sid|laravel_session|_[\w-]+_session"
    r"|[a-z][a-z0-9]{0,15}[_-](?:sid|sess|session|sessionid)"  # an app's own: ``fh_sid``, ``shop-session``
    r"|asp\.net_sessionid|\.aspxauth|auth_token|remember_token|remember_user_token"
)
# Names no other cookie has: their value is a session wherever it is written ("sets PHPSESSID=…").
_SESSION_ANYWHERE: Final = re.compile(
    r"\b(?:phpsessid|jsessionid|connect\.sid|laravel_session|asp\.net_sessionid|sessionid)[ \t]*=[ \t]*'?([^;\s,\"']+)"
)  # searched in the lower-cased text; the value is read from the text
# A session store's key in Redis, ``sess:<id>`` (connect-redis's prefix), and a bare ``session=<id>`` as a load
# balancer logs the cookies it captured: an id only when it looks random. Led by their literals.
_SESSION_IDS: Final = (
    ("sess:", re.compile(r"sess:(?<![\w:-]sess:)([a-z0-9_-]{20,128})(?![\w-])")),
    ("session=", re.compile(r"session=(?<![\w.-]session=)([a-z0-9_-]{20,128})(?![\w-])")),
)
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
# Twilio's account SID, led by its literal so that ``re`` skips from one "AC" to the next.
_TWILIO_SID: Final = re.compile(r"AC(?<![A-Za-z0-9]..)[0-9a-f]{32}(?![A-Za-z0-9])")
_AWS_SECRET: Final = re.compile(
    r"(?<![A-Za-z0-9/+])(?=[^\s]{0,39}\d)(?=[^\s]{0,39}[a-z])(?=[^\s]{0,39}[A-Z])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
)
_TENCENT_SECRET: Final = re.compile(
    r"(?<![A-Za-z0-9])(?=[A-Za-z]{0,31}\d)(?=[A-Za-z0-9]{0,31}[a-z])[A-Za-z0-9]{32}(?![A-Za-z0-9])"
)
_TWILIO_TOKEN: Final = re.compile(
    r"(?<![A-Za-z0-9])(?=[0-9]{0,31}[a-f])(?=[a-f]{0,31}[0-9])[0-9a-f]{32}(?![A-Za-z0-9])"
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
# The password as an auth call's last literal: Redis clients' ``auth("…")`` (lua-resty-redis ``red:auth``,
# Jedis, ioredis), superagent's ``.auth("user", "…")``, Perl LWP's ``->credentials(netloc, realm, user, "…")``.
_AUTH_CALL: Final = re.compile(
    r"(?:[.:]auth\(\s*(?:" + _LITERAL + r"\s*,\s*)?|->credentials\(\s*(?:" + _LITERAL + r"\s*,\s*){3})"
    r"(?:\"([^\"\n]+)\"|'([^'\n]+)')\s*\)"
)
# A setter or builder handed the credential as literals, joined or not: ``cfg.setPassword("a" + "b")``,
# ``.apiKey("…")``, ``client.set_secret('…')``. Getters take a name (``getPassword("db")``) and are not read.
_SETTER_NEEDLES: Final = ("password(", "secret(", "key(", "token(")  # found in the lower-cased text
_SETTER_NAMES: Final = frozenset(
    "password passwd secret secretkey apikey accesskey authtoken clientsecret".split()
)  # the name after ``set``, or a builder's, lower-cased with its underscores dropped
_SETTER_ARGS: Final = re.compile(r"\s*(" + _LITERAL + r"(?:\s*\+\s*" + _LITERAL + r")*)\s*[,)]")
# A login written as "e-mail / password" next to a word for an account or a credential.
_LOGIN_EMAIL: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LOGIN_VALUE: Final = re.compile(r"[^\s/@<>\"'`]{8,64}")
_LOGIN_WORDS: Final = re.compile(
    r"(?i:login|log-in|account|compte|cuenta|conta|konto|credential|password|passwort|token|zugang|acceso|accès"
    r"|identifiants|user|usuario|utilisateur|benutzer)"
)
_LITERALS: Final = re.compile(r"\"([^\"\n]+)\"|'([^'\n]+)'")


cues.register(
    "cookie", " -b ", "sess", ".sid", "pgpass", ":5432:", "@tcp(", "@unix(", "pdo", "connect", "mysqli", "ac",
    '("', "('", "client",
)  # fmt: skip


def shaped_credentials(scan: Scan, lowered: str, key_ids: list[re.Match[str]]) -> list[Hit]:
    """Every credential found by its place (see the module's docstring).

    ``lowered``: the text lower-cased letter by letter (offsets agree when its length does); ``key_ids``:
    the AWS and Tencent key ids the vendor-key pass found (their secrets follow them).
    """
    text = scan.text
    hits: list[Hit] = []
    if scan.has("cookie") or scan.has_cased(" -b "):
        hits += _session_cookies(text, lowered)
    if (scan.has("sess") or scan.has(".sid")) and len(lowered) == len(text):
        for m in _SESSION_ANYWHERE.finditer(lowered):
            value = text[m.start(1) : m.end(1)]
            if len(value) >= 16 and not masked(value) and not PLACEHOLDER.match(value):
                hits.append(Hit(m.start(1), m.end(1), "SECRET", 0.85, Priority.ASSIGNED_SECRET))
        for hint, pattern in _SESSION_IDS:
            for m in pattern.finditer(lowered) if hint in lowered else ():
                value = text[m.start(1) : m.end(1)]
                if any(c.isdigit() for c in value) and entropy(value) >= 3.5 and not masked(value):  # not "sess:user-1"
                    hits.append(Hit(m.start(1), m.end(1), "SECRET", 0.85, Priority.ASSIGNED_SECRET))
    if scan.has("pgpass") or scan.has(":5432:"):  # where such lines are seen (other ports: only with "pgpass")
        hits += _values(_PGPASS, text, 1)
    if scan.has_cased("@tcp(") or scan.has_cased("@unix("):
        hits += _values(_GO_DSN, text, 1)
    if scan.has("pdo") or scan.has("connect") or scan.has("mysqli"):
        for m in _CONNECT.finditer(text):
            group = 1 if m.group(1) is not None else 2
            if not PLACEHOLDER.match(m.group(group)) and not masked(m.group(group)):
                hits.append(Hit(m.start(group), m.end(group), "SECRET", 0.9, Priority.ASSIGNED_SECRET))
    if key_ids:
        hits += _paired(text, key_ids, _AWS_SECRET) + _paired(text, key_ids, _TENCENT_SECRET)
    if scan.has_cased("AC"):
        hits += _paired(text, _TWILIO_SID.finditer(text), _TWILIO_TOKEN)
    if scan.has('("') or scan.has("('"):  # a call with a literal first argument: what the shapes below are
        if (
            "Credential" in text
            or "auth=(" in text
            or ("Auth" in text and ("PasswordAuth" in text or "BasicAuth" in text or "DigestAuth" in text))
        ):
            for m in _USER_AND_PASSWORD.finditer(text):
                group = 1 if m.group(1) is not None else 2
                if _literal_secret(m.group(group)):
                    hits.append(Hit(m.start(group), m.end(group), "SECRET", 0.9, Priority.ASSIGNED_SECRET))
        if "auth(" in text or "->credentials(" in text:
            for m in _AUTH_CALL.finditer(text):
                group = 1 if m.group(1) is not None else 2
                if _literal_secret(m.group(group)) and _mixed(m.group(group)):
                    hits.append(Hit(m.start(group), m.end(group), "SECRET", 0.9, Priority.ASSIGNED_SECRET))
        if "password(" in lowered or "secret(" in lowered or "key(" in lowered or "token(" in lowered:
            hits += _setters(text, lowered)
    if "@" in text and " / " in text:
        hits += _logins(text)
    if "@" in text:
        hits += _combos(text)
    if scan.has_cased("Client"):
        for m in _CLIENT.finditer(text):
            for group in (1, 2):
                key = m.group(group)
                if key is not None and not _IDENTIFIER.fullmatch(key) and _random(key):
                    hits.append(Hit(m.start(group), m.end(group), "SECRET", 0.85, Priority.ASSIGNED_SECRET))
    return hits


def _setters(text: str, lowered: str) -> list[Hit]:
    """The literals handed to a credential's setter or builder (``_SETTER_NAMES``), found from each "password(" etc."""
    hits = []
    calls = [at for needle in _SETTER_NEEDLES for at in _positions(lowered, needle)]
    for call in calls:
        end = lowered.index("(", call) + 1
        start = call
        while start and (lowered[start - 1].isalnum() or lowered[start - 1] == "_"):
            start -= 1
        name = lowered[start : end - 1].replace("_", "")
        if name.startswith("set"):
            name = name[3:]
        elif not text.startswith(".", start - 1):
            continue  # neither ``setPassword(`` nor a builder's ``.password(``: a getter, a check, a hash
        args = _SETTER_ARGS.match(text, end) if name in _SETTER_NAMES else None
        for lit in _LITERALS.finditer(text, *args.span(1)) if args is not None else ():
            group = 1 if lit.group(1) is not None else 2
            if _literal_secret(lit.group(group)):
                hits.append(Hit(lit.start(group), lit.end(group), "SECRET", 0.9, Priority.ASSIGNED_SECRET))
    return hits


# A combo list's line (credential stuffing, an infostealer's dump): ``user@example.com:Passw0rd!``. Not a git
# remote's ``git@host:org/repo`` (a "/"), a port (digits alone), a time, a home path (``~``), nor "address: word".
_COMBO: Final = re.compile(
    r"(?<![\w.%+-])[\w.%+-]{1,64}@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,24}:(?P<pw>[^\s:/~\\\"'<>][^\s/\"'<>]{5,63})(?=\s|$)"
)
_JUNCTION: Final = re.compile(r"@[\w.-]{1,253}\.[A-Za-z]{2,24}:[^\s:/~]")  # where a combo's address meets its password


def _combos(text: str) -> list[Hit]:
    """The password of each ``e-mail:password`` pair: a combo list's, a dump's.

    Looked for only where an address meets a colon and a value (``_JUNCTION``, led by "@": ``re`` jumps
    from one to the next), from the start of that address's local part.
    """
    hits = []
    for junction in _JUNCTION.finditer(text):
        start = junction.start()
        while start > 0 and start > junction.start() - 64 and (text[start - 1].isalnum() or text[start - 1] in "_.%+-"):
            start -= 1
        m = _COMBO.match(text, start)
        if m is None:
            continue
        value = m.group("pw")
        kinds = any(c.isalpha() for c in value) + any(c.isdigit() for c in value) + any(not c.isalnum() for c in value)
        if kinds >= 2 and not value.replace(":", "").isdigit() and _literal_secret(value):
            hits.append(Hit(*m.span("pw"), "SECRET", 0.8, Priority.ASSIGNED_SECRET - 1))
    return hits


def _logins(text: str) -> list[Hit]:
    """The password of each "e-mail / password", found from its " / ", with an account's word before the e-mail."""
    hits = []
    at = text.find(" / ")
    while at >= 0:
        head = max(text.rfind(" ", 0, at), text.rfind("\n", 0, at), text.rfind("\t", 0, at)) + 1
        while head < at and text[head] in "(<[\"'`":
            head += 1
        email = _LOGIN_EMAIL.fullmatch(text, head, at) if "@" in text[head:at] else None
        value = _LOGIN_VALUE.match(text, at + 3) if email is not None else None
        if value is not None:
            token = value.group().rstrip(".,;:)!?")
            kinds = any(c.isalpha() for c in token) + any(c.isdigit() for c in token)
            kinds += any(not c.isalnum() for c in token)
            if (
                len(token) >= 8
                and kinds >= 2
                and _literal_secret(token)
                and _LOGIN_WORDS.search(text, max(0, head - 120), head)
            ):
                hits.append(Hit(value.start(), value.start() + len(token), "SECRET", 0.8, Priority.ASSIGNED_SECRET - 1))
        at = text.find(" / ", at + 3)
    return hits


def _literal_secret(value: str) -> bool:
    """A string literal in a credential's place that holds a value: not empty filler, a placeholder or a template."""
    return (
        len(value) >= 4
        and len(set(value)) > 2
        and not PLACEHOLDER.match(value)
        and not masked(value)
        and not filler(value)
    )


def _paired(text: str, identifiers: Iterable[re.Match[str]], secret: re.Pattern[str]) -> list[Hit]:
    """The first value of the secret's shape within ``_PAIR_REACH`` characters after each key id of its vendor."""
    hits = []
    for m in identifiers:
        if (secret is _TENCENT_SECRET) != m.group().startswith("AKID"):
            continue
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
        elif (field := _COOKIE_FIELD.match(text, i)) is not None:
            spans.append(field.span(1))
        elif (flag := _COOKIE_FLAG.match(text, i - 2)) is not None:
            spans.append(flag.span(1))
    spans += [m.span(1) for i in _positions(text, " -b ") if (m := _COOKIE_FLAG.match(text, i + 1)) is not None]
    for start, end in spans:
        for m in _COOKIE.finditer(text, start, end):
            name, value = m.group(1), m.group(2)
            if name.startswith(("__Host-", "__Secure-")):  # the prefixes a browser enforces (RFC 6265bis), not the name
                name = name.partition("-")[2]
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


def _mixed(value: str) -> bool:
    """Six characters or more of two kinds (lower, upper, digit, symbol): ``auth("local")`` names a strategy."""
    kinds = (
        any(c.islower() for c in value) + any(c.isupper() for c in value) + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )  # fmt: skip
    return len(value) >= 6 and kinds >= 2


def _random(value: str) -> bool:
    """Letters and digits, varied, and not a slug of words (a model name: ``gpt-4o-mini-2024-07-18``)."""
    if value.count("-") + value.count("_") > 2 or not any(c.isdigit() for c in value):
        return False
    return any(c.isalpha() for c in value) and entropy(value) >= 3.3
