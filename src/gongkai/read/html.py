"""HTML pages and fragments: the report is found inside the page, tables become grids.

* encoding: the <meta> declaration, else UTF-8, else GB18030, else detection;
* a CMS fragment with no <html>/<head> works the same as a full page;
* menus, headers and footers around the report are dropped: the report is the smallest
  element holding its section headings and tables, plus the title line above it;
* rowspan/colspan are honoured when placing cells; a merged cell appears once, at its
  top-left grid position, with that position as its origin;
* layout tables (tables that contain tables) are walked as containers, not read as data.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from gongkai.read.decode import declared_charset, decode_text
from gongkai.read.document import Cell, Document, Origin, Paragraph, Table
from gongkai.read.errors import ReadError
from gongkai.read.limits import check as check_limit
from gongkai.read.registry import Reader, register

_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header",
    "footer", "blockquote", "pre", "center", "dd", "dt", "dl", "form", "main", "aside", "nav", "tr", "td",
    "th", "table", "tbody", "thead", "body", "html",
}
_DROP_TAGS = ("script", "style", "noscript", "iframe", "select", "button", "template", "svg")
_MARKER = re.compile(
    r"(?:^|\s)[一二三四五六]\s*[、.．]\s*"
    r"(?:总体情况|主动公开|收到和处理|政府信息公开行政复议|因政府信息公开|存在的主要问题|其他需要报告|工作基本情况)"
)
_TITLE = re.compile(r"(?:19|20)\d{2}\s*年\s*度?.{0,30}?信\s*息\s*公\s*开.{0,10}?年\s*度\s*报\s*告")
_WS = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def _text_of(el: etree._Element) -> str:
    """Text of an element with <br> as line breaks and blocks separated by line breaks."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "br" or tag in _BLOCK_TAGS and parts and not parts[-1].endswith("\n"):
            parts.append("\n")
        if node.text and tag not in _DROP_TAGS:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in _BLOCK_TAGS and parts and not parts[-1].endswith("\n"):
            parts.append("\n")

    walk(el)
    lines = [_WS.sub(" ", ln).strip() for ln in "".join(parts).split("\n")]
    return "\n".join(ln for ln in lines if ln)


def _own_rows(table: etree._Element) -> list[etree._Element]:
    rows = []
    for child in table:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if isinstance(c.tag, str) and c.tag == "tr")
    return rows


def _span(cell: etree._Element, name: str) -> int:
    raw = (cell.get(name) or "1").strip()
    m = re.match(r"\d+", raw)
    n = int(m.group(0)) if m else 1
    return max(1, min(n, 200))


def table_grid(table: etree._Element, index: int) -> Table:
    """Place every cell by rowspan/colspan; keep each merged cell once, at its top-left."""
    occupied: set[tuple[int, int]] = set()
    rows: list[list[Cell]] = []
    cells = 0
    for r, tr in enumerate(_own_rows(table)):
        row: list[tuple[int, Cell]] = []
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while (r, c) in occupied:
                c += 1
            rs, cs = _span(td, "rowspan"), _span(td, "colspan")
            cells += rs * cs
            check_limit("table_cells", cells)  # before placing them: spans can ask for millions
            for dr in range(rs):
                for dc in range(cs):
                    occupied.add((r + dr, c + dc))
            row.append((c, Cell(_text_of(td), Origin(table=index, row=r, col=c))))
            c += cs
        rows.append([cell for _, cell in sorted(row, key=lambda x: x[0])])
    return Table(rows, Origin(table=index))


def _is_layout_table(table: etree._Element) -> bool:
    return any(True for _ in table.iterdescendants("table"))


