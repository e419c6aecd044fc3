"""Vendor key formats and key blocks: the strongest evidence, a token that says what it is by itself.

``sk-ant-…``, ``AKIA…``, ``ghp_…``, ``xoxb-…`` and some eighty more prefixes or shapes, PEM private
keys, PuTTY key files, Azure storage keys. Documented and made-up keys (``AKIAIOSFODNN7EXAMPLE``,
``ghp_XXXX…``, ``xoxb-your-token``) are not secrets.
"""

from __future__ import annotations

import bisect
import re
from typing import Final

from freehold.privacy.detectors import cues
from freehold.privacy.detectors.base import Cluster, Hit, Priority, Scan, in_runs
from freehold.privacy.detectors.placeholders import filler, masked

__all__ = ["LONG_WORD", "vendor_keys"]

# Vendor keys by their prefixes or shapes. The pattern opens with "no word character or dash before":
# inside a word that fails at once, so each branch is tried only where a word starts (putting each
# branch's first letter first, for ``re`` to skip by, was four times slower: most letters begin one).
_VENDOR_KEYS: Final = (
    r"sk-ant-[A-Za-z0-9_-]{20,}",
    r"sk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}",
    r"A(?:KIA|SIA|BIA|CCA)[0-9A-Z]{16}", r"AKID[A-Za-z0-9]{32}",  # AWS key ids, Tencent Cloud's SecretId
    r"gh[pousr]_[A-Za-z0-9]{36,255}", r"github_pat_[A-Za-z0-9_]{22,255}", r"glpat-[A-Za-z0-9_-]{20,}",
    r"xox[abposr]-[A-Za-z0-9-]{10,}", r"xapp-\d-[A-Za-z0-9-]{10,}",
    r"AIza[0-9A-Za-z_-]{35}", r"ya29\.[0-9A-Za-z_-]{20,}", r"GOCSPX-[A-Za-z0-9_-]{20,}",
    r"sk_(?:live|test)_[0-9A-Za-z]{16,}", r"rk_(?:live|test)_[0-9A-Za-z]{16,}", r"whsec_[A-Za-z0-9+/]{20,}",
    r"SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}",
    r"hf_[A-Za-z0-9]{30,}", r"npm_[A-Za-z0-9]{36}", r"pypi-[A-Za-z0-9_-]{50,}",
    r"key-[0-9a-f]{32}", r"dapi[0-9a-f]{32}", r"dop_v1_[a-f0-9]{64}", r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}",
    r"gsk_[A-Za-z0-9]{40,}", r"r8_[A-Za-z0-9]{30,}", r"xai-[A-Za-z0-9]{40,}", r"pplx-[A-Za-z0-9]{40,}",
    r"lin_api_[A-Za-z0-9]{30,}", r"NRAK-[A-Z0-9]{27}", r"sq0(?:atp|csp)-[A-Za-z0-9_-]{22,}", r"ntn_[A-Za-z0-9]{40,}",
    r"hv[sbr]\.[A-Za-z0-9_-]{24,}",
    r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+",
    r"sk-or-v1-[0-9a-f]{64}", r"lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}", r"sntry[us]_[A-Za-z0-9_=+/]{40,}",
    r"dp\.(?:st|pt|ct|sa|scim|audit)\.(?:[a-z0-9_-]+\.)?[A-Za-z0-9]{40,}",
    r"tskey-(?:auth|api|client|webhook)-[A-Za-z0-9-]{20,}", r"AGE-SECRET-KEY-1[0-9A-Z]{58}", r"nfp_[A-Za-z0-9]{36,}",
    r"AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{100,}",  # Firebase Cloud Messaging server key
    r"dckr_pat_[A-Za-z0-9_-]{27,}",  # Docker Hub personal access token
    r"rubygems_[0-9a-f]{48}", r"sk\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}",  # RubyGems, Mapbox secret token
    r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{17,20}/[A-Za-z0-9_-]{60,}",
    r"eyJhIjoi[A-Za-z0-9+/]{60,}={0,2}",  # Cloudflare tunnel token: base64 of {"a": account, "t": tunnel, "s": secret}
    # Atlassian, Resend, ElevenLabs
    r"ATATT3[A-Za-z0-9_=-]{150,}", r"re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}", r"sk_[0-9a-f]{48}",
    r"pcsk_[A-Za-z0-9]{4,10}_[A-Za-z0-9]{40,}", r"pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{30,}",  # Pinecone, PlanetScale
    # GitLab's other tokens and runner registration token, Slack's rotating tokens, Supabase, Airtable, Notion's
    # older integration secret, Figma, Heroku, DigitalOcean OAuth, NuGet, Hugging Face org, Bitbucket, Postman,
    # New Relic insert/query, Grafana, Dynatrace, Google refresh token, Pulumi, Plaid, LaunchDarkly server SDK,
    # Contentful, Adafruit IO, Fly.io, Render, Meta/Square access tokens
    r"gl(?:dt|rt|ptt|cbt|ft|soat|oas|imt)-[A-Za-z0-9_-]{20,}", r"GR1348941[A-Za-z0-9_-]{20}",
    r"xoxe(?:\.xox[bp])?-\d-[A-Za-z0-9-]{40,}", r"sbp_[a-f0-9]{40}", r"sb_secret_[A-Za-z0-9_-]{20,}",
    r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}", r"secret_[A-Za-z0-9]{43}", r"figd_[A-Za-z0-9_-]{38,}",
    r"HRKU-[A-Za-z0-9_-]{58,}", r"do[or]_v1_[a-f0-9]{64}", r"oy2[a-z0-9]{43}", r"api_org_[A-Za-z0-9]{34}",
    r"ATBB[A-Za-z0-9_=.-]{28,}", r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}", r"NRI[IQ]-[A-Za-z0-9_-]{32}",
    r"glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}", r"glc_[A-Za-z0-9+/]{32,}={0,2}", r"dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}",
    r"1//0[A-Za-z0-9_-]{40,}", r"pul-[a-f0-9]{40}",
    r"access-(?:production|development)-[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}",
    r"sdk-[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}", r"CFPAT-[A-Za-z0-9_-]{43}", r"aio_[A-Za-z0-9]{28}",
    r"fo1_[A-Za-z0-9_-]{43}", r"rnd_[A-Za-z0-9]{32}", r"EAA[A-Za-z0-9]{60,}",
    r"FLWSECK(?:_TEST)?-[0-9a-f]{32}-X",  # Flutterwave secret key (its FLWPUBK- twin is published)
    r"Mid-server-[A-Za-z0-9_-]{20,}", r"SB-Mid-server-[A-Za-z0-9_-]{20,}",  # Midtrans (its Mid-client- is published)
)  # fmt: skip
_VENDOR_SHAPES: Final = (
    r"\d{8,10}:AA[A-Za-z0-9_-]{33}",  # Telegram bot token
    r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{60,}",  # Terraform Cloud
    r"[0-9a-f]{32}-us\d{1,2}",  # Mailchimp
    r"[MNO](?=[A-Za-z0-9_-]{0,26}\d)[A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}",  # Discord bot token
    r"[A-Za-z0-9_.-]{3}[78]Q~[A-Za-z0-9_~.-]{31,34}",  # Microsoft Entra client secret
)


