"""The audit chain: what ``verify`` finds when records are altered, deleted, forged, reordered or cut."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from freehold.privacy.audit_verify import verify_store
from freehold.stores.audit import GENESIS, AuditEntry, AuditRecord, MemoryAuditStore, seal

SECRET = b"s" * 32
T0 = datetime(2026, 12, 1, tzinfo=UTC)


async def chain_of(n: int) -> MemoryAuditStore:
    store = MemoryAuditStore()
    entries = [
        AuditEntry(
            kind="response",
            time=T0 + timedelta(seconds=i),
            request_id=f"req_{i}",
            vendor="openai",
            categories={"EMAIL": 1},
            action="pseudonymize",
            request_sha256="a" * 64,
        )
        for i in range(1, n + 1)
    ]
    await store.append(entries[: n // 2], SECRET)
    await store.append(entries[n // 2 :], SECRET)
    return store


async def problems(store: MemoryAuditStore, **kw: object) -> list[str]:
    return (await verify_store(store, SECRET, page=3, **kw)).problems  # type: ignore[arg-type]


async def test_an_untouched_chain_is_intact_and_its_head_is_reported() -> None:
    store = await chain_of(10)
    result = await verify_store(store, SECRET, page=3)
    assert result.intact and result.records == 10
    assert (result.last_seq, result.last_mac) == await store.head()
    assert (await verify_store(MemoryAuditStore(), SECRET)).intact


async def test_an_altered_field_names_its_record() -> None:
    store = await chain_of(10)
    r = store.rows[4]
    store.rows[4] = dataclasses.replace(r, entry=dataclasses.replace(r.entry, vendor="local"))
    assert await problems(store) == ["record seq 4: altered (mac mismatch)"]


async def test_the_wrong_key_fails_every_record() -> None:
    store = await chain_of(3)
    result = await verify_store(store, b"not the key", page=3)
    assert len(result.problems) == 3 and all("mac mismatch" in p for p in result.problems)


async def test_deleted_records_show_as_a_gap() -> None:
    store = await chain_of(20)
    del store.rows[17], store.rows[18]
    assert await problems(store) == ["records 17–18: missing (gap in sequence)"]
    del store.rows[1]
    assert (await problems(store))[0] == "record seq 1: missing (gap in sequence)"


async def test_a_forged_record_without_the_key_is_named() -> None:
    store = await chain_of(10)
    # Replace record 9 with one sealed under a guessed key: nothing after it chains to it.
    real = store.rows[9]
    fake_entry = dataclasses.replace(real.entry, vendor="nobody")
    fake_mac = seal(b"guess", real.prev_mac, 9, fake_entry)
    store.rows[9] = AuditRecord(9, fake_entry, real.prev_mac, fake_mac)
    assert await problems(store) == ["record seq 9: inserted/forged (mac does not chain)"]


async def test_a_record_appended_past_the_head_and_an_altered_last_record_are_named() -> None:
    store = await chain_of(5)
    last = store.rows[5]
    forged = AuditRecord(6, dataclasses.replace(last.entry, request_id="req_x"), last.mac, "f" * 64)
    store.rows[6] = forged
    found = await problems(store)
    assert found == [
        "record seq 6: altered or forged (mac mismatch; the last record)",
        "chain head says seq 5 but records go to seq 6 (head altered)",
    ]
    store.rows[5] = dataclasses.replace(last, entry=dataclasses.replace(last.entry, action="allow"))
    del store.rows[6]
    assert await problems(store) == ["record seq 5: altered or forged (mac mismatch; the last record)"]


async def test_reordered_records_fail() -> None:
    """Swapping two records' places: their seq is sealed, so neither verifies where it now stands."""
    store = await chain_of(10)
    a, b = store.rows[3], store.rows[4]
    store.rows[3] = dataclasses.replace(b, seq=3)
    store.rows[4] = dataclasses.replace(a, seq=4)
    assert await problems(store) == [
        "record seq 3: inserted/forged (mac does not chain)",
        "record seq 4: inserted/forged (mac does not chain)",
    ]


async def test_a_record_moved_from_another_chain_does_not_chain() -> None:
    store = await chain_of(6)
    other = await chain_of(6)  # same key, another chain: its records verify on their own
    r = other.rows[4]
    store.rows[4] = AuditRecord(4, r.entry, "e" * 64, seal(SECRET, "e" * 64, 4, r.entry))
    assert await problems(store) == ["record seq 4: does not chain to record seq 3 (reordered or re-linked)"]


async def test_a_cut_tail_is_caught_by_the_head_row_or_an_anchor_and_not_otherwise() -> None:
    store = await chain_of(10)
    head = await store.head()
    del store.rows[10], store.rows[9]
    assert await problems(store) == ["records 9–10: missing (the chain head says seq 10)"]
    # A careful attacker moves the head row back too: what is left is a valid shorter chain...
    store.head_seq, store.head_mac = 8, store.rows[8].mac
    assert await problems(store) == []
    # ...which only an anchor noted earlier exposes.
    assert await problems(store, anchor=head) == ["record seq 10: missing (the anchor names it; the tail was cut)"]
    assert await problems(store, anchor=(8, store.rows[8].mac)) == []
    assert await problems(store, anchor=(8, "0" * 64)) == [f"record seq 8: differs from the anchor (mac {'0' * 16}…)"]


@pytest.mark.parametrize("field", ["time", "categories", "action", "request_sha256", "content", "detail", "kind"])
async def test_every_field_is_covered_by_the_mac(field: str) -> None:
    store = await chain_of(3)
    r = store.rows[2]
    changed = {
        "time": r.entry.time + timedelta(microseconds=1),
        "categories": {"EMAIL": 2},
        "action": "allow",
        "request_sha256": "b" * 64,
        "content": "x",
        "detail": {"status": "200"},
        "kind": "request",
    }[field]
    store.rows[2] = dataclasses.replace(r, entry=dataclasses.replace(r.entry, **{field: changed}))
    assert await problems(store) == ["record seq 2: altered (mac mismatch)"]


def test_the_first_record_chains_to_genesis() -> None:
    assert len(GENESIS) == 64 and set(GENESIS) == {"0"}
