"""The ``re.ASCII`` twins of whole-text searches give the same matches as the patterns on ASCII text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from freehold.privacy.detectors import base, structured

# Digits, the run's joiners, capitals, and the ASCII separators Unicode's \s would take (\x1c-\x1f).
_ASCII = st.text(st.sampled_from("0123456789 .-()/+DEGBNLabc_\n\t\x1c\x1f:"), max_size=80)


@given(_ASCII)
def test_long_runs_twin(text: str) -> None:
    unicode = [m.span() for m in base._LONG_CLUSTER.finditer(text)]
    assert [m.span() for m in base._LONG_CLUSTER_ASCII.finditer(text)] == unicode


@given(_ASCII)
def test_iban_hint_twin(text: str) -> None:
    unicode = [m.span() for m in structured._IBAN_HINT.finditer(text)]
    assert [m.span() for m in structured._IBAN_HINT_ASCII.finditer(text)] == unicode


def test_a_text_beyond_ascii_keeps_the_unicode_pattern() -> None:
    text = "Tel. ٠٥٥٥ ١٢٣ ٤٥٦٧ / 0555 123 4567"  # Arabic-Indic digits: \d takes them, [0-9] does not
    assert base.long_runs(text) == [m.span() for m in base._LONG_CLUSTER.finditer(text) if m.end() - m.start() >= 7]
    assert len(base.long_runs(text)) == 2


def test_no_twin_where_ascii_would_change_matches() -> None:
    for pattern in (re.compile(r"a\sb"), re.compile("key", re.IGNORECASE), re.compile("(?i:key)")):
        with pytest.raises(ValueError, match="no ASCII twin"):
            base.ascii_twin(pattern)
