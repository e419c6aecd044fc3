"""Validate held-out set 25 (no detector involved).

    /work/main/.venv/bin/python tests/privacy/heldout25/check.py

Copied from ../heldout9/check.py and adapted; it reads only files of this folder. It
1. checks the layout: 100 texts, ids h25-001 … h25-100 in order, odd ids with at least one span, even
   ids with none; that every span's text in heldout25.jsonl equals its [[TYPE|value]] mark in
   texts.txt, types are among the ten allowed, no span starts or ends with whitespace or a quote, and
   no built text contains "[[";
2. checks values: Luhn for CREDIT_CARD, mod-97 for IBAN, SSN ranges, IP_ADDRESS parses with
   `ipaddress` after re-fanging "[.]" and is neither loopback, unspecified nor in a documentation
   range (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32 - this set does not label
   those), EMAIL shape (also defanged "[@]"/"[.]"), JWT header with "alg", "scheme://user:pass@"
   shape for URL_CREDENTIALS, key-block boundaries, DATE_OF_BIRTH with exactly one plausible birth
   year and more than a year, PHONE valid for the region gen.py drew it for (read from the key in
   values.json; every PHONE must come from gen.py), vendor shapes of prefixed SECRETs;
3. checks that texts.txt is texts.tpl rendered from values.json, that no place-holder is left and
   that values.json has no unused value;
4. lints the unlabelled remainder of every text for PII look-alikes (e-mails, defanged e-mails, phones
   in many regions, Luhn runs, IBANs, SSN shapes, IPv4 including defanged, IPv6, JWT shapes, vendor
   prefixes, Telegram tokens, key blocks, user:pass@ URLs, webhooks, password=-style assignments,
   documentation-range addresses) and prints them for manual review;
5. prints counts per type, clean/positive texts and text lengths.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from pathlib import Path

import phonenumbers

HERE = Path(__file__).resolve().parent
N_TEXTS = 100
ALLOWED = {"EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "US_SSN", "IP_ADDRESS", "SECRET", "JWT",
           "URL_CREDENTIALS", "DATE_OF_BIRTH"}
MARK = re.compile(r"\[\[([A-Z_]+)\|(.*?)\]\]", re.DOTALL)
PH = re.compile(r"@@([a-z0-9_]+):([A-Za-z0-9_]+)((?::[A-Za-z0-9_]+)*)@@")
DOC_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")]
LINT_REGIONS = ["US", "GB", "DE", "FR", "IT", "ES", "NL", "PL", "BR", "IN", "JP", "SE", "PT", "NZ", "AU", "CN",
                "TR", "AE", None]

VENDOR = [
    ("sk-proj-", r"sk-proj-[\w-]{74}T3BlbkFJ[\w-]{74}"),
    ("ghp_", r"ghp_[A-Za-z0-9]{36}"),
    ("sk_live_", r"sk_live_[A-Za-z0-9]{99}"),
    ("AKIA", r"AKIA[A-Z2-7]{16}"),
    ("ASIA", r"ASIA[A-Z2-7]{16}"),
    ("SG.", r"SG\.[\w-]{22}\.[\w-]{43}"),
    ("https://hooks.slack.com/", r"https://hooks\.slack\.com/services/T[A-Z0-9]{8,10}/B[A-Z0-9]{8,10}/[A-Za-z0-9]{24}"),
    ("IQoJb3JpZ2lu", r"IQoJb3JpZ2luX2Vj[A-Za-z0-9+/=]{200,}"),
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


def refang(v: str) -> str:
    return v.replace("[.]", ".").replace("[@]", "@")


def ip_ok(v: str) -> bool:
    try:
        ip = ipaddress.ip_address(refang(v))
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified or any(ip in n for n in DOC_NETS if n.version == ip.version))


def dob_ok(v: str) -> bool:
    years = re.findall(r"(?<!\d)(19\d\d|20[0-2]\d)(?!\d)", v)
    more_than_a_year = len(re.findall(r"\d+", v)) >= 2 or re.search(r"[A-Za-z]", v) is not None
    return len(years) == 1 and more_than_a_year


def main() -> int:
    problems = 0
    src = (HERE / "texts.txt").read_text(encoding="utf-8")
    blocks = re.split(r"^### ", src, flags=re.MULTILINE)[1:]
    rows = [json.loads(line) for line in (HERE / "heldout25.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(blocks) == len(rows) == N_TEXTS, (len(blocks), len(rows))
    cache: dict[str, str] = json.loads((HERE / "values.json").read_text(encoding="utf-8"))
    phone_region = {v: k.split(":")[2] for k, v in cache.items() if k.startswith("phone:")}

    # 1. layout, spans, types
    for i, (block, row) in enumerate(zip(blocks, rows, strict=True), 1):
        ident = block.partition("\n")[0].strip()
        assert ident == row["id"] == f"h25-{i:03d}", (ident, row["id"])
        if "[[" in row["text"]:
            print("'[[' IN TEXT", ident)
            problems += 1
        if (i % 2 == 1) != bool(row["spans"]):
            print("ODD/EVEN RULE BROKEN", ident, len(row["spans"]))
            problems += 1
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
            # 2. values
            ok = True
            if typ == "CREDIT_CARD":
                d = re.sub(r"[\s-]", "", val)
                ok = d.isdigit() and 13 <= len(d) <= 19 and luhn_ok(d)
            elif typ == "IBAN":
                ok = iban_ok(val)
            elif typ == "US_SSN":
                ok = ssn_ok(val)
            elif typ == "IP_ADDRESS":
                ok = ip_ok(val)
            elif typ == "JWT":
                ok = jwt_ok(val)
            elif typ == "EMAIL":
                ok = re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", refang(val)) is not None
            elif typ == "URL_CREDENTIALS":
                ok = re.match(r"[a-z][a-z0-9+.-]*://[^:/@\s]*:[^@\s]+@", val) is not None
            elif typ == "DATE_OF_BIRTH":
                ok = bool(dob_ok(val))
            elif typ == "PHONE":
                region = phone_region.get(val)
                ok = region is not None and phonenumbers.is_valid_number(phonenumbers.parse(val, region))
            elif typ == "SECRET" and "-----BEGIN" in val:
                ok = val.startswith("-----BEGIN") and re.search(r"-----END [A-Za-z0-9 ]+-----$", val) is not None
            elif typ == "SECRET" and re.match(r"\d{8,10}:AA", val):
                ok = TELEGRAM.fullmatch(val) is not None
            if typ == "SECRET":
                for prefix, shape in VENDOR:
                    if val.startswith(prefix) and not re.fullmatch(shape, val):
                        ok = False
            if not ok:
                print("INVALID VALUE", ident, typ, val[:60])
                problems += 1

    # 3. template, cache, leftovers
    if "@@" in src:
        print("UNRENDERED PLACE-HOLDER")
        problems += 1
    tpl = (HERE / "texts.tpl").read_text(encoding="utf-8")
    rendered = PH.sub(lambda m: cache[f"{m.group(1)}:{m.group(2)}{m.group(3)}"], tpl)
    used = {f"{m.group(1)}:{m.group(2)}{m.group(3)}" for m in PH.finditer(tpl)}
    used |= {"ip:" + k.split(":", 1)[1] for k in used if k.startswith(("dfl:", "dfa:"))}
    if set(cache) - used:
        print("UNUSED VALUES IN values.json", sorted(set(cache) - used))
        problems += 1
    for k, v in cache.items():
        if k.startswith(("dfl:", "dfa:")) and refang(v) != cache["ip:" + k.split(":", 1)[1]]:
            print("DEFANGED VALUE DOES NOT MATCH ITS ADDRESS", k)
            problems += 1
    if rendered != src:
        print("texts.txt IS NOT texts.tpl RENDERED FROM values.json (run gen.py)")
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
        hits += [m.group() for m in re.finditer(r"[\w.+-]+(?:@|\[@\])[\w-]+((?:\.|\[\.\])[\w-]+)+", rest)]
        for m in re.finditer(r"(?<![\w.])(?:\d[ -]?){13,19}(?![\w.])", rest):
            d = re.sub(r"\D", "", m.group())
            if 13 <= len(d) <= 19 and luhn_ok(d):
                hits.append("luhn:" + m.group())
        for m in re.finditer(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b", rest):
            if iban_ok(m.group()):
                hits.append("iban:" + m.group())
        hits += ["ssn:" + m.group() for m in re.finditer(r"(?<![\d-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d-])", rest)]
        for m in re.finditer(r"(?<![\d.\]])(\d{1,3}(?:(?:\.|\[\.\])\d{1,3}){3})(?![\d.\[]|/\d)", rest):
            try:
                ip = ipaddress.ip_address(refang(m.group(1)))
            except ValueError:
                continue
            if any(ip in n for n in DOC_NETS if n.version == 4):
                hits.append("docrange:" + m.group(1))
            elif not (ip.is_loopback or ip.is_unspecified):
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
            r"\b(?:sk-|sk_live_|sk_test_|rk_live_|pk_live_|whsec_|AKIA|ASIA|ghp_|gho_|github_pat_|glpat-|xox[bpae]-|"
            r"AIza|hf_|npm_|shpat_|SG\.|dop_v1_|hvs\.|IQoJb3JpZ2lu|GOCSPX-|00D\w{12,15}!)[\w\-.~+/=!]{8,}", rest)]
        hits += ["telegram:" + m.group()[:20] for m in TELEGRAM.finditer(rest)]
        hits += ["pem:" + m.group() for m in re.finditer(r"-----BEGIN [A-Z ]*PRIVATE KEY[A-Z ]*-----", rest)]
        hits += ["urlcred:" + m.group()[:40] for m in re.finditer(r"[a-z][a-z0-9+.-]*://[^:/@\s]*:[^@\s]+@", rest)]
        hits += ["hook:" + m.group()[:45] for m in re.finditer(r"https://hooks\.slack\.com/services/\S+", rest)]
        hits += ["assign:" + m.group()[:50] for m in re.finditer(
            r"(?i)\b[\w.-]*(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|psk|community|sid|sess\w*)\b[\"']?"
            r"\s*(?:[:=]|\s)\s*[\"'(]?(?!\$|<|\{|\*|\[|none|true|false|null)[^\s\"',;)\x00]{6,}", rest)]
        for region in LINT_REGIONS:
            try:
                for m in phonenumbers.PhoneNumberMatcher(rest, region or "ZZ", leniency=phonenumbers.Leniency.VALID):
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
    lengths = [len(r["text"]) for r in rows]
    print("spans per type:", dict(sorted(counts.items(), key=lambda kv: -kv[1])), "total", sum(counts.values()))
    print("texts with SECRET:", sum(any(sp["type"] == "SECRET" for sp in r["spans"]) for r in rows),
          "| texts with spans:", sum(bool(r["spans"]) for r in rows),
          "| clean texts:", sum(not r["spans"] for r in rows))
    print(f"text length: mean {sum(lengths) / len(lengths):.0f}, min {min(lengths)}, max {max(lengths)}")
    print("problems:", problems)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
