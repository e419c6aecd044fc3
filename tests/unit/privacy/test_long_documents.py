"""Forms from long agent and RAG documents: tool output, lock files, device configs, tables.

Written for the tenth pass, after the thirteenth blind set; the examples here are new ones of the
same kinds, not that set's texts. Each positive case has its look-alike beside it.
"""

from __future__ import annotations

import pytest
from tests.unit.privacy.findings import found


@pytest.mark.parametrize(
    "text",
    [
        # versions in a lock file, among their siblings, and after a requirement's operator
        "GEM\n  specs:\n    actionmailer (6.1.7.3)\n      actionpack (= 6.1.7.3)\n    puma (6.4.2)\n",
        "Stack: Ruby 3.2.2, Rails 6.1.7.3, sidekiq 7.1.2",
        "requires pkg>=4.1.2.9 and tool~>2.3.1.4",
        # a version's suffix, a build number after it, a version word in another language
        "node: '18.20.4', v8: '10.2.154.26-node.36'",
        "exported by mdm-agent 4.2.0.7 (build 20250110.1)",
        "Versión del firmware 5.4.3.21 instalada",
        "έκδοση λογισμικού 4.1.0.52",
        "ERP 11.2.0.3391 → 11.3.2.104",
        # a Debian package's version and revision, as apt and dpkg print them
        "Setting up socat (1.7.4.4-2) ...\nUnpacking libfoo:amd64 (2.3.1.0-1ubuntu2) ...",
        "2025-06-24 14:37:47 install alsa-topology-conf:all <none> 1.2.5.1-2",
        "nettools (2.10.0.1-1.1) unstable; urgency=low",
        "  * Breaks: alsa-utils (<< 1.1.3.2-5)",
        "  * bump Standards-Version to 4.6.2.1 (no changes needed)",
        "erlang (1:25.3.2.8+dfsg-1) unstable",
        '"app.release.version": {"value": "8.1.2.44"}',
        # wildcard masks, and the network address before one; a code that ends in .0
        "access-list 110 permit ip 172.20.8.0 0.0.3.255 any",
        "| Kabel YDY 3x2,5 | 27.32.13.0 | 100 | m |",
    ],
)
def test_not_an_address(text: str) -> None:
    assert found(text, "IP_ADDRESS") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the same places with a host: an interface address before its netmask, a host among versions
        ("interface Gi0/1\n ip address 185.44.12.9 255.255.255.248", ["185.44.12.9"]),
        ("nginx 1.25.3 in front; upstream host 10.20.3.7, Postgres 15.6", ["10.20.3.7"]),
        ("nginx 1.25.3 serves it, from 10.20.3.7", ["10.20.3.7"]),
        ('"host" => "10.20.3.7"', ["10.20.3.7"]),
        ("ip.addr == 10.20.3.7 && tcp.port == 443", ["10.20.3.7"]),
        ("moved 10.20.3.7 -> 10.20.3.8", ["10.20.3.7", "10.20.3.8"]),
        ("client 10.20.3.7-10.20.3.9 range", ["10.20.3.7", "10.20.3.9"]),
        ("hosts 10.20.3.7-20 are free", ["10.20.3.7"]),
        # a host with a port, or with a high first octet, is a host whatever versions stand near it
        ("Node 18.19.0, driver 6.3.0\nLog: connect ETIMEDOUT 10.20.3.14:27017 after 30000ms", ["10.20.3.14"]),
        ("El servidor está en 189.203.41.77 puerto 8443. Versión del SDK 4.2.1", ["189.203.41.77"]),
    ],
)
def test_still_an_address(text: str, expected: list[str]) -> None:
    assert found(text, "IP_ADDRESS") == expected


FRAME = """   customer_id        email                 phone  date_of_birth  country
0      C200114  m.k@example.org      +43 660 1234567     1979-06-21   AT
1      C200115  j.r@example.org      +44 7700 900456     1991-02-14   GB
"""
PSQL = """   id   |     email       |    dob     |  city
--------+-----------------+------------+--------
 440121 | a.b@example.org | 1984-10-03 | Leeds
"""
PARTS = """Pos  Description                              OE number       Qty
1    Spark plug, long-life, iridium tip       101 905 601 F   4
"""


def test_aligned_and_psql_tables_name_their_columns() -> None:
    assert found(FRAME, "PHONE") == ["+43 660 1234567", "+44 7700 900456"]
    assert found(FRAME, "DATE_OF_BIRTH") == ["1979-06-21", "1991-02-14"]
    assert found(PSQL, "DATE_OF_BIRTH") == ["1984-10-03"]
    assert found(PARTS, "PHONE") == []  # "OE number" is the part's: a qualified "number" column says no phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("звоните по номеру 8 (495) 123-45-67", ["8 (495) 123-45-67"]),
        ("мобильный телефон (916) 123-45-67", ["(916) 123-45-67"]),
        ("Tel. (0221) 123-45-67", ["(0221) 123-45-67"]),
        ("Acme Ltd | Direct 0161 496 0123", ["0161 496 0123"]),
        ("Kind regards, Lena (lena@example.se, 070-123 45 67).", ["070-123 45 67"]),
        # the UK's landline shapes, and a second number joined to a phone by "or"/"oder"
        ("the surgery is 020 7946 0321 or out of hours 0161 496 0732", ["020 7946 0321", "0161 496 0732"]),
        ("erreichen Sie mich unter 01512 3456789 oder im Büro unter 030 23125678.", ["01512 3456789", "030 23125678"]),
        ("Kundennummer 01512 3456789 oder 030 23125678", []),
        # the bracket around a country code belongs to the number
        ("Mobile: (+44) 7700 900456, office (+44 20 7946 0321)", ["(+44) 7700 900456", "+44 20 7946 0321"]),
        # look-alikes
        ("номер заказа 8 (495) 123-45-67", []),
        ("Ваше замовлення № 2027-55810, номер ТТН 20450912345678", []),
        ("registered with the Chamber of Commerce under number 61234567", []),
        ("capitale sociale € 2.500.000,00 i.v.", []),
        ("AWB 1490 2277 3318 via Delhivery", []),
        ("رقم التتبع: SMSA 290044718832", []),
        ("| 4000 0027 6000 3184 | declined |", []),
    ],
)
def test_phones_in_long_documents(text: str, expected: list[str]) -> None:
    assert found(text, "PHONE") == expected


