"""Values as speech-to-text and OCR write them: addresses and IPs said aloud, IBANs read out, text run together.

Written after the seventeenth blind set; the examples are new ones of the same kinds.
"""

from __future__ import annotations

import pytest
from tests.unit.privacy.findings import found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("or just email me, maria dot lopez at gmail dot com.", ["maria dot lopez at gmail dot com"]),
        ("c'est paul point girard arobase orange point fr.", ["paul point girard arobase orange point fr"]),
        ("escríbeme a ana punto ruiz arroba hotmail punto es", ["ana punto ruiz arroba hotmail punto es"]),
        ("Email is j underscore kim 42 at proton mail dot com.", ["j underscore kim 42 at proton mail dot com"]),
        ("look at the dot com bubble", []),
        ("we met him at school dot com", []),
        ("E-mail:ana.kim@northnet.netPhone: 555", ["ana.kim@northnet.net"]),
    ],
)
def test_addresses(text: str, expected: list[str]) -> None:
    assert found(text, "EMAIL") == expected


def test_ips_and_ibans_read_out() -> None:
    assert found("Um, it says 10 dot 48 dot 112 dot 37.", "IP_ADDRESS") == ["10 dot 48 dot 112 dot 37"]
    assert found("version 1 dot 2 dot 3 dot 4 dot 5", "IP_ADDRESS") == []
    assert found("IBAN DE 82 8245 7234 7451 0032 19", "IBAN") == ["DE 82 8245 7234 7451 0032 19"]


@pytest.mark.parametrize(
    "text",
    [
        "Votre numéro d'adhérent ? Alors c'est le 7 7 0 4 1 2 8 B",
        "a Employee's social security number    OMB No. 1545-0008",
        "press 2 for the pharmacy. Prescription number 6 0 0 4 1 8 2 7.",
    ],
)
def test_numbers_of_things(text: str) -> None:
    assert found(text, "PHONE") == []
