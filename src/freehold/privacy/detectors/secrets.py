"""Finders for credentials: vendor key formats, private-key blocks, ``password=``-style values, random tokens.

Three levels of evidence, in falling order of priority:

* a vendor's documented prefix and alphabet (``sk-ant-``, ``AKIA``, ``ghp_``, ``xoxb-``, ``AIza``…)
  or a PEM private-key block: the token itself says what it is;
* a value assigned to a name that says "password", "secret", "token" or "api key" (env files,
  JSON, YAML, code, CLI flags, ``Authorization`` headers): the *value* is the span, never the name;
* a random-looking token (length, letters and digits, Shannon entropy) a few words after "key",
  "token", "secret"…: the weakest, kept for keys no prefix list knows (``tokens``).

Placeholders (``${TOKEN}``, ``<your-key>``, ``****``, ``changeme``) and code that merely names a
credential (``password = os.environ["DB_PASSWORD"]``, ``token: str``) are not secrets.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Final

from freehold.privacy.detectors import cues
from freehold.privacy.detectors.base import Hit, Priority, Scan, Scanning, alternation
from freehold.privacy.detectors.codes import HEADINGS, listed_codes
from freehold.privacy.detectors.commands import TOOLS, command_passwords, embedded_tools
from freehold.privacy.detectors.credentials import shaped_credentials
from freehold.privacy.detectors.layout import aligned_value, sealed, under_credentials
from freehold.privacy.detectors.named import named_values
from freehold.privacy.detectors.names import strength as strength_of
from freehold.privacy.detectors.placeholders import CODE, PLACEHOLDER, PUBLISHED, filler, hashed, masked
from freehold.privacy.detectors.prose import password_words, prose_passwords
from freehold.privacy.detectors.tokens import near_keywords, random_looking, random_near_words
from freehold.privacy.detectors.vendors import LONG_WORD, vendor_keys

__all__ = ["SecretFinder"]

# A name that says "credential" (found by its keyword, then widened to the whole name), an
# assignment, then the value, quoted or bare. Anchoring on the keyword keeps prose cheap.
# (At most one of them starts at any place: ``cues.leftmost`` of the cue pass is what this search would find.)
_KEYWORDS: Final = ("pass", "pw", "psk", "secret", "token", "key", "auth", "credential")
_KEYWORD: Final = re.compile(alternation(*_KEYWORDS), re.IGNORECASE)
_NAME_CHARS: Final = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
# ``eq``: JSON-escaped quotes, as code looks inside a notebook's JSON (``os.environ[\"KEY\"] = \"…\"``).
# Up to 2,000 characters: an AWS session token runs to a thousand; cut short, it would be half hidden.
_VALUE: Final = (
    r"(?:\"(?P<dq>[^\"\n]{1,2000})\"|N?'(?P<sq>[^'\n]{1,2000})'|\\\"(?P<eq>[^\"\\\n]{1,2000})\\\""
    r"|(?P<bare>[^\s'\",;)}\]\\]{1,2000}))"
)
# The value stays on the operator's line: "docker secret:\n  environment:" assigns nothing.
# ``os.environ["API_KEY"] = …``: a subscript's closing quote and bracket may come before the operator.
# LDIF writes ``unicodePwd:: <base64>``: two colons, the value base64-encoded.
# A conversion may wrap a literal: Go's ``[]byte("…")``, Node's ``Buffer.from("…")``, Python's ``b"…"``.
_ASSIGN: Final = re.compile(
    r"[\w.-]{0,30}?(?:\\?[\"'])?\]?(?P<sep>\s*(?:=>|:=|==|::(?=[ \t])|=|:)[ \t]*)"
    r"(?:\[\]byte\(|Buffer\.from\(|b(?=[\"']))?" + _VALUE
)
# A command-line flag (``--password hunter2``) may take its value after a space alone; any other
# name needs an operator, so prose ("the token expired") fails this match in C, not in Python.
_FLAG_ASSIGN: Final = re.compile(r"[\w.-]{0,30}?[\"']?(?P<sep>\s*(?:=>|:=|==|=|:)[ \t]*|[ \t]+(?=\S))" + _VALUE)
_QUALIFIER: Final = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9-]{1,20} $")  # the word before a bare keyword's name
_TYPE_NAME: Final = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]*)+")  # ``client_secret: SessionClientSecret``
_QUOTED: Final = re.compile(r"\"([^\"\n]{1,2000})\"")
# A credential's name given an object whose "value" holds it: ``"db_password": {"sensitive": true, "value": "…"}``.
_INNER_VALUE: Final = re.compile(r"\{[^{}\n]{0,200}?\"value\"\s*:\s*\"([^\"\n]{1,2000})\"")
# The rest of a label's line ("password:", "API key (prod):") and the one line below it, a single token.
_BELOW: Final = re.compile(
    r"[\w.() -]{0,30}?(?P<colon>:)[ \t]*\r?\n[ \t]*\+?(?P<bare>[^\s'\"`<>]{4,2000})[ \t]*(?=\r?\n|\Z)"
)
_NAMED_WORDS: Final = TOOLS | HEADINGS
# What names where a secret is kept, not the secret: an ARN, a file handed over with "@" (``password=@/tmp/pw``,
# as vault and curl take one), a path of names (``secret_id = "prod/payments/stripe"``), a PowerShell cmdlet.
_REFERENCE: Final = re.compile(
    r"arn:|@(?:[~./]|[\w-]+\.\w{2,4}$)|[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_.-]*)+$"
    r"|(?:Get|Set|New|Read|Invoke|Import|Export|ConvertTo|ConvertFrom)-[A-Z][A-Za-z]+$"
    r"|[\w/.=-]*:latest$"  # a secret manager's reference and version (``--set-secrets=ENV=mysecret:latest``)
    r"|!secret\s+\w+$"  # Home Assistant's reference, quoted: ``password: '!secret mqtt_password'``
)
# A YAML tag in a value's place: Ansible's ``!vault |`` (the ciphertext follows), Home Assistant's ``!secret name``,
# CloudFormation's ``!Ref``; what follows it is encrypted or a reference, never the value.
_YAML_TAG: Final = re.compile(r"!!?[A-Za-z][\w.-]*")
_SPEC: Final = re.compile(r"[a-z]+=")  # ``docker build --secret id=npmrc,src=…``: a flag's spec, not its secret
_QUOTES: Final = "`"  # Markdown and reST quote values: ``password=`hunter2` `` names ``hunter2``
_AUTH_HEADER_LOWER: Final = re.compile(
    r"(?:authorization[\"']?(?:\s*[:=]\s*[\"']?|\s+[\"'])(?:bearer|basic|token|apikey|digest|ssws)\s+|bearer[ \t]+)"
    r"([a-z0-9._~+/-]{8,}=*)"
)
_AUTH_HEADER: Final = re.compile(
    r"(?i:\b(?:authorization|proxy-authorization)[\"']?(?:\s*[:=]\s*[\"']?|\s+[\"'])"
    r"(?:bearer|basic|token|apikey|digest|ssws)\s+"
    r"|\bbearer[ \t]+)([A-Za-z0-9._~+/-]{8,}=*)"
)
# ``-u`` after whitespace or ``--user``; written to start with the "-", so ``re`` jumps from one to the next.
# On the flag's line, and no shell expansion for the user (``set -u`` then ``${DEBUG:+ …}`` is none).
_CURL_USER: Final = re.compile(r"-(?:(?<!\S-)u|-user)[ \t]+[\"']?[^\s:\"'{}]+:([^\s\"']+?)[\"']?(?=\s|$)")
# An API key given as the user with no password (Lever, Stripe, Mailchimp): ``curl -u TJ2NlIOr…:``.
_CURL_KEY_USER: Final = re.compile(r"-(?:(?<!\S-)u|-user)[ \t]+[\"']?([A-Za-z0-9_-]{20,200}):[\"']?(?=\s|$)")
_SNAKE: Final = re.compile(r"[a-z]+(?:_[a-z]+)+")  # a variable's name in code
_DESCRIBED: Final = re.compile(r"(?i)\b(?:password|passphrase|secret|key|token)\b")


def _one_case_word(value: str) -> bool:
    return value.isalpha() and (value.isupper() or value.islower())


def _in_code(text: str, start: int, end: int) -> bool:
    """A value after `` = `` or before ``,`` ``)`` ``}``: an argument or an assignment in code, not an .env line."""
    return text[start - 2 : start] == "= " or text[end : end + 1] in ",)}"


_ABSOLUTE_PATH: Final = re.compile(r"~?/[\w.-]+(?:/[\w.-]+)+/?")  # two segments or more
_TIMESTAMP: Final = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d")  # an ISO 8601 time: when, never what


# The cues asked below, and the credential keywords (``_KEYWORDS``' stems), asked at once.
cues.register("bearer", "authorization", "-u", '"kty"', "keys\n---", "---- begin")
_KEYWORD_CUES: Final = cues.register(*_KEYWORDS)


class SecretFinder(Scanning):
    """All three levels of evidence; see the module's docstring."""

    def find_in(self, scan: Scan) -> list[Hit]:
        text = scan.text
        split = text.split()
        words = _long_words(text, split)
        hits, known = vendor_keys(scan, words)
        lowered = scan.lowered
        if len(lowered) != len(text):  # "İ" lower-cases to two characters: offsets must agree
            lowered = "".join(c if len(c.lower()) > 1 else c.lower() for c in text)
        if scan.has("bearer") or scan.has("authorization"):
            hits += _auth_headers(text, lowered)
        curl = scan.has_cased("-u")
        for m in _CURL_USER.finditer(text) if curl else ():
            if not PLACEHOLDER.match(m.group(1)) and not m.group(1).startswith("//"):  # (``-u http://host``: a URL)
                hits.append(Hit(m.start(1), m.end(1), "SECRET", 0.9, Priority.ASSIGNED_SECRET))
        for m in _CURL_KEY_USER.finditer(text) if curl else ():
            if random_looking(m.group(1), 20) and not masked(m.group(1)):
                hits.append(Hit(m.start(1), m.end(1), "SECRET", 0.85, Priority.ASSIGNED_SECRET))
        # Tools and headings are looked up among the text's words, not searched for; the set of them is
        # made only when one is there (the frozenset's lookups of the words cost less than building it).
        extra = embedded_tools(scan, split)
        if not _NAMED_WORDS.isdisjoint(split) or not _NAMED_WORDS.isdisjoint(extra):
            vocabulary = set(split)
            vocabulary.update(extra)
            hits += command_passwords(text, vocabulary)
            hits += listed_codes(text, vocabulary)
        elif scan.has_cased('"kty"'):
            hits += listed_codes(text, set())
        assigned, keywords = self._assigned(scan, lowered)
        hits += assigned
        keyword = bool(keywords)
        if keyword:
            hits += named_values(scan, lowered, keywords)
        if words:  # every shape holds its value in a word of 15 characters or more (a cookie, a .pgpass line…)
            key_ids = [m for m in known if m.group().startswith(("AKIA", "ASIA", "AKID"))] if known else known
            hits += shaped_credentials(scan, lowered, key_ids)
        if len(lowered) == len(text):
            words_of = password_words(scan)
            if words_of or (keyword and scan.has("pass")):
                hits += prose_passwords(scan, lowered, words_of)
        if words and not scan.has("bearer") and len(lowered) == len(text):
            words = near_keywords(words, keywords)
        if words and (keyword or scan.has("bearer")):  # every context word holds a keyword, or is "bearer"
            hits += random_near_words(scan, lowered, words)
        return hits

    def _assigned(self, scan: Scan, lowered: str) -> tuple[list[Hit], list[int]]:
        """Values assigned to credential names, and where the credential keywords start (none: no keyword)."""
        text = scan.text
        hits: list[Hit] = []
        keywords: list[int] = []
        done = 0
        if len(lowered) == len(text) and scan.cues.isdisjoint(_KEYWORD_CUES):
            return hits, keywords
        # Searching the lower-cased copy is cheaper than an IGNORECASE pattern, when offsets agree.
        # (Where the cue pass found the keywords, when offsets agree; else a search of the text as written.)
        found = (
            cues.leftmost(scan.occurrences, _KEYWORD_CUES)
            if len(lowered) == len(text)
            else [m.span() for m in _KEYWORD.finditer(text)]
        )
        for k_start, k_end in found:
            keywords.append(k_start)
            if k_start < done:
                continue
            head = text[max(0, k_start - 60) : k_start]
            start = k_start - (len(head) - len(head.rstrip(_NAME_CHARS)))  # widen to the whole name
            m = (_FLAG_ASSIGN if text.startswith("--", start) else _ASSIGN).match(text, k_end)
            if m is not None and start == k_start and text[start - 1 : start] == " ":
                start = _word_before(text, start, m.start("sep"))  # "API key: …", "WiFi key: …"
            if m is None:
                below = _value_below(text, k_end)
                if below is None and _starts_line(text, start):
                    below = self._in_column(text, start, k_end)  # a table's row?
                if below is not None:
                    hits.append(below)
                    done = below.end
                continue
            named_at = start
            key, sep = text[start : m.start("sep")].rstrip("\"'\\]"), m.group("sep").strip()
            if not sep and key.endswith("."):
                done = m.end()
                continue  # a flag that ends a sentence ("although I pass --secret. Output: …") takes no value
            if text.endswith("${", 0, start) and sep == ":" and text[m.end("sep") : m.end("sep") + 1] in "?+":
                done = m.end()
                continue  # a shell expansion's error message or alternative: ``${DB_PASSWORD:?set it}``
            typed = sep == ":" and text.startswith("::", start - 2) and text[start].isupper()
            if sep == "==" or key.lower().endswith("authorization") or typed:
                done = m.end()
                continue  # (a type's qualified name as a map's key, ``"AWS::IAM::AccessKey": "62d9…"``, holds no
                # value; Hiera's ``profile::db::api_key: '…'`` does)
            strength = strength_of(key)
            if not strength and sep == ":" and text[start - 1 : start] in " \t" and under_credentials(text, start, key):
                strength = 1  # ``primary_key:`` under ``active_record_encryption:``: a key, if it looks random
            if not strength and sep == "=" and key == "key" and text[start - 1 : start] in ("?", "&"):
                strength = 1  # a URL's ``?key=…``: an API's key, if it looks random
            if not strength and "?" not in m.group():
                done = m.end()
            if not strength:
                continue  # no credential's name; a URL's query in its value ("otpauth://…?secret=…") is still read
            done = m.end()
            dq, sq, eq = m.group("dq", "sq", "eq")
            group = "dq" if dq is not None else "sq" if sq is not None else "eq" if eq is not None else "bare"
            start, end = m.span(group)
            if text.startswith("${", start):
                done = start  # an expansion in the value's place: its own name and default are read next
            if group == "bare":  # Markdown/reST quotes and a sentence's last stop are not part of it
                while start < end and text[start] == _QUOTES:
                    start += 1
                while end > start and text[end - 1] in "`.:":
                    end -= 1
                if text[named_at - 1 : named_at] in ("?", "&") and "&" in text[start:end]:
                    end = text.index("&", start)  # a URL's query: ``?secret=JBSW…&issuer=Bank``
                if text[start] in "-=" and text.endswith("${", 0, named_at):
                    start += 1  # a shell expansion's default: ``${DB_PASSWORD:-hunter2}``
                if text[start] == "{" and (inner := _INNER_VALUE.match(text, start)) is not None:
                    group, (start, end) = "dq", inner.span(1)  # an object holding it: Terraform's output JSON
            if _value(text, key, sep, group, start, end, strength, m.end()):
                hits.append(Hit(start, end, "SECRET", 0.9, Priority.ASSIGNED_SECRET))
                if group != "bare" and text.startswith(" -> ", end + 1):  # a plan's change: ``"old" -> "new"``
                    new = _QUOTED.match(text, end + 5)
                    if new is not None and _value(text, key, sep, group, *new.span(1), strength, new.end()):
                        hits.append(Hit(*new.span(1), "SECRET", 0.9, Priority.ASSIGNED_SECRET))
        return hits, keywords

    @staticmethod
    def _in_column(text: str, start: int, end: int) -> Hit | None:
        """A credential's value in a two-column table beside its name (``vault kv get``): ``sftp_password   n2m2…``."""
        name_end = end
        while name_end < len(text) and text[name_end] in _NAME_CHARS:
            name_end += 1
        span = aligned_value(text, start, name_end)
        if span is None:
            return None
        key = text[start:name_end]
        strength = strength_of(key)
        if strength and _value(text, key, "", "bare", *span, strength, span[1]):
            return Hit(*span, "SECRET", 0.85, Priority.ASSIGNED_SECRET)
        return None


