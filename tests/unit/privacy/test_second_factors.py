"""Recovery codes, spaced TOTP keys and JWK private members (codes.py); a value on the line below its label;
passwords after a password word of a non-Latin script."""

from __future__ import annotations

import pytest

from freehold.config.privacy import DetectionSection
from freehold.privacy.detectors import build_detector

DETECTOR = build_detector(DetectionSection(), remember=0)


def secrets(text: str) -> list[str]:
    return [text[s.start : s.end] for s in DETECTOR.detect(text) if s.type == "SECRET"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Two-factor authentication\nEnter this key manually: uqvt oru7 m5q2 puc4 skeg fje6 raw5 yduy\n\n"
            "Recovery codes (each can be used once):\nda8ffb74176eec87\n41a3f363cdd32cf0\n\nKeep them safe.",
            ["uqvt oru7 m5q2 puc4 skeg fje6 raw5 yduy", "da8ffb74176eec87", "41a3f363cdd32cf0"],
        ),
        ("backup codes: y734-iko5 mydy-qg7i j4xp-4m4i", ["y734-iko5", "mydy-qg7i", "j4xp-4m4i"]),
        ("Backup codes:\n1. 4821 9930\n2. 1188 0042\nUse one per login.", ["4821 9930", "1188 0042"]),
        # a heading in prose, then prose: nothing
        ("We rotate the backup codes every month.\nThe team lead keeps them.", []),
        # a seed phrase: 12 to 24 lower-case words after its name; a sentence of twelve words is none
        (
            "He asked for my recovery phrase:\n"
            "aware worry wealth arrow absurd anxiety win veteran wild almost view vital",
            ["aware worry wealth arrow absurd anxiety win veteran wild almost view vital"],
        ),
        ("my wallet seed is safe; woman was having lunch with her boss when the boss excused herself", []),
        # a card number is no TOTP key; a TOTP column is a secret
        ("TOTP test card: 5555 5555 5555 4444", []),
        (
            "name,login_password,login_totp\nGmail,Basalt-juniper-marble75,YG4MY6Q32BM72IZLKZXPGJIEFGTGQXNZ",
            ["Basalt-juniper-marble75", "YG4MY6Q32BM72IZLKZXPGJIEFGTGQXNZ"],
        ),
        # four-letter words in groups are no key, even in a 2FA text
        ("Set up 2FA: open your authenticator, then type this code when asked", []),
        (
            '{"kty": "OKP", "crv": "Ed25519", "x": "YL3Ww-MP_woe_TmQrbzp2TqsxQRnVOfpjJSkgBMP_cw", '
            '"d": "fPouSXoIcx1WkuvN_5nhcWxjx0jxCMb_cBSsk6EBhZM"}',
            ["fPouSXoIcx1WkuvN_5nhcWxjx0jxCMb_cBSsk6EBhZM"],
        ),
        # the value on the line under its label
        (
            "Admin-API key:\niNr62Fwzo8HxvjpekyqJ6c2zr4rZ7PilBJ8rsUuJonhjVLxxjXhQxliN\n\nThanks",
            ["iNr62Fwzo8HxvjpekyqJ6c2zr4rZ7PilBJ8rsUuJonhjVLxxjXhQxliN"],
        ),
        ("secrets:\n  db_password:\n    file: ./db.txt", []),
        # a second password in the same sentence, after a verb
        (
            "the wifi password is Hx7#teal-lantern-19 and the guest one is visitors2026!",
            ["Hx7#teal-lantern-19", "visitors2026!"],
        ),
        (
            "Das neue Passwort lautet Papavero_9382!, das alte war walrus-pelican-andorinha0.",
            ["Papavero_9382!", "walrus-pelican-andorinha0"],
        ),
        ("the password is Hx7#teal-lantern-19 and the old one was fine too", ["Hx7#teal-lantern-19"]),
        # password words of non-Latin scripts, the Latin run after them
        ("管理者アカウントの初期パスワード「iHDe7q6axXJX」でログインできません。", ["iHDe7q6axXJX"]),
        ("메일로 받은 임시 비밀번호 ItLgPWtG9x 로 로그인하면 잠깁니다", ["ItLgPWtG9x"]),
        ("Мой пароль: Zx81qpLm", ["Zx81qpLm"]),
        ("пароль для admin01 сбросили вчера", []),
    ],
)
def test_second_factors_and_labels(text: str, expected: list[str]) -> None:
    assert secrets(text) == expected
