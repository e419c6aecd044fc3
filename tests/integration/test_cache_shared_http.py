"""The answer cache where it meets other gateways and other users: Redis shared by two gateway
processes (exact and semantic), and the privacy stage's placeholders, which must never carry one
user's e-mail address into another's answer.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from redis import Redis

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway
from tests.integration.mocks.echo_mock import EchoMock

SIM = {"provider": "simulated", "model": "sim-1", "ttft_ms": 0, "tokens_per_second": 5000, "max_tokens": 30}
REDIS = "redis://127.0.0.1:6379/0"
EMBEDDER = "tests.integration.fake_embedder:shared"


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Gateway, Gateway]]:
    prefix = f"freehold-test:cache-http:{os.getpid()}:{uuid.uuid4().hex[:6]}:"
    config = {
        "routing": {"retries": {"max_attempts": 1}, "queue": {"max_wait": 0}},
        "aliases": {
            "cached": {"deployments": [{**SIM, "name": "dep"}], "cache": {}},
            "similar": {
                "deployments": [{**SIM, "name": "sim-dep"}],
                "cache": {"semantic": {"threshold": 0.6, "embedder": EMBEDDER}},
            },
        },
    }
    env = {"FREEHOLD_REDIS_URL": REDIS, "FREEHOLD_REDIS_PREFIX": prefix}
    one = start_gateway(config, tmp_path_factory.mktemp("replica1"), env=env)
    two = start_gateway(config, tmp_path_factory.mktemp("replica2"), env=env)
    yield one, two
    for g in (one, two):
        stop_gateway(g.process)
        assert "Traceback" not in g.log()
    client = Redis.from_url(REDIS)
    keys = list(client.scan_iter(match=prefix + "*"))
    assert any(k.startswith((prefix + "cache:").encode()) for k in keys)  # the entries were in Redis
    if keys:
        client.delete(*keys)
    client.close()


def post(gw: Gateway, model: str, text: str) -> httpx.Response:
    body = {"model": model, "messages": [{"role": "user", "content": text}]}
    resp = httpx.post(gw.base_url + "/chat/completions", json=body, timeout=10)
    assert resp.status_code == 200, resp.text
    return resp


def test_two_gateways_share_entries_through_redis(replicas: tuple[Gateway, Gateway]) -> None:
    one, two = replicas
    text = f"Shared question {uuid.uuid4().hex[:8]}"
    first = post(one, "cached", text)
    assert first.headers["x-freehold-cache"] == "miss"
    other = post(two, "cached", text)
    assert other.headers["x-freehold-cache"] == "hit" and other.json()["id"] == first.json()["id"]


def test_two_gateways_share_the_semantic_index_through_redis(replicas: tuple[Gateway, Gateway]) -> None:
    one, two = replicas
    tag = uuid.uuid4().hex[:8]
    first = post(one, "similar", f"what is the tallest mountain on earth {tag}")
    near = post(two, "similar", f"what's the tallest mountain on earth {tag} please")
    assert near.headers["x-freehold-cache"] == "hit" and near.json()["id"] == first.json()["id"]
    assert post(two, "similar", f"how do volcanoes form {tag}").headers["x-freehold-cache"] == "miss"


# --- privacy: placeholders and scope --------------------------------------------------------------------


@pytest.fixture(scope="module")
def echo() -> Iterator[EchoMock]:
    mock = EchoMock().start()
    yield mock
    mock.stop()


@pytest.fixture(scope="module")
def private(echo: EchoMock, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    def dep(name: str) -> dict[str, Any]:
        return {
            "provider": "openai",
            "model": "echo-2-0",
            "api_base": echo.base_url,
            "api_key": "env:ECHO_KEY",
            "name": name,
        }

    config = {
        "routing": {"retries": {"max_attempts": 1}, "queue": {"max_wait": 0}},
        "privacy": {"policies": {"aliases": {"team-cache": "pseudonymize", "key-cache": "pseudonymize"}}},
        "aliases": {
            "team-cache": {"deployments": [dep("team-dep")], "cache": {"scope": "team"}},
            "key-cache": {"deployments": [dep("key-dep")], "cache": {"scope": "key"}},
        },
    }
    g = start_gateway(
        config, tmp_path_factory.mktemp("private"), env={"FREEHOLD_MASTER_KEY": MASTER_KEY, "ECHO_KEY": "sk-echo"}
    )
    yield g
    stop_gateway(g.process)
    assert "Traceback" not in g.log()


def stream_text(client: openai.OpenAI, model: str, text: str) -> tuple[str, str]:
    with client.chat.completions.with_streaming_response.create(
        model=model, messages=[{"role": "user", "content": text}], stream=True
    ) as resp:
        header = resp.headers["x-freehold-cache"]
        out = "".join(c.choices[0].delta.content or "" for c in resp.parse() if c.choices)
    return header, out


def test_a_hit_restores_the_asking_users_own_values_never_anothers(private: Gateway, echo: EchoMock) -> None:
    with httpx.Client(base_url=private.url, headers={"Authorization": f"Bearer {MASTER_KEY}"}, timeout=10) as admin:
        team = admin.post("/admin/teams", json={"name": "cache-privacy"}).json()["id"]
        keys = [admin.post("/admin/keys", json={"name": n, "team_id": team}).json()["key"] for n in ("ann", "bob")]
    ann, bob = (openai.OpenAI(base_url=private.base_url, api_key=k, max_retries=0, timeout=10) for k in keys)
    tag = uuid.uuid4().hex[:8]
    ann_text = f"Please write to ann.lee@example.com about invoice {tag}"
    bob_text = f"Please write to bob.ray@example.org about invoice {tag}"
    sent = len(echo.requests)

    first = ann.chat.completions.with_raw_response.create(
        model="team-cache", messages=[{"role": "user", "content": ann_text}]
    )
    assert first.headers["x-freehold-cache"] == "miss" and first.parse().choices[0].message.content == ann_text
    assert len(echo.requests) == sent + 1 and "ann.lee" not in echo.sent()  # the upstream saw a placeholder

    # Bob's request pseudonymizes to the same request: a hit, restored with Bob's own address.
    hit = bob.chat.completions.with_raw_response.create(
        model="team-cache", messages=[{"role": "user", "content": bob_text}]
    )
    assert hit.headers["x-freehold-cache"] == "hit"
    assert hit.parse().choices[0].message.content == bob_text
    assert stream_text(bob, "team-cache", bob_text) == ("hit", bob_text)  # replayed, restored chunk by chunk
    assert len(echo.requests) == sent + 1

    # Scoped per key: Bob never gets Ann's entry, whatever the placeholders.
    assert stream_text(ann, "key-cache", ann_text) == ("miss", ann_text)
    other = bob.chat.completions.with_raw_response.create(
        model="key-cache", messages=[{"role": "user", "content": bob_text}]
    )
    assert other.headers["x-freehold-cache"] == "miss" and other.parse().choices[0].message.content == bob_text
    assert "ann.lee" not in other.text and "ann.lee" not in hit.text
