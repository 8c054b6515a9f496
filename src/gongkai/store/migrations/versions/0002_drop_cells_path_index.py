"""Drop the index on cells.path: lookups by cell go through the (report_id, path) primary key, and the
index made every stored report touch ~200 scattered index pages (ingest slowed as the store grew).

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


def downgrade() -> None:
    op.create_index("ix_cells_path", "cells", ["path"])