def _by_first_letter(branches: tuple[str, ...]) -> str:
    """``a(?:…|…)|b(?:…)``: branches grouped by their literal first character, in their order within a group.

    At a word's start ``re`` then compares one character per group instead of one per branch; the
    branch that wins at a position is the same, as only branches with the same first character can.
    """
    groups: dict[str, list[str]] = {}
    for branch in branches:
        assert branch[0].isalnum(), branch
        groups.setdefault(branch[0], []).append(branch[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


KNOWN: Final = re.compile(rf"(?<![\w-])(?:{_by_first_letter(_VENDOR_KEYS)}|{'|'.join(_VENDOR_SHAPES)})(?![\w-])")
# Cues, one of which (lower-cased) every match of ``KNOWN`` holds: the branches' literal starts, and a literal
# inside each shape ("q~", "-us", ":aa", ".atlasv1."). ``KNOWN`` is searched only in the long words that hold
# one, or two dots (a Discord bot token's shape has no literal). tests/unit/privacy/test_cues.py derives each
# branch's start from the pattern and checks it is here.
_CUES: Final = cues.register(
    "sk-", "sk_", "sk.eyj", "akia", "asia", "abia", "acca", "akid", "aiza", "aaaa", "age-secret-key-1", "aio_",
    "api_org_", "atatt3", "atbb", "gho_", "ghp_", "ghr_", "ghs_", "ghu_", "github_pat_", "glc_", "glcbt", "gldt",
    "glft", "glimt", "gloas", "glpat-", "glptt", "glrt", "glsa_", "glsoat", "gocspx-", "gr1348941", "gsk_",
    "xox", "xapp-", "xai-", "ya29.", "rk_", "whsec_", "sg.", "hf_", "npm_", "pypi-", "key-", "dapi", "dop_v1_",
    "doo_v1_", "dor_v1_", "shp", "r8_", "pplx-", "lin_api_", "nrak-", "nrii-", "nriq-", "sq0", "ntn_", "hvs.",
    "hvb.", "hvr.", "hooks.slack.com/services/", "lsv2_", "sntry", "dp.", "tskey-", "nfp_", "dckr_pat_",
    "rubygems_", "/api/webhooks/", "eyjhijoi", "re_", "pcsk_", "pscale_", "sbp_", "sb_secret_", "pat", "secret_",
    "figd_", "hrku-", "oy2", "pmak-", "dt0c01.", "1//0", "pul-", "access-", "sdk-", "cfpat-", "fo1_", "rnd_",
    "eaa", "flwseck", "mid-server-", ":aa", ".atlasv1.", "-us", "q~",
)  # fmt: skip
# Every vendor key and every random token is 15 characters or more with no whitespace, so it lies
# inside one whitespace-delimited word that long; most prose has few such words, so the costly
# patterns only look at them (their own lookarounds find where in the word a key starts and ends).
LONG_WORD: Final = 15
_PEM: Final = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?|OpenVPN Static key V1)-----"
    r"(?:[\s\S]{0,12000}?-----END \1-----|(?:(?:\\n|\s)+[A-Za-z0-9+/=:-]{8,})+)"
)
# A PuTTY key file, header to MAC: its private lines are encrypted only when "Encryption" says so.
_PPK: Final = re.compile(r"PuTTY-User-Key-File-\d: [\s\S]{0,12000}?Private-MAC: [0-9a-f]+")
_AZURE: Final = re.compile(r"(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{30,}={0,2})")
# Keys that ride in an RPC endpoint's path (Alchemy, Infura), and the private keys a Hardhat or Truffle
# config hands its network: ``accounts: ["0x…"]`` (64 hex digits; a 40-digit one is a public address).
_RPC_KEY: Final = re.compile(r"(?:\.alchemy\.com/v2|\.alchemyapi\.io/v2|\.infura\.io/v3)/([A-Za-z0-9_-]{32})(?![\w-])")
# An Azure shared access signature: its ``sig`` grants what the URL's other parameters say until ``se``.
_SAS_SIG: Final = re.compile(r"[?&]sv=\d{4}-\d\d-\d\d[^\s\"'<>]{0,300}?&sig=([A-Za-z0-9%+/=]{20,120})")
# A password-reset link's token (Django's ``/reset/<uidb64>/<timestamp>-<hmac>/``, or a long random last segment):
# whoever holds the link sets the account's password.
_RESET_TOKEN: Final = re.compile(
    r"/(?:password[-_]?)?reset(?:[-_]password)?/(?:[A-Za-z0-9_=-]{1,40}/)?"
    r"([0-9a-z]{1,13}-[0-9a-f]{20,64}|[A-Za-z0-9_-]{32,128})(?=[/?#\"'\s]|$)"
)
_ACCOUNTS: Final = re.compile(r"accounts\s*:\s*\[\s*[\"'](0x[0-9a-fA-F]{64})[\"']")
# Keys by their place (group 1), each looked for only where a cue every match holds occurs (as written).
_IN_PLACE: Final = (
    ("Key=", _AZURE),
    ("alchemy", _RPC_KEY),
    ("infura.io", _RPC_KEY),
    ("&sig=", _SAS_SIG),
    ("accounts", _ACCOUNTS),
)
cues.register("-----begin", "putty-user-key-file", "reset/")
_IN_PLACE_CUES: Final = cues.register(*(hint.lower() for hint, _ in _IN_PLACE))


