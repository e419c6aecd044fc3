"""Forms from Asia-Pacific, Latin America, Africa and the Middle East.

Written after the fifteenth blind set; the examples are new ones of the same kinds.
"""

from __future__ import annotations

import pytest
from tests.unit.privacy.findings import found


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Namba yangu ya M-PESA: 0722 621287", ["0722 621287"]),
        ("yung GCash number ko po is 0917 527 1693.", ["0917 527 1693"]),
        ("الاسم: منى\nالموبايل: 010 40916444", ["010 40916444"]),
        ("รหัสลูกค้า 4471 ผู้ติดต่อกรณีฉุกเฉิน: 081 847 9962", ["081 847 9962"]),
        # a company's line, an id after "رقم" (number of something), a masked id, a label for the next line
        ("Kung may emergency, Barangay hotline (02) 8123 4567 or 911.", []),
        ("For queries call our UAN 111-927-546 (Mon–Sat 9–5).", []),
        ("GTBank contact centre 0700 482 666 328.", []),
        ("Enquiries: ICA Call Centre 6391 6100.", []),
        ("رقم الاشتراك: 4110230987\nالرقم المرجعي: 9982145730", []),
        ("رقم الطلب كان 250315-44781 ورقم الخط الساخن 19666.", []),
        ("주민번호 930512-2****** 필요하세요?", []),
        ("Mã số BHXH: 4921087731\nĐiện thoại: 0908.590.682", ["0908.590.682"]),
        ("(aviso Laborum N° 1077432). Mis datos de contacto:", []),
        ("Ola booking CRN 7712093345 Rs 482 estimate", []),
        ("Western Union — MTCN 412-887-7310", []),
        ("PO# 4500218812, PO number 4500218813", []),
    ],
)
def test_phones(text: str, expected: list[str]) -> None:
    assert found(text, "PHONE") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'MPESA_PASSKEY = "8d757910dad061873115d2a72388fd2fb3a9d0643b2283ff14b1607c83fc9102"',
            ["8d757910dad061873115d2a72388fd2fb3a9d0643b2283ff14b1607c83fc9102"],
        ),
        (
            'Flutterwave("FLWPUBK-d459f17e6b602c3f7123292c25995682-X", "FLWSECK-f9665334f58ae7dde9227d70261c086f-X")',
            ["FLWSECK-f9665334f58ae7dde9227d70261c086f-X"],
        ),
        # a cache key ending in a digest, and a "change this" in Spanish, are no secrets
        ("Cache restored from key: node-cache-Linux-x64-npm-8f14e45fceea167a5a36dedd4bea2543", []),
        ("JWT_SECRET=cambia-esto-en-produccion", []),
        ("SESSION_SECRET=mude-isto-antes-do-deploy", []),
    ],
)
def test_secrets(text: str, expected: list[str]) -> None:
    assert found(text, "SECRET") == expected


def test_templates_and_test_cards_in_other_languages() -> None:
    assert found("DATABASE_URL=postgres://usuario:contraseña@localhost:5432/tienda", "URL_CREDENTIALS") == []
    assert found("Use the test card `5531 8866 5214 2950`, CVV `564`", "CREDIT_CARD") == []
    assert found("my own card is 4556 7375 8689 9855", "CREDIT_CARD") == ["4556 7375 8689 9855"]
