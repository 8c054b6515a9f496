"""The fill-in workbook (填报表): the standard's tables in Excel, totals as live formulas, checks visible.

One sheet for the unit, year, date and the six sections' text; one sheet per table laid out as
the standard (render/layout.py: same labels, merged headers). Input cells are unlocked and
validated (whole numbers ≥ 0; fee amounts as decimals ≥ 0; 2019's 本年增/减 may be negative);
everything else is protected. 行总计, （七）总计 and 复议/诉讼总计 are formulas, and a check row turns red
when 一+二 ≠ （七）+四. A hidden sheet records which cell holds which value, for reading back
(read/xlsx.py).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gongkai.model import Report
from gongkai.render.layout import Slot, TableLayout, Version, computed_paths, layouts
from gongkai.render.values import CN_NUMERALS, Values
from gongkai.standard import APPLICANT_COLUMNS, REQUEST_COLUMNS, SECTIONS

MARKER = "gongkai-填报表"
MAP_SHEET = "gongkai"
INFO_SHEET = "基本信息与正文"
TABLE_SHEETS = {"active": "表二 主动公开", "requests": "表三 依申请公开", "review_litigation": "表四 复议诉讼"}
_TOP = 3  # first sheet row (0-based) of a table: title, note, blank above
DECIMAL_PATHS = ("active.fees.amount", "active.procurement.amount")
_SIGNED_COLUMNS = (".change",)
_META = (("meta.agency", "单位名称", "如：某某县人民政府办公室"), ("meta.year", "报告年度", "统计年度，如 2025"),
         ("meta.published", "发布日期", "如 2026-01-20 或 2026年1月20日"))


_INFO_HINT = (
    "黄色格子为填写处；三张统计表在后面的工作表中。"
    "填好后生成报告：gongkai render 本文件 --format docx --out 报告.docx"
)
_TEXT_HINT = "正文：每部分写在右侧格子里，一段一行（格内换行按 Alt+Enter）；二、三、四部分可只有表格。"
_TABLE_HINT = "黄色格子填写数字（没有发生的填 0）；灰色格子是自动计算的合计，不必填写。"
_BALANCE_HINT = "每一列：本年新收＋上年结转 应等于 （七）总计＋结转下年度继续办理；显示红色“不平衡”的列请核对。"


@dataclass(frozen=True)
class CellRef:
    sheet: str
    row: int  # 0-based
    col: int  # 0-based

    @property
    def a1(self) -> str:
        return f"{column_letter(self.col)}{self.row + 1}"

    def __str__(self) -> str:
        return f"{self.sheet}!{self.a1}"


def column_letter(col: int) -> str:
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def workbook_cells(version: Version = "2021") -> dict[str, CellRef]:
    """Where each value lives in the workbook: meta and section texts, and every cell path."""
    cells: dict[str, CellRef] = {}
    for k, (key, _, _) in enumerate(_META):
        cells[key] = CellRef(INFO_SHEET, 2 + k, 1)
    for s in SECTIONS:
        cells[f"sections.{s.no}"] = CellRef(INFO_SHEET, 6 + s.no, 1)
    for layout in layouts(version):
        for slot in layout.value_slots():
            assert slot.path is not None
            cells[slot.path] = CellRef(TABLE_SHEETS[layout.key], _TOP + slot.row, slot.col)
    return cells


def _number(text: str) -> int | float | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return int(v) if v.is_integer() and "." not in text else v


def _width_chars(twips: int) -> float:
    return max(round(twips / 105, 1), 7.5)


def build_workbook(
    version: Version = "2021", values: Mapping[str, str] | None = None, previous: Report | None = None
) -> bytes:
    """A fill-in workbook (bytes), optionally prefilled with `values`; `previous` shows last year's 现行有效件数."""
    import xlsxwriter

    values = dict(values or {})
    cells = workbook_cells(version)
    computed = computed_paths(version)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"title": "政府信息公开工作年度报告填报表", "author": "gongkai", "comments": MARKER})
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter", "text_wrap": True}
    fmt = {
        "head": wb.add_format({**base, "align": "center"}),
        "label": wb.add_format({**base, "align": "center"}),
        "left": wb.add_format({**base, "align": "left"}),
        "block": wb.add_format({**base, "align": "left", "bg_color": "#C6D9F1"}),
        "note": wb.add_format({**base, "align": "left"}),
        "input": wb.add_format({**base, "align": "center", "locked": False, "bg_color": "#FFFDE7"}),
        "decimal": wb.add_format({**base, "align": "center", "locked": False, "bg_color": "#FFFDE7",
                                  "num_format": "0.00##"}),
        "formula": wb.add_format({**base, "align": "center", "bg_color": "#EEEEEE", "bold": True}),
        "title": wb.add_format({"font_name": "宋体", "font_size": 14, "bold": True}),
        "hint": wb.add_format({"font_name": "宋体", "font_size": 9, "font_color": "#555555", "text_wrap": True,
                               "valign": "top"}),
        "ref": wb.add_format({**base, "align": "center", "font_color": "#555555", "bg_color": "#F3F3F3",
                              "italic": True}),
        "text_input": wb.add_format({"font_name": "宋体", "font_size": 11, "border": 1, "text_wrap": True,
                                     "valign": "top", "locked": False, "bg_color": "#FFFDE7"}),
        "year_input": wb.add_format({"font_name": "宋体", "font_size": 11, "border": 1, "align": "left",
                                     "locked": False, "bg_color": "#FFFDE7"}),
        "meta_label": wb.add_format({**base, "bold": True, "align": "right"}),
        "ok": wb.add_format({"bg_color": "#C8E6C9", "font_color": "#1B5E20", "bold": True}),
        "bad": wb.add_format({"bg_color": "#FF5252", "font_color": "#FFFFFF", "bold": True}),
    }
    _info_sheet(wb, fmt, values, cells)
    for layout in layouts(version):
        _table_sheet(wb, fmt, layout, values, cells, computed, previous)
    _map_sheet(wb, version, cells)
    wb.close()
    return buf.getvalue()


