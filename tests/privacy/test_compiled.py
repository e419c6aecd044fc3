"""The wheel users install runs the privacy detector compiled by mypyc, and it finds exactly what the source finds.

Builds the real wheel (``pip wheel .``: hatch_build.py compiles the modules), then runs the privacy
test suites (HTTP ones included) and a comparison of spans and pseudonymized texts against that wheel's modules, in a
process that imports them instead of the source. ~2 minutes: the compile is most of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from freehold.config.privacy import DetectionSection, Policy
from freehold.privacy.detectors import COMPILED, build_detector
from freehold.privacy.policy import apply_policy
from freehold.privacy.walk import chat_slots

ROOT = Path(__file__).resolve().parents[2]

# Spans and the pseudonymized text of each text on stdin, one JSON line each: run here and under the wheel.
_PROBE = """
import json, sys
from freehold.config.privacy import DetectionSection, Policy
from freehold.privacy.detectors import COMPILED, build_detector
from freehold.privacy.policy import apply_policy
from freehold.privacy.walk import chat_slots
detector = build_detector(DetectionSection(), remember=0)
for text in json.load(sys.stdin):
    body = {"messages": [{"role": "user", "content": text}]}
    outcome = apply_policy(Policy(action="pseudonymize"), detector, chat_slots(body))
    spans = [list(s) for s in detector.detect(text)]
    print(json.dumps([COMPILED, spans, body["messages"][0]["content"], sorted(outcome.found.items())]))
"""


@pytest.fixture(scope="module")
def wheel_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k != "FREEHOLD_PURE"}
    cmd = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT)]
    subprocess.run(cmd, check=True, env=env, timeout=900)
    (wheel,) = out.glob("freehold-*.whl")
    assert not wheel.name.endswith("-py3-none-any.whl"), f"{wheel.name}: a plain wheel, the compile failed"
    site = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert any(n.startswith("freehold/privacy/detectors/detector.cpython-") for n in names), names
        assert not any(n.startswith("freehold/privacy/detectors/ner.cpython-") for n in names)
        archive.extractall(site)
    return site


def _run(site: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=900
    )


def test_the_privacy_suites_pass_against_the_compiled_modules(wheel_site: Path) -> None:
    """The unit and corpus suites, and every policy over HTTP on the three doors (the gateway's own stage)."""
    http = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "tests" / "integration").glob("test_*privacy*_http.py"))]
    assert len(http) >= 3
    done = _run(
        wheel_site, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit/privacy", "tests/privacy",
        "tests/integration/test_audit_http.py", *http, "--ignore", "tests/privacy/test_compiled.py",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_the_compiled_modules_find_what_the_source_finds(wheel_site: Path) -> None:
    assert not COMPILED, "this process should run the source"
    texts = []
    for path in sorted(ROOT.glob("docs/*.md")) + sorted((ROOT / "src" / "freehold" / "privacy").rglob("*.py")):
        body = path.read_text(encoding="utf-8")
        texts += [body[i : i + 1500] for i in range(0, len(body), 1500)]
    texts += ["", "İstanbul: password=hunter2 İİ, card 4111 1111 1111 1111", "\ud800 a@b.io", "1" * 5000, "key" * 3000]
    done = _run(wheel_site, "-c", _PROBE, stdin=json.dumps(texts))
    assert done.returncode == 0, done.stderr[-4000:]
    compiled = [json.loads(line) for line in done.stdout.splitlines()]
    detector = build_detector(DetectionSection(), remember=0)
    assert len(compiled) == len(texts) > 100
    for text, (was_compiled, spans, rewritten, found) in zip(texts, compiled, strict=True):
        assert was_compiled
        assert spans == [list(s) for s in detector.detect(text)], text[:200]
        body = {"messages": [{"role": "user", "content": text}]}
        outcome = apply_policy(Policy(action="pseudonymize"), detector, chat_slots(body))
        assert rewritten == body["messages"][0]["content"]
        assert found == [list(item) for item in sorted(outcome.found.items())]
