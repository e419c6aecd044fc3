"""``freehold audit verify|report`` and the audit records of ``freehold keys|teams``, through Typer's runner."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from freehold.cli import app
from freehold.commands import governance

KEY = "c" * 40


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(governance.out, "width", 200)
    monkeypatch.setattr(governance.err, "width", 200)
    for name in ("FREEHOLD_DATABASE_URL", "FREEHOLD_AUDIT_KEY", "FREEHOLD_AUDIT_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FREEHOLD_STATE_DIR", str(tmp_path / "state"))  # never the home directory
    return f"sqlite:///{tmp_path / 'cli.db'}"


def run(url: str, *args: str, key: str | None = KEY) -> tuple[int, str, str]:
    env = {"FREEHOLD_AUDIT_KEY": key} if key else {}
    result = CliRunner().invoke(app, [*args, "--database-url", url], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_cli_changes_are_chained_and_verify_names_tampering(url: str, tmp_path: Path) -> None:
    assert run(url, "teams", "create", "ops")[0] == 0
    code, out, _ = run(url, "keys", "create", "ci", "--team", "ops", "--json")
    assert code == 0
    key_id = json.loads(out)["id"]
    assert run(url, "keys", "revoke", key_id)[0] == 0
    code, out, err = run(url, "audit", "verify")
    assert code == 0 and "chain intact: 3 records" in out, out + err
    db = sqlite3.connect(tmp_path / "cli.db")
    rows = db.execute("SELECT seq, action, detail FROM audit_log ORDER BY seq").fetchall()
    assert [r[1] for r in rows] == ["team.created", "key.created", "key.revoked"]
    assert json.loads(rows[2][2])["actor"].startswith("cli:") and json.loads(rows[2][2])["target"] == key_id
    assert run(url, "audit", "verify", key="d" * 40)[0] == 1  # another key: nothing verifies
    with db:
        db.execute("UPDATE audit_log SET action = 'key.rotated' WHERE seq = 2")
    code, out, _ = run(url, "audit", "verify")
    assert code == 1 and "record seq 2: altered (mac mismatch)" in out
    # Without a key the CLI changes nothing in the log, and says so; it never makes the key itself.
    code, _, err = run(url, "teams", "create", "dev", key=None)
    assert code == 0 and "not recorded in the audit log" in err
    assert not (tmp_path / "state" / "audit.key").exists()
    assert run(url, "audit", "verify", key=None)[0] == 2


def test_report_needs_since_and_prints_json(url: str) -> None:
    assert run(url, "audit", "report")[0] == 2
    code, out, _ = run(url, "audit", "report", "--since", "2026-01-01", "--json")
    assert code == 0 and json.loads(out)["data"] == []
    assert run(url, "audit", "report", "--since", "yesterday")[0] == 2
