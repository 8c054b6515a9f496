"""Narrative vs tables: numbers the text states that contradict the tables.

The text of each part is read as sentences: lines joined across line and page breaks (PDF and
`pdftotext -layout` wrap sentences anywhere), spaces around numbers dropped. Every count the
text attributes to a table cell or sum is compared with it. Wording is ambiguous ("受理" may
mean new requests, or new plus carried over), so each claim lists every reading it may have,
and a finding is raised only when no reading fits. Findings quote the whole sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from gongkai.check.registry import Context, Rule, rule
from gongkai.model import Finding, Report

_UNIT = r"(?:件|个|条|项|份|起|宗|次|人次)"
_N = r"(?P<n>\d[\d,]*)"
_GAP = r"[^，,。；;：:、\d]"  # words between a keyword and its number, never a clause break or a digit
_SENTENCE_END = re.compile(r"[。；;！!？?\n]|(?<!\d)\.(?!\d)")
_SUBHEADING = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]{1,2}[）)]|[一二三四五六七八九十]{1,2}\s*、|\d{1,2}\s*[.、．](?!\d))"
)
_PAGE_LINE = re.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d{1,3})\s*$")
_DROP_SPACE = re.compile(r"(?<!\d)[ \t\u3000\xa0]+|[ \t\u3000\xa0]+(?!\d)")
_HINT = re.compile(r"[\d未没]")  # a sentence states a count (or its absence)
_KEYWORDS = re.compile("申请|结转|公开|处理|提供|复议|诉讼|处罚|规范性文件|规章|许可|强制|收费")


@dataclass
class Claim:
    """A number the text states about a table value, and what the table says."""

    rule: str
    what: str  # Chinese name of the quantity
    sentence: str
    number: float
    section: int  # index in report.sections (-1: text outside the parts)
    flat: tuple[int, int]  # the number's characters in the normalised text of that part
    text: str = field(repr=False)  # that part's text
    readings: dict[str, float] = field(default_factory=dict)  # reading → table value
    cells: tuple[str, ...] = ()

    @property
    def span(self) -> tuple[int, int]:
        """The number's characters in the part's own text."""
        where = normalise(self.text, positions=True)[1]
        return where[self.flat[0]], where[self.flat[1] - 1] + 1

    @property
    def fits(self) -> bool:
        return any(abs(self.number - v) < 1e-6 for v in self.readings.values())


@dataclass(frozen=True)
class Topic:
    rule: str
    what: str
    patterns: tuple[re.Pattern[str], ...]
    readings: tuple[tuple[str, tuple[str, ...]], ...]  # (name, cells or row prefixes "requests.denied_*.total")
    scope: str = ""  # a sentence must contain this word, or stand in part `part`
    part: int = 0
    keys: tuple[str, ...] = ()  # words one of which every pattern needs (a cheap test first)


def _p(*texts: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(t.replace("N", _N).replace("U", _UNIT).replace("G", _GAP)) for t in texts)


_RECEIVED = (
    ("本年新收总计", ("requests.new_received.total",)),
    ("新收与上年结转之和", ("requests.new_received.total", "requests.carried_over.total")),
    ("办理结果总计", ("requests.total_processed.total",)),
)
_LITIGATION = (
    (
        "行政诉讼两组总计之和",
        ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"),
    ),
    ("未经复议直接起诉总计", ("review_litigation.litigation_direct.total",)),
    ("复议后起诉总计", ("review_litigation.litigation_after_review.total",)),
)

TOPICS: tuple[Topic, ...] = (
    Topic(
        "narrative.requests",
        "申请",
        _p(
            r"(?:收到|受理|接收|接到|新收)G{0,20}?申请G{0,8}?NU",
            r"(?:收到|受理|接收|接到)G{0,12}?(?:依申请公开|政府信息公开)G{0,6}?NU",
            r"(?P<n>未|没有)(?:收到|受理|接到)G{0,12}?(?:政府信息公开|依申请公开)G{0,4}?(?:申请|事项|来信|办件)",
        ),
        _RECEIVED,
        keys=("申请", "公开"),
    ),
    Topic(
        "narrative.requests",
        "办结（答复）申请",
        _p(r"(?:答复|办结)G{0,12}?申请G{0,6}?NU", r"申请G{0,8}?(?:答复|办结)G{0,3}?NU"),
        (("办理结果总计", ("requests.total_processed.total",)),) + _RECEIVED[:2],
        keys=("申请",),
    ),
    Topic(
        "narrative.request_results",
        "上年结转",
        _p(r"上一?年度?结转G{0,12}?NU"),
        (("上年结转总计", ("requests.carried_over.total",)),),
        keys=("结转",),
    ),
    Topic(
        "narrative.request_results",
        "结转下年度",
        _p(r"结转(?:至|到)?下一?年度?G{0,10}?NU", r"NUG{0,8}?结转(?:至|到)?下一?年"),
        (("结转下年度继续办理总计", ("requests.carried_forward.total",)),),
        keys=("结转",),
    ),
    Topic(
        "narrative.request_results",
        "予以公开",
        _p(r"予以公开G{0,4}?NU"),
        (("（一）予以公开总计", ("requests.granted.total",)),),
        keys=("予以公开",),
    ),
    Topic(
        "narrative.request_results",
        "部分公开",
        _p(r"部分公开G{0,4}?NU"),
        (("（二）部分公开总计", ("requests.partially_granted.total",)),),
        keys=("部分公开",),
    ),
    Topic(
        "narrative.request_results",
        "不予公开",
        _p(r"不予公开G{0,4}?NU"),
        (("（三）不予公开各项总计之和", ("requests.denied_*.total",)),),
        keys=("不予公开",),
    ),
    Topic(
        "narrative.request_results",
        "无法提供",
        _p(r"无法提供G{0,4}?NU"),
        (("（四）无法提供各项总计之和", ("requests.unable_*.total",)),),
        keys=("无法提供",),
    ),
    Topic(
        "narrative.request_results",
        "不予处理",
        _p(r"不予处理G{0,4}?NU"),
        (("（五）不予处理各项总计之和", ("requests.declined_*.total",)),),
        keys=("不予处理",),
    ),
    Topic(
        "narrative.review",
        "行政复议",
        _p(
            r"行政复议(?:案件|申请)?(?:共|计)?NU",
            r"(?:被申请|提起|发生|收到)行政复议G{0,4}?NU",
            r"(?P<n>未|没有)(?:发生|出现|收到)?G{0,16}?(?:被申请)?行政复议",
        ),
        (("行政复议总计", ("review_litigation.review.total",)),),
        scope="公开",
        part=4,
        keys=("复议",),
    ),
    Topic(
        "narrative.litigation",
        "行政诉讼",
        _p(
            r"(?<!复议后)(?:行政)?诉讼(?:案件)?(?:共|计)?NU",
            r"(?:被提起|提起|发生)(?:行政)?诉讼G{0,4}?NU",
            r"(?P<n>未|没有)(?:发生|出现)?G{0,24}?行政诉讼",
        ),
        _LITIGATION,
        scope="公开",
        part=4,
        keys=("诉讼",),
    ),
    Topic(
        "narrative.punishment",
        "行政处罚",
        _p(r"行政处罚(?:决定|案件)?(?:共|计)?NU"),
        (("行政处罚决定数", ("active.punishment.decisions",)),),
        keys=("处罚",),
    ),
    Topic(
        "narrative.normative_documents",
        "规范性文件",
        _p(
            r"(?:制发|印发|出台|制定)(?:了)?(?:行政)?规范性文件(?:共|计)?NU",
            r"(?:制发|印发|出台|制定)(?:了)?N(?:件|个|份)(?:行政)?规范性文件",
        ),
        (
            ("本年制发件数", ("active.normative_documents.issued",)),
            ("本年新制作数量", ("active.normative_documents.made",)),
        ),
        keys=("规范性文件",),
    ),
    Topic(
        "narrative.normative_documents",
        "现行有效规范性文件",
        _p(r"现行有效(?:的)?(?:行政)?规范性文件(?:共|计)?NU"),
        (("现行有效件数", ("active.normative_documents.in_force",)),),
        keys=("规范性文件",),
    ),
    Topic(
        "narrative.normative_documents",
        "废止规范性文件",
        _p(r"废止(?:了)?(?:行政)?规范性文件(?:共|计)?NU"),
        (("本年废止件数", ("active.normative_documents.repealed",)),),
        keys=("规范性文件",),
    ),
    Topic(
        "narrative.active",
        "规章",
        _p(r"(?:制发|印发|出台|制定)(?:了)?(?:政府)?规章(?:共|计)?NU"),
        (("规章本年制发件数", ("active.regulations.issued",)), ("规章本年新制作数量", ("active.regulations.made",))),
        keys=("规章",),
    ),
    Topic(
        "narrative.active",
        "行政许可",
        _p(r"(?:作出|办理|办结)行政许可(?:决定)?(?:共|计)?NU", r"行政许可决定(?:共|计)?NU"),
        (("行政许可决定数", ("active.licensing.decisions",)),),
        keys=("许可",),
    ),
    Topic(
        "narrative.active",
        "行政强制",
        _p(r"行政强制(?:决定|措施)?(?:共|计)?NU"),
        (("行政强制决定数", ("active.coercion.decisions",)),),
        keys=("强制",),
    ),
    Topic(
        "narrative.fees",
        "行政事业性收费万元",
        (re.compile(r"行政事业性收费(?:金额|共|计|总额)?" + _GAP + r"{0,4}?(?P<n>\d[\d,]*(?:\.\d+)?)万元"),),
        (("本年收费金额", ("active.fees.amount",)),),
        keys=("收费",),
    ),
)


# ------------------------------------------------------------------ reading the text
def normalise(text: str, positions: bool = False) -> tuple[str, list[int]]:
    """The text with wrapped lines joined, page-number lines and spaces around words dropped.

    A line that starts with a sub-heading number ends the sentence before it, and a short one
    ends its own ("\\n"). Spaces between two digits are kept (they separate numbers).
    With `positions`, also the index in `text` of each character of the result (else []).
    """
    out: list[str] = []
    where: list[int] = []
    fresh = True  # at the start of a sentence
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        heading = _SUBHEADING.match(body) is not None
        if heading and not fresh:
            out.append("\n")  # a sub-heading starts a new sentence
            where.extend((pos,) if positions else ())
            fresh = True
        if not _PAGE_LINE.match(body):
            kept = 0
            for m in _DROP_SPACE.finditer(body):
                if m.start() > kept:
                    out.append(body[kept : m.start()])
                    where.extend(range(pos + kept, pos + m.start()) if positions else ())
                kept = m.end()
            if kept < len(body):
                out.append(body[kept:])
                where.extend(range(pos + kept, pos + len(body)) if positions else ())
                fresh = False
            if heading and len(body.strip()) <= 30 and not body.rstrip().endswith(("，", ",", "、")):
                out.append("\n")  # and a short sub-heading line ends itself
                where.extend((pos + len(body),) if positions else ())
                fresh = True
        pos += len(line)
    return "".join(out), where


def _texts(report: Report, ctx: Context | None) -> list[tuple[int, int, str]]:
    """(section index, part number, text) of every part; the narrative lines if no part was found."""
    if report.sections:
        return [(i, s.no, s.text) for i, s in enumerate(report.sections)]
    if ctx is not None and ctx.trace.narrative:
        return [(-1, 0, "\n".join(ctx.trace.narrative))]
    return []


def _value(report: Report, path: str) -> float | None:
    if "*" in path:
        table, row, col = path.split(".")
        grid = getattr(report, table) or {}
        prefix = row.rstrip("*")
        keys = [k for k in grid if k.startswith(prefix)]
        if not keys:
            return None
        vals = [grid[k].get(col) for k in keys]
        return None if any(v is None for v in vals) else float(sum(vals))  # type: ignore[arg-type]
    v = report.value(path)
    return None if v is None else float(v)


def _expand(report: Report, path: str) -> list[str]:
    if "*" not in path:
        return [path]
    table, row, col = path.split(".")
    prefix = row.rstrip("*")
    return [f"{table}.{k}.{col}" for k in (getattr(report, table) or {}) if k.startswith(prefix)]


def _readings(report: Report, topic: Topic) -> tuple[dict[str, float], tuple[str, ...]]:
    values: dict[str, float] = {}
    cells: list[str] = []
    for name, paths in topic.readings:
        vals = [_value(report, p) for p in paths]
        if all(v is not None for v in vals):
            values[name] = sum(vals)  # type: ignore[arg-type]
        for p in paths:
            cells.extend(c for c in _expand(report, p) if c not in cells)
    return values, tuple(cells)


def claims(report: Report, ctx: Context | None = None) -> list[Claim]:
    """Every number the text states about a table value, with the table's readings."""
    out: list[Claim] = []
    readings: dict[int, tuple[dict[str, float], tuple[str, ...]]] = {}
    for index, part, text in _texts(report, ctx):
        if not _HINT.search(text) or not _KEYWORDS.search(text):
            continue  # no count and no topic in this part
        flat = normalise(text)[0]
        start = 0
        for m_end in [*_SENTENCE_END.finditer(flat), None]:
            end = m_end.end() if m_end else len(flat)
            sentence = flat[start:end]
            base = start
            start = end
            if not _HINT.search(sentence) or not _KEYWORDS.search(sentence):
                continue
            taken: set[tuple[int, int]] = set()
            for topic in TOPICS:
                if not any(k in sentence for k in topic.keys):
                    continue
                if topic.scope and topic.scope not in sentence and part != topic.part:
                    continue
                for pattern in topic.patterns:
                    for m in pattern.finditer(sentence):
                        s, e = m.span("n")
                        if (s, e) in taken:
                            continue
                        taken.add((s, e))
                        raw = m.group("n")
                        number = 0.0 if raw in ("未", "没有") else float(raw.replace(",", ""))
                        if id(topic) not in readings:
                            readings[id(topic)] = _readings(report, topic)
                        values, cells = readings[id(topic)]
                        out.append(
                            Claim(
                                topic.rule, topic.what, sentence.strip(), number, index, (base + s, base + e), text,
                                values, cells,
                            )
                        )
    return out


