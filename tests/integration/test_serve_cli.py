"""``freehold serve`` as a user runs it: the quickstart file, several workers, a broken file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import openai
import pytest
import yaml

from tests.integration.conftest import start_gateway, stop_gateway

ROOT = Path(__file__).resolve().parents[2]


def test_quickstart_runs_without_keys_and_says_so(tmp_path: Path) -> None:
    config = yaml.safe_load((ROOT / "examples" / "quickstart.yaml").read_text())
    gw = start_gateway(config, tmp_path)
    try:
        with openai.OpenAI(base_url=gw.base_url, api_key="anything", max_retries=0) as client:
            ids = {m.id for m in client.models.list()}
            assert ids == {"smart", "cheap", "flaky"}
            answer = client.chat.completions.create(
                model="cheap", messages=[{"role": "user", "content": "hello"}], max_tokens=5
            )
            assert answer.choices[0].message.content
    finally:
        stop_gateway(gw.process)
    assert "FREEHOLD_MASTER_KEY is not set" in gw.log()


def test_several_workers_serve(tmp_path: Path) -> None:
    config = {"aliases": {"sim": {"deployments": [{"provider": "simulated", "model": "s", "ttft_ms": 0}]}}}
    gw = start_gateway(config, tmp_path, env={"FREEHOLD_MASTER_KEY": "k-123"}, args=("--workers", "2"))
    try:
        for _ in range(10):
            resp = httpx.post(
                gw.base_url + "/chat/completions",
                headers={"Authorization": "Bearer k-123"},
                json={"model": "sim", "messages": [{"role": "user", "content": "x"}], "max_tokens": 2},
            )
            assert resp.status_code == 200, resp.text
    finally:
        stop_gateway(gw.process)


def test_serve_refuses_a_bad_config_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(
            {
                "aliases": {
                    "smart": {
                        "deployments": [
                            {"provider": "openai", "model": "gpt-4o", "api_key": "env:FREEHOLD_TEST_MISSING_KEY"}
                        ]
                    }
                }
            }
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "freehold", "serve", "--config", str(bad), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "aliases.smart.deployments[0].api_key: environment variable FREEHOLD_TEST_MISSING_KEY is not set" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_serve_creates_its_embedded_database_and_refuses_an_out_of_date_one(tmp_path: Path) -> None:
    """First start: the SQLite file is created in the state directory and named at start-up; a
    schema from another version is refused with the command that fixes it."""
    import sqlite3

    config = {"aliases": {"sim": {"deployments": [{"provider": "simulated", "model": "s"}]}}}
    gw = start_gateway(config, tmp_path)
    stop_gateway(gw.process)
    database = tmp_path / "state" / "freehold.db"
    assert database.exists() and f"Database: sqlite:///{database}" in gw.log()
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0000'")
    with pytest.raises(RuntimeError) as info:
        start_gateway(config, tmp_path)
    assert "run `freehold db upgrade`" in str(info.value)
