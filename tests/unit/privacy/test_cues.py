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


def _heads(ops: list[tuple[object, object]]) -> set[str] | None:
    """The literal starts one of which every match of a parsed pattern begins with (None: not literal)."""
    from re import _constants as c

    heads = {""}
    for op, arg in ops:
        if op is c.LITERAL:
            heads = {h + chr(arg) for h in heads}
        elif op is c.IN and all(o is c.LITERAL for o, _ in arg):
            heads = {h + chr(ch) for h in heads for _, ch in arg}
        elif op is c.SUBPATTERN or op is c.BRANCH:
            alternatives = [arg[3]] if op is c.SUBPATTERN else arg[1]
            inner = [_heads(list(alt)) for alt in alternatives]
            return {h + i for h in heads for a in inner for i in (a or {""})}
        elif op not in (c.ASSERT, c.ASSERT_NOT):
            break
    return heads


def test_every_vendor_key_holds_one_of_the_vendor_cues() -> None:
    """``KNOWN`` is searched only in words holding a vendor cue: each branch's literal start must hold one."""
    from re import _parser

    from freehold.privacy.detectors import vendors

    for branch in vendors._VENDOR_KEYS:
        if branch.startswith("https://(?:ptb"):  # Discord's webhook: its cue lies past an optional part
            assert "/api/webhooks/" in branch and "/api/webhooks/" in vendors._CUES
            continue
        heads = _heads(list(_parser.parse(branch)))
        assert heads and all(len(h) >= 2 for h in heads), branch
        for head in heads:
            assert any(cue in head.lower() for cue in vendors._CUES), (branch, head)
    # The shapes hold a literal inside (and the Discord bot token two dots): one sample each must be found.
    for sample, cue in [
        ("1234567890:AAabcdefghijklmnopqrstuvwxyz0123456", ":aa"),
        ("abcdefghij1234.atlasv1." + "a1" * 31, ".atlasv1."),
        ("0123456789abcdef0123456789abcdef-us21", "-us"),
        ("abc8Q~" + "aB3_" * 8, "q~"),
    ]:
        assert vendors.KNOWN.fullmatch(sample) and cue in sample.lower()
    inside = (":aa", "atlasv1", "-us", "q~")
    assert sum(cue in branch.lower() for branch in vendors._VENDOR_SHAPES for cue in inside) == 4


def test_a_lone_surrogate_neither_breaks_the_pass_nor_moves_offsets() -> None:
    """``json.loads`` lets "\\ud800" through; the Rust automaton cannot take it, so it is read as U+FFFD."""
    text = "password=hunter2X9 \ud800 call +44 20 7946 0958 \udc00 key: sk-ant-api03-abcdefghijklmnopqrstuv"
    lowered = text.lower()
    replaced = lowered.replace("\ud800", "\ufffd").replace("\udc00", "\ufffd")
    assert cues.occurrences(lowered) == cues.occurrences(replaced)
    spans = build_detector(DetectionSection(), remember=0).detect(text)
    assert [(text[s.start : s.end], s.type) for s in spans] == [
        ("hunter2X9", "SECRET"),
        ("+44 20 7946 0958", "PHONE"),
        ("sk-ant-api03-abcdefghijklmnopqrstuv", "SECRET"),
    ]
