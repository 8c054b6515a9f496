"""Word reports (.docx; old .doc and WPS .wps through LibreOffice): paragraphs and table grids.

* The body is walked in order, so paragraphs and tables interleave as in the document
  (content controls, `w:sdt`, are looked into).
* Tables become grids from their XML: `w:gridSpan` and `w:gridBefore` place cells in grid
  columns, `w:vMerge` continuations are left out, so a merged cell appears once, at its
  top-left position, with that position as its origin.
* Cell text keeps its line breaks (paragraphs and `w:br`) as "\\n".
* A document whose statistical tables are pictures (images, no `w:tbl`) gets a note.

The package's word/document.xml is parsed directly with lxml (python-docx's names for the
WordprocessingML tags): opening the whole python-docx model (styles, numbering, settings,
element classes) costs more than reading the report.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

from lxml import etree

from gongkai.read.document import Block, Cell, Document, Origin, Paragraph, Table
from gongkai.read.errors import ReadError
from gongkai.read.limits import check as check_limit
from gongkai.read.limits import check_mb, current
from gongkai.read.registry import Reader, register

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXTENSIONS = (".docx", ".doc", ".wps", ".docm", ".dot", ".dotx", ".wpt")
CONVERT_TIMEOUT = 180
# Plain lxml elements (python-docx's element classes cost more than the reading); no entities, no network.
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def qn(tag: str) -> str:
    """Clark notation of a `w:` tag (python-docx's `qn`, without importing python-docx)."""
    return _W + tag.split(":", 1)[1]


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)

_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt"), qn("w:sdtContent")
_T, _TAB, _BR, _CR, _DRAWING, _PICT = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:drawing"), qn("w:pict")
_CUSTOM = qn("w:customXml")
_TCPR, _TRPR, _GRID_SPAN, _GRID_BEFORE = qn("w:tcPr"), qn("w:trPr"), qn("w:gridSpan"), qn("w:gridBefore")
_VMERGE, _HMERGE, _VAL, _TYPE = qn("w:vMerge"), qn("w:hMerge"), qn("w:val"), qn("w:type")


def _int_val(el: Any | None, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(_VAL) or default)
    except ValueError:
        return default


def paragraph_text(p: Any) -> str:
    """Text of one w:p: runs, tabs as spaces, breaks as newlines (text boxes included)."""
    parts: list[str] = []
    for el in p.iter(_T, _TAB, _BR, _CR):
        tag = el.tag
        if tag == _T:
            parts.append(el.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag == _CR or el.get(_TYPE) in (None, "textWrapping"):
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc: Any) -> str:
    lines: list[str] = []
    for child in tc:
        if child.tag == _P:
            lines.extend(paragraph_text(child).split("\n"))
        elif child.tag in (_TBL, _SDT, _CUSTOM):  # nested table, content control: their text in order
            lines.extend(paragraph_text(p) for p in child.iter(_P))
    return "\n".join(ln for ln in lines if ln.strip())


def _grid_before(tr: Any) -> int:
    for child in tr:
        if child.tag == _TRPR:
            return _int_val(child.find(_GRID_BEFORE), 0)
        if child.tag == _TC:
            break
    return 0


def _rows_of(tbl: Any) -> list[Any]:
    """The table's own rows (inside content controls too), not those of nested tables."""
    rows: list[Any] = []
    for child in tbl:
        if child.tag == _TR:
            rows.append(child)
        elif child.tag in (_SDT, _CUSTOM):
            content = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if content is not None:
                rows.extend(_rows_of(content))
    return rows


def table_grid(tbl: Any, index: int) -> Table:
    """Rows of cells, each merged cell once at its top-left grid position."""
    rows: list[list[Cell]] = []
    above: set[int] = set()  # grid columns whose cell may continue downwards (vMerge)
    r = -1
    limits = current()
    positions = 0
    for tr in _rows_of(tbl):
        r += 1
        row: list[Cell] = []
        here: set[int] = set()
        col = _grid_before(tr)
        check_limit("span", col, limits)
        for tc in tr.iterchildren(_TC):
            span, vmerge, hmerge = 1, None, None
            if len(tc) and tc[0].tag == _TCPR:  # the schema puts tcPr first
                for prop in tc[0]:
                    if prop.tag == _GRID_SPAN:
                        span = max(1, _int_val(prop, 1))
                        check_limit("span", span, limits)  # before the grid columns are placed
                    elif prop.tag == _VMERGE:
                        vmerge = prop.get(_VAL) or "continue"
                    elif prop.tag == _HMERGE:
                        hmerge = prop
            continues = (vmerge == "continue" and col in above) or (
                hmerge is not None and hmerge.get(_VAL) != "restart"
            )
            if not continues:
                row.append(Cell(_cell_text(tc), Origin(table=index, row=r, col=col)))
            if vmerge is not None:
                here.update(range(col, col + span))
            col += span
        positions += col
        check_limit("table_cells", positions, limits)
        above = here
        rows.append(row)
    return Table([r for r in rows if r] or [[]], Origin(table=index))


