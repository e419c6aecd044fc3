"""The tamper-evident audit log (``audit_log``) and its chain head (``audit_head``, one row).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("request_id", sa.String(80)),
        sa.Column("key_id", sa.String(40)),
        sa.Column("team_id", sa.String(40)),
        sa.Column("alias", sa.String(200)),
        sa.Column("deployment", sa.String(200)),
        sa.Column("vendor", sa.String(40)),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("action", sa.String(200)),
        sa.Column("request_sha256", sa.String(64)),
        sa.Column("response_sha256", sa.String(64)),
        sa.Column("content", sa.Text),
        sa.Column("detail", sa.JSON),
        sa.Column("prev_mac", sa.String(64), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_log_time", "audit_log", ["time"])
    op.create_index("ix_audit_log_request_id", "audit_log", ["request_id"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
    )
    op.bulk_insert(
        sa.table("audit_head", sa.column("id"), sa.column("seq"), sa.column("mac")),
        [{"id": 1, "seq": 0, "mac": GENESIS}],
    )


def downgrade() -> None:
    op.drop_table("audit_head")
    op.drop_table("audit_log")
