"""Cross-year rules: run when last year's report of the same agency is known."""

from __future__ import annotations

from collections.abc import Iterator

from gongkai.check.registry import Context, Rule, rule
from gongkai.model import Finding
from gongkai.standard import REQUEST_COLUMNS, cell_label


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


@rule(
    "cross_year.carry_over",
    "error",
    "cross_year",
    "本年“上年结转”是否等于上一年度报告的“结转下年度继续办理”（逐列）",
    "核对上一年度报告，使本年上年结转与之一致；若上年报告有误，请在正文说明。",
)
def carry_over(r: Rule, ctx: Context) -> Iterator[Finding]:
    prev = ctx.previous
    if prev is None or not ctx.report.requests or not prev.requests:
        return
    for col in (c.key for c in REQUEST_COLUMNS):
        now = ctx.report.value(f"requests.carried_over.{col}")
        before = prev.value(f"requests.carried_forward.{col}")
        if now is None or before is None or abs(float(now) - float(before)) < 1e-6:
            continue
        yield r.finding(
            f"{cell_label(f'requests.carried_over.{col}')}为{_fmt(now)}，"
            f"但{prev.meta.year}年度报告的结转下年度继续办理为{_fmt(before)}",
            [f"requests.carried_over.{col}"],
        )


@rule(
    "cross_year.in_force",
    "warning",
    "cross_year",
    "现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数（规章、行政规范性文件）",
    "核对现行有效件数的口径，使之与上年及本年增减相符，或在正文说明原因。",
)
def in_force(r: Rule, ctx: Context) -> Iterator[Finding]:
    prev = ctx.previous
    if prev is None:
        return
    for row in ("regulations", "normative_documents"):
        now = ctx.report.value(f"active.{row}.in_force")
        before = prev.value(f"active.{row}.in_force")
        issued = ctx.report.value(f"active.{row}.issued")
        repealed = ctx.report.value(f"active.{row}.repealed")
        if None in (now, before, issued, repealed):
            continue
        expected = float(before) + float(issued) - float(repealed)  # type: ignore[arg-type]
        if abs(float(now) - expected) > 1e-6:  # type: ignore[arg-type]
            label = "规章" if row == "regulations" else "行政规范性文件"
            yield r.finding(
                f"{label}现行有效件数为{_fmt(now)}，但上年{_fmt(before)}+本年制发{_fmt(issued)}"  # type: ignore[arg-type]
                f"−本年废止{_fmt(repealed)}={_fmt(expected)}",  # type: ignore[arg-type]
                [f"active.{row}.in_force", f"active.{row}.issued", f"active.{row}.repealed"],
            )


_JUMP_CELLS = (
    "requests.new_received.total",
    "active.licensing.decisions",
    "active.punishment.decisions",
    "review_litigation.review.total",
)


@rule(
    "cross_year.jump",
    "info",
    "cross_year",
    "关键数字与上一年度相比是否大幅变化（10倍以上）",
    "确认数字无误；若属实，可在正文说明变化原因。",
)
def jump(r: Rule, ctx: Context) -> Iterator[Finding]:
    prev = ctx.previous
    if prev is None:
        return
    for path in _JUMP_CELLS:
        now, before = ctx.report.value(path), prev.value(path)
        if now is None or before is None:
            continue
        lo, hi = sorted((float(now), float(before)))
        if hi >= 10 and hi >= 10 * max(lo, 1):
            yield r.finding(
                f"{cell_label(path)}本年为{_fmt(now)}，上年为{_fmt(before)}，变化超过10倍", [path]
            )
