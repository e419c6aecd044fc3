"""Secret references (``env:NAME``, ``file:/path``), resolved once at load and never printed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, SecretStr

__all__ = ["SecretRef", "resolve_secret"]


def resolve_secret(ref: str) -> SecretStr:
    """Resolve a reference to its value.

    Raises:
        ValueError: with a message that says what to fix (it becomes a path-named config error).
    """
    scheme, sep, name = ref.partition(":")
    if not sep or scheme not in ("env", "file") or not name:
        raise ValueError(
            "must be a reference 'env:VARIABLE' or 'file:/path/to/secret' (keys are never written in the config file)"
        )
    if scheme == "env":
        value = os.environ.get(name)
        if value is None:
            raise ValueError(f"environment variable {name} is not set")
        if not value.strip():
            raise ValueError(f"environment variable {name} is empty")
        return SecretStr(_one_line(value.strip(), f"environment variable {name}"))
    path = Path(name)
    try:
        # Surrounding whitespace goes: editors and `echo key > file` end a file with a newline.
        value = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ValueError(f"cannot read secret file {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"secret file {name} is not UTF-8 text") from None
    if not value:
        raise ValueError(f"secret file {name} is empty")
    return SecretStr(_one_line(value, f"secret file {name}"))


def _one_line(value: str, where: str) -> str:
    """Keys travel in HTTP headers: a line break inside one would fail every request, so it fails here."""
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError(
            f"{where} holds a line break or another control character inside the value; "
            "a key must be a single line (the value is not shown)"
        )
    return value


SecretRef = Annotated[str, AfterValidator(resolve_secret)]
"""A config field holding ``env:NAME`` or ``file:/path``; validated into a ``SecretStr``."""
