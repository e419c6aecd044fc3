"""The lifecycle every loopback mock shares: an aiohttp app on 127.0.0.1 in a background thread
with its own event loop, so that tests (sync or async) talk to it over a real socket."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from aiohttp import web


@dataclass
class LoopbackServer:
    """Subclasses add their routes in ``build_app``; ``start()`` returns once the port is bound."""

    host: str = "127.0.0.1"
    port: int = 0
    _loop: asyncio.AbstractEventLoop | None = None
    _runner: web.AppRunner | None = None
    _thread: threading.Thread | None = None

    runner_options: ClassVar[dict[str, Any]] = {}
    backlog: ClassVar[int] = 128

    def build_app(self) -> web.Application:
        raise AssertionError(f"{type(self).__name__} must define build_app()")

    def start(self) -> Self:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(self._serve())
            ready.set()
            self._loop.run_forever()
            self._loop.close()

        self._thread = threading.Thread(target=run, name=type(self).__name__, daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError(f"{type(self).__name__} did not start")
        return self

    async def _serve(self) -> None:
        self._runner = web.AppRunner(self.build_app(), access_log=None, shutdown_timeout=0.5, **self.runner_options)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0, backlog=self.backlog)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        assert self._loop is not None and self._runner is not None
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        assert self._thread is not None
        self._thread.join(10)
