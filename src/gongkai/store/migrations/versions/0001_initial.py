"""Initial store: agencies, agency names, reports, cells, findings.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("region", sa.String(300), nullable=True),
        sa.Column("level", sa.String(50), nullable=True),
        sa.UniqueConstraint("key", name="uq_agencies_key"),
    )
    op.create_table(
        "agency_names",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
    )
    op.create_index("ix_agency_names_agency_id", "agency_names", ["agency_id"])
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=True),
        sa.Column("agency_printed", sa.String(300), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("template", sa.String(10), nullable=True),
        sa.Column("published", sa.String(10), nullable=True),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("source_kind", sa.String(20), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("n_errors", sa.Integer(), nullable=False),
        sa.Column("n_warnings", sa.Integer(), nullable=False),
        sa.Column("n_info", sa.Integer(), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("sha256", name="uq_reports_sha256"),
        sa.UniqueConstraint("agency_id", "year", "version", name="uq_reports_agency_year_version"),
    )
    op.create_index("ix_reports_agency_year", "reports", ["agency_id", "year"])
    op.create_index("ix_reports_year", "reports", ["year"])
    op.create_index("ix_reports_is_current", "reports", ["is_current"])
    op.create_table(
        "cells",
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("path", sa.String(120), primary_key=True),
        sa.Column("value_int", sa.BigInteger(), nullable=True),
        sa.Column("value_real", sa.Double(), nullable=True),
        sa.Column("literal", sa.Text(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True),
    )
    op.create_index("ix_cells_path", "cells", ["path"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("suspect", sa.String(120), nullable=True),
    )
    op.create_index("ix_findings_report_id", "findings", ["report_id"])
    op.create_index("ix_findings_rule", "findings", ["rule"])


def downgrade() -> None:
    for table in ("findings", "cells", "reports", "agency_names", "agencies"):
        op.drop_table(table)
