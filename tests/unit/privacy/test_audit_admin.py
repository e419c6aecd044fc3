"""Admin actions and the audit log: recorded before they are carried out, refused when they cannot be recorded."""

from __future__ import annotations

from typing import Any

import pytest

from freehold.errors import AuditUnavailable, NotFound
from freehold.governance.admin import KeyAdmin
from freehold.governance.admin_models import KeyCreate, KeyUpdate, TeamCreate
from freehold.governance.spend import NoSpend
from freehold.privacy.audit import AuditWriter
from freehold.stores.audit import MemoryAuditStore
from freehold.stores.keys import MemoryKeyStore

SECRET = b"s" * 32


class Down(MemoryAuditStore):
    def __init__(self) -> None:
        super().__init__()
        self.down = False

    async def append(self, entries: Any, secret: bytes) -> Any:
        if self.down:
            raise OSError("database unreachable")
        return await super().append(entries, secret)


async def admin_with(audit_store: MemoryAuditStore) -> tuple[KeyAdmin, AuditWriter, MemoryKeyStore]:
    writer = AuditWriter(audit_store, SECRET, flush_interval=0.01, timeout=0.2)
    await writer.start()
    keys = MemoryKeyStore()
    return KeyAdmin(keys, NoSpend(), audit=writer), writer, keys


def actions(store: MemoryAuditStore) -> list[tuple[str | None, Any]]:
    return [(r.entry.action, (r.entry.detail or {}).get("target")) for r in store.rows.values()]


async def test_an_action_is_recorded_then_done() -> None:
    store = MemoryAuditStore()
    admin, writer, keys = await admin_with(store)
    key, _ = await admin.create_key(KeyCreate(name="ci"), actor="admin-api:master")
    team = await admin.create_team(TeamCreate(name="ops"))
    assert await keys.get_key(key.id) is not None
    assert actions(store) == [("key.created", key.id), ("team.created", team.id)]
    await writer.close()


async def test_an_action_that_cannot_be_recorded_is_not_done() -> None:
    store = Down()
    admin, writer, keys = await admin_with(store)
    key, _ = await admin.create_key(KeyCreate(name="ci"))
    store.down = True
    with pytest.raises(AuditUnavailable):
        await admin.create_key(KeyCreate(name="unrecorded"))
    with pytest.raises(AuditUnavailable):
        await admin.revoke_key(key.id)
    assert [k.name for k in await keys.list_keys()] == ["ci"]
    assert (await keys.get_key(key.id)).revoked_at is None  # type: ignore[union-attr]
    store.down = False
    await writer.close()
    assert actions(store) == [("key.created", key.id)]


async def test_an_action_that_fails_after_being_recorded_is_marked_failed() -> None:
    store = MemoryAuditStore()
    admin, writer, _ = await admin_with(store)
    with pytest.raises(NotFound):
        await admin.update_key("key_missing", KeyUpdate(rpm=5))
    assert actions(store) == [("key.updated", "key_missing"), ("key.updated.failed", "key_missing")]
    assert list(store.rows.values())[-1].entry.detail == {"actor": "cli", "target": "key_missing", "error": "NotFound"}
    await writer.close()
