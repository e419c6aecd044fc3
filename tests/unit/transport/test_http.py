"""The shared client's boundary: what it asks for, how much it reads, how failures are typed.

Each test runs an aiohttp server in the test's own loop on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import gzip
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.http_exceptions import ContentEncodingError
from aiohttp.test_utils import TestServer

from freehold.errors import (
    ProviderRequestUnsendable,
    ProviderResponseInvalid,
    ProviderResponseTooLarge,
    ProviderTimeout,
)
from freehold.transport.http import HttpClient, map_transport_error
from freehold.transport.limits import ERROR_BODY_PREFIX_BYTES

LIMIT = 64 * 1024
TIMEOUT = aiohttp.ClientTimeout(total=10)
SECRET = "sk-in-a-header-0a9b8c"


class Upstream:
    """Routes by path; ``seen`` keeps each request's headers, ``sent`` how much a slow body got out."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        self.sent: dict[str, int] = {}
        self.done: set[str] = set()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{name}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(dict(request.headers))
        name = request.match_info["name"]
        if name.startswith("exact"):
            return web.Response(body=b"x" * LIMIT)
        if name == "over-declared":
            # Declares 10 MiB, sends one piece, then stalls: only the declared length can refuse it at once.
            resp = web.StreamResponse(headers={"Content-Length": str(10 * 1024 * 1024)})
            await resp.prepare(request)
            await resp.write(b"x" * 1024)
            await asyncio.sleep(5)
            return resp
        if name in ("over-chunked", "long-error"):
            resp = web.StreamResponse(status=200 if name == "over-chunked" else 503)
            resp.enable_chunked_encoding()
            await resp.prepare(request)
            self.sent[name] = 0
            try:
                for _ in range(1024):  # 64 MiB in 64 KiB pieces, unless the client hangs up
                    await resp.write(b"y" * 65536)
                    self.sent[name] += 65536
                await resp.write_eof()
            except OSError:  # the client hung up
                pass
            finally:
                self.done.add(name)
            return resp
        if name == "gzip":
            return web.Response(body=gzip.compress(b'{"ok": true}'), headers={"Content-Encoding": "gzip"})
        if name == "bomb":
            return web.Response(body=gzip.compress(b" " * (LIMIT * 64)), headers={"Content-Encoding": "gzip"})
        if name == "bad-gzip-error":
            return web.Response(status=429, body=b"not gzip at all", headers={"Content-Encoding": "gzip"})
        if name == "x-gzip":
            return web.Response(body=gzip.compress(b"{}"), headers={"Content-Encoding": "x-gzip"})
        return web.Response(body=b'{"small": true}', status=200 if name == "small" else 400)


@pytest.fixture
async def upstream() -> AsyncIterator[tuple[Upstream, str]]:
    up = Upstream()
    server = TestServer(up.app(), host="127.0.0.1")
    await server.start_server()
    yield up, f"http://127.0.0.1:{server.port}"
    await server.close()


@pytest.fixture
async def http() -> AsyncIterator[HttpClient]:
    async with HttpClient(max_body_bytes=LIMIT) as client:
        yield client


async def read(http: HttpClient, url: str) -> bytes:
    resp = await http.post(url, b"{}", {"Content-Type": "application/json"}, TIMEOUT, "dep")
    return await http.read_body(resp, "dep")


async def test_asks_for_identity_and_decodes_gzip(http: HttpClient, upstream: tuple[Upstream, str]) -> None:
    up, base = upstream
    assert await read(http, base + "/gzip") == b'{"ok": true}'
    assert up.seen[-1]["Accept-Encoding"] == "identity"


async def test_a_deployment_header_may_still_ask_for_gzip(http: HttpClient, upstream: tuple[Upstream, str]) -> None:
    up, base = upstream
    resp = await http.post(base + "/gzip", b"{}", {"Accept-Encoding": "gzip"}, TIMEOUT, "dep")
    assert await http.read_body(resp, "dep") == b'{"ok": true}'
    assert up.seen[-1]["Accept-Encoding"] == "gzip"


async def test_exactly_the_limit_is_read(http: HttpClient, upstream: tuple[Upstream, str]) -> None:
    assert await read(http, upstream[1] + "/exact") == b"x" * LIMIT


