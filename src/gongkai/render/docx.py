"""Render a report as Word (.docx) in the official template: its styles, page, fonts and table grids.

The package parts (styles, fonts, theme, settings, page setup) are those of the official 2021
template (data/template_2021.docx, 国办公开办函〔2021〕30号's blank form); the body is written
from the standard layout: 宋体, numbered headings as in the template (一、总体情况 …), tables
with the template's grid widths and merged cells (gridSpan / vMerge), block headers shaded.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache
from importlib import resources
from xml.sax.saxutils import escape

from gongkai.model import Report
from gongkai.render.layout import Slot, TableLayout, layouts_for
from gongkai.render.values import Values, document_blocks, title_of, values_from_report

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FONT = '<w:rFonts w:hint="eastAsia" w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体" w:cs="宋体"/>'
_BORDER = '<w:{0} w:val="single" w:color="auto" w:sz="4" w:space="0"/>'
_TBL_BORDERS = "".join(_BORDER.format(s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
_SHADE = {"block": "C6D9F1"}
_ZIP_DATE = (2021, 1, 1, 0, 0, 0)
_DIGIT_TWIPS = 6.8  # width of a digit per half-point of type size, with room for wide fallback fonts
_TITLE_CHARS = 23  # characters of 18-point type on one line of the template's A4 page


@cache
def template_parts() -> dict[str, bytes]:
    """The official template's package parts (bytes), read once."""
    data = resources.files("gongkai.render").joinpath("data/template_2021.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}


@cache
def _document_frame() -> tuple[str, str]:
    """The template's <w:document …><w:body> opening (its namespaces) and its closing with sectPr."""
    xml = template_parts()["word/document.xml"].decode("utf-8")
    start = xml.index("<w:body>") + len("<w:body>")
    sect = xml.rindex("<w:sectPr")
    return xml[:start], xml[sect:]


def _run(text: str, bold: bool = False, size: int | None = None) -> str:
    props = _FONT + ("<w:b/><w:bCs/>" if bold else "")
    if size:
        props += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _para(
    text: str = "", jc: str = "both", indent: bool = True, bold: bool = False, size: int | None = None
) -> str:
    ind = '<w:ind w:left="0" w:firstLine="480"/>' if indent else '<w:ind w:left="0"/>'
    run = _run(text, bold, size) if text else ""
    keep = "<w:keepNext/>" if bold else ""  # headings stay with what follows
    return (
        f'<w:p><w:pPr><w:pStyle w:val="2"/>{keep}<w:widowControl/>'
        f'<w:snapToGrid w:val="0"/><w:spacing w:before="{120 if bold and not size else 0}" '
        'w:beforeAutospacing="0" w:after="0" '
        f'w:afterAutospacing="0" w:line="{560 if size else 400}" w:lineRule="exact"/>'
        f'{ind}<w:jc w:val="{jc}"/><w:rPr>{_FONT}</w:rPr></w:pPr>{run}</w:p>'
    )


def _cell(slot: Slot, width: int, text: str, continues: bool = False, keep: bool = False) -> str:
    span = f'<w:gridSpan w:val="{slot.colspan}"/>' if slot.colspan > 1 else ""
    merge = ""
    if slot.rowspan > 1:
        merge = '<w:vMerge w:val="restart"/>' if not continues else '<w:vMerge w:val="continue"/>'
    fill = _SHADE.get(slot.role, "auto")
    size = 20
    if slot.path is not None and text:  # a long number shrinks to stay on one line of its cell
        size = max(10, min(20, int((width - 114) / (_DIGIT_TWIPS * len(text)))))
    body = "" if continues or not text else _run(text, size=size)
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{merge}'
        f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/><w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr>{"<w:keepNext/>" if keep else ""}<w:widowControl/>'
        '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        f'<w:ind w:left="0" w:right="0"/><w:jc w:val="{slot.align}"/>'
        f'<w:rPr>{_FONT}<w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:pPr>{body}</w:p></w:tc>'
    )


