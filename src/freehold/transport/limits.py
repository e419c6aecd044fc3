"""How much of an upstream's answer the gateway will hold, and the error when it is more.

One limit, ``max_upstream_body_bytes``, bounds a whole answer (after decompression) and, in a
stream the gateway decodes, one line or event; it lives here so the HTTP client and the SSE
decoder say the same thing about it.
"""

from __future__ import annotations

from freehold.errors import ProviderResponseTooLarge

__all__ = ["DEFAULT_MAX_UPSTREAM_BODY_BYTES", "ERROR_BODY_PREFIX_BYTES", "too_large"]

DEFAULT_MAX_UPSTREAM_BODY_BYTES = 128 * 1024 * 1024
"""128 MiB: above the largest legitimate answer we know of, an embeddings answer of 2048 inputs
with 3072 float dimensions (~125 MB of JSON), and small enough that one bad upstream cannot
exhaust a worker's memory."""

ERROR_BODY_PREFIX_BYTES = 64 * 1024
"""An error answer is classified from at most this much of its body: a message is never longer."""


def too_large(deployment: str, limit: int, what: str = "an answer") -> ProviderResponseTooLarge:
    """The error for a body over the limit; says which setting raises it."""
    return ProviderResponseTooLarge(
        f"Upstream deployment '{deployment}' sent {what} larger than the gateway's limit of {limit} bytes "
        "(setting max_upstream_body_bytes, FREEHOLD_MAX_UPSTREAM_BODY_BYTES).",
        deployment=deployment,
    )
