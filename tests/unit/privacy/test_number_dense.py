"""Forms the twentieth blind set (number-dense text with little personal data: the precision test) taught.

Each form with its look-alike; the values are new ones.
"""

from __future__ import annotations

import pytest
from tests.unit.privacy.findings import found


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        # four groups of a longer grouped number; a bare 19-digit id; a card spoken of stays one
        ("Chave de acesso da NF-e: 4224 0812 3456 7800 0195 5500 1000 0187 4410", "CREDIT_CARD", []),
        ("visa 5162 2509 3545 6727 exp 12/25 cvv 123", "CREDIT_CARD", ["5162 2509 3545 6727"]),
        ("TRAPPIST-1   2MASS J23062928-0502285   4507222655760585037   23 06 29.37", "CREDIT_CARD", []),
        ("card on file: 4507222655760585037", "CREDIT_CARD", ["4507222655760585037"]),
        # the label names another number
        ("Specification ES-0912 Rev F, drawing no. 412-07-3315", "US_SSN", []),
        ("Employee SSN: 412-07-3315", "US_SSN", ["412-07-3315"]),
        ("Attorney docket number: 2024-0417-US", "PHONE", []),
        # a version said in Japanese, in brackets
        ("ゲートウェイ: gw-line3-02（ファームウェア 4.12.0.7）", "IP_ADDRESS", []),
        ("gateway firmware (4.12.0.7) on host 10.20.30.40", "IP_ADDRESS", ["10.20.30.40"]),
    ],
)
def test_numbers_of_other_things(text: str, kind: str, expected: list[str]) -> None:
    assert found(text, kind) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # public chain data is no secret; a Hardhat config's private key and an RPC URL's key are
        ("From:   0xfe4ea64c13f39dc75e192870672eae26619b0abf\nTokens Transferred: 1,200 USDT", []),
        ('url: "https://eth-sepolia.g.alchemy.com/v2/ThvHyFSgDkPiY4-7CKXsS3BS_6jihqcF",',
         ["ThvHyFSgDkPiY4-7CKXsS3BS_6jihqcF"]),
        ('accounts: ["0xbd0b7ac4cae1e4e073ffccb9101685b6cc986828f53f34d0ad90bf9a57a7a16a"],',
         ["0xbd0b7ac4cae1e4e073ffccb9101685b6cc986828f53f34d0ad90bf9a57a7a16a"]),
        ("Transaction Hash: 0x41527988c1a2edda026e8c346db98ccf5f28ab5d600309bc832aee8648cf1ad1 (token swap)", []),
    ],
)
def test_chain_data(text: str, expected: list[str]) -> None:
    assert found(text, "SECRET") == expected


def test_aligned_table_with_thousands_separators() -> None:
    """A comma inside "1,212" does not make an aligned table's row a CSV row: the header above names the column."""
    text = (
        "Shirt  Position  Registration no.  Date of birth   Minutes 24/25  Goals\n"
        "4      DF        FAW-2231-0087     —              1,212          1\n"
        "7      MF        FAW-2231-0114     14/02/2011     1,488          6\n"
    )
    assert found(text, "DATE_OF_BIRTH") == ["14/02/2011"]
