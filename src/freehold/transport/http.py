"""The process's one pooled upstream HTTP client.

This is also the boundary where aiohttp's exceptions become ``ProviderError``s.

aiohttp was chosen over httpx by the benchmark (bench/RESULTS.md): its client costs a fraction
of httpx's CPU per request, which is most of what a pass-through gateway spends.

Compression: upstreams are asked for ``Accept-Encoding: identity`` (answers are small or
streamed, compressing SSE delays tokens, and decompressing costs the gateway CPU), but a proxy
or CDN that compresses anyway is decoded (gzip, deflate; streams too). An encoding the client
cannot decode is a ``ProviderResponseInvalid``, never bytes relayed as if they were JSON or SSE.
Size limits count decoded bytes, so a small compressed body cannot inflate past them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Mapping
from types import TracebackType

import aiohttp
from aiohttp import hdrs
from aiohttp.compression_utils import HAS_BROTLI, HAS_ZSTD
from aiohttp.http_exceptions import ContentEncodingError
from yarl import URL

from freehold.config.common import Timeout
from freehold.errors import (
    ProviderConnectError,
    ProviderError,
    ProviderRequestUnsendable,
    ProviderResponseInvalid,
    ProviderTimeout,
)
from freehold.transport.limits import DEFAULT_MAX_UPSTREAM_BODY_BYTES, ERROR_BODY_PREFIX_BYTES, too_large
from freehold.transport.seam import Seam

__all__ = ["DECODED_ENCODINGS", "HttpClient", "client_timeout", "map_transport_error"]

DECODED_ENCODINGS = frozenset(
    {"identity", "gzip", "deflate"} | ({"br"} if HAS_BROTLI else set()) | ({"zstd"} if HAS_ZSTD else set())
)
"""``Content-Encoding`` values the client decodes (brotli and zstd only with their libraries)."""

_SESSION_HEADERS = {hdrs.ACCEPT_ENCODING: "identity"}


def client_timeout(timeout: Timeout) -> aiohttp.ClientTimeout:
    """Aiohttp's timeout from a deployment's config (``read`` is the gap between received bytes)."""
    return aiohttp.ClientTimeout(total=timeout.total, connect=timeout.connect, sock_read=timeout.read)


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """``exc`` or one of its causes is a ``kind`` (aiohttp wraps its parser's errors)."""
    seen: BaseException | None = exc
    for _ in range(8):  # the chains are short; never loop on a cycle
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__
    return False


def map_transport_error(exc: BaseException, deployment: str) -> ProviderError:
    """Translate an aiohttp/asyncio failure into the error tree, by exception type only."""
    if isinstance(exc, asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        return ProviderTimeout(f"Upstream deployment '{deployment}' timed out.", deployment=deployment)
    if _caused_by(exc, ContentEncodingError):
        return ProviderResponseInvalid(
            f"Upstream deployment '{deployment}' sent a compressed body the gateway cannot decode "
            f"(it decodes {', '.join(sorted(DECODED_ENCODINGS - {'identity'}))}).",
            deployment=deployment,
        )
    if isinstance(exc, aiohttp.ClientPayloadError):
        return ProviderResponseInvalid(
            f"Upstream deployment '{deployment}' cut the response short.", deployment=deployment
        )
    if isinstance(exc, aiohttp.ClientConnectorError):
        return ProviderConnectError(
            f"Cannot connect to upstream deployment '{deployment}' ({exc.host}:{exc.port}).", deployment=deployment
        )
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientOSError):
        return ProviderConnectError(f"Upstream deployment '{deployment}' closed the connection.", deployment=deployment)
    if isinstance(exc, ValueError | TypeError):
        # aiohttp refuses to build the request (a header with a line break, a bad URL). Its
        # message is not echoed: header values may hold keys.
        return ProviderRequestUnsendable(
            f"The request to upstream deployment '{deployment}' could not be sent: a header or the URL is "
            "invalid (e.g. a line break in a header value). Check the deployment's config.",
            deployment=deployment,
        )
    return ProviderResponseInvalid(
        f"Upstream deployment '{deployment}' failed: {type(exc).__name__}.", deployment=deployment
    )


def _check_encoding(resp: aiohttp.ClientResponse, deployment: str) -> None:
    """Refuse an answer aiohttp would hand over undecoded (``compress``, ``x-gzip``, a list, …)."""
    encoding = resp.headers.get(hdrs.CONTENT_ENCODING)
    if encoding is not None and encoding.lower() not in DECODED_ENCODINGS:
        resp.close()
        raise ProviderResponseInvalid(
            f"Upstream deployment '{deployment}' answered with Content-Encoding '{encoding[:40]}', which the "
            f"gateway cannot decode (it asks for identity and decodes "
            f"{', '.join(sorted(DECODED_ENCODINGS - {'identity'}))}).",
            deployment=deployment,
        )


class HttpClient(Seam):
    """One ``aiohttp.ClientSession`` per process, opened in the app's lifespan; the ``Transport`` adapters send through.

    Connections are pooled per host without a global cap: the gateway's concurrency is bounded
    by the server's connection limits and, later, by admission control, not by the pool.

    It owns ``max_body_bytes`` (the ``max_upstream_body_bytes`` setting) so that every adapter
    reads answers under the same limit.
    """

    def __init__(self, *, limit_per_host: int = 0, max_body_bytes: int = DEFAULT_MAX_UPSTREAM_BODY_BYTES) -> None:
        self._limit_per_host = limit_per_host
        self._session: aiohttp.ClientSession | None = None
        self.max_body_bytes = max_body_bytes

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(limit=0, limit_per_host=self._limit_per_host, ttl_dns_cache=300)
        # auto_decompress costs nothing on an answer without Content-Encoding: aiohttp's parser
        # wraps the body in a decoder only when the header names one.
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers=_SESSION_HEADERS,
            auto_decompress=True,
            skip_auto_headers=("User-Agent",),
            trust_env=False,
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> HttpClient:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def ready(self) -> bool:
        return self._session is not None and not self._session.closed

    async def post(
        self,
        url: str | URL,
        body: bytes,
        headers: Mapping[str, str],
        timeout: aiohttp.ClientTimeout,
        deployment: str,
    ) -> aiohttp.ClientResponse:
        """Send a POST and return once the status line and headers are in.

        ``url`` may be a pre-encoded ``yarl.URL`` when its exact bytes matter (a signed path).

        The caller owns the response and must read or release it.
        """
        session = self._session
        if session is None:
            raise ProviderConnectError("The upstream HTTP client is not running.", deployment=deployment)
        try:
            resp = await session.post(url, data=body, headers=headers, timeout=timeout)
        except (TimeoutError, aiohttp.ClientError, ValueError, TypeError) as exc:
            raise map_transport_error(exc, deployment) from exc
        _check_encoding(resp, deployment)
        return resp

    async def get(
        self, url: str | URL, headers: Mapping[str, str], timeout: aiohttp.ClientTimeout, deployment: str
    ) -> aiohttp.ClientResponse:
        session = self._session
        if session is None:
            raise ProviderConnectError("The upstream HTTP client is not running.", deployment=deployment)
        try:
            resp = await session.get(url, headers=headers, timeout=timeout)
        except (TimeoutError, aiohttp.ClientError, ValueError, TypeError) as exc:
            raise map_transport_error(exc, deployment) from exc
        _check_encoding(resp, deployment)
        return resp

    async def read_body(self, resp: aiohttp.ClientResponse, deployment: str) -> bytes:
        """Read a whole answer, decoded; over ``max_body_bytes`` it is a ``ProviderResponseTooLarge``.

        A declared length over the limit is refused before reading; otherwise reading stops as
        soon as the count passes it. Either way the connection is closed, not pooled.
        """
        content = resp.content
        try:
            first = await content.readany()
            if content.at_eof() and len(first) <= self.max_body_bytes:
                body = first  # the usual answer: one piece, already whole
            else:
                body = await self._read_rest(resp, first, deployment)
        except (TimeoutError, aiohttp.ClientError) as exc:
            resp.close()
            raise map_transport_error(exc, deployment) from exc
        except BaseException:
            resp.close()
            raise
        resp.release()
        return body

    async def _read_rest(self, resp: aiohttp.ClientResponse, first: bytes, deployment: str) -> bytes:
        limit = self.max_body_bytes
        length = resp.content_length  # of the encoded body: a compressed one is not smaller decoded
        if length is not None and length > limit:
            raise too_large(deployment, limit)
        pieces = [first]
        size = len(first)
        content = resp.content
        while True:
            if size > limit:
                raise too_large(deployment, limit)
            chunk = await content.readany()
            if not chunk:
                return b"".join(pieces)
            pieces.append(chunk)
            size += len(chunk)

    async def read_error_body(self, resp: aiohttp.ClientResponse, deployment: str) -> bytes:
        """Up to ``ERROR_BODY_PREFIX_BYTES`` of an error answer: enough for its message.

        Never fails on the body: a long, cut or undecodable one still leaves the status to
        classify the error. The rest is not read; the connection is closed instead.
        """
        content = resp.content
        pieces: list[bytes] = []
        size = 0
        try:
            while size < ERROR_BODY_PREFIX_BYTES:
                chunk = await content.readany()
                if not chunk:
                    break
                pieces.append(chunk)
                size += len(chunk)
        except (TimeoutError, aiohttp.ClientError):
            resp.close()
        except BaseException:
            resp.close()
            raise
        else:
            if content.at_eof():
                resp.release()
            else:
                resp.close()
        body = pieces[0] if len(pieces) == 1 else b"".join(pieces)
        return body[:ERROR_BODY_PREFIX_BYTES]

    async def iter_body(self, resp: aiohttp.ClientResponse, deployment: str) -> AsyncGenerator[bytes, None]:
        """Yield the body as it arrives, in whatever pieces the socket gives (no re-framing).

        Not capped: pieces are relayed as they come, and the deployment's ``total`` timeout bounds
        the stream. Decoders that buffer (``transport.sse.SSEDecoder``) apply the limit themselves.

        Closing the generator early (client went away) closes the upstream connection rather than
        returning it to the pool, which is what cancels the upstream generation.
        """
        finished = False
        try:
            async for chunk in resp.content.iter_any():
                yield chunk
            finished = True
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise map_transport_error(exc, deployment) from exc
        finally:
            if finished:
                resp.release()
            else:
                resp.close()
