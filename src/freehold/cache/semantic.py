"""The semantic cache's index: per partition, the embeddings of cached prompts and their entries' keys.

A partition is one scope's requests that match on everything but the last user message
(``keys.partition_key``): the alias served, the conversation before it, tools, sampling
parameters. Within it, the last message's embedding (L2-normalised, so the dot product is the
cosine) is compared with every cached one — a brute-force matrix product, ~2 ms for 10k
vectors of 384 floats — and the best at or above the threshold names an entry of the exact
store, which holds the answer (and its expiry). A vector whose answer expired is a miss.

In process, a partition's vectors are rows of one matrix (grown by doubling, then reused oldest
first), and ``max_entries`` bounds the vectors of all partitions together (least recently used
partitions go first). In Redis, a partition is a list of ``key + vector`` records
(trimmed to ``max_entries``, expiring with the entries' TTL), read whole and compared in the
gateway: every replica sees every replica's prompts; each lookup moves the partition's vectors
(1.6 kB each) over the network, which is fine for hundreds per partition, not for 100k.

numpy is imported here only: the module is loaded when an alias configures ``semantic``.
"""

from __future__ import annotations

import asyncio
import importlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["Embedder", "MemoryVectors", "RedisVectors", "SemanticIndex", "Vectors", "load_embedder"]

_KEY_BYTES = 40  # exact keys are 40 hex characters (blake2b, 20 bytes)


class Embedder(Protocol):
    """Sentence embeddings: ``(n, dim)`` float32, each row L2-normalised (``freehold.embedding.minilm.MiniLM``)."""

    dim: int

    def embed(self, texts: Sequence[str], max_tokens: int = 128) -> Any: ...


def load_embedder(path: str) -> Embedder:
    """The embedder a ``module:function`` factory returns (default: the shared MiniLM model).

    Raises:
        ValueError: it cannot be imported (the message names the ``router`` extra).
    """
    module_name, _, attr = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(
            f"the semantic cache needs an embedding model ({path}), which cannot be imported: {exc}. "
            "Install the 'router' extra: pip install 'freehold[router]'"
        ) from None
    factory = getattr(module, attr or "shared", None)
    if not callable(factory):
        raise ValueError(f"{path!r} does not name a function that returns an embedder")
    embedder: Embedder = factory()
    return embedder


class Vectors(Protocol):
    async def rows(self, partition: str) -> tuple[Any, list[str]]:
        """The partition's vectors ``(n, dim)`` and the entry key of each."""
        ...

    async def add(self, partition: str, vector: Any, key: str, ttl: float) -> None: ...


class _Partition:
    """One partition's vectors: rows of a matrix that grows to ``cap``, then is reused oldest first."""

    __slots__ = ("cap", "keys", "matrix", "next", "rows")

    def __init__(self, dim: int, cap: int) -> None:
        self.cap = cap
        self.matrix = np.empty((min(cap, 16), dim), dtype=np.float32)
        self.keys: list[str] = []
        self.rows: dict[str, int] = {}
        self.next = 0  # the oldest row, once full

    def add(self, vector: Any, key: str) -> int:
        """Store ``vector`` for ``key``; returns how many rows were added (0 or 1)."""
        row = self.rows.get(key)
        added = 0
        if row is None:
            n = len(self.keys)
            if n < self.cap:
                if n == len(self.matrix):
                    grown = np.empty((min(self.cap, 2 * n), self.matrix.shape[1]), dtype=np.float32)
                    grown[:n] = self.matrix
                    self.matrix = grown
                row, added = n, 1
                self.keys.append(key)
            else:
                row = self.next
                self.next = (row + 1) % self.cap
                del self.rows[self.keys[row]]
                self.keys[row] = key
            self.rows[key] = row
        self.matrix[row] = vector
        return added


class MemoryVectors:
    """Partitions in process: ``max_entries`` vectors in all (least recently used partitions go first)."""

    def __init__(self, dim: int, max_entries: int) -> None:
        self._dim = dim
        self._max_entries = max_entries
        self._parts: OrderedDict[str, _Partition] = OrderedDict()
        self.total = 0

    async def rows(self, partition: str) -> tuple[Any, list[str]]:
        found = self._parts.get(partition)
        if found is None:
            return np.empty((0, self._dim), dtype=np.float32), []
        self._parts.move_to_end(partition)
        return found.matrix[: len(found.keys)], found.keys

    async def add(self, partition: str, vector: Any, key: str, ttl: float) -> None:
        part = self._parts.get(partition)
        if part is None:
            part = self._parts[partition] = _Partition(self._dim, self._max_entries)
        self._parts.move_to_end(partition)
        self.total += part.add(vector, key)
        while self.total > self._max_entries and len(self._parts) > 1:
            _, dropped = self._parts.popitem(last=False)
            self.total -= len(dropped.keys)


class RedisVectors:
    """Partitions as Redis lists of ``key + float32 vector`` records, shared by every replica."""

    def __init__(self, client: Redis, prefix: str, dim: int, max_entries: int) -> None:
        self._redis = client
        self._prefix = prefix + "semantic:"
        self._dim = dim
        self._max_entries = max_entries

    async def rows(self, partition: str) -> tuple[Any, list[str]]:
        records = await self._redis.lrange(self._prefix + partition, 0, -1)
        width = _KEY_BYTES + 4 * self._dim
        good = [r for r in records if isinstance(r, bytes) and len(r) == width]
        if not good:
            return np.empty((0, self._dim), dtype=np.float32), []
        keys = [r[:_KEY_BYTES].decode() for r in good]
        matrix = np.frombuffer(b"".join(r[_KEY_BYTES:] for r in good), dtype=np.float32).reshape(len(good), self._dim)
        return matrix, keys

    async def add(self, partition: str, vector: Any, key: str, ttl: float) -> None:
        name = self._prefix + partition
        record = key.encode() + np.asarray(vector, dtype=np.float32).tobytes()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lpush(name, record)
            pipe.ltrim(name, 0, self._max_entries - 1)
            pipe.pexpire(name, max(1, int(ttl * 1000)))
            await pipe.execute()


class SemanticIndex:
    """Embeds (off the event loop) and searches a partition's vectors."""

    def __init__(self, embedder: Embedder, vectors: Vectors) -> None:
        self._embedder = embedder
        self._vectors = vectors

    async def embed(self, text: str) -> Any:
        """The text's embedding: CPU work (tens of ms for the real model), so in a worker thread."""
        rows = await asyncio.to_thread(self._embedder.embed, [text])
        return np.asarray(rows, dtype=np.float32)[0]

    async def search(self, partition: str, vector: Any, threshold: float) -> tuple[str, float] | None:
        """The entry key of the most similar cached prompt at or above ``threshold``, with its similarity."""
        matrix, keys = await self._vectors.rows(partition)
        if not keys:
            return None
        scores = matrix @ vector
        best = int(np.argmax(scores))
        score = float(scores[best])
        return (keys[best], score) if score >= threshold else None

    async def add(self, partition: str, vector: Any, key: str, ttl: float) -> None:
        await self._vectors.add(partition, vector, key, ttl)
