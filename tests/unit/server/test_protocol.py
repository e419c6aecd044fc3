"""The guarded protocol fed by hand: head-size accounting, the connection limit, the sweep's timeouts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from freehold.server import limits, protocol
from freehold.server.limits import ConnectionLimits
from freehold.server.protocol import LINGER, GuardedHttpToolsProtocol

LIMIT = 4096


class Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closed = False
        self.eof = False

    def write(self, data: Any) -> None:
        self.written += data

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        self.eof = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8080), "peername": ("127.0.0.1", 50000)}.get(name, default)


class App:
    """Answers every request with 200 after reading its whole body."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture(autouse=True)
def small_limits() -> Iterator[None]:
    before = limits.current()
    limits.configure(
        ConnectionLimits(max_header_bytes=LIMIT, max_connections=2, header_timeout=10, keep_alive_timeout=5)
    )
    yield
    limits.configure(before)


class Server:
    def __init__(self) -> None:
        self.app = App()
        self.config = Config(app=self.app, proxy_headers=False)
        self.config.load()
        self.state = ServerState()

    def connect(self) -> tuple[GuardedHttpToolsProtocol, Transport]:
        conn = GuardedHttpToolsProtocol(self.config, self.state, {}, asyncio.get_running_loop())
        transport = Transport()
        conn.connection_made(transport)
        return conn, transport


def head(size: int, path: bytes = b"/") -> bytes:
    """A GET head of exactly ``size`` bytes."""
    start = b"GET " + path + b" HTTP/1.1\r\nhost: x\r\nx-pad: "
    return start + b"a" * (size - len(start) - 4) + b"\r\n\r\n"


def post(body: bytes) -> bytes:
    return b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body)


def status(transport: Transport) -> int:
    return int(bytes(transport.written).split(b" ", 2)[1])


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_head_under_the_limit_in_small_chunks_is_served() -> None:
    conn, transport = Server().connect()
    data = head(LIMIT)
    for i in range(0, len(data), 100):
        conn.data_received(data[i : i + 100])
    await settle()
    assert status(transport) == 200


async def test_a_head_over_the_limit_gets_431_and_is_parsed_no_further() -> None:
    server = Server()
    conn, transport = server.connect()
    data = head(LIMIT * 4)
    for i in range(0, len(data), 1000):
        conn.data_received(data[i : i + 1000])
    await settle()
    assert status(transport) == 431 and transport.eof and not transport.closed
    error = json.loads(bytes(transport.written).split(b"\r\n\r\n", 1)[1])["error"]
    assert error["code"] == "request_headers_too_large" and str(LIMIT) in error["message"]
    assert server.app.bodies == []


async def test_the_parser_never_sees_more_of_a_head_than_the_limit() -> None:
    conn, transport = Server().connect()
    parser = conn.parser
    fed = [0]

    class Counting:
        def feed_data(self, data: bytes) -> None:
            fed[0] += len(data)
            parser.feed_data(data)

        def __getattr__(self, name: str) -> Any:
            return getattr(parser, name)

    conn.parser = Counting()  # type: ignore[assignment]
    data = head(LIMIT * 100)
    for i in range(0, len(data), 3000):
        conn.data_received(data[i : i + 3000])
    assert status(transport) == 431 and fed[0] == LIMIT


async def test_one_chunk_with_a_small_head_and_a_large_body_is_not_a_large_head() -> None:
    server = Server()
    conn, transport = server.connect()
    conn.data_received(post(b"b" * (LIMIT * 10)))
    await settle()
    assert status(transport) == 200 and server.app.bodies == [b"b" * (LIMIT * 10)]


async def test_one_chunk_whose_head_ends_past_the_limit_gets_431() -> None:
    conn, transport = Server().connect()
    conn.data_received(head(LIMIT + 10))
    await settle()
    assert status(transport) == 431


