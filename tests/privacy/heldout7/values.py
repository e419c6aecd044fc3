"""Generate the values used in heldout7/texts.txt.

    /work/main/.venv/bin/python tests/privacy/heldout7/values.py          # prints every value

Seeded with a new seed (not the one of heldout2..6), so re-running prints the same values. Each
value has a name; texts.txt was first written with `@@name@@` place-holders (`@@name|nat@@` /
`@@name|intl@@` for a phone layout, `@@name|spaced@@` for an IBAN or a card in groups, `@@name|json@@`
for a PEM inside a JSON string) and the place-holders were then replaced once by these values, so
texts.txt holds plain text. Values typed by hand directly in texts.txt (human passwords, e-mail
addresses, dates of birth, a few IP addresses) are not generated here.

Secrets are random characters with each vendor's published prefix, length and alphabet: OpenAI
(project, legacy, admin), Anthropic (api03, admin01), xAI, Groq, Perplexity, OpenRouter, DeepSeek,
Mistral, Cohere, Together, Voyage, Jina, Tavily, Firecrawl, ElevenLabs, LangSmith, Pinecone,
Weights & Biases, Replicate, Hugging Face, Kaggle, Google API key / OAuth client secret / refresh
token, AWS, Azure client secret and storage key, Tencent Cloud, Alibaba Cloud, GitHub (classic,
fine-grained, OAuth), GitLab (PAT, runner), Bitbucket, Atlassian, Jenkins, Artifactory, SonarQube,
CircleCI, Docker Hub, npm, PyPI, Slack (bot, user, app-level, webhook), Discord bot, Telegram bot,
LINE, Kakao, Stripe (secret, restricted, webhook), Paystack, Square, Plaid, Braintree, Twilio,
SendGrid, Mailgun, Mailchimp, Resend, Postmark, HubSpot, Zendesk, Linear, Notion, Airtable, Asana,
Figma, Contentful, Shopify, DigitalOcean, Cloudflare, Vercel, Netlify, Render, Pulumi, Terraform
Cloud, Grafana, Datadog, Sentry, Vault, Dropbox, Postman, age; passwords in the styles people use;
PEM/OpenSSH private keys; JWTs with a base64url JSON header holding `alg`.

PII: phone numbers drawn from national patterns and kept only if `phonenumbers.is_valid_number`
accepts them for the region with the wanted type; cards with Luhn digits (Visa, Mastercard 5x and
2-series, Amex, Discover, JCB, Diners, UnionPay, Maestro); IBANs with mod-97 check digits for DE,
FR, ES, NL, BE, PL, AT, CH, GB, SE, PT, IE (random bank codes, national check digits not computed
except Belgium's); SSNs in valid ranges; IPv4/IPv6 host addresses.

Hard negatives: UUIDs, git SHAs, sha256 digests, bcrypt/argon2 hashes, build numbers, ISBN-13 with
a check digit, Luhn-invalid card-shaped numbers, IBAN-shaped strings with wrong check digits,
tracking numbers, SSH public keys, a certificate, OIDs.
"""

from __future__ import annotations

import base64
import json
import random
import string
import sys

import phonenumbers
from phonenumbers import PhoneNumberFormat as PNF
from phonenumbers import PhoneNumberType as PNT

rng = random.Random(20310402)
ALNUM = string.ascii_letters + string.digits
LOWER = string.ascii_lowercase
LOWER_ALNUM = LOWER + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
HEXU = HEX.upper()
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
BECH32U = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
CRYPT = "./" + string.digits + string.ascii_uppercase + string.ascii_lowercase
URLSAFE_PW = ALNUM + "-_."
SYM_PW = ALNUM + "!#%*+=?^~-_."


