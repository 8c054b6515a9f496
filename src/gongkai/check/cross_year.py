"""Cross-year rules: run when last year's report of the same agency is known."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from difflib import SequenceMatcher

from gongkai.check.registry import RULES, Context, Rule, rule
from gongkai.model import Finding, Report
from gongkai.standard import REQUEST_COLUMNS, cell_label

_CN = "一二三四五六"


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


# ------------------------------------------------------------------ copied text
COPY_RATIO = 0.8  # share of a part's text the same as last year's, above which it looks copied
SAME_REPORT_RATIO = 0.9
_MIN_CHARS = 60  # shorter parts ("无", one line) are alike by nature
_NOISE = re.compile(r"[\s\d\u3000，,。．.；;：:、！!？?（）()《》“”\"'‘’—\-…·/]+")


def normalised(text: str) -> str:
    """Text for comparison: no spaces, punctuation or digits (years and counts change every year)."""
    return _NOISE.sub("", text)


def similarity(a: str, b: str) -> float:
    """Share of two normalised texts that is the same (difflib ratio; cheap bounds first)."""
    if not a or not b:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < COPY_RATIO or matcher.quick_ratio() < COPY_RATIO:
        return matcher.quick_ratio()
    return matcher.ratio()


@rule(
    "cross_year.copied_text",
    "warning",
    "cross_year",
    f"各部分正文是否与上一年度报告几乎相同（去掉空格、标点和数字后相似度≥{COPY_RATIO:.0%}）",
    "按本年度实际情况撰写，不要照搬上一年度的文字。",
)
def copied_text(r: Rule, ctx: Context) -> Iterator[Finding]:
    prev = ctx.previous
    if prev is None:
        return
    before = {s.no: normalised(s.text) for s in prev.sections}
    for s in ctx.report.sections:
        now = normalised(s.text)
        old = before.get(s.no, "")
        if len(now) < _MIN_CHARS or len(old) < _MIN_CHARS:
            continue
        ratio = similarity(now, old)
        if ratio >= COPY_RATIO:
            yield r.finding(
                f"第{_CN[s.no - 1]}部分“{s.title}”的文字与{prev.meta.year or '上一'}年度报告相似度为{ratio:.0%}"
                f"（{len(now)}字），可能照搬了上年内容"
            )


@rule(
    "cross_year.same_report",
    "warning",
    "cross_year",
    f"同一批次中是否有另一单位提交了同一份报告（三张表完全相同，正文相似度≥{SAME_REPORT_RATIO:.0%}）",
    "确认报告确为本单位编制；不同单位不应提交相同的报告。",
)
def same_report(r: Rule, ctx: Context) -> Iterator[Finding]:
    return iter(())  # needs the batch: see same_reports()


def _fingerprint(report: Report) -> str | None:
    cells = report.cells()
    if not any(isinstance(v, int | float) and v for v in cells.values()):
        return None  # empty or all-zero tables say nothing about who wrote the report
    return json.dumps(sorted(cells.items()), ensure_ascii=False)


_MAX_BUCKET = 40  # reports with the same non-trivial tables compared pairwise at the most


def same_reports(reports: list[Report]) -> dict[int, list[Finding]]:
    """Reports of a batch that are the same report under different agency names."""
    r = RULES["cross_year.same_report"]
    buckets: dict[str, list[int]] = {}
    for i, rep in enumerate(reports):
        key = _fingerprint(rep)
        if key is not None:
            buckets.setdefault(key, []).append(i)
    out: dict[int, list[Finding]] = {}
    for members in buckets.values():
        members = members[:_MAX_BUCKET]  # text similarity is quadratic: a bucket of identical tables is capped
        texts = {i: normalised("".join(s.text for s in reports[i].sections)) for i in members}
        for k, i in enumerate(members):
            for j in members[k + 1 :]:
                if reports[i].meta.agency == reports[j].meta.agency or min(len(texts[i]), len(texts[j])) < _MIN_CHARS:
                    continue
                ratio = similarity(texts[i], texts[j])
                if ratio < SAME_REPORT_RATIO:
                    continue
                for x, y in ((i, j), (j, i)):
                    me, other = reports[x], reports[y]
                    out.setdefault(x, []).append(
                        r.finding(
                            f"本报告（{me.meta.agency or '单位不详'}）与同批的“{other.source.path}”"
                            f"（{other.meta.agency or '单位不详'}）三张统计表完全相同，正文相似度为{ratio:.0%}，"
                            "像是同一份报告"
                        )
                    )
    return out
