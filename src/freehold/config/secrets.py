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
        return SecretStr(value.strip())
    path = Path(name)
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ValueError(f"cannot read secret file {name}: {exc.strerror or exc}") from None
    if not value:
        raise ValueError(f"secret file {name} is empty")
    return SecretStr(value)


SecretRef = Annotated[str, AfterValidator(resolve_secret)]
"""A config field holding ``env:NAME`` or ``file:/path``; validated into a ``SecretStr``."""
