"""The audit log's store: an append-only chain of records, each sealed to the one before it.

A record is one event: a request journaled before it is sent (``request``), how it ended
(``response``), a request refused without being sent (``refused``: a privacy block), or an
admin action (``admin``: keys, teams, a changed privacy policy). Each gets the next ``seq``
(1, 2, 3, ... without gaps) and ``mac = HMAC-SHA256(secret, prev_mac || canonical(record))``,
where ``canonical`` is the record's every field but ``mac`` (``seq`` included) as sorted JSON
and ``prev_mac`` is the mac of record ``seq - 1`` (``GENESIS`` for the first). Whoever lacks the
secret cannot make a record that verifies: editing, inserting, deleting or reordering records
shows (``privacy/audit_verify.py``).

``append`` is one transaction for a whole batch, serialized against every other writer of the
chain — other replicas included — by the one-row ``audit_head`` table (PostgreSQL: ``SELECT
... FOR UPDATE``; SQLite: ``BEGIN IMMEDIATE``), so concurrent writers keep one chain. Before
extending the chain a writer checks that its head record verifies under its own secret: a
gateway with the wrong key (or a tampered head) refuses to write rather than fork the chain.

``stores.audit_sql`` is the SQL implementation; ``tests/contract/stores/test_audit_store.py``
holds both to the same contract.
"""

from __future__ import annotations

import dataclasses
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal, Protocol

import orjson

__all__ = [
    "GENESIS",
    "AuditEntry",
    "AuditRecord",
    "AuditStore",
    "ChainKeyMismatch",
    "Kind",
    "MemoryAuditStore",
    "canonical",
    "chain",
    "check_head",
    "seal",
    "sealed",
]

Kind = Literal["request", "response", "refused", "admin"]
GENESIS: Final = "0" * 64
"""The ``prev_mac`` of the first record."""


class ChainKeyMismatch(Exception):
    """The chain's head record does not verify under this writer's secret (another key, or tampering)."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What a writer appends; the store gives it its ``seq`` and mac."""

    kind: Kind
    time: datetime
    request_id: str | None = None
    key_id: str | None = None
    team_id: str | None = None
    alias: str | None = None
    deployment: str | None = None
    vendor: str | None = None
    categories: Mapping[str, int] = field(default_factory=dict)
    action: str | None = None
    request_sha256: str | None = None
    response_sha256: str | None = None
    content: str | None = None
    """The raw request or answer, only when ``privacy.audit.content`` is on."""
    detail: Mapping[str, Any] | None = None
    """JSON-able: a request's status and attempts; an admin action's actor, target and changes."""


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    entry: AuditEntry
    prev_mac: str
    mac: str


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


_FIELDS = tuple(f.name for f in dataclasses.fields(AuditEntry))


def canonical(seq: int, entry: AuditEntry) -> bytes:
    """The bytes a record's mac covers (with its ``prev_mac``): every field, sorted JSON, UTC microseconds."""
    fields = {name: getattr(entry, name) for name in _FIELDS}
    when = entry.time
    fields["time"] = (when if when.tzinfo is UTC else _utc(when)).isoformat(timespec="microseconds")
    categories, detail = entry.categories, entry.detail
    if type(categories) is not dict:
        fields["categories"] = dict(categories)
    if detail is not None and type(detail) is not dict:
        fields["detail"] = dict(detail)
    fields["seq"] = seq
    return orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)


def seal(secret: bytes, prev_mac: str, seq: int, entry: AuditEntry) -> str:
    """The record's mac: HMAC-SHA256(secret, prev_mac || newline || canonical), hex."""
    return hmac.digest(secret, prev_mac.encode() + b"\n" + canonical(seq, entry), "sha256").hex()


def sealed(record: AuditRecord, secret: bytes) -> bool:
    """Whether the record's mac is the one its fields and ``prev_mac`` make under ``secret``."""
    return hmac.compare_digest(record.mac, seal(secret, record.prev_mac, record.seq, record.entry))


def chain(secret: bytes, head_seq: int, head_mac: str, entries: Sequence[AuditEntry]) -> list[AuditRecord]:
    """``entries`` as records following the head ``(head_seq, head_mac)``."""
    out = []
    seq, prev = head_seq, head_mac
    for entry in entries:
        seq += 1
        if entry.time.tzinfo is not UTC:
            entry = dataclasses.replace(entry, time=_utc(entry.time))
        mac = seal(secret, prev, seq, entry)
        out.append(AuditRecord(seq, entry, prev, mac))
        prev = mac
    return out


