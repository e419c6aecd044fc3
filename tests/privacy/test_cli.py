"""The ``freehold privacy detect`` contract, over a subprocess as a scorer would run it."""

import json
import subprocess
import sys
from pathlib import Path

from freehold.privacy.spans import CATEGORIES


def run(tmp_path: Path, lines: list[str], *extra: str) -> subprocess.CompletedProcess[str]:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cmd = [
        sys.executable,
        "-m",
        "freehold",
        "privacy",
        "detect",
        "--in",
        str(src),
        "--out",
        str(tmp_path / "out.jsonl"),
    ]
    return subprocess.run([*cmd, *extra], capture_output=True, text=True, timeout=120)


def test_contract(tmp_path: Path) -> None:
    texts = [
        {"id": "a", "text": "Écrivez à zoë@example.fr ou appelez le +33 6 12 34 56 78.", "lang": "fr"},
        {"id": 7, "text": "nothing here but version 1.2.3"},
        {"id": "c", "text": "export OPENAI_API_KEY=sk-proj-Ab3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3x"},
    ]
    done = run(tmp_path, [json.dumps(t, ensure_ascii=False) for t in texts])
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", 7, "c"]
    assert all(set(r) == {"id", "spans"} for r in rows)
    for row, text in zip(rows, texts, strict=True):
        for span in row["spans"]:
            assert set(span) == {"start", "end", "type", "score"}
            assert span["type"] in CATEGORIES and 0 <= span["score"] <= 1
            assert 0 <= span["start"] < span["end"] <= len(text["text"])
    first = texts[0]["text"]
    assert [(first[s["start"] : s["end"]], s["type"]) for s in rows[0]["spans"]] == [
        ("zoë@example.fr", "EMAIL"),
        ("+33 6 12 34 56 78", "PHONE"),
    ]
    assert rows[1]["spans"] == []
    assert rows[2]["spans"][0]["type"] == "SECRET"


def test_bad_line_is_named_and_leaves_no_output(tmp_path: Path) -> None:
    done = run(tmp_path, ['{"id": "1", "text": "ok"}', '{"id": "2", "txt": "typo"}'])
    assert done.returncode == 2
    assert "line 2: has no 'text'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out.jsonl").exists()
    done = run(tmp_path, ["not json"])
    assert done.returncode == 2 and "line 1: not valid JSON" in done.stderr


def test_config_file_adds_deny_list(tmp_path: Path) -> None:
    config = tmp_path / "gw.yaml"
    config.write_text(
        "aliases:\n  a:\n    deployments: [{provider: simulated, model: m}]\n"
        "privacy:\n  detection:\n    deny: [{type: ORGANIZATION, values: [Nightjar]}]\n",
        encoding="utf-8",
    )
    done = run(tmp_path, ['{"id": "1", "text": "Project NIGHTJAR ships"}'], "--config", str(config))
    assert done.returncode == 0, done.stderr
    row = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert row["spans"] == [{"start": 8, "end": 16, "type": "ORGANIZATION", "score": 1.0}]
