"""Process settings: one registry, resolved flags > ``FREEHOLD_*`` environment > file > default.

These are about the process (where to listen, how much to accept), not about routing; routing
lives in the gateway file's ``aliases``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from freehold.config.model import ServerSection
from freehold.errors import ConfigError
from freehold.transport.limits import DEFAULT_MAX_UPSTREAM_BODY_BYTES

__all__ = ["SETTINGS", "Setting", "Settings", "default_state_dir", "resolve_settings"]


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any]
    doc: str

    @property
    def env(self) -> str:
        return "FREEHOLD_" + self.name.upper()


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("must be true or false")


def _int_in(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"must be a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return value

    return parse


def _seconds_in(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"must be a number of seconds from {low:g} to {high:g}") from None
        if not low <= value <= high:  # NaN fails this too
            raise ValueError(f"must be a number of seconds from {low:g} to {high:g}")
        return value

    return parse


def _redis_url(text: str) -> str | None:
    if not text.strip():
        return None  # an empty variable (a compose file's unset default) means "no Redis"
    if not text.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("must be a redis://, rediss:// or unix:// URL")
    return text


def _database_url(text: str) -> str | None:
    if not text.strip():
        return None  # unset: the SQLite file in the state directory
    if not text.startswith(("sqlite", "postgresql://", "postgres://", "postgresql+asyncpg://")):
        raise ValueError("must be a sqlite:///path/freehold.db or postgresql://user@host:5432/db URL")
    return text


def default_state_dir() -> str:
    """``$XDG_STATE_HOME/freehold``, else ``~/.local/state/freehold``: where the embedded database lives."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(base, "freehold")


def _auto_bool(text: str) -> bool | None:
    if text.strip().lower() == "auto":
        return None
    try:
        return _bool(text)
    except ValueError:
        raise ValueError("must be auto, true or false") from None


def _level(text: str) -> str:
    if text.lower() not in ("debug", "info", "warning", "error"):
        raise ValueError("must be one of debug, info, warning, error")
    return text.lower()


