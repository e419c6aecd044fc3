"""Render texts.tpl (with @@kind:name[:arg...]@@ place-holders) into texts.txt.

    /work/main/.venv/bin/python tests/privacy/heldout24/gen.py

Random values are drawn once with the `secrets` module and cached in values.json, so re-running
keeps every value already used and only draws values for new place-holders. Copied from
../heldout9/gen.py and adapted (it reads no other set); new here: phone spellings used in CVs
(`intl0` "+49 (0) 171 ...", `idd` "0044 ...", `dots` "06.12.34.56.78", `dash` "+91-98765-43210",
`paren` "(+351) 912 ...", `plain` national digits), US/CA numbers without the 555 exchange, Italian
IBANs with their CIN letter, Portuguese IBANs with their NIB check digits, and an optional fourth
phone argument fixing the area code (US numbers that match the city in the text).
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


def rs(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def luhn_complete(prefix: str, length: int) -> str:
    body = prefix + rs(string.digits, length - len(prefix) - 1)
    for d in string.digits:
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


def iban(cc: str) -> str:
    if cc == "DE":
        bban = rs(string.digits, 18)
    elif cc == "NL":
        bban = rs(string.ascii_uppercase, 4) + rs(string.digits, 10)
    elif cc == "GB":
        bban = rs(string.ascii_uppercase, 4) + rs(string.digits, 14)
    elif cc == "BE":
        first = rs("123456789", 1) + rs(string.digits, 9)
        chk = int(first) % 97 or 97
        bban = first + f"{chk:02d}"
    elif cc == "FR":  # bank 5, branch 5, account 11 digits, RIB key
        bank, branch, acct = rs(string.digits, 5), rs(string.digits, 5), rs(string.digits, 11)
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97
        bban = f"{bank}{branch}{acct}{key:02d}"
    elif cc == "ES":  # bank 4, branch 4, two national check digits, account 10
        bank, branch, acct = rs(string.digits, 4), rs(string.digits, 4), rs(string.digits, 10)
        w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]

        def dc(s: str) -> int:
            v = 11 - sum(int(c) * k for c, k in zip(s, w, strict=True)) % 11
            return {11: 0, 10: 1}.get(v, v)
        bban = f"{bank}{branch}{dc('00' + bank + branch)}{dc(acct)}{acct}"
    elif cc == "AT":
        bban = rs(string.digits, 16)
    elif cc == "PL":
        bban = rs(string.digits, 24)
    elif cc == "CH":
        bban = rs(string.digits, 17)
    elif cc == "IT":  # CIN letter, ABI 5, CAB 5, account 12
        body = rs(string.digits, 10) + rs(string.digits, 12)
        odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
        tot = sum(odd[int(c, 36) % 10 if c.isdigit() else ord(c) - 65] if i % 2 == 0 else
                  (int(c) if c.isdigit() else ord(c) - 65) for i, c in enumerate(body))
        bban = chr(65 + tot % 26) + body
    elif cc == "PT":  # bank 4, branch 4, account 11, NIB check digits
        base = rs(string.digits, 19)
        bban = base + f"{98 - int(base + '00') % 97:02d}"
    else:
        raise ValueError(cc)
    num = "".join(str(int(c, 36)) for c in bban + cc + "00")
    return f"{cc}{98 - int(num) % 97:02d}{bban}"


def phone(region: str, kind: str, prefix: str = "") -> phonenumbers.PhoneNumber:
    t = phonenumbers.PhoneNumberType.MOBILE if kind == "m" else phonenumbers.PhoneNumberType.FIXED_LINE
    ex = phonenumbers.example_number_for_type(region, t)
    nsn = phonenumbers.national_significant_number(ex)
    keep = 3 if len(nsn) > 8 else 2
    while True:
        head = prefix or nsn[:keep]
        cand = head + rs(string.digits, len(nsn) - len(head))
        if cand == nsn or (region in ("US", "CA") and cand[3:6] == "555"):
            continue
        num = phonenumbers.parse("+" + str(ex.country_code) + cand, None)
        if phonenumbers.is_valid_number(num) and phonenumbers.number_type(num) in (
                t, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
            return num


def b64url(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def make(kind: str, args: list[str]) -> str:
    if kind == "openai":
        return "sk-proj-" + rs(URLSAFE, 74) + "T3BlbkFJ" + rs(URLSAFE, 74)
    if kind == "anthropic":
        return "sk-ant-api03-" + rs(URLSAFE, 93) + "AA"
    if kind == "ghp":
        return "ghp_" + rs(ALNUM, 36)
    if kind == "ghpat":
        return "github_pat_11" + rs(string.ascii_uppercase + string.digits, 20) + "_" + rs(ALNUM, 59)
    if kind == "xoxb":
        return f"xoxb-{rs(string.digits, 12)}-{rs(string.digits, 13)}-{rs(ALNUM, 24)}"
    if kind == "stripe":
        return "sk_live_51" + rs(ALNUM, 97)
    if kind == "rk":
        return "rk_live_51" + rs(ALNUM, 97)
    if kind == "akia":
        return "AKIA" + rs(string.ascii_uppercase + "234567", 16)
    if kind == "awssecret":
        return rs(B64, 40)
    if kind == "aiza":
        return "AIza" + rs(URLSAFE, 35)
    if kind == "glpat":
        return "glpat-" + rs(URLSAFE, 20)
    if kind == "hf":
        return "hf_" + rs(string.ascii_letters, 34)
    if kind == "sg":
        return "SG." + rs(URLSAFE, 22) + "." + rs(URLSAFE, 43)
    if kind == "xoxp":
        return f"xoxp-{rs(string.digits, 12)}-{rs(string.digits, 13)}-{rs(string.digits, 13)}-{secrets.token_hex(16)}"
    if kind == "slackhook":
        return (f"https://hooks.slack.com/services/T{rs(string.ascii_uppercase + string.digits, 10)}"
                f"/B{rs(string.ascii_uppercase + string.digits, 10)}/{rs(ALNUM, 24)}")
    if kind == "discordhook":
        return f"https://discord.com/api/webhooks/1{rs(string.digits, 18)}/{rs(URLSAFE, 68)}"
    if kind == "npm":
        return "npm_" + rs(ALNUM, 36)
    if kind == "shpat":
        return "shpat_" + secrets.token_hex(16)
    if kind == "dop":
        return "dop_v1_" + secrets.token_hex(32)
    if kind == "telegram":
        return f"{rs('123456789', 1)}{rs(string.digits, 9)}:AA{rs(URLSAFE, 33)}"
    if kind == "gsk":
        return "gsk_" + rs(ALNUM, 52)
    if kind == "r8":
        return "r8_" + rs(ALNUM, 37)
    if kind == "dckr":
        return "dckr_pat_" + rs(URLSAFE, 27)
    if kind == "pmak":
        return f"PMAK-{secrets.token_hex(12)}-{secrets.token_hex(17)}"
    if kind == "linear":
        return "lin_api_" + rs(ALNUM, 40)
    if kind == "mailgun":
        return "key-" + secrets.token_hex(16)
    if kind == "sklive":
        return "sk_live_51" + rs(ALNUM, 97)
    if kind == "whsec":
        return "whsec_" + rs(ALNUM, 32)
    if kind == "pypi":
        return "pypi-AgEIcHlwaS5vcmc" + rs(URLSAFE, 160)
    if kind == "fernet":
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    if kind == "pw":  # generated password, mixed classes
        return rs(ALNUM + "!#%*+-_", int(args[0]))
    if kind == "sha":
        return secrets.token_hex(int(args[0]) // 2)
    if kind == "hex":
        return secrets.token_hex(int(args[0]) // 2)
    if kind == "b64":
        return base64.b64encode(secrets.token_bytes(int(args[0]))).decode()
    if kind == "alnum":
        return rs(ALNUM, int(args[0]))
    if kind == "urlsafe":
        return rs(URLSAFE, int(args[0]))
    if kind == "uuid":
        import uuid
        return str(uuid.UUID(bytes=secrets.token_bytes(16), version=4))
    if kind == "card":
        pre = {"visa": "4", "mc": "5" + rs("12345", 1), "amex": "3" + rs("47", 1), "disc": "6011"}[args[0]]
        n = luhn_complete(pre, 15 if args[0] == "amex" else 16)
        if len(args) > 1 and args[1] == "spaced":
            return " ".join(n[i:i + 4] for i in range(0, 16, 4)) if len(n) == 16 else f"{n[:4]} {n[4:10]} {n[10:]}"
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
        sep = " " if args and args[0] == "spaced" else "-"
        return f"{a:03d}{sep}{secrets.randbelow(99) + 1:02d}{sep}{secrets.randbelow(9999) + 1:04d}"
    if kind == "phone":
        region, k, fmt = args[:3]
        num = phone(region, k, args[3] if len(args) > 3 else "")  # optional 4th arg: area code / prefix
        if fmt == "intl":
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        if fmt == "e164":
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
        intl = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        nat = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
        cc, _, rest = intl.partition(" ")
        if fmt == "intl0":  # "+49 (0) 171 2345678"
            return f"{cc} (0) {rest}"
        if fmt == "idd":  # "0044 7911 123456"
            return "00" + intl[1:]
        if fmt == "dots":  # "06.12.34.56.78"
            return nat.replace(" ", ".")
        if fmt == "dash":  # "+91-98765-43210"
            return intl.replace(" ", "-")
        if fmt == "paren":  # "(+351) 912 345 678"
            return f"({cc}) {rest}"
        if fmt == "plain":
            return phonenumbers.national_significant_number(num) if region == "IT" else re.sub(r"\D", "", nat)
        return nat
    if kind == "jwt":
        alg = args[0] if args else "HS256"
        head = {"alg": alg, "typ": "JWT"}
        body = {"sub": rs(string.digits, 8), "iat": 1786000000 + secrets.randbelow(9000000)}
        body["exp"] = body["iat"] + 3600
        sig = base64.urlsafe_b64encode(secrets.token_bytes({"RS": 256, "ES": 64}.get(alg[:2], 32))).decode().rstrip("=")
        return f"{b64url(head)}.{b64url(body)}.{sig}"
    if kind == "pemjson":  # PKCS#8 block with JSON "\\n" escapes, as in a service-account file
        return make("pem", ["pk8"]).replace("\n", "\\n")
    if kind == "pem":
        raw = secrets.token_bytes(int(args[1]) if len(args) > 1 else 1190)
        if args[0] == "pk8":  # PKCS#8 RSA header (SEQUENCE, version 0, rsaEncryption, OCTET STRING)
            head = bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7")
            raw = head + raw[len(head):]
        width = 64
        if args[0] == "ec":  # SEC1 P-256: version 1, 32-byte scalar, curve OID, 65-byte public point
            raw = (bytes.fromhex("30770201010420") + secrets.token_bytes(32) +
                   bytes.fromhex("a00a06082a8648ce3d030107a144034200") + b"\x04" + secrets.token_bytes(64))
        if args[0] == "ssh":  # openssh-key-v1, unencrypted, one ssh-ed25519 key; random key material
            pub = secrets.token_bytes(32)
            blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + pub
            chk = secrets.token_bytes(4)
            priv = (chk + chk + blob + b"\x00\x00\x00\x40" + secrets.token_bytes(32) + pub +
                    b"\x00\x00\x00\x0ckai@thinkpad" + bytes(range(1, 6)))
            raw = (b"openssh-key-v1\x00" + b"\x00\x00\x00\x04none" * 2 + b"\x00\x00\x00\x00" +
                   b"\x00\x00\x00\x01" + len(blob).to_bytes(4, "big") + blob + len(priv).to_bytes(4, "big") + priv)
            width = 70
        body = base64.b64encode(raw).decode()
        lines = "\n".join(body[i:i + width] for i in range(0, len(body), width))
        label = {"rsa": "RSA PRIVATE KEY", "pk8": "PRIVATE KEY", "ec": "EC PRIVATE KEY",
                 "ssh": "OPENSSH PRIVATE KEY"}[args[0]]
        return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----"
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
    CACHE.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")
    (HERE / "texts.txt").write_text(out, encoding="utf-8")
    print(len(re.findall(r"^### ", out, flags=re.MULTILINE)), "texts")


if __name__ == "__main__":
    main()