def _auth_headers(text: str, lowered: str) -> list[Hit]:
    """Tokens after ``Authorization: Bearer|Basic|…`` or "Bearer".

    Searched in the lower-cased copy when offsets agree: a case-sensitive pattern led by its words
    runs several times faster than ``(?i)``.
    """
    hits = []
    same = len(lowered) == len(text)
    for m in _AUTH_HEADER_LOWER.finditer(lowered) if same else _AUTH_HEADER.finditer(text):
        if same and m.start() and (lowered[m.start() - 1].isalnum() or lowered[m.start() - 1] == "_"):
            continue  # inside a word: ``\b`` of the case-insensitive pattern
        token = text[m.start(1) : m.end(1)]
        if not PLACEHOLDER.match(token) and len(token) >= 12 and not masked(token):
            hits.append(Hit(m.start(1), m.end(1), "SECRET", 0.9, Priority.ASSIGNED_SECRET + 1))
    return hits


def _word_before(text: str, start: int, sep: int) -> int:
    """Where a bare keyword's name starts when a qualifier word precedes it: "API key", "Stripe secret", "WiFi key".

    Only a keyword alone is widened (``key``, ``token``, ``secret`` right before the operator), over one
    word of letters, digits and dashes; the name is then read as one (``API key`` as ``API_key``).
    """
    if sep - start > 12 or not text[start:sep].isalpha():
        return start
    m = _QUALIFIER.search(text, max(0, start - 24), start)
    return start if m is None else m.start()