def table_xml(layout: TableLayout, values: Values) -> str:
    """One standard table: grid, merged cells (gridSpan across, vMerge down), values by path."""
    widths = layout.widths
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{_TBL_BORDERS}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="57" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
    ]
    covering: dict[int, Slot] = {}  # grid column → the merged slot from above that covers it
    for r, slots in enumerate(layout.rows()):
        starts = {s.col: s for s in slots}
        keep = all(s.path is None for s in slots)  # header rows stay with the first row of numbers
        cells = []
        col = 0
        while col < len(widths):
            slot = starts.get(col)
            above = covering.get(col)
            if slot is not None:
                text = values.get(slot.path, "") if slot.path else slot.text
                cells.append(_cell(slot, sum(widths[col : col + slot.colspan]), text, keep=keep))
                if slot.rowspan > 1:
                    covering[col] = slot
                col += slot.colspan
            elif above is not None and above.row + above.rowspan > r:
                cells.append(_cell(above, sum(widths[col : col + above.colspan]), "", True, keep))
                col += above.colspan
            else:
                raise ValueError(f"layout {layout.key}: row {r} has no cell at grid column {col}")
        out.append(
            '<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="340" w:hRule="atLeast"/><w:jc w:val="center"/>'
            f"</w:trPr>{''.join(cells)}</w:tr>"
        )
    out.append("</w:tbl>")
    return "".join(out)


def document_xml(values: Values, tables: tuple[TableLayout, ...] | list[TableLayout]) -> str:
    head, tail = _document_frame()
    body = [_para(indent=False)]
    for kind, content in document_blocks(values, tables):
        if isinstance(content, TableLayout):
            body.append(table_xml(content, values))
            body.append(_para(indent=False, jc="center"))
        elif kind == "title":
            agency = values.get("meta.agency", "").strip()
            lines = [content]
            if len(content) > _TITLE_CHARS and agency and content.startswith(agency):
                lines = [agency, content[len(agency) :]]  # a long title breaks after the unit's name
            body.extend(_para(line, jc="center", indent=False, bold=True, size=36) for line in lines)
            body.append(_para(indent=False))
        elif kind == "heading":
            body.append(_para(content, bold=True))
        elif kind == "signature":
            if content == values.get("meta.agency", "").strip():
                body.append(_para(indent=False))
            body.append(_para(content, jc="right", indent=False))
        else:
            body.append(_para(content))
    return head + "".join(body) + tail


def _core_xml(title: str, status: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>gongkai</dc:creator>"
        f"<dc:description>{escape(status)}</dc:description></cp:coreProperties>"
    )


def _custom_xml(status: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="gongkai核查">'
        f"<vt:lpwstr>{escape(status)}</vt:lpwstr></property></Properties>"
    )


def check_status(report: Report) -> str:
    """What the document may say about its checks: passing only when no error was found."""
    if report.errors:
        return f"未通过核查：有 {len(report.errors)} 个错误（强制生成）"
    warnings = f"（有 {len(report.warnings)} 个警告）" if report.warnings else ""
    return f"由 gongkai 生成，核查无错误{warnings}"


def render_docx(report: Report, status: str | None = None) -> bytes:
    """The report as a .docx in the official template (bytes). `status` goes in the file's properties."""
    tables = layouts_for(report)
    values = values_from_report(report, tables)
    return docx_from_values(values, tables, status if status is not None else check_status(report))


def docx_from_values(values: Values, tables: tuple[TableLayout, ...] | list[TableLayout], status: str) -> bytes:
    parts = dict(template_parts())
    parts["word/document.xml"] = document_xml(values, tables).encode("utf-8")
    title = title_of(values.get("meta.agency", "").strip(), values.get("meta.year", "").strip())
    parts["docProps/core.xml"] = _core_xml(title, status).encode("utf-8")
    parts["docProps/custom.xml"] = _custom_xml(status).encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name in ("[Content_Types].xml", "_rels/.rels", *sorted(n for n in parts if not n.startswith(("[", "_")))):
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, parts[name])
    return buf.getvalue()
