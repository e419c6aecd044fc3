"""Render texts.tpl (with @@kind:name[:arg...]@@ place-holders) into texts.txt.

    /work/main/.venv/bin/python tests/privacy/heldout26/gen.py

Random values are drawn once with the `secrets` module and cached in values.json, so re-running
keeps every value already used and only draws values for new place-holders. Copied from
../heldout9/gen.py and adapted (it reads no other set). New kinds for the IoT/telecom theme: LoRaWAN
keys and EUIs (`hexu`, `eui`), Luhn-valid IMEIs and ICCIDs, IMSIs, MAC addresses, VINs with a
valid check digit, The Things Stack API keys (`ttn`), URL-encoded Azure SAS signatures (`sasig`),
public IPv4 addresses (`ip`), public-key and certificate blocks for clean texts (`pub`, `cert`),
digit strings and phones in the digit-only international MSISDN form (`msisdn` format).
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import secrets
import string
import uuid
from pathlib import Path

import phonenumbers

HERE = Path(__file__).resolve().parent
CACHE = HERE / "values.json"
PH = re.compile(r"@@([a-z0-9_]+):([A-Za-z0-9_]+)((?::[A-Za-z0-9_]+)*)@@")
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
B64 = ALNUM + "+/"
B32 = string.ascii_uppercase + "234567"
US_AREA = ["206", "212", "303", "312", "415", "469", "503", "512", "602", "617", "713", "720", "919"]
DOC_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]


def rs(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def luhn_digit(body: str) -> str:
    for d in string.digits:
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
    body = prefix + rs(string.digits, length - len(prefix) - 1)
    return body + luhn_digit(body)


def iban(cc: str) -> str:
    if cc == "DE":
        bban = rs(string.digits, 18)
    elif cc == "NL":
        bban = rs(string.ascii_uppercase, 4) + rs(string.digits, 10)
    elif cc == "GB":
        bban = rs(string.ascii_uppercase, 4) + rs(string.digits, 14)
    elif cc == "ES":  # bank 4, branch 4, two national check digits, account 10
        bank, branch, acct = rs(string.digits, 4), rs(string.digits, 4), rs(string.digits, 10)
        w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]

        def dc(s: str) -> int:
            v = 11 - sum(int(c) * k for c, k in zip(s, w, strict=True)) % 11
            return {11: 0, 10: 1}.get(v, v)
        bban = f"{bank}{branch}{dc('00' + bank + branch)}{dc(acct)}{acct}"
    elif cc == "PL":
        bban = rs(string.digits, 24)
    elif cc == "PT":
        bban = rs(string.digits, 21)
    else:
        raise ValueError(cc)
    num = "".join(str(int(c, 36)) for c in bban + cc + "00")
    return f"{cc}{98 - int(num) % 97:02d}{bban}"


def phone(region: str, kind: str) -> phonenumbers.PhoneNumber:
    t = phonenumbers.PhoneNumberType.MOBILE if kind == "m" else phonenumbers.PhoneNumberType.FIXED_LINE
    ex = phonenumbers.example_number_for_type(region, t)
    nsn = phonenumbers.national_significant_number(ex)
    for _ in range(200000):
        if region in ("US", "CA"):
            exch = rs("23456789", 1) + rs(string.digits, 2)
            if exch == "555":
                continue
            cand = secrets.choice(US_AREA if region == "US" else ["416", "604", "514"]) + exch + rs(string.digits, 4)
        else:
            cand = nsn[:2] + rs(string.digits, len(nsn) - 2)
        if cand == nsn:
            continue
        num = phonenumbers.parse("+" + str(ex.country_code) + cand, None)
        if phonenumbers.is_valid_number(num) and phonenumbers.number_type(num) in (
                t, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
            return num
    raise AssertionError(region)


def b64url(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def vin() -> str:
    alpha = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    trans = {**{str(i): i for i in range(10)}, **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
             **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
             **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
    weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
    v = list(secrets.choice(["1FU", "3AK", "1XK", "4V4", "WDB", "YV2"]) + rs(alpha, 5) + "0" +
             rs("LMNPRS", 1) + rs(alpha, 1) + rs(string.digits, 6))
    c = sum(trans[ch] * w for ch, w in zip(v, weights, strict=True)) % 11
    v[8] = "X" if c == 10 else str(c)
    return "".join(v)


def public_ip() -> str:
    while True:
        ip = ipaddress.IPv4Address(secrets.randbits(32))
        first = int(str(ip).split(".")[0])
        if ip.is_global and not ip.is_multicast and 11 <= first <= 223 and not any(ip in n for n in DOC_NETS):
            return str(ip)


def block(label: str, raw: bytes, width: int = 64) -> str:
    body = base64.b64encode(raw).decode()
    lines = "\n".join(body[i:i + width] for i in range(0, len(body), width))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----"


def make(kind: str, args: list[str]) -> str:
    if kind == "akia":
        return "AKIA" + rs(B32, 16)
    if kind == "awssecret":
        return rs(B64, 40)
    if kind == "ghp":
        return "ghp_" + rs(ALNUM, 36)
    if kind == "ttn":  # The Things Stack API key
        return "NNSXS." + rs(B32, 39) + "." + rs(B32, 52)
    if kind == "sasig":  # Azure SAS signature, URL-encoded base64 of 32 bytes
        return base64.b64encode(secrets.token_bytes(32)).decode().replace("+", "%2B").replace("/", "%2F").replace(
            "=", "%3D")
    if kind == "basic":  # HTTP Basic credentials: base64 of "user:password" (user name from the args)
        return base64.b64encode(f"{args[0].replace('_', '-')}:{rs(ALNUM, 20)}".encode()).decode()
    if kind == "pw":  # generated password, mixed classes
        return rs(ALNUM + "!#%*+-_", int(args[0]))
    if kind == "hex":
        return secrets.token_hex(int(args[0]) // 2)
    if kind == "hexu":
        return secrets.token_hex(int(args[0]) // 2).upper()
    if kind == "b64":
        return base64.b64encode(secrets.token_bytes(int(args[0]))).decode()
    if kind == "alnum":
        return rs(ALNUM, int(args[0]))
    if kind == "lower":
        return rs(string.ascii_lowercase + string.digits, int(args[0]))
    if kind == "urlsafe":
        return rs(URLSAFE, int(args[0]))
    if kind == "digits":
        return rs("123456789", 1) + rs(string.digits, int(args[0]) - 1)
    if kind == "uuid":
        return str(uuid.UUID(bytes=secrets.token_bytes(16), version=4))
    if kind == "imei":  # TAC-like prefix, 6-digit serial, Luhn check digit
        return luhn_complete(secrets.choice(["35", "86", "35", "01"]), 15)
    if kind == "iccid":  # 89 + country code + issuer, Luhn check digit, 20 digits (or 19)
        return luhn_complete("89" + {"GB": "4410", "DE": "4902", "US": "0126", "ES": "3407", "PL": "4803",
                                     "BR": "5505", "JP": "8110", "NL": "3116"}[args[0]],
                             int(args[1]) if len(args) > 1 else 20)
    if kind == "imsi":
        return args[0] + rs(string.digits, 15 - len(args[0]))
    if kind == "mac":
        return ":".join(secrets.token_hex(1) for _ in range(6)).upper()
    if kind == "eui":  # LoRaWAN EUI-64, vendor-like prefix
        return secrets.choice(["70B3D57ED", "A84041000", "0004A30B0", "24E124136"]) + secrets.token_hex(4).upper()[:7]
    if kind == "vin":
        return vin()
    if kind == "ip":
        return public_ip()
    if kind == "ip6":  # random host under a few ISP-allocated prefixes (never 2001:db8::/32)
        pre = secrets.choice(["2a02:8109", "2a01:c22", "2a00:23c6", "2804:14c"])
        return str(ipaddress.IPv6Address(pre + ":" + ":".join(secrets.token_hex(2) for _ in range(6))))
    if kind == "card":
        pre = {"visa": "4" + rs("0123456789", 1), "mc": "5" + rs("12345", 1), "amex": "3" + rs("47", 1),
               "disc": "6011"}[args[0]]
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
        return f"{a:03d}-{secrets.randbelow(99) + 1:02d}-{secrets.randbelow(9999) + 1:04d}"
    if kind == "phone":
        region, k, fmt = args
        num = phone(region, k)
        if fmt == "intl":
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        if fmt == "e164":
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
        if fmt == "msisdn":  # digit-only international form used in telecom systems
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)[1:]
        return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
    if kind == "jwt":
        alg = args[0] if args else "HS256"
        head = {"alg": alg, "typ": "JWT"}
        iat = 1786000000 + secrets.randbelow(9000000)
        body: dict[str, object] = {"sub": rs(string.digits, 8), "iat": iat, "exp": iat + 3600}
        if len(args) > 1 and args[1] == "chirp":
            body = {"aud": "chirpstack", "iss": "chirpstack", "sub": str(uuid.UUID(bytes=secrets.token_bytes(16),
                                                                                  version=4)), "typ": "key"}
        if len(args) > 1 and args[1] == "gcp":
            body = {"iat": iat, "exp": iat + 1200, "aud": "fleet-telemetry-prod"}
        sig = base64.urlsafe_b64encode(secrets.token_bytes({"RS": 256, "ES": 64}.get(alg[:2], 32))).decode().rstrip("=")
        return f"{b64url(head)}.{b64url(body)}.{sig}"
    if kind == "pemjson":  # PKCS#8 block with JSON "\\n" escapes, as in a service-account file
        return make("pem", ["pk8"]).replace("\n", "\\n")
    if kind == "pem":
        if args[0] == "ec":  # SEC1 P-256: version 1, 32-byte scalar, curve OID, 65-byte public point
            raw = (bytes.fromhex("30770201010420") + secrets.token_bytes(32) +
                   bytes.fromhex("a00a06082a8648ce3d030107a144034200") + b"\x04" + secrets.token_bytes(64))
            return block("EC PRIVATE KEY", raw)
        head = bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7")
        raw = head + secrets.token_bytes(1190 - len(head))
        return block("RSA PRIVATE KEY" if args[0] == "rsa" else "PRIVATE KEY", raw)
    if kind == "pub":  # SubjectPublicKeyInfo P-256 (header real, point random)
        return block("PUBLIC KEY", bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200") +
                     b"\x04" + secrets.token_bytes(64))
    if kind == "cert":  # certificate-shaped block, random body
        return block("CERTIFICATE", bytes.fromhex("308201") + secrets.token_bytes(int(args[0]) if args else 420))
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
    CACHE.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")
    (HERE / "texts.txt").write_text(out, encoding="utf-8")
    print(len(re.findall(r"^### ", out, flags=re.MULTILINE)), "texts")


if __name__ == "__main__":
    main()
