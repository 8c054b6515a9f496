"""Render: a Report → the standard report (Word in the official template, HTML, PDF), and the fill-in workbook.

One table layout (layout.py) drives every face; `values.py` turns a report into the values a
writer fills in and back, checked through the same extraction and rules as any report.
"""

from gongkai.render.docx import render_docx
from gongkai.render.form import LIVE_TOTALS_JS, form_tables_html
from gongkai.render.html import render_html, table_html
from gongkai.render.layout import Slot, TableLayout, layouts, layouts_for
from gongkai.render.load import checked, load_report
from gongkai.render.narrative import SUGGESTION_MARK, suggest
from gongkai.render.values import report_from_form, values_from_report, verify
from gongkai.render.workbook import build_workbook, template_values, workbook_cells

__all__ = [
    "LIVE_TOTALS_JS",
    "SUGGESTION_MARK",
    "Slot",
    "TableLayout",
    "build_workbook",
    "checked",
    "form_tables_html",
    "layouts",
    "layouts_for",
    "load_report",
    "render_docx",
    "render_html",
    "report_from_form",
    "suggest",
    "table_html",
    "template_values",
    "values_from_report",
    "verify",
    "workbook_cells",
]
