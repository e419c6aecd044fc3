"""Self-checks for heldout17 (does not run or import any detector).

    /work/main/.venv/bin/python tests/privacy/heldout17/check.py

Run after `python tests/privacy/heldout/build.py tests/privacy/heldout17`. Adapted from
../heldout9/check.py for spoken (ASR) and scanned (OCR) forms:

1. reads texts.txt and heldout17.jsonl; every span's text equals its inline mark, types are among
   the ten allowed, ids run h17-001..h17-060, odd ids have spans and even ids none, no span starts or
   ends with whitespace or a quote;
2. decodes every labelled value to its clean form (see `clean`: spoken digit words, "double"/
   "triple", "plus", "dot"/"at" and their Spanish/German/French words, OCR look-alikes O->0, l/I->1,
   S->5, B->8 inside numbers, stray spaces and line breaks) and validates the clean form: Luhn for
   CREDIT_CARD, mod-97 for IBAN, SSN ranges, `ipaddress` (not loopback/unspecified), an e-mail shape,
   a JWT header with "alg", a scheme://user:pass@ shape, a real past date for DATE_OF_BIRTH, and
   `phonenumbers.is_valid_number` for PHONE (region hint per text in REGION). A phone split across
   two speaker turns (JOIN) is validated joined. Generated values must also decode back to a value
   in values.json (phones, cards, IBANs, SSNs, spelled passwords, vendor tokens);
3. texts.txt equals texts.tpl rendered from values.json by gen.render, values.json holds no unused
   value and no `@@` place-holder is left;
4. lints the unlabelled remainder of every text (heldout9's lint, run on the text as written and on an
   OCR-repaired copy, plus spoken digit runs, spoken e-mail addresses, birth-date cues and spelled
   passwords), printing hits for manual review;
5. prints span counts per type and the texts containing each type.
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
import json
import re
import sys
from pathlib import Path

import phonenumbers

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen  # noqa: E402  (this set's own generator; renders place-holders, no detector)

N_TEXTS = 60
ALLOWED = {"EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "US_SSN", "IP_ADDRESS", "SECRET", "JWT",
           "URL_CREDENTIALS", "DATE_OF_BIRTH"}
MARK = re.compile(r"\[\[([A-Z_]+)\|(.*?)\]\]", re.DOTALL)
REGION = {"003": "US", "011": "ES", "013": "US", "015": "US", "017": "DE", "025": "FR", "029": "US",
          "031": "US", "043": "ES", "047": "US", "055": "US", "059": "CA"}
JOIN = {"h17-029": [0, 1]}  # span indices of one phone number said over two speaker turns
LINT_REGIONS = ["US", "GB", "DE", "FR", "ES", "CA", "IT", "NL", "IN", "AU", None]

DIGIT_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
               "six": "6", "seven": "7", "eight": "8", "nine": "9"}
MULT = {"double": 2, "triple": 3}
OCR = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "S": "5", "B": "8"})
EMAIL_WORDS = {"dot": ".", "punto": ".", "punkt": ".", "point": ".", "at": "@", "arroba": "@",
               "arobase": "@", "underscore": "_", "minus": "-", "dash": "-", "hyphen": "-", "tiret": "-"}
SYMBOL_WORDS = {v: k for k, v in gen.SYMBOL.items()}
MONTHS = {}
for _names in ("january february march april may june july august september october november december",
               "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
               "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
               "januar februar märz april mai juni juli august september oktober november dezember"):
    for _i, _m in enumerate(_names.split(), 1):
        MONTHS[_m] = _i
CARDINAL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
CARDINAL.update({"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                 "eighty": 80, "ninety": 90})
ORDINAL = {w: i for i, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())}
ORDINAL["thirtieth"] = 30
FILLER = {"of", "the", "de", "del", "le", "am", "on", "th", "st", "nd", "rd", "er"}


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
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", v):
        return False
    return int("".join(str(int(c, 36)) for c in v[4:] + v[:4])) % 97 == 1


def ssn_ok(d: str) -> bool:
    if not re.fullmatch(r"\d{9}", d):
        return False
    a, g, s = int(d[:3]), int(d[3:5]), int(d[5:])
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


def clean_number(val: str) -> str | None:
    """Digits (and a leading +) of a number as ASR/OCR wrote it; None if something else is in it."""
    out, mult = [], 1
    for tok in re.split(r"[\s,;()/\-]+|\.+", val):
        if not tok:
            continue
        low = tok.lower()
        if low in MULT:
            mult = MULT[low]
            continue
        if low == "plus" and not out:
            out.append("+")
            continue
        if low in DIGIT_WORDS:
            out.append(DIGIT_WORDS[low] * mult)
        else:
            fixed = tok.translate(OCR)
            if not fixed.isdigit():
                return None
            out.append(fixed * mult if mult > 1 else fixed)
        mult = 1
    return "".join(out)


def clean_iban(val: str) -> str:
    v = re.sub(r"\s", "", val)
    letters = range(4, 8) if v.startswith("GB") else range(0)  # GB bank code is four letters
    return "".join(c if i < 2 or i in letters else c.translate(OCR) for i, c in enumerate(v))


def clean_email(val: str) -> str:
    toks = val.split()
    if any(t.lower() in EMAIL_WORDS for t in toks):
        return "".join(EMAIL_WORDS.get(t.lower(), t.lower()) for t in toks)
    return re.sub(r"\s", "", val)


def clean_spelled(val: str) -> str:
    out = []
    for part in val.split(", "):
        if part.startswith("capital ") and len(part) == 9:
            out.append(part[-1])
        elif part in DIGIT_WORDS:
            out.append(DIGIT_WORDS[part])
        elif part in SYMBOL_WORDS:
            out.append(SYMBOL_WORDS[part])
        elif len(part) == 1 and part.islower():
            out.append(part)
        else:
            raise ValueError(part)
    return "".join(out)


def clean_date(val: str) -> datetime.date | None:
    t = re.sub(r"[OlIS]", lambda m: m.group().translate(OCR), val)
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})", t)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y = y + 1900 if y < 100 else y
        for mo, d in ((a, b), (b, a)):
            try:
                return datetime.date(y, mo, d)
            except ValueError:
                continue
        return None
    toks = [x for x in re.findall(r"[^\W\d_]+|\d+", val.lower()) if x not in FILLER]
    months = [x for x in toks if x in MONTHS]
    if len(months) != 1:
        return None
    nums = [x for x in toks if x not in MONTHS]
    day, i = 0, 0
    if nums[0].isdigit():
        day, i = int(nums[0]), 1
    else:
        while i < len(nums):
            w = nums[i]
            i += 1
            if w in ORDINAL:
                day += ORDINAL[w]
                break
            day += CARDINAL[w]
    rest = nums[i:]
    if len(rest) == 1 and rest[0].isdigit():
        year = int(rest[0])
    else:
        year = CARDINAL[rest[0]] * 100 + sum(CARDINAL[w] for w in rest[1:])
    try:
        return datetime.date(year, MONTHS[months[0]], day)
    except ValueError:
        return None


def phone_ok(ident: str, digits: str) -> bool:
    if digits.startswith("+"):
        return phonenumbers.is_valid_number(phonenumbers.parse(digits, None))
    region = REGION.get(ident[4:], "")
    return bool(region) and phonenumbers.is_valid_number(phonenumbers.parse(digits, region))


def main() -> int:
    problems = 0
    src = (HERE / "texts.txt").read_text(encoding="utf-8")
    blocks = re.split(r"^### ", src, flags=re.MULTILINE)[1:]
    rows = [json.loads(x) for x in (HERE / "heldout17.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(blocks) == len(rows) == N_TEXTS, (len(blocks), len(rows))
    cache = json.loads((HERE / "values.json").read_text(encoding="utf-8"))
    cores: dict[str, set[str]] = {}
    for key, v in cache.items():
        kind = key.split(":")[0]
        cores.setdefault(kind, set()).add(v if kind in ("spw", "ghp", "jwt", "alnum") else gen.core(kind, v))

    def known(kind: str, v: str) -> None:
        nonlocal problems
        if v not in cores.get(kind, set()):
            print("NOT A GENERATED VALUE", kind, v)
            problems += 1

    # 1. + 2. spans, ids, types, decoded values
    for i, (block, row) in enumerate(zip(blocks, rows, strict=True), 1):
        ident = block.partition("\n")[0].strip()
        assert ident == row["id"] == f"h17-{i:03d}", (ident, row["id"])
        if bool(row["spans"]) != bool(i % 2):
            print("ODD/EVEN SCHEME BROKEN", ident)
            problems += 1
        if not 200 <= len(row["text"]) <= 1500:
            print("LENGTH", ident, len(row["text"]))
            problems += 1
        marks = MARK.findall(block)
        assert len(marks) == len(row["spans"]), ident
        joined = JOIN.get(ident, [])
        for k, ((typ, val), sp) in enumerate(zip(marks, row["spans"], strict=True)):
            if row["text"][sp["start"]:sp["end"]] != val or sp["type"] != typ:
                print("SPAN MISMATCH", ident, typ, val[:40])
                problems += 1
            if typ not in ALLOWED:
                print("BAD TYPE", ident, typ)
                problems += 1
            if val != val.strip() or not val or val[0] in "'\"`" or val[-1] in "'\"`":
                print("WHITESPACE OR QUOTE AT SPAN EDGE", ident, repr(val[:40]))
                problems += 1
            if k in joined:
                continue
            ok = True
            if typ in ("CREDIT_CARD", "US_SSN", "PHONE"):
                d = clean_number(val)
                if d is None:
                    ok = False
                elif typ == "CREDIT_CARD":
                    ok = 13 <= len(d) <= 19 and luhn_ok(d)
                    known("card", d)
                elif typ == "US_SSN":
                    ok = ssn_ok(d)
                    known("ssn", d)
                else:
                    ok = phone_ok(ident, d)
                    known("phone", d.lstrip("+"))
            elif typ == "IBAN":
                v = clean_iban(val)
                ok = iban_ok(v)
                known("iban", v)
            elif typ == "IP_ADDRESS":
                try:
                    ip = ipaddress.ip_address(re.sub(r"\s*\bdot\b\s*", ".", val))
                    ok = not (ip.is_loopback or ip.is_unspecified)
                except ValueError:
                    ok = False
            elif typ == "JWT":
                ok = jwt_ok(val)
                known("jwt", val)
            elif typ == "EMAIL":
                ok = re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", clean_email(val)) is not None
            elif typ == "URL_CREDENTIALS":
                m = re.match(r"[a-z][a-z0-9+.-]*://[^:/@\s]*:([^@\s]+)@", val)
                ok = m is not None
                if m:
                    known("alnum", m.group(1))
            elif typ == "DATE_OF_BIRTH":
                dt = clean_date(val)
                ok = dt is not None and 1900 <= dt.year <= 2025
            elif typ == "SECRET":
                if val.startswith("ghp_"):
                    ok = re.fullmatch(r"ghp_[A-Za-z0-9]{36}", val) is not None
                    known("ghp", val)
                else:
                    try:
                        known("spw", clean_spelled(val))
                    except (ValueError, IndexError):
                        ok = False
            if not ok:
                print("INVALID VALUE", ident, typ, val[:60])
                problems += 1
        if joined:
            parts = [marks[k] for k in joined]
            d = "".join(clean_number(v) or "?" for _, v in parts)
            if {t for t, _ in parts} != {"PHONE"} or not phone_ok(ident, d):
                print("INVALID JOINED PHONE", ident, d)
                problems += 1
            known("phone", d)

    # 3. texts.txt must be texts.tpl rendered from values.json; nothing unused or unrendered
    tpl = (HERE / "texts.tpl").read_text(encoding="utf-8")
    if "@@" in src:
        print("UNRENDERED PLACE-HOLDER")
        problems += 1
    used = {f"{m.group(1)}:{m.group(2)}{m.group(3)}" for m in gen.PH.finditer(tpl)}
    if set(cache) - used:
        print("UNUSED VALUES IN values.json", sorted(set(cache) - used))
        problems += 1
    if gen.render(tpl, dict(cache), draw=False) != src:
        print("texts.txt IS NOT texts.tpl RENDERED FROM values.json (run gen.py)")
        problems += 1
    for name in ("gen.py", "check.py"):
        for n, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines(), 1):
            if len(line) > 120:
                print("LINE TOO LONG", name, n)
                problems += 1

    # 4. lint the unlabelled remainder
    flagged = 0
    for row in rows:
        masked = list(row["text"])
        for sp in row["spans"]:
            for k in range(sp["start"], sp["end"]):
                masked[k] = "\x00"
        rest = "".join(masked)
        repaired = re.sub(r"(?<=\d)[OlIS]|[OlIS](?=\d)", lambda m: m.group().translate(OCR), rest)
        hits = lint(rest) | {"ocr>" + h for h in lint(repaired) - lint(rest)}
        words = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|double|triple|\d+)"
        hits |= {"spoken-digits:" + m.group().strip()[:50] for m in re.finditer(
            rf"(?i)\b{words}(?:[\s,.]+{words}){{6,}}\b", rest)}
        hits |= {"spoken-email:" + m.group() for m in re.finditer(
            r"(?i)\b(?:at|arroba|arobase)\s+[\w ]{2,30}?\s+(?:dot|punto|punkt|point)\s+\w+", rest)}
        hits |= {"birth-cue:" + m.group() for m in re.finditer(
            r"(?i)\b(?:born|birth|dob|nacimiento|née?|geboren|birthday)\b.{0,40}", rest)}
        hits |= {"spelled:" + m.group() for m in re.finditer(r"(?i)(?:\bcapital \w, ){2,}", rest)}
        if hits:
            flagged += 1
            print("LINT", row["id"], sorted(hits))
    print("texts with lint flags:", flagged)

    # 5. counts
    counts: dict[str, int] = {}
    where: dict[str, list[str]] = {}
    for row in rows:
        for sp in row["spans"]:
            counts[sp["type"]] = counts.get(sp["type"], 0) + 1
            if row["id"][4:] not in where.setdefault(sp["type"], []):
                where[sp["type"]].append(row["id"][4:])
    print("spans per type:", dict(sorted(counts.items(), key=lambda kv: -kv[1])), "total", sum(counts.values()))
    for typ in sorted(where, key=lambda t: -counts[t]):
        print(f"  {typ}: {len(where[typ])} texts: {', '.join(where[typ])}")
    print("texts with spans:", sum(bool(r["spans"]) for r in rows), "| clean texts:", sum(not r["spans"] for r in rows))
    print("problems:", problems)
    return 1 if problems else 0


def lint(rest: str) -> set[str]:
    hits: set[str] = set()
    hits |= {m.group() for m in re.finditer(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", rest)}
    for m in re.finditer(r"(?<![\w.])(?:\d[ -]?){13,19}(?![\w.])", rest):
        d = re.sub(r"\D", "", m.group())
        if 13 <= len(d) <= 19 and luhn_ok(d):
            hits.add("luhn:" + m.group())
    for m in re.finditer(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b", rest):
        if iban_ok(m.group().replace(" ", "")):
            hits.add("iban:" + m.group())
    hits |= {"ssn:" + m.group() for m in re.finditer(r"(?<![\d-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d-])", rest)}
    for m in re.finditer(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.]|/\d)", rest):
        try:
            ip = ipaddress.ip_address(m.group(1))
        except ValueError:
            continue
        if not (ip.is_loopback or ip.is_unspecified):
            hits.add("ipv4:" + m.group(1))
    hits |= {"jwt:" + m.group()[:30] for m in re.finditer(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+", rest)}
    hits |= {"key:" + m.group()[:30] for m in re.finditer(
        r"\b(?:sk-|sk_live_|rk_live_|whsec_|AKIA|ghp_|github_pat_|glpat-|xox[bpae]-|AIza|hf_|npm_|SG\.)"
        r"[\w\-.~+/=]{8,}", rest)}
    hits |= {"urlcred:" + m.group()[:40] for m in re.finditer(r"[a-z][a-z0-9+.-]*://[^:/@\s]*:[^@\s]+@", rest)}
    hits |= {"assign:" + m.group()[:50] for m in re.finditer(
        r"(?i)\b[\w.-]*(?:pass(?:word|wd|phrase|code)?|pwd|secret|token|api[_-]?key|pin)\b[\"']?\s*(?:[:=]|\s)"
        r"\s*[\"'(]?(?!\$|<|\{|\*|\[)[^\s\"',;)\x00]{6,}", rest)}
    for region in LINT_REGIONS:
        try:
            for m in phonenumbers.PhoneNumberMatcher(rest, region or "ZZ", leniency=phonenumbers.Leniency.VALID):
                hits.add(f"phone[{region}]:" + m.raw_string)
        except Exception:
            pass
    return hits


if __name__ == "__main__":
    raise SystemExit(main())
