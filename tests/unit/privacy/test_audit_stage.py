"""The audit stage and writer over the in-memory store: journal before dispatch, outcome after, refusals, keys."""

from __future__ import annotations

import asyncio
import hashlib
import os
import stat
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
import pytest

from freehold.context import RequestContext
from freehold.errors import AuditUnavailable, ConfigError
from freehold.privacy.audit import AuditStage, AuditWriter, privacy_findings
from freehold.privacy.audit_key import load_audit_key
from freehold.privacy.audit_report import report_json
from freehold.privacy.audit_verify import verify_store
from freehold.schemas.chat import ChatRequest
from freehold.settings import Settings
from freehold.stores.audit import AuditEntry, ChainKeyMismatch, MemoryAuditStore

SECRET = b"x" * 32
VENDORS = {"a/openai/gpt": "openai", "a/anthropic/claude": "anthropic"}


def request(stream: bool = False) -> ChatRequest:
    body = {"model": "a", "messages": [{"role": "user", "content": "hi ann@example.com"}], "stream": stream}
    return ChatRequest(body, "a", stream)


def body_hash(req: ChatRequest) -> str:
    return hashlib.sha256(orjson.dumps(req.body, option=orjson.OPT_SORT_KEYS)).hexdigest()


async def started(store: MemoryAuditStore | None = None, **kw: Any) -> AuditWriter:
    writer = AuditWriter(store or MemoryAuditStore(), SECRET, flush_interval=0.01, **kw)
    await writer.start()
    return writer


async def test_a_request_is_journaled_before_dispatch_and_its_outcome_recorded_after() -> None:
    store = MemoryAuditStore()
    writer = await started(store)
    stage = AuditStage(writer, VENDORS)
    ctx = RequestContext("chat_completions", "chat", request_id="req_1", alias="a")
    ctx.stage_state("privacy").update(categories={"EMAIL": 1}, action="pseudonymize")
    req = request()
    await stage.before(ctx, req)
    assert [r.entry.kind for r in store.rows.values()] == ["request"]  # committed before the call returns
    journal = store.rows[1].entry
    assert journal.request_sha256 == body_hash(req) and journal.categories == {"EMAIL": 1}
    assert journal.action == "pseudonymize" and journal.content is None and journal.vendor is None
    ctx.deployment, ctx.attempts = "a/anthropic/claude", 1
    await stage.after(ctx, SimpleNamespace(result=SimpleNamespace(body=b'{"answer": 1}')))
    stage.done(ctx, 200)
    await writer.close()
    outcome = store.rows[2].entry
    assert (outcome.kind, outcome.vendor, outcome.deployment) == ("response", "anthropic", "a/anthropic/claude")
    assert outcome.response_sha256 == hashlib.sha256(b'{"answer": 1}').hexdigest()
    assert outcome.detail == {"status": "200", "attempts": 1} and outcome.categories == {"EMAIL": 1}
    assert (await verify_store(store, SECRET)).intact


async def test_a_stream_is_hashed_through_the_tap_and_content_kept_only_when_asked() -> None:
    store = MemoryAuditStore()
    writer = await started(store)
    stage = AuditStage(writer, VENDORS, content=True)
    ctx = RequestContext("chat_completions", "chat", alias="a")
    req = request(stream=True)
    await stage.before(ctx, req)
    assert not stage.meters(ctx)  # a stream is not asked for usage on the audit's account
    assert ctx.stream_tap is not None
    for piece in (b"data: {}\n\n", b"data: [DONE]\n\n"):
        ctx.stream_tap(piece)
    ctx.deployment, ctx.attempts = "a/openai/gpt", 1
    stage.done(ctx, 200)
    await writer.close()
    journal, outcome = store.rows[1].entry, store.rows[2].entry
    assert journal.content == orjson.dumps(req.body, option=orjson.OPT_SORT_KEYS).decode()
    assert outcome.response_sha256 == hashlib.sha256(b"data: {}\n\ndata: [DONE]\n\n").hexdigest()
    assert outcome.content == "data: {}\n\ndata: [DONE]\n\n"


