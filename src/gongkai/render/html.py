"""Render a report as a standard HTML page: six sections and the three tables, 2021 layout.

The tables follow the official template's merged cells (rowspan/colspan), built from the
format data, so what we render is what the readers must be able to read back.
"""

from __future__ import annotations

from html import escape

from gongkai.model import Report
from gongkai.standard import ACTIVE_BLOCKS, REQUEST_COLUMNS, REQUEST_GROUPS, REQUEST_ROWS, REVIEW_COLUMNS, SECTIONS

_CN = "一二三四五六"


def _v(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return escape(str(value))


def _active_table(report: Report) -> str:
    active = report.active or {}
    out = ['<table border="1" class="active">']
    for block in ACTIVE_BLOCKS:
        rows = [r for r in block.rows if r.key in active]
        if not rows:
            continue
        variant = next(
            (v for v in block.variants if [c.key for c in v.columns] == list(active[rows[0].key])),
            block.variants[0],
        )
        n = len(variant.columns)
        out.append(f'<tr><td colspan="{n + 1}">第二十条第（{block.item}）项</td></tr>')
        out.append("<tr><td>信息内容</td>" + "".join(f"<td>{escape(c.label)}</td>" for c in variant.columns) + "</tr>")
        for r in rows:
            label = "规范性文件" if r.key == "normative_documents" and variant.version == "2019" else r.label
            cells = "".join(f"<td>{_v(active[r.key].get(c.key))}</td>" for c in variant.columns)
            out.append(f"<tr><td>{escape(label)}</td>{cells}</tr>")
    out.append("</table>")
    return "\n".join(out)


def _requests_table(report: Report) -> str:
    req = report.requests or {}
    rows = [r for r in REQUEST_ROWS if r.key in req]
    out = ['<table border="1" class="requests">']
    out.append(
        '<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>'
        '<td colspan="7">申请人情况</td></tr>'
    )
    out.append('<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>')
    out.append("<tr>" + "".join(f"<td>{escape(c.label)}</td>" for c in REQUEST_COLUMNS[1:6]) + "</tr>")
    group_rows: dict[str, list[str]] = {}
    for r in rows:
        if r.group:
            group_rows.setdefault(r.group, []).append(r.key)
    results_span = sum(1 for r in rows if r.group in {"results", "denied", "unable", "declined", "other_handling"})
    opened: set[str] = set()
    for r in rows:
        values = "".join(f"<td>{_v(req[r.key].get(c.key))}</td>" for c in REQUEST_COLUMNS)
        label = escape(r.full_label)
        if r.group is None:
            out.append(f'<tr><td colspan="3">{label}</td>{values}</tr>')
            continue
        lead = ""
        if "results" not in opened:
            opened.add("results")
            lead = f'<td rowspan="{results_span}">三、本年度办理结果</td>'
        if r.group == "results":
            out.append(f'<tr>{lead}<td colspan="2">{label}</td>{values}</tr>')
            continue
        group = next(g for g in REQUEST_GROUPS if g.key == r.group)
        if r.group not in opened:
            opened.add(r.group)
            lead += f'<td rowspan="{len(group_rows[r.group])}">{escape(group.number + group.label)}</td>'
        out.append(f"<tr>{lead}<td>{label}</td>{values}</tr>")
    out.append("</table>")
    return "\n".join(out)


def _review_table(report: Report) -> str:
    rl = report.review_litigation or {}
    heads = "".join(f'<td rowspan="2">{escape(c.label)}</td>' for c in REVIEW_COLUMNS)
    sub = "".join(f"<td>{escape(c.label)}</td>" for c in REVIEW_COLUMNS) * 2
    values = "".join(
        f"<td>{_v(rl.get(g, {}).get(c.key))}</td>"
        for g in ("review", "litigation_direct", "litigation_after_review")
        for c in REVIEW_COLUMNS
    )
    return "\n".join(
        [
            '<table border="1" class="review">',
            '<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>',
            f'<tr>{heads}<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>',
            f"<tr>{sub}</tr>",
            f"<tr>{values}</tr>",
            "</table>",
        ]
    )


def render_html(report: Report, page_chrome: bool = False) -> str:
    """A standard report page. With `page_chrome`, wrap it in a site's menus and footer."""
    m = report.meta
    title = f"{escape(m.agency or '')}{m.year or ''}年政府信息公开工作年度报告"
    body = [f"<h1>{title}</h1>"]
    texts = {s.no: s.text for s in report.sections}
    tables = {2: _active_table, 3: _requests_table, 4: _review_table}
    for s in SECTIONS:
        body.append(f"<h2>{_CN[s.no - 1]}、{escape(s.title)}</h2>")
        if texts.get(s.no):
            body.extend(f"<p>{escape(p)}</p>" for p in texts[s.no].split("\n") if p.strip())
        if s.no in tables and getattr(report, {2: "active", 3: "requests", 4: "review_litigation"}[s.no]):
            body.append(tables[s.no](report))
    if m.published:
        y, mo, d = m.published.split("-")
        body.append(f'<p style="text-align:right">{escape(m.agency or "")}</p>')
        body.append(f'<p style="text-align:right">{int(y)}年{int(mo)}月{int(d)}日</p>')
    content = "\n".join(body)
    if page_chrome:
        content = (
            '<div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/hdjl">互动交流</a></div>\n'
            f'<div class="article">{content}</div>\n'
            '<div class="footer">主办单位：某某人民政府办公室 网站标识码：1234567890 备案号：某ICP备12345678号</div>'
        )
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>'
        f"{title}</title></head>\n<body>\n{content}\n</body></html>\n"
    )
