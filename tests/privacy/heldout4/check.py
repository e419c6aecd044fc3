"""Self-checks for heldout4 (does not run or import any detector).

    /work/main/.venv/bin/python tests/privacy/heldout4/check.py

1. rebuilds nothing; reads texts.txt and heldout4.jsonl and checks that every span's text equals its
   inline mark, that types are among the ten allowed, and that ids run h4-001..h4-200;
2. parses every PHONE span with libphonenumber (`phonenumbers`) and requires is_valid_number;
3. checks that no labelled value (also with spaces, dots, dashes, slashes and brackets removed)
   occurs in the output of ../heldout3/values.py;
4. lints the unlabelled remainder of every text for things that look like PII (e-mails, valid
   phones, Luhn-valid card-length numbers, mod-97-valid IBANs, SSN shapes, IPv4/IPv6 addresses,
   JWT shapes), printing them for manual review.
"""

from __future__ import annotations

import ipaddress
import json
import re
import subprocess
import sys
from pathlib import Path

import phonenumbers

HERE = Path(__file__).resolve().parent
ALLOWED = {"EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "US_SSN", "IP_ADDRESS", "SECRET", "JWT",
           "URL_CREDENTIALS", "DATE_OF_BIRTH"}
MARK = re.compile(r"\[\[([A-Z_]+)\|(.*?)\]\]", re.DOTALL)

# region hints for PHONE spans written in national format (no leading +)
REGION = {
    "001": "ES", "003": "GB", "007": "DE", "009": "FR", "012": "ES", "016": "JP", "019": "IT",
    "021": "AU", "023": "NL", "027": "PL", "029": "US", "033": "SE", "036": "TR", "041": "AU",
    "044": "US", "047": "BR", "056": "NO", "059": "CN", "060": "KR", "063": "RO", "066": "JP",
    "069": "DK", "072": "FI", "076": "FR", "078": "MX", "081": "DE", "083": "FR", "086": "SK",
    "087": "GR", "089": "GB", "092": "PT", "096": "IT", "100": "US", "105": "US", "108": "ES",
    "110": "AE:EG", "116": "PL", "122": "DE", "126": "GB", "130": "FR", "135": "IT", "136": "NL",
    "141": "AE", "142": "UA", "150": "ES", "158": "US", "161": "DE", "166": "CA", "174": "ID",
    "187": "US", "196": "IE", "200": "IE", "050": "HU",
}


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
    v = v.replace(" ", "")
    try:
        return int("".join(str(int(c, 36)) for c in v[4:] + v[:4])) % 97 == 1
    except ValueError:
        return False


def norm(s: str) -> str:
    return re.sub(r"[\s.\-/()\[\]]", "", s)


def main() -> int:
    problems = 0
    src = (HERE / "texts.txt").read_text(encoding="utf-8")
    blocks = re.split(r"^### ", src, flags=re.MULTILINE)[1:]
    rows = [json.loads(line) for line in (HERE / "heldout4.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(blocks) == len(rows) == 200, (len(blocks), len(rows))
    for i, (block, row) in enumerate(zip(blocks, rows, strict=False), 1):
        ident = block.partition("\n")[0].strip()
        assert ident == row["id"] == f"h4-{i:03d}", (ident, row["id"])
        marks = MARK.findall(block)
        assert len(marks) == len(row["spans"]), ident
        for (typ, val), sp in zip(marks, row["spans"], strict=False):
            if row["text"][sp["start"]:sp["end"]] != val or sp["type"] != typ:
                print("SPAN MISMATCH", ident, typ, val[:40])
                problems += 1
            if typ not in ALLOWED:
                print("BAD TYPE", ident, typ)
                problems += 1
            if val != val.strip() or not val:
                print("WHITESPACE AT SPAN EDGE", ident, repr(val[:40]))
                problems += 1

    # 2. phones
    for row in rows:
        num = row["id"][3:]
        for sp in row["spans"]:
            if sp["type"] != "PHONE":
                continue
            val = row["text"][sp["start"]:sp["end"]]
            ok = False
            if val.startswith("+"):
                ok = phonenumbers.is_valid_number(phonenumbers.parse(val, None))
            elif val.isdigit() and len(val) >= 11 and phonenumbers.is_valid_number(phonenumbers.parse("+" + val, None)):
                ok = True  # international number without "+" (wa.me link)
            else:
                for region in REGION.get(num, "").split(":"):
                    if region and phonenumbers.is_valid_number(phonenumbers.parse(val, region)):
                        ok = True
            if not ok:
                print("INVALID PHONE", row["id"], val)
                problems += 1

    # 3. overlap with heldout3 values
    out = subprocess.run([sys.executable, str(HERE.parent / "heldout3" / "values.py")],
                         capture_output=True, text=True, check=True).stdout
    out_lines = [norm(line) for line in out.splitlines()]
    out_raw = out
    for row in rows:
        for sp in row["spans"]:
            val = row["text"][sp["start"]:sp["end"]]
            n = norm(val)
            if val in out_raw or (len(n) >= 6 and any(n in line for line in out_lines)):
                print("OVERLAP WITH HELDOUT3", row["id"], sp["type"], val[:50])
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
        for region in ("US", "GB", "DE", "FR", "IT", "ES", "NL", "JP", None):
            try:
                for m in phonenumbers.PhoneNumberMatcher(rest, region or "ZZ",
                                                         leniency=phonenumbers.Leniency.VALID):
                    hits.append(f"phone[{region}]:" + m.raw_string)
            except Exception:
                pass
        if hits:
            print("LINT", row["id"], sorted(set(hits)))

    print("problems:", problems)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
