"""``freehold router`` end to end on a small labeled sample of RouteLLM's MMLU data.

Train (with whole subjects held out), calibrate, evaluate and score through the real CLI, with
the real MiniLM loaded once; plus the error paths a user hits first.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from freehold.cli import app
from freehold.embedding.minilm import shared
from freehold.routing.difficulty import load_router
from freehold.routing.labeled import BadData, load_examples

FIXTURES = Path(__file__).parents[2] / "fixtures" / "routing"
SAMPLE = FIXTURES / "sample.jsonl"
runner = CliRunner()


@pytest.fixture(scope="module", autouse=True)
def _model() -> None:
    shared()  # load the weights once for the module


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("router") / "mine.json"
    result = runner.invoke(
        app, ["router", "train", str(SAMPLE), "--out", str(out), "--holdout-subjects", "astronomy,moral_scenarios"]
    )
    assert result.exit_code == 0, result.output
    assert "Held-out subjects (80 prompts)" in result.output and "prompt length" in result.output
    return out


def test_train_writes_a_small_self_describing_artifact(trained: Path) -> None:
    obj = json.loads(trained.read_text())
    assert obj["format"] == "freehold-difficulty-router/1" and obj["name"] == "mine"
    assert obj["provenance"]["held_out_subjects"] == ["astronomy", "moral_scenarios"]
    assert obj["provenance"]["rows"] == 80
    assert trained.stat().st_size < 1_000_000
    router = load_router(str(trained))
    scores = router.score_many(["What is 2 + 2?", "Compute the eigenvalues of [[2, 1], [1, 2]]."])
    assert all(0 <= s <= 1 for s in scores)
    assert router.score("What is 2 + 2?") == pytest.approx(scores[0], abs=1e-6)


def test_score_contract(trained: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [{"id": i, "prompt": json.loads(line)["prompt"]} for i, line in enumerate(SAMPLE.read_text().splitlines())]
    lines[3]["id"] = "string-id"
    src.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in lines[:70]) + b"\n")  # blank line is skipped
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["router", "score", "--router", str(trained), "--in", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [x["id"] for x in lines[:70]]  # input order kept across batches of 64
    assert all(set(r) == {"id", "score"} and 0 <= r["score"] <= 1 for r in rows)
    direct = load_router(str(trained)).score_many([x["prompt"] for x in lines[:70]])
    assert [r["score"] for r in rows] == pytest.approx(direct, abs=1e-5)


def test_score_with_the_shipped_router(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "prompt": "hello"}\n{"id": "b", "prompt": "Prove that sqrt(2) is irrational."}\n')
    result = runner.invoke(app, ["router", "score", "--router", "default", "--in", str(src), "--out", "-"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert [r["id"] for r in rows] == ["a", "b"] and all(0 <= r["score"] <= 1 for r in rows)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("not json", "line 2: not valid JSON"),
        ('{"prompt": "x"}', "line 2: has no 'id'"),
        ('{"id": 1}', "line 2: has no 'prompt'"),
        ('{"id": true, "prompt": "x"}', "line 2: 'id' must be a string or an integer"),
        ('["id", "prompt"]', "line 2: must be a JSON object"),
    ],
)
def test_score_bad_line_names_it_and_leaves_no_file(trained: Path, tmp_path: Path, line: str, problem: str) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "prompt": "fine"}\n' + line + "\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["router", "score", "--router", str(trained), "--in", str(src), "--out", str(out)])
    assert result.exit_code == 2
    assert problem in result.output
    assert not out.exists() and not list(tmp_path.glob("*.partial"))


def test_calibrate_share_and_floor(trained: Path, tmp_path: Path) -> None:
    out = tmp_path / "cal.json"
    result = runner.invoke(
        app, ["router", "calibrate", str(SAMPLE), "--router", str(trained), "--strong-share", "0.3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    router = load_router(str(out))
    scores = router.score_many([e.prompt for e in load_examples(SAMPLE)])
    share = sum(s >= router.threshold for s in scores) / len(scores)
    assert abs(share - 0.3) < 0.02 and router.provenance["calibration"]["strong_share"] == pytest.approx(
        share, abs=0.01
    )
    result = runner.invoke(app, ["router", "calibrate", str(SAMPLE), "--router", str(out), "--quality-floor", "0.95"])
    assert result.exit_code == 0, result.output  # no --out: the router file itself is updated
    cal = load_router(str(out)).provenance["calibration"]
    assert cal["quality_of_strong"] >= 0.95


def test_calibrate_errors(trained: Path) -> None:
    both = runner.invoke(
        app,
        ["router", "calibrate", str(SAMPLE), "--router", str(trained), "--strong-share", "0.3", "--quality-floor", "1"],
    )
    assert both.exit_code == 2 and "exactly one of --strong-share or --quality-floor" in both.output
    shipped = runner.invoke(app, ["router", "calibrate", str(SAMPLE), "--router", "default", "--strong-share", "0.3"])
    assert shipped.exit_code == 2 and "give --out" in shipped.output
    out_of_range = runner.invoke(
        app, ["router", "calibrate", str(SAMPLE), "--router", str(trained), "--strong-share", "3"]
    )
    assert out_of_range.exit_code == 2 and "between 0 and 1" in out_of_range.output


def test_eval_prints_metrics_and_saves_png(trained: Path, tmp_path: Path) -> None:
    png = tmp_path / "curve.png"
    result = runner.invoke(app, ["router", "eval", str(SAMPLE), "--router", str(trained), "--png", str(png)])
    assert result.exit_code == 0, result.output
    for label in ("APGR", "CPT(50%)", "CPT(80%)", "random", "prompt length", "mine", "160 prompts"):
        assert label in result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_routellm_csv_folder() -> None:
    examples = load_examples(FIXTURES / "mmlu_mini")
    assert len(examples) == 23  # 2 x 12 rows, one listed in contaminated_prompts.jsonl
    assert {e.group for e in examples} == {"anatomy", "virology"}
    assert all(e.strong in (0, 1) and e.weak in (0, 1) for e in examples)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"prompt": "x"}', "line 1: needs 'weak_ok' (true/false) or both 'strong_score' and 'weak_score'"),
        ('{"prompt": "x", "weak_ok": "yes"}', "line 1: 'weak_ok' must be true or false"),
        ('{"prompt": "x", "strong_score": 2, "weak_score": 0}', "line 1: 'strong_score' must be a number between 0"),
        ('{"prompt": 3, "weak_ok": true}', "line 1: must be an object with a string 'prompt'"),
        ("{", "line 1: not valid JSON"),
    ],
)
def test_bad_training_data(tmp_path: Path, content: str, problem: str) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text(content + "\n")
    with pytest.raises(BadData, match="line 1"):
        load_examples(data)
    result = runner.invoke(app, ["router", "train", str(data), "--out", str(tmp_path / "r.json")])
    assert result.exit_code == 2 and problem in result.output


def test_train_refuses_one_sided_labels_and_unknown_subjects(tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text('{"prompt": "a", "weak_ok": true}\n{"prompt": "b", "weak_ok": true}\n')
    result = runner.invoke(app, ["router", "train", str(data), "--out", str(tmp_path / "r.json")])
    assert result.exit_code == 2 and "both kinds" in result.output
    result = runner.invoke(
        app, ["router", "train", str(SAMPLE), "--out", str(tmp_path / "r.json"), "--holdout-subjects", "law"]
    )
    assert result.exit_code == 2 and "--holdout-subjects: law not in" in result.output


def test_bad_router_names(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no shipped router named 'fancy'"):
        load_router("fancy")
    broken = tmp_path / "r.json"
    broken.write_text('{"format": "something-else"}')
    with pytest.raises(ValueError, match="not a difficulty router"):
        load_router(str(broken))
    obj = json.loads((Path(__file__).parents[3] / "src/freehold/routing/routers/default.json").read_text())
    del obj["threshold"]
    broken.write_text(json.dumps(obj))
    with pytest.raises(ValueError, match="malformed router file"):
        load_router(str(broken))
    obj["threshold"], obj["weights"] = 0.5, obj["weights"][:-1]
    broken.write_text(json.dumps(obj))
    with pytest.raises(ValueError, match="'weights' must have 397 numbers"):
        load_router(str(broken))
    result = runner.invoke(app, ["router", "eval", str(SAMPLE), "--router", str(tmp_path / "missing.json")])
    assert result.exit_code == 2 and "no such router file" in result.output


def test_contextual_window_router_round_trips(tmp_path: Path) -> None:
    out = tmp_path / "ctx.json"
    result = runner.invoke(app, ["router", "train", str(SAMPLE), "--out", str(out), "--window", "8", "--l2", "100"])
    assert result.exit_code == 0, result.output
    router = load_router(str(out))
    assert router.window == 8 and len(router.weights) == 384 * 2 + 13
    assert 0 <= router.score("Solve for x: 3x + 5 = 20.") <= 1
    bad = runner.invoke(app, ["router", "train", str(SAMPLE), "--out", str(out), "--window", "2"])
    assert bad.exit_code == 2 and "--window must be 0 or at least 3" in bad.output
