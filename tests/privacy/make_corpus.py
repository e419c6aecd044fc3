# ruff: noqa: E501  (the templates are a table: one text per line reads better than wrapped)
"""Make the labeled privacy corpus: ``python tests/privacy/make_corpus.py`` rewrites corpus/*.jsonl.

Seeded, so the same script gives the same files. Texts are prose as people send it to a model —
support tickets, logs, config and code, chat — built from templates whose slots are filled with
values made the way the real thing is (valid phone numbers of many countries by libphonenumber,
card numbers with issuer prefixes and Luhn digits, IBANs with mod-97 check digits, JWTs with real
JSON headers…) in many formats. Each slot records its span, so the truth is exact by
construction. ``clean.jsonl`` holds texts with nothing to find and many look-alikes: order
numbers, versions, UUIDs, timestamps, digests, OIDs, CIDRs, test cards in documentation.

Lines: ``{"id", "text", "spans": [{"start", "end", "type"}]}``.
"""

from __future__ import annotations

import base64
import json
import random
import re
import string
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import phonenumbers

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
from freehold.privacy.detectors.validators import IBAN_LENGTHS

OUT = Path(__file__).parent / "corpus"
R = random.Random(11)
Part = str | tuple[str, str]

FIRST = [
    "Maria",
    "John",
    "Priya",
    "Wei",
    "Fatima",
    "Lukas",
    "Sofia",
    "Kenji",
    "Amara",
    "Olivier",
    "Chloe",
    "Diego",
    "Anna",
    "Mohammed",
    "Ingrid",
    "Tomasz",
    "Aisha",
    "James",
    "Elena",
    "Ravi",
    "Hannah",
    "Mateo",
    "Yuki",
    "Liam",
]
LAST = [
    "Gonzalez",
    "Smith",
    "Patel",
    "Zhang",
    "Al-Sayed",
    "Müller",
    "Rossi",
    "Tanaka",
    "Okafor",
    "Dubois",
    "Martin",
    "Fernández",
    "Kowalski",
    "Johansson",
    "Nguyen",
    "O'Brien",
    "Schmidt",
    "Kim",
    "Haddad",
    "Silva",
]
CITIES = [
    "Berlin",
    "Toronto",
    "Lyon",
    "Osaka",
    "Nairobi",
    "São Paulo",
    "Melbourne",
    "Chicago",
    "Madrid",
    "Oslo",
    "Mumbai",
    "Dublin",
    "Austin",
    "Warsaw",
    "Rotterdam",
]
ORGS = [
    "Acme Corporation",
    "Globex Industries",
    "Initech",
    "Deutsche Bank",
    "Northwind Traders",
    "Contoso Ltd",
    "Umbrella Health",
    "Stark Logistics",
    "Wayne Enterprises",
    "Tyrell Systems",
]
DOMAINS = ["example.com", "mail.example.org", "acme-corp.io", "gmail.com", "outlook.com", "uni-heidelberg.de",
           "company.co.uk", "proton.me", "startup.ai", "hospital.org.au"]  # fmt: skip


def pick(xs: list[str]) -> str:
    return R.choice(xs)


def rand(alphabet: str, n: int) -> str:
    return "".join(R.choice(alphabet) for _ in range(n))


ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


# ---- values -------------------------------------------------------------------------------------


def email() -> str:
    f, last = pick(FIRST).lower(), pick(LAST).lower().replace("'", "").replace("ü", "u").replace("á", "a")
    local = R.choice(
        [
            f"{f}.{last}",
            f"{f[0]}{last}",
            f"{f}_{last}{R.randint(1, 99)}",
            f"{f}+{pick(['billing', 'test', 'jira'])}",
            f"{last}.{f}",
        ]
    )
    return R.choice([local, local, local.upper()]) + "@" + pick(DOMAINS)


PHONE_REGIONS = ["US", "GB", "DE", "FR", "IN", "AU", "BR", "JP", "ES", "IT", "NL", "MX", "ZA", "SG", "CH", "SE",
                 "PL", "IE", "CA", "NG", "KR", "AR"]  # fmt: skip


