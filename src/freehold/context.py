"""``RequestContext``: what travels with one request, from the door down to the providers and back.

Made once per request by its front door and passed explicitly (never through ContextVars):
the door and the operation, who is asking (a ``Principal``), the request id, the alias asked
for, the priority and the deadline, the client's metadata, and a record of what each stage
decided, which the response headers, the log line and later the ledger and dashboard read.

The request path pays for it on every request, so it is a slotted object whose optional parts
(decisions, extra headers, a deployment filter) stay ``None`` until a stage needs them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from freehold.ids import new_id

if TYPE_CHECKING:
    from freehold.errors import FreeholdError
    from freehold.governance.model import Key, Team
    from freehold.providers.base import ChatProvider
    from freehold.usage import UsageRecord

__all__ = ["ANONYMOUS", "Decision", "Door", "Operation", "Principal", "RequestContext", "Served", "StreamCap"]

Door = Literal[
    "chat_completions", "embeddings", "responses", "messages", "count_tokens", "models", "feedback", "internal"
]
"""The front door a request came in by; ``internal`` for work the gateway starts itself (tests, scripts)."""
Operation = Literal["chat", "embeddings", "count_tokens", "models", "stored_response", "feedback"]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking, as the authenticator found it.

    Attributes:
        id: a stable identifier for logs and accounting (``anonymous``, ``master``, a key's id).
        kind: how it was established.
        name: a human-readable name, if any.
        key: the virtual key, for ``kind == "key"`` (its limits, budget, aliases, priority).
        team: the key's team, if it has one.
        metadata: anything else a stage wants to carry.
    """

    id: str
    kind: Literal["anonymous", "master", "key"]
    name: str = ""
    key: Key | None = None
    team: Team | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


ANONYMOUS = Principal("anonymous", "anonymous")
"""Everyone, when the gateway runs without a master key."""


@dataclass(frozen=True, slots=True)
class Decision:
    """One stage's decision about a request: which stage, what it did, and why (for headers and logs)."""

    stage: str
    action: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class StreamCap:
    """The most SSE events an answer's stream may carry before the gateway ends it.

    Counted on the bytes (``data:`` lines), so a capped stream keeps the unparsed fast path.
    Budgets set one from the output tokens their reservation covers: an upstream that ignores
    ``max_tokens`` cannot spend past it.
    """

    events: int
    error: Callable[[], Exception]
    """The error the stream is ended with (the door renders it as its own error event)."""


@dataclass(frozen=True, slots=True)
class Served:
    """A whole canonical answer a stage hands the gateway instead of a provider's (``RequestContext.serve``)."""

    body: bytes
    """The ``chat.completion`` (or embeddings) JSON, as a provider would have answered."""
    deployment: str
    """The deployment that answered it first (its prices make the saved cost)."""
    source: str
    """Who served it (``cache``), for decisions and the ledger."""


