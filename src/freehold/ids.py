"""The one source of identifiers (request ids, completion ids)."""

from __future__ import annotations

import os

__all__ = ["new_id", "valid_client_request_id"]


def new_id(prefix: str = "") -> str:
    """A 96-bit random hex id; cheap enough for the hot path (no uuid object)."""
    return prefix + os.urandom(12).hex()


def valid_client_request_id(value: str) -> bool:
    """Accept a caller-supplied x-request-id only if it is short and plain ASCII (safe to log and echo)."""
    return 0 < len(value) <= 128 and value.isascii() and value.isprintable()
