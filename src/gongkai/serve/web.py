"""What every page shares: the server's state, one view answering HTML or JSON, forms with CSRF
tokens, the session cookie and the password gate."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from gongkai.serve.batches import Batches
from gongkai.serve.security import COOKIE, SESSION_SECONDS, Session, Signer
from gongkai.store import Store
from gongkai.store.marks import Mark

TEMPLATES = Path(__file__).parent / "templates"
_OPEN_PATHS = ("/login", "/static/")


@dataclass
class State:
    store: Store
    batches: Batches
    templates: Jinja2Templates
    signer: Signer
    password: str | None


def state(request: Request) -> State:
    return request.app.state.gongkai  # type: ignore[no-any-return]


def session(request: Request) -> Session:
    return request.scope["gongkai_session"]  # type: ignore[no-any-return]


def wants_json(request: Request) -> bool:
    if request.scope.get("gongkai_json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _json_default(o: Any) -> Any:
    if hasattr(o, "to_dict"):
        return o.to_dict()
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    if isinstance(o, set | frozenset):
        return sorted(o)
    return str(o)


def mark_dict(m: Mark | None) -> dict[str, Any] | None:
    """A mark for a page or JSON, its time in the server's local time (an office's clock)."""
    if m is None:
        return None
    return {"status": m.status, "label": m.label, "reason": m.reason, "who": m.who,
            "at": m.at.astimezone().strftime("%Y-%m-%d %H:%M")}


def mark_ref(sha256: str, key: str) -> dict[str, str]:
    """A finding's mark link: a page-unique element id and the query naming the finding."""
    digest = hashlib.sha1(f"{sha256}|{key}".encode()).hexdigest()[:12]
    return {"mid": f"m-{digest}", "q": urlencode({"sha256": sha256, "key": key})}


def here_q(request: Request) -> str:
    """This page's address, URL-encoded, to come back to after a form."""
    url = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return quote(url, safe="")


def json_response(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, default=_json_default)
    return Response(body, status, media_type="application/json")


def page(request: Request, template: str, context: dict[str, Any], data: Any = None, status: int = 200) -> Response:
    """One view, two answers: the template (HTML) or `data` as JSON (`.json` in the address or Accept)."""
    if wants_json(request):
        return json_response(data if data is not None else {}, status)
    ctx = {"request": request, "csrf": session(request).csrf, "who": session(request).who,
           "auth": state(request).password is not None, **context}
    return state(request).templates.TemplateResponse(request, template, ctx, status_code=status)


def error_page(request: Request, status: int, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"error": message}, status)
    return page(request, "error.html", {"message": message, "status": status}, status=status)


async def checked_form(request: Request, **limits: int) -> FormData:
    """The posted form, after checking its CSRF token (a form field, or the X-CSRF-Token header)."""
    form = await request.form(**limits)  # type: ignore[arg-type]
    token = form.get("csrf") or request.headers.get("x-csrf-token") or ""
    if not isinstance(token, str) or token != session(request).csrf:
        await form.close()
        raise HTTPException(403, "页面已过期或来源不明（安全校验未通过），请刷新页面后重试")
    return form


def field(form: FormData, name: str, default: str = "") -> str:
    v = form.get(name)
    return v.strip() if isinstance(v, str) else default


class SessionMiddleware(BaseHTTPMiddleware):
    """`.json` addresses, the session cookie, and the password gate for everything but /login and /static."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        st = state(request)
        path = request.scope["path"]
        if path.endswith(".json") and not path.startswith("/static/"):
            request.scope["path"] = path[: -len(".json")] or "/"
            request.scope["gongkai_json"] = True
        sess = st.signer.load(request.cookies.get(COOKIE))
        fresh = sess is None
        if sess is None:
            sess = Session()
        request.scope["gongkai_session"] = sess
        if st.password is not None and not sess.authed and not path.startswith(_OPEN_PATHS):
            if wants_json(request) or request.method != "GET":
                response: Response = JSONResponse({"error": "需要登录"}, 401)
            else:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                response = RedirectResponse(f"/login?next={quote(target)}", 303)
        else:
            response = await call_next(request)
        if fresh or sess.changed:
            response.set_cookie(COOKIE, st.signer.dump(sess), max_age=SESSION_SECONDS, httponly=True,
                                samesite="strict", path="/")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                    "script-src 'self'; frame-ancestors 'none'")
        return response


__all__ = ["SessionMiddleware", "State", "checked_form", "error_page", "field", "is_htmx", "here_q", "json_response",
           "mark_dict", "mark_ref", "page", "session", "state", "wants_json"]
