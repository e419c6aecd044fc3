"""Virtual keys without a server: their format, the cache that checks them, the authenticator's policy."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import UTC, datetime, timedelta

import pytest

from freehold.api.asgi import RequestHead
from freehold.api.auth import MASTER, VirtualKeyAuthenticator
from freehold.context import ANONYMOUS, Principal, RequestContext
from freehold.errors import AuthenticationFailed, PermissionDenied
from freehold.governance.access import KeyAccess
from freehold.governance.keys import KeyCache, hash_secret, issue, new_key_id, split
from freehold.governance.model import Key
from freehold.schemas.chat import ChatRequest
from freehold.stores.keys import MemoryKeyStore


def head(*headers: tuple[str, str]) -> RequestHead:
    return RequestHead({"headers": [(k.encode(), v.encode()) for k, v in headers]})


def bearer(key: str) -> RequestHead:
    return head(("authorization", f"Bearer {key}"))


async def make_key(store: MemoryKeyStore, **fields: object) -> tuple[Key, str]:
    key_id = new_key_id()
    issued = issue(key_id)
    now = datetime.now(UTC)
    key = Key(key_id, "app", issued.secret_hash, issued.hint, created_at=now, updated_at=now)
    return await store.create_key(dataclasses.replace(key, **fields)), issued.key  # type: ignore[arg-type]


def test_a_key_names_its_id_and_carries_256_random_bits() -> None:
    key_id = new_key_id()
    one, two = issue(key_id), issue(key_id)
    assert one.key.startswith(f"fh_{key_id[4:]}_") and len(one.key) == 71 and one.key != two.key
    parts = split(one.key.encode())
    assert parts is not None and parts[0] == key_id[4:].encode()
    assert one.secret_hash == hash_secret(parts[1]) and one.hint == one.key[-4:]
    raw = one.key.encode()
    for other in (b"", b"sk-abc", raw[:-1], raw + b"x", b"xx" + raw[2:], raw.replace(b"_", b"-")):
        assert split(other) is None


async def test_the_cache_checks_the_secret_and_follows_rotation() -> None:
    store = MemoryKeyStore()
    key, secret = await make_key(store)
    cache = KeyCache(store)
    await cache.refresh(force=True)
    found = cache.find(secret.encode())
    assert found is not None and found.principal.id == key.id and found.principal.key == key
    assert cache.find(secret[:-1].encode() + (b"A" if secret[-1] != "A" else b"B")) is None
    assert cache.find(issue(new_key_id()).key.encode()) is None  # a well-formed key of no one
    fresh = issue(key.id)
    await store.rotate_key(key.id, fresh.secret_hash, fresh.hint)
    await cache.refresh()
    assert cache.find(secret.encode()) is None and cache.find(fresh.key.encode()) is not None


async def test_the_cache_polls_the_revision_and_keeps_serving_when_the_store_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = MemoryKeyStore()
    cache = KeyCache(store, interval=0.02)
    await cache.start()
    try:
        assert not cache.any_keys
        key, secret = await make_key(store)  # written behind the cache's back, as another replica would
        await asyncio.sleep(0.1)
        assert cache.any_keys and cache.find(secret.encode()) is not None

        async def down() -> int:
            raise OSError("connection refused")

        store.revision = down  # type: ignore[method-assign]
        with caplog.at_level(logging.WARNING, "freehold.keys"):
            await asyncio.sleep(0.1)
        assert cache.find(secret.encode()) is not None  # the last state loaded goes on serving
        assert [r.getMessage() for r in caplog.records].count(
            "keys: cannot read the key store (connection refused); serving the keys loaded last"
        ) == 1
    finally:
        await cache.close()


async def test_keys_are_required_once_a_master_key_or_any_virtual_key_exists() -> None:
    store = MemoryKeyStore()
    cache = KeyCache(store)
    await cache.refresh(force=True)
    open_gateway = VirtualKeyAuthenticator(None, cache)
    assert await open_gateway.authenticate(head()) is ANONYMOUS
    assert await open_gateway.authenticate(bearer("whatever")) is ANONYMOUS

    key, secret = await make_key(store)
    await store.revoke_key(key.id, datetime.now(UTC))  # even a revoked key closes anonymous access
    await cache.refresh()
    with pytest.raises(AuthenticationFailed, match="Missing API key"):
        await open_gateway.authenticate(head())
    with pytest.raises(AuthenticationFailed, match="Incorrect API key"):
        await open_gateway.authenticate(bearer("whatever"))

    master = VirtualKeyAuthenticator(b"m-key", KeyCache(MemoryKeyStore()))
    assert await master.authenticate(bearer("m-key")) is MASTER
    with pytest.raises(AuthenticationFailed, match="Missing API key"):
        await master.authenticate(head())


async def test_revoked_and_expired_keys_are_refused_saying_which_and_when() -> None:
    store = MemoryKeyStore()
    revoked, revoked_secret = await make_key(store)
    at = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    await store.revoke_key(revoked.id, at)
    expired, expired_secret = await make_key(store, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    live, live_secret = await make_key(store, expires_at=datetime.now(UTC) + timedelta(hours=1))
    cache = KeyCache(store)
    await cache.refresh(force=True)
    auth = VirtualKeyAuthenticator(b"m-key", cache)
    with pytest.raises(AuthenticationFailed, match="was revoked at 2026-12-01T12:00:00") as info:
        await auth.authenticate(bearer(revoked_secret))
    assert info.value.code == "key_revoked"
    with pytest.raises(AuthenticationFailed, match="expired at") as info:
        await auth.authenticate(head(("x-api-key", expired_secret)), x_api_key=True)
    assert info.value.code == "key_expired"
    assert (await auth.authenticate(bearer(live_secret))).id == live.id
    # Both headers: the usable key wins, whichever header carries it.
    both = head(("x-api-key", revoked_secret), ("authorization", f"Bearer {live_secret}"))
    assert (await auth.authenticate(both, x_api_key=True)).id == live.id
    # x-api-key counts only where the door takes it.
    with pytest.raises(AuthenticationFailed, match="Missing API key"):
        await auth.authenticate(head(("x-api-key", live_secret)))


@pytest.mark.parametrize(
    ("header", "ceiling", "expected"),
    [(None, None, 0), ("7", None, 7), (None, 5, 5), ("2", 5, 2), ("9", 5, 5), ("-50", -10, -50)],
)
def test_a_key_priority_is_a_ceiling_the_header_may_only_lower(
    header: str | None, ceiling: int | None, expected: int
) -> None:
    headers = [("x-freehold-priority", header)] if header is not None else []
    assert head(*headers).priority_value(ceiling) == expected


async def test_the_access_stage_holds_a_key_to_its_allow_list() -> None:
    store = MemoryKeyStore()
    allowed, _ = await make_key(store, aliases=("smart",))
    nothing, _ = await make_key(store, aliases=())
    everything, _ = await make_key(store)
    stage = KeyAccess()

    def ctx(key: Key) -> RequestContext:
        return RequestContext("chat_completions", "chat", principal=Principal(key.id, "key", key=key))

    request = ChatRequest(body={"model": "cheap", "messages": []}, model="cheap", stream=False)
    with pytest.raises(PermissionDenied, match="may use: smart"):
        await stage.before(ctx(allowed), request)
    with pytest.raises(PermissionDenied, match="may use: none"):
        await stage.before(ctx(nothing), request)
    await stage.before(ctx(everything), request)
    await stage.before(RequestContext("chat_completions", "chat"), request)  # anonymous or master: untouched
    assert await stage.models(ctx(allowed), ["cheap", "smart"]) == ["smart"]
    assert await stage.models(ctx(everything), ["cheap", "smart"]) == ["cheap", "smart"]
