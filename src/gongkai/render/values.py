"""A report as the values a writer fills in, and those values as a standard report.

Values are a flat mapping of text: `meta.agency`, `meta.year`, `meta.published` (ISO date or
2025年1月20日), `sections.1` … `sections.6`, and one entry per cell path (`requests.granted.total`).
The web form posts them, the fill-in workbook holds them, and a Report gives them back.

`document_from_values` lays them out as the standard report (title, six numbered sections, the
three tables, signature) in the neutral `Document` the readers produce, so the same extraction
and checks that read any report read it; `verify` returns the Report that results. What is
checked is therefore exactly what the rendered document says.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence

from gongkai.model import Number, Report, Source
from gongkai.read.document import Block, Cell, Document, Origin, Paragraph, Table
from gongkai.render.layout import TableLayout, Version, layouts, layouts_for
from gongkai.standard import SECTIONS

Values = dict[str, str]
CN_NUMERALS = "一二三四五六"
_TABLE_AFTER = {2: "active", 3: "requests", 4: "review_litigation"}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def format_number(value: Number | None) -> str:
    """A cell value as printed: integers plainly, decimals without exponent or float noise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = repr(value)
        if "e" in text or "E" in text:
            text = f"{value:.12f}".rstrip("0").rstrip(".")
        return text
    return str(value)


def chinese_date(published: str | None) -> str:
    """2025-01-20 → 2025年1月20日 (other text as given)."""
    if not published:
        return ""
    m = _ISO.match(published.strip())
    if not m:
        return published.strip()
    return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"


def title_of(agency: str | None, year: str | int | None) -> str:
    return f"{agency or ''}{year or ''}{'年' if year else ''}政府信息公开工作年度报告"


def values_from_report(report: Report, tables: Sequence[TableLayout] | None = None) -> Values:
    """Every value a writer fills in, as text, for the report's own table shape."""
    m = report.meta
    out: Values = {
        "meta.agency": m.agency or "",
        "meta.year": str(m.year or ""),
        "meta.published": m.published or "",
    }
    texts = {s.no: s.text for s in report.sections}
    for s in SECTIONS:
        out[f"sections.{s.no}"] = texts.get(s.no, "")
    cells = report.cells()
    for layout in tables or layouts_for(report):
        for path in layout.paths():
            out[path] = format_number(cells.get(path))
    return out


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r", "").split("\n") if p.strip()]


def _table(layout: TableLayout, values: Mapping[str, str], index: int) -> Table:
    rows = []
    for r, slots in enumerate(layout.rows()):
        row = []
        for s in slots:
            text = values.get(s.path, "").strip() if s.path else s.text
            row.append(Cell(text, Origin(table=index, row=r, col=s.col)))
        rows.append(row)
    return Table(rows, Origin(table=index))


def document_blocks(values: Mapping[str, str], tables: Sequence[TableLayout]) -> list[tuple[str, str | TableLayout]]:
    """The standard report in order, as (kind, content): title, heading, text, table, signature."""
    agency = values.get("meta.agency", "").strip()
    out: list[tuple[str, str | TableLayout]] = [("title", title_of(agency, values.get("meta.year", "").strip()))]
    by_key = {t.key: t for t in tables}
    for s in SECTIONS:
        out.append(("heading", f"{CN_NUMERALS[s.no - 1]}、{s.title}"))
        out.extend(("text", p) for p in _paragraphs(values.get(f"sections.{s.no}", "")))
        table = by_key.get(_TABLE_AFTER.get(s.no, ""))
        if table is not None:
            out.append(("table", table))
    date = chinese_date(values.get("meta.published"))
    if agency:
        out.append(("signature", agency))
    if date:
        out.append(("signature", date))
    return out


def document_from_values(values: Mapping[str, str], tables: Sequence[TableLayout]) -> Document:
    """The standard report as the neutral Document the readers produce."""
    blocks: list[Block] = []
    line = 0
    index = 0
    for _kind, content in document_blocks(values, tables):
        if isinstance(content, TableLayout):
            blocks.append(_table(content, values, index))
            index += 1
        else:
            line += 1
            blocks.append(Paragraph(content, Origin(line=line)))
    return Document(blocks, "form")


def verify_document(doc: Document, source: Source) -> Report:
    """Extract and check a standard document: the report exactly as the rendered document states it."""
    from gongkai.check import check
    from gongkai.extract import extract

    report, trace = extract(doc, source)
    report.findings = check(report, trace)
    return report


def verify(report: Report) -> Report:
    """The report re-read from its standard rendering, with every check's findings."""
    tables = layouts_for(report)
    return verify_document(document_from_values(values_from_report(report, tables), tables), report.source)


def report_from_form(values: Mapping[str, str], version: Version = "2021") -> Report:
    """Form values (the web 填报 page, the workbook) → the checked Report they make."""
    tables = layouts(version)
    digest = hashlib.sha256(repr(sorted(values.items())).encode("utf-8")).hexdigest()
    return verify_document(document_from_values(values, tables), Source(path="填报", sha256=digest, kind="form"))
