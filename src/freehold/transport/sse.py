r"""Server-sent events as OpenAI frames them: ``data: <json>\\n\\n`` and a final ``data: [DONE]``."""

from __future__ import annotations

from typing import Any

import orjson

__all__ = ["DONE", "encode_event", "error_event"]

DONE = b"data: [DONE]\n\n"


def encode_event(payload: dict[str, Any]) -> bytes:
    """One ``data:`` event holding a JSON object."""
    return b"data: " + orjson.dumps(payload) + b"\n\n"


def error_event(error: dict[str, Any]) -> bytes:
    """The event that ends a failed OpenAI stream; the ``openai`` SDK raises ``APIError`` on it."""
    return encode_event(error)
