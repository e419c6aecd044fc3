"""Cues: the finders' gate strings, found in one pass, must answer exactly as ``cue in text`` would."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from freehold.config.privacy import DetectionSection
from freehold.privacy.detectors import build_detector, cues
from freehold.privacy.detectors.base import Scan, alternation
from freehold.privacy.detectors.secrets import _KEYWORD_CUES, _KEYWORDS

DETECTORS = Path(__file__).resolve().parents[3] / "src" / "freehold" / "privacy" / "detectors"
build_detector(DetectionSection())  # every finder module imported: every cue registered


def _asked() -> list[tuple[str, str, int]]:
    """Every ``.has(…)`` and ``.has_cased(…)`` in the detectors: (the cue as asked, file, line)."""
    asked = []
    for path in sorted(DETECTORS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("has", "has_cased") and path.name != "base.py":
                    arg = node.args[0] if node.args else None
                    assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), (
                        f"{path.name}:{node.lineno}: a cue must be a literal, so that this test can check it"
                    )
                    asked.append((arg.value, path.name, node.lineno))
    return asked


def test_every_cue_asked_for_is_registered() -> None:
    asked = _asked()
    assert len(asked) > 40  # the walk found the finders' questions
    registered = cues.registered()
    missing = [f"{name}:{line} {cue!r}" for cue, name, line in asked if cue.lower() not in registered]
    assert not missing, "unregistered cues would never be found: " + ", ".join(missing)


def test_has_asks_for_lower_case_cues_only() -> None:
    # ``has`` looks in the lower-cased text: a cue with a capital there could never be found.
    for path in sorted(DETECTORS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "has":
                arg = node.args[0]
                assert isinstance(arg, ast.Constant) and arg.value == str(arg.value).lower(), (path.name, node.lineno)


def test_register_refuses_what_could_never_be_found() -> None:
    with pytest.raises(ValueError, match="lower-case"):
        cues.register("TEL")
    with pytest.raises(ValueError, match="non-empty"):
        cues.register("")


def test_has_cased_is_the_plain_substring_test() -> None:
    scan = Scan("Call TEL: 555, or see the hotel's wa.me/ link")
    assert scan.has_cased("TEL")
    assert scan.has("tel") and scan.has("wa.me/")
    assert not Scan("a hotel, a Telephone").has_cased("TEL")  # lower-cased, it is there; as written, not
    assert not scan.has_cased("tel:")


@given(st.text(alphabet=st.sampled_from(list("abcdeiklmnoprstuwy -:/.|*(\"'PASSKEYTELİ") + ["é", "生"]), max_size=300))
def test_occurrences_are_every_registered_cue_in_the_text(text: str) -> None:
    lowered = text.lower()
    found = cues.occurrences(lowered)
    assert {cue for _, cue in found} == {cue for cue in cues.registered() if cue in lowered}
    assert sorted(found) == sorted(
        (at, cue) for cue in cues.registered() for at in range(len(lowered)) if lowered.startswith(cue, at)
    )


@given(st.text(alphabet=st.sampled_from(list("pasword ktenyuhcilPSKT-_") + ["İ"]), max_size=200))
def test_keywords_from_the_cue_pass_are_the_keyword_search(text: str) -> None:
    lowered = text.lower()
    found = cues.leftmost(cues.occurrences(lowered), _KEYWORD_CUES)
    assert found == [m.span() for m in re.finditer(alternation(*_KEYWORDS), lowered)]


def test_occurrences_on_real_text() -> None:
    text = "Passwort: x; DOB 1990-01-01; Authorization: Bearer abc; COOKIE sess=1; wifi pw"
    found = {cue for _, cue in cues.occurrences(text.lower())}
    assert found == {cue for cue in cues.registered() if cue in text.lower()}
    assert {"wort", "dob", "authorization", "bearer", "cookie", "sess", "wifi", " pw", "pass"} <= found
