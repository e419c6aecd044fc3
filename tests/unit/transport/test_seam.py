"""The transport seam: the same scripted answers through the real client (over loopback) and the fake.

Each answer is a ``FakeReply``; for the real client a loopback aiohttp server writes it to the
socket piece by piece (and drops the connection for a cut one), so every check here holds for
both transports and the fake is shown to behave as the wire does.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from freehold.errors import ProviderConnectError, ProviderError, ProviderResponseInvalid, ProviderResponseTooLarge
from freehold.transport.fake import FakeReply, FakeTransport, split
from freehold.transport.http import HttpClient
from freehold.transport.limits import ERROR_BODY_PREFIX_BYTES
from freehold.transport.seam import Transport, Upstream
from freehold.transport.sse import iter_events

TIMEOUT = aiohttp.ClientTimeout(total=10)
LIMIT = 256 * 1024
SSE = b'data: {"n": 1}\n\ndata: {"n": 2}\n\ndata: [DONE]\n\n'
Serve = Callable[..., Awaitable[Transport]]


class Refused(ProviderError):
    """What the test's ``parse_error`` returns, carrying what it was given."""

    def __init__(self, status: int, raw: bytes, headers: Mapping[str, str], deployment: str, secrets: tuple[str, ...]):
        super().__init__(f"refused {status}", deployment=deployment, upstream_status=status)
        self.raw = raw
        self.headers = headers
        self.secrets = secrets


UP = Upstream("dep", TIMEOUT, Refused, ("sk-secret",))


class Scripted:
    """A loopback server answering each request with the next ``FakeReply``, written as scripted."""

    def __init__(self, replies: tuple[FakeReply, ...]) -> None:
        self.replies = list(replies)
        self.bodies: list[bytes] = []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.bodies.append(await request.read())
        reply = self.replies.pop(0)
        resp = web.StreamResponse(status=reply.status, headers=reply.headers)
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        for piece in reply.pieces:
            await resp.write(piece)
            await asyncio.sleep(0)
        if reply.cut:
            assert request.transport is not None
            request.transport.close()
        else:
            await resp.write_eof()
        return resp


@pytest.fixture(params=["http", "fake"])
async def serve(request: pytest.FixtureRequest) -> AsyncIterator[Serve]:
    """``await serve(*replies)``: a transport whose upstream answers with ``replies`` in turn."""
    servers: list[TestServer] = []
    clients: list[HttpClient] = []

    async def make(*replies: FakeReply) -> Transport:
        if request.param == "fake":
            return FakeTransport(*replies, max_body_bytes=LIMIT)
        app = web.Application()
        app.router.add_post("/{tail:.*}", Scripted(replies).handle)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        client = HttpClient(max_body_bytes=LIMIT)
        await client.start()
        clients.append(client)
        return _Based(client, f"http://127.0.0.1:{server.port}")

    yield make
    for client in clients:
        await client.close()
    for server in servers:
        await server.close()


class _Based:
    """The real client with the loopback server's address put in front of each path."""

    def __init__(self, client: HttpClient, base: str) -> None:
        self._client = client
        self._base = base
        self.max_body_bytes = client.max_body_bytes

    async def post_json(self, url: object, body: bytes, headers: Mapping[str, str], upstream: Upstream) -> object:
        return await self._client.post_json(self._base + str(url), body, headers, upstream)

    async def open_stream(
        self, url: object, body: bytes, headers: Mapping[str, str], upstream: Upstream, content_type: str = ""
    ) -> object:
        args = (content_type,) if content_type else ()
        return await self._client.open_stream(self._base + str(url), body, headers, upstream, *args)


