"""Generate the values used in heldout6/texts.txt.

    /work/main/.venv/bin/python tests/privacy/heldout6/values.py          # prints every value

Seeded with a new seed (not the one of heldout2/3/4/5), so re-running prints the same values. Each
value has a name; texts.txt was first written with `@@name@@` place-holders (`@@name|json@@` for a
PEM inside a JSON string, `@@name|nat@@` / `|intl@@` for a phone layout, `@@name|spaced@@` for an
IBAN in groups of four) and the place-holders were then replaced once by these values, so texts.txt
holds plain text. Values typed by hand directly in texts.txt (a dozen passwords, e-mail addresses,
IP addresses, the date of birth) are not generated here.

This set is about credentials, so most generators are vendor-shaped secrets: random characters with
each vendor's published prefix, length and alphabet (OpenAI project/service-account, Anthropic,
Mistral, Cohere, Pinecone, LangSmith, Hugging Face, Replicate, Google API keys and OAuth access
tokens, AWS long-term and STS keys, Azure storage / Redis keys and client secrets, Alibaba Cloud,
Yandex Cloud, GitHub, GitLab, Azure DevOps, Bitbucket, Gitea, Docker Hub, npm, crates.io, RubyGems,
Slack, Discord, Telegram, Stripe, PayPal, Razorpay, Mercado Pago, iyzico, Twilio, SendGrid, Brevo,
Datadog, PagerDuty, Sentry, New Relic, Papertrail, Doppler, Vault, Consul, Tailscale, Cloudflare
tunnel tokens (real base64 JSON), Supabase, Clerk, Auth0, Okta, Algolia, Mapbox (real base64 JSON
body), OVH, Shopware, Databricks); passwords in the styles people use; framework secrets (Rails
`secret_key_base` and Active Record encryption keys, Laravel `APP_KEY`, ASP.NET machineKey,
WordPress salts, JWT signing keys); network secrets (WireGuard private/pre-shared keys with clamped
scalars, an OpenVPN static key, a WPA PSK derived with the real PBKDF2 from passphrase and SSID,
Cisco type-7 strings made with the real type-7 encoding, SNMP communities, a FRITZ!Box key); key
material (OpenSSH, PKCS#8, PGP private blocks, a PuTTY v3 `.ppk` with correct blob structure, an
Ed25519 JWK, a base64 PEM for a kubeconfig); 2FA material (TOTP seeds, recovery codes); a BIP39
mnemonic (words from the BIP39 English list, checksum not computed); base64-encoded credentials
(Basic, SMTP AUTH PLAIN/LOGIN); JWTs with base64url JSON headers containing `alg`.

Hard negatives are generated too: hashes (bcrypt, apr1, {SHA}, sha512-crypt, yescrypt, md5-crypt,
Cisco type 9, SCRAM-SHA-256, MySQL native), fingerprints, public keys (SSH, WireGuard, age, PEM
public key, JWKS modulus, certificates, xpub), encrypted blobs (Ansible Vault, SOPS, SealedSecrets,
Jasypt, Spring `{cipher}`, eyaml), UUIDs, SHAs, digests, ETags, SRI/CSP hashes and nonces, OAuth
state/PKCE, Stripe/Twilio/Slack/Spotify/YouTube/Figma ids, AWS ids, publishable keys (Stripe,
reCAPTCHA, Datadog RUM, Sentry DSN key, Mapbox `pk.`, Clerk `pk_live_`, RevenueCat), Vault and
Consul accessors, a truncated JWT header.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
import sys

import phonenumbers
from phonenumbers import PhoneNumberFormat as PNF
from phonenumbers import PhoneNumberType as PNT

rng = random.Random(20290917)
ALNUM = string.ascii_letters + string.digits
LOWER = string.ascii_lowercase
LOWER_ALNUM = LOWER + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
HEXU = HEX.upper()
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
CRYPT = "./" + string.digits + string.ascii_uppercase + string.ascii_lowercase
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
URLSAFE_PW = ALNUM + "-_."
SYM_PW = ALNUM + "!#*+=?^~-_."


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

WORDS = ["pelican", "tundra", "lantern", "marble", "saffron", "quarry", "harbor", "juniper", "cobalt",
         "walrus", "meadow", "copper", "falcon", "orchid", "thistle", "glacier", "pepper", "nimbus",
         "kestrel", "ember", "basalt", "willow", "otter", "mosaic", "radish", "sparrow", "velvet"]


def pw_human() -> str:
    """Word + year + symbol, the way people choose them."""
    return rng.choice(WORDS).capitalize() + str(rng.randint(1971, 2016)) + rng.choice("!#*.?")


def pw_words() -> str:
    return "-".join(rng.choice(WORDS).capitalize() if i == 0 else rng.choice(WORDS) for i in range(3)) + digits(2)


def pw_rand(n: int = 16, alphabet: str = SYM_PW) -> str:
    while True:
        v = rng.choice(string.ascii_letters) + rand(alphabet, n - 1)
        if any(c.isdigit() for c in v) and any(c.isupper() for c in v):
            return v


def pw_safe(n: int = 16) -> str:
    return pw_rand(n, URLSAFE_PW)


# ------------------------------------------------------------------ vendor shapes

def openai_proj() -> str:
    return "sk-proj-" + rand(B64URL, 74) + "T3BlbkFJ" + rand(B64URL, 74)


def openai_svcacct() -> str:
    return "sk-svcacct-" + rand(B64URL, 74) + "T3BlbkFJ" + rand(B64URL, 74)


def anthropic() -> str:
    return "sk-ant-api03-" + rand(B64URL, 93) + "AA"


def aws_id(prefix: str = "AKIA") -> str:
    return prefix + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)


def aws_secret() -> str:
    return rand(B64, 40)


def google_key() -> str:
    return "AIza" + rand(B64URL, 35)


def mapbox_token(kind: str, user: str) -> str:
    body = b64u(json.dumps({"u": user, "a": "cm" + rand(LOWER_ALNUM, 23)}, separators=(",", ":")).encode())
    return f"{kind}.{body}.{rand(B64URL, 22)}"


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


def cert_pem() -> str:
    head = bytes([0x30, 0x82, 0x05, 0x12, 0x30, 0x82, 0x03, 0xfa, 0xa0, 0x03, 0x02, 0x01, 0x02])
    return pem("CERTIFICATE", head, 900)


def openssh_private() -> str:
    return pem("OPENSSH PRIVATE KEY", b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none\x00\x00\x00\x00"
               b"\x00\x00\x00\x01\x00\x00\x003\x00\x00\x00\x0bssh-ed25519\x00\x00\x00 ", 250, 70)


def pkcs8_private() -> str:
    return pem("PRIVATE KEY", bytes([0x30, 0x82, 0x04, 0xbe, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86,
                                     0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00]), 880)


def ec_private() -> str:
    return pem("EC PRIVATE KEY", bytes([0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20]), 114)


def pgp_private() -> str:
    body = b64(bytes([0x94, 0x58, 0x04]) + randbytes(700))
    lines = ["-----BEGIN PGP PRIVATE KEY BLOCK-----", ""]
    lines += [body[i: i + 64] for i in range(0, len(body), 64)]
    lines += ["=" + rand(B64, 4), "-----END PGP PRIVATE KEY BLOCK-----"]
    return "\n".join(lines)


def ppk_ed25519() -> str:
    def sshstr(b: bytes) -> bytes:
        return len(b).to_bytes(4, "big") + b

    pub = b64(sshstr(b"ssh-ed25519") + sshstr(randbytes(32)))
    priv = b64(sshstr(randbytes(32)))
    return "\n".join(["PuTTY-User-Key-File-3: ssh-ed25519", "Encryption: none", "Comment: eddsa-key-20250311",
                      "Public-Lines: 2", pub[:64], pub[64:], "Private-Lines: 1", priv,
                      "Private-MAC: " + rand(HEX, 64)])


def ovpn_static() -> str:
    lines = ["-----BEGIN OpenVPN Static key V1-----"]
    lines += [rand(HEX, 32) for _ in range(16)]
    lines.append("-----END OpenVPN Static key V1-----")
    return "\n".join(lines)


def wg_private() -> str:
    k = bytearray(randbytes(32))
    k[0] &= 248
    k[31] = (k[31] & 127) | 64
    return b64(bytes(k))


CISCO7 = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def cisco7(plain: str) -> str:
    seed = rng.randint(0, 15)
    return f"{seed:02d}" + "".join(f"{ord(c) ^ ord(CISCO7[(seed + i) % len(CISCO7)]):02X}" for i, c in enumerate(plain))


def b64_pem_text(pem_text: str) -> str:
    return b64((pem_text + "\n").encode())


def base58(n: int) -> str:
    return rand(B58, n)


BIP39 = """abandon ability able about above absent absorb abstract absurd abuse access accident account accuse
achieve acid acoustic acquire across act action actor actress actual adapt add addict address adjust admit
adult advance advice aerobic affair afford afraid again age agent agree ahead aim air airport aisle alarm
album alcohol alert alien all alley allow almost alone alpha already also alter always amateur amazing
among amount amused analyst anchor ancient anger angle angry animal ankle announce annual another answer
antenna antique anxiety any apart apology appear apple approve april arch arctic area arena argue arm
armed armor army around arrange arrest arrive arrow art artefact artist artwork ask aspect assault asset
assist assume asthma athlete atom attack attend attitude attract auction audit august aunt author auto
autumn average avocado avoid awake aware away awesome awful awkward axis velvet vendor venture venue verb
verify version very vessel veteran viable vibrant vicious victory video view village vintage violin
virtual virus visa visit visual vital vivid vocal voice void volcano volume vote voyage wage wagon wait
walk wall walnut want warfare warm warrior wash wasp waste water wave way wealth weapon wear weasel
weather web wedding weekend weird welcome west wet whale what wheat wheel when where whip whisper wide
width wife wild will win window wine wing wink winner winter wire wisdom wise wish witness wolf woman
wonder wood wool word work world worry worth wrap wreck wrestle wrist write wrong yard year yellow you
young youth zebra zero zone zoo""".split()


# ------------------------------------------------------------------ IBAN, phones

def it_iban() -> str:
    abi, cab, acct = digits(5), digits(5), digits(12)
    odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
    s = abi + cab + acct
    total = sum(odd[int(ch)] if i % 2 == 0 else int(ch) for i, ch in enumerate(s))
    bban = chr(ord("A") + total % 26) + s
    num = "".join(str(int(c, 36)) for c in bban + "IT00")
    return f"IT{98 - int(num) % 97:02d}{bban}"


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
        if region == "US":
            ex = str(n.national_number)[3:6]
            if ex[1:] == "11" or ex == "555":
                continue
        return {"": phonenumbers.format_number(n, PNF.E164), "nat": phonenumbers.format_number(n, PNF.NATIONAL),
                "intl": phonenumbers.format_number(n, PNF.INTERNATIONAL)}
    raise SystemExit(f"no valid number for {region} {pattern}")


# ------------------------------------------------------------------ the values, in a fixed order

def build() -> dict[str, str]:  # one long table on purpose
    V: dict[str, str] = {}

    def put(name: str, value: str) -> None:
        assert name not in V, name
        V[name] = value

    # --- secrets (labelled)
    put("gmaps_key", google_key())
    put("slack_bot_notifier", f"xoxb-{digits(12)}-{digits(13)}-{rand(ALNUM, 24)}")
    put("basic_opsbot_pw", pw_rand(18))
    put("basic_opsbot", b64(("ops-bot:" + V["basic_opsbot_pw"]).encode()))
    put("django_sid1", rand(LOWER_ALNUM, 32))
    put("anthropic_har", anthropic())
    put("twilio_auth1", rand(HEX, 32))
    put("vault_token_insomnia", "hvs." + rand(ALNUM, 24))
    put("gcp_ya29", "ya29.a0AeXRPp" + rand(B64URL, 190))
    put("glpat_ci", "glpat-" + rand(B64URL, 20))
    put("dockerhub_pat", "dckr_pat_" + rand(B64URL, 27))
    put("npm_circle", "npm_" + rand(ALNUM, 36))
    put("paypal_secret", "E" + rand(B64URL, 79))
    put("buildkite_agent", rand(LOWER_ALNUM, 50))
    put("mailgun_smtp_pw", pw_rand(20))
    put("sendgrid_cm", "SG." + rand(B64URL, 22) + "." + rand(B64URL, 43))
    put("pg_helm_app", pw_rand(20))
    put("pg_helm_repl", pw_rand(24))
    put("argocd_initial", rand(ALNUM + "-_", 16))
    put("azure_stor_primary", b64(randbytes(64)))
    put("azure_stor_secondary", b64(randbytes(64)))
    put("ansible_mysql_root", pw_rand(22))
    put("newrelic_license", rand(HEX, 36) + "NRAL")
    put("aws_id_backup", aws_id())
    put("aws_secret_backup", aws_secret())
    put("chef_payments_pw", pw_rand(20))
    put("chef_replica_pw", pw_words())
    put("datadog_api_hiera", rand(HEX, 32))
    put("mysql_reporting_pw", pw_rand(18))
    put("pg_app_rw_pw", pw_rand(24))
    put("mssql_etl_pw", pw_human())
    put("mongo_analytics_pw", pw_rand(20))
    put("ldap_jira_pw", pw_rand(16))
    put("b64_scanner_user", b64(b"scan-mfp@larkmeadow.shop"))
    put("scanner_pw", pw_human())
    put("b64_scanner_pw", b64(V["scanner_pw"].encode()))
    put("swaks_pw", pw_rand(16))
    put("b64_swaks_plain", b64(b"\x00monitor@quarrybell.com\x00" + V["swaks_pw"].encode()))
    put("sshpass_deploy_pw", pw_human())
    put("psycopg_pw", pw_safe(20))
    put("redis_legacy_pw", pw_safe(24))
    put("upstash_pw", "A" + rand(ALNUM, 59))
    put("dotnet_clinic_pw", pw_rand(18))
    put("azure_redis_key", b64(randbytes(32)))
    put("dotnet_jwt_key", rand(ALNUM, 64))
    put("webconfig_pw", pw_rand(14, ALNUM + "!#*-_."))
    put("machinekey_validation", rand(HEXU, 128))
    put("machinekey_decryption", rand(HEXU, 64))
    put("spring_loyalty_pw", pw_safe(18))
    put("spring_jwt_b64", b64(randbytes(64)))
    put("wp_db_pw", pw_rand(20))
    wp_alpha = "".join(c for c in string.printable[:94] if c not in "'\\[]|@")
    put("wp_auth_key", rand(wp_alpha, 64))
    put("wp_secure_auth_key", rand(wp_alpha, 64))
    put("laravel_app_key", "base64:" + b64(randbytes(32)))
    put("laravel_db_pw", pw_safe(16))
    put("brevo_login", rand(HEX, 6) + "001@smtp-brevo.com")
    put("brevo_smtp_key", "xsmtpsib-" + rand(HEX, 64) + "-" + rand(ALNUM, 16))
    put("pusher_secret", rand(HEX, 20))
    put("rails_skb", rand(HEX, 128))
    put("aws_id_rails", aws_id())
    put("aws_secret_rails", aws_secret())
    put("rails_ar_primary", rand(ALNUM, 32))
    put("rails_ar_det", rand(ALNUM, 32))
    put("rails_ar_salt", rand(ALNUM, 32))
    put("keytool_src_pw", pw_safe(14))
    put("keytool_dest_pw", pw_safe(14))
    put("p12_passout", pw_safe(16))
    put("gpg_backup_passphrase", "-".join(rng.choice(WORDS) for _ in range(5)))
    put("wg_priv_client", wg_private())
    put("wg_psk", b64(randbytes(32)))
    put("ovpn_static", ovpn_static())
    put("ipsec_psk", pw_rand(28))
    put("wpa_pi_pw", pw_human())
    put("wpa_pi_hex", hashlib.pbkdf2_hmac("sha1", V["wpa_pi_pw"].encode(), b"Casa_Ribeiro_5G", 4096, 32).hex())
    put("fritz_key", digits(20))
    put("fritz_key_spaced", " ".join(V["fritz_key"][i:i + 4] for i in range(0, 20, 4)))
    put("praxis_wifi_pw", pw_words())
    put("cisco7_admin_plain", pw_human())
    put("cisco7_admin", cisco7(V["cisco7_admin_plain"]))
    put("cisco7_tacacs_plain", pw_rand(12, ALNUM))
    put("cisco7_tacacs", cisco7(V["cisco7_tacacs_plain"]))
    put("snmp_comm_lisbon", rand(ALNUM, 14))
    put("mikrotik_guest_psk", pw_safe(12))
    put("mikrotik_hotspot_pw", pw_safe(10))
    put("mikrotik_ppp_pw", pw_safe(14))
    put("mikrotik_l2tp_ipsec", pw_safe(20))
    put("vnc_pw", pw_rand(8, ALNUM))
    put("rdp_admin_pw", pw_rand(16))
    put("openai_swift", openai_proj())
    put("mapbox_sk_downloads", mapbox_token("sk", "kibokotrails"))
    put("gplaces_android", google_key())
    put("rzp_secret", rand(ALNUM, 24))
    put("gplaces_rn", google_key())
    sentry_claims = {"iat": 1741700000.12, "url": "https://sentry.io", "region_url": "https://de.sentry.io",
                     "org": "trailmate"}
    put("sentry_org_token", "sntrys_" + b64(json.dumps(sentry_claims, separators=(",", ":")).encode()).rstrip("=")
        + "_" + rand(B64, 43))
    put("firebase_web_bundle", google_key())
    put("algolia_admin_bundle", rand(HEX, 32))
    put("hf_notebook", "hf_" + rand(string.ascii_letters, 34))
    put("replicate_notebook", "r8_" + rand(ALNUM, 37))
    put("datadog_api_slack", rand(HEX, 32))
    put("datadog_app_slack", rand(HEX, 40))
    put("helpdesk_temp_pw", pw_human())
    put("de_ticket_sftp_pw", pw_rand(14))
    put("shopware_secret", rand(ALNUM, 56))
    put("es_ticket_pw", pw_human())
    put("ovh_app_secret", rand(ALNUM, 32))
    put("ovh_consumer_key", rand(ALNUM, 32))
    put("mercadopago_token", f"APP_USR-{digits(16)}-{digits(6)}-{rand(HEX, 32)}-{digits(9)}")
    put("ja_initial_pw", pw_rand(12, ALNUM))
    put("aliyun_ak_id", "LTAI5t" + rand(ALNUM, 18))
    put("aliyun_ak_secret", rand(ALNUM, 30))
    put("telegram_ru", f"{rng.randint(6000000000, 7999999999)}:AA{rand(B64URL, 33)}")
    put("yc_api_key", "AQVN" + rand(B64URL, 36))
    put("pl_ticket_pw", pw_human())
    put("iyzico_api", rand(ALNUM, 32))
    put("iyzico_secret", rand(ALNUM, 32))
    put("ko_temp_pw", pw_rand(10, ALNUM + "!#*"))
    put("it_pec_pw", pw_words())
    put("openai_history", openai_proj())
    put("mysql_history_pw", pw_rand(16))
    put("gitea_history_token", rand(HEX, 40))
    put("ipmi_pw", pw_rand(16))
    put("databricks_token", "dapi" + rand(HEX, 32))
    put("snowsql_pw", pw_rand(18))
    put("compose_pg_pw", pw_safe(22))
    put("compose_rabbit_pw", pw_safe(18))
    put("compose_elastic_pw", pw_safe(20))
    put("doppler_token", "dp.st.prd." + rand(ALNUM, 40))
    put("sentry_user_token", "sntryu_" + rand(HEX, 64))
    put("cron_pg_pw", pw_rand(20, ALNUM + "!#*+=?^~-_."))
    put("cron_redis_pw", pw_rand(24, ALNUM))
    put("glpat_remote", "glpat-" + rand(B64URL, 20))
    put("azdo_pat", rand(LOWER_ALNUM, 52))
    put("bitbucket_token", "ATCTT3xFfGN0" + rand(B64URL, 180) + "=" + rand(HEXU, 8))
    put("ghp_npmrc", "ghp_" + rand(ALNUM, 36))
    put("gldt_pip", "gldt-" + rand(B64URL, 20))
    put("cargo_token", "cio" + rand(ALNUM, 32))
    put("rubygems_key", "rubygems_" + rand(HEX, 48))
    put("nuget_feed_pat", rand(LOWER_ALNUM, 52))
    put("maven_nexus_pw", pw_rand(18, ALNUM + "!#*+=?^~-_."))
    put("aws_sts_id", aws_id("ASIA"))
    put("aws_sts_secret", aws_secret())
    put("aws_sts_session", "IQoJb3JpZ2luX2VjE" + rand(B64, 380))
    put("pem_gcp", pkcs8_private())
    put("azure_sp_secret", rand(ALNUM, 3) + "8Q~" + rand(ALNUM + "_.-~", 34))
    put("stripe_live_node", "sk_live_51" + rand(ALNUM, 97))
    put("stripe_whsec", "whsec_" + rand(ALNUM, 32))
    put("openai_svcacct", openai_svcacct())
    put("anthropic_bench", anthropic())
    put("mistral_bench", rand(ALNUM, 32))
    put("cohere_bench", rand(ALNUM, 40))
    put("pinecone_bench", "pcsk_" + rand(ALNUM, 5) + "_" + rand(ALNUM, 63))
    put("langsmith_bench", "lsv2_sk_" + rand(HEX, 32) + "_" + rand(HEX, 10))
    put("sb_secret", "sb_secret_" + rand(B64URL, 31))
    put("jwt_supabase_service", jwt({"alg": "HS256", "typ": "JWT"},
                                    {"iss": "supabase", "ref": "hgkzpqwmvtrxlnca", "role": "service_role",
                                     "iat": 1736500000, "exp": 2052076000}))
    put("clerk_secret", "sk_live_" + rand(ALNUM, 42))
    put("auth0_cookie_secret", rand(HEX, 64))
    put("auth0_client_secret", rand(B64URL, 64))
    put("okta_ssws", "00" + rand(B64URL, 40))
    put("totp_seed_gl", rand(B32, 32))
    put("totp_manual_spaced", " ".join(V["totp_seed_gl"][i:i + 4].lower() for i in range(0, 32, 4)))
    for i in range(1, 7):
        put(f"rc{i}", rand(HEX, 16))
    put("pem_openssh_chat", openssh_private())
    put("ppk_sftp", ppk_ed25519())
    put("jwk_d", b64u(randbytes(32)))
    put("bip39_12", " ".join(rng.choice(BIP39) for _ in range(12)))
    put("pgp_private", pgp_private())
    put("k8s_client_key_b64", b64_pem_text(ec_private()))
    put("jwt_k8s_sa", jwt({"alg": "RS256", "kid": b64u(randbytes(32))},
                          {"aud": ["https://kubernetes.default.svc.cluster.local"], "exp": 1773480000,
                           "iat": 1741944000, "iss": "https://kubernetes.default.svc.cluster.local",
                           "kubernetes.io": {"namespace": "apps", "serviceaccount": {"name": "ci-bot",
                                                                                     "uid": uuid4()}},
                           "nbf": 1741944000, "sub": "system:serviceaccount:apps:ci-bot"}, 256))
    put("oauth_access_opaque", rand(ALNUM + "-._~", 40))
    put("oauth_refresh_opaque", rand(ALNUM + "-._~", 64))
    put("jwt_id_token", jwt({"alg": "RS256", "kid": "k-2025-01", "typ": "JWT"},
                            {"iss": "https://identity.ledgerline.io", "sub": "usr_" + rand(ALNUM, 16),
                             "aud": "acct-web", "exp": 1741955600, "iat": 1741952000, "auth_time": 1741951990},
                            256))
    put("tailscale_authkey", "tskey-auth-k" + rand(ALNUM, 9) + "CNTRL-" + rand(ALNUM, 32))
    cf = {"a": rand(HEX, 32), "t": uuid4(), "s": b64(randbytes(32))}
    put("cf_tunnel_token", b64(json.dumps(cf, separators=(",", ":")).encode()))
    put("consul_secret_id", uuid4())
    put("vault_token_nomad", "hvs.CAESI" + rand(B64URL, 80))
    put("bw_jira_pw", pw_rand(20, ALNUM + "!#*+=?^~-_."))
    put("bw_gmail_pw", pw_words())
    put("bw_gmail_totp", rand(B32, 32))
    put("slack_webhook_am", f"https://hooks.slack.com/services/T0{rand(UPPER_ALNUM, 9)}/B0{rand(UPPER_ALNUM, 9)}/"
        + rand(ALNUM, 24))
    put("pagerduty_routing", rand(HEX, 32))
    put("discord_webhook_am", f"https://discord.com/api/webhooks/{rng.randint(10**18, 2 * 10**18)}/{rand(B64URL, 68)}")
    put("aws_id_ocr", aws_id())
    put("aws_secret_ocr", aws_secret())
    put("heroku_pg_user", "u" + rand(LOWER_ALNUM, 13))
    put("heroku_pg_pw", "p" + rand(HEX, 64))
    put("heroku_pg_db", "d" + rand(LOWER_ALNUM, 13))
    put("papertrail_token", rand(ALNUM, 20))
    put("heroku_redis_pw", "p" + rand(HEX, 64))
    put("heroku_skb", rand(HEX, 128))

    # --- other labelled types
    iban = it_iban()
    put("iban_it1", iban)
    put("iban_it1|spaced", " ".join(iban[i:i + 4] for i in range(0, len(iban), 4)))
    for name, (region, pattern, want) in {
        "ph_gb_fixed1": ("GB", "020 7XXX XXXX", PNT.FIXED_LINE),
        "ph_us_1": ("US", "614NXXXXXX", None),
        "ph_de_fixed1": ("DE", "0711NXXXXXX", PNT.FIXED_LINE),
        "ph_de_mob1": ("DE", "0170XXXXXXX", PNT.MOBILE),
        "ph_mx_mob1": ("MX", "33NXXXXXXX", PNT.MOBILE),
        "ph_jp_fixed1": ("JP", "045NXXXXXX", PNT.FIXED_LINE),
        "ph_pl_mob1": ("PL", "60XXXXXXX", PNT.MOBILE),
        "ph_it_mob1": ("IT", "34XXXXXXXX", PNT.MOBILE),
    }.items():
        for layout, value in phone(region, pattern, want).items():
            put(name + (f"|{layout}" if layout else ""), value)

    # --- hard negatives (not labelled)
    for i in range(1, 22):
        put(f"neg_uuid{i}", uuid4())
    for tag in "abcdefghij":
        put(f"neg_sha40{tag}", rand(HEX, 40))
    put("neg_sha40j_short", V["neg_sha40j"][:8])
    put("neg_sha7a", rand(HEX, 7))
    for tag in "abcdefghij":
        put(f"neg_sha256{tag}", rand(HEX, 64))
    for tag in "abcdefg":
        put(f"neg_hex32{tag}", rand(HEX, 32))
    put("neg_hex64a", rand(HEX, 64))
    put("neg_hex64b", rand(HEX, 64))
    put("neg_hex40a", rand(HEX, 40))
    put("neg_hex40b", rand(HEX, 40))
    put("neg_hex40c_upper", rand(HEXU, 40))
    put("neg_hex40d_upper", rand(HEXU, 40))
    put("neg_hex24a", rand(HEXU, 24))
    put("neg_hex24b", rand(HEX, 24))
    put("neg_hex22", rand(HEX, 22))
    put("neg_hex17", rand(HEX, 17))
    put("neg_hex16a", rand(HEX, 16))
    put("neg_hex16b", rand(HEX, 16))
    put("neg_hex12a", rand(HEX, 12))
    for i in range(1, 6):
        put(f"neg_acct{i}", str(rng.randint(100000000000, 999999999999)))
    put("neg_fp1", b64(randbytes(32)).rstrip("="))
    put("neg_fp2", b64(randbytes(32)).rstrip("="))
    put("neg_fp3", b64(randbytes(32)).rstrip("="))
    put("neg_rds_id", rand(UPPER_ALNUM, 26))
    put("neg_smsuffix", rand(ALNUM, 6))
    put("neg_slack_chan1", "C0" + rand(UPPER_ALNUM, 9))
    put("neg_slack_chan2", "C0" + rand(UPPER_ALNUM, 9))
    put("neg_slack_chan3", "C0" + rand(UPPER_ALNUM, 9))
    put("neg_slack_user1", "U0" + rand(UPPER_ALNUM, 9))
    put("neg_slack_user2", "U0" + rand(UPPER_ALNUM, 9))
    put("neg_csrf1", rand(ALNUM, 32))
    put("neg_ga1", f"{rng.randint(100000000, 999999999)}.{rng.randint(1700000000, 1750000000)}")
    put("neg_bcrypt1", rand(CRYPT, 53))
    put("neg_bcrypt2", rand(CRYPT, 53))
    put("neg_apr1", rand(CRYPT, 8) + "$" + rand(CRYPT, 22))
    put("neg_shab64", b64(randbytes(20)))
    put("neg_reqid1", "011C" + rand(ALNUM, 20))
    put("neg_reqid2", "011C" + rand(ALNUM, 20))
    put("neg_cfray", rand(HEX, 16))
    put("neg_twilio_ac1", "AC" + rand(HEX, 32))
    put("neg_twilio_ac2", "AC" + rand(HEX, 32))
    put("neg_twilio_mg1", "MG" + rand(HEX, 32))
    put("neg_twilio_mg2", "MG" + rand(HEX, 32))
    put("neg_twilio_sm", "SM" + rand(HEX, 32))
    put("neg_twilio_sig", b64(randbytes(20)))
    put("neg_guploader", "AKDAyI" + rand(B64URL, 66))
    put("neg_sentry_pub1", rand(HEX, 32))
    put("neg_sentry_pub2", rand(HEX, 32))
    put("neg_akid_tail", rand(UPPER_ALNUM, 4))
    put("neg_sk_tail", rand(ALNUM, 4))
    put("neg_aroa", rand(UPPER_ALNUM, 17))
    put("neg_paypal_cid", "A" + rand(B64URL, 79))
    for i in range(1, 7):
        put(f"neg_avault{i}", rand(HEX, 80 if i < 6 else 46))
    for i in (1, 2):
        put(f"neg_sops_d{i}", b64(randbytes(rng.randint(9, 24))))
    for i in (1, 2, 3):
        put(f"neg_sops_iv{i}", b64(randbytes(32)))
        put(f"neg_sops_tag{i}", b64(randbytes(16)))
    put("neg_sops_mac", b64(randbytes(66)))
    put("neg_age_pub", "age1" + rand(BECH32, 58))
    put("neg_agefile1", b64(randbytes(48)))
    put("neg_agefile2", b64(randbytes(48)))
    put("neg_eyaml1", "MIIBiQYJKoZIhvcNAQcDoIIBejCCAXYCAQAxggEhMIIBHQIBADAFMAACAQEwDQYJKoZIhvcNAQEBBQAEggEA"
        + b64(randbytes(290)))
    put("neg_stripe_evt", "1R" + rand(ALNUM, 22))
    put("neg_stripe_pi", "3R" + rand(ALNUM, 22))
    put("neg_stripe_cus", rand(ALNUM, 14))
    put("neg_stripe_ch", "3R" + rand(ALNUM, 22))
    put("neg_stripe_pm", "1R" + rand(ALNUM, 22))
    put("neg_stripe_req", rand(ALNUM, 14))
    put("neg_mysqlhash", rand(HEXU, 40))
    put("neg_scram_salt", b64(randbytes(16)))
    put("neg_scram_stored", b64(randbytes(32)))
    put("neg_scram_server", b64(randbytes(32)))
    put("neg_yescrypt_salt", rand(CRYPT, 22))
    put("neg_yescrypt_hash", rand(CRYPT, 43))
    put("neg_sha512crypt_salt", rand(CRYPT, 16))
    put("neg_sha512crypt_hash", rand(CRYPT, 86))
    put("neg_sha512crypt_salt2", rand(CRYPT, 16))
    put("neg_sha512crypt_hash2", rand(CRYPT, 86))
    put("neg_mongo_sig", b64(randbytes(20)))
    for i in (1, 2, 3):
        put(f"neg_cisco9_salt{i}", rand(CRYPT, 14))
        put(f"neg_cisco9_hash{i}", rand(CRYPT, 43))
    put("neg_md5crypt_salt", rand(CRYPT, 8))
    put("neg_md5crypt_hash", rand(CRYPT, 22))
    for i in range(1, 8):
        put(f"neg_gpgkey{i}", rand(HEXU, 16))
    put("neg_gpgkey2_tail", V["neg_gpgkey2"][-8:])
    put("neg_gpgfpr1", rand(HEXU, 40))
    put("neg_gpgfpr2", rand(HEXU, 40))
    f = V["neg_gpgfpr2"]
    put("neg_gpgfpr2_spaced", " ".join(f[i:i + 4] for i in range(0, 20, 4)) + "  "
        + " ".join(f[i:i + 4] for i in range(20, 40, 4)))
    put("neg_s3ver", rand(ALNUM + "._", 32))
    put("neg_spring_cipher", rand(HEX, 96))
    put("neg_sealed1", "AgB" + b64(randbytes(420)))
    put("neg_sealed2", "AgC" + b64(randbytes(300)))
    put("neg_jasypt", b64(randbytes(48)))
    put("neg_pusher_key", rand(HEX, 20))
    put("neg_certserial", rand(HEX, 32))
    put("neg_colonfp20", ":".join(rand(HEXU, 2) for _ in range(20)))
    put("neg_colonfp32", ":".join(rand(HEXU, 2) for _ in range(32)))
    put("neg_wg_pub_server", b64(randbytes(32)))
    put("neg_wg_pub_a", b64(randbytes(32)))
    put("neg_wg_pub_b", b64(randbytes(32)))
    put("neg_wg_pub_c", b64(randbytes(32)))
    put("neg_cert_ca", cert_pem())
    put("neg_cert_leaf", cert_pem())
    put("neg_xpub", "xpub6C" + base58(105))
    put("neg_bc1", "bc1q" + rand(BECH32, 38))
    put("neg_eth_addr", rand(HEX, 40))
    put("neg_eth_tx", rand(HEX, 64))
    put("neg_revenuecat", rand(ALNUM, 26))
    put("neg_stripe_pk", "51" + rand(ALNUM, 97))
    put("neg_recaptcha", rand(B64URL, 38))
    put("neg_mapbox_pk", mapbox_token("pk", "lojaverde")[3:])
    put("neg_rzp_keyid", rand(ALNUM, 14))
    put("neg_fcm_sender", str(rng.randint(100000000000, 999999999999)))
    put("neg_algolia_appid", rand(UPPER_ALNUM, 10))
    ico = bytes([0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 0x68, 4, 0, 0, 0x16, 0, 0, 0, 0x28, 0, 0, 0, 16, 0, 0,
                 0, 32, 0, 0, 0, 1, 0, 32, 0]) + randbytes(110)
    put("neg_b64_favicon", b64(ico))
    put("neg_b64_motd", b64(b"Welcome to the staff portal. Maintenance window: Sundays 02:00-04:00 UTC."))
    put("neg_cursor_plain", '{"v":1,"after":"2025-03-01T00:00:00Z","page":3}')
    put("neg_b64_cursor", b64(V["neg_cursor_plain"].encode()))
    put("neg_yc_folder", rand(LOWER_ALNUM, 17))
    put("neg_vault_accessor", rand(ALNUM, 24))
    put("neg_vault_accessor2", rand(ALNUM, 24))
    put("neg_sshpub1", "ssh-ed25519 " + b64(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + randbytes(32)))
    put("neg_jwks_n", b64u(b"\xc4" + randbytes(255)))
    spki = bytes.fromhex("30820122300d06092a864886f70d01010105000382010f003082010a0282010100")
    put("neg_pubkey_pem", pem("PUBLIC KEY", spki, 262))
    put("neg_sri512a", b64(randbytes(64)))
    put("neg_sri512b", b64(randbytes(64)))
    put("neg_gosum1", b64(randbytes(32)))
    put("neg_gosum2", b64(randbytes(32)))
    put("neg_gosum3", b64(randbytes(32)))
    put("neg_orgid", rand(LOWER_ALNUM, 10))
    put("neg_digits21", "1" + digits(20))
    put("neg_nonce", b64(randbytes(16)))
    put("neg_cspsha", b64(randbytes(32)))
    put("neg_sri384", b64(randbytes(48)))
    put("neg_state", b64u(randbytes(32)))
    put("neg_pkce", b64u(randbytes(32)))
    put("neg_oidc_nonce", rand(HEX, 32))
    put("neg_clerk_pk", b64(b"clerk.shiftboard.app$").rstrip("="))
    put("neg_auth0_cid", rand(ALNUM, 32))
    put("neg_jwt_header_only", b64u(json.dumps({"alg": "RS256", "kid": "2025-02-rot", "typ": "JWT"},
                                               separators=(",", ":")).encode()))
    put("neg_apple_team", rand(UPPER_ALNUM, 10))
    put("neg_apple_team2", rand(UPPER_ALNUM, 10))
    put("neg_jwk_x", b64u(randbytes(32)))
    put("neg_yt1", rand(B64URL, 11))
    put("neg_yt2", rand(B64URL, 11))
    put("neg_spotify1", rand(ALNUM, 22))
    put("neg_spotify2", rand(ALNUM, 22))
    put("neg_figma", rand(ALNUM, 22))
    put("neg_k8s_ca_b64", b64_pem_text(cert_pem()))
    put("neg_k8s_cert_b64", b64_pem_text(cert_pem()))
    put("neg_cfid", b64u(randbytes(40)) + "==")
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
