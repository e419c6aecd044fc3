"""uvicorn's options and this process's connection limits, both from the settings."""

from __future__ import annotations

from typing import Any

from freehold.observability.logging import log_config
from freehold.server.limits import ConnectionLimits, configure, raise_fd_limit
from freehold.settings import Settings

__all__ = ["BACKSTOP", "PROTOCOL", "prepare", "uvicorn_options"]

PROTOCOL = "freehold.server.protocol:GuardedHttpToolsProtocol"
"""A ``module:Class`` string, which uvicorn imports in each worker process too."""

BACKSTOP = 5.0
"""Seconds after the drain at which uvicorn itself cancels what is still running (a request that
could not end at the drain's deadline, e.g. its client stopped reading). 20 s of drain plus this
stays under Kubernetes' default 30 s grace period."""


def prepare(settings: Settings) -> ConnectionLimits:
    """Raise this process's descriptor limit, fit ``max_connections`` to it, and hand the limits to the protocol.

    Each worker process calls it (descriptor limits and connections are per process).
    """
    limits = ConnectionLimits.fitted(settings, raise_fd_limit())
    configure(limits)
    return limits


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Everything ``uvicorn.run`` needs but the app and the worker count."""
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "access_log": settings.access_log,
        "loop": "uvloop",
        "http": PROTOCOL,
        "lifespan": "on",
        "server_header": False,
        "date_header": False,
        "backlog": 4096,
        "timeout_keep_alive": settings.keep_alive_timeout,  # enforced by the protocol's sweep, not uvicorn's timer
        "timeout_graceful_shutdown": settings.drain_seconds + BACKSTOP,
        "log_config": log_config(settings.log_level),  # applied again in each worker process
    }
