"""A notice as HTML: a fragment the web face embeds, and a full printable page around it.

Rendered with Jinja2 from templates/ with autoescaping on: every text from a report is escaped.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from gongkai.notice.batch import notice_title
from gongkai.notice.content import Notice
from gongkai.notice.wording import (
    SIGN_LINE,
    advice_lines,
    cell_lines,
    closing,
    cn_date,
    intro,
    location_lines,
    problem_lines,
    recheck_lines,
    unit_line,
)

_STATUS_CLASS = {"通过": "passed", "需整改": "needs-fix", "无法读取": "unreadable"}


@cache
def _env() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("gongkai.notice", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=False,
        lstrip_blocks=False,
    )


@cache
def notice_css() -> str:
    """The notice's stylesheet (the web face may link or inline it)."""
    return resources.files("gongkai.notice").joinpath("templates/notice.css").read_text(encoding="utf-8")


def _context(n: Notice, baseline: str | None) -> dict[str, Any]:
    items = []
    for it in n.items:
        tables = {c.table for c in it.cells if c.table} | (
            {it.suspect.table} if it.suspect and it.suspect.table else set()
        )
        items.append(
            {
                "item": it,
                "problem": problem_lines(it),
                "cells": cell_lines(it),
                "n_tables": len(tables),
                "locations": location_lines(it),
                "advice": advice_lines(it),
            }
        )
    return {
        "n": n,
        "title": notice_title(n),
        "status_class": _STATUS_CLASS.get(n.status, "other"),
        "intro": intro(n),
        "recheck": recheck_lines(n, baseline),
        "items": items,
        "closing": closing(n),
        "sign_line": SIGN_LINE,
        "issued": cn_date(n.issued),
        "unit_line": unit_line(n),
    }


def notice_fragment(n: Notice, baseline: str | None = None) -> str:
    """The notice as an <article> element (classes gk-*; style with notice_css())."""
    return str(_env().get_template("notice_fragment.html.j2").render(**_context(n, baseline)))


def notice_page(n: Notice, baseline: str | None = None) -> str:
    """A complete HTML page with the notice and its stylesheet, ready to print (A4)."""
    from markupsafe import Markup

    return str(
        _env()
        .get_template("notice_page.html.j2")
        .render(title=notice_title(n), css=Markup(notice_css()), fragment=Markup(notice_fragment(n, baseline)))
    )


__all__ = ["notice_css", "notice_fragment", "notice_page"]
