"""The drain: one clock per process; at its end the running tasks are cancelled, and only those are taken back."""

from __future__ import annotations

import asyncio

import pytest

from freehold.errors import ShuttingDown
from freehold.server import drain as drain_module
from freehold.server.drain import Drain


async def test_running_tasks_are_cancelled_at_the_end_and_end_with_shutting_down() -> None:
    drain = Drain()
    outcomes: list[object] = []

    async def request() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            stopped = drain.stopped()
            if stopped is None:
                raise
            await asyncio.sleep(0)  # taken back: the handler may still await (send its error)
            outcomes.append(stopped)

    async def quick() -> None:
        await asyncio.sleep(0.01)
        outcomes.append("done")

    tasks = {asyncio.create_task(request()), asyncio.create_task(quick())}
    loop = asyncio.get_running_loop()
    drain.begin(loop, tasks, set(), 0.1)
    drain.begin(loop, tasks, set(), 50)  # the clock starts once
    await asyncio.sleep(0.05)
    assert not drain.expired and outcomes == ["done"]
    await asyncio.wait_for(asyncio.gather(*tasks), 1)
    assert drain.expired
    assert outcomes[0] == "done" and isinstance(outcomes[1], ShuttingDown)
    assert (outcomes[1].status, outcomes[1].code) == (503, "gateway_shutting_down")
    assert "0.1s" in outcomes[1].message


async def test_a_cancellation_that_is_not_the_drains_goes_on() -> None:
    drain = Drain()
    seen: list[ShuttingDown | None] = []

    async def request() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            seen.append(drain.stopped())
            raise

    task = asyncio.create_task(request())
    drain.begin(asyncio.get_running_loop(), {task}, set(), 10)
    await asyncio.sleep(0)
    task.cancel()  # e.g. the client went away
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled() and seen == [None]


async def test_connections_still_open_after_the_flush_time_are_aborted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drain_module, "FLUSH", 0.05)

    class Transport:
        aborted = False

        def abort(self) -> None:
            self.aborted = True

    class Connection:
        def __init__(self) -> None:
            self.transport = Transport()

    stuck, gone = Connection(), Connection()
    connections = {stuck, gone}
    drain = Drain()
    drain.begin(asyncio.get_running_loop(), set(), connections, 0.01)
    await asyncio.sleep(0.03)
    assert drain.expired and not stuck.transport.aborted
    connections.discard(gone)  # its last frame was taken and it closed
    await asyncio.sleep(0.1)
    assert stuck.transport.aborted and not gone.transport.aborted