def rand(alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def digits(n: int) -> str:
    return rand(string.digits, n)


def randbytes(n: int) -> bytes:
    return bytes(rng.randrange(256) for _ in range(n))


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def b64u(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def uuid4() -> str:
    return "-".join([rand(HEX, 8), rand(HEX, 4), "4" + rand(HEX, 3), rng.choice("89ab") + rand(HEX, 3),
                     rand(HEX, 12)])


# ------------------------------------------------------------------ passwords

WORDS = ["anchovy", "bramble", "cinder", "dynamo", "falafel", "gondola", "hickory", "igloo", "jackal",
         "kumquat", "lagoon", "mango", "nectar", "oyster", "parsnip", "quokka", "rhubarb", "seltzer",
         "tamarind", "umber", "vortex", "wombat", "yodel", "zephyr", "biscuit", "canyon", "drizzle"]


def pw_human() -> str:
    """Word + year + symbol, the way people choose them."""
    return rng.choice(WORDS).capitalize() + str(rng.randint(1972, 2019)) + rng.choice("!#$*.?")


def pw_words() -> str:
    return "-".join(rng.choice(WORDS).capitalize() if i == 0 else rng.choice(WORDS) for i in range(3)) + digits(2)


def pw_rand(n: int = 16, alphabet: str = SYM_PW) -> str:
    while True:
        v = rng.choice(string.ascii_letters) + rand(alphabet, n - 1)
        if any(c.isdigit() for c in v) and any(c.isupper() for c in v) and any(c.islower() for c in v):
            return v


def pw_safe(n: int = 16) -> str:
    return pw_rand(n, URLSAFE_PW)


# ------------------------------------------------------------------ vendor shapes

def openai_proj() -> str:
    return "sk-proj-" + rand(B64URL, 74) + "T3BlbkFJ" + rand(B64URL, 74)


def openai_legacy() -> str:
    return "sk-" + rand(ALNUM, 20) + "T3BlbkFJ" + rand(ALNUM, 20)


def anthropic(kind: str = "api03") -> str:
    return f"sk-ant-{kind}-" + rand(B64URL, 93) + "AA"


def aws_id(prefix: str = "AKIA") -> str:
    return prefix + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)


def google_key() -> str:
    return "AIza" + rand(B64URL, 35)


def gh_fine() -> str:
    return "github_pat_11" + rand(UPPER_ALNUM, 20) + "_" + rand(ALNUM, 59)


def slack_bot() -> str:
    return f"xoxb-{digits(12)}-{digits(13)}-{rand(ALNUM, 24)}"


def slack_user() -> str:
    return f"xoxp-{digits(12)}-{digits(12)}-{digits(13)}-{rand(HEX, 32)}"


def slack_app() -> str:
    return f"xapp-1-A{rand(UPPER_ALNUM, 10)}-{digits(13)}-{rand(HEX, 64)}"


def slack_hook() -> str:
    return f"https://hooks.slack.com/services/T{rand(UPPER_ALNUM, 8)}/B{rand(UPPER_ALNUM, 10)}/{rand(ALNUM, 24)}"


def telegram() -> str:
    return f"{rng.randint(5000000000, 7999999999)}:AA{rand(B64URL, 33)}"


def discord_bot() -> str:
    uid = str(rng.randint(10**17, 10**18 - 1)).encode()
    return f"{b64(uid).rstrip('=')}.{rand(B64URL, 6)}.{rand(B64URL, 38)}"


def azure_secret() -> str:
    return rand(ALNUM, 3) + "8Q~" + rand(ALNUM + "~._-", 34)


def jwt(header: dict, payload: dict, sig_bytes: int = 32) -> str:
    h = b64u(json.dumps(header, separators=(",", ":")).encode())
    p = b64u(json.dumps(payload, separators=(",", ":")).encode())
    return f"{h}.{p}.{b64u(randbytes(sig_bytes))}"


def pem(label: str, prefix: bytes, n: int, width: int = 64) -> str:
    body = b64(prefix + randbytes(n))
    lines = [f"-----BEGIN {label}-----"]
    lines += [body[i: i + width] for i in range(0, len(body), width)]
    lines.append(f"-----END {label}-----")
    return "\n".join(lines)


def rsa_private() -> str:
    return pem("RSA PRIVATE KEY", bytes([0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01, 0x00]),
               1180)


def openssh_private() -> str:
    return pem("OPENSSH PRIVATE KEY", b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none\x00\x00\x00\x00"
               b"\x00\x00\x00\x01\x00\x00\x003\x00\x00\x00\x0bssh-ed25519\x00\x00\x00 ", 250, 70)


def pkcs8_ec() -> str:
    return pem("PRIVATE KEY", bytes([0x30, 0x81, 0x87, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                     0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01,
                                     0x07, 0x04, 0x6d, 0x30, 0x6b, 0x02, 0x01, 0x01, 0x04, 0x20]), 104)


def cert_pem() -> str:
    head = bytes([0x30, 0x82, 0x03, 0x8d, 0x30, 0x82, 0x02, 0x75, 0xa0, 0x03, 0x02, 0x01, 0x02])
    return pem("CERTIFICATE", head, 640)


# ------------------------------------------------------------------ PII

def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return str((10 - total % 10) % 10)


def card(prefix: str, length: int, valid: bool = True) -> str:
    body = prefix + digits(length - len(prefix) - 1)
    check = luhn_digit(body)
    if not valid:
        check = str((int(check) + rng.randint(1, 9)) % 10)
    return body + check


def group_card(num: str) -> str:
    if len(num) == 15:
        return f"{num[:4]} {num[4:10]} {num[10:]}"
    if len(num) == 14:
        return f"{num[:4]} {num[4:10]} {num[10:]}"
    return " ".join(num[i:i + 4] for i in range(0, len(num), 4))


def iban(cc: str, bban: str, valid: bool = True) -> str:
    num = "".join(str(int(c, 36)) for c in bban + cc + "00")
    check = 98 - int(num) % 97
    if not valid:
        check = (check + rng.randint(1, 40)) % 97 + 2
    return f"{cc}{check:02d}{bban}"


def be_bban() -> str:
    base = digits(10)
    mod = int(base) % 97
    return base + f"{mod or 97:02d}"


def spaced(v: str) -> str:
    return " ".join(v[i:i + 4] for i in range(0, len(v), 4))


def fill(pattern: str) -> str:
    pools = {"X": string.digits, "N": "23456789", "M": "123456789"}
    return "".join(rng.choice(pools[ch]) if ch in pools else ch for ch in pattern)


def phone(region: str, pattern: str, want: object) -> dict[str, str]:
    for _ in range(5000):
        n = phonenumbers.parse(fill(pattern), region)
        if not phonenumbers.is_valid_number(n) or phonenumbers.region_code_for_number(n) != region:
            continue
        if want is not None and phonenumbers.number_type(n) not in (want, PNT.FIXED_LINE_OR_MOBILE):
            continue
        if region in ("US", "CA"):
            ex = str(n.national_number)[3:6]
            if ex[1:] == "11" or ex == "555":
                continue
        return {"": phonenumbers.format_number(n, PNF.E164), "nat": phonenumbers.format_number(n, PNF.NATIONAL),
                "intl": phonenumbers.format_number(n, PNF.INTERNATIONAL)}
    raise SystemExit(f"no valid number for {region} {pattern}")


def ssn() -> str:
    while True:
        a = rng.randint(1, 899)
        if a != 666:
            return f"{a:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def ipv4_public() -> str:
    while True:
        a = rng.choice([23, 31, 37, 45, 46, 51, 62, 77, 78, 81, 85, 91, 94, 109, 141, 145, 151, 152, 159, 176, 178,
                        185, 188, 193, 195, 203, 212, 213, 217])
        return f"{a}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def ipv4_private() -> str:
    k = rng.randrange(3)
    if k == 0:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"
    if k == 1:
        return f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"
    return f"192.168.{rng.randint(0, 255)}.{rng.randint(2, 254)}"


def ipv6_global() -> str:
    head = rng.choice(["2a02", "2a01", "2001", "2600", "2804", "2405", "2a0d"])
    groups = [head, rand(HEX, 4).lstrip("0") or "0", rand(HEX, 4).lstrip("0") or "0"]
    tail = [rand(HEX, 4).lstrip("0") or "1" for _ in range(3)]
    return ":".join(groups) + "::" + ":".join(tail)


# ------------------------------------------------------------------ the values, in a fixed order

PHONES = [
    ("ph_gb1", "GB", "07NXXXXXXXX", PNT.MOBILE), ("ph_gb2", "GB", "020NXXXXXXX", PNT.FIXED_LINE),
    ("ph_us1", "US", "NXXNXXXXXX", None), ("ph_us2", "US", "NXXNXXXXXX", None),
    ("ph_de1", "DE", "015XXXXXXXXX", PNT.MOBILE), ("ph_de2", "DE", "030XXXXXXXX", PNT.FIXED_LINE),
    ("ph_fr1", "FR", "06XXXXXXXX", PNT.MOBILE), ("ph_fr2", "FR", "01XXXXXXXX", PNT.FIXED_LINE),
    ("ph_es1", "ES", "6XXXXXXXX", PNT.MOBILE), ("ph_it1", "IT", "3XXXXXXXXX", PNT.MOBILE),
    ("ph_nl1", "NL", "06XXXXXXXX", PNT.MOBILE), ("ph_pl1", "PL", "5XXXXXXXX", PNT.MOBILE),
    ("ph_br1", "BR", "119XXXXXXXX", PNT.MOBILE), ("ph_mx1", "MX", "55XXXXXXXX", None),
    ("ph_in1", "IN", "9XXXXXXXXX", PNT.MOBILE), ("ph_jp1", "JP", "090XXXXXXXX", PNT.MOBILE),
    ("ph_kr1", "KR", "010XXXXXXXX", PNT.MOBILE), ("ph_cn1", "CN", "13XXXXXXXXX", PNT.MOBILE),
    ("ph_tr1", "TR", "05XXXXXXXXX", PNT.MOBILE), ("ph_au1", "AU", "04XXXXXXXX", PNT.MOBILE),
    ("ph_za1", "ZA", "08XXXXXXXX", PNT.MOBILE), ("ph_ng1", "NG", "080XXXXXXXX", PNT.MOBILE),
    ("ph_id1", "ID", "0812XXXXXXXX", PNT.MOBILE), ("ph_vn1", "VN", "09XXXXXXXX", PNT.MOBILE),
    ("ph_se1", "SE", "07XXXXXXXX", PNT.MOBILE), ("ph_ae1", "AE", "05XXXXXXXX", PNT.MOBILE),
    ("ph_ru1", "RU", "9XXXXXXXXX", PNT.MOBILE), ("ph_ua1", "UA", "067XXXXXXX", PNT.MOBILE),
    ("ph_cz1", "CZ", "6XXXXXXXX", PNT.MOBILE), ("ph_gr1", "GR", "69XXXXXXXX", PNT.MOBILE),
    ("ph_il1", "IL", "05XXXXXXXX", PNT.MOBILE), ("ph_th1", "TH", "08XXXXXXXX", PNT.MOBILE),
    ("ph_eg1", "EG", "01XXXXXXXXX", PNT.MOBILE), ("ph_ca1", "CA", "NXXNXXXXXX", None),
    ("ph_ch1", "CH", "07XXXXXXXX", PNT.MOBILE), ("ph_ar1", "AR", "911XXXXXXXX", PNT.MOBILE),
    ("ph_de3", "DE", "089XXXXXXX", PNT.FIXED_LINE), ("ph_us3", "US", "NXXNXXXXXX", None),
    ("ph_pt1", "PT", "9XXXXXXXX", PNT.MOBILE), ("ph_ie1", "IE", "08XXXXXXXX", PNT.MOBILE),
]


def build() -> dict[str, str]:  # one long table on purpose
    V: dict[str, str] = {}

    def put(name: str, value: str) -> None:
        assert name not in V, name
        V[name] = value

    # --- LLM vendors
    for i in range(1, 6):
        put(f"openai_proj{i}", openai_proj())
    put("openai_legacy1", openai_legacy())
    put("openai_legacy2", openai_legacy())
    put("openai_admin", "sk-admin-" + rand(B64URL, 74) + "T3BlbkFJ" + rand(B64URL, 74))
    for i in range(1, 5):
        put(f"anthropic{i}", anthropic())
    put("anthropic_admin", anthropic("admin01"))
    put("xai1", "xai-" + rand(ALNUM, 80))
    put("groq1", "gsk_" + rand(ALNUM, 52))
    put("groq2", "gsk_" + rand(ALNUM, 52))
    put("pplx1", "pplx-" + rand(ALNUM, 48))
    put("openrouter1", "sk-or-v1-" + rand(HEX, 64))
    put("deepseek1", "sk-" + rand(HEX, 32))
    put("mistral1", rand(ALNUM, 32))
    put("cohere1", rand(ALNUM, 40))
    put("together1", rand(HEX, 64))
    put("voyage1", "pa-" + rand(B64URL, 43))
    put("jina1", "jina_" + rand(HEX, 32) + rand(ALNUM, 28))
    put("tavily1", "tvly-dev-" + rand(ALNUM, 32))
    put("firecrawl1", "fc-" + rand(HEX, 32))
    put("elevenlabs1", "sk_" + rand(HEX, 48))
    put("langsmith1", "lsv2_pt_" + rand(HEX, 32) + "_" + rand(HEX, 10))
    put("pinecone1", "pcsk_" + rand(ALNUM, 6) + "_" + rand(ALNUM, 63))
    put("wandb1", rand(HEX, 40))
    put("replicate1", "r8_" + rand(ALNUM, 37))
    put("hf1", "hf_" + rand(string.ascii_letters, 34))
    put("hf2", "hf_" + rand(string.ascii_letters, 34))
    put("hf3", "hf_" + rand(string.ascii_letters, 34))
    put("kaggle1", rand(HEX, 32))
    put("gemini1", google_key())
    put("gemini2", google_key())
    put("gmaps1", google_key())

    # --- cloud
    for i in range(1, 5):
        put(f"aws_id{i}", aws_id())
        put(f"aws_secret{i}", rand(B64, 40))
    put("google_oauth_secret", "GOCSPX-" + rand(B64URL, 28))
    put("google_refresh", "1//0g" + rand(B64URL, 98))
    put("google_access", "ya29.a0AZYk" + rand(B64URL, 180))
    put("azure_secret1", azure_secret())
    put("azure_secret2", azure_secret())
    put("azure_storage1", b64(randbytes(64)))
    put("azure_openai1", rand(HEX, 32))
    put("tencent_id", "AKID" + rand(ALNUM, 32))
    put("tencent_key", rand(ALNUM, 32))
    put("aliyun_id", "LTAI5t" + rand(ALNUM, 18))
    put("aliyun_secret", rand(ALNUM, 30))
    put("do_token", "dop_v1_" + rand(HEX, 64))
    put("cf_token", rand(B64URL, 40))
    put("vercel1", rand(ALNUM, 24))
    put("netlify1", "nfp_" + rand(ALNUM, 36))
    put("render1", "rnd_" + rand(ALNUM, 28))
    put("pulumi1", "pul-" + rand(HEX, 40))
    put("tfc1", rand(ALNUM, 14) + ".atlasv1." + rand(ALNUM, 67))
    put("vault1", "hvs.CAESI" + rand(B64URL, 86))
    put("vault_pw", pw_words())
    put("age1", "AGE-SECRET-KEY-1" + rand(BECH32U, 58))

    # --- code hosting, CI, registries
    for i in range(1, 5):
        put(f"ghp{i}", "ghp_" + rand(ALNUM, 36))
    put("gh_fine1", gh_fine())
    put("gh_fine2", gh_fine())
    put("gho1", "gho_" + rand(ALNUM, 36))
    put("glpat1", "glpat-" + rand(B64URL, 20))
    put("glpat2", "glpat-" + rand(B64URL, 20))
    put("glrt1", "glrt-" + rand(B64URL, 20))
    put("bitbucket1", "ATBB" + rand(ALNUM, 32))
    put("atlassian1", "ATATT3xFfGF0" + rand(B64URL, 170) + "=" + rand(HEXU, 8))
    put("jenkins1", "11" + rand(HEX, 32))
    put("artifactory1", "AKCp8" + rand(ALNUM, 68))
    put("sonar1", "squ_" + rand(HEX, 40))
    put("circleci1", "CCIPAT_" + rand(ALNUM, 22) + "_" + rand(HEX, 40))
    put("dockerhub1", "dckr_pat_" + rand(B64URL, 27))
    put("npm1", "npm_" + rand(ALNUM, 36))
    put("pypi1", "pypi-AgEIcHlwaS5vcmc" + rand(B64URL, 150))
    put("postman1", f"PMAK-{rand(HEX, 24)}-{rand(HEX, 34)}")

    # --- chat & messaging
    put("slack_bot1", slack_bot())
    put("slack_bot2", slack_bot())
    put("slack_user1", slack_user())
    put("slack_app1", slack_app())
    put("slack_hook1", slack_hook())
    put("discord1", discord_bot())
    put("telegram1", telegram())
    put("telegram2", telegram())
    put("line1", rand(B64, 171) + "=")
    put("line_secret", rand(HEX, 32))
    put("kakao1", rand(HEX, 32))
    put("naver_secret", rand(ALNUM, 10))
    put("wechat_secret", rand(HEX, 32))

    # --- payments
    put("stripe_live1", "sk_live_51" + rand(ALNUM, 97))
    put("stripe_live2", "sk_live_51" + rand(ALNUM, 97))
    put("stripe_rk1", "rk_live_51" + rand(ALNUM, 97))
    put("stripe_whsec1", "whsec_" + rand(ALNUM, 32))
    put("stripe_whsec2", "whsec_" + rand(ALNUM, 32))
    put("paystack1", "sk_live_" + rand(HEX, 40))
    put("square1", "EAAA" + rand(B64URL, 60))
    put("plaid1", rand(HEX, 30))
    put("braintree1", rand(HEX, 32))

    # --- SaaS
    put("twilio_auth1", rand(HEX, 32))
    put("sendgrid1", "SG." + rand(B64URL, 22) + "." + rand(B64URL, 43))
    put("mailgun1", rand(HEX, 32) + "-" + rand(HEX, 8) + "-" + rand(HEX, 8))
    put("mailchimp1", rand(HEX, 32) + "-us21")
    put("resend1", "re_" + rand(ALNUM, 8) + "_" + rand(ALNUM, 24))
    put("postmark1", uuid4())
    put("hubspot1", "pat-eu1-" + uuid4())
    put("zendesk1", rand(ALNUM, 40))
    put("linear1", "lin_api_" + rand(ALNUM, 40))
    put("notion1", "ntn_" + digits(11) + rand(ALNUM, 35))
    put("airtable1", "pat" + rand(ALNUM, 14) + "." + rand(HEX, 64))
    put("asana1", f"2/{digits(16)}/{digits(16)}:{rand(HEX, 32)}")
    put("figma1", "figd_" + rand(B64URL, 40))
    put("contentful1", "CFPAT-" + rand(B64URL, 43))
    put("shopify1", "shpat_" + rand(HEX, 32))
    put("grafana1", "glsa_" + rand(ALNUM, 32) + "_" + rand(HEX, 8))
    put("datadog_api1", rand(HEX, 32))
    put("datadog_app1", rand(HEX, 40))
    put("sentry_user1", "sntryu_" + rand(HEX, 64))
    put("dropbox1", "sl.u." + rand(B64URL, 140))
    put("okta1", "00" + rand(B64URL, 40))
    put("auth0_secret1", rand(B64URL, 64))
    put("zoom_secret1", rand(ALNUM, 32))
    put("salesforce_secret1", rand(HEXU, 64))
    put("salesforce_token1", rand(ALNUM, 25))
    put("oauth_access1", rand(B64URL, 43))
    put("oauth_refresh1", rand(B64URL, 64))
    put("oauth_access2", "gho_" + rand(ALNUM, 36))
    put("oauth_refresh2", "ghr_" + rand(ALNUM, 76))
    put("webhook_secret1", rand(HEX, 40))
    put("buildbuddy1", rand(ALNUM, 20))

    # --- opaque tokens and passwords
    for i in range(1, 31):
        put(f"pw_rand{i}", pw_rand(rng.choice([12, 14, 16, 18, 20, 24])))
    for i in range(1, 11):
        put(f"pw_safe{i}", pw_safe(rng.choice([16, 20, 24, 32])))
    for i in range(1, 11):
        put(f"pw_human{i}", pw_human())
    for i in range(1, 6):
        put(f"pw_words{i}", pw_words())
    for i in range(1, 11):
        put(f"tok_hex{i}", rand(HEX, rng.choice([32, 40, 64])))
    for i in range(1, 11):
        put(f"tok_b64u{i}", rand(B64URL, rng.choice([32, 43, 48])))
    put("django_secret1", rand(LOWER_ALNUM + "!@#$%^&*(-_=+)", 50))
    put("fernet1", b64u(randbytes(32)) + "=")
    put("session1", rand(LOWER_ALNUM, 32))
    put("basic1_pw", pw_rand(18))
    put("basic1", b64(("svc-report:" + V["basic1_pw"]).encode()))
    put("totp1", rand(B32, 32))

    # --- key material
    put("rsa1", rsa_private())
    put("openssh1", openssh_private())
    put("ec1", pkcs8_ec())

    # --- JWTs
    put("jwt_hs1", jwt({"alg": "HS256", "typ": "JWT"},
                       {"sub": "u_" + digits(6), "role": "admin", "iat": 1764489600, "exp": 1764576000}))
    put("jwt_rs1", jwt({"alg": "RS256", "typ": "JWT", "kid": rand(B64URL, 16)},
                       {"iss": "https://auth.kestrelpay.io/", "sub": "auth0|" + rand(HEX, 24),
                        "aud": "https://api.kestrelpay.io", "iat": 1764921000, "exp": 1765007400,
                        "scope": "openid profile email"}, 256))
    put("jwt_es1", jwt({"alg": "ES256", "typ": "JWT"},
                       {"sub": digits(9), "tenant": "nl-ams", "iat": 1764830000, "exp": 1764833600}, 64))
    put("jwt_hs2", jwt({"alg": "HS256", "typ": "JWT"},
                       {"user_id": rng.randint(1000, 99999), "email_verified": True, "iat": 1764700000,
                        "exp": 1765304800}))
    put("jwt_supabase", jwt({"alg": "HS256", "typ": "JWT"},
                            {"iss": "supabase", "ref": rand(LOWER, 20), "role": "service_role", "iat": 1749032811,
                             "exp": 2064608811}))
    put("jwt_rs2", jwt({"alg": "RS256", "kid": rand(HEX, 40)},
                       {"aud": "api://default", "iss": "https://login.microsoftonline.com/" + uuid4() + "/v2.0",
                        "iat": 1764912000, "exp": 1764915600, "oid": uuid4()}, 256))

    # --- URL credentials (passwords)
    put("url_pw1", pw_safe(20))
    put("url_pw2", pw_rand(16, ALNUM))
    put("neon_pw", "npg_" + rand(ALNUM, 12))
    put("upstash_pw", "A" + rand(B64URL, 59))
    put("url_pw3", pw_safe(24))
    put("cloudinary_key", digits(15))
    put("cloudinary_secret", rand(B64URL, 27))

    # --- phones
    for name, region, pattern, want in PHONES:
        for layout, value in phone(region, pattern, want).items():
            put(name + (f"|{layout}" if layout else ""), value)

    # --- cards
    cards = [("cc_visa1", "4", 16), ("cc_visa2", "4", 16), ("cc_mc1", "5" + str(rng.randint(1, 5)), 16),
             ("cc_mc2", "22" + str(rng.randint(21, 99)), 16), ("cc_amex1", "37", 15), ("cc_amex2", "34", 15),
             ("cc_disc1", "6011", 16), ("cc_jcb1", "35" + str(rng.randint(28, 89)), 16),
             ("cc_diners1", "36", 14), ("cc_unionpay1", "62", 16), ("cc_maestro1", "6759", 19),
             ("cc_visa3", "4", 16), ("cc_mc3", "5" + str(rng.randint(1, 5)), 16)]
    for name, prefix, length in cards:
        num = card(prefix, length)
        put(name, num)
        put(name + "|spaced", group_card(num))
    put("neg_cc_bad1", card("4", 16, valid=False))
    put("neg_cc_bad2", card("5" + str(rng.randint(1, 5)), 16, valid=False))

    # --- IBANs
    ibans = [("iban_de1", "DE", digits(18)), ("iban_de2", "DE", digits(18)), ("iban_fr1", "FR", digits(10) +
             rand(UPPER_ALNUM, 11) + digits(2)), ("iban_es1", "ES", digits(20)),
             ("iban_nl1", "NL", rng.choice(["RABO", "INGB", "ABNA", "TRIO"]) + digits(10)),
             ("iban_be1", "BE", be_bban()), ("iban_pl1", "PL", digits(24)), ("iban_at1", "AT", digits(16)),
             ("iban_ch1", "CH", digits(5) + rand(UPPER_ALNUM, 12)), ("iban_gb1", "GB", rng.choice(["NWBK", "BARC",
             "HBUK", "MIDL"]) + digits(14)), ("iban_se1", "SE", digits(20)), ("iban_pt1", "PT", digits(21)),
             ("iban_ie1", "IE", "AIBK" + digits(14))]
    for name, cc, bban in ibans:
        v = iban(cc, bban)
        put(name, v)
        put(name + "|spaced", spaced(v))
    put("neg_iban_bad1", iban("DE", digits(18), valid=False))

    # --- SSNs, IPs
    for i in range(1, 7):
        put(f"ssn{i}", ssn())
    for i in range(1, 16):
        put(f"ip_pub{i}", ipv4_public())
    for i in range(1, 16):
        put(f"ip_priv{i}", ipv4_private())
    for i in range(1, 5):
        put(f"ip6_{i}", ipv6_global())

    # --- hard negatives
    for i in range(1, 11):
        put(f"neg_uuid{i}", uuid4())
    for i in range(1, 11):
        put(f"neg_sha{i}", rand(HEX, 40))
    for i in range(1, 6):
        put(f"neg_sha256_{i}", rand(HEX, 64))
    put("neg_bcrypt1", "$2b$12$" + rand(CRYPT, 53))
    put("neg_argon1", "$argon2id$v=19$m=65536,t=3,p=4$" + b64(randbytes(16)).rstrip("=") + "$"
        + b64(randbytes(32)).rstrip("="))
    put("neg_sshpub1", "ssh-ed25519 " + b64(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + randbytes(32)))
    put("neg_cert1", cert_pem())
    isbn12 = "978" + digits(9)
    s = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(isbn12))
    put("neg_isbn1", isbn12 + str((10 - s % 10) % 10))
    put("neg_ups1", "1Z" + rand(UPPER_ALNUM, 6) + digits(10))
    put("neg_order1", digits(3) + "-" + digits(7) + "-" + digits(7))
    put("neg_b64_16", b64(randbytes(16)))
    put("neg_pk_live", "pk_live_51" + rand(ALNUM, 97))
    put("neg_ga", f"GA1.1.{rng.randint(10**8, 10**10)}.{rng.randint(1700000000, 1764000000)}")
    put("neg_hex32", rand(HEX, 32))
    # appended after the first draft (earlier values unchanged)
    put("neg_naver_cid", rand(ALNUM, 20))
    put("neg_wechat_appid", "wx" + rand(HEX, 16))
    put("neg_twilio_sid", "AC" + rand(HEX, 32))
    put("neg_az_appid", uuid4())
    put("neg_az_tenant", uuid4())
    put("neg_minisign", "RWQ" + b64(randbytes(39)))
    put("neg_cursor", b64u(json.dumps({"page": 4, "sort": "created_at"}, separators=(",", ":")).encode()))
    put("neg_ga4", "G-" + rand(UPPER_ALNUM, 10))
    put("neg_algolia_appid", rand(UPPER_ALNUM, 10))
    put("glpat3", "glpat-" + rand(B64URL, 20))
    put("neg_md5", rand(HEX, 32))
    return V


def render(V: dict[str, str], name: str, mod: str = "") -> str:
    """Value for a `@@name@@` / `@@name|mod@@` place-holder."""
    if mod == "json":
        return V[name].replace("\n", "\\n")
    if mod:
        return V[f"{name}|{mod}"]
    return V[name]


def main() -> None:
    for name, value in build().items():
        if "\n" in value:
            print(name)
            print("    " + value.replace("\n", "\n    "))
        else:
            print(name, value, sep="\t")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        raise SystemExit("no arguments")
    main()
