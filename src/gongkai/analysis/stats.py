"""Totals and pooled rates of stored reports, grouped by year, region, level or template.

Every figure (a total or a pooled rate) says how many reports it covers (`used`), and which reports
it leaves out and why (`excluded`):

- *missing*: a cell the figure needs is blank or absent in that report (never counted as 0);
- *inconsistent*: the report contradicts itself on a cell the figure needs: an error finding names
  that cell (a 总计 that is not the sum of its parts, …), or, for a rate, the report's numerator is
  larger than its own denominator (复议总计 0 with 纠正 1). Such reports are left out unless
  `include_inconsistent` is set; a rate never divides by a denominator smaller than its numerator,
  even then.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from gongkai.analysis.rates import DENIED_ROWS, RATE_DEFS, Rate, make_rate, parts
from gongkai.model import Number
from gongkai.standard import cell_label
from gongkai.store.db import StoreError
from gongkai.store.query import cell_value
from gongkai.store.schema import agencies, cells, findings, reports

GROUPS: dict[str, tuple[str, Any]] = {
    "year": ("年度", reports.c.year),
    "region": ("地区", agencies.c.region),
    "province": ("省", agencies.c.province),
    "city": ("市", agencies.c.city),
    "level": ("层级", agencies.c.level),
    "template": ("格式", reports.c.template),
}
TOTALS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("new_received", "新收申请", ("requests.new_received.total",)),
    ("total_processed", "办理总计", ("requests.total_processed.total",)),
    ("granted", "予以公开", ("requests.granted.total",)),
    ("partially_granted", "部分公开", ("requests.partially_granted.total",)),
    ("denied", "不予公开", tuple(f"requests.{r}.total" for r in DENIED_ROWS)),
    ("review", "行政复议", ("review_litigation.review.total",)),
    ("review_corrected", "复议纠正", ("review_litigation.review.corrected",)),
    ("litigation", "行政诉讼",
     ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total")),
    ("litigation_corrected", "诉讼纠正",
     ("review_litigation.litigation_direct.corrected", "review_litigation.litigation_after_review.corrected")),
)
NEEDED = sorted({p for _, _, ps in TOTALS for p in ps} | {p for d in RATE_DEFS for p in d.paths})
UNKNOWN = "（未知）"


@dataclass(frozen=True)
class Excluded:
    """A report left out of one figure, and why."""

    report_id: int
    label: str  # agency and year
    reason: str  # missing | inconsistent
    detail: str  # Chinese: which cell, which finding


@dataclass
class GroupStats:
    key: tuple[Any, ...]
    include_inconsistent: bool = False
    reports: int = 0
    totals: dict[str, Number] = field(default_factory=dict)
    rates: list[Rate] = field(default_factory=list)
    used: dict[str, int] = field(default_factory=dict)  # figure key → reports it rests on
    excluded: dict[str, list[Excluded]] = field(default_factory=dict)  # figure key → reports left out
    _num: dict[str, Number] = field(default_factory=dict, repr=False)
    _den: dict[str, Number] = field(default_factory=dict, repr=False)

    @property
    def label(self) -> str:
        return " · ".join(UNKNOWN if k is None else str(k) for k in self.key)

    def _skip(self, figure: str, rid: int, label: str, reason: str, detail: str) -> None:
        self.excluded.setdefault(figure, []).append(Excluded(rid, label, reason, detail))

    def _bad(self, figure: str, paths: tuple[str, ...], values: dict[str, Number | None],
             errors: dict[str, str], rid: int, label: str) -> bool:
        """Whether report `rid` is left out of `figure` (and record why)."""
        missing = [p for p in paths if values.get(p) is None]
        if missing:
            self._skip(figure, rid, label, "missing", f"{cell_label(missing[0])}为空或缺失")
            return True
        wrong = [p for p in paths if p in errors]
        if wrong and not self.include_inconsistent:
            self._skip(figure, rid, label, "inconsistent", f"{cell_label(wrong[0])}：{errors[wrong[0]]}")
            return True
        return False

    def add(self, values: dict[str, Number | None], errors: dict[str, str] | None = None, rid: int = 0,
            label: str = "") -> None:
        """Add one report: its cell values and, per cell, the message of an error finding naming it."""
        errors = errors or {}
        self.reports += 1
        for key, _, paths in TOTALS:
            if self._bad(key, paths, values, errors, rid, label):
                continue
            self.totals[key] = self.totals.get(key, 0) + sum(values[p] for p in paths)  # type: ignore[misc,operator]
            self.used[key] = self.used.get(key, 0) + 1
        for d in RATE_DEFS:
            if self._bad(d.key, d.paths, values, errors, rid, label):
                continue
            num, den, _ = parts(d, values.get)
            assert num is not None and den is not None
            if num > den:  # the report contradicts its own denominator: never divide by it
                self._skip(d.key, rid, label, "inconsistent",
                           f"{d.label}的分子 {num} 大于分母 {den}（{cell_label(d.denominator[0])}）")
                continue
            self._num[d.key] = self._num.get(d.key, 0) + num
            self._den[d.key] = self._den.get(d.key, 0) + den
            self.used[d.key] = self.used.get(d.key, 0) + 1

    def finish(self) -> None:
        self.rates = [make_rate(d, self._num.get(d.key), self._den.get(d.key)) for d in RATE_DEFS]

    def value(self, metric: str) -> float | None:
        """A metric by key: 'reports', a total key, or a rate key."""
        if metric == "reports":
            return float(self.reports)
        if metric in self.totals:
            return float(self.totals[metric])
        for r in self.rates:
            if r.key == metric:
                return r.value
        return None


def metric_names() -> dict[str, str]:
    out = {"reports": "报告数"}
    out.update({k: zh for k, zh, _ in TOTALS})
    out.update({d.key: d.label for d in RATE_DEFS})
    return out


def _rows(conn: Connection, by: list[str], where: list[ColumnElement[bool]]) -> Iterator[tuple[Any, ...]]:
    cols = [GROUPS[b][1] for b in by]
    stmt = (
        select(reports.c.id, func.coalesce(agencies.c.name, reports.c.agency_printed), reports.c.year, *cols,
               cells.c.path, cells.c.value_int, cells.c.value_real)
        .select_from(reports.outerjoin(agencies, agencies.c.id == reports.c.agency_id)
                     .outerjoin(cells, (cells.c.report_id == reports.c.id) & cells.c.path.in_(NEEDED)))
        .where(reports.c.is_current.is_(True), *where)
        .order_by(reports.c.id)
    )
    yield from conn.execution_options(yield_per=5000).execute(stmt)


def _errors(conn: Connection, where: list[ColumnElement[bool]]) -> dict[int, dict[str, str]]:
    """Per current report, the cells named by its error findings (→ the first such finding's message)."""
    ids = (select(reports.c.id).select_from(reports.outerjoin(agencies, agencies.c.id == reports.c.agency_id))
           .where(reports.c.is_current.is_(True), *where))
    out: dict[int, dict[str, str]] = {}
    stmt = (select(findings.c.report_id, findings.c.cells, findings.c.message)
            .where(findings.c.severity == "error", findings.c.report_id.in_(ids))
            .order_by(findings.c.report_id, findings.c.seq))
    needed = set(NEEDED)
    for rid, paths, message in conn.execute(stmt):
        for p in paths or []:
            if p in needed:
                out.setdefault(rid, {}).setdefault(p, message)
    return out


def group_stats(conn: Connection, by: list[str], where: list[ColumnElement[bool]] | None = None,
                include_inconsistent: bool = False) -> list[GroupStats]:
    """Stats of the current reports matching `where`, one entry per group (all reports when `by` is empty)."""
    bad = [b for b in by if b not in GROUPS]
    if bad:
        raise StoreError(f"无法按“{bad[0]}”分组；可用：{'、'.join(f'{k}（{v[0]}）' for k, v in GROUPS.items())}")
    conds = list(where or [])
    errors = _errors(conn, conds)
    groups: dict[tuple[Any, ...], GroupStats] = {}
    current: int | None = None
    key: tuple[Any, ...] = ()
    label = ""
    values: dict[str, Number | None] = {}

    def flush() -> None:
        if current is not None:
            groups.setdefault(key, GroupStats(key, include_inconsistent)).add(
                values, errors.get(current), current, label)

    for row in _rows(conn, by, conds):
        rid = row[0]
        if rid != current:
            flush()
            year = row[2]
            current, key, values = rid, tuple(row[3 : 3 + len(by)]), {}
            label = f"{row[1] or UNKNOWN}{'' if year is None else f' {year} 年度'}（编号 {rid}）"
        path, vi, vr = row[3 + len(by) :]
        if path is not None:
            values[path] = cell_value(vi, vr)
    flush()
    out = sorted(groups.values(), key=lambda g: tuple((k is None, str(k)) for k in g.key))
    for g in out:
        g.finish()
    return out
