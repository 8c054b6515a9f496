"""The store's tables (SQLAlchemy 2.x declarative). Migrations in `migrations/versions` create them.

- `agencies`: one row per reporting body (canonical name, region, level; region code, province, city,
  county and a department's parent government inferred from the name, see `gongkai.region`).
- `agency_names`: every normalised name seen or declared for an agency (the alias table).
- `reports`: one row per distinct file (sha256 unique); versions of one agency and year are
  numbered by publication (see `gongkai.store.versions`): the same cells in another format are
  the same publication; the current report is the latest published, not the latest ingested.
- `cells`: one row per table cell of a report: the value exactly (integer or decimal column),
  what the cell literally said, and the rest of its evidence.
- `findings`: the report's findings; `origin` is "pipeline" (from extraction and checks) or
  "cross_year" (recomputed by the store whenever a neighbouring year is stored).
- `finding_marks`: a person's mark on a finding (已确认 / 误报 / 已整改), keyed by file hash and
  `Finding.key`, so it survives re-ingest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Agency(Base):
    __tablename__ = "agencies"
    __table_args__ = (UniqueConstraint("key", name="uq_agencies_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(300))
    level: Mapped[str | None] = mapped_column(String(50))
    # inferred from the name and the 行政区划 table (gongkai.region); the alias file overrides region/level
    region_code: Mapped[str | None] = mapped_column(String(12))
    province: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    county: Mapped[str | None] = mapped_column(String(100))
    parent: Mapped[str | None] = mapped_column(String(300))  # a department's government
    region_note: Mapped[str | None] = mapped_column(Text)  # why no code: ambiguous (with candidates) or unknown


class AgencyName(Base):
    __tablename__ = "agency_names"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # report | alias | suffix


class StoredReport(Base):
    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("sha256", name="uq_reports_sha256"),
        UniqueConstraint("agency_id", "year", "version", name="uq_reports_agency_year_version"),
        Index("ix_reports_agency_year", "agency_id", "year"),
        Index("ix_reports_agency_year_digest", "agency_id", "year", "cells_digest"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    agency_printed: Mapped[str | None] = mapped_column(String(300))
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean)
    template: Mapped[str | None] = mapped_column(String(10))
    published: Mapped[str | None] = mapped_column(String(10))
    source_path: Mapped[str] = mapped_column(Text)
    source_kind: Mapped[str] = mapped_column(String(20))
    schema_version: Mapped[int] = mapped_column(Integer)
    n_errors: Mapped[int] = mapped_column(Integer)
    n_warnings: Mapped[int] = mapped_column(Integer)
    n_info: Mapped[int] = mapped_column(Integer)
    report_json: Mapped[str] = mapped_column(Text)
    cells_digest: Mapped[str | None] = mapped_column(String(64))  # same cells → same publication
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StoredCell(Base):
    __tablename__ = "cells"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    path: Mapped[str] = mapped_column(String(120), primary_key=True)
    value_int: Mapped[int | None] = mapped_column(BigInteger)
    value_real: Mapped[float | None] = mapped_column(Double)
    literal: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class StoredFinding(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(20))  # pipeline | cross_year
    rule: Mapped[str] = mapped_column(String(100), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    cells: Mapped[list[str]] = mapped_column(JSON)
    suspect: Mapped[str | None] = mapped_column(String(120))
    finding_key: Mapped[str | None] = mapped_column(String(500))  # Finding.key (joins finding_marks)


class FindingMark(Base):
    """A person's mark on a finding: confirmed, dismissed (误报, with a reason) or fixed."""

    __tablename__ = "finding_marks"
    __table_args__ = (UniqueConstraint("sha256", "finding_key", name="uq_finding_marks_sha_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    finding_key: Mapped[str] = mapped_column(String(500))  # Finding.key: rule and cells
    status: Mapped[str] = mapped_column(String(20))  # confirmed | dismissed | fixed
    reason: Mapped[str | None] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


agencies = cast(Table, Agency.__table__)
agency_names = cast(Table, AgencyName.__table__)
reports = cast(Table, StoredReport.__table__)
cells = cast(Table, StoredCell.__table__)
findings = cast(Table, StoredFinding.__table__)
finding_marks = cast(Table, FindingMark.__table__)


class CellLabel(Base):
    """Chinese label of every cell path (for SQL users; filled by the views migration)."""

    __tablename__ = "cell_labels"

    path: Mapped[str] = mapped_column(String(120), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))


cell_labels = cast(Table, CellLabel.__table__)
