"""Forms the nineteenth blind set (what agents' tool calls carry: API payloads, arguments, results) taught.

Each form with its look-alike; the values are new ones.
"""

from __future__ import annotations

import pytest
from tests.unit.privacy.findings import found


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        # a value's own key says what it is, whatever phone word stands earlier in the record
        ('{"body": "<p>Could you confirm the phone number?</p>", "created_at": 1715671520}', "PHONE", []),
        ('{"note": "call the customer", "order_id": "415-555-2671"}', "PHONE", []),
        ('{"phone_number": "0171 2345678", "updatedAt": 1715671520}', "PHONE", ["0171 2345678"]),
        ('{"id": 5129847293497, "order_id": 5893410308921}', "CREDIT_CARD", []),
        ('{"cardNumber": 5162250935456727}', "CREDIT_CARD", ["5162250935456727"]),
        # ids written like addresses
        ('{"name": "Message-ID", "value": "<bec4e52e.3307850545@kestrelbuild.co.za>"}', "EMAIL", []),
        ('"iCalUID": "2yiXqrJuG3sxpl5sSrPuhIU4oW@google.com"', "EMAIL", []),
        ('{"name": "Reply-To", "value": "<ama.boateng@kestrel.co.za>"}', "EMAIL", ["ama.boateng@kestrel.co.za"]),
    ],
)
def test_keys_name_their_values(text: str, kind: str, expected: list[str]) -> None:
    assert found(text, kind) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{\\"phone\\": \\"(201) 850-8175\\",\\n  \\"date_of_birth\\": \\"1984-10-02\\"}', ["1984-10-02"]),
        ("<employee><birthdate>1983-04-07</birthdate></employee>", ["1983-04-07"]),
        (
            '{"columns": ["employee_id", "ssn", "date_of_birth"], "rows": [\n'
            '  ["E-10922", "206-97-1106", "1990-02-27"],\n'
            '  ["E-11408", "191-87-9186", "1977-12-09"]\n], "row_count": 2}',
            ["1990-02-27", "1977-12-09"],
        ),
        ('{"columns": ["employee_id", "hired_on"], "rows": [["E-10922", "1990-02-27"]]}', []),
        ("SELECT * FROM people WHERE date_of_birth > 1990-01-01", []),
    ],
)
def test_dates_of_birth_in_payloads(text: str, expected: list[str]) -> None:
    assert found(text, "DATE_OF_BIRTH") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"db_master_password": {"sensitive": true, "type": "string", "value": "!Km%6ony%k7DK0FCy#k-Cu0_o1Wh"}',
            ["!Km%6ony%k7DK0FCy#k-Cu0_o1Wh"],
        ),
        ('"api_key": {"sensitive": true, "value": "${var.api_key}"}', []),
        ('redis_cmd("GET", "sess:rxkypq0nChyF_BscYpYCuxhrPAOIgrvk")', ["rxkypq0nChyF_BscYpYCuxhrPAOIgrvk"]),
        # Azure's CLI: the name field says key, another field stands between it and the value
        (
            '[\n  {\n    "keyName": "key1",\n    "permissions": "FULL",\n    "value": "CU78+B/5sW8x/M9fAG7nwNM9350nzl"'
            "\n  }\n]",
            ["CU78+B/5sW8x/M9fAG7nwNM9350nzl"],
        ),
        ('{"keyName": "key1", "permissions": "FULL", "value": "readonly-default"}', []),
        ('redis_cmd("GET", "sess:user-profile-cache-entry")', []),
        # a time about a credential, an id, a card's token: none is one
        ('{"passwordChanged": "2024-02-01T09:12:44.000Z", "password_updated_at": "2024-02-01"}', []),
        ('{"offset": 9920114, "key": "01J3MC9JDETJ5NAB69WN4TGY44"}', []),
        ('vault.reveal(tokens=["tok_YPj6dn7AKKJjZt3WtTu4"]) -> {"token": "tok_jL8IqvarrliI64UjODi5"}', []),
    ],
)
def test_secrets_in_payloads(text: str, expected: list[str]) -> None:
    assert found(text, "SECRET") == expected
