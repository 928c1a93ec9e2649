"""Disputed links (resolution.review_queue): an investigator's doubt about a link shown on a
subject's page, with who and why. Kept apart from the stewards' decisions: a dispute is not a
verdict, it only puts the pair in front of the stewards.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_disputes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(128), nullable=False),
        sa.Column("entity_type", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("who", sa.String(256), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("disputed_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_index("ix_review_disputes_item", "review_disputes", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_review_disputes_item", "review_disputes")
    op.drop_table("review_disputes")
