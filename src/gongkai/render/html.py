"""Render a report as a standard HTML page: title, six numbered sections, the three tables, signature.

Tables come from the standard layout (render/layout.py), with the official template's merged
cells as rowspan/colspan, so the page, the Word file and the workbook are the same table; the
readers read it back. `table_html` takes a function for value cells, so the web 填报 form draws
the same table with inputs in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from gongkai.model import Report
from gongkai.render.layout import Slot, TableLayout, layouts_for
from gongkai.render.values import Values, document_blocks, title_of, values_from_report

STYLE = """
body{font-family:"SimSun","宋体","Noto Serif CJK SC","Songti SC",serif;color:#000;background:#fff;margin:0}
.report{max-width:56em;margin:2em auto;padding:0 1.5em;line-height:1.8;font-size:16px}
.report h1{text-align:center;font-size:22px;margin:1.2em 0}
.report h2{font-size:16px;font-weight:bold;margin:.8em 0 .2em;text-indent:2em}
.report p{text-indent:2em;margin:.2em 0;text-align:justify}
.report p.signature{text-align:right;text-indent:0}
table.std{border-collapse:collapse;margin:.8em auto;width:100%;font-size:13px;line-height:1.4}
table.std td{border:1px solid #000;padding:2px 4px;text-align:center;vertical-align:middle}
table.std td.left{text-align:left}
table.std td.block{background:#c6d9f1;text-align:left}
table.std td.value{font-variant-numeric:tabular-nums;min-width:2.5em}
"""

ValueCell = Callable[[Slot, str], str]


def _plain_value(slot: Slot, text: str) -> str:
    return escape(text)


def table_html(layout: TableLayout, values: Values, value_cell: ValueCell = _plain_value) -> str:
    """One standard table; `value_cell(slot, text)` gives the inner HTML of each value cell."""
    total = sum(layout.widths)
    cols = "".join(f'<col style="width:{100 * w / total:.2f}%">' for w in layout.widths)
    out = [f'<table border="1" class="std {layout.key}"><colgroup>{cols}</colgroup>']
    for slots in layout.rows():
        cells = []
        for s in slots:
            attrs = ""
            if s.rowspan > 1:
                attrs += f' rowspan="{s.rowspan}"'
            if s.colspan > 1:
                attrs += f' colspan="{s.colspan}"'
            classes = [s.role] + (["left"] if s.align == "left" else [])
            if s.path is not None:
                inner = value_cell(s, values.get(s.path, ""))
                cells.append(f'<td{attrs} class="{" ".join(classes)}">{inner}</td>')
            else:
                cells.append(f'<td{attrs} class="{" ".join(classes)}">{escape(s.text)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def report_body(values: Values, tables: Sequence[TableLayout]) -> str:
    """The report's HTML (no <html> wrapper): what the web face embeds."""
    body = []
    for kind, content in document_blocks(values, tables):
        if isinstance(content, TableLayout):
            body.append(table_html(content, values))
        elif kind == "title":
            body.append(f"<h1>{escape(content)}</h1>")
        elif kind == "heading":
            body.append(f"<h2>{escape(content)}</h2>")
        elif kind == "signature":
            body.append(f'<p class="signature">{escape(content)}</p>')
        else:
            body.append(f"<p>{escape(content)}</p>")
    return '<div class="report">\n' + "\n".join(body) + "\n</div>"


def html_from_values(values: Values, tables: Sequence[TableLayout], page_chrome: bool = False, status: str = "") -> str:
    title = escape(title_of(values.get("meta.agency", "").strip(), values.get("meta.year", "").strip()))
    content = report_body(values, tables)
    if page_chrome:
        content = (
            '<div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/hdjl">互动交流</a></div>\n'
            f'<div class="article">{content}</div>\n'
            '<div class="footer">主办单位：某某人民政府办公室 网站标识码：1234567890 备案号：某ICP备12345678号</div>'
        )
    meta = f'<meta name="description" content="{escape(status)}">' if status else ""
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>{meta}'
        f"<style>{STYLE}</style></head>\n<body>\n{content}\n</body></html>\n"
    )


def render_html(report: Report, page_chrome: bool = False, status: str = "") -> str:
    """A standard report page. With `page_chrome`, wrap it in a site's menus and footer."""
    tables = layouts_for(report)
    return html_from_values(values_from_report(report, tables), tables, page_chrome, status)
