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
    assert strength("adminPasswordKey") == 0  # names the key of a Kubernetes Secret
    assert strength("secretKey") == 2
    assert strength("secret_id") == 1  # a credential only when it looks random: AWS's SecretId is a name
    assert strength("--export-secret-keys") == 0
    assert strength("validationKey") == 1


def test_hashed() -> None:
    for value in ("$6$rounds=5000$salt$abc", "$y$j9T$abc$def", "{SSHA}abc", "*" + "A" * 40, "md5" + "0" * 32):
        assert hashed(value), value
    assert not hashed("Hunter2-Hunter2")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # key files: an OpenVPN static key and a PuTTY key, each one span
        (
            "<tls-crypt>\n-----BEGIN OpenVPN Static key V1-----\nb87c6e3bd57d959f006666424063b650\n"
            "81ae2643e762aaf5d7af80791e593c2a\n-----END OpenVPN Static key V1-----\n</tls-crypt>",
            [
                "-----BEGIN OpenVPN Static key V1-----\nb87c6e3bd57d959f006666424063b650\n"
                "81ae2643e762aaf5d7af80791e593c2a\n-----END OpenVPN Static key V1-----"
            ],
        ),
        (
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: k\nPublic-Lines: 1\n"
            "AAAAC3NzaC1lZDI1NTE5AAAAIFquTV0Fq7S9CN7XwrMwlmJA1MmxaIB5\nPrivate-Lines: 1\n"
            "AAAAIGc0b2dH3vWn2Qk8Lr5mTz7xYp1sNa4c\nPrivate-MAC: 5d2f0a9c1e7b3f4a\nthanks",
            [
                "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: k\nPublic-Lines: 1\n"
                "AAAAC3NzaC1lZDI1NTE5AAAAIFquTV0Fq7S9CN7XwrMwlmJA1MmxaIB5\nPrivate-Lines: 1\n"
                "AAAAIGc0b2dH3vWn2Qk8Lr5mTz7xYp1sNa4c\nPrivate-MAC: 5d2f0a9c1e7b3f4a"
            ],
        ),
        # vendor formats
        (
            ":rubygems_api_key: rubygems_97b7dbcaeddb880b9175605d807cda758bc7c6b747477748",
            ["rubygems_97b7dbcaeddb880b9175605d807cda758bc7c6b747477748"],
        ),
        (
            "      - webhook_url: 'https://discord.com/api/webhooks/1968213745955993820/oHhjnlfSDaKLHJw5RFu9l90BboyJR4Lhqs-DB20oatFRGtHqW1xYz2aBc3dEf4gH'",
            [
                "https://discord.com/api/webhooks/1968213745955993820/oHhjnlfSDaKLHJw5RFu9l90BboyJR4Lhqs-DB20oatFRGtHqW1xYz2aBc3dEf4gH"
            ],
        ),
        # SQL Server's N'…' literal: the password inside it
        ("CREATE LOGIN [etl_loader] WITH PASSWORD = N'Sparrow2015#';", ["Sparrow2015#"]),
        # a prefix alone, a documented key, encrypted values, a shell variable: none is a secret
        ("STRIPE_SECRET_KEY=sk_test_\n", []),
        ("STRIPE_API_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc", []),
        ("    admin-password: ENC[AES256_GCM,data:xtRl5bK+vYVdVJhYl61GyL5ipME=,iv:Qm9v,type:str]", []),
        ("spring.datasource.password=ENC(qRKPMOL8Pg8JyXx/Wc2MSX8gcg+DLZT2ugzP7sk6lnWUktvQX8yKdvxDu9jl0BEy)", []),
        (
            "spec:\n  encryptedData:\n    password: "
            + "AgBtiV1fjMktmGSbnAePz1pyX/2fMkxXfK4Jfi26diPkIPEuZoR3SfK7a6ZghYlE" * 4
            + "\n",  # hundreds of characters
            [],
        ),
        ('curl -H "PRIVATE-TOKEN: [MASKED]" "$CI_API_V4_URL/projects/"', []),
    ],
)
def test_shapes_and_non_secrets(text: str, expected: list[str]) -> None:
    assert secrets(text) == expected
