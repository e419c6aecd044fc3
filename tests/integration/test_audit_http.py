"""The audit log over HTTP: real gateways (one on SQLite; two replicas on PostgreSQL under load),
then ``freehold audit verify`` and ``report`` as an operator runs them, then tampering in SQL.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
import sqlalchemy as sa

from tests.integration.conftest import AUDIT_KEY, MASTER_KEY, start_gateway, stop_gateway
from tests.integration.mock_openai import EXPECTED_KEY, MockOpenAI
from tests.stores_support import drop_postgres_database, new_postgres_database

SIM = {"provider": "simulated", "model": "sim-1", "ttft_ms": 0, "tokens_per_second": 5000}
AUTH = {"Authorization": f"Bearer {MASTER_KEY}"}


def config(mock: MockOpenAI) -> dict:
    openai = {"provider": "openai", "model": "gpt-4o-mini", "api_base": mock.base_url, "api_key": "env:MOCK_OPENAI_KEY"}
    return {
        # A toy privacy stage, not a configured policy: per-request records are asked for explicitly.
        "privacy": {"audit": {"requests": True}},
        "stages": [
            {
                "use": "tests.integration.toy_stages:Privacy",
                "options": {
                    "categories": {"EMAIL": "@example.com", "PERSON": "Ann", "SECRET": "sk-live"},
                    "block": "SECRET",
                },
            }
        ],
        "aliases": {
            "gpt": {"deployments": [{**openai, "name": "mock-gpt"}]},
            "sim": {"deployments": [{**SIM, "name": "sim"}]},
        },
    }


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("FREEHOLD_")} | env
    return subprocess.run(
        [sys.executable, "-m", "freehold", "audit", *args], capture_output=True, text=True, env=full, timeout=60
    )


def chat(url: str, model: str, text: str, stream: bool = False) -> httpx.Response:
    body = {"model": model, "messages": [{"role": "user", "content": text}], "stream": stream}
    return httpx.post(url + "/v1/chat/completions", json=body, headers=AUTH, timeout=10)


def sql(url: str, statement: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture
def pg_url() -> Iterator[str]:
    url = asyncio.run(new_postgres_database())
    try:
        yield url
    finally:
        asyncio.run(drop_postgres_database(url))


def test_sqlite_gateway_then_verify_report_and_tampering(mock_upstream: MockOpenAI, tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    url = f"sqlite:///{db}"
    # No FREEHOLD_AUDIT_KEY: the gateway makes its key file and says so, never showing the key.
    env = {"MOCK_OPENAI_KEY": EXPECTED_KEY, "FREEHOLD_MASTER_KEY": MASTER_KEY, "FREEHOLD_DATABASE_URL": url}
    gw = start_gateway(config(mock_upstream), tmp_path, env=env | {"FREEHOLD_AUDIT_KEY": ""})
    try:
        assert chat(gw.url, "gpt", "mail ann@example.com and bob@example.com, Ann").status_code == 200
        assert chat(gw.url, "sim", "nothing personal", stream=True).status_code == 200
        assert chat(gw.url, "sim", "Ann says hi", stream=True).status_code == 200
        blocked = chat(gw.url, "gpt", "my key is sk-live-123")
        assert blocked.status_code == 400, blocked.text
        made = httpx.post(gw.url + "/admin/keys", headers=AUTH, json={"name": "audited", "rpm": 10})
        assert made.status_code == 201
    finally:
        stop_gateway(gw.process)
    log = gw.log()
    key_file = tmp_path / "state" / "audit.key"
    assert f"made a new audit key in {key_file}" in log
    assert key_file.read_text().strip() not in log
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"

    op = {"FREEHOLD_DATABASE_URL": url, "FREEHOLD_STATE_DIR": str(tmp_path / "state")}
    ok = cli("verify", env=op)
    # policy.changed, 3 × (request, response), the block, the key: 9 records.
    assert ok.returncode == 0 and "chain intact: 9 records" in ok.stdout, ok.stdout + ok.stderr
    head = ok.stdout.split("head: ")[1].split()[0]
    assert cli("verify", env={"FREEHOLD_DATABASE_URL": url, "FREEHOLD_AUDIT_KEY": "w" * 40}).returncode == 1

    report = cli("report", "--since", "2000-01-01", "--json", env=op)
    assert report.returncode == 0, report.stderr
    rows = {(r["vendor"], r["category"]): (r["count"], r["requests"]) for r in json.loads(report.stdout)["data"]}
    assert rows == {
        ("openai", "EMAIL"): (2, 1),
        ("openai", "PERSON"): (1, 1),
        ("simulated", "-"): (0, 1),
        ("simulated", "PERSON"): (1, 1),
        ("(refused)", "SECRET"): (1, 1),
    }
    table = cli("report", "--since", "2000-01-01", env=op)
    assert "openai" in table.stdout and "EMAIL" in table.stdout and "simulated" in table.stdout

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        kinds = [tuple(r) for r in conn.execute(sa.text("SELECT seq, kind, action FROM audit_log ORDER BY seq"))]
    assert kinds[0] == (1, "admin", "policy.changed") and kinds[-1] == (9, "admin", "key.created")
    with engine.connect() as conn:
        detail = json.loads(conn.execute(sa.text("SELECT detail FROM audit_log WHERE seq = 9")).scalar_one())
    assert detail["actor"] == "admin-api:master" and detail["changes"]["rpm"] == 10

    # Tamper in SQL, as a database writer without the key would.
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_log SET vendor = 'local' WHERE seq = 3"))
        conn.execute(sa.text("DELETE FROM audit_log WHERE seq IN (5, 6)"))
    engine.dispose()
    bad = cli("verify", env=op)
    assert bad.returncode == 1
    assert "record seq 3: altered (mac mismatch)" in bad.stdout
    assert "records 5–6: missing (gap in sequence)" in bad.stdout
    # A cut tail that also moves the head row back is only seen against an anchor noted earlier.
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_log WHERE seq = 9"))
        mac8 = conn.execute(sa.text("SELECT mac FROM audit_log WHERE seq = 8")).scalar_one()
        conn.execute(sa.text(f"UPDATE audit_head SET seq = 8, mac = '{mac8}'"))
    anchored = cli("verify", "--anchor", head, env=op)
    assert anchored.returncode == 1 and "record seq 9: missing (the anchor names it" in anchored.stdout


@pytest.mark.postgres
def test_two_replicas_on_postgresql_under_load_keep_one_chain(
    mock_upstream: MockOpenAI, tmp_path: Path, pg_url: str
) -> None:
    env = {"MOCK_OPENAI_KEY": EXPECTED_KEY, "FREEHOLD_MASTER_KEY": MASTER_KEY, "FREEHOLD_DATABASE_URL": pg_url}
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    a = start_gateway(config(mock_upstream), tmp_path / "a", env=env)
    b = start_gateway(config(mock_upstream), tmp_path / "b", env=env)
    n = 150

    async def load() -> list[int]:
        async with httpx.AsyncClient(headers=AUTH, timeout=20) as client:

            async def one(i: int) -> int:
                gw = (a, b)[i % 2]
                body = {"model": ("gpt", "sim")[i % 3 == 0], "messages": [{"role": "user", "content": f"Ann {i}"}]}
                body["stream"] = i % 4 == 0
                return (await client.post(gw.url + "/v1/chat/completions", json=body)).status_code

            return await asyncio.gather(*(one(i) for i in range(n)))

    try:
        statuses = asyncio.run(load())
    finally:
        stop_gateway(a.process)
        stop_gateway(b.process)
    assert statuses == [200] * n
    op = {"FREEHOLD_DATABASE_URL": pg_url, "FREEHOLD_AUDIT_KEY": AUDIT_KEY}
    ok = cli("verify", env=op)
    # One policy record (the second replica saw it unchanged), then a journal and an outcome per request.
    assert ok.returncode == 0 and f"chain intact: {1 + 2 * n} records" in ok.stdout, ok.stdout + ok.stderr
    report = json.loads(cli("report", "--since", "2000-01-01", "--json", env=op).stdout)
    counted = {(r["vendor"], r["category"]): r["requests"] for r in report["data"]}
    assert counted == {("openai", "PERSON"): n - len(range(0, n, 3)), ("simulated", "PERSON"): len(range(0, n, 3))}

    sql(pg_url, "UPDATE audit_log SET categories = '{}' WHERE seq = 42")
    bad = cli("verify", env=op)
    assert bad.returncode == 1 and "record seq 42: altered (mac mismatch)" in bad.stdout


@pytest.mark.postgres
def test_database_down_refuses_with_503_audit_unavailable(mock_upstream: MockOpenAI, tmp_path: Path) -> None:
    url = asyncio.run(new_postgres_database())
    env = {"MOCK_OPENAI_KEY": EXPECTED_KEY, "FREEHOLD_MASTER_KEY": MASTER_KEY, "FREEHOLD_DATABASE_URL": url}
    # The ledger off: the audit log alone must refuse to send what it cannot record.
    gw = start_gateway(config(mock_upstream), tmp_path, env=env | {"FREEHOLD_LEDGER": "false"})
    try:
        assert chat(gw.url, "sim", "hello").status_code == 200
        asyncio.run(drop_postgres_database(url))
        refused = chat(gw.url, "sim", "hello")
        assert refused.status_code == 503 and refused.headers.get("retry-after") == "1"
        error = refused.json()["error"]
        assert error["code"] == "audit_unavailable" and "audit log" in error["message"]
    finally:
        stop_gateway(gw.process)
        asyncio.run(drop_postgres_database(url))
    assert "audit log: writes failing" in gw.log()


def test_a_configured_policy_turns_request_records_on_with_the_real_detector(
    mock_upstream: MockOpenAI, tmp_path: Path
) -> None:
    """No ``requests:`` setting: a privacy policy is configured, so every request is recorded, with
    the categories the real detectors found and the action the policy took; without a policy, none."""
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    env = {"MOCK_OPENAI_KEY": EXPECTED_KEY, "FREEHOLD_MASTER_KEY": MASTER_KEY, "FREEHOLD_DATABASE_URL": url}
    openai = {"provider": "openai", "model": "gpt-4o-mini", "api_base": mock_upstream.base_url}
    cfg = {
        "privacy": {"policies": {"default": "pseudonymize"}},
        "aliases": {"gpt": {"deployments": [{**openai, "api_key": "env:MOCK_OPENAI_KEY", "name": "mock-gpt"}]}},
    }
    gw = start_gateway(cfg, tmp_path, env=env)
    try:
        sent = chat(gw.url, "gpt", "Write to ann@example.com or call +44 20 7946 0958 today.")
        assert sent.status_code == 200, sent.text
    finally:
        stop_gateway(gw.process)
    op = {"FREEHOLD_DATABASE_URL": url, "FREEHOLD_AUDIT_KEY": AUDIT_KEY}  # the key start_gateway gives
    assert "chain intact" in cli("verify", env=op).stdout
    report = cli("report", "--since", "2000-01-01", "--json", env=op)
    rows = {(r["vendor"], r["category"]): (r["count"], r["requests"]) for r in json.loads(report.stdout)["data"]}
    assert rows == {("openai", "EMAIL"): (1, 1), ("openai", "PHONE"): (1, 1)}
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        actions = [r[0] for r in conn.execute(sa.text("SELECT action FROM audit_log WHERE kind = 'request'"))]
    engine.dispose()
    assert actions and all("pseudonymize" in a for a in actions)

    plain = tmp_path / "plain"
    plain.mkdir()
    url2 = f"sqlite:///{plain / 'audit.db'}"
    gw = start_gateway({"aliases": cfg["aliases"]}, plain, env=env | {"FREEHOLD_DATABASE_URL": url2})
    try:
        assert chat(gw.url, "gpt", "ann@example.com").status_code == 200
    finally:
        stop_gateway(gw.process)
    engine = sa.create_engine(url2)
    with engine.connect() as conn:
        kinds = {r[0] for r in conn.execute(sa.text("SELECT kind FROM audit_log"))}
    engine.dispose()
    assert "request" not in kinds  # no policy: no per-request record unless privacy.audit.requests is set
