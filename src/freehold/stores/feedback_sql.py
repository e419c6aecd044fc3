"""Feedback over SQL (SQLite or PostgreSQL): the ``feedback`` table, joined with ``ledger`` and ``audit_log``.

Ratings are rare next to requests, so they go through SQLAlchemy, one short transaction each.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from freehold.stores import schema
from freehold.stores.feedback import Feedback, FeedbackRow
from freehold.stores.ledger import LedgerRow, utc
from freehold.stores.ledger_sql import SqlLedger

__all__ = ["SqlFeedback"]

_f = schema.feedback
_l = schema.ledger
_a = schema.audit_log


class SqlFeedback:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._ledger = SqlLedger(engine)

    async def request(self, request_id: str) -> LedgerRow | None:
        return await self._ledger.get(request_id)

    async def rate(self, feedback: Feedback) -> bool:
        at = utc(feedback.at)
        values = {"key_id": feedback.key_id, "score": feedback.score, "comment": feedback.comment, "updated_at": at}
        async with self._engine.begin() as conn:
            done = await conn.execute(update(_f).where(_f.c.request_id == feedback.request_id).values(**values))
            if done.rowcount:
                return True
            await conn.execute(insert(_f).values(request_id=feedback.request_id, created_at=at, **values))
            return False

    async def export(self, since: datetime | None = None) -> list[FeedbackRow]:
        audit = and_(_a.c.request_id == _f.c.request_id, _a.c.kind == "request")
        stmt = (
            select(
                _f.c.request_id, _f.c.score, _f.c.comment, _f.c.updated_at, _l.c.alias, _l.c.routed_alias,
                _l.c.deployment, _l.c.key_id, _l.c.team_id, _l.c.started_at, _a.c.request_sha256, _a.c.content,
            )
            .join(_l, _l.c.request_id == _f.c.request_id)
            .outerjoin(_a, audit)
            .order_by(_f.c.updated_at, _f.c.request_id)
        )  # fmt: skip
        if since is not None:
            stmt = stmt.where(_f.c.updated_at >= utc(since))
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [
            FeedbackRow(rid, float(score), comment, utc(rated), alias, routed, dep, key, team, utc(started), sha, body)
            for rid, score, comment, rated, alias, routed, dep, key, team, started, sha, body in rows
        ]

    async def delete(self, request_id: str) -> None:
        """Forget a rating (tests; an operator's clean-up)."""
        async with self._engine.begin() as conn:
            await conn.execute(delete(_f).where(_f.c.request_id == request_id))
