"""Context that makes or unmakes an address, a mailbox, a phone or a birth date (sixth held-out set's errors)."""

from __future__ import annotations

import pytest

from freehold.config.privacy import DetectionSection
from freehold.privacy.detectors import build_detector

DETECTOR = build_detector(DetectionSection(), remember=0)


def found(text: str) -> list[tuple[str, str]]:
    return [(s.type, text[s.start : s.end]) for s in DETECTOR.detect(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a Windows tool's server flag is no version; a browser's version and a network's address are no host
        ("mstsc /v:10.5.20.45 /admin", [("IP_ADDRESS", "10.5.20.45")]),
        ("Mozilla/5.0 (Macintosh) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36", []),
        ("/ip address add address=192.168.88.1/24 interface=bridge network=192.168.88.0", []),
        ("the gateway at 192.168.88.1 answers", [("IP_ADDRESS", "192.168.88.1")]),
        # a server line of nginx is no table
        (
            "upstream api {\n    server 10.10.4.21:8000 max_fails=3;\n    server 10.10.4.22:8000 max_fails=3;\n}",
            [("IP_ADDRESS", "10.10.4.21"), ("IP_ADDRESS", "10.10.4.22")],
        ),
        # an OID beside a longer OID
        ("Signature Algorithm: 1.2.840.113549.1.1.11 (sha256WithRSAEncryption), key usage 2.5.29.15", []),
        # SSH algorithm names are no mailboxes
        ("debug1: kex: algorithm: sntrup761x25519-sha512@openssh.com", []),
        # phone words in Polish and Mexican Spanish
        ("Proszę o pilny kontakt pod numerem 607 032 693", [("PHONE", "607 032 693")]),
        ("pueden escribirme o marcarme al 33 2117 7724", [("PHONE", "33 2117 7724")]),
        ("заказ № 5032-1148-7720, вес 1,24 кг", []),
        # a birth date "on file as"
        ("we have your date of birth on file as 07/12/1990", [("DATE_OF_BIRTH", "07/12/1990")]),
    ],
)
def test_context(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected
