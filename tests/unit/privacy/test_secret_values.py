"""What a value assigned to a credential's name is and is not: quoted literals that look like code,
hashes, publishable keys and ids, encrypted or derived values, plan diffs, flag specs."""

from __future__ import annotations

import pytest

from freehold.config.privacy import DetectionSection
from freehold.privacy.detectors import build_detector
from freehold.privacy.detectors.names import strength
from freehold.privacy.detectors.placeholders import hashed

DETECTOR = build_detector(DetectionSection(), remember=0)


def secrets(text: str) -> list[str]:
    return [text[s.start : s.end] for s in DETECTOR.detect(text) if s.type == "SECRET"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a quoted literal with a dot is a value when it is random, code when it is words
        ("swaks --auth PLAIN --auth-password 'l2.zBmhCXkz2Oc88'", ["l2.zBmhCXkz2Oc88"]),
        ('password = "config.db_password"', []),
        # a plan's change shows the old and the new value
        ('~ "SFTP_PASSWORD" = "Lq8#tWz2!mVe" -> "Ry5$pNc9@hKa"', ["Lq8#tWz2!mVe", "Ry5$pNc9@hKa"]),
        # key qualifiers that make "key" a credential's
        (
            "[Peer]\nPresharedKey = arX+kFtWAeGNGremLDVTayIbTUZIzggmaicmDmZxyeE=",
            ["arX+kFtWAeGNGremLDVTayIbTUZIzggmaicmDmZxyeE="],
        ),
        ("dns_ovh_consumer_key = rjZQuO8BxBtgDOGP9C2zvTgxTVUjQBHO", ["rjZQuO8BxBtgDOGP9C2zvTgxTVUjQBHO"]),
        ("  - routing_key: 0cc73f1c418d75ed4afe403b713e9a1f", ["0cc73f1c418d75ed4afe403b713e9a1f"]),
        ("  - routing_key: orders.created", []),
        (
            "psk=ad65a3c7dc9c2a0f2247616e86fa9fe4b2c13bd568cc169337872be1949e4a92",
            ["ad65a3c7dc9c2a0f2247616e86fa9fe4b2c13bd568cc169337872be1949e4a92"],
        ),
        # the secret half of an id/secret pair
        ("SecretID:         8094fa40-04eb-45c7-84e6-5cfcf05a4a95", ["8094fa40-04eb-45c7-84e6-5cfcf05a4a95"]),
        # hashes are stored in place of passwords, they are not passwords
        (
            "ALTER ROLE app_ro WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:TgjgKJnVeZTax54coqewzQ==$9tq3QUp1vT0P1P2K"
            "z0Jj6A=:xq0fVn3pGx5mVbS4vb2nTrzu0Ps1VdG1d0y+fT0Jd0A='",
            [],
        ),
        ("enable secret 9 $9$.H47qNZB4kFFEz$V4wdD2eY2419JB9AN5qP/tcw1unQuFdmMc", []),
        ("username readonly privilege 1 secret 5 $1$XyXjl9W0$AMCBUz6leh8V4cvhjb6f5U", []),
        # CSRF tokens, accessors, key ids, publishable keys and SIDs grant nothing
        ("X-CSRFToken: zIylgf6XJHOcrUANLKHupN85w1Ts7YO4", []),
        ("$ vault token lookup -accessor kaoUxcMqtPxagANoc16yggeA", []),
        ("$ gpg --armor --export-secret-keys 01425D00E39EF686 > key.asc", []),
        ('    clientToken: "pub673024934c5d080743912e93eede64ee",', []),
        ('{"key": "MessagingServiceSid", "value": "MGc3be8f63c11eed7aa92198137002f2c3"}', []),
        # a flag's spec is not its value
        ("docker build --secret id=npmrc,src=$HOME/.npmrc .", []),
    ],
)
def test_assigned_values(text: str, expected: list[str]) -> None:
    assert secrets(text) == expected


def test_names() -> None:
    assert strength("X-CSRFToken") == 0
    assert strength("secret_id") == 2
    assert strength("--export-secret-keys") == 0
    assert strength("validationKey") == 1


def test_hashed() -> None:
    for value in ("$6$rounds=5000$salt$abc", "$y$j9T$abc$def", "{SSHA}abc", "*" + "A" * 40, "md5" + "0" * 32):
        assert hashed(value), value
    assert not hashed("Hunter2-Hunter2")
