"""``ApiContext``: what every endpoint needs, built once by ``bootstrap``."""

from __future__ import annotations

from dataclasses import dataclass

from freehold.api.auth import Authenticator
from freehold.gateway import Gateway
from freehold.observability.requests import NullRequestMetrics, RequestRecorder
from freehold.transport.limits import DEFAULT_MAX_UPSTREAM_BODY_BYTES

__all__ = ["ApiContext"]


@dataclass(frozen=True, slots=True)
class ApiContext:
    gateway: Gateway
    auth: Authenticator
    """Who is asking: the master key today, virtual keys later."""
    max_body_bytes: int
    started: int
    """When the process started (Unix time): the ``created`` of every model object."""
    metrics: RequestRecorder = NullRequestMetrics()
    """Counts each request as it ends (``freehold_requests_total``, its duration)."""
    metrics_key: bytes | None = None
    """The key ``GET /metrics`` asks for (``Settings.metrics_key``), if any."""
    max_upstream_body_bytes: int = DEFAULT_MAX_UPSTREAM_BODY_BYTES
    """Bounds what a front door's stream translation holds of one canonical event."""