VAULT_GET = """====== Data ======
Key                    Value
---                    -----
merchant_account       AcmeECOM
billing_api_key        q3Lx9ZkT2vN8mR4wP7sY1bC6dF0gH5jK
ftp_password           Vw3-kd9PqLm2Zx7T
"""
VAULT_LIST = """$ vault list sys/leases/lookup/database/creds/app-ro
Keys
----
9Qk2Lm4Nx7Rt1Yv8Bc3Df6Gh
Zp4Wq7Er1Ty5Ui8Op2As6Df9
"""
RAILS = """production:
  secret_key_base: 5f0b2c77a1d94e3f8b6c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c
active_record_encryption:
  primary_key: 4Tq8Lm2Zx9Kd7Pw3Rv6Ny1Bc5Hf0Gj2
  key_derivation_salt: Zx7Lq2Vm9Tr4Kd8Pw1Ny6Bc3Hf5Gj0R
"""
TABLES = """schema:
  users:
    primary_key: id
    sort_key: created_at
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (VAULT_GET, ["q3Lx9ZkT2vN8mR4wP7sY1bC6dF0gH5jK", "Vw3-kd9PqLm2Zx7T"]),
        (
            RAILS,
            [
                "5f0b2c77a1d94e3f8b6c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c",
                "4Tq8Lm2Zx9Kd7Pw3Rv6Ny1Bc5Hf0Gj2",
                "Zx7Lq2Vm9Tr4Kd8Pw1Ny6Bc3Hf5Gj0R",
            ],
        ),
        ("登录密码（请勿外传，自行保管）：Qm7#_xKp2Lv9", ["Qm7#_xKp2Lv9"]),
        ("DATABASE_URL=postgres://app@db/app?password=${DB_PASSWORD:-Hx8kq2Lm9}", ["Hx8kq2Lm9"]),
        # a password given in answer to a question about it
        ("Can you reset the password for svc-backup? Last time we set it to Qz7!mHk29pLx.", ["Qz7!mHk29pLx"]),
        ("Ana: qualcuno ha la password del wiki?\nLuca: è w1k1-Tasso-88, poi la cambio", ["w1k1-Tasso-88"]),
        ("what's the guest wifi password?\nit's Hx7#teal-19 :)", ["Hx7#teal-19"]),
        ("What is the password policy? It is 12 characters, at least one Upper1!", []),
        ("Forgot your password? It is easy: go to Settings and click Reset.", []),
        ("the password rule: the last word is plain ('… to connect to Salesforce.'), then", []),
        ("a user's password in NetworkCredential/auth tuples", []),
        ("Password used to encrypt the PKCS#12 bundle.", []),
        ('my $pass = shift || die "usage: $0 user password";', []),
        ("\t* man/passwd.1.xml: Likewise.", []),
        # look-alikes: names in a listing, a data model's keys, defaults, shell messages, names of secrets
        (VAULT_LIST, []),
        (TABLES, []),
        ("Options:\n  password   Xk2pq9Lm11", []),
        ("GF_SECURITY_ADMIN_USER: admin\nGF_SECURITY_ADMIN_PASSWORD: admin", []),
        ("  username: postgres\n  password: postgres", []),
        ('DATABASE_URL: "postgresql://app:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}@db/app"', []),
        ("data:\n  - secretKey: api-token\n    remoteRef:\n      key: kv/app/partner", []),
        ('"webhook": {"secret": "whsec_test_secret"}', []),
        ('DB_PASSWORD: "{{ required \\"set db.password or existingSecret\\" .Values.db.password }}"', []),
        ('"signing": {"kid": "Zp4Wq7Er1Ty5Ui8Op2As6Df9Ab3Cd"}', []),
        ("token_accessor         Zp4Wq7Er1Ty5Ui8Op2As6\ntoken_duration         768h", []),
    ],
)
def test_secrets_in_tool_output_and_config(text: str, expected: list[str]) -> None:
    assert found(text, "SECRET") == expected


def test_documented_jwt_is_no_token() -> None:
    example = (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
        ".SflKxwRJSMeKKF2QT4fwpMeJf36POk5yJV_adQssw5c"
    )
    text = f"The example token from jwt.io (HS256, secret `your-256-bit-secret`) is:\n\n    {example}\n"
    assert found(text, "JWT") == [] and found(text, "SECRET") == []
    other = example[:-4] + "AAAA"  # the same claims under another signature: someone's real token
    assert found(f"Authorization header: {other}", "JWT") == [other]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("d.o.b.: 14-Mar-1985", ["14-Mar-1985"]),
        ("DOB 02/FEB/1979, MRN 448812", ["02/FEB/1979"]),
        ("Patient DOB: 7-Jul-62", ["7-Jul-62"]),
        ("Shipped 14-Mar-2025, DOB on file", []),
    ],
)
def test_birth_dates_with_month_abbreviations(text: str, expected: list[str]) -> None:
    assert found(text, "DATE_OF_BIRTH") == expected
