"""Self-checks for heldout24 (does not run or import any detector). Copied from ../heldout9/check.py and adapted.

    /work/main/.venv/bin/python tests/privacy/heldout24/check.py

Run after `python tests/privacy/heldout/build.py tests/privacy/heldout24`.

0. layout: 100 texts, ids h24-001..h24-100, odd ids with at least one span, even ids with none;
1. reads texts.txt and heldout24.jsonl and checks that every span's text equals its inline mark,
   that types are among the ten allowed, that no span starts or ends
   with whitespace or a quote, that values of the checksummed types are valid (Luhn for
   CREDIT_CARD, mod-97 for IBAN, SSN area/group/serial ranges, ipaddress for IP_ADDRESS, a
   base64url JSON header with "alg" for JWT, a scheme://user:pass@ shape for URL_CREDENTIALS, the
   user possibly empty as in redis://:pass@), and that a SECRET span holding a key block runs from
   its first line ("-----BEGIN", "PuTTY-User-Key-File") to its last ("-----END ...-----",
   "Private-MAC: ..."), and that a DATE_OF_BIRTH span holds exactly one plausible birth year
   (four digits 1900-2025, or a Japanese era year such as 平成4年) — a year alone is not a date;
2. parses every PHONE span with libphonenumber (`phonenumbers`) and requires is_valid_number:
   numbers with "+" without a hint, national, "(+351) ..." and "00" forms with the region that
   gen.py drew the number for (the region is part of the place-holder's key in values.json);
3. checks that every SECRET span starting with a known vendor prefix has that vendor's length and
   alphabet (VENDOR below, and a Telegram bot-token shape), that no `@@` place-holder of gen.py was
   left unrendered, that texts.txt equals texts.tpl rendered from values.json and that
   values.json holds no unused value;
4. lints the unlabelled remainder of every text for things that look like PII (e-mails, valid
   phones for many regions, Luhn-valid card-length numbers, mod-97-valid IBANs, SSN shapes,
   IPv4/IPv6 addresses, JWT shapes, vendor-key prefixes, private key blocks, user:pass@ URLs,
   `password=`/`token:`-style assignments with a literal value), printing them for manual review;
5. prints the span count per type and the number of clean texts.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from pathlib import Path

import phonenumbers

HERE = Path(__file__).resolve().parent
ALLOWED = {"EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "US_SSN", "IP_ADDRESS", "SECRET", "JWT",
           "URL_CREDENTIALS", "DATE_OF_BIRTH"}
MARK = re.compile(r"\[\[([A-Z_]+)\|(.*?)\]\]", re.DOTALL)

N_TEXTS = 100
# region of every generated phone value, read from the place-holder keys "phone:name:REGION:kind:fmt[:prefix]"
REGION: dict[str, str] = {}
LINT_REGIONS = ["US", "GB", "DE", "FR", "IT", "ES", "NL", "BR", "PT", "PL", "SE", "AT", "CH", "IE", "IN", "NG",
                "GH", "RO", "GR", "TR", "JP", "KR", "CN", "AU", None]
BIRTH_YEAR = re.compile(r"(?<!\d)(?:19\d\d|20[0-2]\d)(?!\d)|(?:昭和|平成|令和)\d{1,2}年")


VENDOR = [
    ("sk-proj-", r"sk-proj-[\w-]{74}T3BlbkFJ[\w-]{74}"),
    ("sk-ant-api03-", r"sk-ant-api03-[\w-]{93}AA"),
    ("ghp_", r"ghp_[A-Za-z0-9]{36}"),
    ("github_pat_", r"github_pat_11[A-Z0-9]{20}_[A-Za-z0-9]{59}"),
    ("xoxb-", r"xoxb-\d{10,13}-\d{10,13}-[A-Za-z0-9]{24}"),
    ("sk_live_", r"sk_live_[A-Za-z0-9]{99}"),
    ("rk_live_", r"rk_live_[A-Za-z0-9]{99}"),
    ("AKIA", r"AKIA[A-Z2-7]{16}"),
    ("AIza", r"AIza[\w-]{35}"),
    ("glpat-", r"glpat-[\w-]{20}"),
    ("hf_", r"hf_[A-Za-z]{34}"),
    ("SG.", r"SG\.[\w-]{22}\.[\w-]{43}"),
    ("re_", r"re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}"),
    ("xoxp-", r"xoxp-\d{10,13}-\d{10,13}-\d{10,13}-[0-9a-f]{32}"),
    ("https://hooks.slack.com/", r"https://hooks\.slack\.com/services/T[A-Z0-9]{8,10}/B[A-Z0-9]{8,10}/[A-Za-z0-9]{24}"),
    ("https://discord.com/api/webhooks/", r"https://discord\.com/api/webhooks/\d{17,20}/[\w-]{68}"),
    ("npm_", r"npm_[A-Za-z0-9]{36}"),
    ("pypi-", r"pypi-AgEIcHlwaS5vcmc[\w-]{50,}"),
    ("shpat_", r"shpat_[0-9a-f]{32}"),
    ("dop_v1_", r"dop_v1_[0-9a-f]{64}"),
    ("gsk_", r"gsk_[A-Za-z0-9]{52}"),
    ("r8_", r"r8_[A-Za-z0-9]{37}"),
    ("dckr_pat_", r"dckr_pat_[\w-]{27}"),
    ("PMAK-", r"PMAK-[0-9a-f]{24}-[0-9a-f]{34}"),
    ("lin_api_", r"lin_api_[A-Za-z0-9]{40}"),
    ("key-", r"key-[0-9a-f]{32}"),
    ("whsec_", r"whsec_[A-Za-z0-9]{32}"),
]
TELEGRAM = re.compile(r"\d{8,10}:AA[\w-]{33}")


def luhn_ok(num: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(num)):
        d = int(ch)
        if i % 2:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return total % 10 == 0


def iban_ok(v: str) -> bool:
    v = re.sub(r"\s", "", v)
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", v):
        return False
    return int("".join(str(int(c, 36)) for c in v[4:] + v[:4])) % 97 == 1


def ssn_ok(v: str) -> bool:
    m = re.fullmatch(r"(\d{3})[- ](\d{2})[- ](\d{4})", v)
    if not m:
        return False
    a, g, s = (int(x) for x in m.groups())
    return 0 < a < 900 and a != 666 and g > 0 and s > 0


def jwt_ok(v: str) -> bool:
    parts = v.split(".")
    if len(parts) != 3:
        return False
    try:
        head = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
        json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return False
    return "alg" in head


def norm(s: str) -> str:
    return re.sub(r"[\s.\-/()\[\]]", "", s)


def phone_ok(val: str) -> bool:
    if val.startswith("+"):
        return phonenumbers.is_valid_number(phonenumbers.parse(val, None))
    region = REGION.get(val, "")
    if not region:
        return False
    return phonenumbers.is_valid_number(phonenumbers.parse(val, region))


def main() -> int:
    problems = 0
    src = (HERE / "texts.txt").read_text(encoding="utf-8")
    blocks = re.split(r"^### ", src, flags=re.MULTILINE)[1:]
    rows = [json.loads(line) for line in (HERE / "heldout24.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(blocks) == len(rows) == N_TEXTS, (len(blocks), len(rows))
    cache = json.loads((HERE / "values.json").read_text(encoding="utf-8"))
    for key, value in cache.items():
        if key.startswith("phone:"):
            REGION[value] = key.split(":")[2]

    # 0. layout: odd ids with spans, even ids clean
    for i, row in enumerate(rows, 1):
        if bool(row["spans"]) != (i % 2 == 1):
            print("LAYOUT", row["id"], "has spans" if row["spans"] else "has no spans")
            problems += 1

    # 1. spans, types, ids, value checks
    for i, (block, row) in enumerate(zip(blocks, rows, strict=True), 1):
        ident = block.partition("\n")[0].strip()
        assert ident == row["id"] == f"h24-{i:03d}", (ident, row["id"])
        marks = MARK.findall(block)
        assert len(marks) == len(row["spans"]), ident
        for (typ, val), sp in zip(marks, row["spans"], strict=True):
            if row["text"][sp["start"]:sp["end"]] != val or sp["type"] != typ:
                print("SPAN MISMATCH", ident, typ, val[:40])
                problems += 1
            if typ not in ALLOWED:
                print("BAD TYPE", ident, typ)
                problems += 1
            if val != val.strip() or not val or val[0] in "'\"`" or val[-1] in "'\"`":
                print("WHITESPACE OR QUOTE AT SPAN EDGE", ident, repr(val[:40]))
                problems += 1
            ok = True
            if typ == "CREDIT_CARD":
                d = re.sub(r"[\s-]", "", val)
                ok = d.isdigit() and 13 <= len(d) <= 19 and luhn_ok(d)
            elif typ == "IBAN":
                ok = iban_ok(val)
            elif typ == "US_SSN":
                ok = ssn_ok(val)
            elif typ == "IP_ADDRESS":
                try:
                    ip = ipaddress.ip_address(val)
                    ok = not (ip.is_loopback or ip.is_unspecified)
                except ValueError:
                    ok = False
            elif typ == "JWT":
                ok = jwt_ok(val)
            elif typ == "DATE_OF_BIRTH":
                ok = len(BIRTH_YEAR.findall(val)) == 1 and val != BIRTH_YEAR.search(val).group()
            elif typ == "EMAIL":
                ok = re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", val) is not None
            elif typ == "URL_CREDENTIALS":
                ok = re.match(r"[a-z][a-z0-9+.-]*://[^:/@\s]*:[^@\s]+@", val) is not None
            elif typ == "SECRET" and ("-----BEGIN" in val or "PuTTY-User-Key-File" in val):
                ok = (val.startswith(("-----BEGIN", "PuTTY-User-Key-File")) and
                      (re.search(r"-----END [A-Za-z0-9 ]+-----$", val) is not None or
                       re.search(r"\nPrivate-MAC: [0-9a-f]{64}$", val) is not None))
            if not ok:
                print("INVALID VALUE", ident, typ, val[:60])
                problems += 1

    # 2. phones
    for row in rows:
        for sp in row["spans"]:
            if sp["type"] != "PHONE":
                continue
            val = row["text"][sp["start"]:sp["end"]]
            if not phone_ok(val):
                print("INVALID PHONE", row["id"], val)
                problems += 1

    # 3. vendor shapes and leftovers; texts.txt must be texts.tpl rendered from values.json
    if "@@" in src:
        print("UNRENDERED PLACE-HOLDER")
        problems += 1
    tpl = (HERE / "texts.tpl").read_text(encoding="utf-8")
    rendered = re.sub(r"@@([a-z0-9_]+):([A-Za-z0-9_]+)((?::[A-Za-z0-9_]+)*)@@",
                      lambda m: cache[f"{m.group(1)}:{m.group(2)}{m.group(3)}"], tpl)
    used = {f"{m.group(1)}:{m.group(2)}{m.group(3)}" for m in re.finditer(
        r"@@([a-z0-9_]+):([A-Za-z0-9_]+)((?::[A-Za-z0-9_]+)*)@@", tpl)}
    if set(cache) - used:
        print("UNUSED VALUES IN values.json", sorted(set(cache) - used))
        problems += 1
    if rendered != src:
        print("texts.txt IS NOT texts.tpl RENDERED FROM values.json (run gen.py)")
        problems += 1
    for row in rows:
        for sp in row["spans"]:
            val = row["text"][sp["start"]:sp["end"]]
            if sp["type"] == "SECRET" and re.match(r"\d{8,10}:AA", val) and not TELEGRAM.fullmatch(val):
                print("BAD TELEGRAM SHAPE", row["id"], val[:20])
                problems += 1
            for prefix, shape in VENDOR:
                if sp["type"] == "SECRET" and val.startswith(prefix) and not re.fullmatch(shape, val):
                    print("BAD VENDOR SHAPE", row["id"], val[:30])
                    problems += 1

    # 4. lint the unlabelled remainder
    for row in rows:
        text = row["text"]
        masked = list(text)
        for sp in row["spans"]:
            for k in range(sp["start"], sp["end"]):
                masked[k] = "\x00"
        rest = "".join(masked)
        hits = []
        hits += [m.group() for m in re.finditer(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", rest)]
        for m in re.finditer(r"(?<![\w.])(?:\d[ -]?){13,19}(?![\w.])", rest):
            d = re.sub(r"\D", "", m.group())
            if 13 <= len(d) <= 19 and luhn_ok(d):
                hits.append("luhn:" + m.group())
        for m in re.finditer(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b", rest):
            if iban_ok(m.group()):
                hits.append("iban:" + m.group())
        hits += ["ssn:" + m.group() for m in re.finditer(r"(?<![\d-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d-])", rest)]
        for m in re.finditer(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.]|/\d)", rest):
            try:
                ip = ipaddress.ip_address(m.group(1))
            except ValueError:
                continue
            if not (ip.is_loopback or ip.is_unspecified):
                hits.append("ipv4:" + m.group(1))
        for m in re.finditer(r"(?<![\w:])([0-9a-fA-F]{1,4}(?::{1,2}[0-9a-fA-F]{0,4}){2,7})(?![\w:/])", rest):
            try:
                ip = ipaddress.ip_address(m.group(1))
            except ValueError:
                continue
            if not (ip.is_loopback or ip.is_unspecified):
                hits.append("ipv6:" + m.group(1))
        hits += ["jwt:" + m.group()[:30] for m in re.finditer(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+", rest)]
        hits += ["key:" + m.group()[:30] for m in re.finditer(
            r"\b(?:sk-|sk_live_|sk_test_|rk_live_|pk_live_|whsec_|AKIA|ASIA|LTAI|ghp_|gho_|ghs_|ghu_|github_pat_|"
            r"glpat-|gldt-|glrt-|xox[bpae]-|xapp-|AIza|hf_|r8_|npm_|shpat_|SG\.|pcsk_|lsv2_|dop_v1_|HRKU-|nfp_|"
            r"dckr_pat_|hvs\.|dp\.st\.|sntry[us]_|dapi|tskey-|cio|rubygems_|ya29\.|APP_USR-|xsmtpsib-|xkeysib-|"
            r"sb_secret_|AQVN|ATCTT|ATATT|IQoJb3JpZ2lu|eyJhIjoi|sk\.eyJ|pk\.eyJ|GOCSPX-|FLWSECK|oy2|gsk_|lin_api_|"
            r"PMAK-|pypi-|dop_v1_|dckr_pat_|shpss_|key-[0-9a-f]{8})"
            r"[\w\-.~+/=]{8,}", rest)]
        hits += ["telegram:" + m.group()[:20] for m in TELEGRAM.finditer(rest)]
        hits += ["pem:" + m.group() for m in re.finditer(
            r"-----BEGIN [A-Z ]*PRIVATE KEY[A-Z ]*-----|-----BEGIN OpenVPN Static key|PuTTY-User-Key-File", rest)]
        hits += ["urlcred:" + m.group()[:40] for m in re.finditer(r"[a-z][a-z0-9+.-]*://[^:/@\s]*:[^@\s]+@", rest)]
        hits += ["hook:" + m.group()[:45] for m in re.finditer(
            r"https://(?:hooks\.slack\.com/services|discord(?:app)?\.com/api/webhooks)/\S+", rest)]
        hits += ["assign:" + m.group()[:50] for m in re.finditer(
            r"(?i)\b[\w.-]*(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|psk|auth[_-]?key|"
            r"private[_-]?key|community)\b[\"']?\s*(?:[:=]|\s)\s*[\"'(]?(?!\$|<|\{|\*|\[|\(sensitive|none|true|"
            r"false|null|required)[^\s\"',;)\x00]{6,}", rest)]
        for region in LINT_REGIONS:
            try:
                for m in phonenumbers.PhoneNumberMatcher(rest, region or "ZZ",
                                                         leniency=phonenumbers.Leniency.VALID):
                    hits.append(f"phone[{region}]:" + m.raw_string)
            except Exception:
                pass
        if hits:
            print("LINT", row["id"], sorted(set(hits)))

    # 5. counts
    counts: dict[str, int] = {}
    for row in rows:
        for sp in row["spans"]:
            counts[sp["type"]] = counts.get(sp["type"], 0) + 1
    print("spans per type:", dict(sorted(counts.items(), key=lambda kv: -kv[1])), "total", sum(counts.values()))
    print("texts with SECRET:", sum(any(sp["type"] == "SECRET" for sp in r["spans"]) for r in rows),
          "| texts with spans:", sum(bool(r["spans"]) for r in rows),
          "| clean texts:", sum(not r["spans"] for r in rows))
    print("problems:", problems)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
