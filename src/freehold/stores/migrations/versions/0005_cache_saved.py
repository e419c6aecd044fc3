"""Cache hits in the ledger: ``saved_usd``, what an answer served from the cache would have cost.

A hit is a row with ``cost_usd`` 0 (budgets count nothing for it) and ``saved_usd`` the price of
its tokens at the deployment that first answered; NULL for every answer a provider generated.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger") as batch:
        batch.add_column(sa.Column("saved_usd", sa.Numeric(20, 10)))


def downgrade() -> None:
    with op.batch_alter_table("ledger") as batch:
        batch.drop_column("saved_usd")
