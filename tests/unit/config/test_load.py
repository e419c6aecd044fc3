"""Config validation: every problem names its path and says what to fix; secrets never leak."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from freehold.config.load import load_config, parse_config
from freehold.config.model import GatewayConfig
from freehold.errors import ConfigError

SECRET = "sk-unit-test-DISTINCTIVE-7f3a9c2e41b8"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FH_TEST_KEY", SECRET)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)


def openai(**overrides: Any) -> dict[str, Any]:
    return {"provider": "openai", "model": "gpt-4o-mini", "api_key": "env:FH_TEST_KEY", **overrides}


def simulated(**overrides: Any) -> dict[str, Any]:
    return {"provider": "simulated", "model": "sim", **overrides}


def config(*deployments: dict[str, Any], alias: str = "smart") -> dict[str, Any]:
    return {"aliases": {alias: {"deployments": list(deployments)}}}


def problems(data: Any) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    assert info.value.problems, "a ConfigError must list its problems"
    return info.value.problems


def test_valid_config_parses() -> None:
    cfg = parse_config(config(openai(), simulated(name="local", weight=2)))
    assert isinstance(cfg, GatewayConfig)
    deps = cfg.aliases["smart"].deployments
    assert deps[0].api_base == "https://api.openai.com/v1"  # type: ignore[attr-defined]
    assert deps[1].weight == 2
    assert cfg.deployment_names() == {"smart": ["smart/openai/gpt-4o-mini", "local"]}


def test_config_is_frozen() -> None:
    cfg = parse_config(config(simulated()))
    with pytest.raises(ValueError):
        cfg.aliases["smart"].deployments[0].model = "other"  # type: ignore[misc]


def test_unset_env_secret_names_path_and_variable() -> None:
    assert problems(config(openai(), openai(name="b", api_key="env:ANTHROPIC_API_KEY"))) == [
        "aliases.smart.deployments[1].api_key: environment variable ANTHROPIC_API_KEY is not set"
    ]


def test_empty_env_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FH_EMPTY", "  ")
    assert problems(config(openai(api_key="env:FH_EMPTY"))) == [
        "aliases.smart.deployments[0].api_key: environment variable FH_EMPTY is empty"
    ]


def test_unknown_key_is_named_with_a_hint() -> None:
    (line,) = problems(config(openai(api_bse="http://localhost:8000/v1")))
    assert line.startswith("aliases.smart.deployments[0].api_bse: unknown key")
    assert "spelling" in line


def test_unknown_top_level_and_server_keys() -> None:
    lines = problems({**config(simulated()), "alias": {}, "server": {"prot": 1}})
    assert any(line.startswith("alias: unknown key") for line in lines)
    assert any(line.startswith("server.prot: unknown key") for line in lines)


def test_unknown_provider_lists_the_known_ones() -> None:
    (line,) = problems(config({"provider": "antropic", "model": "claude"}))
    assert line.startswith("aliases.smart.deployments[0]: unknown provider 'antropic'")
    assert "openai" in line and "simulated" in line


def test_missing_provider() -> None:
    (line,) = problems(config({"model": "gpt-4o"}))
    assert line.startswith("aliases.smart.deployments[0]: 'provider' is required")
    assert "openai" in line


def test_missing_model() -> None:
    assert problems(config({"provider": "openai"})) == ["aliases.smart.deployments[0].model: is required"]


@pytest.mark.parametrize("base", ["ftp://example.com/v1", "api.openai.com/v1", ""])
def test_bad_api_base_scheme(base: str) -> None:
    (line,) = problems(config(openai(api_base=base)))
    assert line.startswith("aliases.smart.deployments[0].api_base: must start with http:// or https://")


def test_api_base_trailing_slash_is_dropped() -> None:
    cfg = parse_config(config(openai(api_base="http://127.0.0.1:8000/v1/")))
    assert cfg.aliases["smart"].deployments[0].api_base == "http://127.0.0.1:8000/v1"  # type: ignore[attr-defined]


@pytest.mark.parametrize("literal", [SECRET, "sk-proj-abcdef123456", "env:", "vault:thing"])
def test_literal_api_key_is_rejected_without_echo(literal: str) -> None:
    (line,) = problems(config(openai(api_key=literal)))
    assert line.startswith("aliases.smart.deployments[0].api_key: must be a reference 'env:VARIABLE'")
    if len(literal) > 10:
        assert literal not in line


def test_missing_secret_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.key"
    (line,) = problems(config(openai(api_key=f"file:{missing}")))
    assert line.startswith(f"aliases.smart.deployments[0].api_key: cannot read secret file {missing}")


def test_empty_secret_file(tmp_path: Path) -> None:
    key_file = tmp_path / "empty.key"
    key_file.write_text("\n")
    assert problems(config(openai(api_key=f"file:{key_file}"))) == [
        f"aliases.smart.deployments[0].api_key: secret file {key_file} is empty"
    ]


def test_file_secret_is_read_and_stripped(tmp_path: Path) -> None:
    key_file = tmp_path / "openai.key"
    key_file.write_text(SECRET + "\n")
    cfg = parse_config(config(openai(api_key=f"file:{key_file}")))
    key = cfg.aliases["smart"].deployments[0].api_key  # type: ignore[attr-defined]
    assert isinstance(key, SecretStr)
    assert key.get_secret_value() == SECRET


def test_env_secret_is_resolved_once_at_load(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = parse_config(config(openai()))
    monkeypatch.setenv("FH_TEST_KEY", "changed-later")
    key = cfg.aliases["smart"].deployments[0].api_key  # type: ignore[attr-defined]
    assert key.get_secret_value() == SECRET


def test_empty_aliases() -> None:
    (line,) = problems({"aliases": {}})
    assert line.startswith("aliases: must not be empty")


def test_missing_aliases() -> None:
    assert problems({}) == ["aliases: is required"]


def test_empty_deployments() -> None:
    (line,) = problems(config())
    assert line.startswith("aliases.smart.deployments: must not be empty")


def test_bad_alias_name_names_the_alias() -> None:
    (line,) = problems(config(simulated(), alias="bad alias!"))
    assert line.startswith("aliases.bad alias!: must start with a letter or digit")
    assert "[key]" not in line


def test_duplicate_explicit_names_in_one_alias() -> None:
    (line,) = problems(config(simulated(name="dup"), simulated(name="dup")))
    assert line.startswith("aliases.smart.deployments[1].name: 'dup' is already used by aliases.smart.deployments[0]")
    assert "unique" in line


def test_duplicate_names_across_aliases() -> None:
    data = {"aliases": {"a": {"deployments": [simulated(name="dup")]}, "b": {"deployments": [simulated(name="dup")]}}}
    (line,) = problems(data)
    assert line.startswith("aliases.b.deployments[0].name: 'dup' is already used by aliases.a.deployments[0]")


def test_duplicate_default_names() -> None:
    (line,) = problems(config(simulated(), simulated()))
    assert line.startswith("aliases.smart.deployments[1].name: 'smart/simulated/sim' is already used")


def test_negative_timeout_number() -> None:
    assert problems(config(simulated(timeout=-1))) == [
        "aliases.smart.deployments[0].timeout.total: Input should be greater than 0"
    ]


def test_negative_timeout_field() -> None:
    assert problems(config(simulated(timeout={"connect": -0.5}))) == [
        "aliases.smart.deployments[0].timeout.connect: Input should be greater than 0"
    ]


def test_read_exceeding_total() -> None:
    (line,) = problems(config(simulated(timeout={"read": 30, "total": 10})))
    assert line == "aliases.smart.deployments[0].timeout: read (30s) must not exceed total (10s)"


def test_connect_exceeding_total() -> None:
    (line,) = problems(config(simulated(timeout={"connect": 30, "read": 5, "total": 10})))
    assert line == "aliases.smart.deployments[0].timeout: connect (30s) must not exceed total (10s)"


@pytest.mark.parametrize("value", ["soon", True, [1, 2]])
def test_timeout_of_wrong_type(value: Any) -> None:
    assert problems(config(simulated(timeout=value))) == [
        "aliases.smart.deployments[0].timeout: must be a number of seconds, or a mapping with connect, read and total"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, (5.0, 5.0, 5.0)),
        (0.5, (0.5, 0.5, 0.5)),
        (60, (10.0, 60.0, 60.0)),
        (300, (10.0, 120.0, 300.0)),
        ({"total": 3}, (3.0, 3.0, 3.0)),
        ({"connect": 1, "read": 2, "total": 3}, (1.0, 2.0, 3.0)),
        ({}, (10.0, 120.0, 600.0)),
    ],
)
def test_timeout_shorthand(value: Any, expected: tuple[float, float, float]) -> None:
    t = parse_config(config(simulated(timeout=value))).aliases["smart"].deployments[0].timeout
    assert (t.connect, t.read, t.total) == expected


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "rate_limit"},
        {"kind": "rate_limit", "every": 2, "probability": 0.5},
    ],
)
def test_fault_needs_exactly_one_trigger(fault: dict[str, Any]) -> None:
    (line,) = problems(config(simulated(faults=[fault])))
    assert line.startswith("aliases.smart.deployments[0].faults[0]: set exactly one of 'every'")
    assert "probability" in line


def test_fault_bad_kind_and_ranges() -> None:
    lines = problems(
        config(simulated(faults=[{"kind": "explode", "every": 1}, {"kind": "timeout", "probability": 1.5}]))
    )
    assert any(line.startswith("aliases.smart.deployments[0].faults[0].kind: Input should be") for line in lines)
    assert any(line.startswith("aliases.smart.deployments[0].faults[1].probability:") for line in lines)


def test_unknown_key_in_fault() -> None:
    (line,) = problems(config(simulated(faults=[{"kind": "timeout", "every": 1, "evry": 2}])))
    assert line.startswith("aliases.smart.deployments[0].faults[0].evry: unknown key")


def test_all_problems_are_reported_at_once() -> None:
    data = {
        "aliases": {
            "smart": {"deployments": [openai(api_bse="x"), {"provider": "openai"}]},
            "cheap": {"deployments": [simulated(weight=0)]},
        }
    }
    lines = problems(data)
    paths = sorted(line.split(":")[0] for line in lines)
    assert paths == [
        "aliases.cheap.deployments[0].weight",
        "aliases.smart.deployments[0].api_bse",
        "aliases.smart.deployments[1].model",
    ]


def test_every_problem_starts_with_a_path() -> None:
    data = {
        "server": {"port": 0, "log_level": "loud"},
        "aliases": {"smart": {"deployments": [openai(api_base="x", api_key="literal-key-value"), {"model": "m"}]}},
    }
    for line in problems(data):
        path, sep, message = line.partition(": ")
        assert sep and message, line
        assert path.startswith(("server.", "aliases.")), line


@pytest.mark.parametrize("data", [[1, 2], "aliases", 3])
def test_non_mapping_top_level(data: Any) -> None:
    (line,) = problems(data)
    assert line.startswith("config: must be a mapping with an 'aliases' key, got a ")


def test_none_top_level_says_empty() -> None:
    assert problems(None) == ["config: is empty; it must be a mapping with an 'aliases' key"]


# --- secrets never leak -------------------------------------------------------------------


def test_secret_not_in_errors_of_a_config_that_resolves_it() -> None:
    data = config(openai(), openai(name="b", api_key="env:ANTHROPIC_API_KEY"), openai(name="c", api_bse="x"))
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    assert SECRET not in str(info.value)
    assert SECRET not in repr(info.value)
    assert all(SECRET not in line for line in info.value.problems)


def test_secret_file_contents_not_in_errors(tmp_path: Path) -> None:
    key_file = tmp_path / "k"
    key_file.write_text(SECRET)
    with pytest.raises(ConfigError) as info:
        parse_config(config(openai(api_key=f"file:{key_file}", weight=-1)))
    assert SECRET not in str(info.value)


def test_secret_not_in_repr_or_dump() -> None:
    cfg = parse_config(config(openai()))
    assert SECRET not in repr(cfg)
    assert SECRET not in str(cfg)
    with warnings.catch_warnings():
        # SecretRef is typed str but holds a SecretStr; pydantic warns when dumping it (harmless here).
        warnings.simplefilter("ignore", UserWarning)
        assert SECRET not in cfg.model_dump_json()
    assert SECRET not in repr(cfg.aliases["smart"].deployments[0])
    assert cfg.aliases["smart"].deployments[0].api_key.get_secret_value() == SECRET  # type: ignore[attr-defined]


# --- files --------------------------------------------------------------------------------


def test_load_good_file(tmp_path: Path) -> None:
    path = tmp_path / "gw.yaml"
    path.write_text(
        "aliases:\n  smart:\n    deployments:\n      - provider: openai\n        model: m\n"
        "        api_key: env:FH_TEST_KEY\n"
    )
    cfg = load_config(path)
    assert list(cfg.aliases) == ["smart"]


def test_load_invalid_yaml_names_line(tmp_path: Path) -> None:
    path = tmp_path / "gw.yaml"
    path.write_text("aliases:\n  smart:\n\tdeployments: []\n")
    (line,) = problems_of_file(path)
    assert line.startswith(f"{path}:3:1: not valid YAML (")


def test_load_unclosed_bracket(tmp_path: Path) -> None:
    path = tmp_path / "gw.yaml"
    path.write_text("aliases:\n  smart:\n    deployments: [\n")
    (line,) = problems_of_file(path)
    assert line.startswith(f"{path}:") and "not valid YAML" in line
    assert line.split(":")[1].isdigit()


def test_load_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    assert problems_of_file(path) == [f"{path}: file not found"]


def test_load_directory(tmp_path: Path) -> None:
    (line,) = problems_of_file(tmp_path)
    assert line.startswith(f"{tmp_path}: cannot read")


def test_load_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "gw.yaml"
    path.write_text("# nothing yet\n")
    assert problems_of_file(path) == [f"{path}: is empty; it must be a mapping with an 'aliases' key"]


def test_load_list_file(tmp_path: Path) -> None:
    path = tmp_path / "gw.yaml"
    path.write_text("- provider: openai\n")
    assert problems_of_file(path) == [f"{path}: must be a mapping with an 'aliases' key, got a list"]


def test_load_validation_error_from_file(tmp_path: Path) -> None:
    path = tmp_path / "gw.yaml"
    path.write_text(
        "aliases:\n  smart:\n    deployments:\n      - provider: openai\n        model: m\n"
        "        api_key: env:ANTHROPIC_API_KEY\n"
    )
    assert problems_of_file(path) == [
        "aliases.smart.deployments[0].api_key: environment variable ANTHROPIC_API_KEY is not set"
    ]


def test_shipped_examples_are_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    examples = Path(__file__).parents[3] / "examples"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-example-not-real-000000")
    files = sorted(examples.glob("*.yaml"))
    assert files
    for path in files:
        load_config(path)


def problems_of_file(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value.problems


def test_a_secret_with_a_line_break_inside_is_refused_at_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key_file = tmp_path / "two-lines.key"
    key_file.write_text(SECRET + "\r\nsecond line\n")
    monkeypatch.setenv("FH_TWO_LINES", SECRET + "\nmore")
    lines = problems(config(openai(api_key=f"file:{key_file}"), openai(name="b", api_key="env:FH_TWO_LINES")))
    assert lines[0].startswith(f"aliases.smart.deployments[0].api_key: secret file {key_file} holds a line break")
    assert lines[1].startswith("aliases.smart.deployments[1].api_key: environment variable FH_TWO_LINES holds")
    assert all(SECRET not in line for line in lines)


def test_a_windows_line_ending_after_a_file_secret_is_fine(tmp_path: Path) -> None:
    key_file = tmp_path / "crlf.key"
    key_file.write_bytes(SECRET.encode() + b"\r\n")
    key = parse_config(config(openai(api_key=f"file:{key_file}"))).aliases["smart"].deployments[0].api_key  # type: ignore[attr-defined]
    assert key.get_secret_value() == SECRET


@pytest.mark.parametrize(
    ("headers", "path", "says"),
    [
        ({"X-Team": "a\r\nInjected: 1"}, "headers.X-Team", "one line"),
        ({"X-Team": "a\x00"}, "headers.X-Team", "one line"),
        ({"Bad Name": "v"}, "headers.Bad Name", "not a valid HTTP header name"),
        ({"X\nY": "v"}, "headers.X\nY", "not a valid HTTP header name"),
    ],
)
def test_header_values_that_would_break_the_request_are_refused_at_load(
    headers: dict[str, str], path: str, says: str
) -> None:
    (line,) = problems(config(openai(headers=headers)))
    assert line.startswith(f"aliases.smart.deployments[0].{path}: ") and says in line


def test_tabs_in_header_values_are_allowed() -> None:
    parse_config(config(openai(headers={"X-Note": "a\tb"})))


@pytest.mark.parametrize(
    ("deployment", "path"),
    [
        (openai(api_base="https://api.openai.com/v1\n"), "api_base"),
        (openai(model="gpt\r\n4"), "model"),
        (
            {
                "provider": "azure",
                "model": "m",
                "api_base": "https://x.openai.azure.com",
                "api_key": "env:FH_TEST_KEY",
                "deployment": "d\n",
            },
            "deployment",
        ),
        ({"provider": "gemini", "model": "g", "api_key": "env:FH_TEST_KEY", "api_base": "https://a\n.b"}, "api_base"),
    ],
)
def test_urls_and_names_with_control_characters_are_refused_at_load(deployment: dict[str, Any], path: str) -> None:
    (line,) = problems(config(deployment))
    assert line.startswith(f"aliases.smart.deployments[0].{path}: must be one line"), line


@pytest.mark.parametrize(
    ("api_base", "says"),
    [
        ("http://127.0.0.1:99999/v1", "is not a valid URL"),
        ("http://[::1/v1", "is not a valid URL"),
        ("http://exa mple.com/v1", "without spaces"),
        ("http:///v1", "must name a host"),
    ],
)
def test_base_urls_the_http_client_would_refuse_are_refused_at_load(api_base: str, says: str) -> None:
    (line,) = problems(config(openai(api_base=api_base)))
    assert line.startswith("aliases.smart.deployments[0].api_base: ") and says in line, line
