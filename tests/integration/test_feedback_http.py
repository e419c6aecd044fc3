"""``POST /v1/feedback`` over HTTP, and ``freehold feedback export`` reading what it stored.

The real server on its embedded SQLite database, the audit log keeping request content (so the
export can carry prompts), a router alias (so ``routed_to`` differs from ``alias``), two virtual
keys: a key rates its own requests only; unknown ids are 404, bad scores 400 with what to fix.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway
from tests.integration.test_router_alias_http import STUB
from tests.integration.test_rules_http import ADMIN, make_key, sim

CONFIG = {
    "privacy": {"audit": {"requests": True, "content": True}},
    "aliases": {
        "big": {"deployments": [sim("big-dep")]},
        "small": {"deployments": [sim("small-dep")]},
        "auto": {"router": {"strong": "big", "weak": "small", "model": STUB}},
    },
}


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    g = start_gateway(CONFIG, tmp_path_factory.mktemp("feedback"), env={"FREEHOLD_MASTER_KEY": MASTER_KEY})
    yield g
    stop_gateway(g.process)
    assert "Traceback" not in g.log()


def asked(gw: Gateway, key: str, text: str) -> str:
    c = openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0)
    raw = c.chat.completions.with_raw_response.create(model="auto", messages=[{"role": "user", "content": text}])
    raw.parse()
    return raw.headers["x-request-id"]


def rate(gw: Gateway, key: str, body: object) -> httpx.Response:
    return httpx.post(gw.base_url + "/feedback", headers={"Authorization": f"Bearer {key}"}, json=body)


def test_a_key_rates_its_own_request_only(gw: Gateway) -> None:
    alice, bob = make_key(gw, "alice"), make_key(gw, "bob")
    rid = asked(gw, alice, "What is 2+2? difficulty=0.1")
    got = rate(gw, alice, {"request_id": rid, "score": 0.8, "comment": "fine"})
    assert got.status_code == 200, got.text
    assert got.json() == {"object": "feedback", "request_id": rid, "score": 0.8, "replaced": False}
    theirs = rate(gw, bob, {"request_id": rid, "score": 0})
    assert theirs.status_code == 404
    assert theirs.json()["error"]["param"] == "request_id"
    again = rate(gw, alice, {"request_id": rid, "score": 1})
    assert again.json()["replaced"] is True
    # The master key may rate any request.
    assert rate(gw, MASTER_KEY, {"request_id": rid, "score": 0.9}).status_code == 200


def test_unknown_request_is_404(gw: Gateway) -> None:
    got = rate(gw, MASTER_KEY, {"request_id": "req_does_not_exist", "score": 0.5})
    assert got.status_code == 404
    assert "No request 'req_does_not_exist'" in got.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"request_id": "r", "score": 1.5}, "score"),
        ({"request_id": "r", "score": -0.1}, "score"),
        ({"request_id": "r", "score": "good"}, "score"),
        ({"request_id": "r", "score": True}, "score"),
        ({"request_id": "r"}, "score"),
        ({"score": 0.5}, "request_id"),
        ({"request_id": "r", "score": 0.5, "comment": "x" * 2001}, "comment"),
        ({"request_id": "r", "score": 0.5, "stars": 5}, "stars"),
    ],
)
def test_bad_bodies_are_400(gw: Gateway, body: dict[str, object], param: str) -> None:
    got = rate(gw, MASTER_KEY, body)
    assert got.status_code == 400, got.text
    error = got.json()["error"]
    assert error["param"] == param
    assert error["type"] == "invalid_request_error"


def test_feedback_needs_a_key(gw: Gateway) -> None:
    got = httpx.post(gw.base_url + "/feedback", json={"request_id": "r", "score": 1})
    assert got.status_code == 401


def test_export_joins_ledger_and_audit(gw: Gateway, tmp_path: Path) -> None:
    key = make_key(gw, "exporter")
    rid = asked(gw, key, "Prove Fermat's little theorem. difficulty=0.9")
    assert rate(gw, key, {"request_id": rid, "score": 0.25, "comment": "too short"}).status_code == 200
    out = tmp_path / "feedback.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FREEHOLD_")}
    env["FREEHOLD_STATE_DIR"] = str(gw.log_path.parent / "state")
    done = subprocess.run(
        [sys.executable, "-m", "freehold", "feedback", "export", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    mine = next(line for line in lines if line["request_id"] == rid)
    assert mine["alias"] == "auto" and mine["routed_to"] == "big" and mine["deployment"] == "big-dep"
    assert mine["score"] == 0.25 and mine["comment"] == "too short"
    assert len(mine["prompt_hash"]) == 64
    assert mine["prompt"] == "Prove Fermat's little theorem. difficulty=0.9"
    keys = httpx.get(gw.url + "/admin/keys", headers=ADMIN).json()["data"]
    assert mine["key_id"] == next(k["id"] for k in keys if k["name"] == "exporter")


def _freehold(gw: Gateway, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FREEHOLD_")}
    env["FREEHOLD_STATE_DIR"] = str(gw.log_path.parent / "state")
    return subprocess.run(
        [sys.executable, "-m", "freehold", *args], env=env, capture_output=True, text=True, timeout=180
    )


def test_feedback_on_weak_answers_trains_a_router(gw: Gateway, tmp_path: Path) -> None:
    """The loop docs/routing.md describes: rate answers over HTTP, export the weak side's, train, score."""
    pytest.importorskip("numpy", reason="the router extra")
    key = make_key(gw, "trainer")
    good = [f"Say hello to team {n}. difficulty=0.1" for n in range(4)]
    bad = [f"Derive the closed form of recurrence {n} step by step. difficulty=0.2" for n in range(4)]
    for text, score in [*((t, 0.9) for t in good), *((t, 0.1) for t in bad)]:
        assert rate(gw, key, {"request_id": asked(gw, key, text), "score": score}).status_code == 200
    strong_side = asked(gw, key, "Prove it. difficulty=0.95")  # routed to big: no evidence about small
    assert rate(gw, key, {"request_id": strong_side, "score": 0.0}).status_code == 200

    data = tmp_path / "train.jsonl"
    done = _freehold(gw, "feedback", "export", "--weak", "small", "--ok-at", "0.5", "--out", str(data))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in data.read_text().splitlines()]
    mine = {r["prompt"]: r["weak_ok"] for r in rows if r["prompt"] in good + bad}
    assert mine == {**{t: True for t in good}, **{t: False for t in bad}}
    assert all(r["request_id"] != strong_side for r in rows) and "not given by 'small'" in done.stderr

    router = tmp_path / "ours.json"
    trained = _freehold(gw, "router", "train", str(data), "--out", str(router))
    assert trained.returncode == 0, trained.stderr
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text("".join(json.dumps({"id": i, "prompt": t}) + "\n" for i, t in enumerate(good + bad)))
    scores = tmp_path / "scores.jsonl"
    scored = _freehold(gw, "router", "score", "--router", str(router), "--in", str(prompts), "--out", str(scores))
    assert scored.returncode == 0, scored.stderr
    got = [json.loads(line)["score"] for line in scores.read_text().splitlines()]
    assert len(got) == 8 and all(0 <= s <= 1 for s in got)
    # Fitted on these very rows: the answers rated bad score above those rated good.
    assert min(got[4:]) > max(got[:4])


def test_export_refuses_a_score_threshold_outside_0_1(gw: Gateway, tmp_path: Path) -> None:
    done = _freehold(gw, "feedback", "export", "--weak", "small", "--ok-at", "2", "--out", str(tmp_path / "x"))
    assert done.returncode == 2 and "--ok-at" in done.stderr
