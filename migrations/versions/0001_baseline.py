"""Baseline: the tables as `create_all` made them before migrations existed.

A database made by an earlier credgraph (create_all, perhaps before `review_decisions.origin`
was added) is adopted as it is: each table is created only if missing and the late `origin`
column added only if missing, so its rows (the stewards' decisions above all) stay untouched.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _review_items() -> None:
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(128), nullable=False),
        sa.Column("entity_type", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("record_text", sa.Text, nullable=False),
        sa.Column("mention", sa.Text, nullable=False),
        sa.Column("candidate_name", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("uncertainty", sa.Float, nullable=False),
        sa.Column("impact", sa.Integer, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.UniqueConstraint("source", "record_id", "entity_type", "entity_id", name="uq_pair"),
    )


def _review_decisions() -> None:
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.Integer, nullable=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(128), nullable=False),
        sa.Column("entity_type", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("who", sa.String(128), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("decided_at", sa.DateTime, nullable=False),
        sa.Column("origin", sa.String(256), nullable=False),
    )


def _punish_tasks() -> None:
    op.create_table(
        "punish_tasks",
        sa.Column("task_id", sa.String(32), primary_key=True),
        sa.Column("record_id", sa.String(128), nullable=False, index=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("document_no", sa.String(256), nullable=False),
        sa.Column("authority", sa.String(256), nullable=False),
        sa.Column("measure", sa.String(64), nullable=False),
        sa.Column("measure_name", sa.String(256), nullable=False),
        sa.Column("department", sa.String(64), nullable=False, index=True),
        sa.Column("department_name", sa.String(256), nullable=False),
        sa.Column("relation", sa.String(16), nullable=False),
        sa.Column("target_label", sa.String(16), nullable=False),
        sa.Column("target_key", sa.String(64), nullable=False, index=True),
        sa.Column("target_name", sa.String(256), nullable=False),
        sa.Column("region_code", sa.String(16), nullable=False, index=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("issued_by", sa.String(256), nullable=False),
        sa.Column("issued_at", sa.DateTime, nullable=False),
        sa.Column("closed_by", sa.String(128), nullable=True),
        sa.Column("closed_at", sa.DateTime, nullable=True),
        sa.Column("feedback", sa.Text, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
    )


def _tier_feedback() -> None:
    op.create_table(
        "tier_feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(128), nullable=False, index=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("subject_type", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=False, index=True),
        sa.Column("from_score", sa.Float, nullable=True),
        sa.Column("to_score", sa.Float, nullable=False),
        sa.Column("from_tier", sa.String(4), nullable=True),
        sa.Column("to_tier", sa.String(4), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )


TABLES = {
    "review_items": _review_items,
    "review_decisions": _review_decisions,
    "punish_tasks": _punish_tasks,
    "tier_feedback": _tier_feedback,
}


def upgrade() -> None:
    have = set(sa.inspect(op.get_bind()).get_table_names())
    for name, create in TABLES.items():
        if name not in have:
            create()
    if "review_decisions" in have:
        cols = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("review_decisions")}
        if "origin" not in cols:  # databases made before the decision's origin was recorded
            op.add_column(
                "review_decisions",
                sa.Column("origin", sa.String(256), nullable=False, server_default=""),
            )


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: it would drop the stewards' decisions")
