"""Generate check-digit-correct values for texts.txt (run once; values were pasted by hand).

    /work/main/.venv/bin/python tests/privacy/heldout2/values.py
"""

from __future__ import annotations

import base64
import json
import random
import string

rng = random.Random(88137)
ALNUM = string.ascii_letters + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
B64URL = ALNUM + "-_"


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
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return body + luhn_digit(body)


def iban(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    num = "".join(str(int(c, 36)) for c in rearranged)
    check = 98 - int(num) % 97
    return f"{country}{check:02d}{bban}"


def iban_ok(value: str) -> bool:
    v = value.replace(" ", "")
    num = "".join(str(int(c, 36)) for c in v[4:] + v[:4])
    return int(num) % 97 == 1


def digits(n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def letters(n: int) -> str:
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(n))


def rand(alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64u(obj: object) -> str:
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwt(header: dict, payload: dict, sig_bytes: int = 32) -> str:
    sig = base64.urlsafe_b64encode(bytes(rng.randrange(256) for _ in range(sig_bytes))).rstrip(b"=").decode()
    return f"{b64u(header)}.{b64u(payload)}.{sig}"


def group4(s: str) -> str:
    return " ".join(s[i : i + 4] for i in range(0, len(s), 4))


def main() -> None:
    print("# cards")
    for prefix, length in [("4", 16), ("4", 16), ("4", 16), ("51", 16), ("54", 16), ("2223", 16),
                           ("2720", 16), ("37", 15), ("34", 15), ("6011", 16), ("4", 13)]:
        c = card(prefix, length)
        assert luhn_ok(c)
        print(prefix, c, group4(c))
    print("# ibans")
    specs = {
        "DE": lambda: digits(8) + digits(10),
        "FR": lambda: digits(5) + digits(5) + digits(11) + digits(2),
        "GB": lambda: letters(4) + digits(6) + digits(8),
        "ES": lambda: digits(20),
        "IT": lambda: letters(1) + digits(5) + digits(5) + digits(12),
        "NL": lambda: letters(4) + digits(10),
        "BE": lambda: digits(12),
        "CH": lambda: digits(5) + digits(12),
        "PL": lambda: digits(24),
        "SE": lambda: digits(20),
        "PT": lambda: digits(21),
    }
    lengths = {"DE": 22, "FR": 27, "GB": 22, "ES": 24, "IT": 27, "NL": 18, "BE": 16, "CH": 21,
               "PL": 28, "SE": 24, "PT": 25}
    for cc, f in specs.items():
        for _ in range(2):
            v = iban(cc, f())
            assert len(v) == lengths[cc] and iban_ok(v), v
            print(cc, v, group4(v))
    print("# keys")
    print("openai", "sk-proj-" + rand(B64URL, 48) + "T3BlbkFJ" + rand(B64URL, 20))
    print("anthropic", "sk-ant-api03-" + rand(B64URL, 93) + "AA")
    print("aws_id", "AKIA" + rand(UPPER_ALNUM, 16))
    print("aws_secret", rand(ALNUM + "+/", 40))
    print("aws_id2", "AKIA" + rand(UPPER_ALNUM, 16))
    print("aws_secret2", rand(ALNUM + "+/", 40))
    print("ghp", "ghp_" + rand(ALNUM, 36))
    print("github_pat", "github_pat_" + rand(ALNUM, 22) + "_" + rand(ALNUM, 59))
    print("slack", f"xoxb-{digits(12)}-{digits(13)}-{rand(ALNUM, 24)}")
    print("slack_user", f"xoxp-{digits(12)}-{digits(12)}-{digits(13)}-{rand('0123456789abcdef', 32)}")
    print("stripe", "sk_live_" + rand(ALNUM, 99))
    print("stripe_rk", "rk_live_" + rand(ALNUM, 99))
    print("google", "AIza" + rand(ALNUM + "-_", 35))
    print("gitlab", "glpat-" + rand(ALNUM + "-_", 20))
    print("hf", "hf_" + rand(string.ascii_letters, 34))
    print("sendgrid", "SG." + rand(B64URL, 22) + "." + rand(B64URL, 43))
    print("npm", "npm_" + rand(ALNUM, 36))
    for i in range(8):
        print("generic", i, rand(ALNUM, 32), rand(ALNUM + "!#%+-_=", 18))
    print("# jwts")
    print(jwt({"alg": "HS256", "typ": "JWT"},
              {"sub": "4f1c9a", "name": "ops-bot", "role": "admin", "iat": 1796371200}))
    print(jwt({"alg": "RS256", "typ": "JWT", "kid": "2026-q4"},
              {"iss": "https://auth.kestrel.io/", "sub": "auth0|6601f2", "aud": "api",
               "exp": 1796374800}, 256))
    print(jwt({"alg": "ES256", "typ": "JWT"}, {"sub": "svc-ingest", "scope": "write:events",
                                                "exp": 1796400000}, 64))
    print(jwt({"alg": "HS512", "typ": "JWT"}, {"uid": 90231, "tenant": "nordlicht",
                                                "iat": 1796300000}, 64))
    print("# pem")
    body = b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none\x00\x00\x00\x00\x00\x00\x00\x01"
    body += bytes(rng.randrange(256) for _ in range(330))
    b = base64.b64encode(body).decode()
    print("-----BEGIN OPENSSH PRIVATE KEY-----")
    for i in range(0, len(b), 70):
        print(b[i : i + 70])
    print("-----END OPENSSH PRIVATE KEY-----")
    body = bytes([0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00]) + bytes(rng.randrange(256) for _ in range(280))
    b = base64.b64encode(body).decode()
    print("-----BEGIN RSA PRIVATE KEY-----")
    for i in range(0, len(b), 64):
        print(b[i : i + 64])
    print("-----END RSA PRIVATE KEY-----")
    print("# ssn")
    for _ in range(6):
        a = rng.choice([x for x in range(1, 900) if x != 666])
        print(f"{a:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}")
    print("# hard-negative digests")
    print("sha256", rand("0123456789abcdef", 64))
    print("git", rand("0123456789abcdef", 40))
    print("uuid", "-".join(rand("0123456789abcdef", n) for n in (8, 4, 4, 4, 12)))
    print("ulid", rand("0123456789ABCDEFGHJKMNPQRSTVWXYZ", 26))
    print("fp", "SHA256:" + rand(ALNUM + "+/", 43))


if __name__ == "__main__":
    main()
