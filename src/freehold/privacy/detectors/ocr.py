"""Digits as OCR misreads them: a scanned form prints "O9/23/l991", "399-S1-5429", "DE18 2O87 3192".

The finders call ``ocr_digits`` only where a value failed and its context says what it should be
(after a birth word, at an IBAN that failed its checksum, under "social security"): repairing
every text first would cost every prompt a pass for what few carry.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["OCR_LETTERS", "ocr_digits"]

OCR_LETTERS: Final = re.compile(r"[OolISB]")
_OCR: Final = str.maketrans("OolISB", "001158")
_TOKEN: Final = re.compile(r"[0-9OolISB]+")


def ocr_digits(window: str) -> str:
    """``window`` with the letters OCR reads for digits (O o l I S B) put back, where they sit among digits.

    Only a group of such letters and digits with at least as many digits as letters changes ("O9",
    "l991", "2O87"); words ("SOLO", "BIOS", "Bill") keep their letters. Same length: offsets agree.
    """

    def fixed(m: re.Match[str]) -> str:
        group = m.group()
        digits = sum(c.isdigit() for c in group)
        return group.translate(_OCR) if digits and digits * 2 >= len(group) else group

    return _TOKEN.sub(fixed, window)
