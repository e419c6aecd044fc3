"""Values named the way people write in passing: "pw:", "API key: …", a Wi-Fi key, an address spelt with "(at)".

Each case with its look-alikes: a name that merely contains "pw", a key that is a data structure's, a
country code in brackets.
"""

from __future__ import annotations

import pytest

from freehold.config.privacy import DetectionSection
from freehold.privacy.detectors import build_detector

DETECTOR = build_detector(DetectionSection(), remember=0)


def found(text: str, kind: str = "SECRET") -> list[str]:
    return [text[s.start : s.end] for s in DETECTOR.detect(text) if s.type == kind]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pw: Tr0ub4dor&3", ["Tr0ub4dor&3"]),
        ("PW=Xk93!mzP", ["Xk93!mzP"]),
        ("db_pw = 'h7Gk2pQz'", ["h7Gk2pQz"]),
        # one qualifier word before a bare keyword makes the name: "API key" is read as ``API_key``
        ("API key: 8842kdP39xQa7Lm2", ["8842kdP39xQa7Lm2"]),
        ("Access key: 8842kdP39xQa7Lm2", ["8842kdP39xQa7Lm2"]),
        ("Stripe secret key: 8842kdP39xQa7Lm2", ["8842kdP39xQa7Lm2"]),
        # a network's key is its password, whatever its shape
        ("WiFi key: 8842-kdP3-9xQa", ["8842-kdP3-9xQa"]),
        ("WPA2 key: 8842-kdP3-9xQa", ["8842-kdP3-9xQa"]),
        ("Network key: 8842-kdP3-9xQa", ["8842-kdP3-9xQa"]),
        ("wifi_key=8842kdP39xQa", ["8842kdP39xQa"]),
        # a URL's query ends the value at the next "&", whatever the name's own prefix ("api_", "access_")
        ("GET https://api.acme.io/v1/items?api_key=a8f3k29dm4ls02kq7xj1&limit=5", ["a8f3k29dm4ls02kq7xj1"]),
    ],
)
def test_named_in_passing(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        '_pw_awklib = "/usr/local/libexec/awk/"',  # "pw" leads the name: a library's path
        "Primary key: customer_id",
        "cache key: user:1234",
        "the key: press F5 to reload",
        "WiFi key: see the label under the router",
        "API key: 8842kdP3",  # too short to be random, and an API key is not a password
    ],
)
def test_named_in_passing_look_alikes(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me: j.doe(at)example.com", ["j.doe(at)example.com"]),
        ("jane [at] example [dot] com, thanks", ["jane [at] example [dot] com"]),
        ("Kontakt: max.mustermann [AT] firma [DOT] de", ["max.mustermann [AT] firma [DOT] de"]),
        ("Nick <nick(dot)treleaven(at)btinternet(dot)com>", ["nick(dot)treleaven(at)btinternet(dot)com"]),
        ("Write to info{at}acme-corp.co.uk.", ["info{at}acme-corp.co.uk"]),
    ],
)
def test_spelled_addresses(text: str, expected: list[str]) -> None:
    assert found(text, "EMAIL") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Siemens, Vienna (AT) office.com",  # a country code in brackets
        "our office in Graz (AT). Call us",
        "meet me at the station at 5",
        "x(at)y",
    ],
)
def test_spelled_address_look_alikes(text: str) -> None:
    assert found(text, "EMAIL") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pierre Dupont - 06 47 21 93 05 - Paris", ["06 47 21 93 05"]),
        ("Pierre 06.47.21.93.05", ["06.47.21.93.05"]),
        ("Anna Müller, 0171 2345678, Berlin", ["0171 2345678"]),
        ("Maria Rossi, 333 123 4567, Milano", ["333 123 4567"]),
        ("Jan de Vries 06-12345678", ["06-12345678"]),
        ("Lucía 612 34 56 78", ["612 34 56 78"]),
        ("Rahul 98765 43210", ["98765 43210"]),
        ("Ana (11) 98765-4321", ["(11) 98765-4321"]),
        ("Kylie 0412 345 678", ["0412 345 678"]),
        # a signature's one-letter labels without a colon, each alone at the start of its line
        ("Baumgartner GmbH\nBahnhofstrasse 21, 8001 Zürich\nM 072 801 45 91\nT 044 211 34 56",
         ["072 801 45 91", "044 211 34 56"]),
    ],
)
def test_national_ways_of_writing_a_mobile(text: str, expected: list[str]) -> None:
    """A country's own way of writing its numbers, valid there, needs no phone word (as a US-shaped one)."""
    assert found(text, "PHONE") == expected


