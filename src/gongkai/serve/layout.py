"""The three tables as grids in the standard's own layout (merged header cells and column widths of the
official template, from `gongkai.render.layout`), with the report's values. A page draws them; a value
cell carries its cell path so it can be marked and clicked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.model import Report
from gongkai.render.layout import TableLayout, layouts_for


@dataclass
class GridCell:
    text: str = ""
    path: str | None = None  # a value cell's path; None for a heading
    rowspan: int = 1
    colspan: int = 1
    present: bool = True  # the report has this cell (False: the row or column is absent)
    align: str = "center"


@dataclass
class Grid:
    key: str
    title: str
    rows: list[list[GridCell]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)  # each grid column's share of the width, in percent

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


def grid(report: Report | None, layout: TableLayout, values: dict[str, str] | None = None) -> Grid:
    """A layout as a grid: value cells from `report`, or (a form) the text in `values`."""
    total = sum(layout.widths) or 1
    out = Grid(layout.key, layout.title, widths=[round(100 * w / total, 2) for w in layout.widths])
    for row in layout.rows():
        cells = []
        for s in row:
            if s.path is not None:
                cell = _fmt(report, s.path) if report is not None else GridCell((values or {}).get(s.path, ""), s.path)
                cell.rowspan, cell.colspan = s.rowspan, s.colspan
                cells.append(cell)
            else:
                cells.append(GridCell(s.text, None, s.rowspan, s.colspan, align=s.align))
        out.rows.append(cells)
    return out


def report_grids(report: Report) -> list[Grid]:
    """Table 二, 三 and 四 of a report in the shape of its data (a table it lacks is drawn empty)."""
    return [grid(report, layout) for layout in layouts_for(report)]


def form_grids(tables: tuple[TableLayout, ...], values: dict[str, str]) -> list[Grid]:
    """The three tables of a 填报 form, each value cell holding what was typed."""
    return [grid(None, layout, values) for layout in tables]


__all__ = ["Grid", "GridCell", "form_grids", "report_grids"]
