"""Forms the twenty-fourth blind set (CVs, applications, onboarding and recruiter notes) taught.

Each form with its look-alike; the values are new ones.
"""

from __future__ import annotations

import pytest
from tests.unit.privacy.findings import found

ATS = (
    "Candidate ID,First Name,Email,Phone,Job,Stage\n"
    "48213307,Ana,ana.lee@mailbox.org,0171 2345678,Backend Engineer,Phone Screen\n"
    "48213391,Bo,bo.kim@mailbox.org,0172 3456789,Backend Engineer,Phone Screen\n"
)


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("Geburtsdatum/-ort: 14.03.1990 in Köln", "DATE_OF_BIRTH", ["14.03.1990"]),
        ("生年月日\u3000平成4年5月17日生（満32歳）", "DATE_OF_BIRTH", ["平成4年5月17日"]),
        ("Born 1990, age 34", "DATE_OF_BIRTH", []),
        # a cell's own column names it: ids under "Candidate ID" are none, though "Phone" heads another column
        (ATS, "PHONE", ["0171 2345678", "0172 3456789"]),
        ("Phone on application: (602) 732-3816", "PHONE", ["(602) 732-3816"]),
        ("continuation of application No. 17/412,907", "PHONE", []),
        ("Certyfikat: ACCA, numer członkowski 3310827", "PHONE", []),
        (
            '$ curl -s -u TJ2NlIOryeSG6lHkXDEb1TtJLSe8LCP7RKcwvVIR: "https://api.example.co/v1/opportunities"',
            "SECRET",
            ["TJ2NlIOryeSG6lHkXDEb1TtJLSe8LCP7RKcwvVIR"],
        ),
        ("curl -u deploy-user: https://example.co/upload", "SECRET", []),
    ],
)
def test_recruiting_forms(text: str, kind: str, expected: list[str]) -> None:
    assert found(text, kind) == expected
