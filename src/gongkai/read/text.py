"""Plain-text and Markdown reports, in every flattening seen in the wild.

Tables copied out of web pages and PDFs reach us as text in several shapes; each line is
classified on its own, so one file may mix them:

* one cell per line, tab-indented, rows separated by blank lines (a line of only a tab is
  an empty cell; an unindented line right under a cell continues it: ``商业\\n企业``);
* tab-separated rows (``规章\\t0\\t0\\t0``);
* one cell per line ending in `` |`` (a line ``|`` is an empty cell, ``||`` pads a row);
* pipe rows and Markdown tables (``| 规章 | 0 | 0 | 0 |``);
* ``pdftotext -layout`` output: columns separated by runs of spaces, page numbers (``-3-``);
* cells separated by blank lines, a header cell broken over two short lines.

The result is a Document of paragraphs and tables whose cells keep their line numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.read.decode import decode_text
from gongkai.read.document import Cell, Document, Origin, Paragraph, Table
from gongkai.read.registry import Reader, register

PAGE_NUMBER = re.compile(r"^\s*(?:[-－—–]\s*\d{1,3}\s*[-－—–]|第\s*\d{1,3}\s*页(?:\s*[/／共]\s*\d{1,3}\s*页?)?)\s*$")
NUMERIC_TOKEN = re.compile(r"^[-+]?\d[\d,，]*(?:\.\d+)?$|^[/／\\—–－-]+$")
GAP = re.compile(r"\s{2,}")
HEADING_HINT = re.compile(
    r"^\s*(?:#+\s*)?(?:\*\*)?\s*(?:[一二三四五六七八九十]+\s*[、.．]|\d\s*、)"
)
SHORT = 12
_PAGE_START = set("-－—–第")


@dataclass(slots=True)
class _Line:
    kind: str  # blank | pad | cell | row | para
    cells: list[str]
    no: int
    piped: bool = False


def _split_pipe(stripped: str) -> list[str]:
    parts = stripped.split("|")
    if stripped.startswith("|"):
        parts = parts[1:]
    if parts and not parts[-1].strip():
        parts = parts[:-1]
    return [p.strip() for p in parts]


def _layout_cells(stripped: str) -> list[str] | None:
    """Split a pdftotext-layout line into cells, or None when it reads as prose."""
    tokens = stripped.split()
    if not tokens:
        return None
    numeric = [bool(NUMERIC_TOKEN.match(t)) for t in tokens]
    gaps = len(GAP.findall(stripped))
    if not (all(numeric) or (numeric[-1] and gaps >= 1) or gaps >= 2):
        return None
    cells: list[str] = []
    for chunk in GAP.split(stripped):
        words = chunk.split(" ")
        text: list[str] = []
        for w in words:
            if NUMERIC_TOKEN.match(w):
                if text:
                    cells.append(" ".join(text))
                    text = []
                cells.append(w)
            elif w:
                text.append(w)
        if text:
            cells.append(" ".join(text))
    return cells


def _classify(lines: list[str]) -> list[_Line]:
    out: list[_Line] = []
    layout_rows = sum(
        1
        for ln in lines
        if "  " in ln and "\t" not in ln and "|" not in ln and ln.rstrip()[-1:].isdigit() and GAP.search(ln.strip())
    )
    layout = layout_rows >= 6
    for no, line in enumerate(lines, start=1):
        stripped = line.strip()  # also strips U+3000, the ideographic space
        if not stripped:
            out.append(_Line("blank", [], no))
            continue
        if stripped[0] in _PAGE_START and PAGE_NUMBER.match(stripped):
            continue
        if "|" in stripped and (stripped.startswith("|") or stripped.endswith("|") or " | " in stripped):
            if set(stripped) <= {"|", " "}:
                out.append(_Line("cell", [""], no, True) if stripped == "|" else _Line("pad", [], no, True))
                continue
            parts = _split_pipe(stripped)
            filled = [p for p in parts if p]
            if len(filled) >= 2:
                out.append(_Line("row", parts, no))
            else:
                out.append(_Line("cell", [filled[0] if filled else ""], no, True))
            continue
        if "\t" in line:
            body = line.lstrip("\t").rstrip()
            if line.startswith("\t") and "\t" not in body:
                out.append(_Line("cell", [body.strip()], no))
            else:
                out.append(_Line("row", [c.strip() for c in line.rstrip("\r\n").rstrip("\t ").split("\t")], no))
            continue
        if layout:
            cells = _layout_cells(stripped)
            if cells is not None:
                out.append(_Line("row", cells, no))
                continue
        out.append(_Line("para", [stripped], no))
    return out


def _origin(line: int, col: int | None) -> Origin:
    return tuple.__new__(Origin, (line, None, None, col, None, None))


def parse_text(text: str, kind: str = "text") -> Document:
    """Turn decoded report text into a Document."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines = _classify(text.split("\n"))
    blocks: list[Paragraph | Table] = []
    rows: list[list[Cell]] = []
    reliable = True
    table_origin: Origin | None = None
    prev: _Line | None = None

    def close_table() -> None:
        nonlocal rows, reliable, table_origin
        if rows and table_origin is not None:
            blocks.append(Table([r for r in rows if r], table_origin, reliable))
        rows, reliable, table_origin = [], True, None

    def current_row() -> list[Cell]:
        if not rows:
            rows.append([])
        return rows[-1]

    for ln in lines:
        if ln.kind == "blank":
            if rows and rows[-1]:
                rows.append([])
            prev = ln
            continue
        if ln.kind == "pad":
            if rows and rows[-1]:
                rows.append([])
            prev = ln
            continue
        origin = _origin(ln.no, None)
        if ln.kind == "para":
            text_ = ln.cells[0]
            continues_cell = (
                prev is not None
                and prev.kind == "cell"
                and rows
                and rows[-1]
                and len(text_) <= SHORT
                and not HEADING_HINT.match(text_)
            )
            joins_short = (
                prev is not None
                and prev.kind == "para"
                and blocks
                and isinstance(blocks[-1], Paragraph)
                and not rows
                and len(text_) + len(blocks[-1].text) <= SHORT
                and not any(ch.isdigit() for ch in text_ + blocks[-1].text)
                and not HEADING_HINT.match(text_)
                and not HEADING_HINT.match(blocks[-1].text)
                and not NUMERIC_TOKEN.match(text_)
                and not NUMERIC_TOKEN.match(blocks[-1].text)
            )
            if continues_cell:
                cell = rows[-1][-1]
                cell.text = f"{cell.text}\n{text_}"
            elif joins_short:
                last = blocks[-1]
                assert isinstance(last, Paragraph)
                last.text = f"{last.text}\n{text_}"
            else:
                close_table()
                blocks.append(Paragraph(text_, origin))
            prev = ln
            continue
        if table_origin is None:
            table_origin = origin
        if ln.kind == "row":
            if rows and rows[-1]:
                rows.append([])
            row = current_row()
            row.extend(Cell(c, _origin(ln.no, i)) for i, c in enumerate(ln.cells))
            rows.append([])
        else:  # a single cell: one per line, so row boundaries come only from blank lines
            if ln.piped:
                reliable = False
            current_row().append(Cell(ln.cells[0], origin))
        prev = ln
    close_table()
    return Document(blocks, kind)


def read_text(data: bytes, name: str = "") -> Document:
    decoded = decode_text(data)
    kind = "markdown" if name.lower().endswith((".md", ".markdown")) else "text"
    doc = parse_text(decoded.text, kind)
    doc.notes.extend(decoded.notes)
    return doc


def _sniff(name: str, head: bytes) -> bool:
    lower = name.lower()
    if lower.endswith((".txt", ".text", ".md", ".markdown", ".csv", ".tsv")):
        return True
    if "." in lower.rsplit("/", 1)[-1]:
        return False
    return b"\x00" not in head[:1024] or head.startswith((b"\xff\xfe", b"\xfe\xff"))


register(Reader("text", _sniff, read_text, (".txt", ".md", ".markdown", ".text")))
