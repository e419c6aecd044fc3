"""Process settings: flags > FREEHOLD_* environment > file ``server:`` section > default."""

from __future__ import annotations

import pytest

from freehold.config.model import ServerSection
from freehold.errors import ConfigError
from freehold.settings import SETTINGS, Settings, resolve_settings


def test_defaults() -> None:
    s = resolve_settings(environ={})
    assert s == Settings()
    assert (s.host, s.port, s.workers, s.log_level, s.access_log) == ("127.0.0.1", 8080, 1, "info", False)
    assert s.master_key is None


def test_file_beats_default() -> None:
    s = resolve_settings(section=ServerSection(port=9000, log_level="debug"), environ={})
    assert (s.port, s.log_level, s.host) == (9000, "debug", "127.0.0.1")


def test_env_beats_file() -> None:
    s = resolve_settings(section=ServerSection(port=9000, host="0.0.0.0"), environ={"FREEHOLD_PORT": "9100"})
    assert s.port == 9100
    assert s.host == "0.0.0.0"


def test_flag_beats_env_and_file() -> None:
    s = resolve_settings(
        flags={"port": 9200, "host": None},
        section=ServerSection(port=9000, host="10.0.0.1"),
        environ={"FREEHOLD_PORT": "9100", "FREEHOLD_HOST": "10.0.0.2"},
    )
    assert s.port == 9200
    assert s.host == "10.0.0.2"  # a None flag means "not given"


def test_false_flag_is_a_value() -> None:
    s = resolve_settings(flags={"access_log": False}, environ={"FREEHOLD_ACCESS_LOG": "true"})
    assert s.access_log is False


@pytest.mark.parametrize(
    ("text", "expected"), [("1", True), ("TRUE", True), ("yes", True), ("on", True), ("0", False), ("off", False)]
)
def test_env_booleans(text: str, expected: bool) -> None:
    assert resolve_settings(environ={"FREEHOLD_ACCESS_LOG": text}).access_log is expected


def test_env_log_level_is_normalised() -> None:
    assert resolve_settings(environ={"FREEHOLD_LOG_LEVEL": "WARNING"}).log_level == "warning"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("FREEHOLD_PORT", "eighty", "FREEHOLD_PORT: must be a whole number from 1 to 65535"),
        ("FREEHOLD_PORT", "70000", "FREEHOLD_PORT: must be a whole number from 1 to 65535"),
        ("FREEHOLD_PORT", "0", "FREEHOLD_PORT: must be a whole number from 1 to 65535"),
        ("FREEHOLD_WORKERS", "0", "FREEHOLD_WORKERS: must be a whole number from 1 to 64"),
        ("FREEHOLD_MAX_BODY_BYTES", "-1", "FREEHOLD_MAX_BODY_BYTES: must be a whole number"),
        ("FREEHOLD_MAX_UPSTREAM_BODY_BYTES", "1000", "FREEHOLD_MAX_UPSTREAM_BODY_BYTES: must be a whole number"),
        ("FREEHOLD_ACCESS_LOG", "maybe", "FREEHOLD_ACCESS_LOG: must be true or false"),
        ("FREEHOLD_LOG_LEVEL", "verbose", "FREEHOLD_LOG_LEVEL: must be one of debug, info, warning, error"),
    ],
)
def test_bad_env_value_names_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        resolve_settings(environ={name: value})
    (line,) = info.value.problems
    assert line.startswith(message)


def test_all_bad_env_values_reported_together() -> None:
    with pytest.raises(ConfigError) as info:
        resolve_settings(environ={"FREEHOLD_PORT": "x", "FREEHOLD_WORKERS": "y"})
    assert [p.split(":")[0] for p in info.value.problems] == ["FREEHOLD_PORT", "FREEHOLD_WORKERS"]


