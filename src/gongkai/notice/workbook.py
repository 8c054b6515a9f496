"""The round's workbook (.xlsx): 汇总 (one row per unit), 问题明细 (one row per finding), 缺报与重复.

Written with XlsxWriter: frozen header, autofilter, severity and status colours, numbers as numbers,
links from each unit to its notice (relative, so the folder can be moved or zipped as a whole).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from gongkai.notice.batch import NoticeFile
from gongkai.notice.content import NoticeItem
from gongkai.notice.wording import advice_lines, compact_locations, display_file
from gongkai.round.model import STATUS_LABELS

STATUS_COLOURS = {"通过": "#E2EFDA", "需整改": "#F8CBAD", "无法读取": "#FFE699", "缺报": "#D9D9D9"}
SEVERITY_COLOURS = {"错误": "#F8CBAD", "警告": "#FFE699", "提示": "#DDEBF7", "无法读取": "#FFE699"}
RECHECK_COLOURS = {"已整改": "#E2EFDA", "仍未整改": "#F8CBAD", "新发现": "#FFE699"}

SUMMARY_HEAD = ["序号", "单位", "地区", "文件", "年度", "错误", "警告", "状态", "整改通知", "备注"]
DETAIL_HEAD = [
    "序号",
    "单位",
    "文件",
    "规则编号",
    "级别",
    "问题",
    "表格",
    "行",
    "列",
    "数值",
    "位置",
    "修改要求",
    "复核状态",
]
OTHER_HEAD = ["类别", "单位", "文件", "说明"]


def _number(text: str) -> int | float | str:
    """A value as printed, as a number when it is one (so Excel sums and sorts it)."""
    t = text.replace(",", "").replace("，", "").strip()
    try:
        v = float(t)
    except ValueError:
        return text
    return int(v) if v.is_integer() and "." not in t else v


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes in a column `width` characters wide (a Chinese character counts two)."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return max(1, -(-units // max(int(width) - 1, 1)))


class _Book:
    def __init__(self, target: Any, title: str = "政府信息公开工作年度报告核查汇总") -> None:
        self.title = title
        self.wb = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_numbers": False})
        self.wb.set_properties({"title": title})
        base = {"font_name": "宋体", "font_size": 11, "valign": "top", "text_wrap": True, "border": 1}
        self.base = self.wb.add_format(base)
        self.head = self.wb.add_format(base | {"bold": True, "bg_color": "#D9E1F2", "align": "center"})
        self.num = self.wb.add_format(base | {"align": "right"})
        self.center = self.wb.add_format(base | {"align": "center"})
        self.widths: dict[str, list[float]] = {}
        self.link = self.wb.add_format(base | {"font_color": "#0563C1", "underline": 1})
        self.fills = {
            k: self.wb.add_format(base | {"bg_color": c, "align": "center"})
            for k, c in {**STATUS_COLOURS, **SEVERITY_COLOURS, **RECHECK_COLOURS}.items()
        }

    def sheet(self, name: str, head: list[str], widths: Sequence[float]) -> Any:
        ws = self.wb.add_worksheet(name)
        self.widths[name] = list(widths)
        ws.write_row(0, 0, head, self.head)
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        ws.freeze_panes(1, 0)
        ws.set_row(0, 22)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.set_header(f"&C&14 {self.title}（{name}）")
        ws.set_footer("&C第 &P 页，共 &N 页")
        return ws

    def cell(self, ws: Any, r: int, c: int, v: Any) -> None:
        if v is None or v == "":
            ws.write_blank(r, c, None, self.base)
        elif isinstance(v, int | float) and not isinstance(v, bool):
            ws.write_number(r, c, v, self.center if c == 0 else self.num)
        elif isinstance(v, str) and v in self.fills and c > 0:
            ws.write_string(r, c, v, self.fills[v])
        else:
            ws.write_string(r, c, str(v), self.base)

    def row(self, ws: Any, r: int, values: list[Any]) -> None:
        """Write a row and give it the height its wrapped text needs (neither Excel nor LibreOffice
        fits the height of rows written by XlsxWriter)."""
        for c, v in enumerate(values):
            self.cell(ws, r, c, v)
        widths = self.widths[ws.name]
        lines = 1
        for c, v in enumerate(values):
            if isinstance(v, str) and c < len(widths):
                lines = max(lines, sum(_lines(part, widths[c]) for part in v.split("\n")))
        if lines > 1:
            ws.set_row(r, 15 * lines)

    def finish(self, ws: Any, n_rows: int, n_cols: int) -> None:
        ws.autofilter(0, 0, max(n_rows, 1), n_cols - 1)


def _not_resent(previous: dict[str, str], name: str) -> str:
    """The 复核 of a unit that sent nothing in a recheck round, by its status in the earlier round."""
    before = previous.get(name)
    if before is None:
        return ""
    if before == "通过":
        return "上一轮已通过，无需重新报送"
    if before == "缺报":
        return "上一轮缺报，本轮仍未报送"
    return f"上一轮{before}，本轮未重新报送"


def _summary(
    book: _Book, rnd: Any, notices: list[NoticeFile], link_dir: str, html: bool, previous: dict[str, str]
) -> None:
    with_recheck = rnd.baseline_file is not None
    head = SUMMARY_HEAD + (["复核"] if with_recheck else [])
    ws = book.sheet("汇总", head, [6, 30, 10, 48, 8, 7, 7, 10, 12, 24] + ([26] if with_recheck else []))
    by_entry = {id(nf.entry): nf for nf in notices}
    rows: list[tuple[str, Any, list[Any], str, str]] = []  # name, unit, entries, status, note
    for row in rnd.units:
        note = f"重复报送 {len(row.entries)} 份" if len(row.entries) > 1 else ""
        if row.unit is None and rnd.roster is not None:
            note = "不在报送名单中"
        rows.append((row.name, row.unit, row.entries, STATUS_LABELS[row.status], note))
    for e in rnd.unmatched:
        if rnd.in_year(e):
            rows.append((e.unit_name, None, [e], STATUS_LABELS[e.status], "未能与报送名单中的单位对应"))
    for i, (name, unit, entries, status, note) in enumerate(rows, 1):
        r = i
        years = sorted({e.year for e in entries if e.year})
        values = [
            i,
            name,
            unit.region if unit is not None else "",
            "\n".join(display_file(e.rel) for e in entries),
            years[0] if len(years) == 1 else "、".join(map(str, years)),
            sum(len(e.errors) for e in entries) if entries else "",
            sum(len(e.warnings) for e in entries) if entries else "",
            status,
        ]
        book.row(ws, r, values)
        nf = next((by_entry[id(e)] for e in entries if id(e) in by_entry), None)
        if nf is not None:
            suffix = ".html" if html else ".docx"
            ws.write_url(r, 8, f"external:{link_dir}/{nf.stem}{suffix}", book.link, "打开通知")
        else:
            book.cell(ws, r, 8, "")
        book.cell(ws, r, 9, note)
        if with_recheck:
            labels = [e.recheck.label for e in entries if e.recheck is not None]
            text = "；".join(labels) if labels else ("首次核查" if entries else _not_resent(previous, name))
            book.cell(ws, r, 10, text)
    book.finish(ws, len(rows), len(head))


def _item_row(item: NoticeItem) -> list[Any]:
    """表格, 行, 列, 数值, 位置 of a finding: the suspect cell when there is one, else the candidates, else all."""
    cells = [item.suspect] if item.suspect is not None else (item.candidates or item.cells)
    value: Any = ""
    if len(cells) == 1:
        value = _number(cells[0].value)
    elif cells:
        value = "；".join(c.value for c in cells)
    return [
        item.table,
        "；".join(dict.fromkeys(c.row for c in cells)),
        "；".join(dict.fromkeys(c.column for c in cells if c.column)),
        value,
        "、".join(compact_locations([c.location for c in cells])),
    ]


def _details(book: _Book, rnd: Any, notices: list[NoticeFile]) -> int:
    ws = book.sheet("问题明细", DETAIL_HEAD, [6, 24, 30, 22, 8, 50, 22, 30, 12, 10, 14, 36, 10])
    r = 0
    for nf in notices:
        n = nf.notice
        if n.unreadable is not None:
            r += 1
            values = [
                r,
                n.unit,
                n.file,
                nf.entry.error[0] if nf.entry.error else "",
                "无法读取",
                n.unreadable,
                "",
                "",
                "",
                "",
                "",
                "请重新报送可以打开的文件",
                "",
            ]
            book.row(ws, r, values)
        for item in n.items:
            r += 1
            recheck = item.recheck or ""
            values = [r, n.unit, n.file, item.rule, item.severity_label, "\n".join([item.message, *item.notes])]
            values += _item_row(item) + ["\n".join(advice_lines(item)), recheck]
            book.row(ws, r, values)
        if nf.entry.recheck is not None:
            for f in nf.entry.recheck.fixed:
                r += 1
                labels = [str(x) for x in f.get("labels") or []]
                values = [
                    r,
                    n.unit,
                    n.file,
                    f.get("rule", ""),
                    f.get("severity_label", ""),
                    f.get("message", ""),
                    "；".join(f.get("tables") or []),
                    "；".join(dict.fromkeys(label.rpartition("·")[0] or label for label in labels)),
                    "；".join(dict.fromkeys(label.rpartition("·")[2] for label in labels if "·" in label)),
                    "",
                    "、".join(compact_locations(list(f.get("locations") or []))),
                    f.get("advice", ""),
                    "已整改",
                ]
                book.row(ws, r, values)
    book.finish(ws, r, len(DETAIL_HEAD))
    return r


def other_rows(rnd: Any) -> list[list[str]]:
    """缺报, 重复报送, 未匹配名单的报告, 其他年度的报告, 未读取的文件: one row each."""
    rows: list[list[str]] = []
    for u in rnd.missing:
        extra = "；".join(x for x in (u.region and f"地区：{u.region}", u.contact and f"联系人：{u.contact}") if x)
        rows.append(["缺报", u.name, "", extra or "未收到本年度报告"])
    for d in rnd.duplicates:
        for e in d.entries:
            rows.append(["重复报送", d.name, display_file(e.rel), f"共 {len(d.entries)} 份，请确认以哪一份为准"])
    for e in rnd.unmatched:
        rows.append(
            [
                "未匹配名单的报告",
                e.report.meta.agency or "（未识别单位名称）",
                display_file(e.rel),
                "报告中的单位名称与名单不符",
            ]
        )
    for e in rnd.other_years:
        rows.append(
            ["其他年度的报告", e.unit_name, display_file(e.rel), f"{e.year}年度报告，不计入本轮（{rnd.year}年度）"]
        )
    for s in rnd.skipped:
        rows.append(["未读取的文件", "", display_file(s.rel), s.reason])
    return rows


def _others(book: _Book, rnd: Any) -> int:
    ws = book.sheet("缺报与重复", OTHER_HEAD, [18, 30, 50, 60])
    rows = other_rows(rnd)
    for r, row in enumerate(rows, 1):
        book.row(ws, r, list(row))
    book.finish(ws, len(rows), len(OTHER_HEAD))
    return len(rows)


def previous_statuses(baseline: dict[str, Any] | None) -> dict[str, str]:
    """Unit → its status label in an earlier round's JSON (for units that send nothing in a recheck)."""
    units = (baseline or {}).get("units") or []
    return {str(u["unit"]): str(u.get("status_label", "")) for u in units if isinstance(u, dict) and u.get("unit")}


def workbook_bytes(
    rnd: Any,
    notices: list[NoticeFile],
    link_dir: str = "整改通知",
    html_links: bool = False,
    baseline: dict[str, Any] | None = None,
) -> bytes:
    """The workbook in memory (the web face serves it); links point to `<link_dir>/<stem>.docx`.

    `baseline`, the earlier round's JSON, lets 复核 say why a unit sent nothing this time."""
    buf = io.BytesIO()
    year = f"{rnd.year}年度" if rnd.year else ""
    book = _Book(buf, f"{year}政府信息公开工作年度报告核查汇总")
    _summary(book, rnd, notices, link_dir, html_links, previous_statuses(baseline))
    _details(book, rnd, notices)
    _others(book, rnd)
    book.wb.close()
    return buf.getvalue()


def write_workbook(rnd: Any, notices: list[NoticeFile], path: str | Path, link_dir: str = "整改通知") -> Path:
    p = Path(path)
    p.write_bytes(workbook_bytes(rnd, notices, link_dir))
    return p


__all__ = ["other_rows", "previous_statuses", "workbook_bytes", "write_workbook"]
