"""The usage ledger on the real server: what the SDKs' requests leave in it, /admin/usage, ``freehold usage``,
and the database going away (503, fail closed).

The SIGKILL test has its own module (``test_ledger_sigkill.py``).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import openai
import orjson
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway
from tests.stores_support import drop_postgres_database, new_postgres_database

SIM = {"provider": "simulated", "model": "sim-1", "ttft_ms": 0, "tokens_per_second": 5000, "max_tokens": 8}
PRICE = {"input": "3", "output": "15"}  # USD per million tokens
CONFIG = {
    "routing": {"retries": {"max_attempts": 1}, "queue": {"max_wait": 0}},
    "aliases": {
        **{name: {"deployments": [{**SIM, "name": f"{name}-dep", "price": PRICE}]} for name in ("smart", "cheap")},
        # Cut after two tokens, before its usage event: the tokens are estimated, the cost unknown.
        "cut": {"deployments": [{**SIM, "name": "cut-dep", "faults": [{"kind": "stream_cut", "every": 1}]}]},
        "broken": {
            "deployments": [
                {**SIM, "name": "broken-dep", "price": PRICE, "faults": [{"kind": "server_error", "every": 1}]}
            ]
        },
        "silent": {
            "deployments": [
                {**SIM, "name": "silent-dep", "price": PRICE, "timeout": 1, "faults": [{"kind": "timeout", "every": 1}]}
            ]
        },
    },
}
HI = [{"role": "user", "content": "Hello there."}]


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    g = start_gateway(CONFIG, tmp_path_factory.mktemp("ledger"), env={"FREEHOLD_MASTER_KEY": MASTER_KEY})
    yield g
    stop_gateway(g.process)
    assert "Traceback" not in g.log()


@pytest.fixture(scope="module")
def admin(gw: Gateway) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gw.url, headers={"Authorization": f"Bearer {MASTER_KEY}"}, timeout=10) as client:
        yield client


def new_key(admin: httpx.Client, **body: Any) -> dict[str, Any]:
    resp = admin.post("/admin/keys", json={"name": "ledger-test", **body})
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


def usage_rows(admin: httpx.Client, group_by: str, want: int, group: str) -> dict[str, Any]:
    """The row of ``group`` once it counts ``want`` requests (completions land within 0.2 s)."""
    deadline = time.monotonic() + 5
    while True:
        resp = admin.get("/admin/usage", params={"group_by": group_by})
        assert resp.status_code == 200, resp.text
        rows = {r["group"]: r for r in resp.json()["data"]}
        if rows.get(group, {}).get("requests") == want or time.monotonic() > deadline:
            return rows.get(group, {})
        time.sleep(0.05)


def test_sdk_requests_whole_and_streamed_are_in_the_usage(gw: Gateway, admin: httpx.Client) -> None:
    team = admin.post("/admin/teams", json={"name": "ledger-team"}).json()
    key = new_key(admin, team_id=team["id"])
    client = openai.OpenAI(base_url=gw.base_url, api_key=key["key"], max_retries=0, timeout=10)
    whole = client.chat.completions.create(model="smart", messages=HI)  # type: ignore[arg-type]
    assert whole.usage is not None
    stream = client.chat.completions.create(
        model="cheap",
        messages=HI,
        stream=True,
        stream_options={"include_usage": True},  # type: ignore[arg-type]
    )
    streamed = [chunk.usage for chunk in stream if chunk.usage is not None]
    assert len(streamed) == 1 and streamed[0] is not None
    want_in = whole.usage.prompt_tokens + streamed[0].prompt_tokens
    want_out = whole.usage.completion_tokens + streamed[0].completion_tokens

    row = usage_rows(admin, "key", 2, key["id"])
    assert row == {
        "group": key["id"],
        "requests": 2,
        "input_tokens": want_in,
        "output_tokens": want_out,
        "cost_usd": str((Decimal(want_in) * 3 + Decimal(want_out) * 15) / 1_000_000),
        "unknown_cost_requests": 0,
        "cache_hits": 0,
        "saved_usd": "0.00",
    }
    assert usage_rows(admin, "team", 2, team["id"])["input_tokens"] == want_in
    aliases = admin.get("/admin/usage", params={"group_by": "alias"}).json()["data"]
    assert {"smart", "cheap"} <= {r["group"] for r in aliases}
    deployments = {r["group"] for r in admin.get("/admin/usage", params={"group_by": "deployment"}).json()["data"]}
    assert {"smart-dep", "cheap-dep"} <= deployments


def test_a_stream_cut_before_its_usage_is_recorded_with_an_unknown_cost_never_zero(
    gw: Gateway, admin: httpx.Client
) -> None:
    key = new_key(admin)
    client = openai.OpenAI(base_url=gw.base_url, api_key=key["key"], max_retries=0, timeout=10)
    with pytest.raises(openai.APIError):
        for _ in client.chat.completions.create(model="cut", messages=HI, stream=True):  # type: ignore[arg-type]
            pass
    row = usage_rows(admin, "key", 1, key["id"])
    assert (row["requests"], row["unknown_cost_requests"], row["cost_usd"]) == (1, 1, "0.00")
    assert row["output_tokens"] >= 1  # the tokens sent before the cut, estimated: vendors bill them


def test_an_upstream_error_costs_nothing_and_a_timeout_counts_at_its_reservation(
    gw: Gateway, admin: httpx.Client
) -> None:
    key = new_key(admin, budget={"usd": "5", "period": "daily"})
    client = openai.OpenAI(base_url=gw.base_url, api_key=key["key"], max_retries=0, timeout=10)
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(model="broken", messages=HI, max_tokens=100)  # type: ignore[arg-type]
    row = usage_rows(admin, "key", 1, key["id"])
    # The vendor answered 500: it charges nothing, so the ledger knows the cost (0) and the budget got it all back.
    assert (row["requests"], row["unknown_cost_requests"], row["cost_usd"]) == (1, 0, "0.00")
    assert admin.get(f"/admin/keys/{key['id']}").json()["spend_usd"] == "0.00"

    with pytest.raises(openai.APIStatusError) as timed_out:
        client.chat.completions.create(model="silent", messages=HI, max_tokens=100)  # type: ignore[arg-type]
    assert timed_out.value.status_code == 504
    row = usage_rows(admin, "key", 2, key["id"])
    assert (row["requests"], row["unknown_cost_requests"]) == (2, 1)  # it may have been charged: unknown
    # Unknown, so the budget keeps the worst case it reserved: 100 output tokens at $15/M and the prompt.
    assert Decimal(admin.get(f"/admin/keys/{key['id']}").json()["spend_usd"]) >= Decimal(100 * 15) / 1_000_000


def test_a_refused_request_leaves_no_usage(gw: Gateway, admin: httpx.Client) -> None:
    key = new_key(admin, aliases=["smart"])
    client = openai.OpenAI(base_url=gw.base_url, api_key=key["key"], max_retries=0, timeout=10)
    with pytest.raises(openai.PermissionDeniedError):
        client.chat.completions.create(model="cheap", messages=HI)  # type: ignore[arg-type]
    client.chat.completions.create(model="smart", messages=HI)  # type: ignore[arg-type]
    assert usage_rows(admin, "key", 1, key["id"])["requests"] == 1
    time.sleep(0.3)
    assert usage_rows(admin, "key", 1, key["id"])["requests"] == 1


def test_the_window_and_its_validation(gw: Gateway, admin: httpx.Client) -> None:
    body = admin.get("/admin/usage").json()
    assert body["group_by"] == "key" and body["since"].endswith("-01T00:00:00Z")
    assert admin.get("/admin/usage", params={"since": "2001-01-01", "until": "2001-02-01"}).json()["data"] == []
    for params, param in (
        ({"group_by": "model"}, "group_by"),
        ({"since": "last tuesday"}, "since"),
        ({"until": "2026-13-01"}, "until"),
        ({"since": "2026-12-02", "until": "2026-12-01"}, "until"),
    ):
        resp = admin.get("/admin/usage", params=params)
        assert resp.status_code == 400, params
        error = resp.json()["error"]
        assert (error["type"], error["param"]) == ("invalid_request_error", param)
        assert f"'{param}'" in error["message"]


def test_usage_needs_an_admin(gw: Gateway, admin: httpx.Client) -> None:
    assert httpx.get(gw.url + "/admin/usage").status_code == 401
    user = new_key(admin)
    resp = httpx.get(gw.url + "/admin/usage", headers={"Authorization": f"Bearer {user['key']}"})
    assert resp.status_code == 403


def test_the_cli_says_what_the_api_says(gw: Gateway, admin: httpx.Client, tmp_path: Path) -> None:
    key = new_key(admin, name="cli-visible")
    client = openai.OpenAI(base_url=gw.base_url, api_key=key["key"], max_retries=0, timeout=10)
    client.chat.completions.create(model="smart", messages=HI)  # type: ignore[arg-type]
    api_row = usage_rows(admin, "key", 1, key["id"])
    database = f"sqlite:///{gw.log_path.parent / 'state' / 'freehold.db'}"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "freehold", "usage", "--database-url", database, *args],
            capture_output=True,
            text=True,
            timeout=60,
        )

    done = cli("--group-by", "key", "--json")
    assert done.returncode == 0, done.stderr
    report = orjson.loads(done.stdout)
    assert report["group_by"] == "key"
    assert {r["group"]: r for r in report["data"]}[key["id"]] == api_row
    table = cli("--group-by", "key")
    assert table.returncode == 0 and key["id"] in table.stdout and "cli-visible" in table.stdout
    bad = cli("--group-by", "model")
    assert bad.returncode == 2 and "group_by" in bad.stderr
    empty = orjson.loads(cli("--since", "2001-01-01", "--until", "2001-01-02", "--json").stdout)
    assert empty["data"] == []


@pytest.mark.postgres
def test_database_down_refuses_with_503(tmp_path: Path) -> None:
    url = asyncio.run(new_postgres_database())
    # The ledger alone (the audit log, which fails closed first, has its own test: test_audit_http.py).
    config = CONFIG | {"privacy": {"audit": {"enabled": False}}}
    g = start_gateway(config, tmp_path, env={"FREEHOLD_MASTER_KEY": MASTER_KEY, "FREEHOLD_DATABASE_URL": url})
    try:
        client = openai.OpenAI(base_url=g.base_url, api_key=MASTER_KEY, max_retries=0, timeout=20)
        client.chat.completions.create(model="smart", messages=HI)  # type: ignore[arg-type]
        asyncio.run(drop_postgres_database(url))  # the database goes away, connections and all
        started = time.monotonic()
        with pytest.raises(openai.InternalServerError) as info:
            client.chat.completions.create(model="smart", messages=HI)  # type: ignore[arg-type]
        assert time.monotonic() - started < 10
        assert info.value.status_code == 503
        body = info.value.response.json()["error"]
        assert body["code"] == "ledger_unavailable" and "usage ledger" in body["message"]
        assert info.value.response.headers.get("retry-after") == "1"
    finally:
        stop_gateway(g.process)
        asyncio.run(drop_postgres_database(url))
    assert "usage ledger: writes failing" in g.log()
