"""Finders for credentials: vendor key formats, private-key blocks, ``password=``-style values, random tokens.

Three levels of evidence, in falling order of priority:

* a vendor's documented prefix and alphabet (``sk-ant-``, ``AKIA``, ``ghp_``, ``xoxb-``, ``AIza``…)
  or a PEM private-key block: the token itself says what it is;
* a value assigned to a name that says "password", "secret", "token" or "api key" (env files,
  JSON, YAML, code, CLI flags, ``Authorization`` headers): the *value* is the span, never the name;
* a random-looking token (length, letters and digits, Shannon entropy) a few words after "key",
  "token", "secret"…: the weakest, kept for keys no prefix list knows.

Placeholders (``${TOKEN}``, ``<your-key>``, ``****``, ``changeme``) and code that merely names a
credential (``password = os.environ["DB_PASSWORD"]``, ``token: str``) are not secrets.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from freehold.privacy.detectors.base import Hit, Priority, alternation, before, in_runs
from freehold.privacy.detectors.validators import entropy

__all__ = ["SecretFinder"]

_KNOWN: Final = re.compile(
    r"(?<![\w-])(?:"
    r"sk-ant-[A-Za-z0-9_-]{20,}"
    r"|sk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}"
    r"|(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}"
    r"|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}"
    r"|glpat-[A-Za-z0-9_-]{20,}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,}"
    r"|AIza[0-9A-Za-z_-]{35}|ya29\.[0-9A-Za-z_-]{20,}|GOCSPX-[A-Za-z0-9_-]{20,}"
    r"|(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}|whsec_[A-Za-z0-9+/]{20,}"
    r"|SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}"
    r"|hf_[A-Za-z0-9]{30,}|npm_[A-Za-z0-9]{36}|pypi-[A-Za-z0-9_-]{50,}"
    r"|SK[0-9a-f]{32}|key-[0-9a-f]{32}|dapi[0-9a-f]{32}|dop_v1_[a-f0-9]{64}|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"
    r"|gsk_[A-Za-z0-9]{40,}|r8_[A-Za-z0-9]{30,}|xai-[A-Za-z0-9]{40,}|pplx-[A-Za-z0-9]{40,}|lin_api_[A-Za-z0-9]{30,}"
    r"|NRAK-[A-Z0-9]{27}|sq0(?:atp|csp)-[A-Za-z0-9_-]{22,}|ntn_[A-Za-z0-9]{40,}|hv[sbr]\.[A-Za-z0-9_-]{24,}"
    r"|https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+"
    r"|\d{8,10}:AA[A-Za-z0-9_-]{33}"  # Telegram bot token
    r")(?![\w-])"
)
# Every vendor key and every random token is 15 characters or more with no whitespace, so it lies
# inside one whitespace-delimited word that long; most prose has few such words, so the costly
# patterns only look at them (their own lookarounds find where in the word a key starts and ends).
_LONG_WORD: Final = 15
_PEM: Final = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ ){0,3})PRIVATE KEY(?: BLOCK)?-----"
    r"(?:[\s\S]{0,12000}?-----END \1PRIVATE KEY(?: BLOCK)?-----|(?:(?:\\n|\s)+[A-Za-z0-9+/=:-]{8,})+)"
)
_AZURE: Final = re.compile(r"(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{30,}={0,2})")

# A name that says "credential" (found by its keyword, then widened to the whole name), an
# assignment, then the value, quoted or bare. Anchoring on the keyword keeps prose cheap.
_KEYWORDS: Final = alternation("pass", "pwd", "secret", "token", "key", "auth", "credential")
_KEYWORD: Final = re.compile(_KEYWORDS, re.IGNORECASE)
_KEYWORD_LOWER: Final = re.compile(_KEYWORDS)
_NAME_CHARS: Final = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
_VALUE: Final = r"(?:\"(?P<dq>[^\"\n]{1,300})\"|'(?P<sq>[^'\n]{1,300})'|(?P<bare>[^\s'\",;)}\]]{1,300}))"
# The value stays on the operator's line: "docker secret:\n  environment:" assigns nothing.
_ASSIGN: Final = re.compile(r"[\w.-]{0,30}?[\"']?(?P<sep>\s*(?:=>|:=|==|=|:)[ \t]*)" + _VALUE)
# A command-line flag (``--password hunter2``) may take its value after a space alone; any other
# name needs an operator, so prose ("the token expired") fails this match in C, not in Python.
_FLAG_ASSIGN: Final = re.compile(r"[\w.-]{0,30}?[\"']?(?P<sep>\s*(?:=>|:=|==|=|:)[ \t]*|[ \t]+(?=\S))" + _VALUE)
_PARTS: Final = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_STRONG: Final = ("password", "passwd", "pwd", "pass", "passphrase", "passcode", "secret", "secrets")
_STRONG_TAIL: Final = ("password", "passwd", "secret", "pwd", "passphrase")
_WEAK: Final = ("token", "apikey", "key", "auth", "credential", "credentials", "bearer")
_KEY_QUALIFIERS: Final = ("api", "access", "secret", "private", "signing", "encryption", "master", "license", "auth",
                          "client", "app", "service", "subscription", "account", "admin", "x")  # fmt: skip
_NOT_VALUE_NAMES: Final = ("count", "limit", "len", "length", "size", "type", "url", "uri", "endpoint", "file", "path",
                           "name", "id", "expiry", "expires", "ttl", "header", "field", "env", "var", "prefix",
                           "format", "policy", "reset", "hint", "label", "required", "manager", "rotation", "store",
                           "vault", "ref", "source", "min", "max", "usage", "strength", "hash", "algorithm", "mode",
                           "placeholder", "input", "column", "region", "pair", "set")  # fmt: skip
_PLACEHOLDER: Final = re.compile(
    r"^(?:\$|<|\{|%|\[|\*+$|x{3,}|\.\.\.|your|my[-_]|example|changeme|redacted|hidden|removed|dummy|placeholder|todo"
    r"|none$|null$|nil$|true$|false$|undefined$|required$|optional$|str$|string$|int$|bool$|bytes$|secretstr$|any$"
    r"|secrets?$|passwords?$|passwd$|pwd$|tokens?$|credentials?$|api_?key$|key$|value$|os\.|process\.env|env\("
    r"|getenv|settings\.|config\.|self\.|request\.|args\."
    # a keyword of code where a value would be (``secret = await vault.get()``, ``token = new Token()``)
    r"|await$|new$|yield$|lambda$|function$|not$|typeof$|require$"
    # an algorithm, not a password (``secret: SHA-256``, ``password hashing: bcrypt``)
    r"|(?:sha-?(?:1|224|256|384|512)|md5|bcrypt|scrypt|argon2(?:id|i|d)?|pbkdf2\S*|hmac\S*|aes-?\d+\S*|rsa-?\d*"
    r"|[hre]s(?:256|384|512))$)",
    re.IGNORECASE,
)
_WORDS_IN: Final = re.compile(r"[A-Z]?[a-z]{3,}")  # the words of a camelCase or PascalCase name
_TYPE_NAME: Final = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]*)+")  # ``client_secret: SessionClientSecret``
_QUOTES: Final = "`"  # Markdown and reST quote values: ``password=`hunter2` `` names ``hunter2``
_CODE: Final = re.compile(r"[(\[]|^[A-Za-z_]\w*(?:\.\w+)+$|^[A-Z][A-Z0-9]*_[A-Z0-9_]+$")
_AUTH_HEADER: Final = re.compile(
    r"(?i:\b(?:authorization|proxy-authorization)[\"']?\s*[:=]\s*[\"']?(?:bearer|basic|token|apikey|digest)\s+"
    r"|\bbearer\s+)([A-Za-z0-9._~+/-]{8,}=*)"
)
# ``-u`` after whitespace or ``--user``; written to start with the "-", so ``re`` jumps from one to the next.
_CURL_USER: Final = re.compile(r"-(?:(?<!\S-)u|-user)\s+[\"']?[^\s:\"']+:([^\s\"']+?)[\"']?(?=\s|$)")
# Passwords given to a command on its line: ``mysql -u app -p'S3cret'``, ``net use … /user:DOM\\svc S3cret``.
_CLI_PASSWORD: Final = (
    re.compile(
        r"m(?:ysql|ariadb)[\w-]*\s[^\n]{0,300}?\s-p(?:'(?P<sq>[^'\n]+)'|\"(?P<dq>[^\"\n]+)\"|(?P<bare>[^\s'\"-][^\s'\"]*))"
    ),
    re.compile(r"net\s+use\s[^\n]{0,300}?/user:\S+\s+(?P<net>[^\s/]\S*)"),
)  # searched in the lower-cased text, led by a literal; the value is read from the text itself
_TOKEN: Final = re.compile(r"(?<![\w+/=.-])[A-Za-z0-9+/_-]{20,200}={0,2}(?![\w+/=-])")
_TOKEN_CONTEXT: Final = re.compile(r"\b(?:key|token|secret|credential|password|bearer|auth|apikey|api key)s?\b")
_DIGEST_NAMES: Final = ("sha1:", "sha224:", "sha256:", "sha384:", "sha512:", "md5:")
_HEX_OR_UUID: Final = re.compile(r"[0-9a-fA-F]+|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


# A password stated in prose, in the languages people write support tickets in: "my wifi password
# is Hx7#…", "le mot de passe du wifi a1gK…", "Passwort war Lindenhof#2291", "contraseña: 7Gqr#…".
# No word character may precede it (checked in ``_prose_passwords``, so that ``re`` skips to the
# words' first letters): ``DB_PASSWORD`` is a name, not prose.
_PASSWORD_WORDS: Final = re.compile(r"pass(?:words?|wort|wd|phrase|code|ord|e(?=[\s:]))")  # led by "pass": fast
_OTHER_PASSWORD_WORDS: Final = re.compile(
    alternation(
        *"kennwort mdp contraseña senha wachtwoord hasło haslo lösenord adgangskode kodeord heslo "
        "şifre(?:miz|m|si|n)? parola salasana パスワード".split()
    )  # fmt: skip
)
_PROSE_TOKEN: Final = re.compile(r"[^\s]+")
# What may sit between the word and the value: a verb ("is", "war", "est"…) or a colon says the next
# token is the value; plain words ("du wifi", "temporal que me dio soporte:") may come before it.
_COPULAS: Final = frozenset(
    "is was are reads remains now still = : - ist war lautet lautete est était c'est es era è é jest to było är "
    "var er je bylo idi".split()
)  # fmt: skip
_MAX_PROSE_WORDS: Final = 4
_PROSE_REACH: Final = 300  # characters after the word: a few words and a value, never a whole long line
_ALGORITHM: Final = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")  # SHA-256, PBKDF2-SHA256, AES-256-GCM: no password
_CONJUNCTIONS: Final = frozenset("or and oder und ou et o y e of en eller lub albo".split())
_VALUE_TRIM: Final = ".,;:)»\"'`"
_MASKED: Final = ("...", "…", "***", "xxxx", "redacted")


def _prose_passwords(text: str, lowered: str) -> list[Hit]:
    """Values that follow a password word in a sentence: see ``_PASSWORD_WORDS``.

    From the word, up to four words are skipped to the first token that looks like a password: six
    characters or more, letters and two more kinds of character (digits, capitals, symbols); after
    a verb or a colon ("is", "war", "est", ":"), two kinds suffice but at most one word may
    come between ("is either …", "is still …"); without one, it also needs a symbol or twelve
    characters ("a password manager like 1Password" names a product). "Reset your password: click
    the link", "must be 8 characters", "hashed with SHA-256" hold no such token. A second value
    joined by "or"/"and" is taken as well.
    """
    hits: list[Hit] = []
    named = list(_PASSWORD_WORDS.finditer(lowered)) if "pass" in lowered else []
    if _may_name_password(lowered):
        named += _OTHER_PASSWORD_WORDS.finditer(lowered)
    for k in named:
        if k.start() and (lowered[k.start() - 1].isalnum() or lowered[k.start() - 1] == "_"):
            continue
        if k.group() == "passe" and not lowered.endswith(("mot de ", "palavra-"), 0, k.start()):
            continue  # French "passe" alone is a verb
        after = text[k.end() : k.end() + 2]
        if not after[:1].isspace() and not (after[:1] == ":" and after[1:].isspace()):
            continue  # ``password=…``, ``password:…``, ``password_hash``: code, the assignments' business
        reach = min(len(text), k.end() + _PROSE_REACH)
        line_end = text.find("\n", k.end(), reach)
        tokens = _PROSE_TOKEN.finditer(text, k.end(), reach if line_end < 0 else line_end)
        stated = after[:1] == ":"
        words = 0  # plain words since the password word, or since the verb or colon once there is one
        for t in tokens:
            word = t.group()
            bare = word.rstrip(":,")
            if bare.lower() in _COPULAS or not bare:
                stated, words = True, 0
                continue
            if word[0] in "<{$[%":
                break  # a template (``password: <your password>``, ``${SMTP_PASSWORD}``) states no password
            plain = bare.replace("'", "").replace("-", "").isalpha()
            # Right after a verb or colon, two kinds of character suffice; further on, as without one,
            # the value must look strong ("lautet ab Montag Tundra_Sowa02$", "je od dnešního dne …").
            value = None if plain else _prose_value(text, *t.span(), stated and words <= 1)
            if value is None:  # a word, or a token that is no password: skip it, within limits
                words += 1
                if word.endswith(":") and words <= _MAX_PROSE_WORDS + 1:
                    stated, words = True, 0  # "contraseña temporal que me dio soporte: …"
                elif words > _MAX_PROSE_WORDS or word[-1] in ".?!,;":
                    break  # too far, or the clause ended ("is on the sticker, SSID HomeNet-5G")
                continue
            hits.append(Hit(value[0], value[1], "SECRET", 0.8, Priority.ASSIGNED_SECRET - 1))
            joined, second = next(tokens, None), next(tokens, None)
            if joined is not None and second is not None and joined.group().lower() in _CONJUNCTIONS:
                value = _prose_value(text, *second.span(), stated)
                if value is not None:
                    hits.append(Hit(value[0], value[1], "SECRET", 0.8, Priority.ASSIGNED_SECRET - 1))
            break
    return hits


def _prose_value(text: str, start: int, end: int, stated: bool) -> tuple[int, int] | None:
    """The (start, end) of the password in the token ``text[start:end]``, or None when it does not look like one."""
    while end > start and text[end - 1] in _VALUE_TRIM:
        end -= 1
    while start < end and text[start] in "\"'`«„(":
        start += 1
    value = text[start:end]
    if not 6 <= len(value) <= 64 or "://" in value or value[0] in "/~.=@" or _ALGORITHM.fullmatch(value):
        return None
    if _PLACEHOLDER.match(value) or _CODE.search(value) or _masked(value):
        return None
    kinds = (
        any(c.islower() for c in value) + any(c.isupper() for c in value) + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )  # fmt: skip
    if not any(c.isalpha() for c in value) or kinds < (2 if stated else 3):
        return None
    if not stated and len(value) < 12 and value.isalnum():
        return None
    return start, end


def _may_name_password(lowered: str) -> bool:
    """Whether a ``_PASSWORD_WORDS`` word other than those with "pass" may occur (the caller tests "pass").

    Substring tests, far cheaper than the search; those with letters outside ASCII only where there are such.
    """
    return (
        "wort" in lowered or "mdp" in lowered or "senha" in lowered or "woord" in lowered or "haslo" in lowered
        or "kode" in lowered or "heslo" in lowered or "parola" in lowered or "salasana" in lowered
        or (not lowered.isascii() and (
            "contrase" in lowered or "hasł" in lowered or "lösen" in lowered or "şifre" in lowered
            or "パスワード" in lowered
        ))
    )  # fmt: skip


@functools.lru_cache(maxsize=4096)
def _strength(key: str) -> int:
    """2 for a name that says password or secret, 1 for token/key/auth, 0 for anything else.

    Cached: the same few names (``password``, ``api_key``, ``DB_PASSWORD``…) come back in text
    after text, and splitting one into its parts costs more than the rest of its check.
    """
    name = key.lstrip("-")
    parts = [p.lower() for p in _PARTS.findall(name)]
    if not parts or parts[-1] in _NOT_VALUE_NAMES:
        return 0
    joined = "".join(parts)
    if any(p in _STRONG for p in parts) or joined.endswith(_STRONG_TAIL):
        return 2
    for i, part in enumerate(parts):
        if part == "key" and (i == 0 or parts[i - 1] not in _KEY_QUALIFIERS):
            continue  # "primary key", "sort_key": a key that is no credential
        if part in _WEAK or joined.endswith(("apikey", "accesskey", "authtoken")):
            return 1
    return 0


def _random_looking(value: str, min_len: int = 16) -> bool:
    """Long enough, letters and digits, high entropy; a snake_case name (``ephemeral_5m_input_tokens``) is not."""
    if len(value) < min_len or not any(map(str.isdigit, value)) or not any(map(str.isalpha, value)):
        return False
    if "_" in value and value.islower():  # random base64 of this length all but never lacks a capital
        return False
    if sum(map(len, _WORDS_IN.findall(value))) >= 0.6 * len(value):
        return False  # mostly words: a name (``CreateOAuth2TokenWithIAM``, ``X509WorkloadIdentity``)
    return entropy(value) >= (3.0 if len(value) < 32 else 3.5)


class SecretFinder:
    """All three levels of evidence; see the module's docstring."""

    def find(self, text: str) -> list[Hit]:
        words = _long_words(text)
        known = in_runs(_KNOWN, text, words, _LONG_WORD) if words else []
        hits = [Hit(m.start(), m.end(), "SECRET", 0.99, Priority.KNOWN_SECRET) for m in known]
        if "-----BEGIN" in text:
            hits += [Hit(m.start(), m.end(), "SECRET", 0.99, Priority.BLOCK) for m in _PEM.finditer(text)]
        if "Key=" in text:
            hits += [Hit(m.start(1), m.end(1), "SECRET", 0.95, Priority.KNOWN_SECRET) for m in _AZURE.finditer(text)]
        lowered = text.lower()
        for m in _AUTH_HEADER.finditer(text) if "bearer" in lowered or "authorization" in lowered else ():
            if not _PLACEHOLDER.match(m.group(1)) and len(m.group(1)) >= 12 and not _masked(m.group(1)):
                hits.append(Hit(m.start(1), m.end(1), "SECRET", 0.9, Priority.ASSIGNED_SECRET + 1))
        for m in _CURL_USER.finditer(text) if "-u" in text else ():
            if not _PLACEHOLDER.match(m.group(1)):
                hits.append(Hit(m.start(1), m.end(1), "SECRET", 0.9, Priority.ASSIGNED_SECRET))
        if ("-p" in text or "/user:" in text) and len(lowered) == len(text):
            hits += _cli_passwords(text, lowered)
        assigned, keyword = self._assigned(text, lowered)
        hits += assigned
        if len(lowered) == len(text) and ((keyword and "pass" in lowered) or _may_name_password(lowered)):
            hits += _prose_passwords(text, lowered)
        if words and (keyword or "bearer" in lowered):  # every context word holds a keyword, or is "bearer"
            hits += self._random_near_words(text, lowered, words)
        return hits

    def _assigned(self, text: str, lowered: str) -> tuple[list[Hit], bool]:
        """Values assigned to credential names, and whether any credential keyword occurs at all."""
        hits: list[Hit] = []
        keyword = False
        done = 0
        if len(lowered) == len(text) and not _has_keyword(lowered):
            return hits, False
        # Searching the lower-cased copy is cheaper than an IGNORECASE pattern, when offsets agree.
        for k in _KEYWORD_LOWER.finditer(lowered) if len(lowered) == len(text) else _KEYWORD.finditer(text):
            keyword = True
            if k.start() < done:
                continue
            head = text[max(0, k.start() - 60) : k.start()]
            start = k.start() - (len(head) - len(head.rstrip(_NAME_CHARS)))  # widen to the whole name
            m = (_FLAG_ASSIGN if text.startswith("--", start) else _ASSIGN).match(text, k.end())
            if m is None:
                continue
            done = m.end()
            key, sep = text[start : m.start("sep")].rstrip("\"'"), m.group("sep").strip()
            if sep == "==" or key.lower().endswith("authorization"):
                continue
            strength = _strength(key)
            if not strength:
                continue
            group = "dq" if m.group("dq") is not None else "sq" if m.group("sq") is not None else "bare"
            start, end = m.span(group)
            if group == "bare":  # Markdown/reST quotes and a sentence's last stop are not part of it
                while start < end and text[start] == _QUOTES:
                    start += 1
                while end > start and text[end - 1] in "`.:":
                    end -= 1
            value = text[start:end]
            if not value or _PLACEHOLDER.match(value) or _CODE.search(value) or len(set(value)) <= 2:
                continue
            if value.lower() == key.lstrip("-").lower() or (sep == ":" and _TYPE_NAME.fullmatch(value)):
                continue  # ``secret_key=secret_key`` passes a variable; ``client_secret: ClientSecret`` is a type
            if strength == 2:
                if len(value) < 4 or (group == "bare" and sep == ":" and not _self_evident(text, m.end(), value)):
                    continue
            elif not _random_looking(value):
                continue
            hits.append(Hit(start, end, "SECRET", 0.9, Priority.ASSIGNED_SECRET))
        return hits, keyword

    def _random_near_words(self, text: str, lowered: str, words: list[tuple[int, int]]) -> list[Hit]:
        hits: list[Hit] = []
        if not _TOKEN_CONTEXT.search(lowered):
            return hits
        for m in in_runs(_TOKEN, text, words, 20):
            token = m.group()
            if _HEX_OR_UUID.fullmatch(token) or token.count("/") > 2 or _after_digest_name(text, m.start()):
                continue
            if _TOKEN_CONTEXT.search(before(text, m.start(), 40)) and _random_looking(token, 20):
                hits.append(Hit(m.start(), m.end(), "SECRET", 0.7, Priority.ENTROPY_SECRET))
        return hits