def _value_below(text: str, end: int) -> Hit | None:
    """The value on the line under a label that ends its own line with a colon ("Admin password:", then it).

    The label is the whole line before the colon, spaces read as underscores ("API key" is ``API_key``),
    at most four words; the value, a line of one token, not a YAML key (``db_password:``) or list item.
    """
    newline = text.find("\n", end, end + 40)
    if newline < 0 or text[end:newline].rstrip()[-1:] != ":":
        return None  # the line goes on after the label: nearly every keyword in prose
    m = _BELOW.match(text, end)
    if m is None:
        return None
    line = text.rfind("\n", 0, end) + 1
    label = text[line : m.start("colon")].strip(" \t-*#>").replace(" ", "_")
    if not label or label.count("_") > 4 or len(label) > 40:
        return None
    strength = strength_of(label)
    start, stop = m.span("bare")
    if text[stop - 1] == ":" or text[start] == "-":
        return None
    if strength and _value(text, label, ":", "bare", start, stop, strength, m.end()):
        return Hit(start, stop, "SECRET", 0.85, Priority.ASSIGNED_SECRET)
    return None


def _value(text: str, key: str, sep: str, group: str, start: int, end: int, strength: int, after: int) -> bool:
    """Whether ``text[start:end]``, assigned to ``key`` with ``sep``, is a credential's value.

    Not a placeholder, a name from code, a hash, the name itself, a type or a metavar; a value
    quoted as a string literal is code only when it is all words (``"config.db"``, not ``"l2.zBmh…"``).
    """
    value = text[start:end]
    if not value or PLACEHOLDER.match(value) or len(set(value)) <= 2 or hashed(value) or masked(value):
        return False
    if _TIMESTAMP.match(value):
        return False  # ``"passwordLastSet": "2024-02-01T09:12:44.000Z"``
    if group == "bare" and _ABSOLUTE_PATH.fullmatch(value):
        return False  # a directory: sudo's ``PWD=/home/deploy``, a key file's path
    if filler(value):  # ``change-me-to-a-long-random-string``, ``sk_test_REPLACE_ME``
        return False
    if PUBLISHED.match(value) or (len(value) < 12 and value.endswith(("_", "-"))):  # ``sk_test_``: a prefix alone
        return False
    if value.startswith(("ENC[", "ENC(")) or (value.startswith("Ag") and sealed(text, start)):
        return False  # encrypted: SOPS, Jasypt, a SealedSecret
    if sep == "::" and hashed(_b64_text(value)):
        return False  # LDIF's base64 of a stored hash: ``userPassword:: e1NTSEF9…`` is ``{SSHA}…``
    if _REFERENCE.match(value) or (group == "bare" and _YAML_TAG.fullmatch(value)):
        return False
    if value.isalpha() and value.islower() and key.lower().endswith("key"):
        return False  # ``secretKey: username``: the key of a map (a Kubernetes Secret's), not a value
    if CODE.match(value) and (group == "bare" or not random_looking(value.replace(".", ""), 8)):
        return False
    if value.lower() in (key.lstrip("-").lower(), key.rpartition(".")[2].lower()) or (
        sep == ":" and _TYPE_NAME.fullmatch(value)
    ):
        return False  # ``secret_key=secret_key`` passes a variable; ``client_secret: ClientSecret`` is a type
    if not sep and (value[0] == "-" or _one_case_word(value) or _SPEC.match(value)):
        # a flag's next flag (``--list-keys --keyid-format``), a metavar (``TEXT``), ``--secret id=npmrc``, prose
        # about the flag ("the --proxy-password option")
        return False
    if group == "bare" and _SNAKE.fullmatch(value) and _in_code(text, start, end):
        return False  # code passing a variable: ``password = url_user``, ``key=aws_key,``, ``"password": check_pw,``
    if " " in value and value.count(" ") >= 3 and _DESCRIBED.search(value):
        return False  # a description in the value's place: ``password = 'Password used to generate key'``
    if value[0] == ":" or value.startswith(("&#", "&lt", "&gt", "&amp")) or text[start - 1 : start] == "\\":
        return False  # a scope (``pass_waccess::check_uses``), an HTML entity (``psk: &#x3C;Buffer``), an escape's tail
        # (a man page's ``--client-secret=\fISECRET\fR``)
    if strength == 2:
        return len(value) >= 4 and (group != "bare" or sep != ":" or _self_evident(text, after, value))
    return random_looking(value)