def phone(national_ok: bool) -> str:
    region = pick(PHONE_REGIONS)
    kind = R.choice([phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE])
    example = phonenumbers.example_number_for_type(region, kind)
    assert example is not None
    digits = str(example.national_number)
    number = example
    for _ in range(20):
        candidate = digits[:-4] + rand("0123456789", 4)
        parsed = phonenumbers.parse("+" + str(example.country_code) + candidate)
        if phonenumbers.is_valid_number(parsed):
            number = parsed
            break
    fmt = phonenumbers.PhoneNumberFormat
    styles = ["intl", "intl", "e164", "dots", "00"] + (["national", "national"] if national_ok else [])
    style = R.choice(styles)
    if style == "intl":
        return phonenumbers.format_number(number, fmt.INTERNATIONAL)
    if style == "e164":
        return phonenumbers.format_number(number, fmt.E164)
    if style == "00":
        return "00" + phonenumbers.format_number(number, fmt.INTERNATIONAL)[1:]
    if style == "dots":
        return phonenumbers.format_number(number, fmt.INTERNATIONAL).replace(" ", ".").replace("-", ".")
    return phonenumbers.format_number(number, fmt.NATIONAL)


def us_phone() -> str:
    area, mid = R.choice(["415", "212", "312", "617", "206", "512", "303", "646"]), R.randint(200, 999)
    last = R.randint(0, 9999)
    return R.choice([f"({area}) {mid}-{last:04d}", f"{area}-{mid}-{last:04d}", f"{area}.{mid}.{last:04d}",
                     f"+1 {area} {mid} {last:04d}", f"1-{area}-{mid}-{last:04d}"])  # fmt: skip


def luhn_complete(body: str) -> str:
    for d in "0123456789":
        total = 0
        for i, ch in enumerate(reversed(body + d)):
            n = int(ch) * (2 if i % 2 else 1)
            total += n - 9 if n > 9 else n
        if total % 10 == 0:
            return body + d
    raise AssertionError


def card() -> str:
    prefix, length = R.choice([("4", 16), ("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15),
                               ("6011", 16), ("65", 16), ("3530", 16), ("36", 14), ("62", 16)])  # fmt: skip
    number = luhn_complete(prefix + rand("0123456789", length - len(prefix) - 1))
    style = R.choice(["plain", "space", "space", "dash"])
    if style == "plain":
        return number
    sep = " " if style == "space" else "-"
    if length == 15:
        return sep.join([number[:4], number[4:10], number[10:]])
    if length == 14:
        return sep.join([number[:4], number[4:10], number[10:]])
    return sep.join(number[i : i + 4] for i in range(0, length, 4))


IBAN_SHAPES = {"DE": "n18", "GB": "a4n14", "FR": "n10c11n2", "ES": "n20", "NL": "a4n10", "IT": "a1n10c12",
               "CH": "n17", "BE": "n12", "PL": "n24", "AT": "n16", "IE": "a4n14", "PT": "n21", "SE": "n20",
               "NO": "n11", "DK": "n14", "FI": "n14", "LU": "n3c13"}  # fmt: skip


def iban() -> str:
    country = pick(list(IBAN_SHAPES))
    shape, bban, i = IBAN_SHAPES[country], "", 0
    while i < len(shape):
        kind, j = shape[i], i + 1
        while j < len(shape) and shape[j].isdigit():
            j += 1
        n = int(shape[i + 1 : j])
        bban += rand(
            {"n": string.digits, "a": string.ascii_uppercase, "c": string.digits + string.ascii_uppercase}[kind], n
        )
        i = j
    assert len(bban) + 4 == IBAN_LENGTHS[country], country
    moved = bban + country + "00"
    check = 98 - int("".join(str(int(c, 36)) for c in moved)) % 97
    compact = f"{country}{check:02d}{bban}"
    return compact if R.random() < 0.4 else " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def ssn() -> str:
    area = R.choice([n for n in range(1, 900) if n != 666])
    return f"{area:03d}-{R.randint(1, 99):02d}-{R.randint(1, 9999):04d}"


def ipv4() -> str:
    return R.choice([f"{R.randint(11, 223)}.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}",
                     f"10.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}",
                     f"192.168.{R.randint(0, 255)}.{R.randint(1, 254)}", f"172.{R.randint(16, 31)}.{R.randint(0, 255)}.{R.randint(1, 254)}"])  # fmt: skip


def ipv6() -> str:
    groups = [f"{R.randint(0, 0xFFFF):x}" for _ in range(8)]
    style = R.choice(["full", "compressed", "linklocal", "doc", "mapped"])
    if style == "full":
        return ":".join(groups)
    if style == "compressed":
        return f"2a02:{groups[1]}:{groups[2]}::{groups[7]}"
    if style == "linklocal":
        return f"fe80::{groups[4]}:{groups[5]}:{groups[6]}:{groups[7]}"
    if style == "mapped":
        return f"::ffff:{R.randint(11, 223)}.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}"
    return f"2001:db8:{groups[2]}::{groups[6]}:{groups[7]}"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt() -> str:
    header = {"alg": R.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}
    if R.random() < 0.3:
        header["kid"] = rand(HEX, 16)
    payload = {"sub": str(R.randint(1000, 99999)), "iat": R.randint(1_600_000_000, 1_750_000_000), "scope": "read"}
    sig = b64url(R.randbytes(R.choice([32, 64, 256])))
    return f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}.{sig}"


