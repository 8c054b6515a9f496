"""The export tables, streamed from the store.

- wide: one row per report: report columns, the count of findings per rule, then one column per
  cell path (standard order);
- long: one row per cell: report, cell path, its Chinese label, value and literal text;
- findings: one row per finding: report, rule, severity, message, the cells it names with their
  values, and the mark a person put on it (未处理 when none);
- sections: one row per section of the six: its text as paragraphs (hard line breaks of PDF copies
  joined, spacing next to Chinese dropped) and the raw text as extracted (the evidence).

Only the long table tells a blank cell (value empty, literal "/" or "") from a cell the report does
not have (no row); the wide table leaves both empty.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from gongkai.standard import ACTIVE_BLOCKS, REQUEST_COLUMNS, REQUEST_ROWS, REVIEW_CELLS, cell_label
from gongkai.store.query import cell_value, report_rows
from gongkai.store.schema import cells, finding_marks, findings, reports

CHUNK = 500


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    kind: str  # int (nullable integer) | dec (decimal: money, or a count printed with decimals) | str | bool
    width: int = 0  # XLSX column width (0: from the kind and header); long text wraps

    def header(self, labels: str) -> str:
        return self.zh if labels == "zh" else self.key


@dataclass
class Table:
    name: str  # wide | long | findings
    zh: str
    columns: list[Column]
    rows: Iterator[list[Any]]


REPORT_COLUMNS: tuple[Column, ...] = (
    Column("report_id", "报告编号", "int"),
    Column("agency", "单位", "str"),
    Column("agency_printed", "报告所署单位名称", "str"),
    Column("region", "地区", "str"),
    Column("level", "层级", "str"),
    Column("region_code", "行政区划代码", "str"),
    Column("province", "省", "str"),
    Column("city", "市", "str"),
    Column("county", "县（区）", "str"),
    Column("parent", "所属政府", "str"),
    Column("region_note", "地区说明", "str"),
    Column("year", "年度", "int"),
    Column("version", "版本", "int"),
    Column("is_current", "现行版本", "bool"),
    Column("template", "格式", "str"),
    Column("published", "发布日期", "str"),
    Column("n_errors", "错误数", "int"),
    Column("n_warnings", "警告数", "int"),
    Column("n_info", "提示数", "int"),
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
    Column("value", "数值（整数）", "int"),
    Column("value_decimal", "数值（小数，如收费金额）", "dec"),
    Column("literal", "原文", "str"),
)
FINDING_COLUMNS: tuple[Column, ...] = (
    Column("report_id", "报告编号", "int", 9),
    Column("agency", "单位", "str", 22),
    Column("year", "年度", "int", 7),
    Column("version", "版本", "int", 6),
    Column("rule", "规则", "str", 22),
    Column("rule_title", "规则说明", "str", 36),
    Column("severity", "级别", "str", 6),
    Column("origin", "来源", "str", 8),
    Column("message", "说明", "str", 60),
    Column("cells", "单元格", "str", 28),
    Column("cell_labels", "单元格名称", "str", 30),
    Column("values", "单元格数值", "str", 14),
    Column("status", "处理状态", "str", 9),
    Column("reason", "标记理由", "str", 20),
)
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
ORIGIN_ZH = {"pipeline": "本报告", "cross_year": "跨年度"}
STATUS_ZH = {"confirmed": "已确认", "dismissed": "误报", "fixed": "已整改"}
UNMARKED = "未处理"
# money cells are decimals (万元), never integers
DECIMAL_PATHS = frozenset({"active.fees.amount"})


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


def cell_columns(paths: list[str], decimal: set[str] | frozenset[str] = DECIMAL_PATHS) -> list[Column]:
    """Cell columns: decimal for money cells and for any cell stored with a non-integer value, else integer."""
    labels = [cell_label(p) for p in paths]
    dupes = {x for x in labels if labels.count(x) > 1}
    return [Column(p, f"{lab}（{p}）" if lab in dupes else lab,
                   "dec" if p in decimal or p in DECIMAL_PATHS else "int")
            for p, lab in zip(paths, labels, strict=True)]


def rule_columns(rule_ids: list[str]) -> list[Column]:
    """One count column per rule (`findings.<rule>`), titled with the rule's Chinese title."""
    from gongkai.check import all_rules

    titles = {r.id: r.title for r in all_rules()}
    return [Column(f"findings.{r}", f"发现数·{titles.get(r, r)}（{r}）", "int") for r in rule_ids]


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
    return order_paths(list(_present(conn, where, current_only)))


def _present(conn: Connection, where: list[ColumnElement[bool]], current_only: bool) -> dict[str, bool]:
    """Every cell path of the selected reports → whether any of them stored a non-integer value there."""
    ids = report_rows(where, current_only).with_only_columns(reports.c.id).order_by(None)
    stmt = (select(cells.c.path, func.count(cells.c.value_real)).where(cells.c.report_id.in_(ids))
            .group_by(cells.c.path))
    return {path: bool(n) for path, n in conn.execute(stmt)}


def present_rules(conn: Connection, where: list[ColumnElement[bool]], current_only: bool) -> list[str]:
    ids = report_rows(where, current_only).with_only_columns(reports.c.id).order_by(None)
    return sorted(conn.execute(select(findings.c.rule).where(findings.c.report_id.in_(ids)).distinct()).scalars())


