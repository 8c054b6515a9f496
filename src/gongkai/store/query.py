"""Reading the store: reports as `Report` objects, current versions, agencies by name, cells."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Select, and_, select

from gongkai.model import Finding, Number, Report
from gongkai.store.agencies import enclosing_suffixes, name_key
from gongkai.store.db import StoreError
from gongkai.store.schema import agencies, agency_names, cells, findings, reports

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def cell_value(value_int: int | None, value_real: float | None) -> Number | None:
    """A stored cell's value exactly as extracted: the integer column, else the decimal column, else None."""
    return int(value_int) if value_int is not None else value_real


def stored_findings(conn: Connection, report_id: int) -> list[Finding]:
    rows = conn.execute(
        select(findings).where(findings.c.report_id == report_id).order_by(findings.c.seq, findings.c.id)
    ).mappings()
    out = [
        Finding(rule=r["rule"], severity=r["severity"], message=r["message"], cells=list(r["cells"] or []),
                suspect=r["suspect"])
        for r in rows
    ]
    out.sort(key=lambda f: _SEVERITY_ORDER[f.severity])
    return out


def load_report(conn: Connection, report_id: int, with_findings: bool = True) -> Report:
    """The stored report exactly as ingested, with its current findings (pipeline + cross-year)."""
    raw = conn.execute(select(reports.c.report_json).where(reports.c.id == report_id)).scalar()
    if raw is None:
        raise StoreError(f"数据库中没有编号为 {report_id} 的报告")
    report = Report.model_validate_json(raw)
    if with_findings:
        report.findings = stored_findings(conn, report_id)
    return report


def current_report_id(conn: Connection, agency_id: int, year: int) -> int | None:
    return conn.execute(
        select(reports.c.id).where(
            reports.c.agency_id == agency_id, reports.c.year == year, reports.c.is_current.is_(True)
        )
    ).scalar()


def find_agency(conn: Connection, name: str) -> int:
    """The agency a user means by `name`: same key, same place with/without enclosing places, or a unique
    substring of a canonical name. Chinese error when none or several fit."""
    key = name_key(name)
    hit = conn.execute(select(agency_names.c.agency_id).where(agency_names.c.key == key)).scalar()
    if hit is not None:
        return int(hit)
    shorter = enclosing_suffixes(key)
    found = set(conn.execute(select(agency_names.c.agency_id).where(agency_names.c.key.in_(shorter))).scalars())
    if not found:
        like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        found = set(
            conn.execute(select(agency_names.c.agency_id).where(agency_names.c.key.like(f"%{like}%", escape="\\")))
            .scalars()
        )
    if len(found) == 1:
        return int(found.pop())
    if not found:
        raise StoreError(f"数据库中没有名为“{name}”的单位")
    names = sorted(conn.execute(select(agencies.c.name).where(agencies.c.id.in_(found))).scalars())
    raise StoreError(f"“{name}”对应多个单位：{'、'.join(names[:10])}；请写全称")


def report_id_for(conn: Connection, agency: str, year: int, version: int | None = None) -> int:
    """The stored report of an agency and year (its current version unless `version` is given)."""
    agency_id = find_agency(conn, agency)
    cond = [reports.c.agency_id == agency_id, reports.c.year == year]
    cond.append(reports.c.version == version if version is not None else reports.c.is_current.is_(True))
    rid = conn.execute(select(reports.c.id).where(and_(*cond))).scalar()
    if rid is None:
        name = conn.execute(select(agencies.c.name).where(agencies.c.id == agency_id)).scalar()
        which = f"第 {version} 版" if version is not None else ""
        raise StoreError(f"数据库中没有“{name}”{year} 年度的报告{which}")
    return int(rid)


def versions(conn: Connection, agency_id: int, year: int) -> list[dict[str, Any]]:
    """Every stored version of one agency's year, oldest first."""
    rows = conn.execute(
        select(reports.c.id, reports.c.version, reports.c.is_current, reports.c.sha256, reports.c.source_path)
        .where(reports.c.agency_id == agency_id, reports.c.year == year)
        .order_by(reports.c.version)
    ).mappings()
    return [dict(r) for r in rows]


def report_rows(where: list[Any] | None = None, current_only: bool = True) -> Select[Any]:
    """Reports joined with their agency, filtered by SQLAlchemy conditions, in id order."""
    stmt = select(
        reports.c.id,
        reports.c.sha256,
        reports.c.agency_printed,
        reports.c.year,
        reports.c.version,
        reports.c.is_current,
        reports.c.template,
        reports.c.published,
        reports.c.source_path,
        reports.c.source_kind,
        reports.c.n_errors,
        reports.c.n_warnings,
        reports.c.n_info,
        agencies.c.name.label("agency"),
        agencies.c.region,
        agencies.c.level,
        agencies.c.region_code,
        agencies.c.province,
        agencies.c.city,
        agencies.c.county,
        agencies.c.parent,
        agencies.c.region_note,
    ).select_from(reports.outerjoin(agencies, agencies.c.id == reports.c.agency_id))
    if current_only:
        stmt = stmt.where(reports.c.is_current.is_(True))
    for cond in where or []:
        stmt = stmt.where(cond)
    return stmt.order_by(reports.c.id)


def iter_cells(conn: Connection, report_ids: Select[Any]) -> Iterator[tuple[int, str, Number | None, str | None]]:
    """(report id, path, value, literal) for the reports selected, ordered by report id and path, streamed."""
    stmt = (
        select(cells.c.report_id, cells.c.path, cells.c.value_int, cells.c.value_real, cells.c.literal)
        .where(cells.c.report_id.in_(report_ids.with_only_columns(reports.c.id).order_by(None)))
        .order_by(cells.c.report_id, cells.c.path)
    )
    for rid, path, vi, vr, lit in conn.execution_options(yield_per=2000).execute(stmt):
        yield rid, path, cell_value(vi, vr), lit