SETTINGS: tuple[Setting, ...] = (
    Setting("host", "127.0.0.1", str, "Address to listen on (0.0.0.0 to accept remote clients)."),
    Setting("port", 8080, _int_in(1, 65535), "TCP port to listen on."),
    Setting("workers", 1, _int_in(1, 64), "Worker processes; each holds its own connection pool."),
    Setting("max_body_bytes", 20 * 1024 * 1024, _int_in(1024, 2**40), "Largest request body accepted (413 above it)."),
    Setting(
        "max_upstream_body_bytes",
        DEFAULT_MAX_UPSTREAM_BODY_BYTES,
        _int_in(1024, 2**40),
        "Largest upstream answer read whole, after decompression, and largest stream event decoded (502 above it).",
    ),
    Setting("log_level", "info", _level, "debug, info, warning or error."),
    Setting("access_log", False, _bool, "Log one line per request (off by default: it costs CPU on the hot path)."),
    Setting(
        "redis_url",
        None,
        _redis_url,
        "Redis shared by the replicas (circuit breakers), e.g. redis://127.0.0.1:6379/0; unset: in-process state.",
    ),
    Setting("redis_prefix", "freehold:", str, "Prefix of every Redis key, so that several gateways share one Redis."),
    Setting(
        "database_url",
        None,
        _database_url,
        "Keys, teams and the usage ledger: sqlite:///path/freehold.db or postgresql://user@host:5432/db; "
        "unset: freehold.db in the state directory.",
    ),
    Setting(
        "ledger",
        True,
        _bool,
        "Record every request that reaches a provider in the usage ledger (the database); a request is refused "
        "(503) rather than served unrecorded when the database cannot be reached. false: no ledger, no spend.",
    ),
    Setting(
        "ledger_silence",
        30.0,
        _seconds_in(5, 86400),
        "Seconds without a heartbeat after which a gateway counts as gone: its requests still pending in the "
        "ledger are recorded as interrupted, at their budget reservation.",
    ),
    Setting(
        "state_dir",
        None,
        str,
        "Where the embedded database lives; unset: $XDG_STATE_HOME/freehold or ~/.local/state/freehold.",
    ),
    Setting(
        "audit_key_file",
        None,
        str,
        "The audit log's HMAC key file, made (mode 0600, 32 random bytes) on first start when "
        "FREEHOLD_AUDIT_KEY is not set; unset: audit.key in the state directory.",
    ),
    Setting(
        "responses_store_bytes",
        256 * 1024 * 1024,
        _int_in(1024, 2**40),
        "Memory the stored /v1/responses answers may take (JSON bytes; oldest evicted first).",
    ),
    Setting("metrics", True, _bool, "Record Prometheus metrics and serve them at GET /metrics."),
    Setting(
        "metrics_auth",
        None,
        _auto_bool,
        "Whether GET /metrics needs the master key: auto (default: when FREEHOLD_MASTER_KEY is set), true or false.",
    ),
    # Connection guards (freehold.server): a connection costs a descriptor whether or not it sends a request.
    Setting(
        "keep_alive_timeout",
        5.0,
        _seconds_in(0.1, 3600),
        "Seconds an idle kept-alive connection stays open waiting for its next request.",
    ),
    Setting(
        "header_timeout",
        10.0,
        _seconds_in(0.1, 3600),
        "Seconds a request's head may take to arrive (from the connection's opening, or from the first byte of "
        "a kept-alive connection's next request); 408, or a close if nothing arrived.",
    ),
    Setting(
        "max_header_bytes",
        64 * 1024,
        _int_in(1024, 16 * 1024 * 1024),
        "Largest request head (request line and headers) accepted; 431 above it.",
    ),
    Setting(
        "max_connections",
        10_000,
        _int_in(1, 1_000_000),
        "Client connections one worker holds at once; 503 to those beyond. Lowered at start-up to what the "
        "process's file-descriptor limit allows.",
    ),
    Setting(
        "drain_seconds",
        20.0,
        _seconds_in(0, 3600),
        "At shutdown, seconds in-flight requests get to finish; those still running then end with an error.",
    ),
)


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    max_body_bytes: int = 20 * 1024 * 1024
    max_upstream_body_bytes: int = DEFAULT_MAX_UPSTREAM_BODY_BYTES
    log_level: str = "info"
    access_log: bool = False
    redis_url: str | None = field(default=None, repr=False)
    """May carry a password, so it is kept out of ``repr``."""
    redis_prefix: str = "freehold:"
    database_url: str | None = field(default=None, repr=False)
    """May carry a password, so it is kept out of ``repr``; see ``database()`` for the URL in use."""
    ledger: bool = True
    ledger_silence: float = 30.0
    state_dir: str | None = None
    audit_key_file: str | None = None
    responses_store_bytes: int = 256 * 1024 * 1024
    metrics: bool = True
    metrics_auth: bool | None = None
    """None is "auto": on exactly when a master key is set."""
    keep_alive_timeout: float = 5.0
    header_timeout: float = 10.0
    max_header_bytes: int = 64 * 1024
    max_connections: int = 10_000
    drain_seconds: float = 20.0
    master_key: str | None = field(default=None, repr=False)
    """From ``FREEHOLD_MASTER_KEY`` only, never from a flag or file (flags show in ``ps``)."""
    audit_key: str | None = field(default=None, repr=False)
    """From ``FREEHOLD_AUDIT_KEY`` only (never a flag or the file); replicas must share it."""

    def database(self) -> str:
        """The database URL in use: the setting, else the SQLite file in the state directory."""
        if self.database_url:
            return self.database_url
        return "sqlite:///" + os.path.join(self.state_dir or default_state_dir(), "freehold.db")

    def audit_key_path(self) -> str:
        """Where the audit key file is: the setting, else ``audit.key`` in the state directory."""
        return self.audit_key_file or os.path.join(self.state_dir or default_state_dir(), "audit.key")

    @property
    def metrics_key(self) -> str | None:
        """The key ``GET /metrics`` asks for, if it asks for one."""
        return self.master_key if self.metrics_auth is not False else None


def resolve_settings(
    flags: Mapping[str, Any] | None = None,
    section: ServerSection | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Merge the layers; a bad environment value is a ``ConfigError`` naming the variable."""
    flags = flags or {}
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    problems = []
    for setting in SETTINGS:
        if flags.get(setting.name) is not None:
            # Flags pass the same checks as the environment (the CLI only knows their types).
            flag = flags[setting.name]
            try:
                values[setting.name] = setting.parse(str(flag).lower() if isinstance(flag, bool) else str(flag))
            except ValueError as exc:
                problems.append(f"--{setting.name.replace('_', '-')}: {exc}")
        elif setting.env in environ:
            try:
                values[setting.name] = setting.parse(environ[setting.env])
            except ValueError as exc:
                problems.append(f"{setting.env}: {exc}")
        elif section is not None and getattr(section, setting.name) is not None:
            values[setting.name] = getattr(section, setting.name)
        else:
            values[setting.name] = setting.default
    master = environ.get("FREEHOLD_MASTER_KEY") or None
    if values.get("metrics_auth") is True and master is None:
        problems.append("FREEHOLD_METRICS_AUTH: true needs FREEHOLD_MASTER_KEY, the key scrapers would send")
    audit = environ.get("FREEHOLD_AUDIT_KEY") or None
    if audit is not None and len(audit) < 32:
        problems.append("FREEHOLD_AUDIT_KEY: must be at least 32 characters (e.g. `openssl rand -hex 32`)")
    if problems:
        raise ConfigError(problems)
    return Settings(master_key=master, audit_key=audit, **values)
