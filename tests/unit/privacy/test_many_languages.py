"""Forms the twenty-second blind set (everyday work text in twenty languages, in their own formats) taught.

Each form with its look-alike; the values are new ones.
"""

from __future__ import annotations

import pytest
from tests.unit.privacy.findings import found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Születési idő: 1986. 03. 14.", ["1986. 03. 14."]),
        ("生年月日：平成3年5月17日", ["平成3年5月17日"]),  # Heisei 3: 1991
        ("生年月日：令和30年5月17日", []),  # Reiwa 30 is 2048: no one's birth yet
        ("Nata a Modena il 14 luglio 1990", ["14 luglio 1990"]),
        ("She was born in Boston on March 3, 1985.", ["March 3, 1985"]),
        ("nacido en Sevilla el 3 de marzo de 1980", ["3 de marzo de 1980"]),
        ("born in Boston on a rainy day in 1985", []),
    ],
)
def test_dates_of_birth(text: str, expected: list[str]) -> None:
    assert found(text, "DATE_OF_BIRTH") == expected


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("Mobil: 06-30/849-7770", "PHONE", ["06-30/849-7770"]),
        ("Datum: 06-10/2024", "PHONE", []),
        ("Cep tel: 0 (544) 652 57 18", "PHONE", ["0 (544) 652 57 18"]),
        ("Identyfikator terminala: 60217745, numer referencyjny transakcji: 74512694318", "PHONE", []),
        ("미국 세금 정산용 SSN은 043-44-6478입니다.", "US_SSN", ["043-44-6478"]),
        ("Az új jelszavam Balaton2024!nyar, kérlek", "SECRET", ["Balaton2024!nyar"]),
        ("Parola de root pe server e tot Somes#Root88", "SECRET", ["Somes#Root88"]),
        ("mật khẩu tài khoản quản trị là Pho@bo2024.", "SECRET", ["Pho@bo2024"]),
        ("החלפתי סיסמה אתמול ל-Hummus!Tahini24 ובינתיים", "SECRET", ["Hummus!Tahini24"]),
        (
            "midtrans:\n  server_key: Mid-server-s4oOn5MvOCGgOSP3Pi1YdEpE",
            "SECRET",
            ["Mid-server-s4oOn5MvOCGgOSP3Pi1YdEpE"],
        ),
        ("midtrans:\n  client_key: Mid-client-s4oOn5MvOCGgOSP3Pi1YdEpE", "SECRET", []),
    ],
)
def test_values_in_their_own_formats(text: str, kind: str, expected: list[str]) -> None:
    assert found(text, kind) == expected
