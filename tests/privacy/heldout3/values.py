"""Generate the values used in texts.txt (run once; values were pasted in by hand).

    /work/main/.venv/bin/python tests/privacy/heldout3/values.py

Seeded, so re-running prints the same values. Check digits are computed (Luhn for cards, mod-97 for
IBANs, ISBN-13 for the hard-negative ISBNs). Phone numbers are drawn from per-country patterns that
follow each numbering plan as the author knows it; if the `phonenumbers` package (libphonenumber) is
importable, every drawn number must also pass `phonenumbers.is_valid_number`, otherwise it is redrawn
(and a pattern that never yields a valid number stops the script).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
import string

try:
    import phonenumbers
except ImportError:  # pragma: no cover - the values in texts.txt were generated with it installed
    phonenumbers = None

rng = random.Random(530071)
ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"


# ---------------------------------------------------------------- helpers

def digits(n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def letters(n: int) -> str:
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(n))


def rand(alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def fill(pattern: str) -> str:
    """'X' -> any digit, 'N' -> 2-9, other characters kept."""
    out = []
    for ch in pattern:
        if ch == "X":
            out.append(rng.choice(string.digits))
        elif ch == "N":
            out.append(rng.choice("23456789"))
        else:
            out.append(ch)
    return "".join(out)


def group4(s: str) -> str:
    return " ".join(s[i : i + 4] for i in range(0, len(s), 4))


# ---------------------------------------------------------------- cards

def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(num: str) -> bool:
    return luhn_digit(num[:-1]) == num[-1]


def card(prefix: str, length: int) -> str:
    body = prefix + digits(length - len(prefix) - 1)
    return body + luhn_digit(body)


CARDS = [  # (issuer, prefix, length)
    ("visa", "4", 16), ("visa", "4", 16), ("visa", "4", 16),
    ("mastercard", "53", 16), ("mastercard", "55", 16), ("mastercard-2series", "2281", 16),
    ("amex", "37", 15), ("discover", "6011", 16), ("jcb", "3566", 16), ("diners", "36", 14),
]


# ---------------------------------------------------------------- IBANs

def iban(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    num = "".join(str(int(c, 36)) for c in rearranged)
    return f"{country}{98 - int(num) % 97:02d}{bban}"


def iban_ok(value: str) -> bool:
    v = value.replace(" ", "")
    return int("".join(str(int(c, 36)) for c in v[4:] + v[:4])) % 97 == 1


IBAN_SPECS = {  # BBAN generators with each country's structure; bank codes are random, not real banks
    "DE": (22, lambda: digits(8) + digits(10)),
    "FR": (27, lambda: digits(5) + digits(5) + digits(11) + digits(2)),
    "ES": (24, lambda: digits(20)),
    "IT": (27, lambda: letters(1) + digits(5) + digits(5) + digits(12)),
    "NL": (18, lambda: letters(4) + digits(10)),
    "PT": (25, lambda: digits(21)),
    "PL": (28, lambda: digits(24)),
    "SE": (24, lambda: digits(20)),
    "DK": (18, lambda: digits(14)),
    "CZ": (24, lambda: digits(20)),
    "TR": (26, lambda: digits(5) + "0" + digits(16)),
    "AT": (20, lambda: digits(16)),
}


# ---------------------------------------------------------------- phones

PHONES = [  # (region, national pattern incl. trunk prefix where the country has one)
    ("US", "212NXXXXXX"), ("US", "617NXXXXXX"), ("US", "512NXXXXXX"), ("US", "206NXXXXXX"),
    ("US", "404NXXXXXX"), ("CA", "416NXXXXXX"), ("CA", "604NXXXXXX"),
    ("GB", "07700XXXXXX"), ("GB", "07911XXXXXX"), ("GB", "02079XXXXXX"), ("GB", "0161NXXXXXX"),
    ("FR", "06XXXXXXXX"), ("FR", "07XXXXXXXX"), ("FR", "01XXXXXXXX"), ("FR", "04XXXXXXXX"),
    ("DE", "0176XXXXXXXX"), ("DE", "0151XXXXXXXX"), ("DE", "030NXXXXXX"), ("DE", "089NXXXXXX"),
    ("ES", "6XXXXXXXX"), ("ES", "91NXXXXXX"),
    ("IT", "347XXXXXXX"), ("IT", "02NXXXXXXX"),
    ("NL", "06XXXXXXXX"), ("NL", "020NXXXXXX"),
    ("BE", "0478XXXXXX"), ("CH", "079XXXXXXX"), ("CH", "044NXXXXXX"), ("AT", "0664XXXXXXX"),
    ("PT", "91XXXXXXX"), ("PT", "21NXXXXXX"),
    ("PL", "601XXXXXX"), ("PL", "22NXXXXXX"),
    ("SE", "070XXXXXXX"), ("SE", "08NXXXXXXX"),
    ("DK", "2XXXXXXX"), ("DK", "3NXXXXXX"),
    ("CZ", "603XXXXXX"), ("CZ", "2NXXXXXXX"),
    ("TR", "0532XXXXXXX"), ("TR", "0212NXXXXXX"),
    ("JP", "090XXXXXXXX"), ("JP", "03NXXXXXXX"),
    ("AU", "04XXXXXXXX"), ("AU", "02NXXXXXXX"),
    ("IN", "98XXXXXXXX"), ("BR", "119XXXXXXXX"), ("MX", "55NXXXXXXX"), ("IE", "087XXXXXXX"),
]


def phone(region: str, pattern: str) -> tuple[str, str, str]:
    for _ in range(500):
        national = fill(pattern)
        if phonenumbers is None:
            return national, "", ""
        n = phonenumbers.parse(national, region)
        if phonenumbers.is_valid_number(n):
            fmt = phonenumbers.PhoneNumberFormat
            return (national, phonenumbers.format_number(n, fmt.E164),
                    phonenumbers.format_number(n, fmt.INTERNATIONAL))
    raise SystemExit(f"no valid number for {region} {pattern}")


def us_exchange_ok(national: str) -> bool:
    # no N11 exchanges and nothing in the fictional 555 exchange
    ex = national[3:6]
    return ex[1:] != "11" and ex != "555"


# ---------------------------------------------------------------- keys, tokens

def b64u(obj: object) -> str:
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwt(header: dict, payload: dict, sig_bytes: int = 32) -> str:
    sig = base64.urlsafe_b64encode(bytes(rng.randrange(256) for _ in range(sig_bytes))).rstrip(b"=").decode()
    return f"{b64u(header)}.{b64u(payload)}.{sig}"


def pem(label: str, prefix: bytes, n: int, width: int = 64) -> str:
    body = base64.b64encode(prefix + bytes(rng.randrange(256) for _ in range(n))).decode()
    lines = [f"-----BEGIN {label}-----"]
    lines += [body[i : i + width] for i in range(0, len(body), width)]
    lines.append(f"-----END {label}-----")
    return "\n".join(lines)


WORDS = ["harbor", "velvet", "granite", "maple", "orbit", "lantern", "copper", "tundra", "saffron",
         "meadow", "falcon", "quartz", "nimbus", "juniper", "cobalt", "ember", "fjord", "pistachio",
         "Sonnenblume", "Kastanie", "girasol", "tramonto", "zomerregen", "lagoa", "sowa", "hallon",
         "kanelsnegl", "Vltava", "lale", "sakura"]


def password() -> str:
    style = rng.randrange(4)
    if style == 0:
        return rand(ALNUM + "!#%+-_=@", 16)
    if style == 1:
        w = rng.sample(WORDS, 2)
        return f"{w[0].capitalize()}{rng.choice('-_.')}{w[1].capitalize()}{digits(2)}{rng.choice('!?#$%')}"
    if style == 2:
        return rng.choice(WORDS).capitalize() + digits(4) + rng.choice("!*&#")
    return rand(ALNUM, 24)


# ---------------------------------------------------------------- people

FIRST = ["maelle", "jonas", "ines", "tobias", "giulia", "pieter", "beatriz", "kacper", "elin", "mads",
         "tereza", "emre", "haruka", "olivia", "marcus", "priya", "darnell", "sofia", "lukas", "noor",
         "aoife", "rafael", "ingrid", "yusuf", "camille", "henrik", "lucia", "wojciech", "amara", "kenji"]
LAST = ["garnier", "brandt", "morales", "ricci", "de vries", "carvalho", "nowak", "lindqvist", "holm",
        "dvorakova", "yildiz", "tanaka", "bennett", "okafor", "raman", "whitfield", "ferreira",
        "schmitt", "jansen", "kowalczyk", "sato", "oconnor", "aydin", "bergstrom", "novak", "laurent"]
FREEMAIL = ["gmail.com", "outlook.com", "yahoo.com", "proton.me", "icloud.com", "orange.fr", "free.fr",
            "web.de", "gmx.de", "libero.it", "ziggo.nl", "sapo.pt", "wp.pl", "telia.com", "seznam.cz",
            "hotmail.es", "yandex.com.tr", "docomo.ne.jp", "fastmail.com"]
COMPANY = ["larkspur-freight.com", "tidewell.io", "brightmoor-health.org", "nordvik-energi.se",
           "quillon.dev", "hexagon-legal.de", "caravela-seguros.pt", "polderbank-test.nl",
           "sunmesa-clinic.com", "ostrava-strojirny.cz"]


def email() -> str:
    f, la = rng.choice(FIRST), rng.choice(LAST).replace(" ", "")
    local = rng.choice([f"{f}.{la}", f"{f[0]}{la}", f"{f}_{la}{digits(2)}", f"{la}.{f}", f"{f}{digits(3)}"])
    dom = rng.choice(FREEMAIL if rng.random() < 0.6 else COMPANY)
    return f"{local}@{dom}"


def dob() -> str:
    start = dt.date(1938, 1, 1).toordinal()
    end = dt.date(2009, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end)).isoformat()


def ssn() -> str:
    while True:
        area = rng.randint(1, 899)
        if area != 666:
            return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


# ---------------------------------------------------------------- addresses

def ipv4_public() -> str:
    while True:
        a = rng.randint(1, 223)
        if a in (10, 100, 127, 169, 172, 192, 198, 203) or a >= 224:
            continue
        return f"{a}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def ipv4_private() -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if kind == 1:
        return f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def ipv4_doc() -> str:
    net = rng.choice(["192.0.2", "198.51.100", "203.0.113"])
    return f"{net}.{rng.randint(1, 254)}"


def h16() -> str:
    return f"{rng.randrange(1, 0x10000):x}"


def ipv6(prefix: str, groups: int) -> str:
    return prefix + ":".join(h16() for _ in range(groups))


# ---------------------------------------------------------------- hard negatives

def isbn13(prefix: str = "978") -> str:
    """ISBN-13 (prefix 978) or, with another GS1 prefix, an EAN-13: same check digit."""
    body = prefix + digits(12 - len(prefix))
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body))
    return body + str((10 - total % 10) % 10)


def imei() -> str:
    body = "35" + digits(12)
    return body + luhn_digit(body)


def mac() -> str:
    return ":".join(rand(HEX, 2) for _ in range(6))


def uuid4() -> str:
    return "-".join([rand(HEX, 8), rand(HEX, 4), "4" + rand(HEX, 3), rng.choice("89ab") + rand(HEX, 3),
                     rand(HEX, 12)])


# ---------------------------------------------------------------- main

def main() -> None:
    print("# cards")
    for issuer, prefix, length in CARDS:
        c = card(prefix, length)
        assert luhn_ok(c) and len(c) == length
        print(issuer, c, group4(c))

    print("# ibans")
    for cc, (length, f) in IBAN_SPECS.items():
        v = iban(cc, f())
        assert len(v) == length and iban_ok(v), v
        print(cc, v, group4(v))

    print("# phones (national, E.164, international)"
          + ("" if phonenumbers else "  [phonenumbers NOT installed: unchecked]"))
    for region, pattern in PHONES:
        while True:
            national, e164, intl = phone(region, pattern)
            if region not in ("US", "CA") or us_exchange_ok(national):
                break
        print(region, national, e164, intl, sep="\t")

    print("# vendor keys")
    print("openai_proj", "sk-proj-" + rand(B64URL, 48) + "T3BlbkFJ" + rand(B64URL, 20))
    print("openai_svcacct", "sk-svcacct-" + rand(B64URL, 48) + "T3BlbkFJ" + rand(B64URL, 20))
    print("anthropic", "sk-ant-api03-" + rand(B64URL, 93) + "AA")
    print("aws_id", "AKIA" + rand(UPPER_ALNUM, 16))
    print("aws_secret", rand(B64, 40))
    print("aws_sts_id", "ASIA" + rand(UPPER_ALNUM, 16))
    print("aws_sts_secret", rand(B64, 40))
    print("ghp", "ghp_" + rand(ALNUM, 36))
    print("gho", "gho_" + rand(ALNUM, 36))
    print("github_pat", "github_pat_11" + rand(UPPER_ALNUM, 20) + "_" + rand(ALNUM, 59))
    print("slack_bot", f"xoxb-{digits(12)}-{digits(13)}-{rand(ALNUM, 24)}")
    print("stripe_live", "sk_live_51" + rand(ALNUM, 97))
    print("stripe_whsec", "whsec_" + rand(ALNUM, 32))
    print("google", "AIza" + rand(ALNUM + "-_", 35))
    print("gitlab", "glpat-" + rand(ALNUM + "-_", 20))
    print("hf", "hf_" + rand(string.ascii_letters, 34))
    print("sendgrid", "SG." + rand(B64URL, 22) + "." + rand(B64URL, 43))
    print("npm", "npm_" + rand(ALNUM, 36))
    print("twilio_auth_token", rand(HEX, 32))
    print("mailgun", "key-" + rand(HEX, 32))
    print("digitalocean", "dop_v1_" + rand(HEX, 64))
    print("shopify", "shpat_" + rand(HEX, 32))
    print("pypi", "pypi-AgEIcHlwaS5vcmc" + rand(B64URL, 60))
    print("databricks", "dapi" + rand(HEX, 32))
    print("dockerhub", "dckr_pat_" + rand(B64URL, 27))
    print("azure_storage_key", base64.b64encode(bytes(rng.randrange(256) for _ in range(64))).decode())
    print("vault", "hvs." + rand(ALNUM + "_-", 90))
    for i in range(3):
        print("opaque_bearer", i, rand(ALNUM, 40))

    print("# passwords")
    for i in range(16):
        print("password", i, password())

    print("# jwts")
    print(jwt({"alg": "HS256", "typ": "JWT"},
              {"sub": "u_71c0e2", "email_verified": True, "role": "editor", "iat": 1798761600}))
    print(jwt({"alg": "RS256", "typ": "JWT", "kid": "k-2027-01"},
              {"iss": "https://id.tidewell.io/", "sub": "a81f7d", "aud": "billing-api",
               "exp": 1798765200}, 256))
    print(jwt({"alg": "ES384", "typ": "JWT"}, {"sub": "svc-reporter", "scope": "read:reports",
                                                "exp": 1798800000}, 96))
    print(jwt({"alg": "HS384", "typ": "JWT"}, {"uid": 40712, "org": "caravela", "iat": 1798700000}, 48))
    print(jwt({"alg": "RS256", "kid": "sa-signer"},
              {"iss": "kubernetes/serviceaccount", "kubernetes.io/serviceaccount/namespace": "payments",
               "sub": "system:serviceaccount:payments:ledger-sync"}, 256))

    print("# pem")
    print(pem("EC PRIVATE KEY", bytes([0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20]), 112))
    print(pem("PRIVATE KEY", bytes([0x30, 0x82, 0x04, 0xbd, 0x02, 0x01, 0x00, 0x30, 0x0d]), 300))

    print("# ssn")
    for _ in range(6):
        print(ssn())

    print("# emails")
    for _ in range(24):
        print(email())

    print("# dates of birth (ISO; written out by hand in each text's own style)")
    for _ in range(20):
        print(dob())

    print("# ip addresses")
    for _ in range(7):
        print("v4 public", ipv4_public())
    for _ in range(5):
        print("v4 private", ipv4_private())
    for _ in range(3):
        print("v4 doc", ipv4_doc())
    print("v6 global", ipv6("2a02:" + h16() + ":", 6))
    print("v6 global", ipv6("2600:" + h16() + ":" + h16() + "::", 2))
    print("v6 doc", ipv6("2001:db8:", 2) + "::" + h16())
    print("v6 ula", ipv6("fd" + rand(HEX, 2) + ":", 3) + "::" + h16())
    print("v6 linklocal", "fe80::" + ":".join(h16() for _ in range(4)))

    print("# hard negatives (not labelled)")
    for _ in range(4):
        print("uuid", uuid4())
    for _ in range(3):
        print("git", rand(HEX, 40))
    for _ in range(2):
        print("sha256", rand(HEX, 64))
    for _ in range(3):
        print("mac", mac())
    for _ in range(3):
        print("isbn13", isbn13())
    print("imei", imei())
    print("ups", "1Z" + rand(UPPER_ALNUM, 6) + digits(10))
    print("fedex", digits(12))
    print("dhl", "JJD" + digits(18))
    print("order", f"{digits(3)}-{digits(7)}-{digits(7)}")
    print("ulid", rand("0123456789ABCDEFGHJKMNPQRSTVWXYZ", 26))
    print("sku", f"{letters(3)}-{digits(4)}-{letters(2)}")
    print("twilio_account_sid", "AC" + rand(HEX, 32))
    print("ean13", isbn13("400"))
    print("imei2", imei())

    # added after the first run; appended at the end so every value above stays the same
    print("# passwords inside URLs (URL_CREDENTIALS)")
    for i in range(6):
        print("url_password", i, rand(ALNUM, rng.choice([16, 20, 24])))


if __name__ == "__main__":
    main()