def check_head(secret: bytes, head: AuditRecord | None, head_seq: int) -> None:
    """Refuse to extend a chain whose head record does not verify under ``secret``.

    Raises:
        ChainKeyMismatch: saying what to do.
    """
    if head_seq == 0:
        return
    if head is None or not sealed(head, secret):
        raise ChainKeyMismatch(
            f"the audit log's last record (seq {head_seq}) does not verify with this gateway's audit key: "
            "the replicas must share one FREEHOLD_AUDIT_KEY (or key file); if they do, the log was tampered "
            "with — run `freehold audit verify`"
        )


class AuditStore(Protocol):
    async def append(self, entries: Sequence[AuditEntry], secret: bytes) -> list[AuditRecord]:
        """Chain and insert ``entries`` in one transaction, serialized against every other writer.

        Raises:
            ChainKeyMismatch: the head record does not verify under ``secret``; nothing written.
        """
        ...

    async def head(self) -> tuple[int, str]:
        """The chain head as the writers keep it: the last seq written and its mac (0, GENESIS when empty)."""
        ...

    async def records(self, after: int = 0, limit: int = 5000) -> list[AuditRecord]:
        """Records with ``seq > after``, in seq order, at most ``limit``."""
        ...

    async def between(self, since: datetime, until: datetime) -> list[AuditRecord]:
        """Records with ``since <= time < until``, in seq order."""
        ...

    async def answered(self, request_ids: Sequence[str]) -> set[str]:
        """Of ``request_ids``, those with a ``response`` record (at any time)."""
        ...

    async def last_admin(self, action: str) -> AuditRecord | None:
        """The newest ``admin`` record of ``action``."""
        ...

    async def append_if_changed(self, entry: AuditEntry, secret: bytes, field: str) -> bool:
        """Append the admin ``entry`` unless the newest record of its action has the same ``detail[field]``.

        Decided under the chain's lock, so replicas starting together write it once. True: appended.
        """
        ...

    async def close(self) -> None: ...


class MemoryAuditStore:
    """The in-memory twin: the same contract, for unit tests (``rows`` may be tampered with directly)."""

    def __init__(self) -> None:
        self.rows: dict[int, AuditRecord] = {}
        self.head_seq, self.head_mac = 0, GENESIS
        self.writes = 0

    async def append(self, entries: Sequence[AuditEntry], secret: bytes) -> list[AuditRecord]:
        check_head(secret, self.rows.get(self.head_seq), self.head_seq)
        records = chain(secret, self.head_seq, self.head_mac, entries)
        for record in records:
            self.rows[record.seq] = record
        if records:
            self.head_seq, self.head_mac = records[-1].seq, records[-1].mac
        self.writes += 1
        return records

    async def head(self) -> tuple[int, str]:
        return self.head_seq, self.head_mac

    async def records(self, after: int = 0, limit: int = 5000) -> list[AuditRecord]:
        return [self.rows[s] for s in sorted(self.rows) if s > after][:limit]

    async def between(self, since: datetime, until: datetime) -> list[AuditRecord]:
        since, until = _utc(since), _utc(until)
        return [self.rows[s] for s in sorted(self.rows) if since <= self.rows[s].entry.time < until]

    async def answered(self, request_ids: Sequence[str]) -> set[str]:
        wanted = set(request_ids)
        return {
            r.entry.request_id
            for r in self.rows.values()
            if r.entry.kind == "response" and r.entry.request_id in wanted and r.entry.request_id is not None
        }

    async def last_admin(self, action: str) -> AuditRecord | None:
        found = [r for r in self.rows.values() if r.entry.kind == "admin" and r.entry.action == action]
        return max(found, key=lambda r: r.seq) if found else None

    async def append_if_changed(self, entry: AuditEntry, secret: bytes, field: str) -> bool:
        last = await self.last_admin(entry.action or "")
        if last is not None and (last.entry.detail or {}).get(field) == (entry.detail or {}).get(field):
            return False
        await self.append([entry], secret)
        return True

    async def close(self) -> None:
        return None
