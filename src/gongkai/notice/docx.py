"""A notice as a Word document (整改通知), the way an office sends it.

Default layout follows official documents (GB/T 9704): A4, margins 37/35/28/26 mm, title in
方正小标宋简体 二号, body in 仿宋_GB2312 三号, headings in 黑体; East-Asian font names are set
through w:rFonts/@w:eastAsia, and the font table names a fallback (仿宋, 宋体, 黑体) that Word and
WPS use when the official fonts are not installed. With `template`, the office's own document
(letterhead, header, styles) is opened and the notice is appended after its content.
"""

from __future__ import annotations

import contextlib
import io
import re
from functools import cache
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from gongkai.notice.batch import notice_kind, notice_title
from gongkai.notice.content import Notice
from gongkai.notice.wording import (
    SIGN_LINE,
    advice_lines,
    cell_lines,
    closing,
    cn_date,
    intro,
    location_lines,
    problem_lines,
    recheck_lines,
    severity_tag,
    unit_line,
)

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEAD_FONT = "黑体"
LATIN_FONT = "Times New Roman"
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEAD_FONT: "SimHei"}
COLUMNS = ("序号", "问题", "表格与单元格", "位置", "修改要求", "整改确认")
WIDTHS_CM = (1.2, 7.4, 6.4, 2.6, 5.0, 2.1)  # 24.7 cm: the landscape page of the attached list
_RED = RGBColor(0xC0, 0x00, 0x00)
_ORANGE = RGBColor(0xB4, 0x5F, 0x06)
_CN_NUM = "一二三四五六七八九十"


class _Writer:
    def __init__(self, doc: DocumentObject, official_fonts: bool) -> None:
        self.doc = doc
        self.fonts = official_fonts

    # ------------------------------------------------------------------ runs and paragraphs
    def run(
        self,
        p: Paragraph,
        text: str,
        font: str = BODY_FONT,
        size: float | None = 16,
        bold: bool = False,
        color: RGBColor | None = None,
    ) -> None:
        r = p.add_run(xml_safe(text))
        if self.fonts or font != BODY_FONT:
            set_east_asian_font(r, font)
        if size is not None and (self.fonts or font == TITLE_FONT):  # a letterhead keeps its body size
            r.font.size = Pt(size)
        if bold:
            r.bold = True
        if color is not None:
            r.font.color.rgb = color

    def para(
        self,
        text: str = "",
        font: str = BODY_FONT,
        size: float = 16,
        indent: bool = True,
        align: WD_ALIGN_PARAGRAPH | None = None,
        bold: bool = False,
    ) -> Paragraph:
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        if align is not None:
            p.alignment = align
        if self.fonts:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(28 if size >= 16 else size * 1.5)
            fmt.space_before = fmt.space_after = Pt(0)
        if text:
            self.run(p, text, font, size, bold)
        return p

    def heading(self, text: str) -> None:
        self.para(text, font=HEAD_FONT, indent=True)

    # ------------------------------------------------------------------ the problem table
    def cell_text(self, cell: _Cell, lines: list[tuple[str, str, bool, RGBColor | None]], size: float = 10.5) -> None:
        """Fill a table cell: (text, font, bold, colour) per paragraph."""
        cell.text = ""
        first = True
        for text, font, bold, color in lines:
            p = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            p.paragraph_format.space_after = Pt(1)
            p.paragraph_format.line_spacing = 1.1
            self.run(p, text, font, size, bold, color)
            if not self.fonts:  # keep tables readable inside any letterhead
                p.runs[-1].font.size = Pt(size)

    def items_table(self, n: Notice) -> None:
        t = self.doc.add_table(rows=1, cols=len(COLUMNS))
        try:
            t.style = self.doc.styles["Table Grid"]
        except KeyError:
            _borders(t)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        for i, w in enumerate(WIDTHS_CM):
            t.columns[i].width = Cm(w)
        head_cells = t.rows[0].cells
        for i, name in enumerate(COLUMNS):
            c = head_cells[i]
            c.width = Cm(WIDTHS_CM[i])
            self.cell_text(c, [(name, HEAD_FONT, False, None)], size=11)
            c.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _shade(c, "D9D9D9")
        _repeat_header(t.rows[0])
        for item in n.items:
            tr = t.add_row()
            row = tr.cells
            for c, w in zip(row, WIDTHS_CM, strict=True):
                c.width = Cm(w)
            colour = _RED if item.severity == "error" else _ORANGE
            self.cell_text(row[0], [(str(item.no), BODY_FONT, False, None)])
            row[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            self.cell_text(
                row[1],
                [(severity_tag(item), HEAD_FONT, False, colour)]
                + [(x, BODY_FONT, False, None) for x in problem_lines(item)],
            )
            cells = cell_lines(item)
            n_tables = len({c.table for c in item.cells if c.table} | ({item.suspect.table} if item.suspect else set()))
            self.cell_text(
                row[2],
                [(x, HEAD_FONT if i < n_tables else BODY_FONT, False, None) for i, x in enumerate(cells)]
                or [("—", BODY_FONT, False, None)],
            )
            self.cell_text(row[3], [(x, BODY_FONT, False, None) for x in location_lines(item) or ["—"]])
            _cant_split(tr)
            self.cell_text(row[4], [(x, BODY_FONT, False, None) for x in advice_lines(item)])
            self.cell_text(row[5], [("", BODY_FONT, False, None)])


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text Word can store: characters XML 1.0 forbids (control characters from a report) dropped, and
    every line end a single line break."""
    return _XML_INVALID.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def set_east_asian_font(run: object, name: str, latin: str = LATIN_FONT) -> None:
    """Name a run's fonts: Latin text in `latin`, Chinese in `name` (w:rFonts w:eastAsia)."""
    r = run._element  # type: ignore[attr-defined]
    rpr = r.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), name)


