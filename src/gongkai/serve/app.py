"""The web application: `create_app(db=..., data_dir=..., password=...)` → a Starlette app.

A thin layer over the library and the store; every page answers HTML (Jinja2 templates, htmx from
the package's own static folder, no CDN) and, with `.json` in its address or an Accept header, JSON.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from gongkai.serve.batches import Batches, Limits
from gongkai.serve.routes import corpus, fill, findings, notices, report, upload
from gongkai.serve.security import Session, Signer, load_secret, password_ok, safe_next
from gongkai.serve.web import SessionMiddleware, State, checked_form, error_page, field, page, session, state
from gongkai.standard import cell_label
from gongkai.store import open_store

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
PASSWORD_ENV = "GONGKAI_PASSWORD"
_LOGIN_DELAY = 0.5  # seconds after a wrong password


def _fmt_num(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def _templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters["num"] = _fmt_num
    env.globals["label"] = cell_label
    env.filters["pct"] = lambda v: "—" if v is None else f"{v * 100:.1f}%"
    return Jinja2Templates(env=env)


def login_form(request: Request) -> Response:
    return page(request, "login.html", {"next": safe_next(request.query_params.get("next"))}, {"login": True})


async def login(request: Request) -> Response:
    st = state(request)
    form = await checked_form(request, max_files=0, max_fields=10)
    nxt = safe_next(field(form, "next"))
    given = form.get("password")
    if st.password is None:
        return RedirectResponse(nxt, 303)
    if not isinstance(given, str) or not password_ok(given, st.password):
        await asyncio.sleep(_LOGIN_DELAY)
        return page(request, "login.html", {"next": nxt, "error": "密码不正确"}, {"error": "密码不正确"}, 401)
    old = session(request)
    new = Session(authed=True, who=old.who, changed=True)  # a new session (and CSRF token) after login
    request.scope["gongkai_session"] = new
    return RedirectResponse(nxt, 303)


async def logout(request: Request) -> Response:
    await checked_form(request, max_files=0, max_fields=5)
    request.scope["gongkai_session"] = Session(changed=True)
    return RedirectResponse("/login" if state(request).password else "/", 303)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: "没有这个页面", 405: "不支持这种请求方式"}
    return error_page(request, exc.status_code, exc.detail if exc.status_code == 403 else
                      messages.get(exc.status_code, str(exc.detail)))


async def _server_error(request: Request, exc: Exception) -> Response:
    return error_page(request, 500, f"服务出错（{type(exc).__name__}），请联系管理员；已处理的数据不受影响")


def create_app(
    db: str | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    password: str | None = None,
    limits: Limits | None = None,
    jobs: int | None = None,
) -> Starlette:
    """The app over the store `db` (SQLite file or PostgreSQL URL), keeping uploads in `data_dir`."""
    folder = Path(data_dir or "gongkai-data").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    store = open_store(db if db is not None else str(folder / "gongkai.db"))
    gk = State(store, Batches(store, folder, limits, jobs), _templates(), Signer(load_secret(folder)),
               password or None)
    routes = [
        *upload.routes, *report.routes, *findings.routes, *notices.routes, *corpus.routes, *fill.routes,
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SessionMiddleware)],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.gongkai = gk
    return app


__all__ = ["PASSWORD_ENV", "create_app"]
