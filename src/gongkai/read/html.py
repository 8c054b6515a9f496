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
# Plain lxml elements: lxml.html's element classes cost a Python-level class lookup per element visited.
_PARSER = etree.HTMLParser(no_network=True)


class _Enough(Exception):
    """Raised inside a text walk once the text asked for is known."""


def _text_of(el: etree._Element, limit: int | None = None) -> str:
    """Text of an element with <br> as line breaks and blocks separated by line breaks.

    With `limit`, the walk stops as soon as the first `limit` characters of the result are
    known (complete lines that long), and returns at least those characters.
    """
    parts: list[str] = []
    pending = [0]  # characters appended since the last look at the complete lines

    def newline() -> None:
        parts.append("\n")
        if limit is not None:
            pending[0] += 1
            if pending[0] > limit:
                pending[0] = 0
                if len(_normalize("".join(parts).rsplit("\n", 1)[0])) >= limit:
                    raise _Enough

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "br" or tag in _BLOCK_TAGS and parts and not parts[-1].endswith("\n"):
            newline()
        if node.text and tag not in _DROP_TAGS:
            parts.append(node.text)
            pending[0] += len(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                pending[0] += len(child.tail)
        if tag in _BLOCK_TAGS and parts and not parts[-1].endswith("\n"):
            newline()

    try:
        walk(el)
    except _Enough:
        return _normalize("".join(parts).rsplit("\n", 1)[0])
    return _normalize("".join(parts))


def _normalize(raw: str) -> str:
    """Lines with runs of blanks as one space, stripped; empty lines dropped."""
    # Stripping first gives the same lines (every blank in _WS is whitespace), and runs of
    # blanks never cross a line break, so one substitution over the joined lines does for all.
    return _WS.sub(" ", "\n".join(filter(None, map(str.strip, raw.split("\n")))))


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
    raw = cell.get(name)
    if raw is None:
        return 1
    if raw.isascii() and raw.isdigit():
        return max(1, min(int(raw), 200))
    raw = raw.strip() or "1"
    m = re.match(r"\d+", raw)
    n = int(m.group(0)) if m else 1
    return max(1, min(n, 200))


def _own_cells(table: etree._Element) -> list[etree._Element]:
    return [td for tr in _own_rows(table) for td in tr if isinstance(td.tag, str) and td.tag in ("td", "th")]


# Nodes whose text `_text_of` treats specially (comments' text is kept, drop tags' own text is not):
# a table holding one is read by the walk, the others at C speed by `_table_texts`.
_SPECIAL = (etree.Comment, etree.ProcessingInstruction, etree.Entity, *_DROP_TAGS)
_BREAKS = (*sorted(_BLOCK_TAGS), "br")
TableTexts = tuple[str, dict[etree._Element, str]]


def _table_texts(table: etree._Element) -> TableTexts:
    """The text of a data table and of each of its cells, exactly as `_text_of` gives them.

    Line breaks are written into the tree around every block element and at every <br>, the
    text is taken by lxml's C serializer, and the tree is put back as it was. An extra break
    only adds an empty line, which normalizing drops, so the result is the walk's.
    """
    cells = _own_cells(table)
    if next(table.iter(*_SPECIAL), None) is not None:
        return _text_of(table), {td: _text_of(td) for td in cells}
    undo: list[tuple[etree._Element, bool, str | None]] = []
    for el in table.iter(*_BREAKS):
        undo.append((el, False, el.text))
        el.text = "\n" + (el.text or "")
        if el.tag != "br":
            if len(el):
                last = el[-1]
                undo.append((last, True, last.tail))
                last.tail = (last.tail or "") + "\n"
            else:
                el.text += "\n"
    try:
        text = _normalize(etree.tostring(table, method="text", encoding=str, with_tail=False))
        by_cell = {td: _normalize(etree.tostring(td, method="text", encoding=str, with_tail=False)) for td in cells}
    finally:
        for el, is_tail, old in reversed(undo):
            if is_tail:
                el.tail = old
            else:
                el.text = old
    return text, by_cell


def table_grid(table: etree._Element, index: int, texts: dict[etree._Element, str] | None = None) -> Table:
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
            text = texts[td] if texts is not None else _text_of(td)
            row.append((c, Cell(text, tuple.__new__(Origin, (None, index, r, c, None, None)))))
            c += cs
        rows.append([cell for _, cell in sorted(row, key=lambda x: x[0])])
    return Table(rows, Origin(table=index))


def _holding_tables(root: etree._Element) -> set[etree._Element]:
    """Every element that has a table below it (layout tables among them), found in one pass."""
    holders: set[etree._Element] = set()
    for table in root.iter("table"):
        for anc in table.iterancestors():
            if anc in holders:
                break  # its ancestors are in already
            holders.add(anc)
    return holders


def _find_container(
    root: etree._Element, holders: set[etree._Element], tables: dict[etree._Element, TableTexts]
) -> etree._Element:
    """The smallest element that holds the report's section headings and data tables.

    The texts of the data tables are kept in `tables` for reading their cells later."""
    anchors: list[etree._Element] = []
    for el in root.iter("table"):
        if el not in holders:
            tables[el] = _table_texts(el)
            text = tables[el][0]
            if "本年新收" in text or "第二十条" in text or "行政复议" in text:
                anchors.append(el)
    for el in root.iter():
        text = el.text
        # A heading has "、" or a full stop after its number: a cheap test before the pattern.
        if not text or ("、" not in text and "." not in text and "．" not in text):
            continue
        if not isinstance(el.tag, str) or el.tag in _DROP_TAGS or (el.tag == "table" and el not in holders):
            continue
        if _MARKER.search(text.strip()[:40]):
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
    if _TITLE.search(_text_of(container, 300)[:300]):
        return None
    best = None
    for el in root.iter():  # document order: nothing before the container is inside it
        if el is container:
            break
        if not isinstance(el.tag, str) or el.tag in _DROP_TAGS:
            continue
        own = "".join(el.itertext()).strip() if el.tag in ("h1", "h2", "h3", "title") or "title" in (
            el.get("class") or ""
        ) else ""
        if own and len(own) <= 60 and _TITLE.search(own):
            best = own
    return best


def parse_html(text: str) -> Document:
    try:
        root = etree.fromstring(text, _PARSER) if text.strip() else None
        if text.strip() and root is None:
            raise etree.ParserError("Document is empty")
    except (etree.ParserError, ValueError) as exc:
        raise ReadError("bad_html", f"HTML 无法解析：{exc}") from exc
    if root is None:
        raise ReadError("empty", "文件为空，没有可读取的内容")
    for bad in root.xpath("//script|//style|//noscript|//template|//svg"):
        _drop_tree(bad)
    holders = _holding_tables(root)
    body = root.find("body")
    tables: dict[etree._Element, TableTexts] = {}
    container = _find_container(body if body is not None else root, holders, tables)
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
            if tag == "table" and child not in holders:
                flush()
                cached = tables.get(child)
                blocks.append(table_grid(child, counter["table"], cached[1] if cached else None))
                counter["table"] += 1
            elif tag and child in holders or tag in _BLOCK_TAGS:
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


def _drop_tree(el: etree._Element) -> None:
    """Remove an element with its children and text; its tail joins the previous node (lxml.html's drop_tree)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)


def _text_of_fragment(parts: list[str]) -> str:
    return _normalize("".join(parts))


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
