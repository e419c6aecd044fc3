"""Feedback on answers: one score per request, kept beside the ledger, read back joined with it.

A client rates a request it made (``POST /v1/feedback``); the score lands here, keyed by the
request id, and a later rating of the same request replaces it. ``export`` joins each score with
the request's ledger row (the alias asked, the alias routing chose, the deployment) and, when the
audit log recorded the request, its body's SHA-256 and (with ``privacy.audit.content``) its
text: what ``freehold feedback export`` writes for retraining a router (docs/routing.md).

``MemoryFeedback`` is the twin over a ``MemoryLedger``; ``stores.feedback_sql.SqlFeedback`` the
SQL one. ``tests/contract/stores/test_feedback_store.py`` holds both to one contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from freehold.stores.ledger import LedgerRow, MemoryLedger, utc

__all__ = ["Feedback", "FeedbackRow", "FeedbackStore", "MemoryFeedback"]


@dataclass(frozen=True, slots=True)
class Feedback:
    request_id: str
    score: float
    """0 (a bad answer) to 1 (a good one)."""
    key_id: str | None
    """Who rated it: the key that made the request (None: the master key, or no keys)."""
    comment: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    """A score with what the ledger (and the audit log, when it has it) knows of its request."""

    request_id: str
    score: float
    comment: str | None
    rated_at: datetime
    alias: str
    routed_alias: str | None
    deployment: str | None
    key_id: str | None
    team_id: str | None
    started_at: datetime
    request_sha256: str | None = None
    request_body: str | None = None
    """The request as the audit log kept it (``privacy.audit.content``), else None."""


class FeedbackStore(Protocol):
    async def request(self, request_id: str) -> LedgerRow | None:
        """The ledger row of the request being rated (None: no such request reached a provider)."""
        ...

    async def rate(self, feedback: Feedback) -> bool:
        """Store ``feedback``, replacing an earlier score of the same request; True when it replaced one."""
        ...

    async def export(self, since: datetime | None = None) -> list[FeedbackRow]:
        """Every score (rated at or after ``since``), oldest first, joined with its request's ledger row."""
        ...


class MemoryFeedback:
    """The in-memory twin, over a ``MemoryLedger``'s rows (no audit log: no hashes or bodies)."""

    def __init__(self, ledger: MemoryLedger) -> None:
        self._ledger = ledger
        self.rows: dict[str, tuple[Feedback, datetime]] = {}

    async def request(self, request_id: str) -> LedgerRow | None:
        return await self._ledger.get(request_id)

    async def rate(self, feedback: Feedback) -> bool:
        found = self.rows.get(feedback.request_id)
        created = found[1] if found is not None else utc(feedback.at)
        self.rows[feedback.request_id] = (feedback, created)
        return found is not None

    async def export(self, since: datetime | None = None) -> list[FeedbackRow]:
        out = []
        for feedback, _ in self.rows.values():
            row = self._ledger.rows.get(feedback.request_id)
            if row is None or (since is not None and utc(feedback.at) < utc(since)):
                continue
            out.append(
                FeedbackRow(
                    feedback.request_id, feedback.score, feedback.comment, utc(feedback.at), row.alias,
                    row.routed_alias, row.deployment, row.key_id, row.team_id, row.started_at,
                )
            )  # fmt: skip
        return sorted(out, key=lambda r: (r.rated_at, r.request_id))
