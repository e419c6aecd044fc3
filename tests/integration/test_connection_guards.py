"""Clients that hold connections without a request: too many, silent, slow, idle, or with huge heads.

Each test talks to the real server over raw sockets (the guards act below HTTP clients' view).
"""

from __future__ import annotations

import json
import re
import resource
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import Gateway, start_gateway, stop_gateway

CONFIG = {"aliases": {"sim": {"deployments": [{"provider": "simulated", "model": "s", "ttft_ms": 0}]}}}
MAX_CONNECTIONS = 20
GUARDS = {
    "FREEHOLD_HEADER_TIMEOUT": "1",
    "FREEHOLD_KEEP_ALIVE_TIMEOUT": "1",
    "FREEHOLD_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
}
LATE = 2.5  # a timeout is enforced by a sweep every 0.5 s: up to two sweeps late, plus slack for a busy machine


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    gw = start_gateway(CONFIG, tmp_path_factory.mktemp("guards"), env=GUARDS)
    yield gw
    stop_gateway(gw.process)
    assert "Traceback" not in gw.log()


def connect(gw: Gateway) -> socket.socket:
    host, port = gw.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=5)


def read_response(sock: socket.socket, timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    """One response (status, headers, body), read up to its Content-Length or to the close."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed before a response head: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "-1"))
    while length < 0 or len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


def is_open(sock: socket.socket) -> bool:
    """The server has neither answered nor closed ``sock``: nothing to read yet."""
    sock.setblocking(False)
    try:
        sock.recv(1, socket.MSG_PEEK)
        return False  # an answer, or the close
    except BlockingIOError:
        return True
    except OSError:  # reset
        return False
    finally:
        sock.setblocking(True)


def wait_closed(sock: socket.socket, within: float) -> float:
    """Seconds until the server closed ``sock`` (its answer, if any, is left unread)."""
    start = time.monotonic()
    sock.settimeout(0.05)
    while time.monotonic() - start < within:
        try:
            if sock.recv(65536) == b"":
                return time.monotonic() - start
        except TimeoutError:
            continue
        except OSError:
            return time.monotonic() - start
    raise AssertionError(f"still open after {within}s")


def chat(gw: Gateway) -> httpx.Response:
    return httpx.post(
        gw.base_url + "/chat/completions",
        json={"model": "sim", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 2},
        timeout=10,
    )


def error_code(body: bytes) -> str:
    error = json.loads(body)["error"]
    assert set(error) == {"message", "type", "param", "code"}
    return str(error["code"])


def test_connections_beyond_the_limit_get_503_and_silent_ones_are_closed(guarded: Gateway) -> None:
    opened = time.monotonic()
    socks = [connect(guarded) for _ in range(MAX_CONNECTIONS + 10)]
    try:
        time.sleep(0.3)
        refused = [s for s in socks if not is_open(s)]
        held = [s for s in socks if s not in refused]
        assert len(held) == MAX_CONNECTIONS and len(refused) == 10
        status, headers, body = read_response(refused[0])
        assert (status, headers["connection"], headers["retry-after"]) == (503, "close", "1")
        assert error_code(body) == "too_many_connections"
        assert "max_connections" in json.loads(body)["error"]["message"]
        # Silent connections are closed after header_timeout (1 s), not before, and without an answer.
        assert all(is_open(s) for s in held) and time.monotonic() - opened < 0.9
        for sock in held:
            wait_closed(sock, LATE)
            # not before the timeout (less the event loop's millisecond timer granularity: once 0.9998 s)
            assert time.monotonic() - opened >= 0.95
        assert chat(guarded).status_code == 200
    finally:
        for sock in socks:
            sock.close()
    assert re.search(r"10 refused with 503 \(max_connections 20\)", guarded.log())


def test_slowloris_gets_408_after_header_timeout(guarded: Gateway) -> None:
    sock = connect(guarded)
    stop = threading.Event()

    def drip() -> None:  # one byte of the head every 0.3 s, never the end
        for byte in b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nx-slow: " + b"a" * 100:
            if stop.wait(0.3):
                return
            try:
                sock.send(bytes([byte]))
            except OSError:
                return

    started = time.monotonic()
    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    try:
        status, headers, body = read_response(sock, timeout=LATE + 1)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join()
        sock.close()
    assert status == 408 and headers["connection"] == "close"
    assert error_code(body) == "request_timeout"
    assert 1.0 <= elapsed <= LATE


def test_oversized_head_gets_431_at_once(guarded: Gateway) -> None:
    sock = connect(guarded)
    try:
        started = time.monotonic()
        sock.sendall(b"GET /health/live HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * 100_000 + b"\r\n\r\n")
        status, headers, body = read_response(sock)
        assert time.monotonic() - started < 1.0
    finally:
        sock.close()
    assert status == 431 and headers["connection"] == "close"
    assert error_code(body) == "request_headers_too_large"
    assert "65536 bytes" in json.loads(body)["error"]["message"]


def test_a_head_under_the_limit_and_a_large_body_in_one_send_are_served(guarded: Gateway) -> None:
    # 60 KB of headers: under the 64 KiB limit, so not refused.
    assert httpx.get(guarded.url + "/health/live", headers={"x-big": "a" * 60_000}).status_code == 200
    # A small head followed by a body far larger than the head limit, in a single send.
    content = "x" * 300_000
    body = json.dumps({"model": "sim", "messages": [{"role": "user", "content": content}], "max_tokens": 2}).encode()
    sock = connect(guarded)
    try:
        sock.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\n\r\n%s" % (len(body), body)
        )
        status, _, answer = read_response(sock)
    finally:
        sock.close()
    assert status == 200, answer
    assert json.loads(answer)["object"] == "chat.completion"


def test_a_huge_head_does_not_stall_other_requests(guarded: Gateway) -> None:
    """Before the limit, parsing a 100 MB header took 13 s of the event loop (it grows with the square)."""
    sock = connect(guarded)
    answer: list[int] = []

    def stream_header() -> None:
        piece = b"a" * 65536
        try:
            sock.sendall(b"GET /health/live HTTP/1.1\r\nhost: x\r\nx-huge: ")
            for _ in range(50 * 1024 * 1024 // len(piece)):  # 50 MB
                sock.sendall(piece)
            answer.append(read_response(sock)[0])
        except OSError:
            pass  # closed once the refusal had lingered: the client was told (431) and stopped being read

    thread = threading.Thread(target=stream_header, daemon=True)
    thread.start()
    try:
        latencies = []
        with httpx.Client(timeout=5) as client:
            while thread.is_alive() or len(latencies) < 20:
                started = time.monotonic()
                assert client.get(guarded.url + "/health/live").status_code == 200
                latencies.append(time.monotonic() - started)
        thread.join(10)
    finally:
        sock.close()
    assert max(latencies) < 0.5, latencies
    assert answer in ([], [431])


def test_idle_keep_alive_connection_is_closed_after_keep_alive_timeout(guarded: Gateway) -> None:
    sock = connect(guarded)
    try:
        sock.sendall(b"GET /health/live HTTP/1.1\r\nhost: x\r\n\r\n")
        assert read_response(sock)[0] == 200
        time.sleep(0.6)  # idle, but under keep_alive_timeout (1 s): the connection is reused
        sock.sendall(b"GET /health/live HTTP/1.1\r\nhost: x\r\n\r\n")
        assert read_response(sock)[0] == 200
        idle_since = time.monotonic()
        time.sleep(0.8)
        assert is_open(sock)
        wait_closed(sock, LATE)
        assert time.monotonic() - idle_since >= 1.0
    finally:
        sock.close()


def _low_fd_limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


def test_a_flood_of_silent_connections_under_a_low_descriptor_limit(tmp_path: Path) -> None:
    """1,100 silent connections used to make every request fail at 1,024 descriptors; here 300 at 256."""
    gw = start_gateway(CONFIG, tmp_path, env={"FREEHOLD_HEADER_TIMEOUT": "1"}, preexec_fn=_low_fd_limit)
    socks: list[socket.socket] = []
    try:
        for _ in range(300):
            socks.append(connect(gw))
        time.sleep(0.3)
        held = [s for s in socks if is_open(s)]
        assert len(held) <= 96
        for sock in held:  # reaped after header_timeout
            wait_closed(sock, LATE + 1)
        with httpx.Client(timeout=5) as client:
            for _ in range(10):
                resp = client.post(
                    gw.base_url + "/chat/completions",
                    json={"model": "sim", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 2},
                )
                assert resp.status_code == 200, resp.text
    finally:
        for sock in socks:
            sock.close()
        stop_gateway(gw.process)
    log = gw.log()
    assert "Too many open files" not in log and "EMFILE" not in log
    assert "Traceback" not in log
    assert "at most 96 per worker, lowered from 10000 to fit 256 file descriptors" in re.sub(r"\s+", " ", log)


def test_limits_reach_every_worker(tmp_path: Path) -> None:
    env = {"FREEHOLD_MAX_HEADER_BYTES": "2048", "FREEHOLD_HEADER_TIMEOUT": "1"}
    gw = start_gateway(CONFIG, tmp_path, env=env, args=("--workers", "2"))
    try:
        for _ in range(6):  # the workers share the listening socket: both take some
            sock = connect(gw)
            try:
                sock.sendall(b"GET /health/live HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * 4000 + b"\r\n\r\n")
                assert read_response(sock)[0] == 431
            finally:
                sock.close()
        silent = [connect(gw) for _ in range(6)]
        try:
            for sock in silent:
                wait_closed(sock, LATE)
        finally:
            for sock in silent:
                sock.close()
        assert chat(gw).status_code == 200
    finally:
        stop_gateway(gw.process)
    assert "Traceback" not in gw.log()
