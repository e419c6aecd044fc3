"""``freehold check``: exit 2 with path-named problems, exit 0 with the alias table, never a secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from freehold import cli
from freehold.cli import app

SECRET = "sk-cli-test-DISTINCTIVE-55aa0c3e9d"

GOOD = """\
aliases:
  smart:
    deployments:
      - provider: openai
        name: cloud
        model: gpt-4o
        api_key: env:FH_CLI_KEY
        timeout: {connect: 5, read: 60, total: 300}
  cheap:
    deployments:
      - provider: simulated
        model: sim-small
        weight: 3
"""

BAD = """\
aliases:
  smart:
    deployments:
      - provider: openai
        model: gpt-4o
        api_key: env:FH_CLI_KEY
        api_bse: http://localhost
      - provider: openai
        model: gpt-4o-mini
        api_key: env:FH_CLI_MISSING
"""


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FH_CLI_KEY", SECRET)
    monkeypatch.delenv("FH_CLI_MISSING", raising=False)
    for name in ("FREEHOLD_HOST", "FREEHOLD_PORT", "FREEHOLD_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    # The consoles size themselves at import (from the terminal, if any); keep tables unwrapped.
    monkeypatch.setattr(cli.out, "width", 200)
    monkeypatch.setattr(cli.err, "width", 200)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_good_file(tmp_path: Path) -> None:
    path = tmp_path / "gw.yaml"
    path.write_text(GOOD)
    code, out, err = run("check", str(path))
    assert code == 0, out + err
    for text in ("smart", "cloud", "cheap", "cheap/simulated/sim-small", "gpt-4o", "https://api.openai.com/v1"):
        assert text in out
    assert "5/60/300" in out
    assert "is valid: 2 alias(es)" in out
    assert "127.0.0.1:8080" in out
    assert SECRET not in out + err


def test_check_uses_server_section(tmp_path: Path) -> None:
    path = tmp_path / "gw.yaml"
    path.write_text(GOOD + "server:\n  port: 9999\n")
    code, out, _ = run("check", str(path))
    assert code == 0
    assert "127.0.0.1:9999" in out


def test_check_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "gw.yaml"
    path.write_text(BAD)
    code, out, err = run("check", str(path))
    assert code == 2
    assert "invalid configuration" in err
    lines = [line.strip() for line in err.splitlines()]
    assert any(
        line.endswith(
            "aliases.smart.deployments[0].api_bse: unknown key; check its spelling and nesting "
            "(docs/configuration.md lists the keys)"
        )
        for line in lines
    ), err
    assert any(
        line.endswith("aliases.smart.deployments[1].api_key: environment variable FH_CLI_MISSING is not set")
        for line in lines
    ), err
    assert SECRET not in out + err


def test_check_literal_key_not_echoed(tmp_path: Path) -> None:
    path = tmp_path / "gw.yaml"
    path.write_text(GOOD.replace("env:FH_CLI_KEY", SECRET))
    code, out, err = run("check", str(path))
    assert code == 2
    assert "aliases.smart.deployments[0].api_key: must be a reference" in err
    assert SECRET not in out + err


def test_check_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    code, _, err = run("check", str(path))
    assert code == 2
    assert f"{path}: file not found" in err


def test_check_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "gw.yaml"
    path.write_text("aliases:\n  smart: [\n")
    code, _, err = run("check", str(path))
    assert code == 2
    assert f"{path}:" in err and "not valid YAML" in err


def test_check_bad_env_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gw.yaml"
    path.write_text(GOOD)
    monkeypatch.setenv("FREEHOLD_PORT", "http")
    code, _, err = run("check", str(path))
    assert code == 2
    assert "FREEHOLD_PORT: must be a whole number" in err


def test_check_shows_routing_rules_in_order() -> None:
    code, out, err = run("check", str(Path(__file__).parents[2] / "examples" / "routing.yaml"))
    assert code == 0, out + err
    rows = [" ".join(line.replace("│", " ").split()) for line in out.splitlines() if line.startswith("│ smart")]
    routed = [r for r in rows if r.split()[1].isdigit()]
    assert routed[0] == "smart 1 tags.env=prod & not has_images frontier"
    assert routed[3] == "smart 4 privacy=PERSON|EMAIL|PHONE local"
    assert routed[5] == "smart 6 prompt_tokens_under=200 auto"
    assert "score > 0.300 (model freehold.routing.length:PromptLength)" in out


def test_check_refuses_a_router_model_that_does_not_load(tmp_path: Path) -> None:
    path = tmp_path / "gw.yaml"
    path.write_text(
        "aliases:\n  a: {deployments: [{provider: simulated, model: s}]}\n"
        "  auto: {router: {strong: a, weak: a, model: 'no_such_pkg.mod:Scorer'}}\n"
    )
    code, _, err = run("check", str(path))
    assert code == 2
    assert "aliases.auto.router.model: cannot load 'no_such_pkg.mod:Scorer'" in err


def test_check_builds_the_cache_and_names_a_bad_embedder(tmp_path: Path) -> None:
    """What only building shows (an embedder that does not load) fails `check`, not just `serve`."""
    path = tmp_path / "gw.yaml"
    path.write_text(
        "aliases:\n  a:\n    deployments: [{provider: simulated, model: s}]\n"
        "    cache: {semantic: {embedder: 'no_such_pkg.mod:embed'}}\n"
    )
    code, _, err = run("check", str(path))
    assert code == 2
    assert "aliases.a.cache.semantic.embedder:" in err


def test_check_refuses_a_redis_cache_without_a_redis_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FREEHOLD_REDIS_URL", raising=False)
    path = tmp_path / "gw.yaml"
    path.write_text(
        "cache: {backend: redis}\naliases:\n  a:\n    deployments: [{provider: simulated, model: s}]\n    cache: {}\n"
    )
    code, _, err = run("check", str(path))
    assert code == 2
    assert "cache.backend: 'redis' needs server.redis_url" in err
