"""The SQL schema, in SQLAlchemy Core: one definition for SQLite and PostgreSQL.

Migrations (``stores/migrations/versions``) create and change it; this module is what the code
reads and writes through, and the test that the migrations build exactly these tables keeps the
two in step.

Money is ``Numeric`` (exact decimals, never floats). Times are UTC. Identifiers are text
(``team_…``, ``key_…``): they appear in URLs and logs, and never reveal a key.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    text,
)

__all__ = [
    "MONEY",
    "alert_state",
    "audit_head",
    "audit_log",
    "feedback",
    "instances",
    "keys",
    "ledger",
    "metadata",
    "revision",
    "teams",
]

metadata = MetaData()

MONEY = Numeric(20, 10)
"""US dollars: ten decimal places hold a single token's price at any vendor's rate."""

teams = Table(
    "teams",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("budget_usd", MONEY),
    Column("budget_period", String(10)),
    Column("rpm", Integer),
    Column("tpm", Integer),
    Column("metadata", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

keys = Table(
    "keys",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("team_id", String(40), ForeignKey("teams.id", ondelete="RESTRICT")),
    # SHA-256 of the key's secret part, hex: the key itself is never stored.
    Column("secret_hash", String(64), nullable=False),
    Column("hint", String(20), nullable=False),  # The key's last characters, to tell keys apart in listings.
    Column("role", String(10), nullable=False),
    Column("aliases", JSON),  # The aliases the key may use; NULL: every alias.
    Column("rpm", Integer),
    Column("tpm", Integer),
    Column("budget_usd", MONEY),
    Column("budget_period", String(10)),
    Column("priority", Integer, nullable=False),
    # ``lower`` (shrink max_tokens to what the budget covers) or ``refuse``.
    Column("over_budget", String(10), nullable=False),
    # ``refuse`` (fail closed: 503) or ``serve`` (unmetered) when the counter store is unreachable.
    Column("when_counters_down", String(10), nullable=False),
    Column("metadata", JSON, nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_keys_team_id", "team_id"),
)

revision = Table(
    "revision",
    metadata,
    Column("id", Integer, primary_key=True),
    # Incremented by every change to keys or teams: replicas poll it to refresh their caches.
    Column("value", BigInteger, nullable=False),
)

ledger = Table(
    "ledger",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("request_id", String(80), nullable=False, unique=True),
    # The gateway process that wrote it: a pending row of a process gone is reconciled by another.
    Column("instance", String(40), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    # ``pending`` until the request ends; then its HTTP status, ``stream_error``, ``499``, or
    # ``interrupted`` for a request whose gateway died while it ran.
    Column("status", String(20), nullable=False),
    Column("key_id", String(40)),
    Column("team_id", String(40)),
    Column("door", String(20), nullable=False),
    Column("alias", String(200), nullable=False),
    Column("deployment", String(200)),
    Column("attempts", Integer, nullable=False),
    Column("input_tokens", Integer),
    Column("output_tokens", Integer),
    Column("cached_input_tokens", Integer),
    Column("cache_write_tokens", Integer),
    Column("usage_estimated", Boolean, nullable=False),
    Column("cost_usd", MONEY),  # NULL when the cost cannot be known (never recorded as 0).
    # The worst case held against budgets while it ran; budgets count it for a row of unknown cost.
    Column("reserved_usd", MONEY),
    Column("latency_ms", Integer),
    # The alias a routing rule or router sent it to (migration 0004); NULL: served as asked.
    Column("routed_alias", String(200)),
    # A cache hit: what the answer would have cost at its deployment's prices (its cost_usd is 0;
    # migration 0005). NULL for answers a provider generated.
    Column("saved_usd", MONEY),
    Index("ix_ledger_started_at", "started_at"),
    Index("ix_ledger_key_started", "key_id", "started_at"),
    Index("ix_ledger_team_started", "team_id", "started_at"),
    # Only the rows in flight, for the reconciliation of a dead instance's (migration 0002).
    Index(
        "ix_ledger_pending",
        "instance",
        sqlite_where=text("status = 'pending'"),
        postgresql_where=text("status = 'pending'"),
    ),
)

instances = Table(
    "instances",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    # Heartbeat: an instance not seen for a while is gone, and its pending ledger rows are reconciled.
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

alert_state = Table(
    "alert_state",
    metadata,
    Column("scope", String(10), primary_key=True),  # ``key`` or ``team``.
    Column("scope_id", String(40), primary_key=True),
    Column("period_start", DateTime(timezone=True), primary_key=True),
    # Percent of the budget; a row means the alert was sent (once per threshold per period).
    Column("threshold", Integer, primary_key=True),
    Column("sent_at", DateTime(timezone=True), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    # Assigned by the writer under the chain's lock: 1, 2, 3, ... with no gap (a gap is a deletion).
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False),
    Column("time", DateTime(timezone=True), nullable=False),
    # ``request`` (journaled before dispatch), ``response`` (how it ended), ``refused`` (never
    # sent: a privacy block), ``admin`` (keys, teams, policy changes).
    Column("kind", String(10), nullable=False),
    Column("request_id", String(80)),
    Column("key_id", String(40)),
    Column("team_id", String(40)),
    Column("alias", String(200)),
    Column("deployment", String(200)),
    Column("vendor", String(40)),
    Column("categories", JSON, nullable=False),  # category → count found (never the values)
    Column("action", String(200)),
    Column("request_sha256", String(64)),
    Column("response_sha256", String(64)),
    Column("content", Text),  # raw request or answer: only when ``privacy.audit.content`` is on
    Column("detail", JSON),
    # HMAC-SHA256 over prev_mac and the record's canonical form (stores/audit.py), hex.
    Column("prev_mac", String(64), nullable=False),
    Column("mac", String(64), nullable=False),
    Index("ix_audit_log_time", "time"),
    Index("ix_audit_log_request_id", "request_id"),
)

feedback = Table(
    "feedback",
    metadata,
    # One score per request (a repeat replaces it); the request's ledger row has the rest.
    Column("request_id", String(80), primary_key=True),
    Column("key_id", String(40)),  # who rated it (the key that made the request; NULL: master key)
    Column("score", Float, nullable=False),  # 0 (bad answer) .. 1 (good answer)
    Column("comment", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_feedback_updated_at", "updated_at"),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True),  # one row: the lock every writer of the chain takes
    Column("seq", BigInteger, nullable=False),
    Column("mac", String(64), nullable=False),
)
