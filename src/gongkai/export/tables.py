"""The two export tables, streamed from the store.

- wide: one row per report, report columns then one column per cell path (standard order);
- long: one row per cell: report, cell path, its Chinese label, value and literal text.

Only the long table tells a blank cell (value empty, literal "/" or "") from a cell the report does
not have (no row); the wide table leaves both empty.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, select

from gongkai.standard import ACTIVE_BLOCKS, REQUEST_COLUMNS, REQUEST_ROWS, REVIEW_CELLS, cell_label
from gongkai.store.query import cell_value, report_rows
from gongkai.store.schema import cells, reports

CHUNK = 500


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    kind: str  # int | num | str | bool

    def header(self, labels: str) -> str:
        return self.zh if labels == "zh" else self.key


@dataclass
class Table:
    name: str  # wide | long
    zh: str
    columns: list[Column]
    rows: Iterator[list[Any]]


REPORT_COLUMNS: tuple[Column, ...] = (
    Column("report_id", "报告编号", "int"),
    Column("agency", "单位", "str"),
    Column("agency_printed", "报告所署单位名称", "str"),
    Column("region", "地区", "str"),
    Column("level", "层级", "str"),
    Column("year", "年度", "int"),
    Column("version", "版本", "int"),
    Column("is_current", "现行版本", "bool"),
    Column("template", "格式", "str"),
    Column("published", "发布日期", "str"),
    Column("n_errors", "错误数", "int"),
    Column("n_warnings", "警告数", "int"),
    Column("source_path", "来源文件", "str"),
    Column("sha256", "文件SHA-256", "str"),
)
LONG_COLUMNS: tuple[Column, ...] = (
    Column("report_id", "报告编号", "int"),
    Column("agency", "单位", "str"),
    Column("year", "年度", "int"),
    Column("version", "版本", "int"),
    Column("path", "单元格路径", "str"),
    Column("label", "单元格", "str"),
    Column("value", "数值", "num"),
    Column("literal", "原文", "str"),
)


def standard_paths() -> list[str]:
    """Every cell path of the national format, in the standard's order (2021 columns before 2019's)."""
    out: list[str] = []
    for block in ACTIVE_BLOCKS:
        for row in block.rows:
            for variant in block.variants:
                for col in variant.columns:
                    path = f"active.{row.key}.{col.key}"
                    if path not in out:
                        out.append(path)
    out += [f"requests.{r.key}.{c.key}" for r in REQUEST_ROWS for c in REQUEST_COLUMNS]
    out += [f"review_litigation.{g}.{c}" for g, c in REVIEW_CELLS]
    return out


_ORDER = {p: i for i, p in enumerate(standard_paths())}


def order_paths(paths: set[str] | list[str]) -> list[str]:
    return sorted(set(paths), key=lambda p: (_ORDER.get(p, len(_ORDER)), p))


def cell_columns(paths: list[str]) -> list[Column]:
    labels = [cell_label(p) for p in paths]
    dupes = {x for x in labels if labels.count(x) > 1}
    return [Column(p, f"{lab}（{p}）" if lab in dupes else lab, "num") for p, lab in zip(paths, labels, strict=True)]


def _report_chunks(conn: Connection, where: list[ColumnElement[bool]], current_only: bool) -> Iterator[Sequence[Any]]:
    last = 0
    while True:
        stmt = report_rows([*where, reports.c.id > last], current_only).limit(CHUNK)
        rows = conn.execute(stmt).mappings().all()
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]


def _cells_of(conn: Connection, ids: list[int]) -> dict[int, dict[str, tuple[Any, str | None]]]:
    out: dict[int, dict[str, tuple[Any, str | None]]] = {i: {} for i in ids}
    stmt = select(cells.c.report_id, cells.c.path, cells.c.value_int, cells.c.value_real, cells.c.literal).where(
        cells.c.report_id.in_(ids)
    )
    for rid, path, vi, vr, lit in conn.execute(stmt):
        out[rid][path] = (cell_value(vi, vr), lit)
    return out


def present_paths(conn: Connection, where: list[ColumnElement[bool]], current_only: bool) -> list[str]:
    ids = report_rows(where, current_only).with_only_columns(reports.c.id).order_by(None)
    found = conn.execute(select(cells.c.path).where(cells.c.report_id.in_(ids)).distinct()).scalars()
    return order_paths(list(found))


def wide_table(conn: Connection, where: list[ColumnElement[bool]] | None = None, current_only: bool = True) -> Table:
    """One row per report (streamed in chunks of CHUNK reports; consume inside the connection's transaction)."""
    conds = list(where or [])
    paths = present_paths(conn, conds, current_only)
    columns = [*REPORT_COLUMNS, *cell_columns(paths)]

    def rows() -> Iterator[list[Any]]:
        for chunk in _report_chunks(conn, conds, current_only):
            by_report = _cells_of(conn, [r["id"] for r in chunk])
            for r in chunk:
                got = by_report[r["id"]]
                meta = [r["id"], r["agency"], r["agency_printed"], r["region"], r["level"], r["year"], r["version"],
                        bool(r["is_current"]), r["template"], r["published"], r["n_errors"], r["n_warnings"],
                        r["source_path"], r["sha256"]]
                yield meta + [got[p][0] if p in got else None for p in paths]

    return Table("wide", "宽表", columns, rows())


def long_table(conn: Connection, where: list[ColumnElement[bool]] | None = None, current_only: bool = True) -> Table:
    """One row per stored cell, reports in id order and cells in the standard's order."""
    conds = list(where or [])

    def rows() -> Iterator[list[Any]]:
        for chunk in _report_chunks(conn, conds, current_only):
            by_report = _cells_of(conn, [r["id"] for r in chunk])
            for r in chunk:
                got = by_report[r["id"]]
                for p in order_paths(list(got)):
                    value, literal = got[p]
                    yield [r["id"], r["agency"], r["year"], r["version"], p, cell_label(p), value, literal]

    return Table("long", "长表", list(LONG_COLUMNS), rows())