def _info_sheet(wb: Any, fmt: dict[str, Any], values: Mapping[str, str], cells: Mapping[str, CellRef]) -> None:
    ws = wb.add_worksheet(INFO_SHEET)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 72)
    ws.write(0, 0, "政府信息公开工作年度报告 填报表", fmt["title"])
    ws.merge_range(1, 0, 1, 1, _INFO_HINT, fmt["hint"])
    ws.set_row(1, 28)
    for key, label, hint in _META:
        ref = cells[key]
        ws.write(ref.row, 0, label, fmt["meta_label"])
        raw = values.get(key, "")
        if key == "meta.year" and raw.isdigit():
            ws.write_number(ref.row, 1, int(raw), fmt["year_input"])
        else:
            ws.write_string(ref.row, 1, raw, fmt["text_input"])
        ws.write_comment(ref.row, 1, hint)
    yr = cells["meta.year"]
    ws.data_validation(yr.row, 1, yr.row, 1, {
        "validate": "integer", "criteria": "between", "minimum": 2008, "maximum": 2100,
        "error_title": "年度", "error_message": "请填写四位数年度，如 2025", "ignore_blank": True,
    })
    ws.merge_range(6, 0, 6, 1, _TEXT_HINT, fmt["hint"])
    for s in SECTIONS:
        ref = cells[f"sections.{s.no}"]
        ws.write(ref.row, 0, f"{CN_NUMERALS[s.no - 1]}、{s.title}", fmt["meta_label"])
        ws.write_string(ref.row, 1, values.get(f"sections.{s.no}", ""), fmt["text_input"])
        ws.set_row(ref.row, 120)
    ws.protect("", {"format_rows": True, "format_columns": True})
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.activate()


def _table_sheet(
    wb: Any,
    fmt: dict[str, Any],
    layout: TableLayout,
    values: Mapping[str, str],
    cells: Mapping[str, CellRef],
    computed: Mapping[str, tuple[str, ...]],
    previous: Report | None,
) -> None:
    ws = wb.add_worksheet(TABLE_SHEETS[layout.key])
    ws.hide_gridlines(2)
    ws.write(0, 0, layout.title, fmt["title"])
    ws.merge_range(1, 0, 1, layout.n_cols - 1, _TABLE_HINT, fmt["hint"])
    for c, w in enumerate(layout.widths):
        ws.set_column(c, c, _width_chars(w))
    for slot in layout.slots:
        r, c = _TOP + slot.row, slot.col
        if slot.path is None:
            style = fmt["block"] if slot.role == "block" else fmt["left"] if slot.align == "left" else fmt["head"]
            _put(ws, slot, r, c, slot.text, style)
        elif slot.path in computed:
            refs = [cells[p].a1 for p in computed[slot.path]]
            cached = sum(_number(values.get(p, "")) or 0 for p in computed[slot.path])
            _put_formula(ws, slot, r, c, f"=SUM({','.join(refs)})", fmt["formula"], cached)
        else:
            decimal = slot.path in DECIMAL_PATHS
            style = fmt["decimal"] if decimal else fmt["input"]
            raw = values.get(slot.path, "")
            number = _number(raw) if raw else None
            _put(ws, slot, r, c, number if number is not None else "", style)
            _validate(ws, slot, r, c, decimal)
    _row_heights(ws, layout)
    if layout.key == "requests":
        _balance_row(ws, fmt, layout, cells)
    if layout.key == "active" and previous is not None and previous.active:
        _previous_in_force(ws, fmt, layout, previous)
    ws.protect("", {"format_rows": True, "format_columns": True})
    if layout.key == "review_litigation":
        ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.print_area(0, 0, _TOP + layout.n_rows + 2, layout.n_cols - 1 + (2 if layout.key == "active" else 0))


def _put(ws: Any, slot: Slot, r: int, c: int, value: Any, style: Any) -> None:
    if slot.rowspan > 1 or slot.colspan > 1:
        ws.merge_range(r, c, r + slot.rowspan - 1, c + slot.colspan - 1, value, style)
    else:
        ws.write(r, c, value, style)


