"""The credit-tier history (gnn.tier_log): every tier change of a run, inspection feedback or
rescore, once under its content-derived id. A database where an earlier build made the table
with create_all keeps it as it is.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "tier_history" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "tier_history",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("change_id", sa.String(32), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("subject_type", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=False),
        sa.Column("from_tier", sa.String(4), nullable=True),
        sa.Column("to_tier", sa.String(4), nullable=False),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("run", sa.String(128), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_tier_history_change_id", "tier_history", ["change_id"], unique=True)
    op.create_index("ix_tier_history_subject_id", "tier_history", ["subject_id"])


def downgrade() -> None:
    op.drop_index("ix_tier_history_subject_id", "tier_history")
    op.drop_index("ix_tier_history_change_id", "tier_history")
    op.drop_table("tier_history")
