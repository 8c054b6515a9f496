"""The round's notices, the Word notice, the workbook and the zip of all notices, as bytes for downloads.

The notice writers (`gongkai.notice.batch`, `.docx`, `.workbook`, `.html`) are used when this build has
them; otherwise a plain Word notice and workbook are written here from the same notice content.
"""

from __future__ import annotations

import importlib
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from gongkai.notice.content import Notice, build_notice
from gongkai.round import STATUS_LABELS, Round

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


@dataclass
class PlainNoticeFile:
    """A notice and the stem of its file names (the shape of `gongkai.notice.batch.NoticeFile`)."""

    stem: str
    notice: Notice
    entry: Any


def round_notices(rnd: Round) -> list[Any]:
    """A notice for every report of the round (units in roster order, as the notice writers order them)."""
    batch = _module("gongkai.notice.batch")
    if batch is not None:
        return list(batch.round_notices(rnd))
    out = []
    for i, e in enumerate(rnd.entries):
        n = build_notice(e)
        stem = _UNSAFE.sub("_", f"{i + 1:03d}_{n.unit}{n.year or ''}整改通知")[:120]
        out.append(PlainNoticeFile(stem, n, e))
    return out


def notice_fragment(n: Notice) -> str | None:
    """The notice as an HTML fragment (escaped) from the notice writers, or None without them."""
    html = _module("gongkai.notice.html")
    return None if html is None else str(html.notice_fragment(n))


def notice_css() -> str:
    html = _module("gongkai.notice.html")
    return "" if html is None else str(html.notice_css())


def word(nt: Notice) -> bytes:
    mod = _module("gongkai.notice.docx")
    if mod is not None:
        return bytes(mod.notice_docx_bytes(nt))
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


def workbook(rnd: Round, files: list[Any]) -> bytes:
    mod = _module("gongkai.notice.workbook")
    if mod is not None:
        return bytes(mod.workbook_bytes(rnd, files))
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
    ws = wb.add_worksheet("汇总")
    for c, h in enumerate(("单位", "状态", "文件", "地区", "层级")):
        ws.write(0, c, h, head)
    for r, row in enumerate(rnd.units, start=1):
        unit = row.unit
        ws.write_row(r, 0, (row.name, STATUS_LABELS[row.status], "；".join(e.rel for e in row.entries),
                            unit.region if unit else "", unit.level if unit else ""), wrap)
    ws.set_column(0, 0, 30)
    ws.set_column(2, 2, 40)
    ws2 = wb.add_worksheet("问题明细")
    cols = ("单位", "文件", "序号", "级别", "问题", "位置", "修改要求")
    for c, h in enumerate(cols):
        ws2.write(0, c, h, head)
    r = 1
    for f in files:
        nt = f.notice
        for it in nt.items:
            ws2.write_row(r, 0, (nt.unit, nt.file, it.no, it.severity_label, it.message, it.where, it.advice), wrap)
            r += 1
    ws2.set_column(0, 1, 24)
    ws2.set_column(4, 6, 50)
    ws2.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


def notices_zip(rnd: Round, files: list[Any], page: Any) -> bytes:
    """Every notice as Word and as a printable page, and the round's workbook, in one zip.

    `page(notice) -> str` renders the printable page."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            zf.writestr(f"{f.stem}.docx", word(f.notice), compress_type=zipfile.ZIP_STORED)
            zf.writestr(f"{f.stem}.html", page(f.notice))
        zf.writestr("核查汇总.xlsx", workbook(rnd, files), compress_type=zipfile.ZIP_STORED)
    return buf.getvalue()


__all__ = ["DOCX", "XLSX", "notice_css", "notice_fragment", "notices_zip", "round_notices", "word", "workbook"]
