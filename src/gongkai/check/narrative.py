"""Narrative vs tables: numbers the text states that contradict the tables.

Wording is ambiguous ("受理" may mean new requests, or new plus carried over), so each claim
lists every reading it may have, and a finding is raised only when no reading fits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from gongkai.check.registry import Context, Rule, rule
from gongkai.model import Finding, Report

_N = r"(\d[\d,]*)"
_UNIT = r"\s*(?:件|个|条|项|份|起|宗|次|人次)"


@dataclass(frozen=True)
class Claim:
    sentence: str
    number: float


_SPLIT = re.compile(r"[。；;！!\n]")
_HINT = re.compile(r"\d|未|没有")


def _sentences(ctx: Context) -> list[str]:
    """Sentences that could state a number (a digit, or a negation), computed once per report."""
    cached = ctx.memo.get("sentences")
    if cached is None:
        cached = [s for para in ctx.trace.narrative for s in _SPLIT.split(para) if s and _HINT.search(s)]
        ctx.memo["sentences"] = cached
    return cached  # type: ignore[return-value]


def _claims(ctx: Context, patterns: list[re.Pattern[str]], require: str = "") -> list[Claim]:
    out = []
    for s in _sentences(ctx):
        if require and require not in s:
            continue
        for p in patterns:
            m = p.search(s)
            if m:
                num = m.group(1)
                out.append(Claim(s.strip(), 0.0 if num in ("未", "没有", "无") else float(num.replace(",", ""))))
                break
    return out


def _val(report: Report, *paths: str) -> float | None:
    total = 0.0
    for p in paths:
        v = report.value(p)
        if v is None:
            return None
        total += float(v)
    return total


def _fmt(v: float) -> str:
    return str(int(v)) if v.is_integer() else f"{v:g}"


_REQUEST_PATTERNS = [
    re.compile(r"(?:收到|受理|接收|接到)[^，,。；0-9]{0,20}?申请[^，,。；0-9]{0,8}?" + _N + _UNIT),
    re.compile(r"(未|没有)(?:收到|受理|接到)[^，,。；]{0,12}?(?:政府信息公开|依申请公开)[^，,。；]{0,4}?(?:申请|事项|来信|办件)"),
]
_REVIEW_PATTERNS = [
    re.compile(r"行政复议(?:案件|申请)?" + _N + _UNIT),
    re.compile(r"(?:被申请|提起|发生)行政复议[^，,。；0-9]{0,4}?" + _N + _UNIT),
    re.compile(r"(未|没有)(?:发生|出现|收到)?[^，,。；0-9]{0,16}?(?:被申请)?行政复议"),
]
_LITIGATION_PATTERNS = [
    re.compile(r"行政诉讼(?:案件)?" + _N + _UNIT),
    re.compile(r"(?:被提起|提起|发生)行政诉讼[^，,。；0-9]{0,4}?" + _N + _UNIT),
    re.compile(r"(未|没有)(?:发生|出现)?[^，,。；0-9]{0,24}?行政诉讼"),
]
_PUNISHMENT_PATTERNS = [re.compile(r"行政处罚(?:决定|案件)?(?:共|计)?" + _N + _UNIT)]
_NORMATIVE_PATTERNS = [
    re.compile(r"(?:制发|印发|出台|制定)(?:了)?(?:行政)?规范性文件(?:共|计)?" + _N + _UNIT),
    re.compile(r"(?:制发|印发|出台|制定)(?:了)?" + _N + r"\s*(?:件|个|份)(?:行政)?规范性文件"),
]
_FEES_PATTERNS = [re.compile(r"行政事业性收费(?:金额|共|计|总额)?[^，,。；0-9]{0,4}?(\d[\d,]*(?:\.\d+)?)\s*万元")]


def _compare(
    r: Rule,
    ctx: Context,
    patterns: list[re.Pattern[str]],
    readings: Mapping[str, tuple[str, ...]],
    what: str,
    require: str = "",
) -> Iterator[Finding]:
    values: dict[str, float] = {}
    for name, paths in readings.items():
        v = _val(ctx.report, *paths)
        if v is not None:
            values[name] = v
    if not values:
        return
    cells = sorted({p for paths in readings.values() for p in paths})
    for claim in _claims(ctx, patterns, require):
        if any(abs(claim.number - v) < 1e-6 for v in values.values()):
            continue
        table = "；".join(f"{name}为{_fmt(v)}" for name, v in values.items())
        sentence = claim.sentence if len(claim.sentence) <= 60 else claim.sentence[:60] + "…"
        yield r.finding(f"正文称“{sentence}”（{what}{_fmt(claim.number)}），但表中{table}", cells)


@rule(
    "narrative.requests",
    "error",
    "narrative",
    "正文所述收到（受理）的政府信息公开申请数与表三是否一致（“受理”可指本年新收，也可含上年结转，两种理解都接受）",
    "使正文的申请件数与表三“本年新收”（或新收与结转之和）一致。",
)
def narrative_requests(r: Rule, ctx: Context) -> Iterator[Finding]:
    readings = {
        "本年新收总计": ("requests.new_received.total",),
        "新收与上年结转之和": ("requests.new_received.total", "requests.carried_over.total"),
        "办理结果总计": ("requests.total_processed.total",),
    }
    yield from _compare(r, ctx, _REQUEST_PATTERNS, readings, "申请")


@rule(
    "narrative.review",
    "error",
    "narrative",
    "正文所述行政复议件数与表四是否一致",
    "使正文的行政复议件数与表四“行政复议·总计”一致。",
)
def narrative_review(r: Rule, ctx: Context) -> Iterator[Finding]:
    readings = {"行政复议总计": ("review_litigation.review.total",)}
    yield from _compare(r, ctx, _REVIEW_PATTERNS, readings, "行政复议", require="公开")


@rule(
    "narrative.litigation",
    "error",
    "narrative",
    "正文所述行政诉讼件数与表四是否一致（直接起诉与复议后起诉之和，或其一）",
    "使正文的行政诉讼件数与表四两组行政诉讼总计一致。",
)
def narrative_litigation(r: Rule, ctx: Context) -> Iterator[Finding]:
    readings = {
        "行政诉讼两组总计之和": (
            "review_litigation.litigation_direct.total",
            "review_litigation.litigation_after_review.total",
        ),
        "未经复议直接起诉总计": ("review_litigation.litigation_direct.total",),
        "复议后起诉总计": ("review_litigation.litigation_after_review.total",),
    }
    yield from _compare(r, ctx, _LITIGATION_PATTERNS, readings, "行政诉讼", require="公开")


@rule(
    "narrative.punishment",
    "warning",
    "narrative",
    "正文所述行政处罚决定数与表二是否一致",
    "核对正文与表二“行政处罚·本年处理决定数量”。",
)
def narrative_punishment(r: Rule, ctx: Context) -> Iterator[Finding]:
    readings = {"行政处罚决定数": ("active.punishment.decisions",)}
    yield from _compare(r, ctx, _PUNISHMENT_PATTERNS, readings, "行政处罚")


@rule(
    "narrative.normative_documents",
    "warning",
    "narrative",
    "正文所述制发规范性文件件数与表二是否一致",
    "核对正文与表二“行政规范性文件·本年制发件数”。",
)
def narrative_normative(r: Rule, ctx: Context) -> Iterator[Finding]:
    readings = {
        "本年制发件数": ("active.normative_documents.issued",),
        "本年新制作数量": ("active.normative_documents.made",),
    }
    yield from _compare(r, ctx, _NORMATIVE_PATTERNS, readings, "规范性文件")


@rule(
    "narrative.fees",
    "warning",
    "narrative",
    "正文所述行政事业性收费金额（万元）与表二是否一致",
    "核对正文与表二“行政事业性收费·本年收费金额（单位：万元）”，注意单位。",
)
def narrative_fees(r: Rule, ctx: Context) -> Iterator[Finding]:
    readings = {"本年收费金额": ("active.fees.amount",)}
    yield from _compare(r, ctx, _FEES_PATTERNS, readings, "行政事业性收费万元")
