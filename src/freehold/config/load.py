"""Reading the gateway file, with every problem reported as ``path: what to fix``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from freehold.config.model import GatewayConfig
from freehold.errors import ConfigError
from freehold.providers.registry import PROVIDERS

__all__ = ["format_validation_error", "load_config", "parse_config"]


def load_config(path: str | Path) -> GatewayConfig:
    """Read, parse and validate a gateway file; secrets are resolved here, once."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{path}: file not found"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read ({exc.strerror or exc})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"{where}: not valid YAML ({problem})"]) from None
    return parse_config(data, source=str(path))


def parse_config(data: Any, source: str = "config") -> GatewayConfig:
    """Validate already-parsed YAML/JSON data."""
    if data is None:
        raise ConfigError([f"{source}: is empty; it must be a mapping with an 'aliases' key"])
    if not isinstance(data, dict):
        got = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}.get(
            type(data), type(data).__name__
        )
        raise ConfigError([f"{source}: must be a mapping with an 'aliases' key, got {got}"])
    try:
        return GatewayConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc)) from None


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    prev: int | str | None = None
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(prev, int) and part in PROVIDERS:
            pass  # the discriminator's tag, which pydantic inserts after a list index
        elif part.startswith(("function-after", "function-before")) or part == "[key]":
            pass  # validator wrappers, and the marker of an error in a mapping's key (the path names the key)
        else:
            out += f".{part}" if out else part
        prev = part
    return out or "(top level)"


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown key; check its spelling and nesting (docs/configuration.md lists the keys)"
    if kind == "union_tag_invalid":
        tags = ", ".join(PROVIDERS)
        return f"unknown provider {err['input'].get('provider')!r}; use one of: {tags}"
    if kind == "union_tag_not_found":
        return f"'provider' is required; use one of: {', '.join(PROVIDERS)}"
    if kind == "too_short":
        return "must not be empty; add at least one entry"
    if kind == "string_pattern_mismatch":
        return "must start with a letter or digit and use only letters, digits and . _ : / @ + -"
    msg: str = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    return msg


def format_validation_error(exc: ValidationError) -> list[str]:
    """One ``path: message`` line per problem; input values are never echoed (they may be secrets)."""
    lines = []
    errors = exc.errors(include_input=True, include_url=False)
    paths = [_path(e["loc"]) for e in errors]
    for err, path in zip(errors, paths, strict=True):
        # A list emptied by its items' own errors also reports "too short": noise, skip it.
        if err["type"] == "too_short" and any(p.startswith(path + "[") for p in paths):
            continue
        msg = _message(err)
        if msg.startswith("."):  # a model's check naming one of its fields: ".deployments: ..."
            path, _, msg = (path + msg).partition(": ")
        # A model-level check reports its own path in the message.
        lines.append(
            msg if path == "(top level)" and msg.startswith(("aliases.", "privacy.", "routing.")) else f"{path}: {msg}"
        )
    return lines