def _masked(value: str) -> bool:
    """``sk-...REDACTED``, ``ghp_****``: a value someone already hid."""
    lowered = value.lower()
    return any(mark in lowered for mark in _MASKED)


def _cli_passwords(text: str, lowered: str) -> list[Hit]:
    hits = []
    for pattern in _CLI_PASSWORD:
        for m in pattern.finditer(lowered):
            if m.start() and lowered[m.start() - 1].isalnum():
                continue
            group = next(g for g in ("sq", "dq", "bare", "net") if g in pattern.groupindex and m.group(g) is not None)
            value = text[m.start(group) : m.end(group)]
            if len(value) >= 4 and not _PLACEHOLDER.match(value) and not _masked(value):
                hits.append(Hit(m.start(group), m.end(group), "SECRET", 0.9, Priority.ASSIGNED_SECRET))
    return hits


def _after_digest_name(text: str, start: int) -> bool:
    """``SHA256:…`` (an SSH key fingerprint, an image digest): a public digest, not a secret."""
    return text[max(0, start - 7) : start].lower().endswith(_DIGEST_NAMES)


def _has_keyword(lowered: str) -> bool:
    """Whether ``_KEYWORD_LOWER`` occurs: seven substring tests cost a third of one regex search."""
    return (
        "pass" in lowered or "pwd" in lowered or "secret" in lowered or "token" in lowered or "key" in lowered
        or "auth" in lowered or "credential" in lowered
    )  # fmt: skip


def _long_words(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every whitespace-delimited word of ``_LONG_WORD`` characters or more.

    ``str.split`` and ``str.find`` are several times cheaper than a regex scan of the whole text,
    and a comprehension picks the long words faster than a loop over all of them.
    """
    long = [word for word in text.split() if len(word) >= _LONG_WORD]
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
