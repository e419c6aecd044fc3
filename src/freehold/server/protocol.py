"""uvicorn's httptools protocol, guarded against clients that hold connections without a request.

A connection costs a file descriptor and a parser whether or not it ever sends a request, and
uvicorn bounds little of that: a connection that sends nothing stays open for ever, and so does
one that sends its head a byte at a time; a head may be of any size, and is parsed at a cost that
grows with the square of its size (the parser joins the pieces of a header as they arrive, so a
100 MB header took 13 s of the event loop). ``GuardedHttpToolsProtocol`` enforces, per process:

- ``max_connections``: a connection beyond it is answered 503 and closed as it is accepted;
- ``max_header_bytes``: a head larger than it is answered 431 before the parser sees the excess;
- ``header_timeout`` (408, or a plain close when nothing arrived) and ``keep_alive_timeout``
  (a plain close, as uvicorn does): by one sweep per process over the open connections (every
  ``sweep_interval``: 1 s with the defaults), instead of a timer per connection or request
  (``freehold.timers`` says why timers matter here). Uvicorn's own keep-alive timer, armed
  after every response, is dropped for the same reason. A timeout is thereby enforced up to two
  intervals late, never early;
- the drain at shutdown (``freehold.server.drain``), whose clock starts in ``shutdown()``.

The request path pays a few attribute reads per received chunk. Refusals are OpenAI-style JSON
errors with ``connection: close``. After a 408 or 431 the client's further bytes are read and
dropped for up to ``LINGER`` seconds, so that closing with unread data (which resets the
connection) does not destroy the answer before the client has read it; the 503 of a connection
over the limit is closed at once instead, since freeing its descriptor is the point.

uvicorn loads this class by name (``http="freehold.server.protocol:GuardedHttpToolsProtocol"``),
in each worker process too; the limits come from ``freehold.server.limits``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

import orjson
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from freehold.errors import FreeholdError, HeadersTooLarge, RequestTimeout, TooManyConnections
from freehold.server import limits as limits_module
from freehold.server.drain import DRAIN
from freehold.server.limits import ConnectionLimits

__all__ = ["BATCH", "LINGER", "SWEEP_MAX", "SWEEP_MIN", "GuardedHttpToolsProtocol", "sweep_interval"]

log = logging.getLogger("freehold.server")

SWEEP_MIN, SWEEP_MAX = 0.1, 1.0
"""Bounds of the seconds between two sweeps over the open connections (``sweep_interval``)."""

BATCH = 1000
"""Connections visited in one go before the sweep yields to the event loop."""

LINGER = 1.0
"""Seconds a refused connection is still read (and its bytes dropped) before it is closed."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """One client connection: uvicorn's protocol plus the guards above."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._limits = limits_module.current()
        self._head_bytes = 0
        """Bytes received of the current request's head (from its first chunk counted; see ``data_received``)."""
        self._refused = False
        self._mark: object = None
        """What the sweep last saw this connection wait on (a scope: a head; a cycle: an idle
        connection); a new one restarts the clock, which runs out at ``_due``."""
        self._due = 0.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._due = self.loop.time() + self._limits.header_timeout  # the first head: timed from the opening
        sweep = _sweep
        if sweep is None or sweep.loop is not self.loop:
            sweep = _start_sweep(self.loop, self.connections, self._limits)
        if len(self.connections) > self._limits.max_connections:
            # Closed at once, without lingering: under a flood, freeing the descriptor comes first.
            self._refused = True
            sweep.refused += 1
            transport.write(_refusals(self._limits).too_many)
            transport.close()

    def data_received(self, data: bytes) -> None:
        cycle = self.cycle
        if cycle is not None and cycle.scope is self.scope:
            # The current request's head is complete: this is its body, or the first bytes of the
            # next request (not counted: an undercount of one chunk, never a false 431).
            super().data_received(data)
            return
        if self._refused:
            return  # read and dropped while the refusal lingers
        size = self._head_bytes + len(data)
        if size > self._limits.max_header_bytes:
            self._oversized(data)
            return
        self._head_bytes = size
        scope = self.scope
        super().data_received(data)
        cycle = self.cycle
        if cycle is not None and (cycle.scope is self.scope or self.scope is not scope):
            # The head is complete, or it was and a pipelined one began in this chunk: the new
            # head's count starts at zero (an undercount of one chunk, never a false 431).
            self._head_bytes = 0

    def _oversized(self, data: bytes) -> None:
        """``data`` takes the head past the limit unless the head ends in the part that fits.

        The parser gets that part alone first (a chunk may hold a small head and a large body);
        if the head is then complete the rest follows, else 431 without parsing any more.
        """
        fits = self._limits.max_header_bytes - self._head_bytes
        if fits > 0:
            super().data_received(data[:fits])
            if self.transport.is_closing():
                return  # the parser refused the head (400)
            cycle = self.cycle
            if cycle is not None and cycle.scope is self.scope:
                self._head_bytes = 0
                self.data_received(data[fits:])
                return
        if _sweep is not None:
            _sweep.too_large += 1
        self._refuse(_refusals(self._limits).too_large)

    def on_response_complete(self) -> None:
        """uvicorn's, less the keep-alive timer it arms after every response: the sweep closes idle connections."""
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self.flow.resume_reading()
        if self.pipeline:
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)

    def shutdown(self) -> None:
        DRAIN.begin(self.loop, self.tasks, self.connections, self._limits.drain_seconds)
        super().shutdown()

    def _refuse(self, response: bytes) -> None:
        """Answer with ``response``, then read and drop until the client closes or ``LINGER`` passes."""
        self._refused = True
        self._mark = self.scope  # no new head will come: the clock below is not restarted
        transport = self.transport
        transport.write(response)
        if transport.can_write_eof():
            transport.write_eof()
        self._due = self.loop.time() + LINGER  # then the sweep closes it

    def _check(self, now: float, sweep: _Sweep) -> None:
        """The sweep's visit: enforce the timeouts (the common cases first: it visits every connection)."""
        cycle = self.cycle
        scope = self.scope
        if cycle is not None and cycle.scope is scope:
            if not cycle.response_complete:
                return  # a request is running
            if self._mark is not cycle:  # idle since this cycle's response
                self._mark = cycle
                self._due = now + self._limits.keep_alive_timeout
            elif now >= self._due:
                self.transport.close()
            return
        # Waiting for a request's head, or part-way through one (refused ones included).
        if self._mark is not scope:
            if cycle is not None:  # a kept-alive connection's next request: timed from now on
                self._due = now + self._limits.header_timeout
            self._mark = scope
        if now < self._due:
            return
        transport = self.transport
        if self._refused:
            transport.close()  # done lingering
        elif transport.is_closing():
            pass
        elif cycle is None and self._head_bytes == 0:
            sweep.silent += 1
            transport.close()  # nothing arrived: no one to answer
        else:
            sweep.too_slow += 1
            self._refuse(_refusals(self._limits).too_slow)


