"""Scrubbing of credentials from text that leaves the process (responses, logs)."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["redact"]

# Key shapes used by the vendors we talk to (OpenAI sk-/sk-proj-, Anthropic sk-ant-, Groq gsk_, Google AIza...).
_KEY_PATTERN = re.compile(
    r"\b(?:sk-[A-Za-z0-9_\-*]{6,}|gsk_[A-Za-z0-9]{6,}|AIza[0-9A-Za-z_\-]{10,}|xai-[A-Za-z0-9]{6,})"
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace known secret values and anything shaped like a vendor API key with ``[redacted]``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return _KEY_PATTERN.sub("[redacted]", text)