async def test_the_count_starts_again_with_each_request() -> None:
    server = Server()
    conn, transport = server.connect()
    for _ in range(4):  # 4 heads of 3/4 of the limit on one connection, each in two chunks
        data = head(LIMIT * 3 // 4)
        conn.data_received(data[:100])
        conn.data_received(data[100:])
        await settle()
    assert bytes(transport.written).count(b"HTTP/1.1 200") == 4


async def test_a_connection_beyond_max_connections_gets_503_and_is_closed() -> None:
    server = Server()
    server.connect()
    server.connect()
    _, transport = server.connect()
    assert status(transport) == 503 and transport.closed
    assert b"retry-after: 1" in transport.written and b"connection: close" in transport.written


async def test_the_sweep_closes_silent_slow_and_idle_connections_and_ends_lingering() -> None:
    server = Server()
    loop = asyncio.get_running_loop()
    silent, silent_t = server.connect()
    sweep = protocol._sweep  # started by the first connection of this loop
    assert sweep is not None and sweep.loop is loop
    silent._check(loop.time() + 9, sweep)
    assert not silent_t.closed  # not before header_timeout
    silent._check(loop.time() + 10.1, sweep)
    assert silent_t.closed and silent_t.written == b""  # nothing arrived: closed without an answer

    idle, idle_t = server.connect()
    idle.data_received(head(100))
    await settle()
    assert status(idle_t) == 200
    now = loop.time()
    idle._check(now, sweep)  # seen idle
    idle._check(now + 4.9, sweep)
    assert not idle_t.closed
    idle._check(now + 5, sweep)
    assert idle_t.closed and bytes(idle_t.written).count(b"HTTP/1.1") == 1  # closed silently, as uvicorn does

    server.state.connections.clear()
    slow, slow_t = server.connect()
    slow.data_received(b"GET / HTTP/1.1\r\nhost")
    slow._check(loop.time() + 10.1, sweep)
    assert status(slow_t) == 408 and slow_t.eof and not slow_t.closed
    slow.data_received(b": more bytes, dropped")  # lingering: read and dropped
    slow._check(loop.time() + LINGER + 0.1, sweep)
    assert slow_t.closed


async def test_a_kept_alive_connections_next_head_is_timed_from_its_start() -> None:
    server = Server()
    loop = asyncio.get_running_loop()
    conn, transport = server.connect()
    sweep = protocol._sweep
    assert sweep is not None
    conn.data_received(head(100))
    await settle()
    conn.data_received(b"GET / HTTP/1.1\r\n")  # the next request's head begins, then stalls
    start = loop.time() + 30  # long after the connection opened
    conn._check(start, sweep)
    conn._check(start + 9.9, sweep)
    assert not transport.closed and not transport.eof
    conn._check(start + 10, sweep)
    assert transport.eof and bytes(transport.written).count(b"HTTP/1.1 408") == 1


async def test_a_refusal_on_a_kept_alive_connection_lingers_for_linger_only() -> None:
    server = Server()
    loop = asyncio.get_running_loop()
    conn, transport = server.connect()
    conn.data_received(head(100))
    await settle()
    conn.data_received(head(LIMIT * 2)[:3000])
    conn.data_received(head(LIMIT * 2)[3000:])  # the next head passes the limit: 431
    assert bytes(transport.written).count(b"HTTP/1.1 431") == 1 and transport.eof
    sweep = protocol._sweep
    assert sweep is not None
    conn._check(loop.time() + LINGER + 0.1, sweep)  # well before header_timeout
    assert transport.closed


def test_the_sweep_interval_follows_the_shorter_timeout() -> None:
    assert protocol.sweep_interval(ConnectionLimits()) == 1.0  # 5 s keep-alive, 10 s heads
    assert protocol.sweep_interval(ConnectionLimits(header_timeout=1, keep_alive_timeout=5)) == 0.25
    assert protocol.sweep_interval(ConnectionLimits(header_timeout=0.1, keep_alive_timeout=0.1)) == 0.1


async def test_the_sweep_visits_every_connection_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protocol, "BATCH", 2)
    limits.configure(ConnectionLimits(max_connections=100))
    server = Server()
    transports = [server.connect()[1] for _ in range(7)]
    sweep = protocol._sweep
    assert sweep is not None
    later = asyncio.get_running_loop().time() + 11  # all past header_timeout (10 s)
    sweep._visit(tuple(server.state.connections), 0, later)
    assert sum(t.closed for t in transports) == 2  # one batch at once, the rest in later loop turns
    await settle()
    assert all(t.closed for t in transports)


async def test_a_pipelined_head_is_not_charged_for_the_request_before_it() -> None:
    server = Server()
    conn, transport = server.connect()
    first = post(b"b" * 2000)
    second = head(3500)  # under the limit on its own; with the first request's bytes, over it
    conn.data_received(first + second[:1000])
    conn.data_received(second[1000:])
    for _ in range(3):
        await settle()
    assert bytes(transport.written).count(b"HTTP/1.1 200") == 2