def _find_container(root: etree._Element) -> etree._Element:
    """The smallest element that holds the report's section headings and data tables."""
    anchors: list[etree._Element] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in _DROP_TAGS:
            continue
        if el.tag == "table" and not _is_layout_table(el):
            text = _text_of(el)
            if "本年新收" in text or "第二十条" in text or "行政复议" in text:
                anchors.append(el)
        elif el.text and _MARKER.search(el.text.strip()[:40] if el.text.strip() else ""):
            anchors.append(el)
    if not anchors:
        return root
    common = anchors[0]
    for a in anchors[1:]:
        ancestors = set(a.iterancestors()) | {a}
        while common not in ancestors and common.getparent() is not None:
            common = common.getparent()
    return common


def _title_before(root: etree._Element, container: etree._Element) -> str | None:
    """A title line above the container (e.g. <h1> in a separate div), if the container lacks one."""
    if _TITLE.search(_text_of(container)[:300]):
        return None
    inside = set(container.iter())
    best = None
    for el in root.iter():
        if el is container:
            break
        if not isinstance(el.tag, str) or el.tag in _DROP_TAGS or el in inside:
            continue
        own = "".join(el.itertext()).strip() if el.tag in ("h1", "h2", "h3", "title") or "title" in (
            el.get("class") or ""
        ) else ""
        if own and len(own) <= 60 and _TITLE.search(own):
            best = own
    return best


def parse_html(text: str) -> Document:
    try:
        root = lxml_html.document_fromstring(text) if text.strip() else None
    except (etree.ParserError, ValueError) as exc:
        raise ReadError("bad_html", f"HTML 无法解析：{exc}") from exc
    if root is None:
        raise ReadError("empty", "文件为空，没有可读取的内容")
    for bad in root.xpath("//script|//style|//noscript|//template|//svg"):
        bad.drop_tree()
    container = _find_container(root.find("body") if root.find("body") is not None else root)
    blocks: list[Paragraph | Table] = []
    title = _title_before(root, container)
    if title:
        blocks.append(Paragraph(_WS.sub(" ", title).strip(), Origin()))
    counter = {"table": 0, "line": 0}

    def emit_text(text: str) -> None:
        for line in text.split("\n"):
            line = line.strip()
            if line:
                counter["line"] += 1
                blocks.append(Paragraph(line, Origin(line=counter["line"])))

    def walk(node: etree._Element) -> None:
        buffer: list[str] = []

        def flush() -> None:
            if buffer:
                emit_text(_text_of_fragment(buffer))
                buffer.clear()

        if node.text:
            buffer.append(node.text)
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "table" and not _is_layout_table(child):
                flush()
                blocks.append(table_grid(child, counter["table"]))
                counter["table"] += 1
            elif tag and any(True for _ in child.iterdescendants("table")) or tag in _BLOCK_TAGS:
                flush()
                walk(child)
            elif tag == "br":
                buffer.append("\n")
            elif tag:
                buffer.append(_text_of(child) if tag not in _DROP_TAGS else "")
            if child.tail:
                buffer.append(child.tail)
        flush()

    walk(container)
    doc = Document(blocks, "html")
    images = len(container.xpath(".//img"))
    if images and not any(isinstance(b, Table) for b in blocks):
        doc.notes.append(f"页面中没有文字表格，但有{images}张图片：统计表可能以图片形式发布，无法读取其中的数字")
    return doc


def _text_of_fragment(parts: list[str]) -> str:
    lines = [_WS.sub(" ", ln).strip() for ln in "".join(parts).split("\n")]
    return "\n".join(ln for ln in lines if ln)


def read_html(data: bytes, name: str = "") -> Document:
    decoded = decode_text(data, declared_charset(data))
    doc = parse_html(decoded.text)
    doc.notes.extend(decoded.notes)
    return doc


def _sniff(name: str, head: bytes) -> bool:
    lower = name.lower()
    if lower.endswith((".html", ".htm", ".shtml", ".xhtml")):
        return True
    if lower.endswith((".txt", ".md", ".pdf", ".docx", ".doc", ".png", ".jpg", ".jpeg")):
        return False
    probe = head[:2048].lower()
    return b"<html" in probe or b"<table" in probe or b"<!doctype html" in probe or b"<body" in probe


register(Reader("html", _sniff, read_html, (".html", ".htm", ".shtml")))
