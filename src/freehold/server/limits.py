"""One worker's connection limits, fitted to the file descriptors the process may open.

The limits are settings (``freehold.settings``), but the protocol that enforces them is built by
uvicorn, per connection, from uvicorn's own config; so each process hands them over here once,
at start-up (``configure``), and every connection reads them from here (``current``). That works
the same with one process and with ``--workers N``, where each worker resolves its settings itself.
"""

from __future__ import annotations

import resource
from dataclasses import dataclass

from freehold.settings import Settings

__all__ = [
    "FDS_PER_CONNECTION",
    "RESERVED_FDS",
    "ConnectionLimits",
    "configure",
    "current",
    "fit_connections",
    "raise_fd_limit",
]

RESERVED_FDS = 64
"""Descriptors kept for everything but client connections: the listening socket, the event loop's
own, log files, SQLite, Redis, DNS lookups, imports."""

FDS_PER_CONNECTION = 2
"""A client connection whose request is running holds an upstream connection too (the pool has no
global cap: it grows with the requests in flight), so each client connection may cost two."""


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """What one worker process accepts from its clients; see docs/configuration.md."""

    keep_alive_timeout: float = 5.0
    header_timeout: float = 10.0
    max_header_bytes: int = 64 * 1024
    max_connections: int = 10_000
    drain_seconds: float = 20.0
    fd_limit: int | None = None
    """The soft ``RLIMIT_NOFILE`` that ``max_connections`` was fitted to (None: not fitted)."""
    requested_connections: int = 10_000
    """``max_connections`` as configured, before fitting."""

    @classmethod
    def fitted(cls, settings: Settings, fd_limit: int | None) -> ConnectionLimits:
        """The settings' limits, with ``max_connections`` lowered to what ``fd_limit`` allows."""
        wanted = settings.max_connections
        return cls(
            keep_alive_timeout=settings.keep_alive_timeout,
            header_timeout=settings.header_timeout,
            max_header_bytes=settings.max_header_bytes,
            max_connections=wanted if fd_limit is None else fit_connections(wanted, fd_limit),
            drain_seconds=settings.drain_seconds,
            fd_limit=fd_limit,
            requested_connections=wanted,
        )

    @property
    def clamped(self) -> bool:
        """``max_connections`` is lower than configured, for want of file descriptors."""
        return self.max_connections < self.requested_connections


def fit_connections(wanted: int, fd_limit: int) -> int:
    """The most client connections that ``fd_limit`` descriptors carry, at most ``wanted``.

    Without this a worker accepts connections until ``accept()`` fails with EMFILE, and from then
    on every request fails, the health checks included; refusing the excess with a 503 keeps the
    connections it has working.
    """
    return max(1, min(wanted, (fd_limit - RESERVED_FDS) // FDS_PER_CONNECTION))


def raise_fd_limit() -> int | None:
    """Raise the soft ``RLIMIT_NOFILE`` to the hard one; returns the soft limit now in effect.

    The soft limit is often 1024 while the hard one is far higher: an unprivileged process may
    raise its own. None when there is no limit (then nothing is fitted).
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or hard > soft):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (OSError, ValueError):  # e.g. macOS refuses an unlimited soft limit: keep the one we have
            pass
    return None if soft == resource.RLIM_INFINITY else soft


_current = ConnectionLimits()


def configure(limits: ConnectionLimits) -> None:
    """Set this process's limits; call before the server accepts its first connection."""
    global _current
    _current = limits


def current() -> ConnectionLimits:
    """This process's limits (the defaults until ``configure``)."""
    return _current