def _put_formula(ws: Any, slot: Slot, r: int, c: int, formula: str, style: Any, cached: float) -> None:
    if slot.colspan > 1 or slot.rowspan > 1:
        ws.merge_range(r, c, r + slot.rowspan - 1, c + slot.colspan - 1, "", style)
    ws.write_formula(r, c, formula, style, cached)


def _validate(ws: Any, slot: Slot, r: int, c: int, decimal: bool) -> None:
    assert slot.path is not None
    signed = slot.path.endswith(_SIGNED_COLUMNS)
    if decimal:
        rule = {"validate": "decimal", "criteria": ">=", "value": 0,
                "error_message": "请填写金额（万元，可带小数），不能为负数。"}
    elif signed:
        rule = {"validate": "integer", "criteria": "between", "minimum": -10**9, "maximum": 10**9,
                "error_message": "请填写整数（减少用负数，如 -8）。"}
    else:
        rule = {"validate": "integer", "criteria": ">=", "value": 0,
                "error_message": "请填写不小于 0 的整数；没有发生的填 0。"}
    ws.data_validation(r, c, r + slot.rowspan - 1, c + slot.colspan - 1,
                       {**rule, "error_title": "数字格式不对", "ignore_blank": True})


def _row_heights(ws: Any, layout: TableLayout) -> None:
    heights: dict[int, float] = {}
    for slot in layout.slots:
        if not slot.text:
            continue
        width = sum(_width_chars(w) for w in layout.widths[slot.col : slot.col + slot.colspan])
        lines = math.ceil(len(slot.text) * 2.1 / max(width, 1))
        per_row = 14 * lines / slot.rowspan
        heights[slot.row] = max(heights.get(slot.row, 16.0), per_row)
    for row, h in heights.items():
        ws.set_row(_TOP + row, h)


def _balance_row(ws: Any, fmt: dict[str, Any], layout: TableLayout, cells: Mapping[str, CellRef]) -> None:
    r = _TOP + layout.n_rows
    ws.merge_range(r, 0, r, 2, "核对：一＋二 ＝ （七）＋四", fmt["meta_label"])
    for k, col in enumerate(c.key for c in REQUEST_COLUMNS):
        a, b = cells[f"requests.new_received.{col}"].a1, cells[f"requests.carried_over.{col}"].a1
        t, f = cells[f"requests.total_processed.{col}"].a1, cells[f"requests.carried_forward.{col}"].a1
        ws.write_formula(r, 3 + k, f'=IF(ABS(({a}+{b})-({t}+{f}))<0.0001,"平衡","不平衡")',
                         fmt["head"], "平衡")
    ws.conditional_format(r, 3, r, 3 + len(REQUEST_COLUMNS) - 1,
                          {"type": "cell", "criteria": "==", "value": '"不平衡"', "format": fmt["bad"]})
    ws.conditional_format(r, 3, r, 3 + len(REQUEST_COLUMNS) - 1,
                          {"type": "cell", "criteria": "==", "value": '"平衡"', "format": fmt["ok"]})
    ws.merge_range(r + 1, 0, r + 1, layout.n_cols - 1, _BALANCE_HINT, fmt["hint"])


def _previous_in_force(ws: Any, fmt: dict[str, Any], layout: TableLayout, previous: Report) -> None:
    """Beside 现行有效件数: last year's figure, for reference (not part of the report)."""
    col = layout.n_cols + 1
    ws.set_column(col, col, 30)
    active = previous.active or {}
    for slot in layout.slots:
        if slot.path and slot.path.endswith(".in_force"):
            row = slot.path.split(".")[1]
            prev = active.get(row, {}).get("in_force")
            ws.write(_TOP + slot.row, col, "" if prev is None else prev, fmt["ref"])
        elif slot.text == "现行有效件数":
            ws.write(_TOP + slot.row, col, f"上年现行有效件数（{previous.meta.year or '上年'}，参考）",
                     fmt["ref"])


def _map_sheet(wb: Any, version: Version, cells: Mapping[str, CellRef]) -> None:
    ws = wb.add_worksheet(MAP_SHEET)
    ws.write_row(0, 0, [MARKER, version])
    for k, (path, ref) in enumerate(cells.items(), start=1):
        ws.write_row(k, 0, [path, ref.sheet, ref.a1])
    ws.hide()
    ws.protect()


def template_values(previous: Report | None) -> Values:
    """Prefill for next year's workbook: unit, year + 1, and 上年结转 = last year's 结转下年度继续办理."""
    if previous is None:
        return {}
    out: Values = {"meta.agency": previous.meta.agency or ""}
    if previous.meta.year:
        out["meta.year"] = str(previous.meta.year + 1)
    forward = (previous.requests or {}).get("carried_forward", {})
    for col in APPLICANT_COLUMNS:
        v = forward.get(col)
        if v is not None:
            out[f"requests.carried_over.{col}"] = str(v)
    return out
