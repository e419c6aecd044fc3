"""Routing in the ledger, and user feedback on answers.

``ledger.routed_alias``: the alias a routing rule or router sent the request to (``alias`` stays
the one the client asked for). ``feedback``: one score per request (the latest wins), for
retraining a router on a team's own traffic (docs/routing.md).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger") as batch:
        batch.add_column(sa.Column("routed_alias", sa.String(200)))
    op.create_table(
        "feedback",
        sa.Column("request_id", sa.String(80), primary_key=True),
        sa.Column("key_id", sa.String(40)),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_feedback_updated_at", "feedback", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_feedback_updated_at", table_name="feedback")
    op.drop_table("feedback")
    with op.batch_alter_table("ledger") as batch:
        batch.drop_column("routed_alias")
