"""``GET /metrics``: every metric in Prometheus's text exposition format.

The page holds only counts and timings, but labelled with every alias, deployment and model
name: what the gateway serves, which ``/v1/models`` shows only to key holders. So when a master
key is set, scrapers must send it too (Prometheus: ``authorization: {credentials: ...}``), unless
``FREEHOLD_METRICS_AUTH=false`` opens the page for a scraper that cannot; without a master key
it is open like everything else. ``FREEHOLD_METRICS=false`` turns it off (404).
"""

from __future__ import annotations

from freehold.api.asgi import Receive, RequestHead, Scope, Send, base_headers, error_response
from freehold.api.auth import MasterKeyAuthenticator
from freehold.errors import AuthenticationFailed, NotFound
from freehold.observability.metrics import CONTENT_TYPE, Metrics

__all__ = ["MetricsEndpoint"]


class MetricsEndpoint:
    def __init__(self, metrics: Metrics | None, key: bytes | None = None) -> None:
        self._metrics = metrics
        self._auth = MasterKeyAuthenticator(key)
        self._content_type = CONTENT_TYPE.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        head = RequestHead(scope)
        try:
            self._auth.check(head)
        except AuthenticationFailed as exc:
            await error_response(send, exc, head.request_id)
            return
        if self._metrics is None:
            await error_response(
                send,
                NotFound("Metrics are turned off on this gateway (FREEHOLD_METRICS=false)."),
                head.request_id,
            )
            return
        body = self._metrics.exposition()
        headers = base_headers(head.request_id)
        headers.append((b"content-type", self._content_type))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