async def test_a_privacy_block_is_recorded_as_refused_without_vendor_and_other_refusals_are_not() -> None:
    store = MemoryAuditStore()
    writer = await started(store)
    stage = AuditStage(writer, VENDORS)
    blocked = RequestContext("chat_completions", "chat", request_id="req_b", alias="a")
    blocked.stage_state("privacy").update(categories={"SECRET": 1}, action="block")
    stage.done(blocked, 400)  # the privacy stage raised: this stage's before never ran
    plain = RequestContext("chat_completions", "chat", alias="a")
    stage.done(plain, 429)  # a rate limit, no personal data: not an audit event
    await writer.close()
    assert [r.entry.kind for r in store.rows.values()] == ["refused"]
    refused = store.rows[1].entry
    assert (refused.action, refused.vendor, refused.categories) == ("block", None, {"SECRET": 1})
    report = await report_json(store, refused.time.replace(year=2000), refused.time.replace(year=2100))
    assert report["data"] == [{"vendor": "(refused)", "category": "SECRET", "count": 1, "requests": 1}]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (None, ({}, "none")),
        ({"categories": "junk", "action": 3}, ({}, "none")),
        (
            {"categories": {"EMAIL": 2, "X": "two", "Y": True}, "action": "pseudonymize:EMAIL;block:SECRET"},
            ({"EMAIL": 2}, "pseudonymize:EMAIL;block:SECRET"),
        ),
    ],
)
def test_what_the_privacy_stage_left_is_read_defensively(state: Any, expected: Any) -> None:
    ctx = RequestContext("chat_completions", "chat")
    if state is not None:
        ctx.stage_state("privacy").update(state)
    assert privacy_findings(ctx) == expected


class Down(MemoryAuditStore):
    def __init__(self) -> None:
        super().__init__()
        self.down = True

    async def append(self, entries: Any, secret: bytes) -> Any:
        if self.down:
            raise OSError("database unreachable")
        return await super().append(entries, secret)


async def test_unwritable_journals_refuse_the_request_and_queued_outcomes_are_kept_in_order() -> None:
    store = Down()
    writer = await started(store)
    stage = AuditStage(writer, VENDORS)
    ctx = RequestContext("chat_completions", "chat", alias="a")
    with pytest.raises(AuditUnavailable):
        await stage.before(ctx, request())
    for i in range(3):
        writer.record_later(AuditEntry(kind="admin", time=ctx_time(), action=f"a{i}"))
    await asyncio.sleep(0.05)
    store.down = False
    await writer.close()
    assert [r.entry.action for r in store.rows.values()] == ["a0", "a1", "a2"]


def ctx_time() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


async def test_group_commit_many_waiting_requests_share_few_transactions() -> None:
    store = MemoryAuditStore()
    writer = await started(store)
    await asyncio.gather(*(writer.record(AuditEntry(kind="admin", time=ctx_time(), action=str(i))) for i in range(200)))
    await writer.close()
    assert len(store.rows) == 200 and store.writes <= 3
    assert (await verify_store(store, SECRET)).intact


async def test_a_writer_with_another_key_refuses_to_start_and_a_policy_change_is_recorded_once() -> None:
    store = MemoryAuditStore()
    writer = AuditWriter(store, SECRET)
    await writer.start("digest-1")
    await writer.close()
    again = AuditWriter(store, SECRET)
    await again.start("digest-1")  # unchanged: nothing new
    await again.close()
    changed = AuditWriter(store, SECRET)
    await changed.start("digest-2")
    await changed.close()
    actions = [(r.entry.action, (r.entry.detail or {}).get("privacy_sha256")) for r in store.rows.values()]
    assert actions == [("policy.changed", "digest-1"), ("policy.changed", "digest-2")]
    with pytest.raises(ChainKeyMismatch):
        await AuditWriter(store, b"y" * 32).start()


def test_the_key_file_is_made_once_0600_and_reused(tmp_path: Path) -> None:
    settings = Settings(state_dir=str(tmp_path))
    assert load_audit_key(settings, create=False) is None
    made = load_audit_key(settings)
    assert made is not None and made.created and made.source == str(tmp_path / "audit.key")
    assert stat.S_IMODE(os.stat(made.source).st_mode) == 0o600
    again = load_audit_key(settings)
    assert again is not None and not again.created and again.secret == made.secret
    assert made.secret.decode() not in repr(made)
    os.chmod(made.source, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_audit_key(settings)
    env = Settings(state_dir=str(tmp_path), audit_key="k" * 40)
    assert load_audit_key(env) == load_audit_key(env) and load_audit_key(env).source == "FREEHOLD_AUDIT_KEY"  # type: ignore[union-attr]
