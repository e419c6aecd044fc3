"""Generate the values used in heldout5/texts.txt (values were pasted in by hand).

    /work/main/.venv/bin/python tests/privacy/heldout5/values.py

Seeded with a new seed (not the one of heldout2/3/4), so re-running prints the same values.
New generators compared with ../heldout4/values.py: phone numbers for 79 regions, 83 with the
appended list (Latin America, Africa, Asia-Pacific, Middle East and Europe), drawn from national
patterns and kept only if `phonenumbers.is_valid_number` accepts them *and* the number type is the
one asked for (mobile or fixed line); IBANs for other countries (AT, PT with its NIB check, SE,
DK, CZ, TR, EE, LV, BG, AE, SA, IL, PK, UA, GE, MT, CY, IS, FR with its RIB key, ES with its two DC
digits, IT with its CIN);
other vendor keys (OpenRouter, DeepSeek, Mistral, Pinecone, LangSmith, Cohere, Firebase/Google
API keys, Mapbox, Algolia, Shopify, Square, Twilio, Mailgun, Discord bot, Vercel, Netlify, Heroku,
Supabase, Postmark, New Relic license, Sentry auth, TOTP seeds, 2FA recovery codes); session ids in
the shape of common web frameworks; passwords as people choose them; and hard negatives (IMEIs,
ISBN-10/13, PNRs, e-ticket numbers, container numbers with ISO 6346 check digit, IBAN-shaped and
card-shaped numbers with a wrong check digit).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import random
import string
import sys

import phonenumbers
from phonenumbers import PhoneNumberFormat as PNF
from phonenumbers import PhoneNumberType as PNT

rng = random.Random(20280611)
ALNUM = string.ascii_letters + string.digits
LOWER = string.ascii_lowercase
LOWER_ALNUM = LOWER + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def rand(alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def digits(n: int) -> str:
    return rand(string.digits, n)


def letters(n: int) -> str:
    return rand(string.ascii_uppercase, n)


def randbytes(n: int) -> bytes:
    return bytes(rng.randrange(256) for _ in range(n))


def fill(pattern: str) -> str:
    """'X' -> any digit, 'N' -> 2-9, 'M' -> 1-9; other characters kept."""
    pools = {"X": string.digits, "N": "23456789", "M": "123456789"}
    return "".join(rng.choice(pools[ch]) if ch in pools else ch for ch in pattern)


# ------------------------------------------------------------------ cards (Luhn)

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


def card(prefix: str, length: int) -> str:
    body = prefix + digits(length - len(prefix) - 1)
    return body + luhn_digit(body)


def bad_card(prefix: str, length: int) -> str:
    """Card-shaped, wrong Luhn digit (hard negative)."""
    c = card(prefix, length)
    return c[:-1] + str((int(c[-1]) + rng.randint(1, 9)) % 10)


CARDS = [("visa", "4", 16), ("visa", "4", 16), ("visa", "4", 16), ("visa", "4", 16),
         ("mastercard", "53", 16), ("mastercard", "55", 16), ("mastercard-2", "2221", 16),
         ("amex", "37", 15), ("amex", "34", 15), ("discover", "6011", 16), ("jcb", "3566", 16),
         ("diners", "36", 14), ("unionpay", "62", 16), ("maestro", "6304", 19), ("elo", "6362", 16),
         ("rupay", "6521", 16), ("hipercard", "6062", 16), ("troy", "9792", 16)]


# ------------------------------------------------------------------ IBANs (mod 97 + national checks)

def iban(country: str, bban: str) -> str:
    num = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(num) % 97:02d}{bban}"


def iban_ok(v: str) -> bool:
    return int("".join(str(int(c, 36)) for c in v[4:] + v[:4])) % 97 == 1


def fr_bban() -> str:
    bank, branch, acct = digits(5), digits(5), digits(11)
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97
    return f"{bank}{branch}{acct}{key:02d}"


def es_bban() -> str:
    bank, branch, acct = digits(4), digits(4), digits(10)

    def dc(s: str) -> str:
        w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]
        r = 11 - sum(int(c) * k for c, k in zip(s.rjust(10, "0"), w, strict=False)) % 11
        return {10: "1", 11: "0"}.get(r, str(r))

    return bank + branch + dc("00" + bank + branch) + dc(acct) + acct


def pt_bban() -> str:
    body = digits(19)
    chk = 98 - (int(body) * 100) % 97
    return f"{body}{chk:02d}"


def it_bban() -> str:
    abi, cab, acct = digits(5), digits(5), digits(12)
    odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
    s = abi + cab + acct
    total = 0
    for i, ch in enumerate(s):
        v = int(ch)
        total += odd[v] if i % 2 == 0 else v
    return chr(ord("A") + total % 26) + s


IBAN_SPECS = [  # (country, total length, BBAN generator) - random bank codes, not real banks
    ("AT", 20, lambda: digits(16)),
    ("PT", 25, pt_bban),
    ("SE", 24, lambda: digits(20)),
    ("DK", 18, lambda: digits(14)),
    ("CZ", 24, lambda: digits(20)),
    ("TR", 26, lambda: digits(5) + "0" + digits(16)),
    ("EE", 20, lambda: digits(16)),
    ("LV", 21, lambda: letters(4) + rand(UPPER_ALNUM, 13)),
    ("BG", 22, lambda: letters(4) + digits(6) + rand(UPPER_ALNUM, 8)),
    ("AE", 23, lambda: digits(19)),
    ("SA", 24, lambda: digits(2) + digits(18)),
    ("IL", 23, lambda: digits(19)),
    ("PK", 24, lambda: letters(4) + digits(16)),
    ("UA", 29, lambda: digits(6) + digits(19)),
    ("GE", 22, lambda: letters(2) + digits(16)),
    ("MT", 31, lambda: letters(4) + digits(5) + rand(UPPER_ALNUM, 18)),
    ("CY", 28, lambda: digits(8) + rand(UPPER_ALNUM, 16)),
    ("IS", 26, lambda: digits(22)),
    ("FR", 27, fr_bban),
    ("ES", 24, es_bban),
    ("IT", 27, it_bban),
    ("DE", 22, lambda: digits(18)),
    ("GB", 22, lambda: letters(4) + digits(14)),
    ("NL", 18, lambda: letters(4) + digits(10)),
    ("BE", 16, lambda: (lambda f: f + f"{int(f) % 97 or 97:02d}")(digits(10))),
    ("PL", 28, lambda: digits(24)),
    ("IE", 22, lambda: letters(4) + digits(14)),
    ("BR", 29, lambda: digits(8) + digits(5) + digits(10) + "C1"),
]


# ------------------------------------------------------------------ phones

M, F = PNT.MOBILE, PNT.FIXED_LINE
PHONES = [  # (region, national pattern, wanted type)
    # Latin America
    ("MX", "55NXXXXXXX", F), ("MX", "81NXXXXXXX", M), ("MX", "33NXXXXXXX", M),
    ("BR", "11 9XXXXXXXX", M), ("BR", "21 9XXXXXXXX", M), ("BR", "31 3XXXXXXX", F),
    ("AR", "011 15NXXXXXXX", M), ("AR", "0351 4XXXXXX", F),
    ("CO", "31XXXXXXXX", M), ("CO", "601 NXXXXXX", F), ("CL", "9 NXXXXXXX", M),
    ("PE", "9NXXXXXXX", M), ("EC", "09NXXXXXXX", M), ("UY", "09NXXXXXX", M),
    ("DO", "809NXXXXXX", M), ("CR", "8XXXXXXX", M), ("GT", "5XXXXXXX", M),
    # Africa
    ("NG", "0803XXXXXXX", M), ("NG", "0706XXXXXXX", M), ("KE", "07MXXXXXXX", M),
    ("KE", "0110XXXXXX", M), ("ZA", "082XXXXXXX", M), ("ZA", "011NXXXXXX", F),
    ("GH", "024XXXXXXX", M), ("EG", "012XXXXXXXX", M), ("MA", "06XXXXXXXX", M),
    ("TZ", "07MXXXXXXX", M), ("UG", "07MXXXXXXX", M), ("ET", "091XXXXXXX", M),
    ("SN", "77XXXXXXX", M), ("CI", "07XXXXXXXX", M), ("CM", "67XXXXXXX", M),
    ("TN", "2XXXXXXX", M), ("RW", "078XXXXXXX", M),
    # Asia-Pacific
    ("IN", "9MXXXXXXXX", M), ("IN", "080 NXXXXXXX", F), ("PK", "030XXXXXXXX", M),
    ("BD", "017XXXXXXXX", M), ("LK", "077XXXXXXX", M), ("NP", "98XXXXXXXX", M),
    ("PH", "0917XXXXXXX", M), ("PH", "02 8XXXXXXX", F), ("ID", "0813XXXXXXXX", M),
    ("MY", "012XXXXXXX", M), ("MY", "03 NXXXXXXX", F), ("SG", "8XXXXXXX", M),
    ("TH", "08MXXXXXXX", M), ("VN", "09MXXXXXXX", M), ("CN", "13MXXXXXXXX", M),
    ("HK", "9XXXXXXX", M), ("TW", "09XXXXXXXX", M), ("JP", "070XXXXXXXX", M),
    ("JP", "045NXXXXXX", F), ("KR", "010XXXXXXXX", M), ("AU", "04XXXXXXXX", M),
    ("AU", "07 NXXXXXXX", F), ("NZ", "022XXXXXXX", M), ("NZ", "09 NXXXXXX", F),
    # Middle East
    ("AE", "05XXXXXXXX", M), ("AE", "02NXXXXXX", F), ("SA", "05XXXXXXXX", M),
    ("QA", "3XXXXXXX", M), ("KW", "9XXXXXXX", M), ("BH", "3XXXXXXX", M),
    ("OM", "9XXXXXXX", M), ("JO", "07XXXXXXXX", M), ("LB", "03XXXXXX", M),
    ("IL", "05XXXXXXXX", M), ("TR", "05XXXXXXXXX", M), ("TR", "0312NXXXXXX", F),
    # Europe / North America
    ("GB", "07XXXXXXXXX", M), ("GB", "07XXXXXXXXX", M), ("GB", "0121NXXXXXX", F),
    ("GB", "029 2XXX XXXX", F), ("IE", "083XXXXXXX", M), ("DE", "0171XXXXXXX", M),
    ("DE", "0157XXXXXXXX", M), ("DE", "0911NXXXXXX", F), ("DE", "069NXXXXXXX", F),
    ("AT", "0699XXXXXXXX", M), ("CH", "076XXXXXXX", M), ("FR", "06XXXXXXXX", M),
    ("FR", "03XXXXXXXX", F), ("BE", "0477XXXXXX", M), ("NL", "06XXXXXXXX", M),
    ("NL", "030NXXXXXX", F), ("IT", "339XXXXXXX", M), ("IT", "011NXXXXXX", F),
    ("ES", "6XXXXXXXX", M), ("ES", "95NXXXXXX", F), ("PT", "92XXXXXXX", M),
    ("PL", "69XXXXXXX", M), ("CZ", "73XXXXXXX", M), ("HU", "0670XXXXXXX", M),
    ("RO", "074XXXXXXX", M), ("BG", "088XXXXXXX", M), ("GR", "69XXXXXXXX", M),
    ("SE", "076XXXXXXX", M), ("NO", "9XXXXXXX", M), ("DK", "5XXXXXXX", M),
    ("FI", "045XXXXXXX", M), ("UA", "093XXXXXXX", M), ("RS", "06XXXXXXXX", M),
    ("HR", "091XXXXXXX", M), ("US", "212NXXXXXX", None), ("US", "305NXXXXXX", None),
    ("US", "480NXXXXXX", None), ("US", "503NXXXXXX", None), ("US", "404NXXXXXX", None),
    ("US", "612NXXXXXX", None), ("US", "832NXXXXXX", None), ("US", "215NXXXXXX", None),
    ("CA", "416NXXXXXX", None), ("CA", "778NXXXXXX", None),
]


def phone(region: str, pattern: str, want: object) -> phonenumbers.PhoneNumber:
    for _ in range(5000):
        national = fill(pattern)
        n = phonenumbers.parse(national, region)
        if not phonenumbers.is_valid_number(n) or phonenumbers.region_code_for_number(n) != region:
            continue
        t = phonenumbers.number_type(n)
        if want is not None and t not in (want, PNT.FIXED_LINE_OR_MOBILE):
            continue
        if region in ("US", "CA"):
            ex = str(n.national_number)[3:6]
            if ex[1:] == "11" or ex == "555":
                continue
        return n
    raise SystemExit(f"no valid number for {region} {pattern}")


# ------------------------------------------------------------------ keys and tokens

def b64u(obj: object) -> str:
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwt(header: dict, payload: dict, sig_bytes: int = 32) -> str:
    sig = base64.urlsafe_b64encode(randbytes(sig_bytes)).rstrip(b"=").decode()
    return f"{b64u(header)}.{b64u(payload)}.{sig}"


def pem(label: str, prefix: bytes, n: int, width: int = 64) -> str:
    body = base64.b64encode(prefix + randbytes(n)).decode()
    lines = [f"-----BEGIN {label}-----"]
    lines += [body[i : i + width] for i in range(0, len(body), width)]
    lines.append(f"-----END {label}-----")
    return "\n".join(lines)


VENDOR_KEYS = [
    ("openai_legacy", lambda: "sk-" + rand(ALNUM, 20) + "T3BlbkFJ" + rand(ALNUM, 20)),
    ("openai_proj", lambda: "sk-proj-" + rand(B64URL, 74) + "T3BlbkFJ" + rand(B64URL, 74)),
    ("openai_svcacct", lambda: "sk-svcacct-" + rand(B64URL, 74) + "T3BlbkFJ" + rand(B64URL, 74)),
    ("anthropic", lambda: "sk-ant-api03-" + rand(B64URL, 93) + "AA"),
    ("openrouter", lambda: "sk-or-v1-" + rand(HEX, 64)),
    ("deepseek", lambda: "sk-" + rand(HEX, 32)),
    ("mistral", lambda: rand(ALNUM, 32)),
    ("cohere", lambda: rand(ALNUM, 40)),
    ("pinecone", lambda: "pcsk_" + rand(ALNUM, 5) + "_" + rand(ALNUM, 63)),
    ("langsmith", lambda: "lsv2_pt_" + rand(HEX, 32) + "_" + rand(HEX, 10)),
    ("gemini", lambda: "AIza" + rand(B64URL, 35)),
    ("firebase_android", lambda: "AIza" + rand(B64URL, 35)),
    ("firebase_web", lambda: "AIza" + rand(B64URL, 35)),
    ("aws_id", lambda: "AKIA" + rand(B32, 16)),
    ("aws_secret", lambda: rand(B64, 40)),
    ("aws_id2", lambda: "AKIA" + rand(B32, 16)),
    ("aws_secret2", lambda: rand(B64, 40)),
    ("gho", lambda: "gho_" + rand(ALNUM, 36)),
    ("ghp", lambda: "ghp_" + rand(ALNUM, 36)),
    ("ghs", lambda: "ghs_" + rand(ALNUM, 36)),
    ("glpat", lambda: "glpat-" + rand(B64URL, 20)),
    ("stripe_live", lambda: "sk_live_51" + rand(ALNUM, 97)),
    ("stripe_test", lambda: "sk_test_51" + rand(ALNUM, 97)),
    ("mapbox_secret", lambda: "sk.eyJ1Ijoi" + rand(B64URL, 40) + "." + rand(B64URL, 22)),
    ("algolia_admin", lambda: rand(HEX, 32)),
    ("shopify_shpat", lambda: "shpat_" + rand(HEX, 32)),
    ("square_secret", lambda: "sq0csp-" + rand(B64URL, 43)),
    ("twilio_auth", lambda: rand(HEX, 32)),
    ("mailgun", lambda: rand(HEX, 32) + "-" + rand(HEX, 8) + "-" + rand(HEX, 8)),
    ("discord_bot", lambda: "MT" + rand(B64URL, 24) + "." + rand(B64URL, 6) + "." + rand(B64URL, 38)),
    ("vercel", lambda: rand(ALNUM, 24)),
    ("netlify", lambda: "nfp_" + rand(ALNUM, 36)),
    ("heroku", lambda: "HRKU-AA" + rand(B64URL, 58)),
    ("postmark", lambda: "-".join([rand(HEX, 8), rand(HEX, 4), rand(HEX, 4), rand(HEX, 4), rand(HEX, 12)])),
    ("newrelic_license", lambda: rand(HEX, 36) + "NRAL"),
    ("sentry_auth", lambda: "sntryu_" + rand(HEX, 64)),
    ("datadog_api", lambda: rand(HEX, 32)),
    ("slack_bot", lambda: f"xoxb-{digits(12)}-{digits(13)}-{rand(ALNUM, 24)}"),
    ("telegram", lambda: f"{rng.randint(6000000000, 7999999999)}:AA{rand(B64URL, 33)}"),
    ("hf", lambda: "hf_" + rand(string.ascii_letters, 34)),
    ("npm", lambda: "npm_" + rand(ALNUM, 36)),
    ("cloudinary_key", lambda: digits(15)),
    ("cloudinary_secret", lambda: rand(B64URL, 27)),
    ("totp_seed", lambda: rand(B32, 32)),
    ("totp_seed2", lambda: rand(B32, 16)),
    ("recovery_codes", lambda: " ".join(rand(LOWER_ALNUM, 4) + "-" + rand(LOWER_ALNUM, 4) for _ in range(4))),
    ("django_secret", lambda: "django-insecure-" + rand(LOWER_ALNUM + "!@#$%^&*(-_=+)", 50)),
    ("nextauth_secret", lambda: base64.b64encode(randbytes(32)).decode()),
    ("app_key_laravel", lambda: "base64:" + base64.b64encode(randbytes(32)).decode()),
    ("webhook_secret", lambda: rand(HEX, 40)),
    ("ci_deploy_token", lambda: "gldt-" + rand(B64URL, 20)),
    ("azure_client_secret", lambda: rand(ALNUM, 3) + "8Q~" + rand(ALNUM + "_.-~", 34)),
]

SESSIONS = [
    ("sessionid (django)", lambda: rand(LOWER_ALNUM, 32)),
    ("connect.sid (express)", lambda: "s%3A" + rand(B64URL, 32) + "." + rand(B64, 43)),
    ("PHPSESSID", lambda: rand(LOWER_ALNUM, 26)),
    ("laravel_session", lambda: "eyJpdiI6" + rand(B64, 180) + "%3D"),
    ("_shop_session (rails)", lambda: rand(B64, 120) + "--" + rand(HEX, 40)),
    ("JSESSIONID", lambda: rand(HEX.upper(), 32)),
]

WORDS = ["mango", "tigre", "sunflower", "pingu", "kaktus", "lumpi", "biscoito", "farfalla", "oceano",
         "snoopy", "pantera", "bolacha", "chocolate", "dragon", "kiwi", "luna", "bruno", "nemo"]


def password() -> str:
    style = rng.randrange(6)
    if style == 0:  # name + birth year + symbol, as people do
        return rng.choice(WORDS).capitalize() + str(rng.randint(1975, 2012)) + rng.choice("!@#*.")
    if style == 1:
        return rng.choice(WORDS) + rng.choice(WORDS) + digits(3)
    if style == 2:
        return rand(ALNUM + "!#$%&*@", 14)
    if style == 3:  # router default style
        return rand(UPPER_ALNUM, 10)
    if style == 4:
        return rng.choice(WORDS).upper() + "_" + digits(2) + rng.choice(WORDS)
    return "-".join(rand(LOWER, 4) for _ in range(3))


# ------------------------------------------------------------------ people

FIRST = ["amara", "benedikt", "camila", "darius", "efua", "florian", "gabriela", "hamza", "ines",
         "jomo", "keiko", "lorenzo", "malak", "nadia", "obinna", "priya", "rafael", "siobhan",
         "tomasz", "umar", "vivienne", "wanjiru", "xiomara", "yusuf", "zeynep", "arjun", "bich",
         "cormac", "dalia", "esteban", "fatou", "gintaras", "hyejin", "ivo", "joelle", "kwame"]
LAST = ["okafor", "brennan", "villalobos", "rahimi", "mensah", "achterberg", "rocha", "qureshi",
        "sandoval", "kamau", "ishikawa", "bianchi", "nasser", "petrovic", "adeyemi", "raghunathan",
        "ferreira", "obrien", "wisniewski", "farouk", "lambert", "njoroge", "cardenas", "demir", "yilmaz"]
FREEMAIL = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "proton.me",
            "gmx.de", "web.de", "libero.it", "orange.fr", "free.fr", "wp.pl", "seznam.cz",
            "yandex.ru", "daum.net", "163.com", "yahoo.co.in", "rediffmail.com", "live.com.mx",
            "terra.com.br", "bol.com.br", "hotmail.es", "ymail.com", "mail.com", "aol.com",
            "btinternet.com", "sky.com", "bigpond.net.au", "xtra.co.nz", "yahoo.com.ph"]
COMPANY = ["tidewater-realty.com", "northgate-clinic.co.uk", "amberline-hotels.com", "kiboko-safaris.co.ke",
           "palmeira-seguros.com.br", "rotterdam-verhuur.nl", "sunpeak-schools.org", "hansa-lohn.de",
           "vermillion-air.com", "makati-cargo.ph", "cedar-dental.ca", "atelier-lune.fr", "example.com"]


def email() -> str:
    f, la = rng.choice(FIRST), rng.choice(LAST)
    local = rng.choice([f"{f}.{la}", f"{f}{la}{digits(2)}", f"{f}_{la[0]}", f"{la}.{f[0]}",
                        f"{f}{rng.randint(1980, 2005)}", f"{f[0]}{la}"])
    dom = rng.choice(FREEMAIL if rng.random() < 0.65 else COMPANY)
    return f"{local}@{dom}"


def dob() -> str:
    a, b = dt.date(1938, 1, 1).toordinal(), dt.date(2015, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(a, b)).isoformat()


def ssn() -> str:
    while True:
        area = rng.randint(1, 899)
        group = rng.randint(1, 99)
        serial = rng.randint(1, 9999)
        if area != 666 and not (area == 78 and group == 5):
            return f"{area:03d}-{group:02d}-{serial:04d}"


# ------------------------------------------------------------------ addresses

def ipv4_public() -> str:
    while True:
        a = rng.randint(1, 223)
        if a in (10, 100, 127, 169, 172, 192, 198, 203):
            continue
        return f"{a}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def ipv4_private() -> str:
    k = rng.randrange(3)
    if k == 0:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if k == 1:
        return f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def h16() -> str:
    return f"{rng.randrange(1, 0x10000):x}"


# ------------------------------------------------------------------ hard negatives

def ean13(prefix: str) -> str:
    body = prefix + digits(12 - len(prefix))
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body))
    return body + str((10 - total % 10) % 10)


def isbn10() -> str:
    body = digits(9)
    c = sum((10 - i) * int(ch) for i, ch in enumerate(body)) % 11
    c = (11 - c) % 11
    return body + ("X" if c == 10 else str(c))


def imei() -> str:
    body = rng.choice(["35", "86", "49"]) + digits(12)
    return body + luhn_digit(body)


def container() -> str:
    """ISO 6346 container number with check digit."""
    owner = letters(3) + "U"
    serial = digits(6)
    vals = {}
    v = 10
    for ch in string.ascii_uppercase:
        if v % 11 == 0:
            v += 1
        vals[ch] = v
        v += 1
    s = sum((vals[c] if c.isalpha() else int(c)) * (2 ** i) for i, c in enumerate(owner + serial))
    return owner + serial + str(s % 11 % 10)


def uuid4() -> str:
    return "-".join([rand(HEX, 8), rand(HEX, 4), "4" + rand(HEX, 3), rng.choice("89ab") + rand(HEX, 3),
                     rand(HEX, 12)])


def bad_iban(country: str, bban: str) -> str:
    v = iban(country, bban)
    return v[:2] + f"{(int(v[2:4]) + rng.randint(1, 9)) % 100:02d}" + v[4:]


def main() -> None:
    print("# cards (compact, 4-groups)")
    for issuer, prefix, length in CARDS:
        c = card(prefix, length)
        assert luhn_digit(c[:-1]) == c[-1] and len(c) == length
        print(issuer, c, " ".join(c[i:i + 4] for i in range(0, len(c), 4)), sep="\t")
    print("# card-shaped, wrong Luhn (hard negatives)")
    for prefix in ("4", "5", "4"):
        print("bad_card", bad_card(prefix, 16))

    print("# ibans")
    for cc, length, f in IBAN_SPECS:
        v = iban(cc, f())
        assert len(v) == length and iban_ok(v), v
        print(cc, v, " ".join(v[i:i + 4] for i in range(0, len(v), 4)), sep="\t")
    print("# iban-shaped, wrong check digits (hard negatives)")
    for cc, _n in (("DE", 18), ("NL", 0)):
        v = bad_iban(cc, digits(18) if cc == "DE" else letters(4) + digits(10))
        assert not iban_ok(v)
        print("bad_iban", v)

    print("# phones: region, type, E.164, international, national")
    for region, pattern, want in PHONES:
        n = phone(region, pattern, want)
        print(region, phonenumbers.number_type(n), phonenumbers.format_number(n, PNF.E164),
              phonenumbers.format_number(n, PNF.INTERNATIONAL), phonenumbers.format_number(n, PNF.NATIONAL),
              sep="\t")

    print("# vendor keys")
    for name, f in VENDOR_KEYS:
        print(name, f(), sep="\t")
    for i in range(4):
        print("opaque_bearer", i, rand(ALNUM + "-._~", 40), sep="\t")
    print("# session cookies")
    for name, f in SESSIONS:
        print(name, f(), sep="\t")
    print("# analytics / non-secret cookies (hard negatives)")
    print("_ga", f"GA1.1.{rng.randint(100000000, 999999999)}.{rng.randint(1700000000, 1800000000)}")
    print("_fbp", f"fb.1.{rng.randint(1700000000000, 1800000000000)}.{rng.randint(100000000, 999999999)}")
    print("ajs_anonymous_id", uuid4())

    print("# passwords")
    for i in range(36):
        print("password", i, password(), sep="\t")

    print("# jwts")
    print(jwt({"alg": "HS256", "typ": "JWT"}, {"sub": "u_55120", "name": "mia", "iat": 1830000000}))
    print(jwt({"alg": "RS256", "typ": "JWT", "kid": "web-2028"},
              {"iss": "https://id.pocketbank.app", "sub": "7731902", "aud": "web", "exp": 1830003600}, 256))
    print(jwt({"alg": "ES256", "typ": "JWT"}, {"uid": "a9f2", "role": "parent", "exp": 1830100000}, 64))
    print(jwt({"alg": "HS256", "typ": "JWT"}, {"aud": "authenticated", "role": "authenticated",
                                               "sub": "5b0e-user", "exp": 1830090000}))
    print(jwt({"alg": "RS256", "typ": "JWT"}, {"sub": "driver-2231", "scope": "trips", "iat": 1830050000}, 256))
    print(jwt({"alg": "HS384", "typ": "JWT"}, {"id": 4471, "email_verified": True, "exp": 1830070000}, 48))
    print(jwt({"alg": "RS256", "typ": "JWT"}, {"iss": "supabase", "ref": "hgqtrwpzmxkbdlcn",
                                               "role": "service_role", "iat": 1810000000}, 256))
    print(jwt({"alg": "HS256", "typ": "JWT"}, {"cart": "c-8812", "exp": 1830011111}))
    print(jwt({"alg": "ES384", "typ": "JWT"}, {"sub": "kiosk-17", "exp": 1830222222}, 96))

    print("# pem / key blocks")
    print(pem("OPENSSH PRIVATE KEY", b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none", 300, 70))
    print(pem("EC PRIVATE KEY", bytes([0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20]), 110))
    print(pem("PRIVATE KEY", bytes([0x30, 0x82, 0x04, 0xbe, 0x02, 0x01, 0x00, 0x30, 0x0d]), 560))
    print(pem("RSA PRIVATE KEY", bytes([0x30, 0x82, 0x02, 0x5c, 0x02, 0x01, 0x00, 0x02, 0x81, 0x81]), 300))

    print("# ssn")
    for _ in range(12):
        print(ssn())

    print("# emails")
    for _ in range(60):
        print(email())

    print("# dates of birth (ISO; written out by hand in each text's style)")
    for _ in range(50):
        print(dob())

    print("# ip addresses")
    for _ in range(14):
        print("v4 public", ipv4_public())
    for _ in range(10):
        print("v4 private", ipv4_private())
    for net in ("192.0.2", "198.51.100", "203.0.113"):
        print("v4 doc", f"{net}.{rng.randint(1, 254)}")
    print("v6 global", "2a02:" + ":".join(h16() for _ in range(7)))
    print("v6 global", "2600:" + h16() + ":" + h16() + "::" + h16() + ":" + h16())
    print("v6 global", "2406:" + ":".join(h16() for _ in range(3)) + "::" + h16())
    print("v6 global", "2800:" + h16() + ":" + h16() + ":" + h16() + "::" + h16())
    print("v6 ula", "fd" + rand(HEX, 2) + ":" + ":".join(h16() for _ in range(3)) + "::" + h16())

    print("# hard negatives (not labelled)")
    for _ in range(6):
        print("uuid", uuid4())
    for _ in range(4):
        print("git", rand(HEX, 40))
    for _ in range(3):
        print("sha256", rand(HEX, 64))
    print("md5", hashlib.md5(randbytes(20)).hexdigest())
    for p in ("978", "979", "789", "500"):
        print("ean13", p, ean13(p))
    for _ in range(2):
        print("isbn10", isbn10())
    for _ in range(4):
        print("imei", imei())
    for _ in range(2):
        print("container", container())
    print("ups", "1Z" + rand(UPPER_ALNUM, 6) + digits(10))
    print("usps", "9205" + digits(18))
    print("dhl", digits(10))
    print("fedex", digits(12))
    print("pnr", rand("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 6), rand("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 6))
    print("eticket", "176" + digits(10), "057" + digits(10))
    print("long_ints", digits(16), digits(16), digits(18), digits(20))
    print("stripe_pk", "pk_live_51" + rand(ALNUM, 97))
    print("sentry_dsn_public", rand(HEX, 32))


PHONES_2 = [  # appended after the first run, so every value printed before stays the same
    ("NG", "0813XXXXXXX", M), ("NG", "0909XXXXXXX", M), ("GH", "020XXXXXXX", M), ("KE", "072XXXXXXX", M),
    ("ZA", "083XXXXXXX", M), ("ZA", "021NXXXXXX", F), ("EG", "010XXXXXXXX", M), ("MA", "07XXXXXXXX", M),
    ("IN", "7MXXXXXXXX", M), ("IN", "8MXXXXXXXX", M), ("IN", "022 NXXXXXXX", F), ("PK", "0333XXXXXXX", M),
    ("PH", "0998XXXXXXX", M), ("PH", "0927XXXXXXX", M), ("ID", "0857XXXXXXXX", M), ("ID", "021 NXXXXXXX", F),
    ("MY", "017XXXXXXX", M), ("TH", "09MXXXXXXX", M), ("VN", "03MXXXXXXX", M), ("BR", "11 9XXXXXXXX", M),
    ("BR", "51 9XXXXXXXX", M), ("MX", "55NXXXXXXX", M), ("MX", "999NXXXXXX", M), ("CO", "30XXXXXXXX", M),
    ("CL", "9 NXXXXXXX", M), ("PE", "9NXXXXXXX", M), ("AR", "011 15NXXXXXXX", M), ("AE", "05XXXXXXXX", M),
    ("SA", "05XXXXXXXX", M), ("TR", "0532XXXXXXX", M), ("IL", "05XXXXXXXX", M), ("US", "718NXXXXXX", None),
    ("US", "206NXXXXXX", None), ("US", "773NXXXXXX", None), ("US", "214NXXXXXX", None), ("US", "919NXXXXXX", None),
    ("US", "617NXXXXXX", None), ("GB", "07XXXXXXXXX", M), ("GB", "07XXXXXXXXX", M), ("GB", "020 7XXX XXXX", F),
    ("GB", "0161NXXXXXX", F), ("DE", "0176XXXXXXXX", M), ("DE", "0152XXXXXXXX", M), ("DE", "030NXXXXXXX", F),
    ("FR", "07XXXXXXXX", M), ("FR", "06XXXXXXXX", M), ("FR", "04XXXXXXXX", F), ("ES", "6XXXXXXXX", M),
    ("ES", "91NXXXXXX", F), ("IT", "347XXXXXXX", M), ("IT", "06NXXXXXXX", F), ("NL", "06XXXXXXXX", M),
    ("AU", "04XXXXXXXX", M), ("AU", "02 NXXXXXXX", F), ("JP", "090XXXXXXXX", M), ("KR", "010XXXXXXXX", M),
    ("CN", "18MXXXXXXXX", M), ("PL", "50XXXXXXX", M), ("SE", "070XXXXXXX", M), ("IE", "087XXXXXXX", M),
    ("CA", "604NXXXXXX", None), ("CH", "079XXXXXXX", M), ("AT", "0664XXXXXXX", M), ("PT", "91XXXXXXX", M),
    ("GR", "69XXXXXXXX", M), ("RO", "072XXXXXXX", M), ("UA", "067XXXXXXX", M), ("HU", "0630XXXXXXX", M),
    ("CZ", "60XXXXXXX", M), ("BE", "0486XXXXXX", M), ("DK", "2XXXXXXX", M), ("NO", "4XXXXXXX", M),
    ("FI", "050XXXXXXX", M), ("NZ", "021XXXXXXX", M), ("SG", "9XXXXXXX", M), ("HK", "6XXXXXXX", M),
    ("TW", "09XXXXXXXX", M), ("JO", "079XXXXXXX", M), ("QA", "5XXXXXXX", M), ("KW", "6XXXXXXX", M),
    ("LB", "71XXXXXX", M), ("TZ", "06MXXXXXXX", M), ("UG", "078XXXXXXX", M), ("SN", "78XXXXXXX", M),
    ("DZ", "05XXXXXXXX", M), ("BO", "7XXXXXXX", M), ("PY", "09MXXXXXXX", M), ("VE", "04XXXXXXXXX", M),
]


def main_appended() -> None:
    print("# more phones (region, type, E.164, international, national)")
    for region, pattern, want in PHONES_2:
        n = phone(region, pattern, want)
        print(region, phonenumbers.number_type(n), phonenumbers.format_number(n, PNF.E164),
              phonenumbers.format_number(n, PNF.INTERNATIONAL), phonenumbers.format_number(n, PNF.NATIONAL),
              sep="\t")
    print("# more values")
    for _ in range(4):
        print("ssn", ssn())
    for _ in range(20):
        print("email", email())
    for _ in range(20):
        print("dob", dob())
    for _ in range(8):
        print("v4 public", ipv4_public())
    for i in range(12):
        print("password", i, password(), sep="\t")
    for issuer, prefix, length in CARDS[:6]:
        c = card(prefix, length)
        print(issuer, c, " ".join(c[i:i + 4] for i in range(0, len(c), 4)), sep="\t")
    for cc, length, f in IBAN_SPECS[18:]:
        v = iban(cc, f())
        assert len(v) == length and iban_ok(v), v
        print(cc, v, " ".join(v[i:i + 4] for i in range(0, len(v), 4)), sep="\t")
    ssh_blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + randbytes(32)
    print("ssh_pub", "ssh-ed25519 " + base64.b64encode(ssh_blob).decode())
    print("age_pub", "age1" + rand("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58))
    for _ in range(3):
        print("imei", imei())
    for _ in range(3):
        print("uuid", uuid4())


if __name__ == "__main__":
    if len(sys.argv) > 1:
        raise SystemExit("no arguments")
    main()
    main_appended()
