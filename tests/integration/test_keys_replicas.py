"""Keys across replicas: two gateway processes on one database (a SQLite file, and PostgreSQL).

A key made on one is accepted by the other, and a revocation made on one is refused by the
other within a second (each polls the store's revision; neither reads a row per request). The
CLI, run as a user runs it, changes a running gateway the same way; and the first key created
closes a gateway that was open to anonymous callers.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway
from tests.stores_support import drop_postgres_database, new_postgres_database

SIM = {"provider": "simulated", "model": "sim-1", "ttft_ms": 0}
CONFIG = {"aliases": {"smart": {"deployments": [SIM]}}}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    url = asyncio.run(new_postgres_database())
    try:
        yield url
    finally:
        asyncio.run(drop_postgres_database(url))


def models_status(gw: Gateway, key: str) -> int:
    return httpx.get(gw.base_url + "/models", headers={"Authorization": f"Bearer {key}"}, timeout=5).status_code


def seconds_until(gw: Gateway, key: str, status: int, limit: float = 5.0) -> float:
    """How long until ``key`` gets ``status`` from ``gw``, asking every 20 ms."""
    start = time.monotonic()
    while models_status(gw, key) != status:
        if time.monotonic() - start > limit:
            raise AssertionError(f"{gw.url} did not answer {status} within {limit}s")
        time.sleep(0.02)
    return time.monotonic() - start


def test_a_revocation_reaches_the_other_replica_within_a_second(database_url: str, tmp_path: Path) -> None:
    env = {"FREEHOLD_MASTER_KEY": MASTER_KEY, "FREEHOLD_DATABASE_URL": database_url}
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    a = start_gateway(CONFIG, tmp_path / "a", env=env)
    try:
        b = start_gateway(CONFIG, tmp_path / "b", env=env)
        try:
            made = httpx.post(
                a.url + "/admin/keys", headers={"Authorization": f"Bearer {MASTER_KEY}"}, json={"name": "shared"}
            )
            assert made.status_code == 201, made.text
            key = made.json()["key"]
            assert models_status(a, key) == 200  # at once on the replica that made it
            assert seconds_until(b, key, 200) < 1.0
            revoked = httpx.delete(a.url + f"/admin/keys/{made.json()['id']}", headers={"x-api-key": MASTER_KEY})
            assert revoked.status_code == 200
            assert models_status(a, key) == 401
            assert seconds_until(b, key, 401) < 1.0  # measured: about 0.45 s (a 0.5 s poll, then the reload)
            refusal = httpx.get(b.base_url + "/models", headers={"Authorization": f"Bearer {key}"})
            assert "was revoked at" in refusal.json()["error"]["message"]
        finally:
            stop_gateway(b.process)
    finally:
        stop_gateway(a.process)


def freehold(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "freehold", *args, "--database-url", database_url],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_first_key_made_by_the_cli_closes_an_open_gateway(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    gw = start_gateway(CONFIG, tmp_path, env={"FREEHOLD_DATABASE_URL": url})
    try:
        assert models_status(gw, "anything") == 200  # no master key, no virtual key: open, as the quickstart
        closed = httpx.get(gw.url + "/admin/keys")
        assert closed.status_code == 401 and "has none yet" in closed.json()["error"]["message"]

        made = freehold("keys", "create", "first", "--alias", "smart", "--json", database_url=url)
        assert made.returncode == 0, made.stderr
        assert "shown only once" in made.stderr
        key = json.loads(made.stdout)["key"]
        assert seconds_until(gw, "anything", 401) < 1.0
        anonymous = httpx.post(gw.base_url + "/chat/completions", json={"model": "smart", "messages": []})
        assert anonymous.status_code == 401 and "Missing API key" in anonymous.json()["error"]["message"]
        assert models_status(gw, key) == 200
        assert "the first virtual key was created" in gw.log()
    finally:
        stop_gateway(gw.process)
    (tmp_path / "again").mkdir()
    again = start_gateway(CONFIG, tmp_path / "again", env={"FREEHOLD_DATABASE_URL": url})
    stop_gateway(again.process)
    assert "Requests must carry a key: one of the 1 virtual key(s) in the database." in again.log()
