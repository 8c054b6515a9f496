"""通知: per unit, the correction notice (the content of the Word notice) and the downloads."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gongkai.notice.content import Notice, build_notice
from gongkai.round import Entry
from gongkai.serve import writers
from gongkai.serve.batches import Batch
from gongkai.serve.web import error_page, page, state

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _batch(request: Request) -> Batch | None:
    b = state(request).batches.get(request.path_params["bid"])
    return b if b is not None and b.round is not None else None


def _entries(request: Request, batch: Batch) -> list[Entry]:
    return state(request).batches.live_round(batch).entries


def file_stem(notice: Notice, n: int) -> str:
    """A download's name: number, unit and year, with nothing a file system refuses."""
    name = _UNSAFE.sub("_", f"{n + 1:03d}_{notice.unit}{notice.year or ''}整改通知")
    return name[:120]


def _download(data: bytes, filename: str, media: str) -> Response:
    from urllib.parse import quote

    disp = f"attachment; filename=\"download{filename[filename.rfind('.'):]}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media, headers={"Content-Disposition": disp})


def notices_page(request: Request) -> Response:
    batch = _batch(request)
    if batch is None:
        return error_page(request, 404, "没有这个批次，或批次尚未处理完")
    entries = _entries(request, batch)
    notices = [build_notice(e) for e in entries]
    rows = [{"n": i, "notice": nt} for i, nt in enumerate(notices)]
    data = [{"n": i, "unit": nt.unit, "file": nt.file, "status": nt.status, "errors": len(nt.errors),
             "warnings": len(nt.warnings)} for i, nt in enumerate(notices)]
    ctx = {"batch": batch, "rows": rows, "word": writers.has_word(), "workbook": writers.has_workbook()}
    return page(request, "notices.html", ctx, data)


def _notice(request: Request) -> tuple[Batch, int, Notice] | None:
    batch = _batch(request)
    n = request.path_params["n"]
    if batch is None:
        return None
    entries = _entries(request, batch)
    if n >= len(entries):
        return None
    return batch, n, build_notice(entries[n])


def notice_dict(nt: Notice) -> dict[str, Any]:
    return {"title": nt.title, "unit": nt.unit, "year": nt.year, "file": nt.file, "status": nt.status,
            "unreadable": nt.unreadable, "recheck": nt.recheck_label, "fixed": nt.fixed,
            "items": [{"no": i.no, "severity": i.severity_label, "rule": i.rule, "title": i.rule_title,
                       "message": i.message, "where": i.where, "advice": i.advice} for i in nt.items]}


def notice_page(request: Request) -> Response:
    got = _notice(request)
    if got is None:
        return error_page(request, 404, "没有这份通知")
    batch, n, nt = got
    return page(request, "notice.html", {"batch": batch, "n": n, "nt": nt, "word": writers.has_word()},
                notice_dict(nt))


def notice_docx(request: Request) -> Response:
    got = _notice(request)
    if got is None or not writers.has_word():
        return error_page(request, 404, "没有这份通知")
    _, n, nt = got
    return _download(writers.word(nt), file_stem(nt, n) + ".docx", writers.DOCX)


def workbook(request: Request) -> Response:
    batch = _batch(request)
    if batch is None or not writers.has_workbook():
        return error_page(request, 404, "没有这个批次，或批次尚未处理完")
    return _download(writers.workbook(state(request).batches.live_round(batch)), f"核查结果_{batch.id}.xlsx",
                     writers.XLSX)


def notices_zip(request: Request) -> Response:
    """Every unit's notice in one zip: Word files when the Word writer is installed, and the page as HTML."""
    batch = _batch(request)
    if batch is None:
        return error_page(request, 404, "没有这个批次，或批次尚未处理完")
    st = state(request)
    buf = io.BytesIO()
    tpl = st.templates.get_template("notice_file.html")
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, e in enumerate(_entries(request, batch)):
            nt = build_notice(e)
            stem = file_stem(nt, n)
            zf.writestr(f"{stem}.html", tpl.render(nt=nt))
            if writers.has_word():
                zf.writestr(f"{stem}.docx", writers.word(nt))
        if writers.has_workbook():
            zf.writestr(f"核查结果_{batch.id}.xlsx", writers.workbook(st.batches.live_round(batch)))
    return _download(buf.getvalue(), f"整改通知_{batch.id}.zip", "application/zip")


routes = [
    Route("/batch/{bid}/notices", notices_page),
    Route("/batch/{bid}/notices.zip", notices_zip),
    Route("/batch/{bid}/workbook.xlsx", workbook),
    Route("/batch/{bid}/notice/{n:int}", notice_page),
    Route("/batch/{bid}/notice/{n:int}/notice.docx", notice_docx),
]