def vendor_keys(scan: Scan, words: list[Cluster]) -> tuple[list[Hit], list[re.Match[str]]]:
    """Vendor keys (looked for in the text's long ``words`` only) and key blocks; and the vendor keys' matches.

    The matches go back to the caller, whose other finders pair an access key id with its secret.
    """
    text = scan.text
    if words and len(scan.lowered) == len(text):  # (offsets in the lower-cased text are the text's)
        words = _holding_cues(scan, words)
    known = in_runs(KNOWN, text, words, LONG_WORD) if words else []
    hits = [Hit(m.start(), m.end(), "SECRET", 0.99, Priority.KNOWN_SECRET) for m in known if not _fake(m.group())]
    if scan.has_cased("-----BEGIN"):
        hits += [Hit(m.start(), m.end(), "SECRET", 0.99, Priority.BLOCK) for m in _PEM.finditer(text)]
    if scan.has_cased("PuTTY-User-Key-File"):
        hits += [Hit(m.start(), m.end(), "SECRET", 0.99, Priority.BLOCK) for m in _PPK.finditer(text)]
    for hint, pattern in _IN_PLACE if not scan.cues.isdisjoint(_IN_PLACE_CUES) else ():
        if hint.lower() in scan.cues and hint in text:  # (``has_cased``, for cues registered above)
            hits += [Hit(*m.span(1), "SECRET", 0.95, Priority.KNOWN_SECRET) for m in pattern.finditer(text)]
    if scan.has_cased("reset/"):
        for m in _RESET_TOKEN.finditer(text):
            if any(c.isdigit() for c in m.group(1)) and not _fake(m.group(1)):
                hits.append(Hit(*m.span(1), "SECRET", 0.9, Priority.KNOWN_SECRET))
    return hits, known


