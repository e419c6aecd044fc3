"""Checking the audit chain: which records were altered, inserted, deleted or reordered.

``verify`` walks the records in ``seq`` order with the secret and names every problem:

- a record whose mac is not the one its fields make: **altered** when the next record still
  chains to its mac (its fields changed in place), else **inserted/forged** (nothing chains to
  it: it was made without the secret); the last record has no successor to tell which;
- a gap in ``seq``: records **missing** (deleted);
- a record that verifies but does not chain to the one before it: **reordered or re-linked**.

What it cannot see on its own: records deleted from the *end* of the chain (what is left is a
valid, shorter chain). The ``audit_head`` table the writers keep catches a careless truncation
(``head says seq N``); an operator who notes the head printed by ``freehold audit verify``
(``--anchor SEQ:MAC`` checks it later) catches any.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from freehold.stores.audit import GENESIS, AuditRecord, AuditStore, sealed

__all__ = ["Verification", "verify", "verify_store"]


@dataclass(slots=True)
class Verification:
    records: int = 0
    last_seq: int = 0
    last_mac: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def _missing(first: int, last: int) -> str:
    if first == last:
        return f"record seq {first}: missing (gap in sequence)"
    return f"records {first}–{last}: missing (gap in sequence)"


async def verify(
    records: AsyncIterator[AuditRecord],
    secret: bytes,
    anchor: tuple[int, str] | None = None,
) -> Verification:
    """Walk the chain (records in seq order); ``anchor`` is a (seq, mac) an operator noted earlier."""
    out = Verification()
    prev: AuditRecord | None = None
    prev_flagged = False
    anchor_seen = False
    current = await anext(records, None)
    while current is not None:
        nxt = await anext(records, None)
        out.records += 1
        expected_seq = prev.seq + 1 if prev is not None else 1
        expected_prev = prev.mac if prev is not None else GENESIS
        gap = current.seq > expected_seq
        if gap:
            out.problems.append(_missing(expected_seq, current.seq - 1))
        flagged = False
        if not sealed(current, secret):
            flagged = True
            chained_to = nxt is not None and nxt.prev_mac == current.mac
            links_back = current.prev_mac == expected_prev or gap or prev_flagged
            if nxt is None and links_back:
                out.problems.append(f"record seq {current.seq}: altered or forged (mac mismatch; the last record)")
            elif chained_to:
                out.problems.append(f"record seq {current.seq}: altered (mac mismatch)")
            else:
                out.problems.append(f"record seq {current.seq}: inserted/forged (mac does not chain)")
        elif current.prev_mac != expected_prev and not gap and not prev_flagged:
            flagged = True
            out.problems.append(
                f"record seq {current.seq}: does not chain to record seq {expected_seq - 1} (reordered or re-linked)"
            )
        if anchor is not None and current.seq == anchor[0]:
            anchor_seen = True
            if current.mac != anchor[1]:
                out.problems.append(f"record seq {current.seq}: differs from the anchor (mac {anchor[1][:16]}…)")
        prev, prev_flagged, current = current, flagged, nxt
    if prev is not None:
        out.last_seq, out.last_mac = prev.seq, prev.mac
    if anchor is not None and not anchor_seen:
        out.problems.append(f"record seq {anchor[0]}: missing (the anchor names it; the tail was cut)")
    return out


async def _pages(store: AuditStore, page: int) -> AsyncIterator[AuditRecord]:
    after = 0
    while True:
        batch = await store.records(after, page)
        for record in batch:
            yield record
        if len(batch) < page:
            return
        after = batch[-1].seq


async def verify_store(
    store: AuditStore, secret: bytes, anchor: tuple[int, str] | None = None, page: int = 5000
) -> Verification:
    """Verify every record of ``store`` (read in pages), and the tail against the writers' head row.

    The head is read before and after the walk, so that records appended meanwhile (a gateway
    running) are not taken for tampering.
    """
    before = await store.head()
    out = await verify(_pages(store, page), secret, anchor=anchor)
    after = await store.head()
    if out.last_seq < before[0]:
        out.problems.append(
            _missing(out.last_seq + 1, before[0]).replace("gap in sequence", f"the chain head says seq {before[0]}")
        )
    elif out.last_seq > after[0]:
        out.problems.append(f"chain head says seq {after[0]} but records go to seq {out.last_seq} (head altered)")
    elif out.last_seq == after[0] and after[0] and after[1] != out.last_mac:
        out.problems.append(f"chain head's mac differs from record seq {after[0]}'s (head or record altered)")
    return out
