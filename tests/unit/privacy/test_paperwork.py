"""Forms from business paperwork: statements, claims, registrations, service lines.

Written after the fourteenth blind set; the examples are new ones of the same kinds.
"""

from __future__ import annotations

import pytest
from tests.unit.privacy.findings import found

STATEMENT = """Transactions
 03/02 CORNER MARKET #88 SPOKANE WA          41.20
 03/04 FUEL STOP 58214477 BOISE ID           62.75
 03/09 UNITED 0162345118870 DENVER            412.10
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a company's toll-free or shared-cost line is no one's personal number
        ("Questions? Member services 1-888-555-0123, Mon-Fri.", []),
        ("Customer service: +1 877 555 0142 (24/7)", []),
        ("Freephone 0800 028 0219 or Lo-call 1300 655 506", []),
        ("SAC 0800 727 0123 (24 h)", []),
        ("Segreteria: numero verde 800 123 456.", []),
        # while a person's line beside it is one
        ("Claims line 1-800-555-0134; your adjuster Dana Kim, (614) 690-5145.", ["(614) 690-5145"]),
        ("Deb Kallis, property manager, (03) 9123 4567", ["(03) 9123 4567"]),
        ("我的手机号是 183 3432 6364，微信同号", ["183 3432 6364"]),
        # identifiers and codes after their names, a postcode, a sample of zeros
        ("Prescriber: Dr. A. Ruelas, NPI 1982736450, office fax on file", []),
        ("Broker licence no. 20114418 (RECA)", []),
        ("Société immatriculée, SIREN 775 684 764", []),
        ("ASD iscritta al RASD, C.F. 97012345158", []),
        ("Mi número de demandante es 48012277.", []),
        ("Endereço: Rua X, 1204 — CEP 13015-002", []),
        ("Pedidos de exemplo: 2025-0000000", []),
        ('phone: tel, optional — placeholder "(555) 555-0100"', []),
        (STATEMENT, []),
        # "WA" labels only the number right after it
        ("hubungi WA: 0812 3456 7890", ["0812 3456 7890"]),
        # the qualified-number rule leaves the phone's own qualifiers alone
        ("mi número de teléfono es 612 34 56 78", ["612 34 56 78"]),
        ("il mio numero di cellulare è 347 465 4819", ["347 465 4819"]),
    ],
)
def test_phones_in_paperwork(text: str, expected: list[str]) -> None:
    assert found(text, "PHONE") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10:03 ID&V: full name OK, DOB given as March 3rd, 1961 OK", ["March 3rd, 1961"]),
        ("Dienstnehmerin: Mag. Eva Huber, geboren am 14. Jänner 1983", ["14. Jänner 1983"]),
        ("geb. 2. Feber 1979, Wien", ["2. Feber 1979"]),
        ("nombre: Ane Lasa\nfecha_nacimiento: 1997-05-21\nemail: ane@example.es", ["1997-05-21"]),
        ("Fecha de alta: 2025-01-10, fecha de nacimiento del titular: 12/04/1975", ["12/04/1975"]),
        ("Invoice date given as 2025-01-10", []),
    ],
)
def test_birth_dates_in_paperwork(text: str, expected: list[str]) -> None:
    assert found(text, "DATE_OF_BIRTH") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("VPN: server 81.174.233.19, pre-shared key Qm4x-Tz8k-Lp2r-Wv6e", ["Qm4x-Tz8k-Lp2r-Wv6e"]),
        ("RADIUS shared secret: Kx9!pL2mQz", ["Kx9!pL2mQz"]),
        ("The tunnel uses a pre-shared key, rotated every 90 days.", []),
    ],
)
def test_shared_keys_in_prose(text: str, expected: list[str]) -> None:
    assert found(text, "SECRET") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Booking ref QX7T2M\nFOP: CC AX374154990951454 EXP 0429", ["374154990951454"]),
        ("FOP CCVI4556737586899855/0427", ["4556737586899855"]),
        ("FOP CCVI4111111111111111/0427 (the GDS's test card)", []),
    ],
)
def test_cards_in_a_ticket_form_of_payment(text: str, expected: list[str]) -> None:
    assert found(text, "CREDIT_CARD") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "fyi the stripe webhook secret changed to 7c1e9a0b44d2f6e8a3b5c7d9e1f20416a8b3c5d7 btw",
            ["7c1e9a0b44d2f6e8a3b5c7d9e1f20416a8b3c5d7"],
        ),
        ("the cache key changed to 7c1e9a0b44d2f6e8a3b5c7d9e1f20416a8b3c5d7", []),
        ("the release commit changed to 7c1e9a0b44d2f6e8a3b5c7d9e1f20416a8b3c5d7", []),
    ],
)
def test_a_hex_key_said_to_have_changed(text: str, expected: list[str]) -> None:
    assert found(text, "SECRET") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Borrower 2: Signe Lund, Age 35 (1990-01-25)", ["1990-01-25"]),
        ("Patient aged 42 (born 03/04/1983), presenting with", ["03/04/1983"]),
        ("age 12 (2025-03-01 intake)", []),
        ("Average 35 (1990-01-25)", []),
    ],
)
def test_a_date_beside_the_age_it_gives(text: str, expected: list[str]) -> None:
    assert found(text, "DATE_OF_BIRTH") == expected
