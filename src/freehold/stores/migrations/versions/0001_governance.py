"""Keys, teams, the usage ledger, gateway instances and budget alert state.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

MONEY = sa.Numeric(20, 10)
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("budget_usd", MONEY),
        sa.Column("budget_period", sa.String(10)),
        sa.Column("rpm", sa.Integer),
        sa.Column("tpm", sa.Integer),
        sa.Column("metadata", sa.JSON, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_table(
        "keys",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("team_id", sa.String(40), sa.ForeignKey("teams.id", ondelete="RESTRICT")),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("hint", sa.String(20), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("aliases", sa.JSON),
        sa.Column("rpm", sa.Integer),
        sa.Column("tpm", sa.Integer),
        sa.Column("budget_usd", MONEY),
        sa.Column("budget_period", sa.String(10)),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("over_budget", sa.String(10), nullable=False),
        sa.Column("when_counters_down", sa.String(10), nullable=False),
        sa.Column("metadata", sa.JSON, nullable=False),
        sa.Column("expires_at", WHEN),
        sa.Column("revoked_at", WHEN),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_index("ix_keys_team_id", "keys", ["team_id"])
    op.create_table(
        "revision",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(sa.table("revision", sa.column("id"), sa.column("value")), [{"id": 1, "value": 0}])
    op.create_table(
        "ledger",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(80), nullable=False, unique=True),
        sa.Column("instance", sa.String(40), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("key_id", sa.String(40)),
        sa.Column("team_id", sa.String(40)),
        sa.Column("door", sa.String(20), nullable=False),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.Column("deployment", sa.String(200)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("input_tokens", sa.Integer),
        sa.Column("output_tokens", sa.Integer),
        sa.Column("cached_input_tokens", sa.Integer),
        sa.Column("cache_write_tokens", sa.Integer),
        sa.Column("usage_estimated", sa.Boolean, nullable=False),
        sa.Column("cost_usd", MONEY),
        sa.Column("reserved_usd", MONEY),
        sa.Column("latency_ms", sa.Integer),
    )
    op.create_index("ix_ledger_started_at", "ledger", ["started_at"])
    op.create_index("ix_ledger_key_started", "ledger", ["key_id", "started_at"])
    op.create_index("ix_ledger_team_started", "ledger", ["team_id", "started_at"])
    op.create_index("ix_ledger_alias_started", "ledger", ["alias", "started_at"])
    op.create_index("ix_ledger_deployment_started", "ledger", ["deployment", "started_at"])
    op.create_index("ix_ledger_status_instance", "ledger", ["status", "instance"])
    op.create_table(
        "instances",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("seen_at", WHEN, nullable=False),
    )
    op.create_table(
        "alert_state",
        sa.Column("scope", sa.String(10), primary_key=True),
        sa.Column("scope_id", sa.String(40), primary_key=True),
        sa.Column("period_start", WHEN, primary_key=True),
        sa.Column("threshold", sa.Integer, primary_key=True),
        sa.Column("sent_at", WHEN, nullable=False),
    )


def downgrade() -> None:
    for table in ("alert_state", "instances", "ledger", "revision", "keys", "teams"):
        op.drop_table(table)
