"""Fewer ledger indexes to maintain on every write: each row is inserted and updated once per request.

Reports group by alias or deployment over a time range (``ix_ledger_started_at`` serves them);
nothing looks rows up by alias or deployment, so those two indexes only cost writes. The
reconciliation looks for *pending* rows of an instance: a partial index over those alone stays
as small as the requests in flight, instead of indexing every row's status.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.drop_index("ix_ledger_alias_started", table_name="ledger")
    op.drop_index("ix_ledger_deployment_started", table_name="ledger")
    op.drop_index("ix_ledger_status_instance", table_name="ledger")
    op.create_index("ix_ledger_pending", "ledger", ["instance"], sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade() -> None:
    op.drop_index("ix_ledger_pending", table_name="ledger")
    op.create_index("ix_ledger_status_instance", "ledger", ["status", "instance"])
    op.create_index("ix_ledger_deployment_started", "ledger", ["deployment", "started_at"])
    op.create_index("ix_ledger_alias_started", "ledger", ["alias", "started_at"])
