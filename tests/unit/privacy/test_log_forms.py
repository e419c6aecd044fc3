"""Forms the twenty-first blind set (production logs and error reports) taught.

Each form with its look-alike; the values are new ones.
"""

from __future__ import annotations

import pytest
from tests.unit.privacy.findings import found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # sessions wherever a log writes them
        (
            "COOKIES:\ncsrftoken = 'zwe4RiuCoJTfL0lOMMmvNpjutEIMwkiK'\nsessionid = 'kiIJt1PPW9B92bPTOpwzijJk4uZkiE1z'",
            ["kiIJt1PPW9B92bPTOpwzijJk4uZkiE1z"],
        ),
        (
            '"headers":{"Cookie":["grafana_session=d618703117a84384b16d6c8f58815f02"]}',
            ["d618703117a84384b16d6c8f58815f02"],
        ),
        (
            "0/0 {api.example.nl|Mozilla/5.0|session=ca58b453d1782396a783801551bed8f4} GET /",
            ["ca58b453d1782396a783801551bed8f4"],
        ),
        ("session=user-preferences-default-light", []),
        # keys in URLs, a tool named by its path
        (
            "GET /partner/api/v1/stock?sku=FJ-4417&key=fceb378e7f00b2a3f9ea3e28045b1106b01b80f1 HTTP/1.1",
            ["fceb378e7f00b2a3f9ea3e28045b1106b01b80f1"],
        ),
        ("GET /items?sort=asc&key=name HTTP/1.1", []),
        (
            "https://st.blob.core.windows.net/c/x.pdf?sv=2022-11-02&se=2025-02-10T23:59:59Z&sp=r&sig=kHBVeXlb0ferYigOp3"
            "JZR4uMxO2n5bI1kL73Kz7Hn14%3D",
            ["kHBVeXlb0ferYigOp3JZR4uMxO2n5bI1kL73Kz7Hn14%3D"],
        ),
        (
            "reset_url = 'https://app.example.fr/reset/MTg4MjE/cb4x1q-de5dcf1f0ed94d66a965918589615467/'",
            ["cb4x1q-de5dcf1f0ed94d66a965918589615467"],
        ),
        ("https://example.io/password-reset/done/", []),
        (
            "sudo: deploy : TTY=pts/1 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/mysql -u root -pSh4rk-Bay!2291",
            ["Sh4rk-Bay!2291"],
        ),
        # not secrets: a CSRF token, a flag that takes no value, a sentence's flag, an event id, a pod's name
        ('Parameters: {"authenticity_token"=>"-M-VKH2ucG0jLGl5FyoxbW4Lji2s2yNfEW5xalqHyKYM5C3AGXZ"}', []),
        ("+ docker login -u **** --password-stdin registry.example.co.uk", []),
        ('fails with "secret not found" although I pass --secret. Output:', []),
        ('is the key the problem?\n{\n  "id": "AQAAAY4fwG4TYeaZtGnmW4M9Qh4JsijA",', []),
        ('Redis keys: "sidekiq-worker-7f9d6c8b4-qp2lw"', []),
    ],
)
def test_secrets_in_logs(text: str, expected: list[str]) -> None:
    assert found(text, "SECRET") == expected


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        (
            "haproxy[2211]: 2a01:4f8:c012:91e::1:40118 [11/Mar/2025:15:02:12.004] fe_https",
            "IP_ADDRESS",
            ["2a01:4f8:c012:91e::1"],
        ),
        ("mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128", "IP_ADDRESS", []),
        ("MessageStatus=sent&To=%2B12015930482&From=%2B12018268724", "PHONE", ["12015930482", "12018268724"]),
        ("pods restarted, raft index 19157939 reached on all peers.", "PHONE", []),
        (
            "postfix/cleanup[22850]: 4Vx2Kq1Lz8z9vXw: message-id=<3e8d7c06fb0c9ee8.82202@notify.example.co.uk>",
            "EMAIL",
            [],
        ),
        (
            "postfix/qmgr[1]: 4Vx2Kq1Lz8z9vXw: from=<ann.lee@example.co.uk>, size=4521",
            "EMAIL",
            ["ann.lee@example.co.uk"],
        ),
    ],
)
def test_other_values_in_logs(text: str, kind: str, expected: list[str]) -> None:
    assert found(text, kind) == expected