async def test_declared_length_over_the_limit_is_refused_before_reading(
    http: HttpClient, upstream: tuple[Upstream, str]
) -> None:
    started = time.monotonic()
    with pytest.raises(ProviderResponseTooLarge) as info:
        await read(http, upstream[1] + "/over-declared")
    assert time.monotonic() - started < 2  # not waiting for the stalled rest
    assert info.value.deployment == "dep" and str(LIMIT) in info.value.message


async def test_chunked_body_over_the_limit_stops_reading_and_drops_the_connection(
    http: HttpClient, upstream: tuple[Upstream, str]
) -> None:
    up, base = upstream
    with pytest.raises(ProviderResponseTooLarge):
        await read(http, base + "/over-chunked")
    for _ in range(250):
        if "over-chunked" in up.done:
            break
        await asyncio.sleep(0.02)
    assert "over-chunked" in up.done
    assert up.sent["over-chunked"] < 64 * 1024 * 1024  # the server was cut off, not drained
    # The client still works: the broken connection was not returned to the pool.
    assert await read(http, base + "/small") == b'{"small": true}'


async def test_limit_counts_decoded_bytes(http: HttpClient, upstream: tuple[Upstream, str]) -> None:
    with pytest.raises(ProviderResponseTooLarge):
        await read(http, upstream[1] + "/bomb")  # ~4 KiB on the wire, 4 MiB decoded


async def test_error_body_is_read_up_to_a_prefix(http: HttpClient, upstream: tuple[Upstream, str]) -> None:
    up, base = upstream
    resp = await http.post(base + "/long-error", b"{}", {}, TIMEOUT, "dep")
    body = await http.read_error_body(resp, "dep")
    assert body == b"y" * ERROR_BODY_PREFIX_BYTES
    resp = await http.post(base + "/error", b"{}", {}, TIMEOUT, "dep")
    assert resp.status == 400
    assert await http.read_error_body(resp, "dep") == b'{"small": true}'


async def test_undecodable_error_body_leaves_the_status_to_classify(
    http: HttpClient, upstream: tuple[Upstream, str]
) -> None:
    resp = await http.post(upstream[1] + "/bad-gzip-error", b"{}", {}, TIMEOUT, "dep")
    assert resp.status == 429
    assert await http.read_error_body(resp, "dep") == b""


async def test_encoding_passed_through_undecoded_is_refused(http: HttpClient, upstream: tuple[Upstream, str]) -> None:
    with pytest.raises(ProviderResponseInvalid) as info:
        await http.post(upstream[1] + "/x-gzip", b"{}", {}, TIMEOUT, "dep")
    assert "'x-gzip'" in info.value.message and "cannot decode" in info.value.message


@pytest.mark.parametrize("value", [f"a\r\n{SECRET}", f"a\n{SECRET}", f"a\r{SECRET}"])
async def test_header_with_a_line_break_is_unsendable(
    http: HttpClient, upstream: tuple[Upstream, str], value: str
) -> None:
    up, base = upstream
    with pytest.raises(ProviderRequestUnsendable) as info:
        await http.post(base + "/small", b"{}", {"X-Team": value}, TIMEOUT, "dep")
    err = info.value
    assert err.status == 502 and err.code == "upstream_request_unsendable"
    assert err.opens_circuit and err.fallback_ok and not err.retryable
    assert "'dep'" in err.message and SECRET not in err.message
    assert up.seen == []
    assert await read(http, base + "/small") == b'{"small": true}'  # the client is unharmed


def test_foreign_exceptions_are_typed_without_echoing_them() -> None:
    for exc in (ValueError(f"bad {SECRET}"), TypeError(f"bad {SECRET}"), aiohttp.InvalidURL(f"http://{SECRET}")):
        err = map_transport_error(exc, "dep")
        assert isinstance(err, ProviderRequestUnsendable), exc
        assert SECRET not in err.message
    cause = ContentEncodingError("Can not decode content-encoding: gzip")
    payload = aiohttp.ClientPayloadError("400")
    payload.__cause__ = cause
    err = map_transport_error(payload, "dep")
    assert type(err) is ProviderResponseInvalid and "cannot decode" in err.message
    assert isinstance(map_transport_error(aiohttp.ServerTimeoutError(), "dep"), ProviderTimeout)
