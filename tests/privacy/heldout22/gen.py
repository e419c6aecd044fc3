"""Render texts.tpl (with @@kind:name[:arg...]@@ place-holders) into texts.txt.

    /work/main/.venv/bin/python tests/privacy/heldout22/gen.py

Random values are drawn once with the `secrets` module and cached in values.json, so re-running
keeps every value already used and only draws values for new place-holders. Copied from
../heldout9/gen.py and adapted. New here: phones for 23 regions drawn from real mobile prefixes
(or the libphonenumber example pattern for landlines) and written in local spellings (`hu06`
`06-30/123-4567`, `trparen` `0 (532) 123 45 67`, `br9` `(11) 9 8765-4321`, `dots` `0912.345.678`,
`arabic` Arabic-Indic digits, ...), each kept only if `phonenumbers.is_valid_number` accepts the
written form; IBANs for 18 countries (PT with its NIB check digits, IT with its CIN letter, NO
with its mod-11 account digit, BR with account type and owner letters) printed grouped by four;
and, for hard negatives, national identifiers with their own check digits (PESEL, rodné číslo,
TAJ, CNP, AFM, TC Kimlik No, personnummer, fødselsnummer, CPR, henkilötunnus, BSN, NIF, CPF,
CNPJ, codice fiscale, partita IVA, マイナンバー, NIK, CCCD, Teudat Zehut, Emirates ID) and
national account numbers (Norwegian kontonummer, Czech account with its bank code).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import string
from pathlib import Path

import phonenumbers

HERE = Path(__file__).resolve().parent
CACHE = HERE / "values.json"
PH = re.compile(r"@@([a-z0-9_]+):([A-Za-z0-9_]+)((?::[A-Za-z0-9_]+)*)@@")
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
B64 = ALNUM + "+/"
D = string.digits

# mobile prefixes (of the national significant number) and NSN length per region
MOBILE = {
    "PL": (["50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"], 9),
    "CZ": (["60", "72", "73", "77", "79"], 9), "SK": (["90", "91", "94", "95"], 9),
    "HU": (["20", "30", "70"], 9), "RO": (["72", "74", "75", "76", "78"], 9), "GR": (["69"], 10),
    "TR": (["53", "54", "50", "55"], 10), "SE": (["70", "72", "73", "76"], 9), "NO": (["4", "9"], 8),
    "DK": (["2", "4", "5"], 8), "FI": (["40", "44", "45", "50"], 9), "NL": (["6"], 9),
    "PT": (["91", "92", "93", "96"], 9), "BR": (["119", "219", "319", "479", "619"], 11),
    "IT": (["32", "33", "34", "38", "39"], 10),
    "KR": (["102", "103", "104", "105", "106", "107", "108", "109"], 10), "JP": (["90", "80", "70"], 10),
    "VN": (["90", "91", "98", "97", "86", "35", "70", "77"], 9), "ID": (["812", "813", "821", "857", "878"], 11),
    "IL": (["50", "52", "53", "54", "58"], 9), "SA": (["50", "53", "54", "55", "56", "59"], 9),
    "AE": (["50", "52", "55", "56", "58"], 9), "EG": (["10", "11", "12", "15"], 10),
}


def rs(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def luhn_digit(body: str) -> str:
    for d in D:
        cand = body + d
        total = 0
        for i, ch in enumerate(reversed(cand)):
            x = int(ch)
            if i % 2:
                x = x * 2 - 9 if x * 2 > 9 else x * 2
            total += x
        if total % 10 == 0:
            return d
    raise AssertionError


def luhn_complete(prefix: str, length: int) -> str:
    body = prefix + rs(D, length - len(prefix) - 1)
    return body + luhn_digit(body)


CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]


def cf_val(ch: str, odd: bool) -> int:
    k = int(ch) if ch.isdigit() else ord(ch) - 65
    return CF_ODD[k] if odd else k


def cin(abi: str, cab: str, acct: str) -> str:  # Italian CIN letter
    s = abi + cab + acct
    return chr(65 + sum(cf_val(c, i % 2 == 0) for i, c in enumerate(s)) % 26)


def iban(cc: str) -> str:
    if cc == "NL":
        bban = rs(string.ascii_uppercase, 4) + rs(D, 10)
    elif cc in ("PL", "HU"):
        bban = rs(D, 24)
    elif cc in ("CZ", "SK", "SE"):
        bban = rs("0123456789", 4) + rs(D, 16)
    elif cc == "RO":
        bban = rs(string.ascii_uppercase, 4) + rs(string.ascii_uppercase + D, 16)
    elif cc == "GR":
        bban = rs(D, 23)
    elif cc == "TR":
        bban = rs(D, 5) + "0" + rs(D, 16)
    elif cc == "NO":
        bban = knr()
    elif cc in ("DK", "FI"):
        bban = rs(D, 14)
    elif cc == "PT":  # bank 4, branch 4, account 11, NIB check digits
        body = rs(D, 19)
        bban = body + f"{98 - int(body + '00') % 97:02d}"
    elif cc == "BR":  # bank 8, branch 5, account 10, account type, owner
        bban = rs(D, 23) + "C" + "1"
    elif cc == "IT":
        abi, cab, acct = rs(D, 5), rs(D, 5), rs(D, 12)
        bban = cin(abi, cab, acct) + abi + cab + acct
    elif cc in ("IL", "AE"):
        bban = rs(D, 19)
    elif cc == "SA":
        bban = rs(D, 2) + rs(D, 18)
    else:
        raise ValueError(cc)
    num = "".join(str(int(c, 36)) for c in bban + cc + "00")
    return f"{cc}{98 - int(num) % 97:02d}{bban}"


def knr() -> str:  # Norwegian kontonummer, mod-11 check digit
    while True:
        body = rs("123456789", 1) + rs(D, 9)
        r = 11 - sum(int(c) * w for c, w in zip(body, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2], strict=True)) % 11
        if r == 11:
            return body + "0"
        if r < 10:
            return body + str(r)


def phone_num(region: str, kind: str) -> phonenumbers.PhoneNumber:
    cc = phonenumbers.country_code_for_region(region)
    while True:
        if kind == "m":
            prefixes, n = MOBILE[region]
            pre = secrets.choice(prefixes)
            cand = pre + rs(D, n - len(pre))
            want = phonenumbers.PhoneNumberType.MOBILE
        else:
            want = phonenumbers.PhoneNumberType.FIXED_LINE
            ex = phonenumbers.national_significant_number(phonenumbers.example_number_for_type(region, want))
            cand = ex[:2] + rs(D, len(ex) - 2)
            if cand == ex:
                continue
        num = phonenumbers.parse(f"+{cc}{cand}", None)
        if phonenumbers.is_valid_number(num) and phonenumbers.number_type(num) in (
                want, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
            return num


def fmt_phone(num: phonenumbers.PhoneNumber, fmt: str) -> str:
    F = phonenumbers.PhoneNumberFormat
    nsn = phonenumbers.national_significant_number(num)
    nat = phonenumbers.format_number(num, F.NATIONAL)
    cc = num.country_code
    out = {
        "intl": lambda: phonenumbers.format_number(num, F.INTERNATIONAL),
        "e164": lambda: phonenumbers.format_number(num, F.E164),
        "nat": lambda: nat,
        "plain": lambda: re.sub(r"\D", "", nat),
        "hyph3": lambda: f"{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}",
        "hu06": lambda: f"06-{nsn[:2]}/{nsn[2:5]}-{nsn[5:]}",
        "dots": lambda: f"0{nsn[:3]}.{nsn[3:6]}.{nsn[6:]}",
        "trparen": lambda: f"0 ({nsn[:3]}) {nsn[3:6]} {nsn[6:8]} {nsn[8:]}",
        "br9": lambda: f"({nsn[:2]}) {nsn[2]} {nsn[3:7]}-{nsn[7:]}",
        "brintl": lambda: f"+55 {nsn[:2]} {nsn[2:7]}-{nsn[7:]}",
        "iddash": lambda: f"0{nsn[:3]}-{nsn[3:7]}-{nsn[7:]}",
        "idintl": lambda: f"+62 {nsn[:3]}-{nsn[3:7]}-{nsn[7:]}",
        "il": lambda: f"0{nsn[:2]}-{nsn[2:]}",
        "nldash": lambda: f"0{nsn[0]}-{nsn[1:]}",
        "fisp": lambda: f"0{nsn[:2]} {nsn[2:5]} {nsn[5:]}",
        "pairs": lambda: " ".join(nsn[i:i + 2] for i in range(0, len(nsn), 2)),
        "intlpairs": lambda: f"+{cc} " + " ".join(nsn[i:i + 2] for i in range(0, len(nsn), 2)),
        "grplain": lambda: nsn,
        "itsp": lambda: f"{nsn[:3]} {nsn[3:]}",
        "dk00": lambda: f"0045 {nsn[:2]} {nsn[2:4]} {nsn[4:6]} {nsn[6:]}",
        "arabic": lambda: nat.replace(" ", "").translate(str.maketrans(D, "٠١٢٣٤٥٦٧٨٩")),
        "ptintl": lambda: f"(+351) {nsn[:3]} {nsn[3:6]} {nsn[6:]}",
        "kr82": lambda: f"+82-{nsn[:2]}-{nsn[2:6]}-{nsn[6:]}",
    }[fmt]()
    return out


def phone(region: str, kind: str, fmt: str) -> str:
    for _ in range(200):
        num = phone_num(region, kind)
        s = fmt_phone(num, fmt)
        parsed = phonenumbers.parse(s.replace("(+351)", "+351"), region)
        if phonenumbers.is_valid_number(parsed) and parsed.national_number == num.national_number:
            return s
    raise AssertionError((region, kind, fmt))


def b64url(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def weighted(body: str, weights: list[int]) -> int:
    return sum(int(c) * w for c, w in zip(body, weights, strict=True))


def natid(kind: str, args: list[str]) -> str:  
    date = args[0] if args else "19" + rs("5678", 1) + rs(D, 1) + "0" + rs("19", 1) + "1" + rs("0123456789", 1)
    y, m, d = date[:4], date[4:6], date[6:8]
    if kind == "pesel":
        mm = int(m) + (20 if y[:2] == "20" else 0)
        body = f"{y[2:]}{mm:02d}{d}" + rs(D, 4)
        return body + str((10 - weighted(body, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]) % 10) % 10)
    if kind == "rc":  # rodné číslo, divisible by 11; women +50 on the month
        mm = int(m) + (50 if len(args) > 1 and args[1] == "f" else 0)
        while True:
            body = f"{y[2:]}{mm:02d}{d}" + rs(D, 3)
            c = int(body) % 11
            if c < 10:
                return f"{body[:6]}/{body[6:]}{c}"
    if kind == "taj":
        body = rs("123456789", 1) + rs(D, 7)
        c = weighted(body, [3, 7, 3, 7, 3, 7, 3, 7]) % 10
        return f"{body[:3]} {body[3:6]} {body[6:]}{c}"
    if kind == "cnp":
        body = rs("12", 1) + f"{y[2:]}{m}{d}" + rs("0123", 1) + rs("123456789", 1) + rs(D, 3)
        c = weighted(body, [2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]) % 11
        return body + ("1" if c == 10 else str(c))
    if kind == "afm":
        while True:
            body = rs("0123456789", 8)
            c = sum(int(x) * 2 ** (8 - i) for i, x in enumerate(body)) % 11 % 10
            return body + str(c)
    if kind == "tckn":
        ds = [int(rs("123456789", 1))] + [int(x) for x in rs(D, 8)]
        d10 = ((ds[0] + ds[2] + ds[4] + ds[6] + ds[8]) * 7 - (ds[1] + ds[3] + ds[5] + ds[7])) % 10
        d11 = (sum(ds) + d10) % 10
        return "".join(map(str, ds)) + str(d10) + str(d11)
    if kind == "pnr":  # Swedish personnummer, Luhn on the last ten digits
        body = f"{y[2:]}{m}{d}" + rs(D, 3)
        return f"{y}{m}{d}-{body[6:]}{luhn_digit(body)}"
    if kind == "fnr":  # Norwegian fødselsnummer, two mod-11 digits
        while True:
            body = f"{d}{m}{y[2:]}" + rs("0123", 1) + rs(D, 2)
            k1 = 11 - weighted(body, [3, 7, 6, 1, 8, 9, 4, 5, 2]) % 11
            k1 = 0 if k1 == 11 else k1
            if k1 == 10:
                continue
            k2 = 11 - weighted(body + str(k1), [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11
            k2 = 0 if k2 == 11 else k2
            if k2 != 10:
                return f"{body}{k1}{k2}"
    if kind == "cpr":
        return f"{d}{m}{y[2:]}-{rs(D, 4)}"
    if kind == "hetu":
        ind = rs("0123456789", 1) + rs(D, 1) + rs("23456789", 1)
        sep = "-" if y[:2] == "19" else "A"
        return f"{d}{m}{y[2:]}{sep}{ind}" + "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(f"{d}{m}{y[2:]}{ind}") % 31]
    if kind == "bsn":
        while True:
            body = rs("123456789", 1) + rs(D, 7)
            c = weighted(body, [9, 8, 7, 6, 5, 4, 3, 2]) % 11
            if c < 10:
                return body + str(c)
    if kind == "nifpt":
        while True:
            body = rs("12", 1) + rs(D, 7)
            c = 11 - weighted(body, [9, 8, 7, 6, 5, 4, 3, 2]) % 11
            if c < 10:
                return body + str(c)
    if kind in ("cpf", "cnpj"):
        n = 9 if kind == "cpf" else 12
        ds = [int(x) for x in rs(D, n - 4)] + ([int(x) for x in rs(D, 4)] if kind == "cpf" else [0, 0, 0, 1])
        for _ in range(2):
            if kind == "cpf":
                s = sum(v * w for v, w in zip(ds, range(len(ds) + 1, 1, -1), strict=True))
            else:
                ws = ([6] if len(ds) == 13 else []) + [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
                s = sum(v * w for v, w in zip(ds, ws, strict=True))
            r = s % 11
            ds.append(0 if r < 2 else 11 - r)
        t = "".join(map(str, ds))
        if kind == "cpf":
            return f"{t[:3]}.{t[3:6]}.{t[6:9]}-{t[9:]}"
        return f"{t[:2]}.{t[2:5]}.{t[5:8]}/{t[8:12]}-{t[12:]}"
    if kind == "cf":  # codice fiscale: args date, sex, surname code, name code, place code
        months = "ABCDEHLMPRST"
        dd = int(d) + (40 if args[1] == "f" else 0)
        body = f"{args[2]}{args[3]}{y[2:]}{months[int(m) - 1]}{dd:02d}{args[4]}"
        return body + chr(65 + sum(cf_val(c, i % 2 == 0) for i, c in enumerate(body)) % 26)
    if kind == "piva":
        body = rs(D, 7) + rs("0123", 1) + rs(D, 2)
        total = 0
        for i, ch in enumerate(body):
            x = int(ch)
            if i % 2:
                x = x * 2 - 9 if x * 2 > 9 else x * 2
            total += x
        return body + str((10 - total % 10) % 10)
    if kind == "mynumber":
        body = rs(D, 11)
        s = sum(int(body[11 - n]) * (n + 1 if n <= 6 else n - 5) for n in range(1, 12))
        r = s % 11
        c = 0 if r <= 1 else 11 - r
        return f"{body[:4]} {body[4:8]} {body[8:]}{c}"
    if kind == "nik":  # province/regency/district, ddmmyy (+40 for women), serial
        dd = int(d) + (40 if len(args) > 1 and args[1] == "f" else 0)
        return "3578" + rs("0123", 1) + rs("123456789", 1) + f"{dd:02d}{m}{y[2:]}" + "0" + rs(D, 3)
    if kind == "cccd":
        return "0" + rs("0123456789", 1) + rs(D, 1) + ("0" if y[:2] == "19" else "2") + y[2:] + rs(D, 6)
    if kind == "tz":
        body = rs(D, 8)
        total = 0
        for i, ch in enumerate(body):
            x = int(ch) * (1 if i % 2 == 0 else 2)
            total += x - 9 if x > 9 else x
        return body + str((10 - total % 10) % 10)
    if kind == "eid":
        n = luhn_complete("784" + y, 15)
        return f"{n[:3]}-{n[3:7]}-{n[7:14]}-{n[14]}"
    if kind == "czacct":
        while True:
            acct = rs("123456789", 1) + rs(D, 9)
            if weighted(acct, [6, 3, 7, 9, 10, 5, 8, 4, 2, 1]) % 11 == 0:
                return f"{acct}/{args[0]}"
    if kind == "knr":
        k = knr()
        return f"{k[:4]}.{k[4:6]}.{k[6:]}"
    raise ValueError(kind)


NATIDS = {"pesel", "rc", "taj", "cnp", "afm", "tckn", "pnr", "fnr", "cpr", "hetu", "bsn", "nifpt", "cpf",
          "cnpj", "cf", "piva", "mynumber", "nik", "cccd", "tz", "eid", "czacct", "knr"}


def make(kind: str, args: list[str]) -> str:  
    if kind in NATIDS:
        return natid(kind, args)
    if kind == "ghp":
        return "ghp_" + rs(ALNUM, 36)
    if kind == "akia":
        return "AKIA" + rs(string.ascii_uppercase + "234567", 16)
    if kind == "awssecret":
        return rs(B64, 40)
    if kind == "aiza":
        return "AIza" + rs(URLSAFE, 35)
    if kind == "glpat":
        return "glpat-" + rs(URLSAFE, 20)
    if kind == "sg":
        return "SG." + rs(URLSAFE, 22) + "." + rs(URLSAFE, 43)
    if kind == "slackhook":
        return (f"https://hooks.slack.com/services/T{rs(string.ascii_uppercase + D, 10)}"
                f"/B{rs(string.ascii_uppercase + D, 10)}/{rs(ALNUM, 24)}")
    if kind == "npm":
        return "npm_" + rs(ALNUM, 36)
    if kind == "sklive":
        return "sk_live_51" + rs(ALNUM, 97)
    if kind == "openai":
        return "sk-proj-" + rs(URLSAFE, 74) + "T3BlbkFJ" + rs(URLSAFE, 74)
    if kind == "telegram":
        return f"{rs('123456789', 1)}{rs(D, 9)}:AA{rs(URLSAFE, 33)}"
    if kind == "hex":
        return secrets.token_hex(int(args[0]) // 2)
    if kind == "b64":
        return base64.b64encode(secrets.token_bytes(int(args[0]))).decode()
    if kind == "alnum":
        return rs(ALNUM, int(args[0]))
    if kind == "upper":
        return rs(string.ascii_uppercase + D, int(args[0]))
    if kind == "digits":
        return rs("123456789", 1) + rs(D, int(args[0]) - 1)
    if kind == "uuid":
        import uuid
        return str(uuid.UUID(bytes=secrets.token_bytes(16), version=4))
    if kind == "card":
        pre = {"visa": "4", "mc": "5" + rs("12345", 1), "amex": "3" + rs("47", 1)}[args[0]]
        n = luhn_complete(pre, 15 if args[0] == "amex" else 16)
        if len(args) > 1 and args[1] in ("spaced", "dashed"):
            sep = " " if args[1] == "spaced" else "-"
            return sep.join(n[i:i + 4] for i in range(0, 16, 4)) if len(n) == 16 else f"{n[:4]} {n[4:10]} {n[10:]}"
        return n
    if kind == "iban":
        v = iban(args[0])
        if len(args) > 1 and args[1] == "spaced":
            return " ".join(v[i:i + 4] for i in range(0, len(v), 4))
        return v
    if kind == "ssn":
        while True:
            a = secrets.randbelow(899) + 1
            if a != 666:
                break
        return f"{a:03d}-{secrets.randbelow(99) + 1:02d}-{secrets.randbelow(9999) + 1:04d}"
    if kind == "phone":
        region, k, fmt = args
        return phone(region, k, fmt)
    if kind == "jwt":
        alg = args[0] if args else "HS256"
        head = {"alg": alg, "typ": "JWT"}
        body = {"sub": rs(D, 8), "iat": 1786000000 + secrets.randbelow(9000000)}
        body["exp"] = body["iat"] + 3600
        sig = base64.urlsafe_b64encode(secrets.token_bytes({"RS": 256, "ES": 64}.get(alg[:2], 32))).decode().rstrip("=")
        return f"{b64url(head)}.{b64url(body)}.{sig}"
    raise ValueError(kind)


def main() -> None:
    cache = json.loads(CACHE.read_text()) if CACHE.exists() else {}
    tpl = (HERE / "texts.tpl").read_text(encoding="utf-8")

    def sub(m: re.Match[str]) -> str:
        kind, name, rest = m.group(1), m.group(2), m.group(3)
        key = f"{kind}:{name}{rest}"
        if key not in cache:
            cache[key] = make(kind, [a for a in rest.split(":") if a])
        return cache[key]

    out = PH.sub(sub, tpl)
    used = {f"{m.group(1)}:{m.group(2)}{m.group(3)}" for m in PH.finditer(tpl)}
    cache = {k: v for k, v in cache.items() if k in used}
    CACHE.write_text(json.dumps(cache, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    (HERE / "texts.txt").write_text(out, encoding="utf-8")
    print(len(re.findall(r"^### ", out, flags=re.MULTILINE)), "texts")


if __name__ == "__main__":
    main()