@pytest.mark.parametrize(
    "text",
    [
        "reference 06 12 34 56 78",  # a negative word before it
        "het klantnummer bij Eneco 700 441 883.",  # nine digits in threes: an account as often as a phone
        '<polygon points="205,367.996 210,377.996 215,380.1"/>',  # two separators: coordinates
        "Order 98765 43210 shipped",
        "Vertrag 0171 2345678",
        "Lotto: 03 12 19 27 41 Zusatzzahl 08",  # five pairs in rising order: a draw, not a French number
        "Ergebnisse 01 02 03 04 05",
        "Size M 072 801 45 91",  # the letter is no label inside a line
    ],
)
def test_national_ways_of_writing_a_mobile_look_alikes(text: str) -> None:
    assert found(text, "PHONE") == []


def test_building_a_detector_compiles_the_regions_rules_up_front() -> None:
    """The first request with a national number must not pay ~0.1 s of regex compiling."""
    from freehold.privacy.detectors import phones
    from freehold.privacy.detectors.contextual import REGIONS, SCRIPT_REGIONS

    build_detector(DetectionSection(), remember=0)
    compiled = phones._region_rules.cache_info().currsize
    assert compiled >= len(REGIONS) + sum(len(regions) for _, regions in SCRIPT_REGIONS)
    assert phones._sharing.cache_info().currsize > 0


@pytest.mark.parametrize(
    "text",
    [
        # handles an API pages or deduplicates with: they grant nothing
        '"ClientRequestToken": "a8ca07e4-61ec-4399-99f4-19853801bcd5",',
        '"NextToken": "eyJ2IjoxLCJjIjoiVnRaM0pqNUI4cGJkTE1jVlN3N2ZRZ2c9In0",',
        '"LifecycleActionToken": "bcd2f1b8-9a78-44d3-8a7a-4dd07d7cf635",',
        # AWS's own documentation: a secret's name, a sample session token, a stand-in password
        '"SecretId": "MyTestDatabaseSecret1",',
        '"SessionToken": "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwA",',
        '"MasterUserPassword": "mypassword",',
    ],
)
def test_documentation_handles_and_samples(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"SessionToken": "FwoGZXIvYXdzEBYaDHqa0AP1oSzGtYzY3CKsAeKCq8xkEq9Wb2mBhMcLs",',
         ["FwoGZXIvYXdzEBYaDHqa0AP1oSzGtYzY3CKsAeKCq8xkEq9Wb2mBhMcLs"]),
        ("vault write auth/approle/login role_id=db-role secret_id=9c1e7f3a-2b4d-4e8f-a6c1-3d5b7e9f0a2c",
         ["9c1e7f3a-2b4d-4e8f-a6c1-3d5b7e9f0a2c"]),
        (
            '"refreshToken": "1//0gXk2Lm9Qp4Rt7Vw3Yz6Bc8Df1Gh5Jk0Mn2Pq4St6Uv8Wx"',
            ["1//0gXk2Lm9Qp4Rt7Vw3Yz6Bc8Df1Gh5Jk0Mn2Pq4St6Uv8Wx"],
        ),
    ],
)
def test_documentation_handles_spare_the_real_ones(text: str, expected: list[str]) -> None:
    assert found(text) == expected
