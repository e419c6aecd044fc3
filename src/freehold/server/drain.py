"""The drain at shutdown: in-flight requests get ``drain_seconds`` to finish, then end cleanly.

When a shutdown begins uvicorn stops accepting connections and waits for the running requests;
at its own deadline it cancels them, and each one ends as a bare connection cut with a traceback
in the log. Here the wait is the ``drain_seconds`` setting instead, and at its end every request
task still running is cancelled *by the drain*: each front door catches that cancellation where
it surfaces, asks ``DRAIN.stopped()`` whether it was the drain's, and if so takes its normal error
path with ``ShuttingDown`` — a 503 before the response has started, its own error event and final
frame in a stream. Connections still open ``FLUSH`` seconds later are aborted (their clients
stopped reading); uvicorn's ``timeout_graceful_shutdown`` stays as a backstop after that.

The clock starts once per process, from the protocol's ``shutdown()``, which uvicorn calls on
every open connection as the shutdown begins; it costs nothing before that.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Set
from typing import Any

from freehold.errors import ShuttingDown

__all__ = ["DRAIN", "FLUSH", "Drain"]

log = logging.getLogger("freehold.server")

FLUSH = 2.0
"""Seconds after the drain's end that connections get to take their last frames (then aborted);
under ``server.options.BACKSTOP``."""


class Drain:
    """The process's drain: started once, expired once."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.expired = False
        self._timer: asyncio.TimerHandle | None = None
        self._cancelled: set[asyncio.Task[None]] = set()

    def begin(
        self,
        loop: asyncio.AbstractEventLoop,
        tasks: Set[asyncio.Task[None]],
        connections: Set[Any],
        seconds: float,
    ) -> None:
        """Start the clock (again calls do nothing); at its end, cancel what is left of ``tasks``.

        ``FLUSH`` seconds later, the ``connections`` still open are aborted: their requests have
        ended, so a connection still there has a client that stopped reading, and its last frames
        would otherwise hold the shutdown until uvicorn's backstop (which ends it with a traceback).
        """
        if self._timer is not None:
            return
        self.seconds = seconds
        running = sum(1 for task in tasks if not task.done())
        if running:
            log.info("shutting down: %d request(s) in flight get %gs to finish (drain_seconds)", running, seconds)
        self._timer = loop.call_later(seconds, self._expire, loop, tasks, connections)

    def _expire(self, loop: asyncio.AbstractEventLoop, tasks: Set[asyncio.Task[None]], connections: Set[Any]) -> None:
        self.expired = True
        running = [task for task in tasks if not task.done()]
        if running:
            log.warning("drain time (%gs) is over: ending %d request(s) still running", self.seconds, len(running))
        for task in running:
            self._cancelled.add(task)
            task.cancel()
        loop.call_later(FLUSH, self._abort, connections)

    def _abort(self, connections: Set[Any]) -> None:
        stuck = list(connections)
        if stuck:
            log.warning("aborting %d connection(s) whose clients stopped reading at shutdown", len(stuck))
        for connection in stuck:
            connection.transport.abort()

    def stopped(self) -> ShuttingDown | None:
        """In a handler's ``except CancelledError``: the error to end with, if the drain cancelled it.

        The cancellation is then taken back (``uncancel``) so that the handler may still send its
        error; it is taken back once. None when something else cancelled the task: re-raise then.
        """
        task = asyncio.current_task()
        if task is None or task not in self._cancelled:
            return None
        self._cancelled.discard(task)
        task.uncancel()
        return ShuttingDown(
            f"The gateway is shutting down and this request was still running at the end of its drain time "
            f"({self.seconds:g}s); send it again: another instance of the gateway will answer."
        )


DRAIN = Drain()
