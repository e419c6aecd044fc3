"""Validate heldout26 after gen.py and ../heldout/build.py (no detector involved).

    /work/main/.venv/bin/python tests/privacy/heldout26/check.py

Copied from ../heldout9/check.py and adapted; it reads only this folder. It
1. checks the layout: 100 texts, ids h26-001 ... h26-100, odd ids with at least one span, even ids
   with none, no "[[" left in a built text;
2. checks every span: its text equals its mark, its type is one of the ten allowed, no whitespace or
   quote at its edges, checksummed values are valid (Luhn, mod-97, SSN ranges, `ipaddress` and not
   loopback/unspecified/documentation range, JWT header with `alg`, `scheme://user:pass@` shape,
   key-block boundaries, one plausible birth year in a DATE_OF_BIRTH);
3. checks that every PHONE is a value gen.py drew (a `phone:` key of values.json) and passes
   `phonenumbers.is_valid_number` for the region of that key (the digit-only `msisdn` form is parsed
   with a leading "+");
4. checks vendor shapes (AWS, GitHub, The Things Stack), that no `@@` place-holder was left, that
   texts.txt equals texts.tpl rendered from values.json and that values.json holds no unused value;
5. lints the unlabelled remainder of every text for things that look like PII or secrets and prints
   them for manual review (every flag was reviewed; see README.md);
6. prints the span count per type and the number of clean texts.
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

N = 100
DOC_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
                                              "2001:db8::/32")]
LINT_REGIONS = ["US", "GB", "DE", "FR", "IT", "ES", "NL", "BR", "PL", "PT", "JP", "ZA", "KE", "NG",
                "AU", "IE", "HU", "TR", "IN", "CN", None]


VENDOR = [
    ("AKIA", r"AKIA[A-Z2-7]{16}"),
    ("ghp_", r"ghp_[A-Za-z0-9]{36}"),
    ("NNSXS.", r"NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}"),
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


def phone_ok(val: str, cache: dict[str, str]) -> bool:
    keys = [k for k, v in cache.items() if k.startswith("phone:") and v == val]
    if len(keys) != 1:
        return False
    _, _, region, _, fmt = keys[0].split(":")
    num = phonenumbers.parse("+" + val if fmt == "msisdn" else val, region)
    return phonenumbers.is_valid_number(num) and phonenumbers.region_code_for_number(num) == region


def dob_ok(val: str) -> bool:
    years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", val) if 1900 <= int(y) <= 2024]
    return len(years) == 1 and not re.fullmatch(r"\d{4}", val)


def main() -> int:
    problems = 0
    src = (HERE / "texts.txt").read_text(encoding="utf-8")
    blocks = re.split(r"^### ", src, flags=re.MULTILINE)[1:]
    rows = [json.loads(line) for line in (HERE / "heldout26.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(blocks) == len(rows) == N, (len(blocks), len(rows))
    cache = json.loads((HERE / "values.json").read_text(encoding="utf-8"))

    # 1. spans, types, ids, value checks
    for i, (block, row) in enumerate(zip(blocks, rows, strict=True), 1):
        ident = block.partition("\n")[0].strip()
        assert ident == row["id"] == f"h26-{i:03d}", (ident, row["id"])
        if bool(row["spans"]) != (i % 2 == 1):
            print("ODD/EVEN RULE BROKEN", ident, len(row["spans"]))
            problems += 1
        if "[[" in row["text"]:
            print("'[[' IN TEXT", ident)
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
                    ok = not (ip.is_loopback or ip.is_unspecified or any(ip in n for n in DOC_NETS))
                except ValueError:
                    ok = False
            elif typ == "DATE_OF_BIRTH":
                ok = dob_ok(val)
            elif typ == "JWT":
                ok = jwt_ok(val)
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
            if not phone_ok(val, cache):
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
