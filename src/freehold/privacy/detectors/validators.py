"""Checks that turn a pattern's candidate into a finding: checksums, parsers, entropy.

A regular expression only says "this looks like a card number"; these say "this *is* one".
They are what keeps order numbers, version strings and digests out of the results, so each is
strict and cheap (no allocation beyond the candidate itself).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math
from collections import Counter
from datetime import date
from typing import Final

import orjson

__all__ = [
    "IBAN_LENGTHS",
    "EXAMPLE_IBANS",
    "TEST_CARDS",
    "card_brand_ok",
    "entropy",
    "iban_ok",
    "ip_ok",
    "jwt_ok",
    "luhn_ok",
    "plausible_birth_date",
    "ssn_ok",
]

# Registry lengths (SWIFT IBAN registry): a wrong length fails even when mod-97 happens to pass.
IBAN_LENGTHS: Final[dict[str, int]] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
    "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip

# Numbers the card networks and payment processors publish for testing; nobody's card.
TEST_CARDS: Final[frozenset[str]] = frozenset(
    {
        "4111111111111111", "4242424242424242", "4012888888881881", "4222222222222", "4000056655665556",
        "4000000000000002", "4000000000009995", "4000000000000077", "4000002500003155", "4005519200000004",
        "5555555555554444", "5105105105105100", "5200828282828210", "2223003122003222", "5454545454545454",
        "378282246310005", "371449635398431", "378734493671000", "6011111111111117", "6011000990139424",
        "3530111333300000", "3566002020360505", "30569309025904", "38520000023237", "36227206271667",
        "6200000000000005", "6759649826438453",
        # Stripe's documented cards for 3-D Secure, declines and disputes; Adyen's and Braintree's
        "4000002760003184", "4000003800000446", "4000000000003220", "4000000000003063", "4000008400001629",
        "4000008400001280", "4000000000000101", "4000000000000341", "4000000000009235", "4000000000000069",
        "4000000000000127", "4000000000000119", "4000000000009979", "4000000000009987", "4000000000000259",
        "4100000000000019", "4000000000000010", "4000000000000028", "4000000000000036", "4000000000000044",
        "6555900000604105", "3056930009020004", "4111111145551142", "5555341244441115", "2222400070000005",
        "370000000000002", "4009348888881881", "4012000033330026", "4012000077777777", "4217651111111119",
        "4500600000000061",
    }
)  # fmt: skip

# IBANs printed as examples by the registry, banks and Wikipedia; people also paste them as their own
# in made-up tickets, so the finder drops one only where words such as "sandbox" or "example" say so.
EXAMPLE_IBANS: Final[frozenset[str]] = frozenset(
    "DE89370400440532013000 GB82WEST12345698765432 GB29NWBK60161331926819 GB33BUKB20201555555555"
    " FR1420041010050500013M02606 FR7630006000011234567890189 NL91ABNA0417164300 BE68539007547034"
    " ES9121000418450200051332 IT60X0542811101000000123456 CH9300762011623852957 AT611904300234573201"
    " PL61109010140000071219812874 NO9386011117947 DK5000400440116243 SE4550000000058398257466"
    " FI2112345600000785".split()
)


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum every payment card number carries in its last digit."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_brand_ok(digits: str) -> bool:
    """The number starts with a card network's issuer range and has that network's length.

    Luhn alone lets one random 16-digit number in ten through; the issuer ranges cut that to a
    small share of the digit strings an order number or a tracking id could be.
    """
    n = len(digits)
    two = int(digits[:2])
    four = int(digits[:4])
    if digits[0] == "4":  # Visa
        return n in (13, 16, 19)
    if 51 <= two <= 55 or 2221 <= four <= 2720:  # Mastercard
        return n == 16
    if two in (34, 37):  # American Express
        return n == 15
    if digits.startswith("6011") or two == 65 or 644 <= int(digits[:3]) <= 649:  # Discover
        return 16 <= n <= 19
    if 3528 <= four <= 3589:  # JCB
        return 16 <= n <= 19
    if 300 <= int(digits[:3]) <= 305 or four == 3095 or two in (36, 38, 39):  # Diners Club
        return 14 <= n <= 19
    if 2200 <= four <= 2204:  # Mir
        return 16 <= n <= 19
    if four == 9792:  # Troy
        return n == 16
    if two in (81, 82) or digits.startswith("508"):  # RuPay (its 60 and 65 ranges are Discover's, above)
        return n == 16
    if two == 62:  # UnionPay
        return 16 <= n <= 19
    if two == 50 or 56 <= two <= 69:  # Maestro
        return 12 <= n <= 19
    return False


def iban_ok(compact: str) -> bool:
    """Country length from the registry, then ISO 7064 mod-97 (the check digits must leave 1)."""
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    moved = compact[4:] + compact[:4]
    remainder = 0
    for ch in moved:
        if "0" <= ch <= "9":
            remainder = (remainder * 10 + ord(ch) - 48) % 97
        elif "A" <= ch <= "Z":
            remainder = (remainder * 100 + ord(ch) - 55) % 97
        else:
            return False
    return remainder == 1


# Printed for everyone: the SSA's own advertising sample, the number on a 1938 wallet insert, a pamphlet's.
_DOCUMENTED_SSNS: Final = frozenset({"123456789", "078051120", "219099999"})


def ssn_ok(area: str, group: str, serial: str) -> bool:
    """Numbers the SSA never issues (area 000, 666 or 900-999, group 00, serial 0000), or that it voided."""
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return area + group + serial not in _DOCUMENTED_SSNS


def ip_ok(candidate: str) -> bool:
    """A real IPv4 or IPv6 address by the standard library's parser, netmasks excluded.

    A netmask (255.255.255.0) is a prefix length, not a host anybody could be traced to; neither is
    a loopback (127.0.0.1, ::1) or unspecified (0.0.0.0, ::) address, which every machine has.
    """
    if ":" not in candidate:
        return _ipv4_ok(candidate)
    try:
        addr = ipaddress.ip_address(candidate)
    except ValueError:
        return False
    if addr.is_loopback or addr.is_unspecified:
        return False
    if addr.version == 4 and candidate.startswith("0."):
        return False  # 0/8 is "this network": no host has such an address; a wildcard mask (0.0.0.255) does
    if addr.version == 4 and candidate.startswith("255.") and int(addr) != 0xFFFFFFFF:
        inverted = ~int(addr) & 0xFFFFFFFF
        return inverted & (inverted + 1) != 0  # a netmask's host part is all ones: 0b0..01..1
    return True


def _ipv4_ok(candidate: str) -> bool:
    """``ip_ok`` of a dotted quad, read as ``ipaddress.IPv4Address`` reads one, in a fifth of its time.

    Four octets of one to three ASCII digits, no leading zero, none over 255; then the rules above
    (loopback 127/8, unspecified, "this network" 0/8, netmasks).
    """
    parts = candidate.split(".")
    if len(parts) != 4:
        return False
    value = 0
    for part in parts:
        if not (part.isascii() and part.isdigit()) or len(part) > 3 or (len(part) > 1 and part[0] == "0"):
            return False
        octet = int(part)
        if octet > 255:
            return False
        value = value << 8 | octet
    first = value >> 24
    if first in (0, 127):
        return False  # "this network" (and unspecified 0.0.0.0), loopback
    if first == 255 and value != 0xFFFFFFFF:
        inverted = ~value & 0xFFFFFFFF
        return inverted & (inverted + 1) != 0  # a netmask's host part is all ones: 0b0..01..1
    return True


def _b64_json(segment: str) -> object:
    padded = segment + "=" * (-len(segment) % 4)
    try:
        return orjson.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError):
        return None


def jwt_ok(token: str) -> bool:
    """The first segment decodes to a JSON header naming an algorithm (``alg``), as RFC 7515 requires."""
    header = _b64_json(token.split(".", 1)[0])
    return isinstance(header, dict) and "alg" in header


_C_LOG_C: Final = [0.0] + [c * math.log2(c) for c in range(1, 1025)]


def entropy(token: str) -> float:
    """Shannon entropy in bits per character: random keys sit near 4-6, words and ids lower.

    Computed as ``log2(n) - sum(c * log2(c)) / n`` over the character counts ``c``, with
    ``c * log2(c)`` from a table: the same value as ``-sum(p * log2(p))`` without a Python-level
    loop per distinct character.
    """
    n = len(token)
    if n > 1024:
        return -sum(c / n * math.log2(c / n) for c in Counter(token).values())
    return math.log2(n) - sum(map(_C_LOG_C.__getitem__, Counter(token).values())) / n if n else 0.0


def plausible_birth_date(year: int, month: int, day: int) -> bool:
    """A real calendar date between 1900 and today: a person's, not a contract's end date."""
    try:
        when = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= when <= date.today()