class _Sweep:
    """The process's one periodic pass over its connections, and the counts it logs."""

    def __init__(self, loop: asyncio.AbstractEventLoop, connections: set[Any], interval: float) -> None:
        self.loop = loop
        self.connections = connections
        self.interval = interval
        self.refused = 0
        self.too_large = 0
        self.too_slow = 0
        self.silent = 0
        loop.call_later(interval, self.run)

    def run(self) -> None:
        self._visit(tuple(self.connections), 0, self.loop.time())

    def _visit(self, connections: tuple[Any, ...], start: int, now: float) -> None:
        """Visit ``BATCH`` connections from ``start``, then yield to the loop before the next batch.

        A visit costs ~1 µs (each connection is cold in the CPU's caches): 10,000 connections in
        one go would hold up every request for ~10 ms.
        """
        stop = start + BATCH
        try:
            for conn in connections[start:stop]:
                if isinstance(conn, GuardedHttpToolsProtocol):
                    conn._check(now, self)
        finally:
            if stop < len(connections):
                self.loop.call_soon(self._visit, connections, stop, now)
            else:
                self._report()
                self.loop.call_later(self.interval, self.run)

    def _report(self) -> None:
        """One log line per sweep, at most, for what was refused or closed since the last one."""
        if not (self.refused or self.too_large or self.too_slow or self.silent):
            return
        limits = limits_module.current()
        parts = []
        if self.refused:
            parts.append(f"{self.refused} refused with 503 (max_connections {limits.max_connections})")
        if self.too_large:
            parts.append(f"{self.too_large} refused with 431 (max_header_bytes {limits.max_header_bytes})")
        if self.too_slow:
            parts.append(
                f"{self.too_slow} answered 408 (head incomplete after {limits.header_timeout:g}s, header_timeout)"
            )
        if self.silent:
            parts.append(f"{self.silent} closed (nothing sent within {limits.header_timeout:g}s, header_timeout)")
        # Connections opened and never used are common (clients' spare pool connections): info.
        level = logging.WARNING if self.refused or self.too_large or self.too_slow else logging.INFO
        log.log(level, "connections: %s", "; ".join(parts))
        self.refused = self.too_large = self.too_slow = self.silent = 0


_sweep: _Sweep | None = None


def _start_sweep(loop: asyncio.AbstractEventLoop, connections: set[Any], limits: ConnectionLimits) -> _Sweep:
    global _sweep
    _sweep = _Sweep(loop, connections, sweep_interval(limits))
    return _sweep


def sweep_interval(limits: ConnectionLimits) -> float:
    """A quarter of the shorter timeout, within [``SWEEP_MIN``, ``SWEEP_MAX``] seconds.

    Often enough that a timeout is kept to within a quarter or so of itself, rarely enough that
    visiting every connection stays cheap (1 s with the defaults).
    """
    return min(SWEEP_MAX, max(SWEEP_MIN, min(limits.header_timeout, limits.keep_alive_timeout) / 4))


class _Refusals:
    """The three refusals, rendered once per set of limits."""

    def __init__(self, limits: ConnectionLimits) -> None:
        self.too_many = _response(
            TooManyConnections(
                f"This gateway process already holds its maximum of {limits.max_connections} connections "
                "(max_connections); retry in a moment, or reuse connections (keep-alive) rather than opening many."
            ),
            retry_after=1,
        )
        self.too_large = _response(
            HeadersTooLarge(
                f"The request line and headers are larger than this gateway accepts ({limits.max_header_bytes} "
                "bytes, max_header_bytes); send fewer or smaller headers."
            )
        )
        self.too_slow = _response(
            RequestTimeout(
                f"The request line and headers did not arrive within {limits.header_timeout:g}s "
                "(header_timeout); send the whole request head at once."
            )
        )


@functools.lru_cache(maxsize=4)
def _refusals(limits: ConnectionLimits) -> _Refusals:
    return _Refusals(limits)


def _response(exc: FreeholdError, retry_after: int | None = None) -> bytes:
    body = orjson.dumps(exc.to_openai())
    head = [
        STATUS_LINE[exc.status],
        b"content-type: application/json\r\n",
        b"content-length: %d\r\n" % len(body),
        b"connection: close\r\n",
    ]
    if retry_after is not None:
        head.append(b"retry-after: %d\r\n" % retry_after)
    return b"".join([*head, b"\r\n", body])
