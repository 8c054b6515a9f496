"""通知: per unit, the correction notice (the content of the Word notice) and the downloads."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gongkai.notice.content import Notice
from gongkai.round import Round
from gongkai.serve import writers
from gongkai.serve.batches import Batch
from gongkai.serve.web import error_page, page, state


def _round(request: Request) -> tuple[Batch, Round, list[Any]] | None:
    b = state(request).batches.get(request.path_params["bid"])
    if b is None or b.round is None:
        return None
    rnd = state(request).batches.live_round(b)
    return b, rnd, writers.round_notices(rnd)


def download(data: bytes, filename: str, media: str) -> Response:
    ext = filename[filename.rfind("."):]
    disp = f"attachment; filename=\"download{ext}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media, headers={"Content-Disposition": disp})


def notice_dict(nt: Notice) -> dict[str, Any]:
    return {"title": nt.title, "unit": nt.unit, "year": nt.year, "file": nt.file, "status": nt.status,
            "unreadable": nt.unreadable, "recheck": nt.recheck_label, "fixed": nt.fixed,
            "items": [{"no": i.no, "severity": i.severity_label, "rule": i.rule, "title": i.rule_title,
                       "message": i.message, "where": i.where, "advice": i.advice} for i in nt.items]}


def notices_page(request: Request) -> Response:
    got = _round(request)
    if got is None:
        return error_page(request, 404, "没有这个批次，或批次尚未处理完")
    batch, _, files = got
    rows = [{"n": i, "notice": f.notice, "stem": f.stem} for i, f in enumerate(files)]
    data = [{"n": i, "unit": f.notice.unit, "file": f.notice.file, "status": f.notice.status,
             "errors": len(f.notice.errors), "warnings": len(f.notice.warnings)} for i, f in enumerate(files)]
    return page(request, "notices.html", {"batch": batch, "rows": rows}, data)


def _notice(request: Request) -> tuple[Batch, int, Any] | None:
    got = _round(request)
    n = request.path_params["n"]
    if got is None or n >= len(got[2]):
        return None
    return got[0], n, got[2][n]


def notice_page(request: Request) -> Response:
    got = _notice(request)
    if got is None:
        return error_page(request, 404, "没有这份通知")
    batch, n, f = got
    ctx = {"batch": batch, "n": n, "nt": f.notice, "fragment": Markup(writers.notice_fragment(f.notice))}
    return page(request, "notice.html", ctx, notice_dict(f.notice))


def notice_docx(request: Request) -> Response:
    got = _notice(request)
    if got is None:
        return error_page(request, 404, "没有这份通知")
    return download(writers.word(got[2].notice), got[2].stem + ".docx", writers.DOCX)


def notice_css(request: Request) -> Response:
    return Response(writers.notice_css(), media_type="text/css")


def workbook(request: Request) -> Response:
    got = _round(request)
    if got is None:
        return error_page(request, 404, "没有这个批次，或批次尚未处理完")
    batch, rnd, files = got
    return download(writers.workbook(rnd, files), f"核查汇总_{batch.id}.xlsx", writers.XLSX)


def notices_zip(request: Request) -> Response:
    got = _round(request)
    if got is None:
        return error_page(request, 404, "没有这个批次，或批次尚未处理完")
    batch, rnd, files = got
    data = writers.notices_zip(rnd, files)
    return download(data, f"整改通知_{batch.id}.zip", "application/zip")


routes = [
    Route("/notice.css", notice_css),
    Route("/batch/{bid}/notices", notices_page),
    Route("/batch/{bid}/notices.zip", notices_zip),
    Route("/batch/{bid}/workbook.xlsx", workbook),
    Route("/batch/{bid}/notice/{n:int}", notice_page),
    Route("/batch/{bid}/notice/{n:int}/notice.docx", notice_docx),
]