def _claims(ctx: Context) -> list[Claim]:
    cached = ctx.memo.get("claims")
    if cached is None:
        cached = ctx.memo["claims"] = claims(ctx.report, ctx)
    return cached  # type: ignore[return-value]


def _fmt(v: float) -> str:
    return str(int(v)) if v.is_integer() else f"{v:g}"


def _quote(sentence: str) -> str:
    sentence = sentence.rstrip("。；;.！!")
    return sentence if len(sentence) <= 200 else sentence[:200] + "…"


def _findings(r: Rule, ctx: Context) -> Iterator[Finding]:
    for c in _claims(ctx):
        if c.rule != r.id or not c.readings or c.fits:
            continue
        table = "；".join(f"{name}为{_fmt(v)}" for name, v in c.readings.items())
        yield r.finding(f"正文称“{_quote(c.sentence)}”（{c.what}{_fmt(c.number)}），但表中{table}", c.cells)


@rule(
    "narrative.requests",
    "error",
    "narrative",
    "正文所述收到（受理）、办结（答复）的政府信息公开申请数与表三是否一致（“受理”可指本年新收，也可含上年结转，两种理解都接受）",
    "使正文的申请件数与表三“本年新收”（或新收与结转之和）、“（七）总计”一致。",
)
def narrative_requests(r: Rule, ctx: Context) -> Iterator[Finding]:
    yield from _findings(r, ctx)