def key_token() -> str:
    return R.choice([
        lambda: "sk-proj-" + rand(ALNUM + "_-", 48) + rand(string.digits, 2),
        lambda: "sk-" + rand(ALNUM, 46) + rand(string.digits, 2),
        lambda: "sk-ant-api03-" + rand(ALNUM + "_-", 80) + "AA",
        lambda: "AKIA" + rand(string.ascii_uppercase + string.digits, 16),
        lambda: "ghp_" + rand(ALNUM, 36),
        lambda: "github_pat_11" + rand(string.ascii_uppercase + string.digits, 20) + "_" + rand(ALNUM, 59),
        lambda: f"xoxb-{R.randint(10**10, 10**11)}-{R.randint(10**12, 10**13)}-{rand(ALNUM, 24)}",
        lambda: "AIza" + rand(ALNUM + "_-", 35),
        lambda: "glpat-" + rand(ALNUM + "_-", 20),
        lambda: "sk_live_" + rand(ALNUM, 24),
        lambda: "hf_" + rand(ALNUM, 34),
        lambda: "SG." + rand(ALNUM + "_-", 22) + "." + rand(ALNUM + "_-", 43),
    ])()  # fmt: skip


def password() -> str:
    return R.choice(["hunter2", "Tr0ub4dor&3", "S3cure!Pass", "p@ssw0rd2024", "Winter2023!", "correcthorsebattery",
                     rand(ALNUM, 12), rand(ALNUM + "!#%&*", 16), "Zx9#mQ2$vL"])  # fmt: skip


def random_secret() -> str:
    return R.choice(
        [rand(ALNUM, 40), rand(ALNUM + "/+", 40), rand(HEX, 32) + rand("ghijklmnop", 2), rand(ALNUM + "_-", 32)]
    )


def dob() -> str:
    y, m, d = R.randint(1940, 2006), R.randint(1, 12), R.randint(1, 28)
    month = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"][m - 1]  # fmt: skip
    return R.choice([f"{y}-{m:02d}-{d:02d}", f"{m:02d}/{d:02d}/{y}", f"{d:02d}.{m:02d}.{y}", f"{month} {d}, {y}",
                     f"{d} {month} {y}", f"{month[:3]} {d} {y}", f"{d}/{m}/{y}", f"{d}th of {month} {y}"])  # fmt: skip


# ---- texts --------------------------------------------------------------------------------------


def P(kind: str, value: str) -> tuple[str, str]:
    return (kind, value)


def person() -> tuple[str, str]:
    return P("PERSON", f"{pick(FIRST)} {pick(LAST)}")


def host() -> Part:
    return R.choice(
        [
            "db.internal",
            P("IP_ADDRESS", ipv4()),
            "pg-prod.eu-west-1.rds.amazonaws.com",
            "localhost",
            "cache.svc.cluster.local",
        ]
    )


def url_creds() -> str:
    scheme = R.choice(["postgres", "postgresql", "mysql", "mongodb+srv", "redis", "amqp", "https", "ftp", "smtp"])
    user = R.choice(["admin", "app_user", "svc-reporting", "root", pick(FIRST).lower()])
    port = R.choice(["", ":5432", ":3306", ":6379", ":5672", ":8443"])
    path = R.choice(["/app", "/prod?sslmode=require", "", "/vhost", "/repo.git"])
    secret = R.choice([password(), rand(ALNUM, 20)]).replace("@", "%40").replace("#", "%23").replace("/", "%2F")
    h = R.choice(["db.internal", "pg-prod.eu-west-1.rds.amazonaws.com", "mq.example.com", "cluster0.ab1cd.mongodb.net"])
    return f"{scheme}://{user}:{secret}@{h}{port}{path}"