@dataclass(slots=True, eq=False)
class RequestContext:
    """One request's state across the gateway. See the module docstring.

    Attributes:
        door: the front door it came in by.
        operation: what it asks for.
        request_id: the request's id (the client's ``x-request-id`` when it sent a valid one).
        principal: who is asking.
        priority: queue position when the gateway is saturated (higher first).
        alias: the alias the client asked for ('' until the body is parsed).
        deadline: ``time.monotonic()`` by which an answer must have started; set by the gateway
            from the alias's policy unless a stage set an earlier one.
        metadata: client metadata (``x-freehold-metadata-*`` headers, ...), for stages and records.
        started: ``time.perf_counter()`` at the door, for the request's duration.
    """

    door: Door
    operation: Operation
    request_id: str = field(default_factory=lambda: new_id("req_"))
    principal: Principal = ANONYMOUS
    priority: int = 0
    alias: str = ""
    deadline: float | None = None
    metadata: dict[str, str] | None = None
    started: float = field(default_factory=time.perf_counter)
    decisions: list[Decision] | None = None
    """What stages decided, in order (None until the first decision)."""
    headers: list[tuple[bytes, bytes]] | None = None
    """Extra response headers stages add (None until the first)."""
    deployments: Callable[[ChatProvider], bool] | None = None
    """A stage's restriction of the deployments that may serve this request (None: any)."""
    restricted_by: str = ""
    """Why the deployments are restricted, in words for the client: the gateway puts it in front of
    the error when no allowed deployment could answer ('' when no stage gave a reason)."""
    unservable: type[FreeholdError] | None = None
    """The error when the restriction leaves the alias (the one asked for, or routed to) no
    deployment at all: the restricting stage's own (a 503, not the client's fault)."""
    deployment: str = ""
    """The deployment that answered ('' until one did)."""
    attempts: int = 0
    """Upstream attempts the request took (0: it never reached a provider)."""
    unbilled_attempts: int = 0
    """Of ``attempts``, those the upstream cannot have charged for (it answered with an error, or
    never received the request): a request whose every attempt was such costs nothing."""
    usage: UsageRecord | None = None
    """What the answer cost in tokens, once known: set by the gateway for a whole answer, and at the
    end of a stream, when the alias has stages that read it (``Stage.done``)."""
    stream_cap: StreamCap | None = None
    """A stage's cap on the answer stream's events (None: none)."""
    stream_tap: Callable[[bytes], None] | None = None
    """Fed the answer stream's canonical bytes as the provider's adapter gave them, before usage is
    stripped or a stream stage sees them (the audit log hashes them); None: no tap, no cost."""
    served: Served | None = None
    """An answer a stage gave in ``before`` (a cache hit): no provider is asked (``serve``)."""
    state: dict[str, Any] | None = None
    """Where a stage keeps what it needs across its hooks for this request (its own key: its name)."""

    def decide(self, stage: str, action: str, detail: str = "") -> None:
        """Record a stage's decision."""
        if self.decisions is None:
            self.decisions = []
        self.decisions.append(Decision(stage, action, detail))

    def serve(self, body: bytes, deployment: str, source: str) -> None:
        """Answer the request with ``body`` instead of a provider (from a stage's ``before``).

        The later ``before`` stages still run (and see ``served``: budgets reserve nothing); then
        the gateway skips the providers, and the ``after``, stream and ``done`` stages see the answer
        as they would a provider's (a stream is replayed from it).
        """
        self.served = Served(body, deployment, source)

    def tap_stream(self, tap: Callable[[bytes], None]) -> None:
        """Have the answer stream's canonical bytes fed to ``tap`` too (after any tap set before)."""
        previous = self.stream_tap
        if previous is None:
            self.stream_tap = tap
            return

        def both(chunk: bytes) -> None:
            previous(chunk)
            tap(chunk)

        self.stream_tap = both

    def add_header(self, name: str, value: str) -> None:
        """Add a response header (its value latin-1 encodable, as HTTP requires)."""
        if self.headers is None:
            self.headers = []
        self.headers.append((name.lower().encode("latin-1"), value.encode("latin-1", "replace")))

    def restrict(
        self, allowed: Callable[[ChatProvider], bool], reason: str = "", unservable: type[FreeholdError] | None = None
    ) -> None:
        """Narrow the deployments that may serve this request; restrictions combine (all must allow).

        ``reason`` (e.g. "the privacy policy allows only local deployments") is said to the client
        if no allowed deployment answers, so that a restriction never reads as a plain outage.
        ``unservable`` is raised when the alias that serves the request (routing may change it
        after the restriction) has no allowed deployment at all.
        """
        if unservable is not None:
            self.unservable = unservable
        if reason:
            self.restricted_by = f"{self.restricted_by}; {reason}" if self.restricted_by else reason
        previous = self.deployments
        self.deployments = allowed if previous is None else (lambda p: previous(p) and allowed(p))

    def stage_state(self, stage: str) -> dict[str, Any]:
        """The per-request scratch space of ``stage`` (created on first use)."""
        if self.state is None:
            self.state = {}
        found = self.state.get(stage)
        if found is None:
            found = self.state[stage] = {}
        return found

    def time_left(self, now: float | None = None) -> float | None:
        """Seconds until the deadline (None when there is none yet)."""
        if self.deadline is None:
            return None
        return self.deadline - (time.monotonic() if now is None else now)
