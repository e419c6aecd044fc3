"""The weakest evidence of a credential: a random-looking token a few words after "key", "token" or "secret".

A token (20+ characters of a key's alphabet, inside a word of 15+) counts when the 40 characters
before it hold a credential word, or a key's name and a verb ("key1 is …", "the API key 0a36…"), and
it looks random (``random_looking``: letters and digits, not words joined by "-_/.", enough entropy).
Hex strings and UUIDs are digests and ids unless so named; public keys, key ids, hashes' tails,
sealed ciphertexts, ARNs and named ids are not secrets. ``random_looking`` also judges the values the
assignment level (``secrets``) reads for names such as "token" that do not say "password".
"""

from __future__ import annotations

import bisect
import re
from typing import Final

from freehold.privacy.detectors.base import Hit, Priority, Scan, before, in_runs
from freehold.privacy.detectors.layout import in_listing, key_of, sealed
from freehold.privacy.detectors.names import strength as strength_of
from freehold.privacy.detectors.placeholders import DOCUMENTED, PUBLISHED, hashed, masked
from freehold.privacy.detectors.validators import entropy

__all__ = ["near_keywords", "random_looking", "random_near_words"]

_WORDS_IN: Final = re.compile(r"[A-Z]?[a-z]{3,}")  # the words of a camelCase or PascalCase name
_TOKEN: Final = re.compile(r"(?<![\w+/=.$-])[A-Za-z0-9+/_-]{20,200}={0,2}(?![\w+/=-])")  # not ``$SHELL_VAR``
_TOKEN_CONTEXT: Final = re.compile(
    r"\b(?:key|token|secret|credential|password|bearer|auth|apikey|api key)s?\d?\b"
)  # "key1" too, as Azure numbers its keys
# A key word, then a verb or copula, right before the token: "key1 is …", "auth token es …", "AppSecret 是 …",
# "the webhook secret changed to …"; or a credential's own name right before it: "using the API key 0a369ac7…"
# (not "the cache key 5f3a…"). So said, even a hex string is the key (unsaid, hex is a digest's or an id's
# shape far more often).
_VERBS: Final = r"is|es|est|ist|era|was|war|är|er|è|é|是|为|為|は|(?:changed|set|rotated|reset|updated) to"
_CREDENTIAL_NAMES: Final = r"api[ _-]?key|secret key|access key|private key|api token|access token|auth token"
_CREDITED: Final = re.compile(rf"(?:{_VERBS}|(?i:{_CREDENTIAL_NAMES}))[\s\"'`「:]{{0,3}}$")
# A bare "key" must be a credential's ("api key is", "key1 is" as Azure numbers them; not "cache key is").
_STATED: Final = re.compile(
    r"(?:(?P<prev>[a-z]+)[ _-])?(?P<name>\w*(?:key|token|secret)s?\d?)[\s\"'`)]{1,3}"
    rf"(?:{_VERBS})[\s\"'`「:]{{0,3}}$"
)
# A credential's name right before a value in prose ("using the API key 0a36…"), unless it is that value's digest's.
_NAMED_BEFORE: Final = re.compile(rf"(?:{_CREDENTIAL_NAMES})[\s\"'`:]{{1,3}}$")
_DIGEST_OF: Final = re.compile(
    r"(?:hash|digest|fingerprint|checksum|sha-?\d*|md5|id|prefix|suffix)\s+of(?:\s+(?:the|your|my|our|an?))?\s*$"
)
# What a public key follows: its own type (``ssh-ed25519 AAAA…``) or words that say it is public.
_PUBLIC_KEY: Final = re.compile(r"(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp\d+|public[ _-]?key|pubkey)\W*$")
# An OpenPGP key's id as ``gpg --list-keys`` prints it (``ed25519/7C3E9B4410D8A2F6``): it names a key.
_KEY_ID: Final = re.compile(
    r"(?:rsa|dsa|elg|ed25519|cv25519|ed448|cv448|nistp\d+|brainpoolp\d+r1|secp256k1)\d*/[0-9A-F]{8,40}$"
)
# PEM (``-----BEGIN PUBLIC KEY-----``, ``CERTIFICATE``), PGP armour, RFC 4716 (``---- BEGIN SSH2 PUBLIC KEY ----``);
# to its END line, or, cut short, over its header and base64 lines.
_PUBLIC_BLOCK: Final = re.compile(
    r"(-----|---- )BEGIN ((?:[A-Z0-9]+ )*(?:PUBLIC KEY(?: BLOCK)?|CERTIFICATE(?: REQUEST)?)) ?-{4,5}"
    r"(?:[\s\S]{0,20000}?\1END \2 ?-{4,5}|(?:(?:\\n|\s)+(?:[A-Z][\w-]+: [^\n\\]*|[A-Za-z0-9+/=:-]{8,}))+)"
)
# Words after which a random token is an identifier: it names a credential, it does not grant anything.
_NAMED_ID: Final = re.compile(
    r"(?:accessor|accessorid|fingerprint|key[ _-]?id|\bkid|sid|nonce|request[ _-]?id|trace[ _-]?id|VXNlcm5hbWU6\n)"
    r"[\"':= \t]*$",
    re.IGNORECASE,
)  # ``VXNlcm5hbWU6``: SMTP's base64 "Username:" prompt; the line after it is a login name
_ASSIGNED_TO: Final = re.compile(r"[ \t]*=(?!=)")
_PARTS: Final = re.compile(r"[-_/.]")
# A part of a name: a word in one case or capitalised, or a number, either with a few digits or a letter
# after it (``aes128``, ``s390x``, ``v2``), or a number with a word after it (``2core``, ``64BIT``); a random
# token's parts mix case and digits throughout.
_PLAIN_PART: Final = re.compile(r"(?:[a-z]+|[A-Z]+|[A-Z][a-z]+)\d{0,4}[a-z]?|\d+(?:[a-z]+|[A-Z]+)?")
_DIGEST_NAMES: Final = ("sha1:", "sha224:", "sha256:", "sha384:", "sha512:", "md5:")
# (With "0x", an Ethereum address or a transaction's hash: public, unless a key's name says otherwise.)
_HEX_OR_UUID: Final = re.compile(r"(?:0x)?[0-9a-fA-F]+|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


def random_looking(value: str, min_len: int = 16) -> bool:
    """Long enough, letters and digits, high entropy; a snake_case name (``ephemeral_5m_input_tokens``) is not.

    Base64 of 32 bytes (a WireGuard or HMAC key, ``…=``) may lack a digit, one time in a thousand; its
    ``+`` or ``=`` says it is no name, and its entropy says it is random.
    """
    if len(value) < min_len or not any(map(str.isalpha, value)):
        return False
    base64 = "+" in value or value.endswith("=")
    if not any(map(str.isdigit, value)) and not (base64 and len(value) >= 32 and entropy(value) >= 4.0):
        return False
    if "_" in value and value.islower():  # random base64 of this length all but never lacks a capital
        return False
    if sum(map(len, _WORDS_IN.findall(value))) >= 0.6 * len(value):
        return False  # mostly words: a name (``CreateOAuth2TokenWithIAM``, ``X509WorkloadIdentity``)
    # (Hex has sixteen letters: one random 32-digit key in five falls under 3.5 bits, one in ten thousand under 3.0.)
    least = 3.0 if len(value) < 32 or _HEX.fullmatch(value) else 3.5
    if entropy(value) < least or _joined_words(value):
        return False
    return not (_ULID.fullmatch(value) or _POD_NAME.fullmatch(value))  # ids: a time and randomness, a pod's name


_HEX_TAIL: Final = re.compile(r"[0-9a-f]{7,64}")
_HEX: Final = re.compile(r"[0-9a-fA-F]+")


# A name, "/", then an id in hex: a user agent's ``invocation-id/71705af0…``, a path's ``builds/3f9c…``.
_NAMED_HEX: Final = re.compile(r"[a-z][a-z-]*/[0-9a-f]{16,}")
_ULID: Final = re.compile(r"[0-7][0-9A-HJKMNP-TV-Z]{25}")
_ID_NAME: Final = re.compile(r"(?:^|[_.-])(?i:id|ids|uuid|guid)$|[a-z](?:Id|ID|Ids)$")
_SECRET_NAME: Final = re.compile(r"(?i)secret|token|key|pass|auth|credential")


# A Kubernetes pod's generated name: its deployment's, a replica set's hash, five characters (not a secret).
_POD_NAME: Final = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*-[a-z0-9]{8,10}-[a-z0-9]{5}")
_CREDENTIAL_PARTS: Final = frozenset({"secret", "key", "token", "pass", "password", "pwd", "auth", "api", "apikey"})


def _joined_words(value: str) -> bool:
    """Words and numbers joined by ``-_/.``: a path, a constant, an advisory id (``GNUTLS-SA-2024-01-14``)."""
    if value.count("-") + value.count("_") + value.count("/") + value.count(".") < 2:
        return False  # (most random tokens: cheaper than the split)
    parts = [part for part in _PARTS.split(value) if part]
    if len(parts) >= 5 and _HEX_TAIL.fullmatch(parts[-1]) and not _CREDENTIAL_PARTS.intersection(map(str.lower, parts)):
        parts = parts[:-1]  # words, then a digest: a cache key or a build's tag (``node-cache-Linux-x64-npm-8f14e4…``)
    return len(parts) >= 3 and all(_PLAIN_PART.fullmatch(part) for part in parts)


def _documented_at(text: str, start: int) -> bool:
    """Whether a documented token (jwt.io's example) starts at ``start``: its segments are no secret either."""
    return any(text.startswith(doc, start) for doc in DOCUMENTED)


def _public_blocks(text: str) -> list[tuple[int, int]]:
    """Where PEM public keys, PGP public key blocks and certificates lie: their bodies are random, not secret."""
    return [m.span() for m in _PUBLIC_BLOCK.finditer(text)]


def _in_hash(text: str, start: int) -> bool:
    """Whether the token at ``start`` is part of a stored hash or an encrypted value.

    A hash (``$6$salt$…``, ``SCRAM-SHA-256$4096:…``) is one-way; a SOPS ``ENC[AES256_GCM,data:…`` or
    Jasypt ``ENC(…)`` value is useless without its key.
    """
    if start == 0 or text[start - 1] not in "$:(,":
        return False
    head = text[max(0, start - 80) : start]
    cut = max(head.rfind(c) for c in " \t\n'\"=")
    word = head[cut + 1 :]
    return hashed(word) or word.startswith(("ENC[", "ENC("))


def _named_id(text: str, start: int) -> bool:
    """Whether the token at ``start`` is the value of a key that names an id (not a secret's: ``secret_id``)."""
    key = key_of(text, start) if text[start - 1 : start] in "\"' =:" else None
    return key is not None and _ID_NAME.search(key) is not None and not _SECRET_NAME.search(key)


def _named_before(window: str) -> bool:
    """Whether ``window`` (lower-cased) ends with a credential's name ("… the API key "), not its digest's."""
    m = _NAMED_BEFORE.search(window)
    return m is not None and _DIGEST_OF.search(window, 0, m.start()) is None


def _stated(window: str) -> bool:
    """Whether ``window`` (lower-cased) ends with a credential's name and a verb: "key1 is ", "app secret 是 "."""
    m = _STATED.search(window)
    if m is None:
        return False
    name = m.group("name")
    if not name.startswith("key") or name[-1].isdigit():
        return True
    return strength_of(f"{m.group('prev') or ''}_{name}") > 0


def _in_arn(text: str, start: int) -> bool:
    """Whether the token at ``start`` is part of an AWS ARN (``arn:aws:secretsmanager:…:secret:prod/db``): a name."""
    head = text[max(0, start - 120) : start]
    at = head.rfind("arn:")
    return at >= 0 and not any(c.isspace() or c in "\"'" for c in head[at:])


def _after_digest_name(text: str, start: int) -> bool:
    """``SHA256:…`` (an SSH key fingerprint, an image digest, a public key's pin): a public digest, not a secret."""
    return text[max(0, start - 9) : start].rstrip(" \t").lower().endswith(_DIGEST_NAMES)  # "sha256: …" too


def near_keywords(words: list[tuple[int, int]], keywords: list[int]) -> list[tuple[int, int]]:
    """The long ``words`` a credential keyword starts in or shortly before: the only ones a random token is taken in.

    A token needs a context word (``_TOKEN_CONTEXT``, or a key's name and a verb) in the 40 characters
    before it, and each holds a keyword (``keywords``: where they start), unless it is "bearer" (the
    caller asks this only when "bearer" is absent). Ten characters more: a keyword run into the one
    before it ("secretoken") is found as that one.
    """
    near = []
    for start, end in words:
        i = bisect.bisect_left(keywords, start - 50)
        if i < len(keywords) and keywords[i] < end:
            near.append((start, end))
    return near



def random_near_words(scan: Scan, lowered: str, words: list[tuple[int, int]]) -> list[Hit]:
    """Random-looking tokens in the long ``words`` whose context names a credential (the module's docstring)."""
    text = scan.text
    hits: list[Hit] = []
    listing = scan.has("keys\n---")
    public = _public_blocks(text) if scan.has_cased("-----BEGIN") or scan.has_cased("---- BEGIN") else ()
    for m in in_runs(_TOKEN, text, words, 20):
        start, end = m.span()
        if text[start] in "+-" and (start == 0 or text[start - 1] == "\n"):
            start += 1  # a diff's "+" or "-" line: the marker is no part of the token
        token = text[start:end]
        hex_or_uuid = _HEX_OR_UUID.fullmatch(token) is not None
        if hex_or_uuid and ("-" in token or not _CREDITED.search(text, max(0, start - 14), start)):
            continue  # a digest or an id, unless a key's name and a verb say otherwise (asked below)
        if token.count("/") > 2 or _after_digest_name(text, start) or _ASSIGNED_TO.match(text, end):
            continue  # (a name that is being assigned: ``PBESv2SHA256AndAES256CBC = "…"``)
        if "/" in token and _NAMED_HEX.fullmatch(token):
            continue  # a named id: ``invocation-id/71705af0…``
        window = before(text, start, 40)
        if hex_or_uuid:
            if not (_stated(window) or _named_before(window)) or entropy(token) < 3.0:
                continue
        elif not (_TOKEN_CONTEXT.search(window) and random_looking(token, 20)) or "csrf" in window:
            continue  # (a CSRF token is sent to every visitor)
        if masked(token) or _in_arn(text, start) or (token[:3] == "eyJ" and _documented_at(text, start)):
            continue
        if token.startswith(("age1", "//")) or _KEY_ID.match(token) or _PUBLIC_KEY.search(window):
            continue  # an age public key, a URL's user part, a key id, a key said to be public
        if PUBLISHED.match(token) or _NAMED_ID.search(window, len(window) - 24) or _in_hash(text, start):
            continue  # a publishable key, an id (``-accessor …``, ``Sid``), the tail of a password's hash
        if token.startswith("Ag") and sealed(text, start):
            continue
        if listing and in_listing(lowered, start):
            continue  # a name in ``vault list``'s output
        if any(a <= start < b for a, b in public):
            continue  # the body of a public key or certificate
        if not _named_id(text, start):  # (asked last: it searches for the key before the token)
            hits.append(Hit(start, end, "SECRET", 0.7, Priority.ENTROPY_SECRET))
    return hits