def _body_children(body: Any) -> list[Any]:
    out: list[Any] = []
    for child in body:
        if child.tag in (_SDT, _CUSTOM):
            content = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if content is not None:
                out.extend(_body_children(content))
        else:
            out.append(child)
    return out


def parse_document_xml(xml: bytes) -> Document:
    """The Document of one word/document.xml."""
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ReadError("bad_docx", f"Word 文档内容（document.xml）无法解析：{exc}") from exc
    body = root.find(qn("w:body"))
    if body is None:
        raise ReadError("bad_docx", "Word 文档中没有正文内容")
    blocks: list[Block] = []
    line = 0
    tables = 0
    pictures = 0
    for child in _body_children(body):
        if child.tag == _P:
            pictures += sum(1 for _ in child.iter(_DRAWING, _PICT))
            for text in paragraph_text(child).split("\n"):
                text = text.strip()
                if text:
                    line += 1
                    blocks.append(Paragraph(text, Origin(line=line)))
        elif child.tag == _TBL:
            blocks.append(table_grid(child, tables))
            tables += 1
    notes: list[str] = []
    if tables == 0 and pictures:
        notes.append(
            f"文档中没有表格，但有{pictures}张图片：统计表格似乎是以图片形式插入的，无法直接读取其中的数字"
        )
    return Document(blocks, "docx", notes)


def _docx_xml(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" not in names:
                raise ReadError("not_docx", "这个压缩文件不是 Word 文档（缺少 word/document.xml），无法读取")
            return _read_member(zf, "word/document.xml")
    except zipfile.BadZipFile as exc:
        raise ReadError("bad_docx", "Word 文件已损坏或不完整（zip 结构错误），无法读取") from exc
    except (zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, zlib.error) as exc:
        raise ReadError("bad_docx", f"Word 文件无法解压：{exc}") from exc


def _read_member(zf: zipfile.ZipFile, name: str) -> bytes:
    """One zip member under the decompressed-size and ratio limits, checked as it is inflated
    (the sizes a zip declares can lie)."""
    limits = current()
    info = zf.getinfo(name)
    check_mb("unzipped_mb", info.file_size, limits)
    bound = limits.unzipped_bytes or -1
    ratio = limits.zip_ratio
    compressed = max(info.compress_size, 1)
    out = bytearray()
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            out += chunk
            if 0 < bound < len(out):
                check_mb("unzipped_mb", len(out), limits)
            if ratio and len(out) > 1 << 20:  # small members may compress far better; they cost nothing
                check_limit("zip_ratio", len(out) // compressed, limits)
    return bytes(out)


def _office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_libreoffice(data: bytes, name: str) -> bytes:
    """Convert an old binary Word/WPS file to .docx bytes with LibreOffice (headless)."""
    office = _office()
    if office is None:
        raise ReadError(
            "needs_libreoffice",
            "读取 .doc / .wps 旧格式文件需要 LibreOffice，但系统中没有找到 soffice 命令；"
            "请先安装，例如：apt-get install libreoffice-writer",
        )
    suffix = Path(name).suffix.lower() or ".doc"
    with tempfile.TemporaryDirectory(prefix="gongkai-lo-") as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        cmd = [
            office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
            "--convert-to", "docx", "--outdir", tmp, str(src),
        ]
        try:
            subprocess.run(cmd, capture_output=True, timeout=CONVERT_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReadError("convert_failed", f"LibreOffice 转换 {suffix} 文件失败：{exc}") from exc
        out = Path(tmp) / "input.docx"
        if not out.exists():
            raise ReadError("convert_failed", f"LibreOffice 无法转换这个 {suffix} 文件，文件可能已损坏")
        return out.read_bytes()


def read_docx(data: bytes, name: str = "") -> Document:
    """Read .docx bytes (or .doc/.wps bytes, converted first) into a Document."""
    if data.startswith(OLE2) or data.lstrip().startswith(b"{\\rtf"):
        data = convert_with_libreoffice(data, name)
    elif not data.startswith(b"PK"):
        raise ReadError("bad_docx", "文件不是有效的 Word 文档（既不是 .docx 也不是 .doc 格式），可能已损坏或扩展名有误")
    return parse_document_xml(_docx_xml(data))


def _sniff(name: str, head: bytes) -> bool:
    lower = name.lower()
    by_ext = lower.endswith(EXTENSIONS)
    if head.startswith(b"PK"):
        return by_ext or b"word/" in head
    if head.startswith(OLE2):
        return by_ext
    if by_ext:
        probe = head[:2048].lower()
        return not (b"<html" in probe or b"<!doctype" in probe or b"<table" in probe or b"mime-version" in probe)
    return False


register(Reader("docx", _sniff, read_docx, (".docx", ".doc", ".wps")))
