"""Marks a person puts on a finding (已确认 / 误报 / 已整改), kept apart from the findings themselves.

A mark is keyed by the file's content hash and the finding's key (rule and cells), not by a
report id, so it survives re-ingesting the same file and re-running the checks.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finding_marks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("finding_key", sa.String(500), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("who", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("sha256", "finding_key", name="uq_finding_marks_sha_key"),
    )


def downgrade() -> None:
    op.drop_table("finding_marks")
