"""The audit log on the request path: a batching writer, the stage that feeds it, admin records.

``AuditStage`` runs after every stage that may rewrite a request (the privacy policies, the
operator's stages, budgets) and right before the ledger's, so it sees the request as it will be
sent. For each chat and embeddings request:

- ``before`` hashes the canonical request body (SHA-256 of its sorted JSON), reads what the
  privacy stage found (``ctx.stage_state("privacy")``: ``categories``, ``action``; absent: none)
  and *journals* a ``request`` record, waiting for its commit: nothing reaches a vendor without
  its audit record, even if the gateway is killed at once (``503 audit_unavailable`` when the
  record cannot be written: fail closed, like the ledger).
- ``after`` (a whole answer, before any stage nearer the client changes it) hashes the answer;
  a stream is hashed as it is read, through ``ctx.stream_tap`` (the canonical SSE bytes, in
  C, with no parsing: the stream keeps its fast path).
- ``done`` queues the ``response`` record (deployment, vendor, the answer's hash, status,
  attempts), written within ``flush_interval``. A request the privacy stage refused (``block``)
  never reaches ``before``: ``done`` records it as ``refused``, without a vendor.

``AuditWriter`` is the one task that writes: records waiting to be written when it starts a
transaction all go into it (group commit), in the order they came; each transaction locks the
chain head, so replicas writing at once keep one chain (``stores/audit.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import BaseModel

from freehold.context import RequestContext
from freehold.errors import AuditUnavailable
from freehold.pipeline import Stage
from freehold.stores.audit import AuditEntry, AuditStore, check_head

__all__ = ["AuditStage", "AuditWriter", "policy_digest", "privacy_findings"]

log = logging.getLogger("freehold.audit")

_UNAVAILABLE = (
    "This gateway cannot record the request in its audit log (the database is unreachable, or the log's "
    "chain cannot be verified with this gateway's audit key), so it refuses rather than send it unrecorded; "
    "retry shortly."
)


def _now() -> datetime:
    return datetime.now(UTC)


class AuditWriter:
    """Writes audit records in few transactions; see the module docstring."""

    def __init__(
        self,
        store: AuditStore,
        secret: bytes | Callable[[], bytes],
        *,
        flush_interval: float = 0.2,
        timeout: float = 5.0,
        max_batch: int = 1000,
    ) -> None:
        """``secret``: the audit key, or what reads it at ``start`` (so that building costs no file)."""
        self.store = store
        self._key = secret
        self._secret = secret if isinstance(secret, bytes) else b""
        self._flush_interval = flush_interval
        self._timeout = timeout
        self._max_batch = max_batch
        self._queue: list[tuple[AuditEntry, asyncio.Future[None] | None]] = []
        self._wake = asyncio.Event()
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._failing = False
        self.batches = 0
        self.written = 0

    async def record(self, entry: AuditEntry) -> None:
        """Write ``entry`` now (with whatever else is queued) and wait for its commit.

        Raises:
            AuditUnavailable: it could not be written in time.
        """
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((entry, future))
        self._wake.set()
        try:
            async with asyncio.timeout(self._timeout):
                await future
        except TimeoutError:
            raise AuditUnavailable(_UNAVAILABLE, retry_after=1) from None

    def record_later(self, entry: AuditEntry) -> None:
        """Queue ``entry``; written within ``flush_interval`` (kept and retried while writes fail)."""
        self._queue.append((entry, None))
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._flush_interval, self._tick)

    def _tick(self) -> None:
        self._timer = None
        self._wake.set()

    async def admin(self, action: str, actor: str, detail: Mapping[str, Any]) -> None:
        """Record an admin action (awaited, before it is carried out).

        Raises:
            AuditUnavailable: not recorded; the caller does not carry the action out.
        """
        entry = AuditEntry(kind="admin", time=_now(), action=action, detail={"actor": actor, **detail})
        await self.record(entry)

    async def start(self, policy_sha256: str | None = None) -> None:
        """Check the chain's head verifies with this key, record a changed privacy policy, run the writer.

        Raises:
            ChainKeyMismatch: this gateway's key is not the chain's (or its head was tampered with).
        """
        if not isinstance(self._key, bytes):
            self._secret = self._key()
        seq, _ = await self.store.head()
        head = (await self.store.records(after=seq - 1, limit=1)) if seq else []
        check_head(self._secret, head[0] if head else None, seq)
        if policy_sha256 is not None:
            # Compared and written under the chain's lock: replicas starting together record it once.
            detail = {"actor": "config", "privacy_sha256": policy_sha256}
            entry = AuditEntry(kind="admin", time=_now(), action="policy.changed", detail=detail)
            await self.store.append_if_changed(entry, self._secret, "privacy_sha256")
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._flush()
            if self._closing:
                return
            if any(f is not None for _, f in self._queue):
                self._wake.set()
            elif self._queue and self._timer is None:
                self._timer = asyncio.get_running_loop().call_later(self._flush_interval, self._tick)

    async def _flush(self) -> bool:
        batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
        if not batch:
            return True
        try:
            await self.store.append([e for e, _ in batch], self._secret)
        except Exception as exc:
            # Waiting requests are refused; queued records are kept, in order, for the next try.
            self._queue[:0] = [(e, None) for e, f in batch if f is None]
            for _, future in batch:
                if future is not None and not future.done():
                    future.set_exception(AuditUnavailable(_UNAVAILABLE, retry_after=1))
            if not self._failing:
                self._failing = True
                log.error("audit log: writes failing, requests refused until they succeed: %s", exc)
            return False
        self.batches += 1
        self.written += len(batch)
        if self._failing:
            self._failing = False
            log.warning("audit log: writes resumed")
        for _, future in batch:
            if future is not None and not future.done():
                future.set_result(None)
        return True

    async def close(self, attempts: int = 3) -> None:
        """Stop, writing what is queued (a few tries)."""
        self._closing = True
        if self._task is not None:
            self._wake.set()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for attempt in range(attempts):
            if await self._flush() and not self._queue:
                break
            if attempt + 1 < attempts:
                await asyncio.sleep(0.2)
        if self._queue:
            log.error("audit log: %d records not written at shutdown", len(self._queue))
        await self.store.close()


def privacy_findings(ctx: RequestContext) -> tuple[dict[str, int], str]:
    """What the privacy stage found and did (``categories``, ``action``); ``({}, "none")`` when it left nothing."""
    found = (ctx.state or {}).get("privacy")
    if not isinstance(found, Mapping):
        return {}, "none"
    raw = found.get("categories")
    categories = (
        {str(k): int(v) for k, v in raw.items() if isinstance(v, int) and not isinstance(v, bool)}
        if isinstance(raw, Mapping)
        else {}
    )
    action = found.get("action")
    return categories, action if isinstance(action, str) and action else "none"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class AuditStage(Stage):
    """Journal before dispatch, hash the answer, record how it ended; see the module docstring."""

    name = "audit"

    def __init__(self, writer: AuditWriter, vendors: Mapping[str, str], *, content: bool = False) -> None:
        """``vendors``: deployment name → its provider type (openai, anthropic, ...)."""
        self._writer = writer
        self._vendors = vendors
        self._content = content

    async def before(self, ctx: RequestContext, request: Any) -> None:
        if ctx.operation not in ("chat", "embeddings"):
            return
        body = orjson.dumps(request.body, option=orjson.OPT_SORT_KEYS)
        categories, action = privacy_findings(ctx)
        state = ctx.stage_state(self.name)
        if ctx.operation == "chat" and getattr(request, "stream", False):
            digest = hashlib.sha256()
            state["stream"] = digest
            if self._content:
                kept: list[bytes] = []
                state["kept"] = kept

                def tap(chunk: bytes) -> None:
                    digest.update(chunk)
                    kept.append(chunk)

                ctx.tap_stream(tap)
            else:
                ctx.tap_stream(digest.update)
        principal = ctx.principal
        await self._writer.record(
            AuditEntry(
                kind="request",
                time=_now(),
                request_id=ctx.request_id,
                key_id=principal.key.id if principal.key is not None else None,
                team_id=principal.team.id if principal.team is not None else None,
                alias=ctx.alias or request.model,
                categories=categories,
                action=action,
                request_sha256=_sha256(body),
                content=body.decode() if self._content else None,
                detail={"door": ctx.door, "operation": ctx.operation, "principal": principal.id},
            )
        )
        state["journaled"] = True

    def meters(self, ctx: RequestContext) -> bool:
        return False  # no token counts needed: a stream is not asked for usage on this stage's account

    async def after(self, ctx: RequestContext, answer: Any) -> None:
        state = (ctx.state or {}).get(self.name)
        if state is None:
            return
        body: bytes = answer.result.body
        state["response_sha256"] = _sha256(body)
        if self._content:
            state["response"] = body.decode(errors="replace")

    def done(self, ctx: RequestContext, status: int | str) -> None:
        if ctx.operation not in ("chat", "embeddings"):
            return
        state = (ctx.state or {}).get(self.name)
        principal = ctx.principal
        categories, action = privacy_findings(ctx)
        common: dict[str, Any] = {
            "time": _now(),
            "request_id": ctx.request_id,
            "key_id": principal.key.id if principal.key is not None else None,
            "team_id": principal.team.id if principal.team is not None else None,
            "alias": ctx.alias or None,
            "categories": categories,
            "action": action,
        }
        if state is None or not state.get("journaled"):
            if categories or action != "none":  # refused by the privacy stage (or a later one): never sent
                self._writer.record_later(AuditEntry(kind="refused", detail={"status": str(status)}, **common))
            return
        response = state.get("response_sha256")
        content = state.get("response")
        stream = state.get("stream")
        if stream is not None:
            response = stream.hexdigest()
            kept = state.get("kept")
            if kept is not None:
                content = b"".join(kept).decode(errors="replace")
        deployment = ctx.deployment or None
        self._writer.record_later(
            AuditEntry(
                kind="response",
                deployment=deployment,
                vendor=self._vendors.get(deployment) if deployment else None,
                response_sha256=response if ctx.attempts else None,
                content=content if self._content else None,
                detail={"status": str(status), "attempts": ctx.attempts},
                **common,
            )
        )


def policy_digest(section: BaseModel) -> str:
    """SHA-256 of the privacy section as configured (its JSON, sorted), to notice a changed policy."""
    return _sha256(orjson.dumps(section.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS))
