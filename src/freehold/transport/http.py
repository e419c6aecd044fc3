"""The process's one pooled upstream HTTP client.

This is also the boundary where aiohttp's exceptions become ``ProviderError``s.

aiohttp was chosen over httpx by the benchmark (bench/RESULTS.md): its client costs a fraction
of httpx's CPU per request, which is most of what a pass-through gateway spends.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from types import TracebackType

import aiohttp
from yarl import URL

from freehold.config.common import Timeout
from freehold.errors import (
    ProviderConnectError,
    ProviderError,
    ProviderResponseInvalid,
    ProviderTimeout,
)

__all__ = ["HttpClient", "client_timeout", "iter_body", "map_transport_error"]


def client_timeout(timeout: Timeout) -> aiohttp.ClientTimeout:
    """Aiohttp's timeout from a deployment's config (``read`` is the gap between received bytes)."""
    return aiohttp.ClientTimeout(total=timeout.total, connect=timeout.connect, sock_read=timeout.read)


def map_transport_error(exc: BaseException, deployment: str) -> ProviderError:
    """Translate an aiohttp/asyncio failure into the error tree, by exception type only."""
    if isinstance(exc, asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        return ProviderTimeout(f"Upstream deployment '{deployment}' timed out.", deployment=deployment)
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
    return ProviderResponseInvalid(
        f"Upstream deployment '{deployment}' failed: {type(exc).__name__}.", deployment=deployment
    )


class HttpClient:
    """One ``aiohttp.ClientSession`` per process, opened in the app's lifespan.

    Connections are pooled per host without a global cap: the gateway's concurrency is bounded
    by the server's connection limits and, later, by admission control, not by the pool.
    """

    def __init__(self, *, limit_per_host: int = 0) -> None:
        self._limit_per_host = limit_per_host
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(limit=0, limit_per_host=self._limit_per_host, ttl_dns_cache=300)
        self._session = aiohttp.ClientSession(
            connector=connector, auto_decompress=False, skip_auto_headers=("User-Agent",), trust_env=False
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
            return await session.post(url, data=body, headers=headers, timeout=timeout)
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise map_transport_error(exc, deployment) from exc

    async def get(
        self, url: str | URL, headers: Mapping[str, str], timeout: aiohttp.ClientTimeout, deployment: str
    ) -> aiohttp.ClientResponse:
        session = self._session
        if session is None:
            raise ProviderConnectError("The upstream HTTP client is not running.", deployment=deployment)
        try:
            return await session.get(url, headers=headers, timeout=timeout)
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise map_transport_error(exc, deployment) from exc


async def read_body(resp: aiohttp.ClientResponse, deployment: str) -> bytes:
    """Read a whole (non-streamed) response body, mapping failures."""
    try:
        return await resp.read()
    except (TimeoutError, aiohttp.ClientError) as exc:
        raise map_transport_error(exc, deployment) from exc
    finally:
        resp.release()


async def iter_body(resp: aiohttp.ClientResponse, deployment: str) -> AsyncIterator[bytes]:
    """Yield the body as it arrives, in whatever pieces the socket gives (no re-framing).

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