def _holding_cues(scan: Scan, words: list[Cluster]) -> list[Cluster]:
    """The long ``words`` that hold a vendor cue (``_CUES``) or two dots: the only ones a vendor key can be in."""
    if scan.cues.isdisjoint(_CUES):
        return [(start, end) for start, end in words if scan.text.count(".", start, end) >= 2]
    starts = sorted(at for at, cue in scan.occurrences if cue in _CUES)
    held = []
    for start, end in words:
        i = bisect.bisect_left(starts, start)
        if (i < len(starts) and starts[i] < end) or scan.text.count(".", start, end) >= 2:
            held.append((start, end))
    return held


def _fake(key: str) -> bool:
    """A documented or made-up key: it ends in filler, or its body (after the prefix) has two kinds of character.

    Filler is eight or more of ``x``, ``X``, ``0``, ``*``, ``.`` closing the key (``ghp_XXXX…``,
    ``AKIA0000…``); the body is what follows the prefix's last ``_``, ``-`` or ``.`` (``sk_live_abab…``),
    or, for a prefix of letters alone (``AKIA``), its last sixteen characters. A real key of 20
    characters or more holds a dozen different ones; only a key with fewer is looked at.
    """
    if masked(key) or filler(key):  # AWS's and Stripe's documented keys (AKIAIOSFODNN7EXAMPLE), ``xoxb-your-…``
        return True
    if len(set(key)) >= 12:
        return False
    if len(key) - len(key.rstrip("xX*0.")) >= 8:
        return True
    cut = max(key.rfind("_"), key.rfind("-"), key.rfind("."))
    body = key[cut + 1 :] if cut >= 0 else key[-16:]
    return len(body) >= 8 and len(set(body)) <= 2