def pem() -> str:
    kind = R.choice(["RSA ", "EC ", "OPENSSH ", ""])
    body = "\n".join(base64.b64encode(R.randbytes(48)).decode() for _ in range(R.randint(3, 8)))
    return f"-----BEGIN {kind}PRIVATE KEY-----\n{body}\n-----END {kind}PRIVATE KEY-----"


Template = Callable[[], list[Part]]

POSITIVE: list[Template] = [
    lambda: ["Hi team, customer ", person(), " (", P("EMAIL", email()), ") says the invoice INV-2024-", str(R.randint(1000, 9999)), " was charged twice. Can you refund?"],
    lambda: ["From: ", P("EMAIL", email()), "\nTo: ", P("EMAIL", "support@" + pick(DOMAINS)), "\nSubject: Login broken since v2.4.1\n\nI can't log in since the update. Please call me on ", P("PHONE", phone(True)), "."],
    lambda: ["Please summarise this ticket: the caller gave ", P("PHONE", phone(True)), " as a callback number and asked about order #", str(R.randint(100000, 999999)), "."],
    lambda: ["My WhatsApp is ", P("PHONE", phone(True)), ", my office line is ", P("PHONE", phone(False)), " (ext. ", str(R.randint(10, 999)), ")."],
    lambda: ["Contact: ", P("PHONE", us_phone()), " | Fax: ", P("PHONE", us_phone())],
    lambda: ["Translate to French: 'Dear ", person(), ", your package will arrive on Tuesday. Questions? Call ", P("PHONE", phone(False)), ".'"],
    lambda: ["Customer wants to update card on file to ", P("CREDIT_CARD", card()), " exp ", f"{R.randint(1, 12):02d}/{R.randint(25, 31)}", " cvv ", str(R.randint(100, 999)), ". Old card was declined."],
    lambda: ["payment failed: {\"card_number\": \"", P("CREDIT_CARD", card()), "\", \"amount\": ", str(R.randint(1, 999)), ".", f"{R.randint(0, 99):02d}", ", \"currency\": \"EUR\"}"],
    lambda: ["I paid with my card ", P("CREDIT_CARD", card()), " on 2024-0", str(R.randint(1, 9)), "-1", str(R.randint(0, 9)), " but the order ", str(R.randint(10**7, 10**8)), " still shows pending."],
    lambda: ["Please wire the refund to IBAN ", P("IBAN", iban()), " (account holder: ", person(), ")."],
    lambda: ["Rechnung ", str(R.randint(1000, 9999)), ": Bitte überweisen Sie den Betrag auf ", P("IBAN", iban()), ". Vielen Dank!"],
    lambda: ["vendor_bank:\n  iban: ", P("IBAN", iban()), "\n  bic: ", rand(string.ascii_uppercase, 6), "2X\n  currency: EUR"],
    lambda: ["Employee onboarding form: name ", person(), ", SSN ", P("US_SSN", ssn()), ", start date 2024-06-01."],
    lambda: ["Can you check why the W-2 for ", person(), " shows social security number ", P("US_SSN", ssn()), " twice?"],
    lambda: ["applicant_ssn=", P("US_SSN", ssn()), "&state=CA&zip=9", str(R.randint(1000, 9999))],
    lambda: [f"2024-05-1{R.randint(0, 9)}T10:2{R.randint(0, 9)}:33Z WARN auth failed for user admin from ", P("IP_ADDRESS", ipv4()), " port ", str(R.randint(1024, 65535)), " ssh2"],
    lambda: [P("IP_ADDRESS", ipv4()), ' - - [12/Mar/2024:06:25:24 +0000] "GET /api/v1/orders HTTP/1.1" 200 ', str(R.randint(100, 9999)), ' "-" "curl/8.4.0"'],
    lambda: ["Why can't my pod reach ", P("IP_ADDRESS", ipv6()), "? The subnet is 10.0.0.0/16 and the service IP is ", P("IP_ADDRESS", ipv4()), "."],
    lambda: ["listen [", P("IP_ADDRESS", ipv6()), "]:443 ssl;\nserver_name api.example.com;\nallow ", P("IP_ADDRESS", ipv4()), ";\ndeny all;"],
    lambda: ["Debug this: requests to https://api.openai.com fail with 401. My key is ", P("SECRET", key_token()), ", it worked yesterday."],
    lambda: ["# .env\nDEBUG=false\nOPENAI_API_KEY=", P("SECRET", key_token()), "\nDATABASE_URL=", P("URL_CREDENTIALS", url_creds()), "\nLOG_LEVEL=info"],
    lambda: ["export AWS_ACCESS_KEY_ID=", P("SECRET", "AKIA" + rand(string.ascii_uppercase + string.digits, 16)), "\nexport AWS_SECRET_ACCESS_KEY=", P("SECRET", rand(ALNUM + "/+", 40)), "\nexport AWS_REGION=eu-west-1"],
    lambda: ['{\n  "service": "billing",\n  "api_key": "', P("SECRET", key_token()), '",\n  "timeout_ms": 3000,\n  "retries": 3\n}'],
    lambda: ["database:\n  host: ", host(), "\n  port: 5432\n  user: app\n  password: ", P("SECRET", password()), "\n  pool_size: 10"],
    lambda: ["Why does this fail?\n\nconn = psycopg2.connect(host='db', user='app', password='", P("SECRET", password()), "')\nconn.cursor().execute('select 1')"],
    lambda: ["curl -u admin:", P("SECRET", password()), " https://jenkins.example.com/api/json?pretty=true"],
    lambda: ["curl -H 'Authorization: Bearer ", P("SECRET", random_secret()), "' https://api.example.com/v2/users"],
    lambda: ["mysql -h ", host(), " -u root --password=", P("SECRET", password()), " -e 'show databases'"],
    lambda: ["The Slack bot stopped posting. Token is ", P("SECRET", key_token()), " and the channel is #alerts."],
    lambda: ["Here is the deploy key, please add it to the repo:\n", P("SECRET", pem()), "\nThanks!"],
    lambda: ["client_secret: ", P("SECRET", random_secret()), "\nclient_id: ", str(uuid.UUID(int=R.getrandbits(128))), "\nredirect_uri: https://app.example.com/callback"],
    lambda: ["The API secret is ", P("SECRET", rand(ALNUM, 32) + "9Q"), " - rotate it after the demo."],
    lambda: ["GET /v1/me HTTP/1.1\nHost: api.example.com\nAuthorization: Bearer ", P("JWT", jwt()), "\nAccept: application/json"],
    lambda: ["Why does my token fail validation? ", P("JWT", jwt()), " (it expires at 2024-07-01T00:00:00Z)"],
    lambda: ['{"access_token": "', P("JWT", jwt()), '", "token_type": "Bearer", "expires_in": 3600}'],
    lambda: ["git remote add origin ", P("URL_CREDENTIALS", f"https://{pick(FIRST).lower()}:{'ghp_' + rand(ALNUM, 36)}@github.com/acme/api.git")],
    lambda: ["The worker can't connect: ", P("URL_CREDENTIALS", url_creds()), " -> connection refused after 30s"],
    lambda: ["spring.datasource.url=jdbc:postgresql://db:5432/app\nspring.rabbitmq.addresses=", P("URL_CREDENTIALS", url_creds())],
    lambda: ["Patient ", person(), ", DOB: ", P("DATE_OF_BIRTH", dob()), ", presented with mild fever on 2024-02-1", str(R.randint(0, 9)), "."],
    lambda: ["Write a birthday message for my colleague, she was born on ", P("DATE_OF_BIRTH", dob()), " and loves hiking."],
    lambda: ["KYC check: full name ", person(), "; date of birth ", P("DATE_OF_BIRTH", dob()), "; nationality: ", pick(["German", "Kenyan", "Brazilian", "Irish"]), "."],
    lambda: ["Form data — Name: ", person(), " | Birthdate: ", P("DATE_OF_BIRTH", dob()), " | Policy no. PL-", str(R.randint(10**6, 10**7))],
    lambda: ["Can you fix the age calculation? For a user with date of birth = ", P("DATE_OF_BIRTH", dob()), " it returns a negative age."],
    lambda: ["Meeting notes: ", person(), " from ", P("ORGANIZATION", pick(ORGS)), " will visit our ", P("LOCATION", pick(CITIES)), " office next week."],
    lambda: ["Draft a reply to ", person(), " at ", P("ORGANIZATION", pick(ORGS)), " about the contract renewal; cc ", P("EMAIL", email()), "."],
    lambda: ["I'm moving from ", P("LOCATION", pick(CITIES)), " to ", P("LOCATION", pick(CITIES)), " in May; update my shipping address please."],
]  # fmt: skip


