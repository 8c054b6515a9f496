"""填报: a writer fills in the report's numbers and sections, checks them, and downloads the Word report.

The values are those of `gongkai.render.values` (meta, six sections, one per cell path); the checks
are run on the standard document they make (`report_from_form`), so what passes here passes on paper.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gongkai.check import RULES, all_rules
from gongkai.notice.content import SEVERITY_LABELS
from gongkai.render.docx import check_status, docx_from_values
from gongkai.render.layout import Version, layouts
from gongkai.render.values import report_from_form, values_from_report
from gongkai.serve.batches import SHA_RE
from gongkai.serve.layout import form_grids
from gongkai.serve.routes.notices import download
from gongkai.serve.routes.report import load_by_sha
from gongkai.serve.web import checked_form, page
from gongkai.standard import SECTIONS

_CN = "一二三四五六"
_MAX_FIELD = 20_000


def _keys(version: Version) -> list[str]:
    paths = [p for layout in layouts(version) for p in layout.paths()]
    return ["meta.agency", "meta.year", "meta.published", *(f"sections.{s.no}" for s in SECTIONS), *paths]


def _render(request: Request, version: Version, values: dict[str, str], checked: bool) -> Response:
    all_rules()
    findings: list[dict[str, Any]] = []
    flagged: set[str] = set()
    suspects: set[str] = set()
    if checked:
        report = report_from_form(values, version)
        for f in report.findings:
            rule = RULES.get(f.rule)
            findings.append({"severity": f.severity, "severity_label": SEVERITY_LABELS[f.severity],
                             "message": f.message, "title": rule.title if rule else f.rule})
            if f.severity != "info":
                flagged.update(f.cells)
            if f.suspect:
                suspects.add(f.suspect)
    sections = [{"no": s.no, "cn": _CN[s.no - 1], "title": s.title, "text": values.get(f"sections.{s.no}", "")}
                for s in SECTIONS]
    ctx = {"version": version, "values": values, "grids": form_grids(layouts(version), values),
           "sections": sections, "findings": findings, "checked": checked, "flagged": flagged, "suspects": suspects,
           "errors": sum(f["severity"] == "error" for f in findings)}
    return page(request, "fill.html", ctx, {"values": values, "findings": findings})


def fill_form(request: Request) -> Response:
    version: Version = "2019" if request.query_params.get("version") == "2019" else "2021"
    values = {k: "" for k in _keys(version)}
    sha = request.query_params.get("from", "")
    if SHA_RE.match(sha):  # start from a stored report (next year's report from this year's)
        report, _ = load_by_sha(request, sha)
        if report is not None:
            values.update({k: v for k, v in values_from_report(report, layouts(version)).items() if k in values})
    return _render(request, version, values, checked=False)


async def fill_submit(request: Request) -> Response:
    form = await checked_form(request, max_files=0, max_fields=400, max_part_size=_MAX_FIELD)
    version: Version = "2019" if form.get("version") == "2019" else "2021"
    values = {}
    for k in _keys(version):
        v = form.get(k)
        values[k] = v.strip()[:_MAX_FIELD] if isinstance(v, str) else ""
    if form.get("action") == "docx":
        report = report_from_form(values, version)
        data = docx_from_values(values, layouts(version), check_status(report))
        name = f"{values['meta.agency'] or '单位'}{values['meta.year']}年政府信息公开工作年度报告.docx"
        return download(data, name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    return _render(request, version, values, checked=True)


routes = [
    Route("/fill", fill_form, methods=["GET"]),
    Route("/fill", fill_submit, methods=["POST"]),
]
