"""Totals and pooled rates of stored reports, grouped by year, region, level or template.

Totals add the cells that are not blank. A pooled rate adds numerators and denominators over the
reports whose cells for that rate are all filled in (a report with a blank cell is left out of that
rate, never counted as 0); `used` says how many reports each rate rests on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, select

from gongkai.analysis.rates import DENIED_ROWS, RATE_DEFS, Rate, make_rate, parts
from gongkai.model import Number
from gongkai.store.db import StoreError
from gongkai.store.query import cell_value
from gongkai.store.schema import agencies, cells, reports

GROUPS: dict[str, tuple[str, Any]] = {
    "year": ("年度", reports.c.year),
    "region": ("地区", agencies.c.region),
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


@dataclass
class GroupStats:
    key: tuple[Any, ...]
    reports: int = 0
    totals: dict[str, Number] = field(default_factory=dict)
    rates: list[Rate] = field(default_factory=list)
    used: dict[str, int] = field(default_factory=dict)  # rate key → reports it rests on
    _num: dict[str, Number] = field(default_factory=dict, repr=False)
    _den: dict[str, Number] = field(default_factory=dict, repr=False)

    @property
    def label(self) -> str:
        return " · ".join(UNKNOWN if k is None else str(k) for k in self.key)

    def add(self, values: dict[str, Number | None]) -> None:
        self.reports += 1
        for key, _, paths in TOTALS:
            got = [values[p] for p in paths if values.get(p) is not None]
            if got:
                self.totals[key] = self.totals.get(key, 0) + sum(got)  # type: ignore[arg-type,operator]
        for d in RATE_DEFS:
            num, den, note = parts(d, values.get)
            if note is None and num is not None and den is not None:
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
        select(reports.c.id, *cols, cells.c.path, cells.c.value_int, cells.c.value_real)
        .select_from(reports.outerjoin(agencies, agencies.c.id == reports.c.agency_id)
                     .outerjoin(cells, (cells.c.report_id == reports.c.id) & cells.c.path.in_(NEEDED)))
        .where(reports.c.is_current.is_(True), *where)
        .order_by(reports.c.id)
    )
    yield from conn.execution_options(yield_per=5000).execute(stmt)


def group_stats(conn: Connection, by: list[str], where: list[ColumnElement[bool]] | None = None) -> list[GroupStats]:
    """Stats of the current reports matching `where`, one entry per group (all reports when `by` is empty)."""
    bad = [b for b in by if b not in GROUPS]
    if bad:
        raise StoreError(f"无法按“{bad[0]}”分组；可用：{'、'.join(f'{k}（{v[0]}）' for k, v in GROUPS.items())}")
    groups: dict[tuple[Any, ...], GroupStats] = {}
    current: int | None = None
    key: tuple[Any, ...] = ()
    values: dict[str, Number | None] = {}

    def flush() -> None:
        if current is not None:
            groups.setdefault(key, GroupStats(key)).add(values)

    for row in _rows(conn, by, list(where or [])):
        rid = row[0]
        if rid != current:
            flush()
            current, key, values = rid, tuple(row[1 : 1 + len(by)]), {}
        path, vi, vr = row[1 + len(by) :]
        if path is not None:
            values[path] = cell_value(vi, vr)
    flush()
    out = sorted(groups.values(), key=lambda g: tuple((k is None, str(k)) for k in g.key))
    for g in out:
        g.finish()
    return out
