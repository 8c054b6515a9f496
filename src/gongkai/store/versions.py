"""Publications and versions of one agency's year.

A *publication* is what an agency published once: files with the same agency, year and cells (the
same report as PDF, as its text copy, as a web page) are one publication in several formats. A
correction (different cells) is a new publication.

Versions are numbered 1, 2, … over an agency's year in this order, which does not depend on the
order files were ingested in:

1. publications by their publication (signature) date; a publication without a date counts as
   older than any dated one; equal dates by the first time one of its files was ingested;
2. within a publication, its formats by kind (DOCX, PDF, HTML, Markdown, text, picture) then by hash.

The *current* report is the first format of the last publication: "current" means the latest
published, not the latest ingested.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select, update

from gongkai.model import Number
from gongkai.standard import cell_label
from gongkai.store.schema import cells, reports

KIND_ORDER = ("docx", "pdf", "html", "markdown", "text", "image")


def cells_digest(values: Iterable[tuple[str, Number | None]]) -> str | None:
    """A hash of a report's cells (path → value); None when it has none (never the same as another)."""
    items = sorted((p, None if v is None else (int(v) if float(v).is_integer() else float(v))) for p, v in values)
    if not items:
        return None
    return hashlib.sha256(json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


@dataclass(frozen=True)
class Row:
    id: int
    digest: str | None
    published: str | None
    kind: str
    sha256: str
    version: int
    is_current: bool


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def order(rows: list[Row]) -> list[Row]:
    """Rows in version order (see the module docstring); the last publication's first row is current."""
    groups: dict[Any, list[Row]] = {}
    for r in rows:
        groups.setdefault(r.digest if r.digest is not None else ("file", r.id), []).append(r)
    pubs = sorted(groups.values(), key=lambda g: (max(r.published or "" for r in g), min(r.id for r in g)))
    return [r for g in pubs for r in sorted(g, key=lambda r: (_kind_rank(r.kind), r.sha256))]


def renumber(conn: Connection, agency_id: int, year: int | None) -> list[Row]:
    """Number the versions of an agency's year and mark the current one, touching only rows that change.

    Returns the rows in version order (as they are now stored)."""
    rows = [Row(*r) for r in conn.execute(
        select(reports.c.id, reports.c.cells_digest, reports.c.published, reports.c.source_kind, reports.c.sha256,
               reports.c.version, reports.c.is_current)
        .where(reports.c.agency_id == agency_id,
               reports.c.year == year if year is not None else reports.c.year.is_(None))
    )]
    ordered = order(rows)
    current_id = _current_of(ordered)
    changed = [(r, i + 1) for i, r in enumerate(ordered) if r.version != i + 1]
    for r, _ in changed:  # park out of the way of the unique (agency, year, version)
        conn.execute(update(reports).where(reports.c.id == r.id).values(version=-r.id))
    out = []
    for i, r in enumerate(ordered):
        want_current = r.id == current_id
        if r.version != i + 1 or r.is_current != want_current:
            conn.execute(update(reports).where(reports.c.id == r.id).values(version=i + 1, is_current=want_current))
        out.append(Row(r.id, r.digest, r.published, r.kind, r.sha256, i + 1, want_current))
    return out


def place_new(conn: Connection, agency_id: int, year: int | None, new: Row) -> tuple[Row, Row | None, Row | None]:
    """Give a just-inserted report (numbered last, marked current) its place among its agency-year.

    Returns (the new row as now stored, the row to describe changes against, a row of the same
    publication or None). The usual case, a new publication dated no earlier than any other, touches
    one row (the previous current one) and reads two, however many versions the year already has;
    anything else renumbers the year (`renumber`).
    """
    same_year = reports.c.year == year if year is not None else reports.c.year.is_(None)
    group = (reports.c.agency_id == agency_id, same_year, reports.c.id != new.id)
    later = conn.execute(select(reports.c.id).where(
        *group, func.coalesce(reports.c.published, "") > (new.published or "")).limit(1)).scalar()
    twin = None
    if new.digest is not None:
        twin = conn.execute(select(reports.c.id).where(*group, reports.c.cells_digest == new.digest).limit(1)).scalar()
    if later is None and twin is None:
        prev = conn.execute(select(reports.c.id, reports.c.cells_digest, reports.c.published, reports.c.source_kind,
                                   reports.c.sha256, reports.c.version, reports.c.is_current)
                            .where(*group, reports.c.is_current.is_(True))).first()
        if prev is not None:
            conn.execute(update(reports).where(reports.c.id == prev[0]).values(is_current=False))
            return new, Row(*prev), None
    rows = renumber(conn, agency_id, year)
    mine = next(r for r in rows if r.id == new.id)
    same = next((r for r in rows if r.id != new.id and new.digest is not None and r.digest == new.digest), None)
    others = [r for r in rows if r.id != new.id]
    ref = (max(others, key=lambda r: r.version) if mine.is_current else next(r for r in rows if r.is_current)) \
        if others else None
    return mine, ref, same


def _current_of(ordered: list[Row]) -> int | None:
    if not ordered:
        return None
    last = ordered[-1]
    key = last.digest if last.digest is not None else ("file", last.id)
    return next(r.id for r in ordered if (r.digest if r.digest is not None else ("file", r.id)) == key)


def changed_cells(conn: Connection, old_id: int, new: dict[str, Number | None]) -> list[str]:
    """Cell paths whose values differ between stored report `old_id` and the cells `new` (present/absent too)."""
    old: dict[str, Number | None] = {}
    for path, vi, vr in conn.execute(
        select(cells.c.path, cells.c.value_int, cells.c.value_real).where(cells.c.report_id == old_id)
    ):
        old[path] = int(vi) if vi is not None else vr
    return sorted(p for p in set(old) | set(new) if (p in old) != (p in new) or old.get(p) != new.get(p))


def describe_changes(paths: list[str], old: int, limit: int = 3) -> str:
    """"与第 1 版相比 2 个单元格不同：…" in Chinese labels."""
    if not paths:
        return f"与第 {old} 版单元格相同"
    shown = "、".join(cell_label(p) for p in paths[:limit]) + ("等" if len(paths) > limit else "")
    return f"与第 {old} 版相比 {len(paths)} 个单元格不同：{shown}"
