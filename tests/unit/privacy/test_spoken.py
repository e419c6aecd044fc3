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


# Numbers and dates said in words, and digits OCR misread (written after the seventeenth set; new values).
@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        (
            "you can reach me on my cell, that's two oh one, double nine five, eight one oh six.",
            "PHONE",
            ["two oh one, double nine five, eight one oh six"],
        ),
        (
            "Can you ring me back on plus double four, seven four oh one, six eight six, eight six eight?",
            "PHONE",
            ["plus double four, seven four oh one, six eight six, eight six eight"],
        ),
        (
            "Caller: the card number is five one six two, two five oh nine, three five four five, six seven two seven",
            "CREDIT_CARD",
            ["five one six two, two five oh nine, three five four five, six seven two seven"],
        ),
        (
            "Agent: And your social security number?\nCaller: Sure, it's five three seven... nine seven... nine four"
            " six seven",
            "US_SSN",
            ["five three seven... nine seven... nine four six seven"],
        ),
        (
            "born June 9th, 1964, social five three seven, nine seven, nine four six seven",
            "US_SSN",
            ["five three seven, nine seven, nine four six seven"],
        ),
        # the numbers of things, counting, a test card said aloud
        ("Please say your prescription number.\nCaller: Six oh four four one two eight.", "PHONE", []),
        ("the claim number is two oh one, double nine five, eight one oh six", "PHONE", []),
        ("and then you count: one, two, three, four, five, six, seven, eight, nine", "PHONE", []),
        ("the test card four two four two, four two four two, four two four two, four two four two", "CREDIT_CARD", []),
        ("nine digits: five three seven nine seven nine four six seven, for the lottery", "US_SSN", []),
    ],
)
def test_digits_said(text: str, kind: str, expected: list[str]) -> None:
    assert found(text, kind) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Rep: And the date of birth?\nCaller: November twenty third, nineteen fifty nine.",
            ["November twenty third, nineteen fifty nine"],
        ),
        (
            "Agent: Your date of birth?\n[00:00:13] Caller: The fourth of July nineteen eighty two.",
            ["fourth of July nineteen eighty two"],
        ),
        ("date of birth the ninth of June two thousand and one", ["ninth of June two thousand and one"]),
        ("DOB: March the second, nineteen oh five", ["March the second, nineteen oh five"]),
        ("Date of birth: O9/23/l991", ["O9/23/l991"]),
        ("Ich wurde am 12.07.1994 geboren.", ["12.07.1994"]),
        ("Ik ben op 3-4-1985 in Den Haag geboren.", ["3-4-1985"]),
        # not a birth: no birth word, a founding, a date in the future, words that are no date
        ("The fourth of July nineteen eighty two was hot.", []),
        ("Die Idee zum Verein wurde am 3. März 2019 geboren.", []),
        ("date of birth: the fourth of July twenty fifty", []),
        ("date of birth: SOLO 12", []),
    ],
)
def test_dates_said_or_scanned(text: str, expected: list[str]) -> None:
    assert found(text, "DATE_OF_BIRTH") == expected


def test_scanned_digits() -> None:
    """OCR's O, l, S and B for 0, 1, 5 and 8, where the value's context and its checksum say what it was."""
    assert found("Bankverbindung: Sparkasse  IBAN DE18 2O87 3192 1720 6974 11\nBIC", "IBAN") == [
        "DE18 2O87 3192 1720 6974 11"
    ]
    assert found("IBAN: GB34 ZEOA 0370\n4606 4174 93\nIf any", "IBAN") == ["GB34 ZEOA 0370\n4606 4174 93"]
    assert found("Stadtwerke GmbH\nIBANDE33722814362331144724BIC des Instituts", "IBAN") == ["DE33722814362331144724"]
    assert found("IBAN DE18 2O87 3192 1720 6974 12", "IBAN") == []  # repaired, it still fails mod-97
    assert found("Employee's social security number    OMB No. 1545-0008\n399-S1-5429\n", "US_SSN") == ["399-S1-5429"]
    assert found("part number 399-S1-5429 in stock", "US_SSN") == []  # no SSN context
    assert found("Phone (cell):(2O1) 976-4215  E-mail:", "PHONE") == ["(2O1) 976-4215"]


def test_two_digit_years_and_no_quadratic_look_back() -> None:
    assert found("Ich bin am 12.07.94 geboren", "DATE_OF_BIRTH") == ["12.07.94"]
    assert found("Er hat 12 Kinder, 3 davon 2019 geboren", "DATE_OF_BIRTH") == []
    # thousands of birth words with no date: each costs one short look, not a search of its window
    assert found("geboren " * 3000, "DATE_OF_BIRTH") == []
    assert found("DOB " * 3000, "DATE_OF_BIRTH") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Your new password is r, seven, capital F, capital B, capital M, two, capital W, q, exclamation mark.",
            ["r, seven, capital F, capital B, capital M, two, capital W, q, exclamation mark"],
        ),
        ("and the password is nine, h, capital S, at sign, b, eight", ["nine, h, capital S, at sign, b, eight"]),
        ("the password is a, b, c and the rest", []),  # too short to be one
        ("my password is long, strong, hard, safe, good, nice", []),  # words, not characters
    ],
)
def test_passwords_spelt(text: str, expected: list[str]) -> None:
    assert found(text, "SECRET") == expected


def test_spanish_call_verbs() -> None:
    assert found("escríbeme o me llamas al 612 323 319 mañana", "PHONE") == ["612 323 319"]
    assert found("Juan se llama Pedro y tiene 612 323 319 puntos", "PHONE") == []  # "llama": is called
