"""上传 and 批次: upload files, a folder or a zip (and a roster); a batch page with live progress."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gongkai.round import STATUS_LABELS
from gongkai.serve.batches import Batch, BatchError, Item, clean_name
from gongkai.serve.web import checked_form, error_page, is_htmx, page, state

_MULTIPART_SLACK = 1 << 20  # headers and boundaries around the files


def index(request: Request) -> Response:
    st = state(request)
    batches = st.batches.recent()
    lim = st.batches.limits
    data = {"batches": [b.to_dict() | {"state_label": b.state_label} for b in batches]}
    return page(request, "index.html", {"batches": batches, "limits": lim}, data)


async def upload(request: Request) -> Response:
    st = state(request)
    lim = st.batches.limits
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        return error_page(request, 411, "上传请求缺少长度信息，请使用页面上的上传表单")
    if int(length) > lim.max_total_bytes + _MULTIPART_SLACK:
        return error_page(request, 413, f"本批文件总量超过上限（{lim.max_total_bytes // 2**20} MiB），请分批上传")
    form = await checked_form(request, max_files=lim.max_files + 1, max_fields=20)
    try:
        uploads: list[Item] = []
        budget = lim.max_total_bytes
        roster: tuple[str, bytes] | None = None
        for key, value in form.multi_items():
            if not isinstance(value, UploadFile) or not value.filename:
                continue
            if key == "roster":
                data = await value.read(2**20 + 1)
                if len(data) > 2**20:
                    raise BatchError("名单文件过大（上限 1 MiB）", 413)
                if data:
                    roster = (clean_name(value.filename), data)
                continue
            if key not in ("files", "folder"):
                continue
            item, size = st.batches.save_stream(value.file, clean_name(value.filename), budget)
            budget -= size
            uploads.append(item)
        batch = st.batches.create(uploads, roster)
    except BatchError as exc:
        return error_page(request, exc.status, str(exc))
    finally:
        await form.close()
    if request.scope.get("gongkai_json") or "application/json" in request.headers.get("accept", ""):
        return page(request, "", {}, {"id": batch.id, "url": f"/batch/{batch.id}"}, status=201)
    return RedirectResponse(f"/batch/{batch.id}", 303)


def _batch_context(request: Request, batch: Batch) -> tuple[dict[str, Any], dict[str, Any]]:
    # the state first: a batch says "done" only once its round is built, so the summary below is final
    data = batch.to_dict() | {"state_label": batch.state_label, "done": batch.done, "total": batch.total}
    rnd = state(request).batches.live_round(batch)
    counts = rnd.counts()
    files = []
    for e in rnd.entries:
        files.append({"rel": e.rel, "sha256": e.report.source.sha256, "unit": e.unit_name, "year": e.year,
                      "status": e.status, "status_label": STATUS_LABELS[e.status], "errors": len(e.errors),
                      "warnings": len(e.warnings), "error": e.error[1] if e.error else None})
    ctx = {"batch": batch, "snap": data, "finished": data["state"] in ("done", "failed"), "round": rnd,
           "counts": counts, "files": files, "labels": STATUS_LABELS}
    data["summary"] = counts
    if data["state"] == "done":
        data["round"] = rnd.to_dict()
    return ctx, data


def batch_page(request: Request) -> Response:
    batch = state(request).batches.get(request.path_params["bid"])
    if batch is None:
        return error_page(request, 404, "没有这个批次")
    ctx, data = _batch_context(request, batch)
    template = "_batch_status.html" if is_htmx(request) else "batch.html"
    return page(request, template, ctx, data)


routes = [
    Route("/", index),
    Route("/upload", upload, methods=["POST"]),
    Route("/batch/{bid}", batch_page),
]
