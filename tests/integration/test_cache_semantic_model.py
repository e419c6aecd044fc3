"""The semantic cache with the real embedding model (all-MiniLM-L6-v2, the ``router`` extra's
``freehold.embedding.minilm``): a paraphrase hits, an unrelated question does not."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.integration.conftest import Gateway, start_gateway, stop_gateway

pytest.importorskip(
    "freehold.embedding.minilm", reason="freehold.embedding.minilm (the router extra's embedding model) is not here yet"
)

SIM = {"provider": "simulated", "model": "sim-1", "ttft_ms": 0, "tokens_per_second": 5000, "max_tokens": 20}


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    config = {"aliases": {"faq": {"deployments": [SIM], "cache": {"semantic": {"threshold": 0.8}}}}}
    g = start_gateway(config, tmp_path_factory.mktemp("minilm"))
    yield g
    stop_gateway(g.process)
    assert "Traceback" not in g.log()


def ask(gw: Gateway, text: str, system: str) -> httpx.Response:
    messages = [{"role": "system", "content": system}, {"role": "user", "content": text}]
    resp = httpx.post(gw.base_url + "/chat/completions", json={"model": "faq", "messages": messages}, timeout=30)
    assert resp.status_code == 200, resp.text
    return resp


def test_a_paraphrase_hits_with_the_real_model(gw: Gateway) -> None:
    system = f"You answer geography questions (run {uuid.uuid4().hex[:8]})."  # a partition of this run's own
    first = ask(gw, "What is the capital city of France?", system)
    near = ask(gw, "What's the capital of France?", system)
    assert near.headers["x-freehold-cache"] == "hit" and near.json()["id"] == first.json()["id"]
    assert ask(gw, "How do I bake sourdough bread at home?", system).headers["x-freehold-cache"] == "miss"
