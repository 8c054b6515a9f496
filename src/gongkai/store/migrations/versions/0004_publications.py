"""Publications: a hash of each report's cells, so the same report in two formats is one publication;
each finding's key stored beside it (so SQL can join a person's marks to findings).

Adds ``reports.cells_digest`` (sha256 of the cells, NULL when a report has none), fills it in for
reports already stored, and renumbers every agency's years by publication date (see
`gongkai.store.versions`): the same PDF and text copy no longer replace each other by file order.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reports", sa.Column("cells_digest", sa.String(64), nullable=True))
    # "a stored report of this agency-year with the same cells" answered from the index alone: the
    # digest column sits after report_json, and reading it from the table walks the JSON's pages
    op.create_index("ix_reports_agency_year_digest", "reports", ["agency_id", "year", "cells_digest"])
    op.add_column("findings", sa.Column("finding_key", sa.String(500), nullable=True))
    bind = op.get_bind()
    from gongkai.model import Finding
    from gongkai.store.query import cell_value
    from gongkai.store.schema import cells, findings, reports

    for fid, rule, severity, message, fcells in bind.execute(
        sa.select(findings.c.id, findings.c.rule, findings.c.severity, findings.c.message, findings.c.cells)
    ).all():
        key = Finding(rule=rule, severity=severity, message=message, cells=list(fcells or [])).key
        bind.execute(sa.update(findings).where(findings.c.id == fid).values(finding_key=key))
    from gongkai.store.versions import cells_digest, renumber

    values: dict[int, list[tuple[str, object]]] = {}
    for rid, path, vi, vr in bind.execute(sa.select(cells.c.report_id, cells.c.path, cells.c.value_int,
                                                    cells.c.value_real)):
        values.setdefault(rid, []).append((path, cell_value(vi, vr)))
    for rid, items in values.items():
        bind.execute(sa.update(reports).where(reports.c.id == rid).values(cells_digest=cells_digest(items)))  # type: ignore[arg-type]
    groups = bind.execute(sa.select(reports.c.agency_id, reports.c.year).where(reports.c.agency_id.is_not(None))
                          .distinct()).all()
    for agency_id, year in groups:
        renumber(bind, agency_id, year)


def downgrade() -> None:
    op.drop_index("ix_reports_agency_year_digest", table_name="reports")
    op.drop_column("findings", "finding_key")
    op.drop_column("reports", "cells_digest")  # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), no table copy