def _hex(n: int) -> str:
    return rand(HEX, n)


CLEAN: list[Template] = [
    lambda: ["Order #", str(R.randint(10**9, 10**10)), " shipped on 2024-03-1", str(R.randint(0, 9)), "; tracking 1Z", rand(string.ascii_uppercase + string.digits, 16), "."],
    lambda: ["Upgrade from v", f"{R.randint(1, 9)}.{R.randint(0, 20)}.{R.randint(0, 30)}", " to ", f"{R.randint(1, 9)}.{R.randint(0, 20)}.{R.randint(0, 30)}.{R.randint(0, 999)}", " fixed the memory leak in the scheduler."],
    lambda: ["Chrome ", f"{R.randint(100, 125)}.0.{R.randint(1000, 6999)}.{R.randint(10, 250)}", " crashes on Windows 10.0.19045.", str(R.randint(1000, 4999)), " when opening the dashboard."],
    lambda: ["request_id=", str(uuid.UUID(int=R.getrandbits(128))), " trace_id=", _hex(32), " span_id=", _hex(16), " status=200 duration_ms=", str(R.randint(3, 900))],
    lambda: [f"2024-0{R.randint(1, 9)}-{R.randint(10, 28)} {R.randint(10, 23)}:{R.randint(10, 59)}:{R.randint(10, 59)}.{R.randint(100, 999)} INFO worker-", str(R.randint(1, 9)), " processed batch ", str(R.randint(1000, 99999)), " in ", str(R.randint(1, 999)), "ms"],
    lambda: ["commit ", _hex(40), "\nAuthor: CI Bot <ci-bot@noreply>\n\n    Bump lodash from 4.17.20 to 4.17.21"],
    lambda: ["sha256: ", _hex(64), "  freehold-0.1.0-py3-none-any.whl\nmd5: ", _hex(32)],
    lambda: ["SNMP walk: OID 1.3.6.1.4.1.", str(R.randint(1000, 99999)), ".1.2.", str(R.randint(1, 50)), " returned ", str(R.randint(0, 10**6)), " (ifInOctets)"],
    lambda: ["Allow traffic from 10.", str(R.randint(0, 255)), ".0.0/16 and 192.168.", str(R.randint(0, 255)), ".0/24; netmask 255.255.255.0; MTU ", str(R.choice([1500, 9000]))],
    lambda: ["For testing, use the Stripe test card 4242 4242 4242 4242 with any future expiry and any CVC. In sandbox mode 4000 0000 0000 0002 is always declined."],
    lambda: ["Docs: enter the test card number 4111 1111 1111 1111 (Visa) or 5555 5555 5555 4444 (Mastercard) in the example checkout form."],
    lambda: ["The invoice total is $", f"{R.randint(1, 99)},{R.randint(100, 999)}.{R.randint(10, 99)}", " for ", str(R.randint(2, 500)), " seats; PO number ", str(R.randint(10**9, 10**10)), "."],
    lambda: ["Set max_tokens=", str(R.choice([256, 1024, 4096])), ", temperature=0.", str(R.randint(0, 9)), " and top_p=0.9; the token limit is ", str(R.choice([8192, 128000])), "."],
    lambda: ["password_reset_url: https://app.example.com/reset\npassword_min_length: 12\ntoken_ttl: 3600\napi_key_header: X-API-Key"],
    lambda: ["DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app\nOPENAI_API_KEY=<your-api-key>\nSECRET_KEY=changeme"],
    lambda: ["def login(user, password):\n    token = create_token(user.id)\n    if not check_password(password, user.password_hash):\n        raise AuthError()\n    return token"],
    lambda: ["api_key = os.environ['OPENAI_API_KEY']\nclient = OpenAI(api_key=api_key, timeout=30)"],
    lambda: ["Interface eth0 HWaddr 00:1a:2b:", _hex(2), ":", _hex(2), ":", _hex(2), " inet6 scope link; uptime 12:34:56; load 0.42 0.37 0.30"],
    lambda: ["In C++ use std::vector<int>::iterator; in Python a[::2] takes every other item and a[::-1] reverses."],
    lambda: ["Reset your password: click the link we sent and choose a new one. The token expires in 24 hours."],
    lambda: ["ISBN 978-", str(R.randint(0, 1)), "-", str(R.randint(100, 999)), "-", str(R.randint(10000, 99999)), "-", str(R.randint(0, 9)), " is out of print; the reprint is due 2025-01-15."],
    lambda: ["Ticket ", str(R.randint(100000, 999999)), ": customer reports error code 0x", _hex(8).upper(), " after firmware ", f"{R.randint(1, 5)}.{R.randint(0, 9)}.{R.randint(0, 99)}", "."],
    lambda: ["The primary key is (tenant_id, order_id); sort key created_at. Partition key region. Row count ", str(R.randint(10**5, 10**7)), "."],
    lambda: ["Our office hours are 9:00-17:30 CET. Reference: case ", str(R.randint(10**7, 10**8)), ", priority 2, SLA 48h."],
    lambda: ["Build ", str(R.randint(1000, 9999)), " failed: test_parse_date expected 2023-12-31 but got 2024-01-01 (tz offset +01:00)."],
    lambda: ["docker pull ghcr.io/acme/api@sha256:", _hex(64), " && docker run -p 8080:8080 acme/api:1.4.2"],
    lambda: ["The meeting is on March 14, 2025 at 10:30. Please bring the Q1 numbers: revenue 1,234,567 and churn 2.3%."],
    lambda: ["Git LFS pointer: version https://git-lfs.github.com/spec/v1 oid sha256:", _hex(64), " size ", str(R.randint(10**5, 10**8))],
    lambda: ["Kubernetes: kubectl get secret db-credentials -o yaml; the secret name is db-credentials and the key is password."],
    lambda: ["UUIDs like ", str(uuid.UUID(int=R.getrandbits(128))), " and ", str(uuid.UUID(int=R.getrandbits(128))), " identify the two tenants."],
    lambda: ["Serial number SN-", str(R.randint(10**9, 10**10)), ", part 400-", str(R.randint(1000, 9999)), "-", str(R.randint(10, 99)), ", manufactured 2019."],
    lambda: ["Latency p50 ", str(R.randint(10, 90)), "ms, p99 ", str(R.randint(100, 900)), "ms over ", str(R.randint(10**5, 10**6)), " requests between 10:00:00 and 10:59:59 UTC."],
    lambda: ["Summarize the attached changelog: 3.11.7 fixed a CVE (CVE-2024-", str(R.randint(1000, 9999)), "), 3.12.1 added the new parser."],
    lambda: ["Hash it with bcrypt cost 12: $2b$12$", rand(ALNUM + "./", 53), " is what we store, never the password itself."],
]  # fmt: skip