async def drain(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([c async for c in chunks])


# --- post_json -------------------------------------------------------------------------------


async def test_a_json_object_comes_back_parsed_and_as_sent(serve: Serve) -> None:
    transport = await serve(FakeReply.json({"ok": True, "usage": {"total_tokens": 3}}, headers={"X-Request-Id": "r1"}))
    reply = await transport.post_json("/chat", b"{}", {}, UP)
    assert reply.obj == {"ok": True, "usage": {"total_tokens": 3}}
    assert reply.raw == b'{"ok":true,"usage":{"total_tokens":3}}'
    assert reply.headers["x-request-id"] == "r1"  # looked up case-insensitively, as aiohttp's headers are


async def test_any_2xx_is_an_answer(serve: Serve) -> None:
    transport = await serve(FakeReply.json({"created": 1}, status=201))
    assert (await transport.post_json("/chat", b"{}", {}, UP)).obj == {"created": 1}


@pytest.mark.parametrize("body", [b"<html>502 Bad Gateway</html>", b"[1, 2]", b'"text"', b""])
async def test_a_2xx_that_is_not_a_json_object_is_invalid(serve: Serve, body: bytes) -> None:
    transport = await serve(FakeReply(200, {"content-type": "text/html"}, split(body)))
    with pytest.raises(ProviderResponseInvalid) as info:
        await transport.post_json("/chat", b"{}", {}, UP)
    assert "'dep' answered 200 with a body that is not a JSON object" in info.value.message


@pytest.mark.parametrize("status", [400, 401, 429, 500, 503, 302])
async def test_other_statuses_go_to_the_vendors_parse_error(serve: Serve, status: int) -> None:
    body = b'{"error": {"message": "no"}}'
    transport = await serve(FakeReply(status, {"retry-after": "7"}, split(body, seed=status)))
    with pytest.raises(Refused) as info:
        await transport.post_json("/chat", b"{}", {}, UP)
    err = info.value
    assert err.upstream_status == status and err.raw == body and err.secrets == ("sk-secret",)
    assert err.deployment == "dep" and err.headers["retry-after"] == "7"


async def test_an_error_body_is_classified_from_a_prefix(serve: Serve) -> None:
    transport = await serve(FakeReply(503, {}, split(b"y" * (ERROR_BODY_PREFIX_BYTES * 3), size=8192)))
    with pytest.raises(Refused) as info:
        await transport.post_json("/chat", b"{}", {}, UP)
    assert info.value.raw == b"y" * ERROR_BODY_PREFIX_BYTES


async def test_a_whole_answer_over_the_limit_is_refused(serve: Serve) -> None:
    transport = await serve(FakeReply(200, {}, split(b"x" * (LIMIT + 1), size=65536)))
    with pytest.raises(ProviderResponseTooLarge):
        await transport.post_json("/chat", b"{}", {}, UP)


async def test_a_whole_answer_cut_short_is_invalid(serve: Serve) -> None:
    transport = await serve(FakeReply(200, {}, (b'{"partial": ',), cut=True))
    with pytest.raises(ProviderResponseInvalid) as info:
        await transport.post_json("/chat", b"{}", {}, UP)
    assert "cut the response short" in info.value.message


# --- open_stream -----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [None, 1, 2])
async def test_a_stream_arrives_as_sent(serve: Serve, seed: int | None) -> None:
    transport = await serve(FakeReply.stream(SSE, seed=seed, content_type="text/event-stream; charset=utf-8"))
    stream = await transport.open_stream("/chat", b"{}", {}, UP)
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert await drain(stream.chunks) == SSE


async def test_a_stream_of_the_vendors_own_type(serve: Serve) -> None:
    kind = "application/vnd.amazon.eventstream"
    transport = await serve(FakeReply.stream(b"\x00\x01frames", content_type=kind), FakeReply.stream(SSE))
    stream = await transport.open_stream("/chat", b"{}", {}, UP, kind)
    assert await drain(stream.chunks) == b"\x00\x01frames"
    with pytest.raises(ProviderResponseInvalid) as info:
        await transport.open_stream("/chat", b"{}", {}, UP, kind)
    assert f"instead of '{kind}'" in info.value.message


@pytest.mark.parametrize("content_type", ["application/json", "text/html; charset=utf-8"])
async def test_a_2xx_stream_of_another_type_is_invalid(serve: Serve, content_type: str) -> None:
    transport = await serve(FakeReply(200, {"content-type": content_type}, (b'{"error": "proxy page"}',)))
    with pytest.raises(ProviderResponseInvalid) as info:
        await transport.open_stream("/chat", b"{}", {}, UP)
    assert f"with '{content_type}' instead of 'text/event-stream'" in info.value.message


async def test_a_stream_request_answered_with_an_error_is_parsed(serve: Serve) -> None:
    transport = await serve(FakeReply.json({"error": "slow down"}, status=429, headers={"retry-after": "2"}))
    with pytest.raises(Refused) as info:
        await transport.open_stream("/chat", b"{}", {}, UP)
    assert info.value.upstream_status == 429 and info.value.raw == b'{"error":"slow down"}'


async def test_a_stream_cut_mid_way_raises_after_its_first_pieces(serve: Serve) -> None:
    transport = await serve(FakeReply.stream(SSE, cut_at=20))
    stream = await transport.open_stream("/chat", b"{}", {}, UP)
    got = b""
    with pytest.raises(ProviderError) as info:
        async for chunk in stream.chunks:
            got += chunk
    assert got == SSE[:20]
    assert isinstance(info.value, ProviderResponseInvalid) and "cut the response short" in info.value.message


async def test_closing_the_events_closes_the_stream() -> None:
    fake = FakeTransport(FakeReply.stream(SSE, seed=3))
    stream = await fake.open_stream("/chat", b"{}", {}, UP)
    events = iter_events(stream.chunks, "dep")
    assert (await anext(events)).data == '{"n": 1}'
    assert fake.open == 1
    await events.aclose()
    assert fake.open == 0


# --- the fake itself ---------------------------------------------------------------------------


async def test_the_fake_records_requests_and_raises_scripted_failures() -> None:
    down = ProviderConnectError("Cannot connect to upstream deployment 'dep'.", deployment="dep")
    fake = FakeTransport(down, FakeReply.json({"ok": 1}))
    with pytest.raises(ProviderConnectError):
        await fake.post_json("http://u/a", b'{"a": 1}', {"Authorization": "Bearer k"}, UP)
    await fake.post_json("http://u/b", b'{"b": 2}', {}, UP)
    assert [r.url for r in fake.requests] == ["http://u/a", "http://u/b"]
    assert fake.requests[0].json() == {"a": 1} and fake.requests[0].headers["Authorization"] == "Bearer k"
    with pytest.raises(AssertionError, match="no reply scripted"):
        await fake.post_json("http://u/c", b"{}", {}, UP)


def test_split_covers_the_data() -> None:
    data = bytes(range(256)) * 3
    for pieces in (split(data), split(data, 7), split(data, size=5)):
        assert b"".join(pieces) == data
    assert split(data, 7) == split(data, 7) and split(data, 7) != split(data, 8)
    assert {len(p) for p in split(data, size=5)[:-1]} == {5}
    assert split(b"") == ()
