"""Render texts.tpl (with @@kind:name[:arg...]@@ place-holders) into texts.txt.

    /work/main/.venv/bin/python tests/privacy/heldout25/gen.py

Random values are drawn once with the `secrets` module and cached in values.json, so re-running
keeps every value already used and only draws values for new place-holders. Copied from
../heldout9/gen.py and adapted (this script reads no other set). New kinds here: random public
IPv4/IPv6 addresses (`ip`, `ip6`) and their defanged spellings derived from the same cached address
(`dfl` last dot as `[.]`, `dfa` every dot as `[.]`), AWS `ASIA` key ids, Okta SSWS tokens, PHP and
Java session ids, Telegram bot tokens, NTLM-style hashes, Tox ids, onion host names, bech32-shaped
Bitcoin addresses, SSH public keys, JA3-style md5 values, Lithuanian IBANs, US phone numbers with a
chosen area code and no 555 exchange.
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
US_AREAS = ["206", "212", "303", "305", "312", "404", "415", "469", "503", "512", "602", "617", "704",
            "713", "720", "801", "813", "904", "917", "971"]


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
    elif cc == "PL":
        bban = rs(string.digits, 24)
    elif cc == "LT":
        bban = rs(string.digits, 16)
    elif cc == "BE":
        first = rs("123456789", 1) + rs(string.digits, 9)
        chk = int(first) % 97 or 97
        bban = first + f"{chk:02d}"
    else:
        raise ValueError(cc)
    num = "".join(str(int(c, 36)) for c in bban + cc + "00")
    return f"{cc}{98 - int(num) % 97:02d}{bban}"


def phone(region: str, kind: str, area: str = "") -> phonenumbers.PhoneNumber:
    t = phonenumbers.PhoneNumberType.MOBILE if kind == "m" else phonenumbers.PhoneNumberType.FIXED_LINE
    ok_types = (t, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if region == "US":  # area code from a list (or the one asked for), exchange never 555
        while True:
            ac = area or secrets.choice(US_AREAS)
            exch = rs("23456789", 1) + rs(string.digits, 2)
            if exch == "555" or exch[1:] == "11":
                continue
            num = phonenumbers.parse(f"+1{ac}{exch}{rs(string.digits, 4)}", None)
            if phonenumbers.is_valid_number(num):
                return num
    ex = phonenumbers.example_number_for_type(region, t)
    nsn = phonenumbers.national_significant_number(ex)
    keep = 3 if len(nsn) > 8 else 2
    while True:
        cand = nsn[:keep] + rs(string.digits, len(nsn) - keep)
        if cand == nsn:
            continue
        num = phonenumbers.parse("+" + str(ex.country_code) + cand, None)
        if phonenumbers.is_valid_number(num) and phonenumbers.number_type(num) in ok_types:
            return num


def b64url(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def public_ip4() -> str:
    while True:
        ip = ipaddress.IPv4Address(secrets.randbits(32))
        if ip.is_global and not ip.is_multicast and ip.packed[0] not in (1, 8, 9) and ip.packed[3] not in (0, 255):
            return str(ip)


def public_ip6() -> str:
    prefix = secrets.choice(["2a02", "2a01", "2600", "2001:4860", "2a0d", "2804", "2403", "2c0f"])
    groups = prefix.split(":") + [f"{secrets.randbelow(0xFFFF) + 1:x}" for _ in range(8 - len(prefix.split(":")))]
    if secrets.randbelow(2):
        groups[4:6] = ["0", "0"]  # let ipaddress compress a run of zeros
    ip = ipaddress.IPv6Address(":".join(groups))
    assert ip.is_global
    return ip.compressed


def make(kind: str, args: list[str], cache: dict[str, str]) -> str:
    if kind in ("dfl", "dfa"):  # defanged spelling of the cached ip:<name>
        base = cache.setdefault(f"ip:{args[0]}", public_ip4())
        if kind == "dfa":
            return base.replace(".", "[.]")
        head, _, tail = base.rpartition(".")
        return f"{head}[.]{tail}"
    if kind == "ip":
        return public_ip4()
    if kind == "ip6":
        return public_ip6()
    if kind == "openai":
        return "sk-proj-" + rs(URLSAFE, 74) + "T3BlbkFJ" + rs(URLSAFE, 74)
    if kind == "anthropic":
        return "sk-ant-api03-" + rs(URLSAFE, 93) + "AA"
    if kind == "ghp":
        return "ghp_" + rs(ALNUM, 36)
    if kind == "glpat":
        return "glpat-" + rs(URLSAFE, 20)
    if kind == "xoxb":
        return f"xoxb-{rs(string.digits, 12)}-{rs(string.digits, 13)}-{rs(ALNUM, 24)}"
    if kind == "stripe":
        return "sk_live_51" + rs(ALNUM, 97)
    if kind == "akia":
        return "AKIA" + rs(string.ascii_uppercase + "234567", 16)
    if kind == "asia":
        return "ASIA" + rs(string.ascii_uppercase + "234567", 16)
    if kind == "aroa":  # role principal id (not a secret)
        return "AROA" + rs(string.ascii_uppercase + "234567", 17)
    if kind == "aida":  # IAM user id (not a secret)
        return "AIDA" + rs(string.ascii_uppercase + "234567", 17)
    if kind == "awssecret":
        return rs(B64, 40)
    if kind == "aiza":
        return "AIza" + rs(URLSAFE, 35)
    if kind == "sg":
        return "SG." + rs(URLSAFE, 22) + "." + rs(URLSAFE, 43)
    if kind == "slackhook":
        return (f"https://hooks.slack.com/services/T{rs(string.ascii_uppercase + string.digits, 10)}"
                f"/B{rs(string.ascii_uppercase + string.digits, 10)}/{rs(ALNUM, 24)}")
    if kind == "npm":
        return "npm_" + rs(ALNUM, 36)
    if kind == "telegram":
        return f"{rs('123456789', 1)}{rs(string.digits, 9)}:AA{rs(URLSAFE, 33)}"
    if kind == "ssws":  # Okta API token
        return "00" + rs(URLSAFE, 40)
    if kind == "phpsess":
        return rs(string.ascii_lowercase + string.digits, 26)
    if kind == "jsess":
        return secrets.token_hex(16).upper()
    if kind == "tox":
        return secrets.token_hex(38).upper()
    if kind == "onion":
        return rs(string.ascii_lowercase + "234567", 56)
    if kind == "btc":
        return "bc1q" + rs("023456789acdefghjklmnpqrstuvwxyz", 38)
    if kind == "sshpub":
        blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + secrets.token_bytes(32)
        return "ssh-ed25519 " + base64.b64encode(blob).decode()
    if kind == "pw":
        return rs(ALNUM + "!#%*+-_", int(args[0]))
    if kind == "hex":
        return secrets.token_hex(int(args[0]) // 2)
    if kind == "uhex":
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
    if kind == "card":
        pre = {"visa": "4", "mc": "5" + rs("12345", 1), "mc2": "22" + rs("3456", 1), "amex": "3" + rs("47", 1),
               "disc": "6011"}[args[0]]
        n = luhn_complete(pre, 15 if args[0] == "amex" else 16)
        if len(args) > 1 and args[1] == "spaced":
            return " ".join(n[i:i + 4] for i in range(0, 16, 4)) if len(n) == 16 else f"{n[:4]} {n[4:10]} {n[10:]}"
        if len(args) > 1 and args[1] == "dashed":
            return "-".join(n[i:i + 4] for i in range(0, 16, 4))
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
        num = phone(region, k, args[3] if len(args) > 3 else "")
        if fmt == "intl":
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        if fmt == "e164":
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
        if fmt == "dashed":  # +1-415-…, as US carriers and fraud tools print it
            nat = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            return nat.replace(" ", "-")
        return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
    if kind == "jwt":
        alg = args[0] if args else "HS256"
        head = {"alg": alg, "typ": "JWT"}
        if alg.startswith("RS"):
            head["kid"] = rs(URLSAFE, 22)
        body = {"sub": rs(string.digits, 8), "iat": 1750000000 + secrets.randbelow(9000000)}
        body["exp"] = body["iat"] + 3600
        sig = base64.urlsafe_b64encode(secrets.token_bytes({"RS": 256, "ES": 64}.get(alg[:2], 32))).decode().rstrip("=")
        return f"{b64url(head)}.{b64url(body)}.{sig}"
    if kind == "pemjson":  # PKCS#8 block with JSON "\\n" escapes, as in a service-account file
        return make("pem", ["pk8"], cache).replace("\n", "\\n")
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
                    b"\x00\x00\x00\x0adeploy@web" + bytes(range(1, 8)))
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
            args = [a for a in rest.split(":") if a]
            cache[key] = make(kind, [name] if kind in ("dfl", "dfa") else args, cache)
        return cache[key]

    out = PH.sub(sub, tpl)
    used = {f"{m.group(1)}:{m.group(2)}{m.group(3)}" for m in PH.finditer(tpl)}
    needed = used | {"ip:" + k.split(":", 1)[1] for k in used if k.startswith(("dfl:", "dfa:"))}
    for key in sorted(set(cache) - needed):  # drop values no longer referenced
        del cache[key]
    CACHE.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")
    (HERE / "texts.txt").write_text(out, encoding="utf-8")
    print(len(re.findall(r"^### ", out, flags=re.MULTILINE)), "texts")


if __name__ == "__main__":
    main()
