"""报告: one report's three tables in the standard's layout, its findings, and each cell's evidence."""

from __future__ import annotations

import re
from html import escape
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from gongkai.check import RULES, all_rules
from gongkai.model import Finding, Report
from gongkai.notice.content import SEVERITY_LABELS, finding_view
from gongkai.serve.batches import SHA_RE
from gongkai.serve.evidence import cell_evidence, page_image
from gongkai.serve.layout import report_grids
from gongkai.serve.web import error_page, here_q, is_htmx, mark_dict, mark_ref, page, state
from gongkai.standard import SECTIONS
from gongkai.store.marks import Mark, dismissed_keys, marks_for
from gongkai.store.query import load_report
from gongkai.store.schema import reports

_QUOTE = re.compile(r"“([^”]{4,})”")
_CN = "一二三四五六"


def load_by_sha(request: Request, sha256: str) -> tuple[Report | None, dict[tuple[str, str], Mark]]:
    """The stored report with this content (its current findings), else the file read afresh;
    None for an address that is no content hash."""
    if not SHA_RE.match(sha256):
        return None, {}
    st = state(request)
    with st.store.read() as conn:
        rid = conn.execute(select(reports.c.id).where(reports.c.sha256 == sha256)).scalar()
        report = load_report(conn, rid) if rid is not None else None
        marks = marks_for(conn, [sha256])
    if report is None:
        path = st.batches.file_path(sha256)
        if path is None:
            return None, marks
        from gongkai.pipeline import process_many

        report = next(process_many([path], jobs=1)).report  # in a worker, under the time and memory limits
    return report, marks


def findings_view(report: Report, marks: dict[tuple[str, str], Mark]) -> list[dict[str, Any]]:
    all_rules()
    out = []
    for i, f in enumerate(report.findings):
        m = marks.get((report.source.sha256, f.key))
        rule = RULES.get(f.rule)
        out.append({"i": i, "f": f, "key": f.key, "mark": mark_dict(m), "ref": mark_ref(report.source.sha256, f.key),
                    "rule_title": rule.title if rule else f.rule,
                    "severity_label": SEVERITY_LABELS[f.severity], "cells": [c for c in f.cells if c.count(".") == 2]})
    return out


def _quoted(findings: list[Finding]) -> list[str]:
    """Sentences of the narrative that findings quote (正文称“…”)."""
    out: list[str] = []
    for f in findings:
        if f.rule.startswith("narrative"):
            out.extend(m.group(1) for m in _QUOTE.finditer(f.message))
    return out


_PARA_END = "。；！？：:;!?）)"
_PARA_START = re.compile(r"^\s*(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+[.、．])")


def paragraphs(text: str) -> list[str]:
    """A section's lines as paragraphs: a PDF's line breaks inside a sentence are joined."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if out and not out[-1].endswith(tuple(_PARA_END)) and not _PARA_START.match(line):
            out[-1] += line
        else:
            out.append(line)
    return out


def section_html(text: str, quoted: list[str]) -> Markup:
    """A section's text, escaped, with the sentences findings quote highlighted."""
    paras = []
    for p in paragraphs(text):
        html = escape(p)
        for q in quoted:
            eq = escape(q)
            if eq in html:
                html = html.replace(eq, f'<mark class="quoted">{eq}</mark>')
        paras.append(f"<p>{html}</p>")
    return Markup("\n".join(paras))


def _evidence_context(request: Request, report: Report, path: str | None) -> dict[str, Any] | None:
    if not path or path.count(".") != 2 or len(path) > 120:
        return None
    st = state(request)
    ev = cell_evidence(report, path, st.batches.file_path(report.source.sha256))
    return {"ev": ev, "sha": report.source.sha256}


def report_page(request: Request) -> Response:
    sha = request.path_params["sha"]
    report, marks = load_by_sha(request, sha)
    if report is None:
        return error_page(request, 404, "没有这份报告")
    dismissed = dismissed_keys(marks, sha)
    live = [f for f in report.findings if f.key not in dismissed]
    flagged = {c for f in live if f.severity != "info" for c in f.cells}
    suspects = {f.suspect for f in live if f.suspect}
    views = findings_view(report, marks)
    cell = request.query_params.get("cell")
    fi = request.query_params.get("finding")
    chosen = None
    if not fi and not cell:  # open on the first problem with cells, so the page shows why at once
        first = next((v for v in views if v["cells"] and v["f"].severity != "info" and v["key"] not in dismissed),
                     None)
        fi = str(first["i"]) if first is not None else None
    if fi and fi.isdigit() and int(fi) < len(views):
        chosen = views[int(fi)]
        f = chosen["f"]
        cell = cell or f.suspect or (chosen["cells"][0] if chosen["cells"] else None)
    quoted = _quoted(live)
    texts = {s.no: s.text for s in report.sections}
    sections = [{"no": s.no, "cn": _CN[s.no - 1], "title": s.title, "html": section_html(texts.get(s.no, ""), quoted)}
                for s in SECTIONS]
    ctx = {
        "report": report, "sha": sha, "grids": report_grids(report), "flagged": flagged, "suspects": suspects,
        "findings": views, "chosen": chosen, "evidence": _evidence_context(request, report, cell), "cell": cell,
        "sections": sections, "batch": request.query_params.get("batch", ""), "dismissed": dismissed,
        "next_q": here_q(request),
    }
    data = {
        "report": report.model_dump(mode="json"),
        "findings": [finding_view(report, v["f"]) | {"mark": v["mark"]} for v in views],
    }
    return page(request, "report.html", ctx, data)


def evidence(request: Request) -> Response:
    report, _ = load_by_sha(request, request.path_params["sha"])
    if report is None:
        return error_page(request, 404, "没有这份报告")
    ctx = _evidence_context(request, report, request.query_params.get("cell"))
    if ctx is None:
        return error_page(request, 400, "请指定单元格")
    template = "_evidence.html" if is_htmx(request) else "evidence.html"
    return page(request, template, ctx | {"report": report}, ctx["ev"].to_dict())


def cell_image(request: Request) -> Response:
    """The page a PDF or picture cell stood on, its box drawn in red."""
    sha = request.path_params["sha"]
    st = state(request)
    source = st.batches.file_path(sha) if SHA_RE.match(sha) else None
    if source is None:
        return error_page(request, 404, "原文件不在本服务的数据目录中")
    report, _ = load_by_sha(request, sha)
    path = request.query_params.get("cell", "")
    ev = report.evidence.get(path) if report else None
    origin = (ev.get("origin") or {}) if ev else {}
    if not origin.get("page") or not origin.get("bbox"):
        return error_page(request, 404, "这一格没有页面位置")
    try:
        png = page_image(source, sha, int(origin["page"]), tuple(origin["bbox"]), st.batches.cache_dir)
    except Exception as exc:  # a drawing failure is shown as a message, never a traceback
        return error_page(request, 500, f"无法绘制页面（{type(exc).__name__}）")
    return FileResponse(png, media_type="image/png")


routes = [
    Route("/report/{sha}", report_page),
    Route("/report/{sha}/evidence", evidence),
    Route("/report/{sha}/cell.png", cell_image),
]
