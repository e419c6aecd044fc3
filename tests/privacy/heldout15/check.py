"""Self-checks for heldout15 (does not run or import any detector).

    /work/main/.venv/bin/python tests/privacy/heldout15/check.py

Run after `python tests/privacy/heldout/build.py tests/privacy/heldout15`. Adapted from ../heldout9/check.py.

1. reads texts.txt and heldout15.jsonl and checks that every span's text equals its inline mark,
   that types are among the ten allowed, that ids run h15-001..h15-100 with spans in every odd text
   and none in any even text, that every text has 150-1,500 characters, that no span starts or ends
   with whitespace or a quote, and that values of the checksummed types are valid (Luhn for
   CREDIT_CARD; mod-97 and the national length/layout for IBAN; SSN area/group/serial ranges;
   ipaddress and not loopback/unspecified for IP_ADDRESS; a base64url JSON header with "alg" for
   JWT; a scheme://user:pass@ shape for URL_CREDENTIALS, the user possibly empty as in redis://:pass@;
   key blocks from "-----BEGIN" to "-----END ...-----");
2. requires every PHONE span to be the value of a `phone:` place-holder of texts.tpl and to pass
   phonenumbers.is_valid_number: "+" forms without a hint, "00" forms and wa.me digits as "+" forms,
   national forms with the region named in their place-holder;
3. checks vendor-prefixed SECRETs against their vendor's shape, that no `@@` place-holder was left
   unrendered, that texts.txt equals texts.tpl rendered from values.json and that values.json holds
   no unused value;
4. lints the unlabelled remainder of every text for things that look like the ten types (e-mails,
   valid phones for 30 regions, Luhn-valid card-length numbers, mod-97-valid IBANs, SSN shapes,
   IPv4/IPv6 addresses, JWT shapes, vendor-key prefixes, key blocks, user:pass@ URLs, webhooks,
   `password=`/`secret:`-style assignments with a literal value). Every flag was reviewed by hand and
   is listed in REVIEWED with the reason it is an intended negative; a flag not listed there counts
   as a problem;
5. prints the span count per type and the number of clean texts, and "problems: N".
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from pathlib import Path

import phonenumbers

HERE = Path(__file__).resolve().parent
N_TEXTS = 100
ALLOWED = {
    "EMAIL",
    "PHONE",
    "CREDIT_CARD",
    "IBAN",
    "US_SSN",
    "IP_ADDRESS",
    "SECRET",
    "JWT",
    "URL_CREDENTIALS",
    "DATE_OF_BIRTH",
}
MARK = re.compile(r"\[\[([A-Z_]+)\|(.*?)\]\]", re.DOTALL)
PH = re.compile(r"@@([a-z0-9_]+):([A-Za-z0-9_]+)((?::[A-Za-z0-9_]+)*)@@")
IBAN_SHAPE = {  # national layouts (ISO 13616 registry)
    "PK": r"PK\d{2}[A-Z]{4}[A-Z0-9]{16}",
    "SA": r"SA\d{2}\d{2}[A-Z0-9]{18}",
    "AE": r"AE\d{2}\d{3}\d{16}",
    "TR": r"TR\d{2}\d{5}0[A-Z0-9]{16}",
    "IL": r"IL\d{2}\d{3}\d{3}\d{13}",
    "EG": r"EG\d{2}\d{4}\d{4}\d{17}",
}
LINT_REGIONS = [
    "IN",
    "PK",
    "BD",
    "ID",
    "PH",
    "VN",
    "TH",
    "MY",
    "SG",
    "AU",
    "NZ",
    "JP",
    "KR",
    "MX",
    "CO",
    "AR",
    "CL",
    "PE",
    "BR",
    "NG",
    "KE",
    "ZA",
    "EG",
    "MA",
    "SA",
    "AE",
    "TR",
    "IL",
    "US",
    None,
]
VENDOR = [  # prefix, accepted shapes
    ("sk-proj-", [r"sk-proj-[\w-]{74}T3BlbkFJ[\w-]{74}"]),
    ("ghp_", [r"ghp_[A-Za-z0-9]{36}"]),
    ("sk_live_", [r"sk_live_51[A-Za-z0-9]{97}", r"sk_live_[0-9a-f]{40}"]),  # Stripe, Paystack
    ("AKIA", [r"AKIA[A-Z2-7]{16}"]),
    ("AIza", [r"AIza[\w-]{35}"]),
    ("SG.", [r"SG\.[\w-]{22}\.[\w-]{43}"]),
    ("https://hooks.slack.com/", [r"https://hooks\.slack\.com/services/T[A-Z0-9]{10}/B[A-Z0-9]{10}/[A-Za-z0-9]{24}"]),
    ("rzp_live_", [r"rzp_live_[A-Za-z0-9]{14}"]),
    ("FLWSECK-", [r"FLWSECK-[0-9a-f]{32}-X"]),
    ("APP_USR-", [r"APP_USR-\d{16}-\d{6}-[0-9a-f]{32}-\d{9}"]),
    ("xnd_production_", [r"xnd_production_[A-Za-z0-9]{64}"]),
]
TELEGRAM = re.compile(r"\d{8,10}:AA[\w-]{33}")

# Lint flags reviewed by hand: id -> {flag: reason}. All are intended negatives (see README).
REVIEWED: dict[str, dict[str, str]] = {
    "003": {
        "key:rzp_live_9JONV1uOeA5X3A": "Razorpay key_id, publishable (used in client-side Checkout)",
    },
    "002": {
        "phone[BR]:4521876903": "IRCTC PNR",
        "phone[IN]:7712093345": "Ola booking CRN",
        "phone[MX]:4521876903": "IRCTC PNR",
        "phone[MX]:7712093345": "Ola booking CRN",
        "phone[TR]:4521876903": "IRCTC PNR",
        "phone[US]:7712093345": "Ola booking CRN",
    },
    "004": {
        "assign:RAZORPAY_KEY_SECRET = os.environ[": "env-var reference",
        "assign:WEBHOOK_SECRET = os.getenv(": "env-var reference",
        "key:rzp_test_XXXXXXXXXXXXXX": "placeholder key",
    },
    "008": {
        "phone[SG]:31-03-2025": "deadline date",
    },
    "009": {
        "luhn:19922691234567890": "Bangladesh NID number (not a card)",
    },
    "010": {
        "assign:Token 4821-0937-5512-6674-0218": "prepaid meter token, already loaded",
    },
    "011": {
        "phone[IN]:2025-031877": "patient id",
        "phone[US]:2025-031877": "patient id",
    },
    "012": {
        "phone[AU]:(13.0–17.0": "lab reference range",
    },
    "016": {
        "phone[MX]:436.7.11/2025": "letter number",
        "phone[TR]:436.7.11/2025": "letter number",
    },
    "019": {
        "key:AC6e6d1b59aa22a56d33bed26bab74": "Twilio Account SID, an identifier",
    },
    "020": {
        "assign:pass renewal": "prose",
        "phone[AU]:(02) 8123 4567": "barangay hotline (hotlines not labelled)",
        "phone[EG]:(02) 8123 4567": "barangay hotline (hotlines not labelled)",
        "phone[ID]:(02) 8123 4567": "barangay hotline (hotlines not labelled)",
        "phone[JP]:(02) 8123 4567": "barangay hotline (hotlines not labelled)",
        "phone[KR]:(02) 8123 4567": "barangay hotline (hotlines not labelled)",
        "phone[NZ]:(02) 8123 4567": "barangay hotline (hotlines not labelled)",
        "phone[PH]:(02) 8123 4567": "barangay hotline (hotlines not labelled)",
        "phone[ZA]:(02) 8123 4567": "barangay hotline (hotlines not labelled)",
    },
    "021": {
        "phone[BR]:4921087731": "BHXH social-insurance number",
        "phone[IN]:18.000.000": "salary in VND",
        "phone[KR]:18.000.000": "salary in VND",
        "phone[MX]:4921087731": "BHXH social-insurance number",
        "phone[VN]:18.000.000": "salary in VND",
    },
    "022": {
        "phone[AU]:1900 636677": "GHN company hotline",
        "phone[IL]:1900 636677": "GHN company hotline",
        "phone[IN]:1900 636677": "GHN company hotline",
        "phone[TH]:1900 636677": "GHN company hotline",
        "phone[VN]:1900 636677": "GHN company hotline",
    },
    "024": {
        "phone[CL]:418.772.000": "VND amount",
    },
    "025": {
        "phone[SG]:68-004217": "hospital number HN",
    },
    "027": {
        "phone[MX]:2006418273": "LINE channel id",
    },
    "028": {
        "phone[IN]:2025.03.10 20": "export timestamp",
        "phone[MX]:5501287734": "hotel confirmation number",
        "phone[TR]:5501287734": "hotel confirmation number",
        "phone[US]:2025.03.10 20": "export timestamp",
    },
    "030": {
        "phone[AU]:03-8911 1000": "tax authority toll-free hotline",
        "phone[ID]:03-8911 1000": "tax authority toll-free hotline",
        "phone[JP]:03-8911 1000": "tax authority toll-free hotline",
        "phone[MY]:03-8911 1000": "tax authority toll-free hotline",
        "phone[PH]:03-8911 1000": "tax authority toll-free hotline",
        "phone[VN]:03-8911 1000": "tax authority toll-free hotline",
    },
    "032": {
        "assign:Pass\nApplication": "prose",
        "phone[SG]:6391 6100": "ICA call centre hotline",
    },
    "033": {
        "phone[KR]:062-184": "BSB code",
    },
    "034": {
        "phone[AU]:13 20 90": "utility faults hotline",
    },
    "036": {
        "assign:secret:xero-AbCdEf": "Secrets Manager ARN suffix (reference)",
    },
    "038": {
        "phone[AE]:00 4521 8871 33": "NZ Post tracking number",
        "phone[AR]:00 4521 8871 33": "NZ Post tracking number",
        "phone[BD]:00 4521 8871 33": "NZ Post tracking number",
        "phone[BR]:4921873304": "Trade Me listing number",
        "phone[CL]:00 4521 8871 33": "NZ Post tracking number",
        "phone[EG]:00 4521 8871 33": "NZ Post tracking number",
        "phone[IL]:00 4521 8871 33": "NZ Post tracking number",
        "phone[IN]:00 4521 8871 33": "NZ Post tracking number",
        "phone[MA]:00 4521 8871 33": "NZ Post tracking number",
        "phone[MX]:00 4521 8871 33": "NZ Post tracking number",
        "phone[MX]:4921873304": "Trade Me listing number",
        "phone[MY]:00 4521 8871 33": "NZ Post tracking number",
        "phone[NZ]:00 4521 8871 33": "NZ Post tracking number",
        "phone[PE]:00 4521 8871 33": "NZ Post tracking number",
        "phone[PH]:00 4521 8871 33": "NZ Post tracking number",
        "phone[PK]:00 4521 8871 33": "NZ Post tracking number",
        "phone[SA]:00 4521 8871 33": "NZ Post tracking number",
        "phone[SG]:8823-1190": "payment reference",
        "phone[TR]:00 4521 8871 33": "NZ Post tracking number",
        "phone[VN]:00 4521 8871 33": "NZ Post tracking number",
        "phone[ZA]:00 4521 8871 33": "NZ Post tracking number",
    },
    "039": {
        "phone[ID]:150-0002": "Japanese postcode",
    },
    "040": {
        "phone[JP]:0120-01-9625": "courier toll-free hotline",
        "phone[KE]:0120-01-9625": "courier toll-free hotline",
        "phone[KR]:0120-01-9625": "courier toll-free hotline",
        "phone[MY]:0120-01-9625": "courier toll-free hotline",
        "phone[ZA]:0120-01-9625": "courier toll-free hotline",
    },
    "042": {
        "sakura-web@3.8.1": "npm package@version",
    },
    "048": {
        "assign:CONEKTA_PRIVATE_KEY=key_xxxxxxxxxxxxxxxxxxxxxxxx": "placeholder key",
        "assign:JWT_SECRET=cambia-esto-en-produccion": "placeholder",
        "assign:MP_ACCESS_TOKEN=TEST-0000000000000000-000000-00000": "zeroed test-token placeholder",
        "key:TEST-0000000000000000-000000-0": "zeroed test-token placeholder",
        "key:key_xxxxxxxxxxxxxxxxxxxxxxxx": "placeholder key",
        "luhn:0000000000000000": "zeroed test-token placeholder",
        "urlcred:postgres://usuario:contraseña@": "dev-default localhost URL",
    },
    "049": {
        "luhn:2025-031500874": "filing number (radicado)",
    },
    "050": {
        "phone[IN]:9187245530": "order number",
        "phone[MX]:9187245530": "order number",
        "phone[US]:9187245530": "order number",
    },
    "051": {
        "phone[ZA]:27-33218774-5": "CUIT tax id",
    },
    "052": {
        "phone[CO]:901-123456-7": "IIBB registration",
        "phone[IN]:901-123456-7": "IIBB registration",
    },
    "054": {
        "phone[IN]:250314-0098": "order number",
        "phone[US]:250314-0098": "order number",
    },
    "057": {
        "phone[US]:123.456.789-09": "CPF (national id)",
    },
    "058": {
        "phone[AE]:0800 608 6236": "ombudsman toll-free hotline",
        "phone[AR]:0800 608 6236": "ombudsman toll-free hotline",
        "phone[BD]:0800 608 6236": "ombudsman toll-free hotline",
        "phone[BR]:0800 608 6236": "ombudsman toll-free hotline",
        "phone[CL]:678/0001-95": "CNPJ fragment",
        "phone[EG]:0800 608 6236": "ombudsman toll-free hotline",
        "phone[ID]:0800 608 6236": "ombudsman toll-free hotline",
        "phone[IN]:0800 608 6236": "ombudsman toll-free hotline",
        "phone[JP]:0800 608 6236": "ombudsman toll-free hotline",
        "phone[KE]:0800 608 6236": "ombudsman toll-free hotline",
        "phone[NG]:0800 608 6236": "ombudsman toll-free hotline",
        "phone[NZ]:0800 608 6236": "ombudsman toll-free hotline",
        "phone[SA]:0800 608 6236": "ombudsman toll-free hotline",
        "phone[TR]:0800 608 6236": "ombudsman toll-free hotline",
    },
    "061": {
        "phone[JP]:0123456789": "NUBAN bank account number",
        "phone[KR]:0123456789": "NUBAN bank account number",
        "phone[MY]:0123456789": "NUBAN bank account number",
        "phone[VN]:318872104": "Jumia order numbers",
        "phone[VN]:318872255": "Jumia order numbers",
        "phone[ZA]:0123456789": "NUBAN bank account number",
    },
    "062": {
        "phone[NG]:0700 482 666 328": "bank contact-centre hotline",
    },
    "063": {
        "phone[BR]:4250107034": "WAEC exam number",
        "phone[MX]:4250107034": "WAEC exam number",
        "phone[US]:12345678901": "NIN (national id)",
    },
    "065": {
        "phone[IN]:250314-8812": "reversal reference",
        "phone[US]:250314-8812": "reversal reference",
    },
    "068": {
        "assign:MPESA_CONSUMER_SECRET = os.environ[": "env-var reference",
        "key:sandbox-passkey-from-portal": "placeholder",
    },
    "069": {
        "luhn:8905305123087": "South African ID number (Luhn-checked, not a card)",
        "phone[AU]:0860 100 871": "insurer service-centre hotline",
        "phone[CL]:220418773": "membership number",
        "phone[EG]:0860 100 871": "insurer service-centre hotline",
        "phone[ID]:0860 100 871": "insurer service-centre hotline",
        "phone[JP]:0860 100 871": "insurer service-centre hotline",
        "phone[PH]:0860 100 871": "insurer service-centre hotline",
        "phone[TH]:0860 100 871": "insurer service-centre hotline",
        "phone[VN]:0860 100 871": "insurer service-centre hotline",
        "phone[ZA]:0860 100 871": "insurer service-centre hotline",
    },
    "070": {
        "assign:token purchase": "prose",
        "phone[AU]:0860 562 874": "municipal call-centre hotline",
        "phone[BR]:04271298834": "prepaid meter number",
        "phone[CL]:554412873": "municipal account number",
        "phone[EG]:0860 562 874": "municipal call-centre hotline",
        "phone[ID]:04271298834": "prepaid meter number",
        "phone[ID]:0860 562 874": "municipal call-centre hotline",
        "phone[JP]:0860 562 874": "municipal call-centre hotline",
        "phone[KR]:04271298834": "prepaid meter number",
        "phone[PH]:0860 562 874": "municipal call-centre hotline",
        "phone[PK]:04271298834": "prepaid meter number",
        "phone[TH]:0860 562 874": "municipal call-centre hotline",
        "phone[VN]:0860 562 874": "municipal call-centre hotline",
        "phone[ZA]:0860 562 874": "municipal call-centre hotline",
    },
    "072": {
        "phone[IN]:196.25.10.0/24": "CIDR",
    },
    "073": {
        "luhn:28503120101234": "Egyptian national id (not a card)",
    },
    "074": {
        "phone[IN]:4110230987": "subscription number",
        "phone[IN]:9982145730": "Fawry reference number",
        "phone[MX]:4110230987": "subscription number",
        "phone[MX]:9982145730": "Fawry reference number",
    },
    "075": {
        "phone[KR]:001523874000019": "ICE company id",
        "phone[SG]:001523874000019": "ICE company id",
        "phone[TH]:001523874000019": "ICE company id",
        "phone[ZA]:08/2031": "passport expiry",
    },
    "076": {
        "phone[AE]:05 22 00 00 00": "shop customer-service hotline",
        "phone[CL]:358812743": "order number",
        "phone[ID]:05 22 00 00 00": "shop customer-service hotline",
        "phone[IL]:05 22 00 00 00": "shop customer-service hotline",
        "phone[JP]:05 22 00 00 00": "shop customer-service hotline",
        "phone[KE]:05 22 00 00 00": "shop customer-service hotline",
        "phone[KR]:05 22 00 00 00": "shop customer-service hotline",
        "phone[MA]:05 22 00 00 00": "shop customer-service hotline",
        "phone[PH]:05 22 00 00 00": "shop customer-service hotline",
        "phone[PK]:05 22 00 00 00": "shop customer-service hotline",
        "phone[VN]:05 22 00 00 00": "shop customer-service hotline",
        "phone[VN]:358812743": "order number",
    },
    "079": {
        "phone[BR]:6820014451": "DEWA premise number",
        "phone[IN]:6820014451": "DEWA premise number",
    },
    "080": {
        "phone[AE]:04 601 9999": "utility customer-care hotline",
        "phone[AR]:3812774410": "premise number",
        "phone[CO]:04 601 9999": "utility customer-care hotline",
        "phone[IL]:04 601 9999": "utility customer-care hotline",
        "phone[IN]:2045518873": "account number",
        "phone[IN]:3812774410": "premise number",
        "phone[MX]:3812774410": "premise number",
        "phone[MY]:04 601 9999": "utility customer-care hotline",
        "phone[NZ]:04 601 9999": "utility customer-care hotline",
        "phone[US]:2045518873": "account number",
        "phone[VN]:2045518873": "account number",
    },
    "082": {
        "assign:proxy_pass http://app": "nginx directive",
        "phone[CL]:94.200.0.0/14": "CIDR",
        "phone[PE]:94.200.0.0/14": "CIDR",
        "phone[VN]:94.200.0.0/14": "CIDR",
    },
    "083": {
        "phone[CL]:812774210": "order number",
        "phone[KR]:044127": "authorisation number",
        "phone[VN]:12.03.2025": "order date",
        "phone[VN]:812774210": "order number",
    },
    "084": {
        "phone[CL]:812774210": "order number",
        "phone[ID]:0850 333 0 333": "company hotline",
        "phone[IN]:0850 333 0 333": "company hotline",
        "phone[SG]:31.01.2025": "due date",
        "phone[TR]:0850 333 0 333": "company hotline",
        "phone[VN]:812774210": "order number",
    },
    "085": {
        "phone[IN]:250315-0098": "order number",
        "phone[US]:250315-0098": "order number",
    },
    "086": {
        "key:sandbox-api.iyzipay.com": "sandbox URL / placeholder",
        "key:sandbox-xxxxxxxxxxxxxxxxxxxxxx": "sandbox URL / placeholder",
    },
    "087": {
        "phone[AE]:034512876": "Israeli ID number (teudat zehut)",
        "phone[EG]:034512876": "Israeli ID number (teudat zehut)",
        "phone[IL]:034512876": "Israeli ID number (teudat zehut)",
        "phone[NZ]:034512876": "Israeli ID number (teudat zehut)",
        "phone[SG]:88127745": "transfer reference",
        "phone[TH]:034512876": "Israeli ID number (teudat zehut)",
    },
    "088": {
        "phone[BD]:0812774": "card approval number",
        "phone[CL]:512334871": "company number",
        "phone[CL]:515512874": "VAT dealer number",
        "phone[VN]:512334871": "company number",
        "phone[VN]:515512874": "VAT dealer number",
        "phone[ZA]:0812774": "card approval number",
    },
    "090": {
        "key:AKIAIOSFODNN7EXAMPLE": "AWS documented example key",
    },
    "092": {
        "phone[AU]:0412287731": "MRV fee receipt number",
        "phone[KE]:0412287731": "MRV fee receipt number",
        "phone[KR]:0412287731": "MRV fee receipt number",
        "phone[PH]:(632) 7987 1200": "embassy call-centre hotline",
        "phone[PK]:0412287731": "MRV fee receipt number",
        "phone[ZA]:0412287731": "MRV fee receipt number",
    },
    "093": {
        "phone[CL]:95-4123877": "employer EIN",
        "phone[PE]:95-4123877": "employer EIN",
        "phone[VN]:95-4123877": "employer EIN",
    },
    "094": {
        "phone[BR]:412-887-7310": "Western Union MTCN",
        "phone[MX]:412-887-7310": "Western Union MTCN",
        "phone[SG]:88127745": "customer number",
        "phone[TR]:412-887-7310": "Western Union MTCN",
        "phone[US]:412-887-7310": "Western Union MTCN",
    },
    "097": {
        "key:FLWPUBK-d459f17e6b602c3f712329": "Flutterwave public key (publishable)",
        "phone[IN]:250315-0412": "order reference",
        "phone[US]:250315-0412": "order reference",
    },
    "098": {
        "key:FLWPUBK_TEST-xxxxxxxxxxxxxxxxx": "placeholder test key",
        "key:FLWSECK_TEST-xxxxxxxxxxxxxxxxx": "placeholder test key",
        "luhn:5531 8866 5214 2950": "Flutterwave documented test card",
    },
}


def luhn_ok(num: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(num)):
        d = int(ch)
        if i % 2:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return total % 10 == 0


def iban_ok(v: str) -> bool:
    v = re.sub(r"\s", "", v)
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", v):
        return False
    return int("".join(str(int(c, 36)) for c in v[4:] + v[:4])) % 97 == 1


def ssn_ok(v: str) -> bool:
    m = re.fullmatch(r"(\d{3})-(\d{2})-(\d{4})", v)
    if not m:
        return False
    a, g, s = (int(x) for x in m.groups())
    return 0 < a < 900 and a != 666 and g > 0 and s > 0


def jwt_ok(v: str) -> bool:
    parts = v.split(".")
    if len(parts) != 3:
        return False
    try:
        head = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
        json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return False
    return "alg" in head


def phone_hints(tpl: str, cache: dict[str, str]) -> dict[str, tuple[str, str]]:
    """value -> (region, format) for every phone place-holder."""
    out = {}
    for m in PH.finditer(tpl):
        if m.group(1) == "phone":
            args = [a for a in m.group(3).split(":") if a]
            out[cache[f"phone:{m.group(2)}{m.group(3)}"]] = (args[0], args[2])
    return out


def phone_ok(val: str, hint: tuple[str, str]) -> bool:
    region, fmt = hint
    if val.startswith("+"):
        num = phonenumbers.parse(val, None)
    elif val.startswith("00"):
        num = phonenumbers.parse("+" + val[2:], None)
    elif fmt == "wa":
        num = phonenumbers.parse("+" + val, None)
    else:
        num = phonenumbers.parse(val, region)
    return phonenumbers.is_valid_number(num) and phonenumbers.region_code_for_number(num) == region


def value_ok(typ: str, val: str) -> bool:
    if typ == "CREDIT_CARD":
        d = re.sub(r"[\s-]", "", val)
        return d.isdigit() and 13 <= len(d) <= 19 and luhn_ok(d)
    if typ == "IBAN":
        compact = re.sub(r"\s", "", val)
        shape = IBAN_SHAPE.get(compact[:2])
        return iban_ok(val) and shape is not None and re.fullmatch(shape, compact) is not None
    if typ == "US_SSN":
        return ssn_ok(val)
    if typ == "IP_ADDRESS":
        try:
            ip = ipaddress.ip_address(val)
        except ValueError:
            return False
        return not (ip.is_loopback or ip.is_unspecified)
    if typ == "JWT":
        return jwt_ok(val)
    if typ == "EMAIL":
        return re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", val) is not None
    if typ == "URL_CREDENTIALS":
        return re.match(r"[a-z][a-z0-9+.-]*://[^:/@\s]*:[^@\s]+@", val) is not None
    if typ == "SECRET" and "-----BEGIN" in val:
        return val.startswith("-----BEGIN") and re.search(r"-----END [A-Za-z0-9 ]+-----$", val) is not None
    return True


def lint(rest: str) -> list[str]:
    hits = [m.group() for m in re.finditer(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", rest)]
    for m in re.finditer(r"(?<![\w.])(?:\d[ -]?){13,19}(?![\w.])", rest):
        d = re.sub(r"\D", "", m.group())
        if 13 <= len(d) <= 19 and luhn_ok(d):
            hits.append("luhn:" + m.group().strip())
    for m in re.finditer(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b", rest):
        if iban_ok(m.group()):
            hits.append("iban:" + m.group())
    hits += ["ssn:" + m.group() for m in re.finditer(r"(?<![\d-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d-])", rest)]
    for m in re.finditer(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.]|/\d)", rest):
        try:
            ip = ipaddress.ip_address(m.group(1))
        except ValueError:
            continue
        if not (ip.is_loopback or ip.is_unspecified):
            hits.append("ipv4:" + m.group(1))
    for m in re.finditer(r"(?<![\w:])([0-9a-fA-F]{1,4}(?::{1,2}[0-9a-fA-F]{0,4}){2,7})(?![\w:/])", rest):
        try:
            ip = ipaddress.ip_address(m.group(1))
        except ValueError:
            continue
        if not (ip.is_loopback or ip.is_unspecified):
            hits.append("ipv6:" + m.group(1))
    hits += ["jwt:" + m.group()[:30] for m in re.finditer(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+", rest)]
    hits += [
        "key:" + m.group()[:30]
        for m in re.finditer(
            r"\b(?:sk-|sk_live_|sk_test_|rk_live_|pk_live_|whsec_|AKIA|ASIA|ghp_|gho_|github_pat_|glpat-|xox[bpae]-|"
            r"AIza|hf_|npm_|shpat_|SG\.|dop_v1_|rzp_live_|rzp_test_|FLWSECK|FLWPUBK|APP_USR-|TEST-|xnd_|Mid-server-|"
            r"SB-Mid-|key_|sandbox-|AC[0-9a-f]{8}|egy_sk_)[\w\-.~+/=]{8,}",
            rest,
        )
    ]
    hits += ["telegram:" + m.group()[:20] for m in TELEGRAM.finditer(rest)]
    hits += ["pem:" + m.group() for m in re.finditer(r"-----BEGIN [A-Z ]*PRIVATE KEY[A-Z ]*-----", rest)]
    hits += ["urlcred:" + m.group()[:40] for m in re.finditer(r"[a-z][a-z0-9+.-]*://[^:/@\s]*:[^@\s]+@", rest)]
    hits += [
        "hook:" + m.group()[:45]
        for m in re.finditer(r"https://(?:hooks\.slack\.com/services|discord(?:app)?\.com/api/webhooks)/\S+", rest)
    ]
    hits += [
        "assign:" + m.group()[:50]
        for m in re.finditer(
            r"(?i)\b[\w.-]*(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|clave|senha|contraseña|"
            r"private[_-]?key|passkey)\b[\"']?\s*(?:[:=]|\s)\s*[\"'(]?(?!\$|<|\{|\*|\[|none|true|"
            r"false|null|required)[^\s\"',;)\x00]{6,}",
            rest,
        )
    ]
    for region in LINT_REGIONS:
        matcher = phonenumbers.PhoneNumberMatcher(rest, region or "ZZ", leniency=phonenumbers.Leniency.VALID)
        hits += [f"phone[{region}]:" + pm.raw_string for pm in matcher]
    return sorted(set(hits))


def main() -> int:
    problems = 0
    src = (HERE / "texts.txt").read_text(encoding="utf-8")
    tpl = (HERE / "texts.tpl").read_text(encoding="utf-8")
    cache = json.loads((HERE / "values.json").read_text(encoding="utf-8"))
    blocks = re.split(r"^### ", src, flags=re.MULTILINE)[1:]
    rows = [json.loads(line) for line in (HERE / "heldout15.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(blocks) == len(rows) == N_TEXTS, (len(blocks), len(rows))

    # 1. spans, types, ids, odd/even scheme, lengths, value checks
    for i, (block, row) in enumerate(zip(blocks, rows, strict=True), 1):
        ident = block.partition("\n")[0].strip()
        assert ident == row["id"] == f"h15-{i:03d}", (ident, row["id"])
        if bool(row["spans"]) != bool(i % 2):
            print("ODD/EVEN SCHEME BROKEN", ident, len(row["spans"]))
            problems += 1
        if not 150 <= len(row["text"]) <= 1500:
            print("LENGTH", ident, len(row["text"]))
            problems += 1
        marks = MARK.findall(block)
        assert len(marks) == len(row["spans"]), ident
        for (typ, val), sp in zip(marks, row["spans"], strict=True):
            if row["text"][sp["start"] : sp["end"]] != val or sp["type"] != typ:
                print("SPAN MISMATCH", ident, typ, val[:40])
                problems += 1
            if typ not in ALLOWED:
                print("BAD TYPE", ident, typ)
                problems += 1
            if val != val.strip() or not val or val[0] in "'\"`" or val[-1] in "'\"`":
                print("WHITESPACE OR QUOTE AT SPAN EDGE", ident, repr(val[:40]))
                problems += 1
            if not value_ok(typ, val):
                print("INVALID VALUE", ident, typ, val[:60])
                problems += 1

    # 2. phones
    hints = phone_hints(tpl, cache)
    for row in rows:
        for sp in row["spans"]:
            if sp["type"] != "PHONE":
                continue
            val = row["text"][sp["start"] : sp["end"]]
            if val not in hints or not phone_ok(val, hints[val]):
                print("INVALID PHONE", row["id"], val)
                problems += 1

    # 3. vendor shapes and leftovers; texts.txt must be texts.tpl rendered from values.json
    if "@@" in src:
        print("UNRENDERED PLACE-HOLDER")
        problems += 1
    missing = {f"{m.group(1)}:{m.group(2)}{m.group(3)}" for m in PH.finditer(tpl)} - set(cache)
    if missing:
        print("PLACE-HOLDERS WITHOUT VALUE", sorted(missing))
        return 1
    rendered = PH.sub(lambda m: cache[f"{m.group(1)}:{m.group(2)}{m.group(3)}"], tpl)
    used = {f"{m.group(1)}:{m.group(2)}{m.group(3)}" for m in PH.finditer(tpl)}
    if set(cache) - used:
        print("UNUSED VALUES IN values.json", sorted(set(cache) - used))
        problems += 1
    if rendered != src:
        print("texts.txt IS NOT texts.tpl RENDERED FROM values.json (run gen.py)")
        problems += 1
    for row in rows:
        for sp in row["spans"]:
            val = row["text"][sp["start"] : sp["end"]]
            if sp["type"] != "SECRET":
                continue
            if re.match(r"\d{8,10}:AA", val) and not TELEGRAM.fullmatch(val):
                print("BAD TELEGRAM SHAPE", row["id"], val[:20])
                problems += 1
            for prefix, shapes in VENDOR:
                if val.startswith(prefix) and not any(re.fullmatch(s, val) for s in shapes):
                    print("BAD VENDOR SHAPE", row["id"], val[:30])
                    problems += 1

    # 4. lint the unlabelled remainder; every flag must have been reviewed
    flagged = 0
    for row in rows:
        masked = list(row["text"])
        for sp in row["spans"]:
            for k in range(sp["start"], sp["end"]):
                masked[k] = "\x00"
        hits = lint("".join(masked))
        if hits:
            flagged += 1
        seen = REVIEWED.get(row["id"][4:], {})
        for h in hits:
            if h not in seen:
                print("UNREVIEWED LINT", row["id"], repr(h))
                problems += 1
        for h in set(seen) - set(hits):
            print("STALE REVIEW ENTRY", row["id"], repr(h))
            problems += 1

    # 5. counts
    counts: dict[str, int] = {}
    for row in rows:
        for sp in row["spans"]:
            counts[sp["type"]] = counts.get(sp["type"], 0) + 1
    print("spans per type:", dict(sorted(counts.items(), key=lambda kv: -kv[1])), "total", sum(counts.values()))
    print(
        "texts with spans:",
        sum(bool(r["spans"]) for r in rows),
        "| clean texts:",
        sum(not r["spans"] for r in rows),
        "| texts with reviewed lint flags:",
        flagged,
    )
    print("problems:", problems)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
