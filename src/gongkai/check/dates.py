"""Dates: title year vs statistics period vs signature date; the publication deadline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from gongkai.check.registry import Context, Rule, rule
from gongkai.model import Finding

_PERIOD = re.compile(
    r"(?P<y1>(?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|—|-|－|~)\s*(?:(?P<y2>(?:19|20)\d{2})\s*年)?\s*12\s*月\s*31\s*日"
)


def _period_years(ctx: Context) -> list[tuple[int, int]]:
    out = []
    for para in ctx.trace.narrative[:30]:
        for m in _PERIOD.finditer(para):
            y1 = int(m.group("y1"))
            out.append((y1, int(m.group("y2") or y1)))
    return out


def _year_and_date(ctx: Context) -> tuple[int, date, str] | None:
    """(report year, signature date, ISO text) when the report states both."""
    year, published = ctx.report.meta.year, ctx.report.meta.published
    if year is None or published is None:
        return None
    return year, date.fromisoformat(published), published


@rule(
    "dates.period_mismatch",
    "error",
    "dates",
    "报告年度与正文所述统计期限（X年1月1日至12月31日）是否一致",
    "统一报告标题年度与统计期限。",
)
def period_mismatch(r: Rule, ctx: Context) -> Iterator[Finding]:
    year = ctx.report.meta.year
    if year is None:
        return
    for y1, y2 in _period_years(ctx):
        if y1 != year or y2 != year:
            yield r.finding(f"报告年度为{year}年，但统计期限写作{y1}年1月1日至{y2}年12月31日", ["meta.year"])
            return


@rule(
    "dates.signature_date",
    "error",
    "dates",
    "落款日期是否在报告年度结束之后",
    "核对落款日期，年度报告应在报告年度结束后发布。",
)
def signature_date(r: Rule, ctx: Context) -> Iterator[Finding]:
    dated = _year_and_date(ctx)
    if dated is None:
        return
    year, d, published = dated
    if d < date(year, 12, 1):
        yield r.finding(f"报告年度为{year}年，落款日期却为{published}，早于年度结束", ["meta.year", "meta.published"])
    elif d.year > year + 1:
        yield r.finding(
            f"报告年度为{year}年，落款日期为{published}，晚了一年以上，请核对年度或日期",
            ["meta.year", "meta.published"],
            severity="warning",
        )


def _what(ctx: Context) -> str:
    return "网页发布日期" if ctx.trace.published_origin == "page" else "落款日期"


@rule(
    "dates.published_from_page",
    "info",
    "dates",
    "报告没有落款日期时，是否使用了网页标注的发布日期（发布时间/发布日期）核对期限",
    "在报告末尾写明落款单位和日期。",
)
def published_from_page(r: Rule, ctx: Context) -> Iterator[Finding]:
    if ctx.trace.published_origin == "page" and ctx.report.meta.published:
        yield r.finding(
            f"报告没有落款日期，发布期限按网页标注的发布日期{ctx.report.meta.published}核对", ["meta.published"]
        )


@rule(
    "dates.deadline",
    "info",
    "dates",
    "发布日期是否在《条例》第四十九条规定的期限内（部门1月31日前，政府3月31日前；乡镇各地要求不一）",
    "按期发布年度报告。",
)
def deadline(r: Rule, ctx: Context) -> Iterator[Finding]:
    dated = _year_and_date(ctx)
    if dated is None:
        return
    year, d, published = dated
    if d.year != year + 1:
        return
    if d > date(year + 1, 3, 31):
        yield r.finding(f"{_what(ctx)}{published}晚于{year + 1}年3月31日的最晚期限", ["meta.published"])
    elif d > date(year + 1, 1, 31):
        yield r.finding(
            f"{_what(ctx)}{published}晚于{year + 1}年1月31日（政府部门的期限；人民政府为3月31日）", ["meta.published"]
        )
