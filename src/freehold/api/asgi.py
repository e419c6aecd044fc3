"""Small raw-ASGI helpers for the hot routes.

The hot handlers speak ASGI directly instead of going through Starlette's Request/Response
objects: the saved work is a measurable share of the per-request CPU (bench/RESULTS.md).
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from freehold.echo import clip
from freehold.errors import (
    FreeholdError,
    InvalidRequest,
    PayloadTooLarge,
    UnsupportedMediaType,
    forget_traceback,
)
from freehold.ids import new_id, valid_client_request_id
from freehold.timers import SlotTimers, Timed

__all__ = [
    "ASGIApp",
    "ClientGone",
    "DisconnectWatch",
    "ErrorRenderer",
    "Receive",
    "RequestHead",
    "Scope",
    "Send",
    "error_response",
    "json_response",
    "openai_error",
    "read_body",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("freehold.api")

JSON_HEADERS = [(b"content-type", b"application/json")]
MAX_TAGS = 32
MAX_TAG_CHARS = 256


class ClientGone(Exception):
    """The client disconnected before the request was read; there is no one to answer."""


class RequestHead:
    """The few request headers the gateway reads, found in one pass."""

    __slots__ = (
        "api_key", "authorization", "cache_control", "content_length", "content_type", "metadata", "priority",
        "request_id",
    )  # fmt: skip

    def __init__(self, scope: Scope) -> None:
        self.authorization: bytes | None = None
        self.api_key: bytes | None = None  # ``x-api-key``, as the anthropic SDK sends the key
        self.content_type: bytes | None = None
        self.content_length: bytes | None = None
        self.priority: bytes | None = None  # ``x-freehold-priority``: queue order when saturated
        self.metadata: list[tuple[bytes, bytes]] | None = None  # ``x-freehold-metadata-*``: client tags
        self.cache_control: bytes | None = None  # ``no-cache``/``no-store``: the answer cache's opt-outs
        request_id: bytes | None = None
        for key, value in scope["headers"]:
            if key == b"authorization":
                self.authorization = value
            elif key == b"content-type":
                self.content_type = value
            elif key == b"content-length":
                self.content_length = value
            elif key == b"x-request-id":
                request_id = value
            elif key == b"x-api-key":
                self.api_key = value
            elif key == b"x-freehold-priority":
                self.priority = value
            elif key[:20] == b"x-freehold-metadata-":
                if self.metadata is None:
                    self.metadata = []
                self.metadata.append((key[20:], value))
            elif key == b"cache-control":
                self.cache_control = value
        if request_id is not None:
            text = request_id.decode("latin-1")
            self.request_id = text if valid_client_request_id(text) else new_id("req_")
        else:
            self.request_id = new_id("req_")

    def priority_value(self, ceiling: int | None = None) -> int:
        """``x-freehold-priority``: an integer, higher first, default 0, clamped to ±1000.

        With ``ceiling`` (a virtual key's priority) the default is the ceiling, and the header may
        lower it but never raise it: a client does not promote itself above what its key grants.
        """
        if self.priority is None:
            return 0 if ceiling is None else ceiling
        try:
            value = int(self.priority)
        except ValueError:
            raise InvalidRequest(
                "Header 'x-freehold-priority' must be an integer (higher is served first when the gateway queues).",
                param="x-freehold-priority",
            ) from None
        value = max(-1000, min(1000, value))
        return value if ceiling is None else min(value, ceiling)

    def tags(self) -> dict[str, str]:
        """The ``x-freehold-metadata-<name>`` headers as ``{name: value}`` (routing rules' ``tags``).

        Bounded, since every stage may read them: at most ``MAX_TAGS`` of ``MAX_TAG_CHARS`` each.
        """
        found = self.metadata or []
        if len(found) > MAX_TAGS:
            raise InvalidRequest(
                f"At most {MAX_TAGS} x-freehold-metadata-* headers are accepted; this request sent {len(found)}.",
                param="x-freehold-metadata",
            )
        out = {}
        for name, value in found:
            text = value.decode("latin-1").strip()
            if len(text) > MAX_TAG_CHARS or not name:
                raise InvalidRequest(
                    f"Header 'x-freehold-metadata-{clip(name.decode('latin-1'))}' must have a name and a value of at "
                    f"most {MAX_TAG_CHARS} characters.",
                    param="x-freehold-metadata",
                )
            out[name.decode("latin-1")] = text
        return out

    def presented_keys(self, *, x_api_key: bool) -> list[bytes]:
        """The keys the request carries: ``Authorization: Bearer``, and ``x-api-key`` where the door takes it.

        An empty header is as if absent (some SDK set-ups send ``x-api-key: ""`` beside a Bearer).
        """
        keys: list[bytes] = []
        if x_api_key and self.api_key is not None and self.api_key.strip():
            keys.append(self.api_key.strip())
        auth = self.authorization
        if auth and auth[:7].lower() == b"bearer " and auth[7:].strip():
            keys.append(auth[7:].strip())
        return keys

    def check_json(self) -> None:
        """Reject an explicit non-JSON content type; a missing one is read as JSON."""
        ctype = self.content_type
        if ctype is None:
            return
        media = ctype.split(b";", 1)[0].strip().lower()
        if media != b"application/json" and not media.endswith(b"+json"):
            raise UnsupportedMediaType(
                f"Content-Type must be application/json, got '{media.decode('latin-1')}'. "
                "Send the body as JSON with the header 'Content-Type: application/json'.",
            )


async def read_body(receive: Receive, head: RequestHead, limit: int) -> bytes:
    """The whole request body, refusing early (from Content-Length) or as soon as it exceeds ``limit``."""
    if head.content_length is not None:
        try:
            declared = int(head.content_length)
        except ValueError:
            declared = 0
        if declared > limit:
            raise _too_large(limit)
    message = await receive()
    body: bytes = message.get("body", b"")
    if not message.get("more_body", False):
        if len(body) > limit:
            raise _too_large(limit)
        return body
    parts = [body]
    size = len(body)
    while message.get("more_body", False):
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        parts.append(chunk)
    return b"".join(parts)


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"Request body is larger than this gateway accepts ({limit} bytes); send a smaller one.")


def base_headers(request_id: str) -> list[tuple[bytes, bytes]]:
    return [(b"x-request-id", request_id.encode())]


async def json_response(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    headers += JSON_HEADERS
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def openai_error(exc: FreeholdError, request_id: str) -> tuple[int, dict[str, Any], list[tuple[bytes, bytes]]]:
    """An error as OpenAI renders it: status, body, and no extra headers."""
    return exc.status, exc.to_openai(), []


ErrorRenderer = Callable[[FreeholdError, str], tuple[int, dict[str, Any], list[tuple[bytes, bytes]]]]
"""A front door's error format: ``(exc, request_id) -> (status, body, extra headers)``."""


async def error_response(
    send: Send,
    exc: FreeholdError,
    request_id: str,
    render: ErrorRenderer = openai_error,
    extra_headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Render an error in a front door's format (OpenAI's by default) and log it once.

    Client mistakes are logged at info, the rest at warning. ``Retry-After`` is set where it applies;
    ``extra_headers`` are the stages' (``RequestContext.headers``).
    The error's traceback is dropped: a frame in it may hold the error (a list of failed
    attempts), and that cycle would keep the whole request alive until a full collection.
    """
    forget_traceback(exc)
    status, body, extra = render(exc, request_id)
    headers = base_headers(request_id) + extra
    if extra_headers:
        headers += extra_headers
    if exc.retry_after is not None:
        # Rounded up: a client that waits exactly this long must not arrive early.
        headers.append((b"retry-after", str(max(1, math.ceil(exc.retry_after))).encode()))
    level = logging.INFO if exc.status < 500 else logging.WARNING
    log.log(level, "request %s failed with %d: %s", request_id, exc.status, exc.message)
    await json_response(send, status, orjson.dumps(body), headers)


class DisconnectWatch:
    """Cancels the handler's task when the client goes away, so the upstream call is cancelled too.

    ASGI servers do not cancel the app when a client disconnects; they only report it through
    ``receive()``. A watcher task listens for that, started only once the request has been
    running for ``WATCH_AFTER`` seconds (up to one 50 ms slot more): creating and cancelling a
    task per request was the largest single overhead of the hot path (bench/RESULTS.md), and a
    request that finishes sooner has nothing worth cancelling. The start is a member of a
    shared slot timer (``freehold.timers``) rather than a timer of its own. A client that leaves
    earlier is noticed as soon as the watcher starts.
    """

    WATCH_AFTER = 0.05

    __slots__ = ("_receive", "_slot", "_target", "_task", "disconnected")

    def __init__(self, receive: Receive) -> None:
        self.disconnected = False
        self._receive = receive
        self._target = asyncio.current_task()
        self._task: asyncio.Task[None] | None = None
        self._slot: set[Timed] | None = _WATCH_STARTS.add(self, self.WATCH_AFTER)

    def fire(self) -> None:
        """The request is still running after ``WATCH_AFTER``: start watching."""
        self._slot = None
        self._task = asyncio.ensure_future(self._watch())

    async def _watch(self) -> None:
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
                if self._target is not None:
                    self._target.cancel()
                return

    def stop(self) -> None:
        if self._slot is not None:
            self._slot.discard(self)
            self._slot = None
        if self._task is not None:
            self._task.cancel()


_WATCH_STARTS = SlotTimers(early=False)  # never early: a request faster than WATCH_AFTER never starts one