def test_bad_env_value_even_when_file_sets_it() -> None:
    with pytest.raises(ConfigError):
        resolve_settings(section=ServerSection(port=9000), environ={"FREEHOLD_PORT": "x"})


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"log_level": "verbose"}, "--log-level: must be one of"),
        ({"port": 0}, "--port: must be a whole number from 1 to 65535"),
        ({"workers": 100}, "--workers: must be a whole number from 1 to 64"),
    ],
)
def test_bad_flag_names_the_flag(flags: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        resolve_settings(flags=flags, environ={})
    (line,) = info.value.problems
    assert line.startswith(message)


def test_flag_log_level_is_normalised() -> None:
    assert resolve_settings(flags={"log_level": "DEBUG"}, environ={}).log_level == "debug"


def test_master_key_only_from_env() -> None:
    s = resolve_settings(flags={"master_key": "flag"}, section=ServerSection(), environ={"FREEHOLD_MASTER_KEY": "mk"})
    assert s.master_key == "mk"
    assert resolve_settings(environ={"FREEHOLD_MASTER_KEY": ""}).master_key is None


def test_master_key_not_in_repr() -> None:
    s = resolve_settings(environ={"FREEHOLD_MASTER_KEY": "sk-master-DISTINCTIVE-91b2"})
    assert "sk-master-DISTINCTIVE-91b2" not in repr(s)
    assert "sk-master-DISTINCTIVE-91b2" not in str(s)


def test_os_environ_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FREEHOLD_PORT", "8181")
    assert resolve_settings().port == 8181


def test_registry_matches_settings_and_section() -> None:
    names = {s.name for s in SETTINGS}
    assert names <= set(Settings.__dataclass_fields__)
    assert names == set(ServerSection.model_fields)
    for setting in SETTINGS:
        assert setting.env == "FREEHOLD_" + setting.name.upper()
        assert getattr(Settings(), setting.name) == setting.default
        assert setting.doc


def test_redis_settings() -> None:
    s = resolve_settings(environ={})
    assert (s.redis_url, s.redis_prefix) == (None, "freehold:")  # unset: in-process circuit state
    s = resolve_settings(
        section=ServerSection(redis_url="redis://file:6379/0"),
        environ={"FREEHOLD_REDIS_URL": "redis://:sk-redis-DISTINCTIVE@cache:6379/1", "FREEHOLD_REDIS_PREFIX": "gw1:"},
    )
    assert (s.redis_url, s.redis_prefix) == ("redis://:sk-redis-DISTINCTIVE@cache:6379/1", "gw1:")
    assert "sk-redis-DISTINCTIVE" not in repr(s)
    assert resolve_settings(environ={"FREEHOLD_REDIS_URL": ""}).redis_url is None
    with pytest.raises(ConfigError) as info:
        resolve_settings(environ={"FREEHOLD_REDIS_URL": "cache:6379"})
    assert info.value.problems == ["FREEHOLD_REDIS_URL: must be a redis://, rediss:// or unix:// URL"]
    with pytest.raises(ValueError):
        ServerSection(redis_url="http://cache:6379")


def test_upstream_body_limit() -> None:
    assert resolve_settings(environ={}).max_upstream_body_bytes == 128 * 1024 * 1024
    section = ServerSection(max_upstream_body_bytes=4096)
    assert resolve_settings(section=section, environ={}).max_upstream_body_bytes == 4096
    env = {"FREEHOLD_MAX_UPSTREAM_BODY_BYTES": "1048576"}
    assert resolve_settings(section=section, environ=env).max_upstream_body_bytes == 1048576


def test_connection_guard_settings() -> None:
    s = resolve_settings(environ={})
    assert (s.keep_alive_timeout, s.header_timeout, s.max_header_bytes, s.max_connections, s.drain_seconds) == (
        5.0,
        10.0,
        65536,
        10_000,
        20.0,
    )
    s = resolve_settings(
        section=ServerSection(keep_alive_timeout=2, header_timeout=3.5, max_connections=50, drain_seconds=0),
        environ={"FREEHOLD_MAX_HEADER_BYTES": "8192", "FREEHOLD_HEADER_TIMEOUT": "0.5"},
    )
    assert (s.keep_alive_timeout, s.header_timeout, s.max_header_bytes, s.max_connections, s.drain_seconds) == (
        2.0,
        0.5,
        8192,
        50,
        0.0,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("FREEHOLD_HEADER_TIMEOUT", "soon", "FREEHOLD_HEADER_TIMEOUT: must be a number of seconds from 0.1 to 3600"),
        ("FREEHOLD_HEADER_TIMEOUT", "0", "FREEHOLD_HEADER_TIMEOUT: must be a number of seconds from 0.1 to 3600"),
        ("FREEHOLD_DRAIN_SECONDS", "nan", "FREEHOLD_DRAIN_SECONDS: must be a number of seconds from 0 to 3600"),
        ("FREEHOLD_MAX_HEADER_BYTES", "100", "FREEHOLD_MAX_HEADER_BYTES: must be a whole number from 1024"),
        ("FREEHOLD_MAX_CONNECTIONS", "0", "FREEHOLD_MAX_CONNECTIONS: must be a whole number from 1 to 1000000"),
    ],
)
def test_bad_connection_guard_values(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        resolve_settings(environ={name: value})
    (line,) = info.value.problems
    assert line.startswith(message)