def _rule_counts(conn: Connection, ids: list[int]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {i: {} for i in ids}
    stmt = (select(findings.c.report_id, findings.c.rule, func.count())
            .where(findings.c.report_id.in_(ids)).group_by(findings.c.report_id, findings.c.rule))
    for rid, rule, n in conn.execute(stmt):
        out[rid][rule] = int(n)
    return out


def wide_table(conn: Connection, where: list[ColumnElement[bool]] | None = None, current_only: bool = True) -> Table:
    """One row per report (streamed in chunks of CHUNK reports; consume inside the connection's transaction).

    A rule count is 0 when the report has no finding of that rule (every report was checked by every rule).
    """
    conds = list(where or [])
    present = _present(conn, conds, current_only)
    paths = order_paths(list(present))
    rules = present_rules(conn, conds, current_only)
    columns = [*REPORT_COLUMNS, *rule_columns(rules), *cell_columns(paths, {p for p, d in present.items() if d})]

    def rows() -> Iterator[list[Any]]:
        for chunk in _report_chunks(conn, conds, current_only):
            ids = [r["id"] for r in chunk]
            by_report = _cells_of(conn, ids)
            counts = _rule_counts(conn, ids)
            for r in chunk:
                got = by_report[r["id"]]
                meta = [r["id"], r["agency"], r["agency_printed"], r["region"], r["level"], r["region_code"],
                        r["province"], r["city"], r["county"], r["parent"], r["region_note"], r["year"], r["version"],
                        bool(r["is_current"]), r["template"], r["published"], r["n_errors"], r["n_warnings"],
                        r["n_info"], r["source_path"], r["sha256"]]
                yield (meta + [counts[r["id"]].get(rule, 0) for rule in rules]
                       + [got[p][0] if p in got else None for p in paths])

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
                    whole = value if isinstance(value, int) else None
                    part = value if not isinstance(value, int) else None
                    yield [r["id"], r["agency"], r["year"], r["version"], p, cell_label(p), whole, part, literal]

    return Table("long", "长表", list(LONG_COLUMNS), rows())


def _fmt_value(v: Any) -> str:
    return "空" if v is None else str(v)


def findings_table(conn: Connection, where: list[ColumnElement[bool]] | None = None,
                   current_only: bool = True) -> Table:
    """One row per finding of the selected reports (report id order, then the finding's order)."""
    from gongkai.check import all_rules

    titles = {r.id: r.title for r in all_rules()}
    conds = list(where or [])

    def rows() -> Iterator[list[Any]]:
        for chunk in _report_chunks(conn, conds, current_only):
            ids = [r["id"] for r in chunk]
            by_report = _cells_of(conn, ids)
            shas = {r["id"]: r["sha256"] for r in chunk}
            marks = {
                (sha, key): (status, reason)
                for sha, key, status, reason in conn.execute(
                    select(finding_marks.c.sha256, finding_marks.c.finding_key, finding_marks.c.status,
                           finding_marks.c.reason).where(finding_marks.c.sha256.in_(set(shas.values())))
                )
            }
            stmt = (select(findings.c.report_id, findings.c.rule, findings.c.severity, findings.c.origin,
                           findings.c.message, findings.c.cells, findings.c.finding_key)
                    .where(findings.c.report_id.in_(ids)).order_by(findings.c.report_id, findings.c.seq))
            meta = {r["id"]: r for r in chunk}
            for rid, rule, severity, origin, message, fcells, key in conn.execute(stmt):
                r = meta[rid]
                paths = list(fcells or [])
                got = by_report[rid]
                status, reason = marks.get((shas[rid], key), (None, None))
                yield [rid, r["agency"], r["year"], r["version"], rule, titles.get(rule, ""),
                       SEVERITY_ZH.get(severity, severity), ORIGIN_ZH.get(origin, origin), message,
                       "; ".join(paths), "; ".join(cell_label(p) for p in paths),
                       "; ".join(_fmt_value(got[p][0]) if p in got else "无此项" for p in paths),
                       STATUS_ZH.get(status, status) if status else UNMARKED, reason]

    return Table("findings", "发现", list(FINDING_COLUMNS), rows())


SECTION_COLUMNS: tuple[Column, ...] = (
    Column("report_id", "报告编号", "int", 9),
    Column("agency", "单位", "str", 22),
    Column("year", "年度", "int", 7),
    Column("version", "版本", "int", 6),
    Column("no", "部分", "int", 6),
    Column("title", "标题", "str", 28),
    Column("text", "正文（段落）", "str", 90),
    Column("raw_text", "原文（提取所得，含原换行）", "str", 60),
)


def sections_table(conn: Connection, where: list[ColumnElement[bool]] | None = None,
                   current_only: bool = True) -> Table:
    """One row per section of the selected reports, in report id then section order."""
    from gongkai.analysis.text import joined  # here: gongkai.analysis imports this module
    from gongkai.model import Report

    conds = list(where or [])

    def rows() -> Iterator[list[Any]]:
        for chunk in _report_chunks(conn, conds, current_only):
            meta = {r["id"]: r for r in chunk}
            stmt = (select(reports.c.id, reports.c.report_json).where(reports.c.id.in_(list(meta)))
                    .order_by(reports.c.id))
            for rid, raw in conn.execute(stmt):
                r = meta[rid]
                for s in Report.model_validate_json(raw).sections:
                    yield [rid, r["agency"], r["year"], r["version"], s.no, s.title, joined(s.text), s.text]

    return Table("sections", "正文", list(SECTION_COLUMNS), rows())


TABLES = {"wide": wide_table, "long": long_table, "findings": findings_table, "sections": sections_table}
