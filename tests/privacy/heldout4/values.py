"""Generate the values used in heldout4/texts.txt (values were pasted in by hand).

    /work/main/.venv/bin/python tests/privacy/heldout4/values.py

Seeded (a new seed, not the one of heldout2/heldout3), so re-running prints the same values.
Check digits are computed (Luhn for cards and IMEIs, mod-97 for IBANs, the Belgian national
mod-97 check inside BE IBANs, ISBN-13/EAN-13 for the hard negatives). Phone numbers are drawn
from per-country patterns and kept only if `phonenumbers.is_valid_number` accepts them
(libphonenumber; the script stops if it is not installed). US/CA exchanges avoid N11 and 555.
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

rng = random.Random(20270419)
ALNUM = string.ascii_letters + string.digits
LOWER = string.ascii_lowercase
LOWER_ALNUM = LOWER + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


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


CARDS = [("visa", "4", 16), ("visa", "4", 16), ("visa", "4", 16), ("visa13", "4", 13),
         ("mastercard", "51", 16), ("mastercard", "54", 16), ("mastercard-2", "2720", 16),
         ("amex", "34", 15), ("discover", "65", 16), ("jcb", "3528", 16), ("diners", "3095", 14),
         ("unionpay", "62", 16), ("maestro", "6759", 16), ("mir", "2200", 16)]


# ------------------------------------------------------------------ IBANs (mod 97)

def iban(country: str, bban: str) -> str:
    num = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(num) % 97:02d}{bban}"


def iban_ok(v: str) -> bool:
    return int("".join(str(int(c, 36)) for c in v[4:] + v[:4])) % 97 == 1


def be_bban() -> str:
    first = digits(10)
    chk = int(first) % 97 or 97
    return f"{first}{chk:02d}"


IBAN_SPECS = [  # (country, total length, BBAN generator) - random bank codes, not real banks
    ("GB", 22, lambda: letters(4) + digits(14)),
    ("IE", 22, lambda: letters(4) + digits(14)),
    ("BE", 16, be_bban),
    ("CH", 21, lambda: digits(5) + digits(12)),
    ("NO", 15, lambda: digits(11)),
    ("FI", 18, lambda: digits(14)),
    ("LU", 20, lambda: digits(3) + rand(UPPER_ALNUM, 13)),
    ("GR", 27, lambda: digits(7) + digits(16)),
    ("RO", 24, lambda: letters(4) + rand(UPPER_ALNUM, 16)),
    ("HU", 28, lambda: digits(24)),
    ("HR", 21, lambda: digits(17)),
    ("SK", 24, lambda: digits(20)),
    ("SI", 19, lambda: "56" + digits(13)),
    ("DE", 22, lambda: digits(18)),
    ("FR", 27, lambda: digits(23)),
    ("ES", 24, lambda: digits(20)),
    ("IT", 27, lambda: letters(1) + digits(10) + rand(UPPER_ALNUM, 12)),
    ("NL", 18, lambda: letters(4) + digits(10)),
    ("PL", 28, lambda: digits(24)),
    ("LT", 20, lambda: digits(16)),
]


# ------------------------------------------------------------------ phones

PHONES = [  # (region, national pattern)
    ("US", "415NXXXXXX"), ("US", "303NXXXXXX"), ("US", "646NXXXXXX"), ("US", "773NXXXXXX"),
    ("US", "919NXXXXXX"), ("US", "702NXXXXXX"), ("CA", "514NXXXXXX"), ("CA", "403NXXXXXX"),
    ("GB", "07481XXXXXX"), ("GB", "07825XXXXXX"), ("GB", "0113NXXXXXX"), ("GB", "020 3XXX XXXX"),
    ("GB", "0131NXXXXXX"), ("IE", "085XXXXXXX"), ("IE", "01NXXXXXX"),
    ("FR", "06XXXXXXXX"), ("FR", "07XXXXXXXX"), ("FR", "02XXXXXXXX"), ("FR", "05XXXXXXXX"),
    ("DE", "0160XXXXXXX"), ("DE", "0172XXXXXXX"), ("DE", "040NXXXXXX"), ("DE", "0221NXXXXXX"),
    ("AT", "0676XXXXXXX"), ("AT", "01NXXXXXX"), ("CH", "078XXXXXXX"), ("CH", "031NXXXXXX"),
    ("IT", "333XXXXXXX"), ("IT", "06NXXXXXXX"), ("ES", "6XXXXXXXX"), ("ES", "93NXXXXXX"),
    ("PT", "93XXXXXXX"), ("PT", "22NXXXXXX"), ("NL", "06XXXXXXXX"), ("NL", "010NXXXXXX"),
    ("BE", "0471XXXXXX"), ("BE", "02NXXXXXX"), ("PL", "512XXXXXX"), ("PL", "12NXXXXXX"),
    ("SE", "073XXXXXXX"), ("SE", "031NXXXXXX"), ("NO", "4XXXXXXX"), ("NO", "22XXXXXX"),
    ("FI", "040XXXXXXX"), ("DK", "4XXXXXXX"), ("CZ", "777XXXXXX"), ("GR", "69XXXXXXXX"),
    ("RO", "072XXXXXXX"), ("HU", "0630XXXXXXX"), ("TR", "0505XXXXXXX"), ("UA", "067XXXXXXX"),
    ("JP", "080XXXXXXXX"), ("JP", "06NXXXXXXX"), ("KR", "010XXXXXXXX"), ("CN", "138XXXXXXXX"),
    ("IN", "9MXXXXXXXX"), ("SG", "9XXXXXXX"), ("HK", "9XXXXXXX"), ("AU", "04XXXXXXXX"),
    ("AU", "03NXXXXXXX"), ("NZ", "021XXXXXXX"), ("BR", "21 9XXXXXXXX"), ("MX", "33NXXXXXXX"),
    ("AR", "11 15NXXXXXXX"), ("CO", "3XXXXXXXXX"), ("ZA", "082XXXXXXX"), ("NG", "0803XXXXXXX"),
    ("KE", "07MXXXXXXX"), ("AE", "05XXXXXXXX"), ("IL", "05XXXXXXXX"), ("IL", "03NXXXXXX"),
]


def phone(region: str, pattern: str) -> phonenumbers.PhoneNumber:
    for _ in range(2000):
        national = fill(pattern)
        n = phonenumbers.parse(national, region)
        if not phonenumbers.is_valid_number(n):
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


def pem(label: str, prefix: bytes, n: int, width: int = 64, headers: str = "") -> str:
    body = base64.b64encode(prefix + randbytes(n)).decode()
    lines = [f"-----BEGIN {label}-----"] + ([headers] if headers else [])
    lines += [body[i : i + width] for i in range(0, len(body), width)]
    lines.append(f"-----END {label}-----")
    return "\n".join(lines)


VENDOR_KEYS = [
    ("openai_proj", lambda: "sk-proj-" + rand(B64URL, 74) + "T3BlbkFJ" + rand(B64URL, 74)),
    ("openai_admin", lambda: "sk-admin-" + rand(B64URL, 48) + "T3BlbkFJ" + rand(B64URL, 20)),
    ("anthropic", lambda: "sk-ant-api03-" + rand(B64URL, 93) + "AA"),
    ("anthropic_admin", lambda: "sk-ant-admin01-" + rand(B64URL, 93) + "AA"),
    ("aws_id", lambda: "AKIA" + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
    ("aws_secret", lambda: rand(B64, 40)),
    ("aws_id2", lambda: "AKIA" + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
    ("aws_secret2", lambda: rand(B64, 40)),
    ("ghp", lambda: "ghp_" + rand(ALNUM, 36)),
    ("ghs", lambda: "ghs_" + rand(ALNUM, 36)),
    ("github_pat", lambda: "github_pat_11" + rand(UPPER_ALNUM, 20) + "_" + rand(ALNUM, 59)),
    ("glpat", lambda: "glpat-" + rand(B64URL, 20)),
    ("gitlab_runner", lambda: "glrt-" + rand(B64URL, 20)),
    ("slack_bot", lambda: f"xoxb-{digits(13)}-{digits(13)}-{rand(ALNUM, 24)}"),
    ("slack_user", lambda: f"xoxp-{digits(13)}-{digits(13)}-{digits(13)}-{rand(HEX, 32)}"),
    ("slack_app", lambda: f"xapp-1-A{rand(UPPER_ALNUM, 10)}-{digits(13)}-{rand(HEX, 64)}"),
    ("slack_webhook_path", lambda: f"T{rand(UPPER_ALNUM, 10)}/B{rand(UPPER_ALNUM, 10)}/{rand(ALNUM, 24)}"),
    ("stripe_live", lambda: "sk_live_51" + rand(ALNUM, 97)),
    ("stripe_rk", lambda: "rk_live_51" + rand(ALNUM, 97)),
    ("stripe_whsec", lambda: "whsec_" + rand(ALNUM, 32)),
    ("google", lambda: "AIza" + rand(B64URL, 35)),
    ("gcp_oauth_secret", lambda: "GOCSPX-" + rand(B64URL, 28)),
    ("hf", lambda: "hf_" + rand(string.ascii_letters, 34)),
    ("replicate", lambda: "r8_" + rand(ALNUM, 37)),
    ("groq", lambda: "gsk_" + rand(ALNUM, 52)),
    ("xai", lambda: "xai-" + rand(ALNUM, 80)),
    ("perplexity", lambda: "pplx-" + rand(ALNUM, 48)),
    ("sendgrid", lambda: "SG." + rand(B64URL, 22) + "." + rand(B64URL, 43)),
    ("mailchimp", lambda: rand(HEX, 32) + "-us21"),
    ("npm", lambda: "npm_" + rand(ALNUM, 36)),
    ("pypi", lambda: "pypi-AgEIcHlwaS5vcmc" + rand(B64URL, 70)),
    ("dockerhub", lambda: "dckr_pat_" + rand(B64URL, 27)),
    ("doppler", lambda: "dp.st.prd." + rand(ALNUM, 40)),
    ("linear", lambda: "lin_api_" + rand(ALNUM, 40)),
    ("notion", lambda: "ntn_" + digits(11) + rand(ALNUM, 35)),
    ("atlassian", lambda: "ATATT3xFfGF0" + rand(B64URL, 170) + "=" + rand(HEX.upper(), 8)),
    ("shopify_shpss", lambda: "shpss_" + rand(HEX, 32)),
    ("square", lambda: "EAAA" + rand(B64URL, 60)),
    ("datadog_api", lambda: rand(HEX, 32)),
    ("datadog_app", lambda: rand(HEX, 40)),
    ("newrelic", lambda: "NRAK-" + rand(UPPER_ALNUM, 27)),
    ("sentry_auth", lambda: "sntrys_" + rand(B64URL, 160)),
    ("cloudflare", lambda: rand(B64URL, 40)),
    ("okta", lambda: "00" + rand(B64URL, 40)),
    ("telegram", lambda: f"{rng.randint(5000000000, 7999999999)}:AA{rand(B64URL, 33)}"),
    ("discord_webhook_path", lambda: f"{digits(19)}/{rand(B64URL, 68)}"),
    ("age", lambda: "AGE-SECRET-KEY-1" + rand("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L".upper(), 58)),
    ("tfc", lambda: rand(ALNUM, 14) + ".atlasv1." + rand(ALNUM, 67)),
    ("pulumi", lambda: "pul-" + rand(HEX, 40)),
    ("grafana_sa", lambda: "glsa_" + rand(ALNUM, 32) + "_" + rand(HEX, 8)),
    ("azure_openai", lambda: rand(HEX, 32)),
    ("azure_sas_sig", lambda: base64.b64encode(randbytes(32)).decode()),
    ("databricks", lambda: "dapi" + rand(HEX, 32)),
    ("digitalocean", lambda: "dop_v1_" + rand(HEX, 64)),
    ("alibaba_id", lambda: "LTAI5t" + rand(ALNUM, 18)),
    ("alibaba_secret", lambda: rand(ALNUM, 30)),
    ("tailscale", lambda: "tskey-auth-k" + rand(ALNUM, 10) + "CNTRL-" + rand(ALNUM, 33)),
    ("postman", lambda: "PMAK-" + rand(HEX, 24) + "-" + rand(HEX, 34)),
    ("figma", lambda: "figd_" + rand(B64URL, 40)),
    ("resend", lambda: "re_" + rand(ALNUM, 8) + "_" + rand(ALNUM, 24)),
    ("onepassword_sa", lambda: "ops_eyJ" + rand(B64URL, 200)),
    ("jfrog", lambda: "AKCp8" + rand(ALNUM, 68)),
    ("bitbucket_app_pw", lambda: "ATBB" + rand(ALNUM, 32)),
    ("twilio_api_secret", lambda: rand(ALNUM, 32)),
    ("firebase_fcm", lambda: "AAAA" + rand(B64URL, 7) + ":APA91b" + rand(B64URL, 134)),
    ("mapbox_secret", lambda: "sk.eyJ1Ijoi" + rand(B64URL, 40) + "." + rand(B64URL, 22)),
    ("github_webhook_secret", lambda: rand(HEX, 40)),
    ("django_secret", lambda: rand(LOWER_ALNUM + "!@#$%^&*(-_=+)", 50)),
    ("rails_master_key", lambda: rand(HEX, 32)),
    ("jwt_hmac_secret", lambda: base64.b64encode(randbytes(48)).decode()),
    ("fernet", lambda: base64.urlsafe_b64encode(randbytes(32)).decode()),
]

WORDS = ["Kolibri", "Wellenbrecher", "mariposa", "papavero", "regenjas", "andorinha", "bursztyn",
         "solrosor", "fjellbris", "kuusikko", "pampeliska", "zeytin", "momiji", "cypress", "thimble",
         "bramble", "sardine", "pelican", "oxbow", "lichen", "tangerine", "marigold", "basalt", "walrus"]


def password() -> str:
    style = rng.randrange(5)
    if style == 0:
        return rand(ALNUM + "!#%+-_=@^~", 18)
    if style == 1:
        w = rng.sample(WORDS, 3)
        return "-".join(w) + digits(1)
    if style == 2:
        return rng.choice(WORDS).capitalize() + "_" + digits(4) + rng.choice("!?#$%")
    if style == 3:
        return rand(ALNUM, 20)
    return rng.choice(WORDS) + rng.choice(".@") + digits(2) + rng.choice(WORDS).upper()


# ------------------------------------------------------------------ people

FIRST = ["anneke", "bartosz", "chiara", "dmitri", "eszter", "farid", "greta", "hiroshi", "isolde",
         "joaquim", "kalinda", "leandro", "mirela", "nils", "oona", "paulo", "quentin", "rosalind",
         "saskia", "thiago", "ulla", "valentina", "wendell", "ximena", "yannick", "zofia", "aigerim",
         "bongani", "chidi", "dagny", "emeka", "freya", "gustavo", "hana", "ibrahim", "jun"]
LAST = ["vermeulen", "zielinski", "esposito", "volkov", "horvath", "haddad", "lundgren", "takahashi",
        "moreau", "pereira", "murray", "salazar", "popescu", "strand", "mahlangu", "eze", "kowalski",
        "kim", "fitzgerald", "dubois", "nakamura", "ostrowska", "quinn", "rasmussen", "stavros"]
FREEMAIL = ["gmail.com", "googlemail.com", "outlook.de", "hotmail.co.uk", "yahoo.fr", "laposte.net",
            "t-online.de", "gmx.at", "bluewin.ch", "virgilio.it", "telefonica.net", "kpnmail.nl",
            "o2.pl", "onet.pl", "live.se", "online.no", "luukku.com", "centrum.cz", "naver.com",
            "qq.com", "yahoo.co.jp", "rediffmail.com", "bigpond.com", "uol.com.br", "mail.ru", "pm.me"]
COMPANY = ["quayside-logistics.co.uk", "mistral-kitchens.fr", "holzwerk-ulm.de", "fenwick-dental.com",
           "arcadia-travel.es", "vindel-hydro.se", "paprika-ops.hu", "kestrel-ai.io", "lumen-pay.eu",
           "tarn-robotics.com", "sakura-logi.co.jp", "bluegum-energy.com.au", "aurelia-insure.it"]


def email() -> str:
    f, la = rng.choice(FIRST), rng.choice(LAST)
    local = rng.choice([f"{f}.{la}", f"{f[0]}.{la}", f"{f}{la[:3]}{digits(2)}", f"{la}{f[0]}",
                        f"{f}+{rng.choice(['news', 'shop', 'bank', 'work'])}", f"{f}_{digits(4)}"])
    dom = rng.choice(FREEMAIL if rng.random() < 0.55 else COMPANY)
    return f"{local}@{dom}"


def dob() -> str:
    a, b = dt.date(1931, 1, 1).toordinal(), dt.date(2011, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(a, b)).isoformat()


def ssn() -> str:
    while True:
        area = rng.randint(1, 899)
        if area != 666:
            return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


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


def imei() -> str:
    body = rng.choice(["35", "86", "01"]) + digits(12)
    return body + luhn_digit(body)


def uuid4() -> str:
    return "-".join([rand(HEX, 8), rand(HEX, 4), "4" + rand(HEX, 3), rng.choice("89ab") + rand(HEX, 3),
                     rand(HEX, 12)])


def bcrypt_like() -> str:
    return "$2b$12$" + rand("./" + ALNUM, 53)


def argon2_like() -> str:
    salt = base64.b64encode(randbytes(16)).decode().rstrip("=")
    h = base64.b64encode(randbytes(32)).decode().rstrip("=")
    return f"$argon2id$v=19$m=65536,t=3,p=4${salt}${h}"


def ssh_pub(kind: str) -> str:
    if kind == "ed25519":
        blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + randbytes(32)
        return "ssh-ed25519 " + base64.b64encode(blob).decode()
    blob = b"\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x03\x01\x00\x01\x00\x00\x01\x01\x00" + randbytes(256)
    return "ssh-rsa " + base64.b64encode(blob).decode()


PHONES_2 = [  # appended after the first run
    ("US", "206NXXXXXX"), ("US", "312NXXXXXX"), ("US", "617NXXXXXX"), ("US", "213NXXXXXX"),
    ("US", "512NXXXXXX"), ("CA", "604NXXXXXX"), ("CA", "613NXXXXXX"), ("GB", "07700XXXXXX"),
    ("GB", "0161NXXXXXX"), ("GB", "07939XXXXXX"), ("FR", "06XXXXXXXX"), ("FR", "01XXXXXXXX"),
    ("FR", "04XXXXXXXX"), ("DE", "0151XXXXXXXX"), ("DE", "030NXXXXXXX"), ("DE", "089NXXXXXX"),
    ("DE", "0176XXXXXXXX"), ("AT", "0664XXXXXXX"), ("CH", "079XXXXXXX"), ("CH", "044NXXXXXX"),
    ("IT", "347XXXXXXX"), ("IT", "02NXXXXXXX"), ("IT", "320XXXXXXX"), ("ES", "6XXXXXXXX"),
    ("ES", "91NXXXXXX"), ("ES", "7XXXXXXXX"), ("PT", "91XXXXXXX"), ("PT", "96XXXXXXX"),
    ("NL", "06XXXXXXXX"), ("NL", "020NXXXXXX"), ("BE", "0486XXXXXX"), ("PL", "601XXXXXX"),
    ("PL", "22NXXXXXX"), ("SE", "070XXXXXXX"), ("SE", "08NXXXXXXX"), ("NO", "9XXXXXXX"),
    ("FI", "050XXXXXXX"), ("FI", "09NXXXXXX"), ("DK", "2XXXXXXX"), ("CZ", "603XXXXXX"),
    ("CZ", "2NXXXXXXX"), ("GR", "21NXXXXXXX"), ("RO", "021NXXXXXX"), ("HU", "06 1NXXXXXX"),
    ("TR", "0532XXXXXXX"), ("TR", "0216NXXXXXX"), ("JP", "090XXXXXXXX"), ("JP", "03NXXXXXXX"),
    ("KR", "0105XXXXXXX"), ("KR", "02NXXXXXXX"), ("CN", "139XXXXXXXX"), ("CN", "021NXXXXXXX"),
    ("IN", "98XXXXXXXX"), ("IN", "7MXXXXXXXX"), ("AU", "04XXXXXXXX"), ("AU", "02NXXXXXXX"),
    ("BR", "11 9XXXXXXXX"), ("BR", "11 3XXXXXXX"), ("MX", "55NXXXXXXX"), ("ZA", "021NXXXXXX"),
    ("AE", "04NXXXXXX"), ("SA", "05XXXXXXXX"), ("EG", "010XXXXXXXX"), ("PH", "0917XXXXXXX"),
    ("ID", "0812XXXXXXXX"), ("VN", "091XXXXXXX"), ("TH", "081XXXXXXX"), ("IE", "087XXXXXXX"),
]


def main() -> None:
    print("# cards (compact, 4-groups)")
    for issuer, prefix, length in CARDS:
        c = card(prefix, length)
        assert luhn_digit(c[:-1]) == c[-1] and len(c) == length
        print(issuer, c, " ".join(c[i:i + 4] for i in range(0, len(c), 4)), sep="\t")

    print("# ibans")
    for cc, length, f in IBAN_SPECS:
        v = iban(cc, f())
        assert len(v) == length and iban_ok(v), v
        print(cc, v, " ".join(v[i:i + 4] for i in range(0, len(v), 4)), sep="\t")

    print("# phones: region, E.164, international, national, RFC3966")
    for region, pattern in PHONES:
        n = phone(region, pattern)
        print(region, phonenumbers.format_number(n, PNF.E164), phonenumbers.format_number(n, PNF.INTERNATIONAL),
              phonenumbers.format_number(n, PNF.NATIONAL), phonenumbers.format_number(n, PNF.RFC3966), sep="\t")

    print("# vendor keys")
    for name, f in VENDOR_KEYS:
        print(name, f(), sep="\t")
    for i in range(4):
        print("opaque_bearer", i, rand(ALNUM + "-._~", 43), sep="\t")
    for i in range(3):
        print("hex_token", i, rand(HEX, 64), sep="\t")

    print("# passwords")
    for i in range(30):
        print("password", i, password(), sep="\t")

    print("# jwts")
    print(jwt({"alg": "HS256", "typ": "JWT"}, {"sub": "cust_88213", "tier": "gold", "iat": 1811203200}))
    print(jwt({"alg": "RS256", "typ": "JWT", "kid": "2027-q2"},
              {"iss": "https://auth.kestrel-ai.io/", "sub": "agent-runner", "aud": "tools",
               "scope": "crm.read tickets.write", "exp": 1811206800}, 256))
    print(jwt({"alg": "ES256", "typ": "JWT"}, {"sub": "device-4471", "exp": 1811300000}, 64))
    print(jwt({"alg": "PS256", "typ": "at+jwt", "kid": "k9"},
              {"iss": "https://login.lumen-pay.eu", "client_id": "mobile", "exp": 1811210000}, 256))
    print(jwt({"alg": "HS512", "typ": "JWT"}, {"user_id": 90331, "admin": False, "iat": 1811100000}, 64))
    print(jwt({"alg": "EdDSA", "typ": "JWT"}, {"sub": "svc:billing", "iat": 1811150000}, 64))
    print(jwt({"alg": "RS256", "typ": "JWT"}, {"ref": "qzkvtwbmrpcxjhnd", "role": "service_role",
                                               "iss": "supabase", "iat": 1800000000, "exp": 2115576000}, 256))
    print(jwt({"alg": "HS256"}, {"sid": "s-31f0", "exp": 1811209999}))

    print("# pem / key blocks")
    print(pem("OPENSSH PRIVATE KEY", b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none", 360, 70))
    print(pem("RSA PRIVATE KEY", bytes([0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01]), 420))
    print(pem("PRIVATE KEY", bytes([0x30, 0x82, 0x04, 0xbe, 0x02, 0x01, 0x00, 0x30, 0x0d]), 640))
    print(pem("ENCRYPTED PRIVATE KEY", bytes([0x30, 0x82, 0x05, 0x0e, 0x30, 0x40]), 180))
    print(pem("PGP PRIVATE KEY BLOCK", bytes([0x95, 0x03, 0xc6, 0x04]), 240, 64, ""))

    print("# ssn")
    for _ in range(10):
        print(ssn())

    print("# emails")
    for _ in range(50):
        print(email())

    print("# dates of birth (ISO; written out by hand in each text's style)")
    for _ in range(40):
        print(dob())

    print("# ip addresses")
    for _ in range(12):
        print("v4 public", ipv4_public())
    for _ in range(10):
        print("v4 private", ipv4_private())
    for net in ("192.0.2", "198.51.100", "203.0.113"):
        print("v4 doc", f"{net}.{rng.randint(1, 254)}")
    print("v6 global", "2a01:" + ":".join(h16() for _ in range(7)))
    print("v6 global", "2604:" + h16() + ":" + h16() + "::" + h16() + ":" + h16())
    print("v6 global", "2409:" + ":".join(h16() for _ in range(3)) + "::" + h16())
    print("v6 doc", "2001:db8:" + h16() + ":" + h16() + "::" + h16())
    print("v6 ula", "fd" + rand(HEX, 2) + ":" + ":".join(h16() for _ in range(3)) + "::" + h16())
    print("v6 linklocal", "fe80::" + ":".join(h16() for _ in range(4)))

    print("# hard negatives (not labelled)")
    for _ in range(6):
        print("uuid", uuid4())
    for _ in range(4):
        print("git", rand(HEX, 40))
    for _ in range(3):
        print("sha256", rand(HEX, 64))
    print("md5", hashlib.md5(randbytes(20)).hexdigest())
    for _ in range(3):
        print("mac", ":".join(rand(HEX, 2) for _ in range(6)).upper())
    for p in ("978", "979", "400", "590", "871"):
        print("ean13", p, ean13(p))
    for _ in range(3):
        print("imei", imei())
    print("ups", "1Z" + rand(UPPER_ALNUM, 6) + digits(10))
    print("usps", "9400" + digits(18))
    print("royalmail", letters(2) + digits(9) + "GB")
    print("dhl", digits(10))
    print("ulid", rand(CROCKFORD, 26))
    print("stripe_ids", "cus_" + rand(ALNUM, 14), "pi_" + rand(ALNUM, 24), "ch_" + rand(ALNUM, 24))
    print("stripe_pk", "pk_live_51" + rand(ALNUM, 97))
    print("ksuid", rand(ALNUM, 27))
    print("bcrypt", bcrypt_like())
    print("argon2", argon2_like())
    print("ssh_pub", ssh_pub("ed25519"))
    print("ssh_pub", ssh_pub("rsa"))
    print("png_b64", base64.b64encode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + randbytes(60)).decode())
    print("long_ints", digits(16), digits(16), digits(19))

    # appended after the first run, so every value above stays the same
    print("# more phones (region, E.164, international, national)")
    for region, pattern in PHONES_2:
        n = phone(region, pattern)
        print(region, phonenumbers.format_number(n, PNF.E164), phonenumbers.format_number(n, PNF.INTERNATIONAL),
              phonenumbers.format_number(n, PNF.NATIONAL), sep="\t")
    print("# more ids (hard negatives)")
    for _ in range(6):
        print("id16", digits(16))
    for _ in range(3):
        print("uuid", uuid4())
    print("azure_storage_key", base64.b64encode(randbytes(64)).decode())
    print("azure_storage_key", base64.b64encode(randbytes(64)).decode())
    print("aws_sts_id", "ASIA" + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16))
    print("aws_sts_secret", rand(B64, 40))
    for i in range(4):
        print("url_password", i, rand(ALNUM, rng.choice([16, 20, 24])))
    print("aws_session_token", "IQoJb3JpZ2luX2VjE" + rand(B64, 340))
    print("# public material (hard negatives, not labelled)")
    print(pem("PGP PUBLIC KEY BLOCK", bytes([0x98, 0x33, 0x04]), 180))
    print(pem("CERTIFICATE", bytes([0x30, 0x82, 0x03, 0x5a, 0x30, 0x82, 0x02, 0x42, 0xa0, 0x03]), 300))
    print("jwks_n", base64.urlsafe_b64encode(randbytes(256)).rstrip(b"=").decode())


if __name__ == "__main__":
    if len(sys.argv) > 1:
        raise SystemExit("no arguments")
    main()
