"""The answer cache's stores, in process and in Redis, held to one contract: get what was put,
until its TTL; replace; forget what expired; the exact cache over a failing store is a miss, never an error.
The semantic index's vectors too: the nearest cached prompt at or above the threshold, per partition, bounded.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import numpy as np
import pytest
from redis.asyncio import Redis

from freehold.cache.exact import ExactCache
from freehold.cache.semantic import MemoryVectors, RedisVectors, SemanticIndex, Vectors
from freehold.cache.store import CacheStore, MemoryStore, RedisStore
from tests.integration.fake_embedder import BagOfWords

REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def kind(request: pytest.FixtureRequest) -> AsyncIterator[tuple[str, str]]:
    prefix = f"freehold-test:cache:{os.getpid()}:{id(request)}:"
    yield request.param, prefix
    if request.param == "redis":
        client = Redis.from_url(REDIS)
        keys = [k async for k in client.scan_iter(match=prefix + "*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


def make_store(kind: tuple[str, str], **bounds: int) -> CacheStore:
    name, prefix = kind
    if name == "memory":
        return MemoryStore(bounds.get("entries", 100), bounds.get("bytes", 1 << 20))
    return RedisStore.from_url(REDIS, prefix)


async def test_a_value_is_served_until_its_ttl(kind: tuple[str, str]) -> None:
    store = make_store(kind)
    assert await store.get("k") is None
    await store.put("k", b"answer", 0.3)
    assert await store.get("k") == b"answer"
    await store.put("k", b"newer", 0.3)
    assert await store.get("k") == b"newer"
    await asyncio.sleep(0.4)
    assert await store.get("k") is None
    await store.close()


async def test_replicas_share_a_redis_store(kind: tuple[str, str]) -> None:
    if kind[0] != "redis":
        pytest.skip("in-process stores are per process by design")
    one, two = make_store(kind), make_store(kind)  # two gateways' stores on one prefix
    await one.put("shared", b"x", 5)
    assert await two.get("shared") == b"x"
    await one.close()
    await two.close()


async def test_the_memory_store_is_bounded_by_entries_and_bytes() -> None:
    now = [0.0]
    store = MemoryStore(max_entries=3, max_bytes=10, clock=lambda: now[0])
    for key in "abc":
        await store.put(key, b"12", 60)
    await store.get("a")  # used: b is now the least recently used
    await store.put("d", b"12", 60)
    assert [await store.get(k) is not None for k in "abcd"] == [True, False, True, True]
    await store.put("e", b"123456", 60)  # 2+2+2+6 > 10 bytes: the least recent go
    assert len(store) <= 3 and store.bytes <= 10 and await store.get("e") == b"123456"
    await store.put("huge", b"x" * 11, 60)  # larger than the whole store: not kept
    assert await store.get("huge") is None


async def test_the_exact_cache_keeps_deployment_and_body_and_misses_when_the_store_fails(
    kind: tuple[str, str],
) -> None:
    cache = ExactCache(make_store(kind), max_entry_bytes=1024)
    assert await cache.put("k", "dep-a", b'{"id":"1"}', 5)
    assert await cache.get("k") == ("dep-a", b'{"id":"1"}')
    assert not await cache.put("big", "dep-a", b"x" * 2048, 5)
    assert await cache.get("big") is None
    await cache.store.close()

    broken = ExactCache(RedisStore.from_url("redis://127.0.0.1:1/0", "x:", timeout=0.2), max_entry_bytes=1024)
    assert await broken.get("k") is None
    assert not await broken.put("k", "dep", b"{}", 5)
    await broken.store.close()


def make_vectors(kind: tuple[str, str], max_entries: int) -> Vectors:
    name, prefix = kind
    if name == "memory":
        return MemoryVectors(384, max_entries)
    return RedisVectors(Redis.from_url(REDIS), prefix, 384, max_entries)


async def test_the_semantic_index_finds_the_nearest_prompt_per_partition(kind: tuple[str, str]) -> None:
    index = SemanticIndex(BagOfWords(), make_vectors(kind, max_entries=3))
    a = await index.embed("what is the capital city of france")
    b = await index.embed("write a poem about the sea")
    await index.add("p1", a, "a" * 40, 5)
    await index.add("p1", b, "b" * 40, 5)
    near = await index.embed("what's the capital city of france please")
    found = await index.search("p1", near, 0.6)
    assert found is not None and found[0] == "a" * 40 and 0.6 <= found[1] < 1
    assert await index.search("p1", near, 0.95) is None  # below the threshold
    assert await index.search("p2", near, 0.1) is None  # another partition sees nothing
    for n in range(3):  # bounded: the oldest vectors go
        await index.add("p1", await index.embed(f"filler prompt number {n}"), str(n) * 40, 5)
    assert await index.search("p1", a, 0.99) is None
    rows, keys = await index._vectors.rows("p1")
    assert len(keys) == 3 and rows.shape == (3, 384) and rows.dtype == np.float32
    await close(index)


async def close(index: SemanticIndex) -> None:
    vectors = index._vectors
    if isinstance(vectors, RedisVectors):
        await vectors._redis.aclose()


async def test_semantic_vectors_in_redis_expire_with_the_entries(kind: tuple[str, str]) -> None:
    if kind[0] != "redis":
        pytest.skip("Redis only: in process, an expired entry's vector stays until pushed out, and misses")
    index = SemanticIndex(BagOfWords(), make_vectors(kind, max_entries=10))
    v = await index.embed("hello world")
    await index.add("p", v, "k" * 40, 0.2)
    assert await index.search("p", v, 0.9) is not None
    await asyncio.sleep(0.3)
    assert await index.search("p", v, 0.9) is None
    await close(index)


async def test_the_in_process_index_is_bounded_in_all_and_replaces_a_key() -> None:
    vectors = MemoryVectors(4, max_entries=20)
    one = np.array([1, 0, 0, 0], dtype=np.float32)
    for i in range(20):
        await vectors.add("old", one, f"{i:040d}", 5)
    await vectors.add("old", one * 0.5, f"{0:040d}", 5)  # the same entry again: replaced, not added
    rows, keys = await vectors.rows("old")
    assert len(keys) == 20 and vectors.total == 20 and rows[0][0] == 0.5
    for i in range(5):
        await vectors.add("new", one, f"n{i:039d}", 5)  # over the bound: the least recent partition goes
    assert vectors.total == 5 and (await vectors.rows("old"))[1] == []
    assert len((await vectors.rows("new"))[1]) == 5
