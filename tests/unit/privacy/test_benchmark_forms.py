"""Forms the eighteenth blind set (in the style of public PII and secret-scanning benchmarks) taught.

Each form with its look-alike; the values are new ones.
"""

from __future__ import annotations

import pytest
from tests.unit.privacy.findings import found

KEY = "bYrV5pbBxop0gh7GKMbLEs8PshJxCeqMeAco30084VG"
HEX = "0a369ac70193ae741f85d67dd0af160c"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f'var jwtSigningKey = []byte("{KEY}")', [KEY]),  # Go
        (f"const secret = Buffer.from('{KEY}', 'base64')", [KEY]),  # Node
        (f"SECRET_KEY = b'{KEY}'", [KEY]),  # Python bytes
        (f"Connect to the host using the API key {HEX} and run the export.", [HEX]),
        # a digest or an id, not the key
        (f"the fingerprint of the API key {HEX} is logged", []),
        (f"hash of API key {HEX} in the log", []),
        (f"use the cache key {HEX} for the lookup", []),
        ("the API key is stored as []byte", []),
    ],
)
def test_secrets(text: str, expected: list[str]) -> None:
    assert found(text, "SECRET") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La versión de firmware es 3.10.2.144 (compilación 2023-11-07)", []),
        ("The firmware version is 3.10.2.144 now.", []),
        ("Die Firmware-Version ist 3.10.2.144.", []),
        ("The build server is 10.20.30.40", ["10.20.30.40"]),  # "build", then another word: an address
        ("The server IP is 10.20.30.40", ["10.20.30.40"]),
    ],
)
def test_versions_said_to_be(text: str, expected: list[str]) -> None:
    assert found(text, "IP_ADDRESS") == expected
