"""问题: every finding of a batch or of the store, filtered; a person marks each 已确认 / 误报 / 已整改."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy import func, or_, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gongkai.check import RULES, all_rules
from gongkai.model import Finding
from gongkai.notice.content import SEVERITY_LABELS
from gongkai.serve.batches import SHA_RE
from gongkai.serve.security import safe_next
from gongkai.serve.web import (
    checked_form,
    error_page,
    field,
    here_q,
    is_htmx,
    mark_dict,
    mark_ref,
    page,
    session,
    state,
)
from gongkai.standard import cell_label
from gongkai.store import StoreError
from gongkai.store.marks import MARK_LABELS, marks_for, set_mark
from gongkai.store.schema import agencies, findings, reports

PAGE_SIZE = 1000
MAX_ROWS = 50_000
STATUS_FILTERS = {"open": "未标记", **MARK_LABELS}


def query_findings(request: Request, params: dict[str, str], start: int = 0,
                   limit: int = MAX_ROWS) -> tuple[list[dict[str, Any]], int]:
    """The findings matching the filters (batch, unit, rule, severity, status) in the order reports were
    stored: rows `start` to `start + limit`, and how many match in all."""
    st = state(request)
    stmt = (
        select(findings.c.rule, findings.c.severity, findings.c.message, findings.c.cells, findings.c.suspect,
               reports.c.sha256, reports.c.year, reports.c.source_path, reports.c.agency_printed,
               agencies.c.name.label("agency"))
        .select_from(findings.join(reports, reports.c.id == findings.c.report_id)
                     .outerjoin(agencies, agencies.c.id == reports.c.agency_id))
    )
    bid = params.get("batch")
    if bid:
        stmt = stmt.where(reports.c.sha256.in_(st.batches.item_shas(bid)))
    else:
        stmt = stmt.where(reports.c.is_current.is_(True))
    if params.get("unit"):
        like = "%" + params["unit"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(agencies.c.name.like(like, escape="\\"),
                              reports.c.agency_printed.like(like, escape="\\")))
    if params.get("rule"):
        stmt = stmt.where(findings.c.rule == params["rule"])
    if params.get("severity"):
        stmt = stmt.where(findings.c.severity == params["severity"])
    status = params.get("status", "")
    ordered = stmt.order_by(reports.c.id, findings.c.seq, findings.c.id)
    with st.store.read() as conn:
        if status:  # marks live beside the findings, keyed by hash and Finding.key: filtered here
            rows = conn.execute(ordered.limit(MAX_ROWS)).mappings().all()
        else:
            total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
            rows = conn.execute(ordered.offset(start).limit(limit)).mappings().all()
        marks = marks_for(conn, {r["sha256"] for r in rows})
    out: list[dict[str, Any]] = []
    for r in rows:
        f = Finding(rule=r["rule"], severity=r["severity"], message=r["message"], cells=list(r["cells"] or []),
                    suspect=r["suspect"])
        key = f.key
        m = marks.get((r["sha256"], key))
        if status and (m.status if m else "open") != status:
            continue
        out.append({"rule": f.rule, "severity": f.severity, "severity_label": SEVERITY_LABELS[f.severity],
                    "message": f.message, "key": key, "sha256": r["sha256"], "year": r["year"],
                    "unit": r["agency"] or r["agency_printed"] or "未识别单位", "file": r["source_path"],
                    "cells": [cell_label(c) for c in f.cells[:3]] + (["…"] if len(f.cells) > 3 else []),
                    "mark": mark_dict(m)})
    if status:
        return out[start : start + limit], len(out)
    return out, int(total)


def _params(request: Request) -> dict[str, str]:
    keys = ("batch", "unit", "rule", "severity", "status")
    return {k: request.query_params.get(k, "").strip()[:200] for k in keys if request.query_params.get(k, "").strip()}


def findings_page(request: Request) -> Response:
    params = _params(request)
    offset = request.query_params.get("offset", "0")
    start = int(offset) if offset.isdigit() else 0
    shown, total = query_findings(request, params, start, PAGE_SIZE)
    for r in shown:
        r["ref"] = mark_ref(r["sha256"], r["key"])
    all_rules()
    ctx = {"rows": shown, "total": total, "params": params, "start": start, "page_size": PAGE_SIZE,
           "rules": sorted(RULES.values(), key=lambda r: r.id), "severities": SEVERITY_LABELS,
           "statuses": STATUS_FILTERS, "next_q": here_q(request),
           "next_url": "/findings?" + urlencode(params | {"offset": str(start + PAGE_SIZE)})
           if start + PAGE_SIZE < total else None}
    return page(request, "findings.html", ctx, {"total": total, "offset": start, "findings": shown})


def mark_form(request: Request) -> Response:
    q = request.query_params
    sha, key = q.get("sha256", ""), q.get("key", "")
    if not SHA_RE.match(sha) or not key:
        return error_page(request, 400, "缺少要标记的问题")
    ctx = {"sha": sha, "key": key, "next": safe_next(q.get("next")), "statuses": MARK_LABELS,
           "ref": mark_ref(sha, key)}
    return page(request, "_mark_form.html" if is_htmx(request) else "mark.html", ctx,
                {"sha256": sha, "key": key, "statuses": MARK_LABELS})


async def mark(request: Request) -> Response:
    form = await checked_form(request, max_files=0, max_fields=20)
    sha, key = field(form, "sha256"), field(form, "key")
    status = field(form, "status") or None
    if status == "clear":
        status = None
    who, reason = field(form, "who"), field(form, "reason")
    nxt = safe_next(field(form, "next"))
    if not SHA_RE.match(sha) or not key:
        return error_page(request, 400, "缺少要标记的问题")
    try:
        m = set_mark(state(request).store, sha, key, status, who, reason)
    except StoreError as exc:
        ctx = {"sha": sha, "key": key, "next": nxt, "statuses": MARK_LABELS, "error": str(exc),
               "reason": reason, "status": status, "ref": mark_ref(sha, key)}
        return page(request, "_mark_form.html" if is_htmx(request) else "mark.html", ctx, {"error": str(exc)}, 400)
    sess = session(request)
    if who and who != sess.who:
        sess.who, sess.changed = who[:100], True
    for bid in state(request).batches.batches_with(sha):
        batch = state(request).batches.get(bid)
        if batch is not None:
            state(request).batches.write_round(batch)
    mark_view = mark_dict(m)
    if is_htmx(request):
        ctx = {"mark": mark_view, "ref": mark_ref(sha, key), "next_q": quote(nxt, safe="")}
        return page(request, "_mark_cell.html", ctx, mark_view)
    if request.scope.get("gongkai_json"):
        return page(request, "", {}, {"mark": mark_view})
    return RedirectResponse(nxt, 303)


routes = [
    Route("/findings", findings_page),
    Route("/mark", mark_form, methods=["GET"]),
    Route("/mark", mark, methods=["POST"]),
]
