"""The three tables as grids in the standard's own layout (merged header cells as in the official
template), built from the format data in `gongkai.standard`. A page draws them; a value cell
carries its cell path so it can be marked and clicked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.model import Report
from gongkai.standard import ACTIVE_BLOCKS, REQUEST_COLUMNS, REQUEST_GROUPS, REQUEST_ROWS, REVIEW_COLUMNS, TABLE_TITLES

_RESULT_GROUPS = {"results", "denied", "unable", "declined", "other_handling"}


@dataclass
class GridCell:
    text: str = ""
    path: str | None = None  # a value cell's path; None for a heading
    rowspan: int = 1
    colspan: int = 1
    present: bool = True  # the report has this cell (False: the row or column is absent)


@dataclass
class Grid:
    key: str
    title: str
    rows: list[list[GridCell]] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        return [c.path for row in self.rows for c in row if c.path]


def _fmt(report: Report, path: str) -> GridCell:
    if not report.has(path):
        return GridCell("", path, present=False)
    ev = report.evidence.get(path)
    value = report.value(path)
    if value is None:
        text = (ev.get("text") or "").strip() if ev else ""
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return GridCell(text, path)


def active_grid(report: Report) -> Grid:
    active = report.active or {}
    grid = Grid("active", TABLE_TITLES["active"])
    for block in ACTIVE_BLOCKS:
        rows = [r for r in block.rows if r.key in active] or ([] if active else list(block.rows))
        if not rows:
            continue
        have = list(active[rows[0].key]) if rows[0].key in active else []
        variant = next((v for v in block.variants if [c.key for c in v.columns] == have),
                       next((v for v in block.variants if v.version == (report.meta.template or "2021")),
                            block.variants[0]))
        n = len(variant.columns)
        grid.rows.append([GridCell(f"第二十条第（{block.item}）项", colspan=n + 1)])
        grid.rows.append([GridCell("信息内容"), *(GridCell(c.label) for c in variant.columns)])
        for r in rows:
            label = "规范性文件" if r.key == "normative_documents" and variant.version == "2019" else r.label
            grid.rows.append([GridCell(label), *(_fmt(report, f"active.{r.key}.{c.key}") for c in variant.columns)])
    return grid


def requests_grid(report: Report) -> Grid:
    req = report.requests or {}
    version = "2019" if report.meta.template == "2019" or "other" in req else "2021"
    rows = [r for r in REQUEST_ROWS if r.key in req] or [r for r in REQUEST_ROWS if r.version in ("both", version)]
    grid = Grid("requests", TABLE_TITLES["requests"])
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    grid.rows.append([GridCell(note, colspan=3, rowspan=3),
                      GridCell("申请人情况", colspan=7)])
    grid.rows.append([GridCell(REQUEST_COLUMNS[0].label, rowspan=2), GridCell("法人或其他组织", colspan=5),
                      GridCell(REQUEST_COLUMNS[-1].label, rowspan=2)])
    grid.rows.append([GridCell(c.label) for c in REQUEST_COLUMNS[1:6]])
    group_size: dict[str, int] = {}
    for r in rows:
        if r.group:
            group_size[r.group] = group_size.get(r.group, 0) + 1
    results_span = sum(1 for r in rows if r.group in _RESULT_GROUPS)
    opened: set[str] = set()
    for r in rows:
        values = [_fmt(report, f"requests.{r.key}.{c.key}") for c in REQUEST_COLUMNS]
        if r.group is None:
            grid.rows.append([GridCell(r.full_label, colspan=3), *values])
            continue
        lead: list[GridCell] = []
        if "results" not in opened:
            opened.add("results")
            lead.append(GridCell("三、本年度办理结果", rowspan=results_span))
        if r.group == "results":
            grid.rows.append([*lead, GridCell(r.full_label, colspan=2), *values])
            continue
        if r.group not in opened:
            opened.add(r.group)
            group = next(g for g in REQUEST_GROUPS if g.key == r.group)
            lead.append(GridCell(group.number + group.label, rowspan=group_size[r.group]))
        grid.rows.append([*lead, GridCell(r.full_label), *values])
    return grid


def review_grid(report: Report) -> Grid:
    grid = Grid("review_litigation", TABLE_TITLES["review_litigation"])
    grid.rows.append([GridCell("行政复议", colspan=5), GridCell("行政诉讼", colspan=10)])
    grid.rows.append([*(GridCell(c.label, rowspan=2) for c in REVIEW_COLUMNS),
                      GridCell("未经复议直接起诉", colspan=5), GridCell("复议后起诉", colspan=5)])
    grid.rows.append([GridCell(c.label) for c in REVIEW_COLUMNS] * 2)
    grid.rows.append([_fmt(report, f"review_litigation.{g}.{c.key}")
                      for g in ("review", "litigation_direct", "litigation_after_review") for c in REVIEW_COLUMNS])
    return grid


def report_grids(report: Report) -> list[Grid]:
    """Table 二, 三 and 四 of a report (a table the report lacks is drawn empty, in the standard's shape)."""
    return [active_grid(report), requests_grid(report), review_grid(report)]


__all__ = ["Grid", "GridCell", "report_grids"]