def _b64_text(value: str) -> str:
    """``value`` decoded from base64 as text, or "" when it is not."""
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return ""


def _starts_line(text: str, start: int) -> bool:
    """Whether only indentation (up to 80 characters of it) comes before ``start`` on its line."""
    lo = max(0, start - 80)
    newline = text.rfind("\n", lo, start)
    return (newline >= 0 or lo == 0) and not text[newline + 1 : start].strip()


def _long_words(text: str, split: list[str]) -> list[tuple[int, int]]:
    """Where each word of ``split`` (the text's whitespace-delimited words) of ``LONG_WORD`` or more characters is.

    ``str.split`` and ``str.find`` are several times cheaper than a regex scan of the whole text,
    and a comprehension picks the long words faster than a loop over all of them.
    """
    long = [word for word in split if len(word) >= LONG_WORD]
    spans: list[tuple[int, int]] = []
    pos = 0
    for word in long:
        at = text.find(word, pos)  # the words before it since ``pos`` are too short to hold it
        pos = at + len(word)
        spans.append((at, pos))
    return spans


def _self_evident(text: str, end: int, value: str) -> bool:
    """A bare ``password: value`` is prose ("password: click the link") unless it looks like one.

    It does when it has a digit or a symbol, or when it is all that is left of the line.
    """
    if any(not c.isalpha() for c in value):
        return True
    rest = text[end : text.find("\n", end) if "\n" in text[end:] else len(text)]
    return not rest.strip()
