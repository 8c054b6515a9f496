"""The Word notice and the round's workbook as bytes for downloads.

The notice writers (`gongkai.notice.docx`, `gongkai.notice.workbook`) are used when this build has
them; otherwise a plain Word notice and workbook are written here from the same notice content.
"""

from __future__ import annotations

import importlib
import io
import tempfile
from pathlib import Path
from typing import Any

from gongkai.notice.content import Notice, build_notice
from gongkai.round import STATUS_LABELS, Round

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def has_word() -> bool:
    return True


def has_workbook() -> bool:
    return True


def _via_file(func: Any, obj: Any, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="gongkai-dl-") as tmp:
        out = Path(tmp) / f"out{suffix}"
        got = func(obj, out)
        if isinstance(got, bytes | bytearray):
            return bytes(got)
        return out.read_bytes()


def word(nt: Notice) -> bytes:
    mod = _module("gongkai.notice.docx")
    func = getattr(mod, "write_notice", None) if mod else None
    if func is not None:
        return _via_file(func, nt, ".docx")
    from docx import Document

    doc = Document()
    doc.add_heading(nt.title, level=1)
    doc.add_paragraph(f"{nt.unit}：")
    if nt.unreadable:
        doc.add_paragraph(f"你单位报送的文件“{nt.file}”无法读取：{nt.unreadable}。请重新报送可读取的文件。")
    elif not nt.items:
        doc.add_paragraph(f"经核查，你单位报送的“{nt.file}”未发现需要整改的问题。")
    else:
        doc.add_paragraph(f"经核查，你单位报送的“{nt.file}”存在以下问题，请逐项核实整改：")
        for it in nt.items:
            doc.add_paragraph(f"{it.no}. 【{it.severity_label}】{it.message}")
            if it.where:
                doc.add_paragraph(f"位置：{it.where}")
            if it.advice:
                doc.add_paragraph(f"整改建议：{it.advice}")
    doc.add_paragraph(nt.office)
    doc.add_paragraph(f"{nt.issued.year}年{nt.issued.month}月{nt.issued.day}日")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def workbook(rnd: Round) -> bytes:
    mod = _module("gongkai.notice.workbook")
    func = getattr(mod, "write_workbook", None) if mod else None
    if func is not None:
        return _via_file(func, rnd, ".xlsx")
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
    ws = wb.add_worksheet("汇总")
    for c, h in enumerate(("单位", "状态", "文件", "地区", "层级")):
        ws.write(0, c, h, head)
    for r, row in enumerate(rnd.units, start=1):
        files = "；".join(e.rel for e in row.entries)
        unit = row.unit
        ws.write_row(r, 0, (row.name, STATUS_LABELS[row.status], files, unit.region if unit else "",
                            unit.level if unit else ""), wrap)
    ws.set_column(0, 0, 30)
    ws.set_column(2, 2, 40)
    ws2 = wb.add_worksheet("问题清单")
    cols = ("单位", "文件", "序号", "类别", "问题", "位置", "整改建议")
    for c, h in enumerate(cols):
        ws2.write(0, c, h, head)
    r = 1
    for e in rnd.entries:
        nt = build_notice(e)
        for it in nt.items:
            ws2.write_row(r, 0, (nt.unit, nt.file, it.no, it.severity_label, it.message, it.where, it.advice), wrap)
            r += 1
    ws2.set_column(0, 1, 24)
    ws2.set_column(4, 6, 50)
    ws2.freeze_panes(1, 0)
    ws2.autofilter(0, 0, max(r - 1, 1), len(cols) - 1)
    wb.close()
    return buf.getvalue()


__all__ = ["DOCX", "XLSX", "has_word", "has_workbook", "word", "workbook"]
