"""A cell's evidence for a person: what it literally said, where, and the source around it.

- text files: the lines around the cell's line, the literal highlighted;
- HTML and Word: the rows around the cell's table row, the cell highlighted;
- PDF and pictures: the page drawn with every cell found (`gongkai.read.debug`) and this cell's box
  in red, with the OCR confidence when the cell was read by OCR.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.model import Finding, Report
from gongkai.notice.content import cell_ref, origin_text
from gongkai.read import ReadError, read_bytes
from gongkai.read.decode import decode_bytes
from gongkai.read.document import Table

_CONTEXT_LINES = 4
_CONTEXT_ROWS = 2
_BAND_POINTS = 120  # page shown above and below a cell's box, in PDF points
_SIDE_POINTS = 200  # … and left and right of it


@dataclass
class Fragment:
    before: str
    hit: str
    after: str


@dataclass
class CellEvidence:
    path: str
    table: str
    row: str
    column: str
    value: str
    literal: str | None
    location: str
    annotation: str | None = None
    confidence: float | None = None
    lines: list[tuple[int, Fragment]] = field(default_factory=list)  # text sources: (line no, text)
    rows: list[list[tuple[str, bool]]] = field(default_factory=list)  # HTML/Word: rows of (text, is the cell)
    page: int | None = None  # PDF/picture: the page to draw
    findings: list[Finding] = field(default_factory=list)
    note: str | None = None  # why no source can be shown

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "table": self.table, "row": self.row, "column": self.column, "value": self.value,
            "literal": self.literal, "location": self.location, "annotation": self.annotation,
            "confidence": self.confidence, "page": self.page, "note": self.note,
            "lines": [{"line": n, "text": f.before + f.hit + f.after, "hit": f.hit} for n, f in self.lines],
            "rows": [[{"text": t, "hit": h} for t, h in r] for r in self.rows],
            "findings": [f.message for f in self.findings],
        }


def _split(text: str, literal: str | None) -> Fragment:
    if literal and literal.strip() and literal.strip() in text:
        i = text.index(literal.strip())
        return Fragment(text[:i], literal.strip(), text[i + len(literal.strip()):])
    return Fragment("", text, "")


def cell_evidence(report: Report, path: str, source: Path | None) -> CellEvidence:
    """Everything shown when a person clicks a cell (`source` is the stored file, when there is one)."""
    ref = cell_ref(report, path)
    ev = report.evidence.get(path)
    origin: dict[str, Any] = dict(ev.get("origin") or {}) if ev else {}
    literal = ev.get("text") if ev else None
    out = CellEvidence(
        path, ref.table, ref.row, ref.column, ref.value, literal, origin_text(origin, report.source.kind),
        ev.get("annotation") if ev else None, ev.get("confidence") if ev else None,
        findings=[f for f in report.findings if path in f.cells or f.suspect == path],
    )
    if not report.has(path):
        out.note = "报告中没有这一格（所在行或列缺失）"
        return out
    if not origin:
        out.note = "这一格的位置未记录"
        return out
    if source is None:
        out.note = "原文件不在本服务的数据目录中（由命令行入库），只能显示所记录的文字和位置"
        return out
    if origin.get("page") is not None and origin.get("bbox"):
        out.page = int(origin["page"])
        return out
    data = source.read_bytes()
    if origin.get("line") is not None and origin.get("table") is None:
        text, _ = decode_bytes(data)
        lines = text.splitlines()
        n = int(origin["line"])
        lo, hi = max(1, n - _CONTEXT_LINES), min(len(lines), n + _CONTEXT_LINES)
        out.lines = [(i, _split(lines[i - 1], literal) if i == n else Fragment(lines[i - 1], "", ""))
                     for i in range(lo, hi + 1)]
        return out
    if origin.get("table") is not None:
        try:
            doc = read_bytes(data, source.name)
        except ReadError as exc:
            out.note = exc.message
            return out
        tables = [b for b in doc.blocks if isinstance(b, Table)]
        t, r, c = int(origin["table"]), origin.get("row"), origin.get("col")
        if t >= len(tables):
            out.note = "原文件中找不到这个表格"
            return out
        rows = tables[t].rows
        idx = next((i for i, row in enumerate(rows) if row and row[0].origin.row == r), None)
        if idx is None:
            idx = next((i for i, row in enumerate(rows) if any(x.origin.row == r for x in row)), 0)
        for row in rows[max(0, idx - _CONTEXT_ROWS): idx + _CONTEXT_ROWS + 1]:
            out.rows.append([(x.text, x.origin.row == r and x.origin.col == c) for x in row])
    return out


def page_image(source: Path, sha256: str, page: int, box: tuple[float, float, float, float] | None,
               cache: Path) -> Path:
    """The page drawn with every cell box (cached); with `box` (a cell's bbox in PDF points), the part of
    the page around it with the box in red."""
    from PIL import Image, ImageDraw

    from gongkai.read.debug import SCALE, draw_page

    base = cache / f"{sha256}-p{page}.png"
    if not base.exists():
        draw_page(source, page, base)
    if box is None:
        return base
    tag = hashlib.sha1(repr(box).encode()).hexdigest()[:12]
    out = cache / f"{sha256}-p{page}-{tag}.png"
    if not out.exists():
        scale = SCALE if source.suffix.lower() == ".pdf" else 1.0
        with Image.open(base) as opened:
            img = opened.convert("RGB")
            draw = ImageDraw.Draw(img)
            x0, top, x1, bottom = (v * scale for v in box)
            for k in range(4):
                draw.rectangle((x0 - 3 - k, top - 3 - k, x1 + 3 + k, bottom + 3 + k), outline=(230, 0, 0))
            band = int(_BAND_POINTS * scale)  # the part of the page around the cell
            side = int(_SIDE_POINTS * scale)
            img.crop((max(0, int(x0) - side), max(0, int(top) - band), min(img.width, int(x1) + side),
                      min(img.height, int(bottom) + band))).save(out)
    return out


__all__ = ["CellEvidence", "cell_evidence", "page_image"]
