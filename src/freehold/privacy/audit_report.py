"""``freehold audit report``: which categories of personal data went to which vendor, over a period.

Counted from the audit log's records whose time falls in ``[since, until)``: each ``response``
record under its vendor (``(not sent)`` when no deployment received it), each ``refused`` record
under ``(refused)``, and each ``request`` journal that has no ``response`` record anywhere —
a gateway stopped while it ran — under ``(unknown: no outcome recorded)``: it may have reached a
vendor. A request adds its count of each category it carried, and one request; a request
without personal data is counted under category ``-``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from freehold.stores.audit import AuditEntry, AuditStore

__all__ = ["report_json"]

NOT_SENT = "(not sent)"
REFUSED = "(refused)"
UNKNOWN = "(unknown: no outcome recorded)"


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def report_json(store: AuditStore, since: datetime, until: datetime) -> dict[str, Any]:
    records = await store.between(since, until)
    counted: list[tuple[str, AuditEntry]] = []
    journals: dict[str, AuditEntry] = {}
    for record in records:
        e = record.entry
        if e.kind == "response":
            counted.append((e.vendor or NOT_SENT, e))
        elif e.kind == "refused":
            counted.append((REFUSED, e))
        elif e.kind == "request" and e.request_id is not None:
            journals[e.request_id] = e
    if journals:
        answered = await store.answered(list(journals))
        counted += [(UNKNOWN, e) for rid, e in journals.items() if rid not in answered]
    table: dict[tuple[str, str], list[int]] = {}
    for vendor, e in counted:
        found = {c: n for c, n in e.categories.items() if n > 0}
        for category, n in found.items() or [("-", 0)]:
            cell = table.setdefault((vendor, category), [0, 0])
            cell[0] += n
            cell[1] += 1
    data = [
        {"vendor": vendor, "category": category, "count": count, "requests": requests}
        for (vendor, category), (count, requests) in sorted(table.items())
    ]
    return {"object": "audit_report", "since": _iso(since), "until": _iso(until), "data": data}
