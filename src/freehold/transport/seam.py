"""The seam between adapters and the wire: "post JSON, get a JSON object back" and "open an event stream".

Those are the only two exchanges an adapter has with its upstream, and each came with the same
checks: a non-2xx answer is read (at most a prefix of it) and classified by the vendor's
``parse_error``; a 2xx whole answer must be a JSON object, so that a proxy's HTML page is never
taken for an answer; a stream must be an event stream of the type the vendor sends. ``Seam``
writes them once, over four primitives — send, read a whole body, read an error body's prefix,
iterate a body — that ``http.HttpClient`` implements over aiohttp and ``fake.FakeTransport`` in
memory, so adapter tests run the production checks with no socket.

Adapters depend on the ``Transport`` protocol only. Nothing here parses more than before: a whole
answer is decoded once (the adapter reads its object and may relay its bytes); a stream is bytes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
import orjson
from yarl import URL

from freehold.errors import ProviderError, ProviderResponseInvalid

__all__ = ["EVENT_STREAM", "ErrorParser", "JsonReply", "Seam", "StreamReply", "Transport", "Upstream"]

EVENT_STREAM = "text/event-stream"

ErrorParser = Callable[[int, bytes, Mapping[str, str], str, tuple[str, ...]], ProviderError]
"""A vendor's ``parse_error(status, raw, headers, deployment, secrets)``."""


@dataclass(frozen=True, slots=True)
class Upstream:
    """A deployment as the transport sees it; built once by the adapter, fixed for its life.

    Attributes:
        deployment: the name errors and logs carry.
        timeout: the deployment's timeouts (``http.client_timeout`` of its config).
        parse_error: classifies the vendor's error answers.
        secrets: values ``parse_error`` scrubs from upstream messages.
    """

    deployment: str
    timeout: aiohttp.ClientTimeout
    parse_error: ErrorParser
    secrets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class JsonReply:
    """A 2xx whole answer: its object, its bytes as received (to relay untouched), its headers."""

    obj: dict[str, Any]
    raw: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class StreamReply:
    """A 2xx event stream: the body in the pieces it arrives in, and the headers.

    Closing ``chunks`` before its end drops the upstream connection (cancelling the generation);
    a connection cut mid-way raises a ``ProviderError`` from it.
    """

    chunks: AsyncGenerator[bytes, None]
    headers: Mapping[str, str]


class Transport(Protocol):
    """What an adapter sends through: the process's pooled client, or an in-memory fake."""

    max_body_bytes: int
    """The most of one answer (or one stream event, for decoders that buffer) the gateway holds."""

    async def post_json(
        self, url: str | URL, body: bytes, headers: Mapping[str, str], upstream: Upstream
    ) -> JsonReply: ...

    async def open_stream(
        self,
        url: str | URL,
        body: bytes,
        headers: Mapping[str, str],
        upstream: Upstream,
        content_type: str = EVENT_STREAM,
    ) -> StreamReply: ...


class Seam(ABC):
    """``Transport``'s two operations, written once over the primitives a client provides.

    The primitives hand the client's own response object around; all the seam reads of it is
    ``status`` and ``headers`` (typed ``Any`` here, each client types its own).
    """

    max_body_bytes: int

    @abstractmethod
    async def post(
        self, url: str | URL, body: bytes, headers: Mapping[str, str], timeout: aiohttp.ClientTimeout, deployment: str
    ) -> Any:
        """Send; return once the status and headers are in. The caller reads or releases the body."""

    @abstractmethod
    async def read_body(self, resp: Any, deployment: str) -> bytes:
        """The whole body, under ``max_body_bytes``."""

    @abstractmethod
    async def read_error_body(self, resp: Any, deployment: str) -> bytes:
        """At most a prefix of an error body; never fails on the body itself."""

    @abstractmethod
    def iter_body(self, resp: Any, deployment: str) -> AsyncGenerator[bytes, None]:
        """The body as it arrives; closing it early drops the connection."""

    async def post_json(self, url: str | URL, body: bytes, headers: Mapping[str, str], upstream: Upstream) -> JsonReply:
        """POST ``body``; a 2xx answer must be a JSON object, any other is the vendor's error."""
        deployment = upstream.deployment
        resp = await self.post(url, body, headers, upstream.timeout, deployment)
        status = resp.status
        if status < 200 or status >= 300:
            raise await self._error(resp, upstream)
        raw = await self.read_body(resp, deployment)
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            obj = None
        if not isinstance(obj, dict):
            raise ProviderResponseInvalid(
                f"Upstream deployment '{deployment}' answered {status} with a body that is not a JSON object.",
                deployment=deployment,
            )
        return JsonReply(obj, raw, resp.headers)

    async def open_stream(
        self,
        url: str | URL,
        body: bytes,
        headers: Mapping[str, str],
        upstream: Upstream,
        content_type: str = EVENT_STREAM,
    ) -> StreamReply:
        """POST ``body`` for a stream: 2xx with ``content_type`` (or none declared), else an error.

        A 2xx of another type (a proxy's JSON or HTML page) is a ``ProviderResponseInvalid``,
        never bytes relayed as events.
        """
        deployment = upstream.deployment
        resp = await self.post(url, body, headers, upstream.timeout, deployment)
        if resp.status < 200 or resp.status >= 300:
            raise await self._error(resp, upstream)
        declared = resp.headers.get("content-type")
        if declared is not None and not declared.lower().startswith(content_type):
            await self.read_error_body(resp, deployment)  # a prefix, then the connection is let go
            raise ProviderResponseInvalid(
                f"Upstream deployment '{deployment}' answered a stream request with '{declared[:80]}' "
                f"instead of '{content_type}'.",
                deployment=deployment,
            )
        return StreamReply(self.iter_body(resp, deployment), resp.headers)

    async def _error(self, resp: Any, upstream: Upstream) -> ProviderError:
        raw = await self.read_error_body(resp, upstream.deployment)
        return upstream.parse_error(resp.status, raw, resp.headers, upstream.deployment, upstream.secrets)
