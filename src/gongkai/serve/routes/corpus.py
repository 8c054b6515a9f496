"""对比, 总览 and 规则: two years of a unit side by side, the corpus in numbers and charts, the rules."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gongkai.analysis.charts import svg_chart
from gongkai.analysis.compare import compare
from gongkai.analysis.rates import rates
from gongkai.analysis.stats import GROUPS, TOTALS, group_stats
from gongkai.check import all_rules
from gongkai.serve.layout import report_grids
from gongkai.serve.web import page, state
from gongkai.store import StoreError
from gongkai.store.query import load_report, report_id_for
from gongkai.store.schema import agencies, findings, reports

_CATEGORY = {"arithmetic": "表内计算", "structure": "格式结构", "narrative": "正文与表格", "dates": "日期",
             "cross_year": "跨年度", "extraction": "读取"}


def _units_with_years(request: Request) -> list[dict[str, Any]]:
    with state(request).store.read() as conn:
        rows = conn.execute(
            select(agencies.c.name, reports.c.year)
            .select_from(reports.join(agencies, agencies.c.id == reports.c.agency_id))
            .where(reports.c.is_current.is_(True), reports.c.year.is_not(None))
            .order_by(agencies.c.name, reports.c.year)
        ).all()
    units: dict[str, list[int]] = {}
    for name, year in rows:
        units.setdefault(name, []).append(int(year))
    return [{"name": n, "years": ys} for n, ys in units.items() if len(ys) >= 2]


def compare_page(request: Request) -> Response:
    q = request.query_params
    unit, ya, yb = q.get("unit", "").strip(), q.get("a", ""), q.get("b", "")
    units = _units_with_years(request)
    ctx: dict[str, Any] = {"units": units, "unit": unit, "a": ya, "b": yb, "cmp": None}
    if not unit:
        return page(request, "compare.html", ctx, {"units": units})
    if not (ya.isdigit() and yb.isdigit()):
        years: list[int] = next((u["years"] for u in units if u["name"] == unit), [])
        if len(years) < 2:
            ctx["error"] = f"数据库中“{unit}”不足两个年度的报告"
            return page(request, "compare.html", ctx, {"error": ctx["error"]}, 404)
        ya, yb = str(years[-2]), str(years[-1])
        ctx.update(a=ya, b=yb)
    try:
        with state(request).store.read() as conn:
            ra = load_report(conn, report_id_for(conn, unit, int(ya)))
            rb = load_report(conn, report_id_for(conn, unit, int(yb)))
    except StoreError as exc:
        ctx["error"] = str(exc)
        return page(request, "compare.html", ctx, {"error": str(exc)}, 404)
    cmp = compare(ra, rb, f"{ya}年", f"{yb}年")
    changed = {c.path for c in cmp.cells}
    sections = []
    for s in cmp.sections:
        lines = [ln for ln in s.diff.splitlines() if not ln.startswith(("---", "+++", "@@"))]
        sections.append({"no": s.no, "title": s.title,
                         "lines": [(ln[:1], ln[1:]) for ln in lines]})
    ctx.update(cmp=cmp, ra=ra, rb=rb, grids=list(zip(report_grids(ra), report_grids(rb), strict=True)),
               changed=changed, sections=sections, rates=list(zip(rates(ra), rates(rb), strict=True)))
    return page(request, "compare.html", ctx, cmp.to_dict())


def _rule_rates(request: Request) -> tuple[int, list[dict[str, Any]]]:
    all_rules()
    from gongkai.check import RULES

    with state(request).store.read() as conn:
        n = conn.execute(select(func.count()).select_from(reports).where(reports.c.is_current.is_(True))).scalar_one()
        rows = conn.execute(
            select(findings.c.rule, func.count(func.distinct(findings.c.report_id)))
            .select_from(findings.join(reports, reports.c.id == findings.c.report_id))
            .where(reports.c.is_current.is_(True))
            .group_by(findings.c.rule)
        ).all()
    out = []
    for rule, count in sorted(rows, key=lambda r: -r[1]):
        r = RULES.get(rule)
        out.append({"rule": rule, "title": r.title if r else rule, "severity": r.severity if r else "",
                    "reports": int(count), "share": count / n if n else None})
    return int(n), out


def overview(request: Request) -> Response:
    by = request.query_params.get("by", "year")
    if by not in GROUPS:
        by = "year"
    with state(request).store.read() as conn:
        groups = group_stats(conn, [by])
    n, rule_rates = _rule_rates(request)
    charts = [Markup(svg_chart(groups, m)) for m in ("reports", "new_received", "disclosure_rate")] if groups else []
    ctx = {"by": by, "groups": groups, "group_names": {k: v[0] for k, v in GROUPS.items()}, "totals": TOTALS,
           "charts": charts, "rule_rates": rule_rates, "n": n}
    data = {"by": by, "reports": n,
            "groups": [{"key": list(g.key), "label": g.label, "reports": g.reports, "totals": g.totals,
                        "rates": [{"key": r.key, "label": r.label, "value": r.value} for r in g.rates]}
                       for g in groups],
            "rules": rule_rates}
    return page(request, "overview.html", ctx, data)


def rules_page(request: Request) -> Response:
    rules = sorted(all_rules(), key=lambda r: (r.category, r.id))
    data = [{"id": r.id, "severity": r.severity, "category": r.category, "title": r.title, "advice": r.advice}
            for r in rules]
    return page(request, "rules.html", {"rules": rules, "categories": _CATEGORY}, data)


routes = [
    Route("/compare", compare_page),
    Route("/overview", overview),
    Route("/rules", rules_page),
]