def _shade(cell: _Cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _repeat_header(row: object) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row: object) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # type: ignore[attr-defined]


def _borders(table: object) -> None:
    tblpr = table._tbl.tblPr  # type: ignore[attr-defined]
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), "4")
        b.set(qn("w:color"), "000000")
        borders.append(b)
    tblpr.append(borders)


def _page_number_footer(doc: DocumentObject) -> None:
    """ "— 1 —" centred at the foot of every page, 宋体 四号, as official documents number pages."""
    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("text", "— "), ("begin", ""), ("instr", " PAGE "), ("end", ""), ("text", " —")):
        r = p.add_run()
        set_east_asian_font(r, "宋体")
        r.font.size = Pt(14)
        if kind == "text":
            r.text = text
        elif kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
            r._element.append(el)
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            r._element.append(el)


def _font_fallbacks(doc: DocumentObject) -> None:
    """Declare the official fonts in the font table with an alternative (w:altName) for machines
    without them (Windows has 仿宋 and 黑体 but rarely 仿宋_GB2312 or 方正小标宋简体)."""
    from lxml import etree

    part = next((p for p in doc.part.package.iter_parts() if str(p.partname).endswith("/fontTable.xml")), None)
    if part is None:
        return
    root = part.element if hasattr(part, "element") else etree.fromstring(part.blob)
    for name, alt in FALLBACKS.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        a = etree.SubElement(font, qn("w:altName"))
        a.set(qn("w:val"), alt)
        cs = etree.SubElement(font, qn("w:charset"))
        cs.set(qn("w:val"), "86")  # GB2312
    if not hasattr(part, "element"):
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@cache
def _default_bytes() -> bytes:
    """The default notice's empty document (page, fonts, footer), built once per process."""
    buf = io.BytesIO()
    _build_default().save(buf)
    return buf.getvalue()


def _default_document() -> DocumentObject:
    return Document(io.BytesIO(_default_bytes()))


def _build_default() -> DocumentObject:
    doc = Document()
    s = doc.sections[0]
    s.orientation = WD_ORIENT.PORTRAIT
    s.page_width, s.page_height = Cm(21), Cm(29.7)
    s.top_margin, s.bottom_margin = Cm(3.7), Cm(3.5)
    s.left_margin, s.right_margin = Cm(2.8), Cm(2.6)
    s.footer_distance = Cm(2.5)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(16)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), BODY_FONT)
    _page_number_footer(doc)
    with contextlib.suppress(Exception):  # a font table we cannot extend only loses the fallback names
        _font_fallbacks(doc)
    return doc


def _attachment(w: _Writer, n: Notice) -> None:
    """附件：问题清单, on landscape pages (the table needs the width)."""
    sec = w.doc.add_section(WD_SECTION.NEW_PAGE)
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21)
    sec.top_margin, sec.bottom_margin = Cm(2.6), Cm(2.4)
    sec.left_margin, sec.right_margin = Cm(2.5), Cm(2.5)
    w.para("附件", font=HEAD_FONT, indent=False)
    t = w.para("", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    w.run(t, "问题清单", TITLE_FONT, 22)
    w.para(unit_line(n), size=12, indent=False).paragraph_format.space_after = Pt(6)
    w.items_table(n)
    w.para(
        "注：“位置”指问题在所报送文件中的页码、行号或表格位置；单元格后括号内为报告所填数值。", size=12, indent=False
    )
    w.para(SIGN_LINE.replace("整改完成后签字", "单位负责人（签字）"), size=14, indent=False)


def notice_document(n: Notice, template: str | Path | None = None, baseline: str | None = None) -> DocumentObject:
    """The notice as a python-docx Document (the office's template first when given)."""
    if template is not None:
        doc = Document(str(template))
        w = _Writer(doc, official_fonts=False)
        if any(p.text.strip() for p in doc.paragraphs) or doc.tables:
            w.para("", indent=False)
    else:
        doc = _default_document()
        w = _Writer(doc, official_fonts=True)
    title = w.para("", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    w.run(title, notice_title(n), TITLE_FONT, 22)
    title.paragraph_format.space_after = Pt(16)
    if w.fonts:
        title.paragraph_format.line_spacing = Pt(36)
    w.para(f"{n.unit}：", indent=False)
    w.para(intro(n))
    if n.agency_printed and n.agency_printed != n.unit:
        w.para(f"（报告中署名的单位为“{n.agency_printed}”。）")
    for note in n.notes:
        w.para(note)
    if n.unreadable is not None:
        w.para(f"原因：{n.unreadable}")
    if n.recheck_label is not None:
        for line in recheck_lines(n, baseline):
            w.para(line)
        for i, msg in enumerate(n.fixed, 1):
            w.para(f"已整改{i}：{msg}", size=14)
    w.para(closing(n))
    if n.items:
        w.para("")
        w.para("附件：问题清单")
    w.para("")
    w.para(n.office, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    w.para(cn_date(n.issued), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if n.items:
        _attachment(w, n)
    doc.core_properties.title = xml_safe(notice_title(n))
    doc.core_properties.subject = notice_kind(n)
    doc.core_properties.author = xml_safe(n.office)
    return doc


def notice_docx_bytes(n: Notice, template: str | Path | None = None, baseline: str | None = None) -> bytes:
    buf = io.BytesIO()
    notice_document(n, template, baseline).save(buf)
    return buf.getvalue()


def write_notice_docx(
    n: Notice, path: str | Path, template: str | Path | None = None, baseline: str | None = None
) -> Path:
    p = Path(path)
    notice_document(n, template, baseline).save(str(p))
    return p


__all__ = ["notice_docx_bytes", "notice_document", "set_east_asian_font", "write_notice_docx"]