def render(parts: list[Part]) -> tuple[str, list[dict[str, object]]]:
    text, spans = "", []
    for part in parts:
        if isinstance(part, tuple):
            kind, value = part
            spans.append({"start": len(text), "end": len(text) + len(value), "type": kind})
            text += value
        else:
            text += part
    return text, spans


MARK = re.compile(r"\[\[([A-Z_]+)\|(.*?)\]\]", re.DOTALL)


def handwritten() -> list[dict[str, object]]:
    """handwritten.txt: one text a line, ``\\n`` for a line break, ``[[TYPE|value]]`` around each true span."""
    rows = []
    lines = (Path(__file__).parent / "handwritten.txt").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        source, parts, last = line.replace("\\n", "\n"), [], 0
        for m in MARK.finditer(source):
            parts += [source[last : m.start()], (m.group(1), m.group(2))]
            last = m.end()
        parts.append(source[last:])
        text, spans = render(parts)
        rows.append({"id": f"hand-{number:03d}", "text": text, "spans": spans})
    return rows


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with (OUT / "handwritten.jsonl").open("w", encoding="utf-8") as f:
        for row in handwritten():
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    for name, templates, per in (("labeled", POSITIVE, 9), ("clean", CLEAN, 8)):
        rows = []
        for t, template in enumerate(templates):
            for k in range(per):
                text, spans = render(template())
                rows.append({"id": f"{name}-{t:02d}-{k}", "text": text, "spans": spans})
        with (OUT / f"{name}.jsonl").open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{len(rows)} texts -> {OUT / (name + '.jsonl')}")


if __name__ == "__main__":
    main()
