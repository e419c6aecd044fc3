"""``GET /metrics``: every metric in Prometheus's text exposition format.

Open without a key, like ``/health``: Prometheus scrapers are usually configured without
credentials, and the page holds only counts and timings labelled with alias, deployment and
front door names, never a key, a prompt or a client's input. An operator who does not want it
reachable turns it off with ``FREEHOLD_METRICS=false`` (it then answers 404 like any unknown
path), or keeps the port behind a proxy that only lets the scraper through.
"""

from __future__ import annotations

from freehold.api.asgi import Receive, RequestHead, Scope, Send, base_headers, error_response
from freehold.errors import NotFound
from freehold.observability.metrics import CONTENT_TYPE, Metrics

__all__ = ["MetricsEndpoint"]


class MetricsEndpoint:
    def __init__(self, metrics: Metrics | None) -> None:
        self._metrics = metrics
        self._content_type = CONTENT_TYPE.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        head = RequestHead(scope)
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
