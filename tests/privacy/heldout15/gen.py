"""Render texts.tpl (with @@kind:name[:arg...]@@ place-holders) into texts.txt.

    /work/main/.venv/bin/python tests/privacy/heldout15/gen.py

Random values are drawn once with the `secrets` module and cached in values.json, so re-running
keeps every value already used, draws values only for new place-holders and drops values the
template no longer uses. Adapted from ../heldout9/gen.py. New here: phones for 29 regions with an
optional forced leading-digit prefix and length, in local writing styles (national, digits only,
dots, dashes, "00" international prefix, wa.me digits, "+cc nsn", national without trunk 0);
IBANs for PK, SA, AE, TR, IL and EG in their national layouts; vendor keys of Razorpay, Paystack,
Flutterwave, Mercado Pago and Xendit and a LINE channel access token (the `midtrans` kind is
defined but not used by texts.tpl).
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
DIG = string.digits
HEXL = "0123456789abcdef"

# national IBAN layouts: fixed bank part (from args or default) + random digits/letters of the rest
IBAN_LAYOUT = {  # country: (default bank code, total BBAN length); the rest of the BBAN is random digits
    "PK": ("MEZN", 20),  # 4 letters bank + 16 account
    "SA": ("80", 20),  # 2 digit bank + 18 account
    "AE": ("026", 19),  # 3 digit bank + 16 account
    "TR": ("000620", 22),  # 5 digit bank + reserved 0 + 16 account
    "IL": ("010", 19),  # 3 bank + 3 branch + 13 account
    "EG": ("0019", 25),  # 4 bank + 4 branch + 17 account
}


def rs(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def luhn_complete(prefix: str, length: int) -> str:
    body = prefix + rs(DIG, length - len(prefix) - 1)
    for d in DIG:
        cand = body + d
        total = 0
        for i, ch in enumerate(reversed(cand)):
            x = int(ch)
            if i % 2:
                x = x * 2 - 9 if x * 2 > 9 else x * 2
            total += x
        if total % 10 == 0:
            return cand
    raise AssertionError


def iban(cc: str, bank: str | None) -> str:
    default, length = IBAN_LAYOUT[cc]
    head = bank or default
    bban = head + rs(DIG, length - len(head))
    num = "".join(str(int(c, 36)) for c in bban + cc + "00")
    return f"{cc}{98 - int(num) % 97:02d}{bban}"


def phone(region: str, kind: str, prefix: str = "", length: int = 0) -> phonenumbers.PhoneNumber:
    t = phonenumbers.PhoneNumberType.MOBILE if kind == "m" else phonenumbers.PhoneNumberType.FIXED_LINE
    ex = phonenumbers.example_number_for_type(region, t)
    assert ex is not None, region
    nsn = phonenumbers.national_significant_number(ex)
    n = length or len(nsn)
    head = prefix or nsn[: 3 if n > 8 else 2]
    for _ in range(20000):
        cand = head + rs(DIG, n - len(head))
        if cand == nsn:
            continue
        num = phonenumbers.parse("+" + str(ex.country_code) + cand, None)
        if phonenumbers.is_valid_number(num) and phonenumbers.number_type(num) in (
            t,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        ):
            return num
    raise ValueError((region, kind, prefix, length))


def fmt_phone(num: phonenumbers.PhoneNumber, fmt: str) -> str:
    nat = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
    intl = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    return {
        "nat": nat,
        "intl": intl,
        "e164": e164,
        "plain": re.sub(r"\D", "", nat),  # 08123456789
        "dot": re.sub(r"[ -]", ".", nat),  # 090.123.4567
        "dash": re.sub(r" ", "-", nat),  # 0801-234-5678
        "zz": "00" + intl[1:],  # 00971 50 123 4567
        "wa": e164[1:],  # 6281234567890 (wa.me/…)
        "ccnsn": f"+{num.country_code} {phonenumbers.national_significant_number(num)}",
        "notrunk": re.sub(r"^0", "", nat),  # 98450 12345 (national, trunk 0 dropped)
    }[fmt]


def b64url(obj: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def make(kind: str, args: list[str]) -> str:
    simple = {
        "openai": lambda: "sk-proj-" + rs(URLSAFE, 74) + "T3BlbkFJ" + rs(URLSAFE, 74),
        "anthropic": lambda: "sk-ant-api03-" + rs(URLSAFE, 93) + "AA",
        "ghp": lambda: "ghp_" + rs(ALNUM, 36),
        "xoxb": lambda: f"xoxb-{rs(DIG, 12)}-{rs(DIG, 13)}-{rs(ALNUM, 24)}",
        "slackhook": lambda: (
            f"https://hooks.slack.com/services/T{rs(string.ascii_uppercase + DIG, 10)}"
            f"/B{rs(string.ascii_uppercase + DIG, 10)}/{rs(ALNUM, 24)}"
        ),
        "sklive": lambda: "sk_live_51" + rs(ALNUM, 97),
        "akia": lambda: "AKIA" + rs(string.ascii_uppercase + "234567", 16),
        "awssecret": lambda: rs(B64, 40),
        "aiza": lambda: "AIza" + rs(URLSAFE, 35),
        "sg": lambda: "SG." + rs(URLSAFE, 22) + "." + rs(URLSAFE, 43),
        "telegram": lambda: f"{rs('123456789', 1)}{rs(DIG, 9)}:AA{rs(URLSAFE, 33)}",
        "rzpkey": lambda: "rzp_live_" + rs(ALNUM, 14),
        "paystack": lambda: "sk_live_" + rs(HEXL, 40),
        "flw": lambda: "FLWSECK-" + rs(HEXL, 32) + "-X",
        "mpago": lambda: f"APP_USR-{rs(DIG, 16)}-{rs(DIG, 6)}-{rs(HEXL, 32)}-{rs(DIG, 9)}",
        "xendit": lambda: "xnd_production_" + rs(ALNUM, 64),
        "midtrans": lambda: "Mid-server-" + rs(URLSAFE, 24),
        "linetoken": lambda: rs(B64, 171) + "=",
    }
    if kind in simple:
        return simple[kind]()
    if kind == "pw":
        return rs(ALNUM + "!#%*+-_", int(args[0]))
    if kind == "hex":
        return secrets.token_hex(int(args[0]) // 2)
    if kind == "b64":
        return base64.b64encode(secrets.token_bytes(int(args[0]))).decode()
    if kind == "alnum":
        return rs(ALNUM, int(args[0]))
    if kind == "upper":
        return rs(string.ascii_uppercase + DIG, int(args[0]))
    if kind == "digits":
        return rs(DIG, int(args[0]))
    if kind == "urlsafe":
        return rs(URLSAFE, int(args[0]))
    if kind == "uuid":
        import uuid

        return str(uuid.UUID(bytes=secrets.token_bytes(16), version=4))
    if kind == "card":
        pre = {"visa": "4", "mc": "5" + rs("12345", 1), "amex": "3" + rs("47", 1)}[args[0]]
        n = luhn_complete(pre, 15 if args[0] == "amex" else 16)
        if len(args) > 1 and args[1] in ("spaced", "dashed"):
            sep = " " if args[1] == "spaced" else "-"
            if len(n) == 16:
                return sep.join(n[i : i + 4] for i in range(0, 16, 4))
            return f"{n[:4]}{sep}{n[4:10]}{sep}{n[10:]}"
        return n
    if kind == "iban":
        v = iban(args[0], args[1] if len(args) > 1 and args[1] != "spaced" else None)
        if "spaced" in args:
            return " ".join(v[i : i + 4] for i in range(0, len(v), 4))
        return v
    if kind == "ssn":
        while True:
            a = secrets.randbelow(899) + 1
            if a != 666:
                break
        return f"{a:03d}-{secrets.randbelow(99) + 1:02d}-{secrets.randbelow(9999) + 1:04d}"
    if kind == "phone":
        region, k, fmt = args[:3]
        prefix = args[3] if len(args) > 3 else ""
        length = int(args[4]) if len(args) > 4 else 0
        return fmt_phone(phone(region, k, prefix, length), fmt)
    if kind == "jwt":
        alg = args[0] if args else "HS256"
        head: dict[str, object] = {"alg": alg, "typ": "JWT"}
        iat = 1796000000 + secrets.randbelow(9000000)
        body: dict[str, object] = {"sub": rs(DIG, 8), "iat": iat, "exp": iat + 3600}
        sig = base64.urlsafe_b64encode(secrets.token_bytes({"RS": 256, "ES": 64}.get(alg[:2], 32)))
        return f"{b64url(head)}.{b64url(body)}.{sig.decode().rstrip('=')}"
    raise ValueError(kind)


def render(tpl: str, cache: dict[str, str]) -> str:
    def sub(m: re.Match[str]) -> str:
        key = f"{m.group(1)}:{m.group(2)}{m.group(3)}"
        if key not in cache:
            cache[key] = make(m.group(1), [a for a in m.group(3).split(":") if a])
        return cache[key]

    return PH.sub(sub, tpl)


def main() -> None:
    cache = json.loads(CACHE.read_text()) if CACHE.exists() else {}
    tpl = (HERE / "texts.tpl").read_text(encoding="utf-8")
    out = render(tpl, cache)
    used = {f"{m.group(1)}:{m.group(2)}{m.group(3)}" for m in PH.finditer(tpl)}
    cache = {k: v for k, v in cache.items() if k in used}
    CACHE.write_text(json.dumps(cache, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    (HERE / "texts.txt").write_text(out, encoding="utf-8")
    print(len(re.findall(r"^### ", out, flags=re.MULTILINE)), "texts")


if __name__ == "__main__":
    main()