@rule(
    "narrative.request_results",
    "error",
    "narrative",
    "正文所述上年结转、结转下年度、予以公开、部分公开、不予公开、无法提供、不予处理的件数与表三是否一致",
    "使正文的件数与表三相应行的“总计”一致（不予公开、无法提供、不予处理为各小项之和）。",
)
def narrative_request_results(r: Rule, ctx: Context) -> Iterator[Finding]:
    yield from _findings(r, ctx)


@rule(
    "narrative.review",
    "error",
    "narrative",
    "正文所述行政复议件数与表四是否一致",
    "使正文的行政复议件数与表四“行政复议·总计”一致。",
)
def narrative_review(r: Rule, ctx: Context) -> Iterator[Finding]:
    yield from _findings(r, ctx)


@rule(
    "narrative.litigation",
    "error",
    "narrative",
    "正文所述行政诉讼件数与表四是否一致（直接起诉与复议后起诉之和，或其一）",
    "使正文的行政诉讼件数与表四两组行政诉讼总计一致。",
)
def narrative_litigation(r: Rule, ctx: Context) -> Iterator[Finding]:
    yield from _findings(r, ctx)


@rule(
    "narrative.punishment",
    "warning",
    "narrative",
    "正文所述行政处罚决定数与表二是否一致",
    "核对正文与表二“行政处罚·本年处理决定数量”。",
)
def narrative_punishment(r: Rule, ctx: Context) -> Iterator[Finding]:
    yield from _findings(r, ctx)


@rule(
    "narrative.normative_documents",
    "warning",
    "narrative",
    "正文所述制发、废止、现行有效的规范性文件件数与表二是否一致",
    "核对正文与表二“行政规范性文件”的本年制发、本年废止、现行有效件数。",
)
def narrative_normative(r: Rule, ctx: Context) -> Iterator[Finding]:
    yield from _findings(r, ctx)


@rule(
    "narrative.active",
    "warning",
    "narrative",
    "正文所述制发规章件数、行政许可和行政强制决定数与表二是否一致",
    "核对正文与表二“规章”“行政许可”“行政强制”各栏。",
)
def narrative_active(r: Rule, ctx: Context) -> Iterator[Finding]:
    yield from _findings(r, ctx)


@rule(
    "narrative.fees",
    "warning",
    "narrative",
    "正文所述行政事业性收费金额（万元）与表二是否一致",
    "核对正文与表二“行政事业性收费·本年收费金额（单位：万元）”，注意单位。",
)
def narrative_fees(r: Rule, ctx: Context) -> Iterator[Finding]:
    yield from _findings(r, ctx)
