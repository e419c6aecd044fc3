"""The audit log's secret: ``FREEHOLD_AUDIT_KEY``, else a key file made on first start.

The chain's macs are keyed by it, so a database writer without it cannot forge records. It is
never logged or printed: messages name where it came from, never its value. Replicas writing
one chain must share it (set ``FREEHOLD_AUDIT_KEY`` on each, or give each the same file); a
writer refuses to extend a chain whose last record its key does not verify.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from freehold.errors import ConfigError
from freehold.settings import Settings

__all__ = ["AuditKey", "load_audit_key"]


@dataclass(frozen=True, slots=True)
class AuditKey:
    secret: bytes = field(repr=False)
    source: str
    """Where it came from, for the banner: ``FREEHOLD_AUDIT_KEY`` or the file's path."""
    created: bool = False
    """Made now (first start)."""


def load_audit_key(settings: Settings, *, create: bool = True) -> AuditKey | None:
    """The key from the environment, else from its file; made there (0600) when missing and ``create``.

    Raises:
        ConfigError: the file cannot be read or made, or it is empty.
    """
    if settings.audit_key:
        return AuditKey(settings.audit_key.encode(), "FREEHOLD_AUDIT_KEY")
    path = Path(settings.audit_key_path()).expanduser()
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        if not create:
            return None
        return _create(path)
    except OSError as exc:
        raise ConfigError([f"audit key file {path}: cannot be read: {exc.strerror}"]) from None
    if len(text) < 32:
        raise ConfigError([f"audit key file {path}: holds no key of at least 32 characters"])
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError([f"audit key file {path}: readable by others (mode {stat.filemode(mode)}); chmod 600 it"])
    return AuditKey(text.encode(), str(path))


def _create(path: Path) -> AuditKey:
    text = secrets.token_hex(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it first: use theirs
        return load_audit_key_file(path)
    except OSError as exc:
        raise ConfigError([f"audit key file {path}: cannot be made: {exc.strerror}"]) from None
    with os.fdopen(fd, "w") as out:
        out.write(text + "\n")
        out.flush()
        os.fsync(out.fileno())
    return AuditKey(text.encode(), str(path), created=True)


def load_audit_key_file(path: Path) -> AuditKey:
    text = path.read_text().strip()
    if len(text) < 32:
        raise ConfigError([f"audit key file {path}: holds no key of at least 32 characters"])
    return AuditKey(text.encode(), str(path))
