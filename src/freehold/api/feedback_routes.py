"""``POST /v1/feedback``: a client scores an answer it got, for retraining a router on its own traffic.

Body: ``{"request_id": "req_…", "score": 0.0–1.0, "comment": "…"}`` (``score``: 1 a good answer,
0 a bad one; ``comment`` optional, at most 2,000 characters). Authenticated like every ``/v1``
route. A virtual key may rate only the requests it made: the request's ledger row must carry the
key's id (a request of another key is answered as unknown, 404, so ids cannot be probed); the
master key may rate any. Only requests that reached a model have a ledger row. Rating a request
again replaces its score. docs/routing.md has the export and the join.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import orjson

from freehold.api.app_context import ApiContext
from freehold.api.asgi import Scope
from freehold.api.door import DoorEndpoint, JsonReply, StreamReply
from freehold.context import RequestContext
from freehold.echo import clip
from freehold.errors import InvalidRequest, NotFound
from freehold.stores.feedback import Feedback, FeedbackStore

__all__ = ["FeedbackEndpoint", "parse_feedback"]

MAX_COMMENT = 2000


def parse_feedback(raw: bytes) -> tuple[str, float, str | None]:
    """``(request_id, score, comment)`` from the body, or a 400 that says what to fix."""
    try:
        body: Any = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise InvalidRequest('The body must be JSON: {"request_id": "req_…", "score": 0.8}.') from None
    if not isinstance(body, dict):
        raise InvalidRequest("The body must be a JSON object with 'request_id' and 'score'.")
    unknown = sorted(set(body) - {"request_id", "score", "comment"})
    if unknown:
        raise InvalidRequest(
            f"Unknown field {clip(unknown[0])}; feedback takes 'request_id', 'score' and 'comment'.", param=unknown[0]
        )
    rid = body.get("request_id")
    if not isinstance(rid, str) or not 0 < len(rid) <= 80:
        raise InvalidRequest(
            "'request_id' must be the x-request-id of the answer being rated (a string of up to 80 characters).",
            param="request_id",
        )
    score = body.get("score")
    if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score) or not 0 <= score <= 1:
        raise InvalidRequest(
            "'score' must be a number from 0 (a bad answer) to 1 (a good answer), e.g. 0.8.", param="score"
        )
    comment = body.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT):
        raise InvalidRequest(f"'comment' must be a string of at most {MAX_COMMENT} characters.", param="comment")
    return rid, float(score), comment


class FeedbackEndpoint(DoorEndpoint):
    door = "feedback"
    operation = "feedback"

    def __init__(self, api: ApiContext, store: FeedbackStore) -> None:
        super().__init__(api)
        self._store = store

    async def handle(self, ctx: RequestContext, scope: Scope, raw: bytes) -> JsonReply | StreamReply:
        rid, score, comment = parse_feedback(raw)
        row = await self._store.request(rid)
        key = ctx.principal.key
        if row is None or (key is not None and row.key_id != key.id):
            raise NotFound(
                f"No request {clip(rid)} made with this key is in the usage ledger (only requests that reached a "
                "model can be rated; use the x-request-id header of the answer).",
                param="request_id",
            )
        replaced = await self._store.rate(
            Feedback(rid, score, key.id if key is not None else None, comment, datetime.now(UTC))
        )
        answer = {"object": "feedback", "request_id": rid, "score": score, "replaced": replaced}
        return JsonReply(orjson.dumps(answer), [(b"x-request-id", ctx.request_id.encode())])
