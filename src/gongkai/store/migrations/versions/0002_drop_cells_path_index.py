"""Drop two low-cardinality indexes that made ingest slow down as the store grew.

- cells.path: lookups by cell go through the (report_id, path) primary key; the index made every
  stored report touch ~200 scattered index pages;
- reports.is_current: SQLite's planner chose it over (agency_id, year) for "the current report of
  this agency and year", scanning every current report.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_cells_path", table_name="cells")
    op.drop_index("ix_reports_is_current", table_name="reports")


def downgrade() -> None:
    op.create_index("ix_reports_is_current", "reports", ["is_current"])
    op.create_index("ix_cells_path", "cells", ["path"])
