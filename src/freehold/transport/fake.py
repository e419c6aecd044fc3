"""An in-memory ``Transport``: scripted upstream answers, no socket.

Adapter tests give it the vendor's recorded answers — JSON bodies, event streams cut into
whatever pieces a socket might give, error statuses with the vendor's error body and rate-limit
headers, connections dropped mid-stream — and read back what the adapter sent. It inherits the
real transport's checks (``seam.Seam``), and reproduces the client's limits and failures: the
body cap, the error-body prefix, a cut connection raised as the same ``ProviderError`` aiohttp's
``ClientPayloadError`` maps to.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from freehold.errors import ProviderError
from freehold.transport.http import map_transport_error
from freehold.transport.limits import DEFAULT_MAX_UPSTREAM_BODY_BYTES, ERROR_BODY_PREFIX_BYTES, too_large
from freehold.transport.seam import EVENT_STREAM, Seam

__all__ = ["FakeReply", "FakeRequest", "FakeTransport", "split"]


def split(data: bytes, seed: int | None = None, *, size: int | None = None) -> tuple[bytes, ...]:
    """``data`` in pieces: of ``size`` bytes, or of random sizes (1 to 97 bytes, from ``seed``), or whole."""
    if size is None and seed is None:
        return (data,) if data else ()
    rng = random.Random(seed)
    pieces = []
    start = 0
    while start < len(data):
        end = start + (size or rng.randint(1, 97))
        pieces.append(data[start:end])
        start = end
    return tuple(pieces)


@dataclass(frozen=True, slots=True)
class FakeReply:
    """One scripted answer.

    Attributes:
        status: the HTTP status.
        headers: the response headers (looked up case-insensitively, as aiohttp's are).
        pieces: the body, in the pieces the socket gives them.
        cut: the connection drops after the pieces: a stream cut mid-way, a body cut short.
    """

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    pieces: tuple[bytes, ...] = ()
    cut: bool = False

    @classmethod
    def json(cls, obj: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> FakeReply:
        """A JSON answer (an error one with an error ``status``)."""
        return cls(status, {"content-type": "application/json", **(headers or {})}, split(orjson.dumps(obj)))

    @classmethod
    def stream(
        cls,
        data: bytes,
        *,
        seed: int | None = None,
        cut_at: int | None = None,
        content_type: str = EVENT_STREAM,
        headers: Mapping[str, str] | None = None,
    ) -> FakeReply:
        """A 200 stream of ``data``, split as ``split(data, seed)``; ``cut_at`` drops the connection at that byte."""
        body = data if cut_at is None else data[:cut_at]
        return cls(200, {"content-type": content_type, **(headers or {})}, split(body, seed), cut_at is not None)

    @property
    def body(self) -> bytes:
        return b"".join(self.pieces)


@dataclass(frozen=True, slots=True)
class FakeRequest:
    """What an adapter sent."""

    url: str
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return orjson.loads(self.body)


class _Response:
    __slots__ = ("headers", "reply", "status")

    def __init__(self, reply: FakeReply) -> None:
        self.reply = reply
        self.status = reply.status
        self.headers: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict(reply.headers))


class FakeTransport(Seam):
    """Serves scripted replies in order and records each request.

    A reply may also be a ``ProviderError``, raised when the request is sent (connection refused,
    timeout). ``open`` counts the streams handed out and not yet closed, to check that an adapter
    lets go of its upstream.
    """

    def __init__(
        self, *replies: FakeReply | ProviderError, max_body_bytes: int = DEFAULT_MAX_UPSTREAM_BODY_BYTES
    ) -> None:
        self.max_body_bytes = max_body_bytes
        self.requests: list[FakeRequest] = []
        self.open = 0
        self._replies: deque[FakeReply | ProviderError] = deque(replies)

    def add(self, *replies: FakeReply | ProviderError) -> FakeTransport:
        self._replies.extend(replies)
        return self

    @property
    def last(self) -> FakeRequest:
        return self.requests[-1]

    async def post(
        self, url: str | URL, body: bytes, headers: Mapping[str, str], timeout: aiohttp.ClientTimeout, deployment: str
    ) -> _Response:
        self.requests.append(FakeRequest(str(url), body, dict(headers)))
        if not self._replies:
            raise AssertionError(f"FakeTransport: no reply scripted for POST {url}")
        reply = self._replies.popleft()
        await asyncio.sleep(0)  # a real exchange yields to the loop
        if isinstance(reply, ProviderError):
            raise reply
        return _Response(reply)

    async def read_body(self, resp: _Response, deployment: str) -> bytes:
        body = resp.reply.body
        if len(body) > self.max_body_bytes:
            raise too_large(deployment, self.max_body_bytes)
        if resp.reply.cut:
            raise _cut(deployment)
        return body

    async def read_error_body(self, resp: _Response, deployment: str) -> bytes:
        return resp.reply.body[:ERROR_BODY_PREFIX_BYTES]

    async def iter_body(self, resp: _Response, deployment: str) -> AsyncGenerator[bytes, None]:
        self.open += 1
        try:
            for piece in resp.reply.pieces:
                await asyncio.sleep(0)
                yield piece
            if resp.reply.cut:
                raise _cut(deployment)
        finally:
            self.open -= 1


def _cut(deployment: str) -> ProviderError:
    """What the real client raises when the connection drops mid-body."""
    return map_transport_error(aiohttp.ClientPayloadError("Response payload is not completed"), deployment)
