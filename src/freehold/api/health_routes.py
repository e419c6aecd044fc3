"""``/health/live`` (the process answers) and ``/health/ready`` (it can serve traffic).

Both are open without a key: orchestrators probe them without credentials.
"""

from __future__ import annotations

from collections.abc import Callable

import orjson

from freehold.api.asgi import Receive, RequestHead, Scope, Send, base_headers, json_response

__all__ = ["ADVISORY", "HealthEndpoint"]

ADVISORY = frozenset({"redis"})


class HealthEndpoint:
    def __init__(self, check: Callable[[], dict[str, bool]] | None = None) -> None:
        self._check = check

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = base_headers(RequestHead(scope).request_id)
        if self._check is None:
            await json_response(send, 200, b'{"status":"ok"}', headers)
            return
        checks = self._check()
        # Redis only shares breaker state, and breakers fail open without it: reported, not deciding,
        # so that a Redis outage does not make every replica look unready at once.
        ready = all(ok for name, ok in checks.items() if name not in ADVISORY)
        body = orjson.dumps({"status": "ok" if ready else "unavailable", "checks": checks})
        await json_response(send, 200 if ready else 503, body, headers)
