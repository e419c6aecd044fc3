"""Forms from Asia-Pacific, Latin America, Africa and the Middle East.

Written after the fifteenth blind set; the examples are new ones of the same kinds.
"""

from __future__ import annotations

import pytest

from freehold.config.privacy import DetectionSection
from freehold.privacy.detectors import build_detector

DETECTOR = build_detector(DetectionSection(), remember=0)


def found(text: str, kind: str) -> list[str]:
    return [text[s.start : s.end] for s in DETECTOR.detect(text) if s.type == kind]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Họ và tên: Trần Văn Bình\nSinh ngày 14/07/1991 tại Huế", ["14/07/1991"]),
        ("Ngày sinh: 1988-03-05", ["1988-03-05"]),
        ("เกิดวันที่ 12 มีนาคม 2530 (อายุ 38 ปี)", ["12 มีนาคม 2530"]),
        ("Tarehe ya kuzaliwa: 03/11/1985", ["03/11/1985"]),
        ("Petsa ng kapanganakan: 1990-06-21", ["1990-06-21"]),
        ("tarikh lahir: 3 Ogos 1989", ["3 Ogos 1989"]),
        ("תאריך לידה: 12/03/1988", ["12/03/1988"]),
        ("date of birth (as per passport) 4 May 1979.", ["4 May 1979"]),
        ("DOB (1985-03-14)", ["1985-03-14"]),
        # the Buddhist-era year must still give a past date; a delivery date is no birth date
        ("เกิดวันที่ 12 มีนาคม 2590", []),
        ("Ngày giao hàng: 17/03/2025", []),
    ],
)
def test_birth_dates(text: str, expected: list[str]) -> None:
    assert found(text, "DATE_OF_BIRTH") == expected
