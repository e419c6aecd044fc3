"""``freehold keys`` and ``freehold teams`` on a SQLite file, through Typer's runner.

The commands share the admin API's operations and checks; these tests follow a team and its
keys through every command, check that a key the CLI prints is one the gateway's cache accepts,
and that refusals exit non-zero with a message that says what to fix.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from freehold.cli import app
from freehold.commands import governance
from freehold.governance.keys import KeyCache
from freehold.stores.database import create_engine
from freehold.stores.keys_sql import SqlKeyStore


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(governance.out, "width", 200)
    monkeypatch.setattr(governance.err, "width", 200)
    for name in ("FREEHOLD_DATABASE_URL", "FREEHOLD_STATE_DIR"):
        monkeypatch.delenv(name, raising=False)
    return f"sqlite:///{tmp_path / 'cli.db'}"


def run(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--database-url", url])
    return result.exit_code, result.stdout, result.stderr


def run_json(url: str, *args: str) -> Any:
    code, out, err = run(url, *args, "--json")
    assert code == 0, out + err
    return json.loads(out)


def accepted(url: str, key: str) -> bool:
    """Whether a gateway's key cache on this database takes ``key``."""

    async def check() -> bool:
        engine = create_engine(url)
        try:
            cache = KeyCache(SqlKeyStore(engine))
            await cache.refresh(force=True)
            return cache.find(key.encode()) is not None
        finally:
            await engine.dispose()

    return asyncio.run(check())


def test_a_team_and_its_keys_through_every_command(url: str) -> None:
    team = run_json(url, "teams", "create", "research", "--budget", "10.00", "--period", "daily", "--rpm", "60")
    assert (team["name"], team["budget"], team["rpm"]) == ("research", {"usd": "10.00", "period": "daily"}, 60)
    assert [t["id"] for t in run_json(url, "teams", "list")["data"]] == [team["id"]]

    key = run_json(url, "keys", "create", "ci", "--team", "research", "--alias", "smart", "--alias", "cheap",
                   "--expires-in", "30d", "--budget", "2.5", "--metadata", '{"owner": "ci"}')  # fmt: skip
    assert key["team_id"] == team["id"] and key["aliases"] == ["smart", "cheap"]
    assert key["budget"] == {"usd": "2.50", "period": "monthly"} and key["metadata"] == {"owner": "ci"}
    assert key["expires_at"] and key["status"] == "active"
    assert accepted(url, key["key"])

    code, out, err = run(url, "keys", "list")
    assert code == 0 and key["id"] in out and "research" in out and key["key"] not in out
    shown = run_json(url, "keys", "show", key["id"])
    assert (shown["spend_usd"], shown["spend_period"]) == ("0.00", "monthly") and "key" not in shown
    team_shown = run_json(url, "teams", "show", "research")
    assert team_shown["keys"] == [key["id"]] and team_shown["spend_period"] == "daily"

    updated = run_json(url, "keys", "update", key["id"], "--clear", "aliases", "--clear", "budget", "--rpm", "7")
    assert (updated["aliases"], updated["budget"], updated["rpm"]) == (None, None, 7)
    assert run_json(url, "teams", "update", "research", "--clear", "budget", "--name", "r&d")["budget"] is None

    rotated = run_json(url, "keys", "rotate", key["id"])
    assert rotated["id"] == key["id"] and rotated["key"] != key["key"]
    assert accepted(url, rotated["key"]) and not accepted(url, key["key"])

    code, _, err = run(url, "teams", "delete", "r&d")
    assert code == 1 and "still has 1 key(s)" in err
    assert run_json(url, "keys", "revoke", key["id"])["status"] == "revoked"
    code, _, err = run(url, "keys", "rotate", key["id"])
    assert code == 1 and "a revoked key stays revoked" in err
    code, out, _ = run(url, "teams", "delete", "r&d")
    assert code == 0 and f"deleted team {team['id']}" in out
    assert run_json(url, "teams", "list")["data"] == []


def test_a_new_key_is_printed_once_with_a_reminder(url: str) -> None:
    code, out, err = run(url, "keys", "create", "ops", "--role", "admin")
    assert code == 0, err
    printed = [line for line in out.splitlines() if line.startswith("fh_")]
    assert len(printed) == 1 and accepted(url, printed[0])
    assert "shown only once" in err
    assert "admin" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("keys", "create", "x", "--budget", "ten"), 1, "budget.usd: 'ten' is not an amount of US dollars"),
        (("keys", "create", "x", "--period", "daily"), 2, "--period needs --budget"),
        (("keys", "create", "x", "--expires-in", "soon"), 2, "is not a duration"),
        (("keys", "create", "x", "--team", "nobody"), 1, "No team with id or name 'nobody'"),
        (("keys", "create", "x", "--role", "root"), 1, "role: Input should be 'user' or 'admin'"),
        (("keys", "create", "x", "--metadata", "{nope"), 2, "--metadata is not JSON"),
        (("keys", "update", "key_nope", "--rpm", "1"), 1, "No key with id 'key_nope'"),
        (("keys", "update", "key_nope", "--clear", "name"), 2, "--clear name: can clear team, aliases"),
        (("keys", "show", "key_nope"), 1, "No key with id 'key_nope'"),
        (("teams", "create", "t", "--rpm", "0"), 1, "rpm: Input should be greater than or equal to 1"),
    ],
)
def test_refusals_say_what_to_fix(url: str, args: tuple[str, ...], code: int, message: str) -> None:
    got, out, err = run(url, *args)
    assert got == code, out + err
    assert message in err
