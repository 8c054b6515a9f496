"""The rates people quote from the tables, computed from a report's cells (never from repaired numbers).

- 实质公开率 = (（一）予以公开 + （二）部分公开) / （七）总计, all in the 总计 column;
- 复议纠错率 = 行政复议·结果纠正 / 行政复议·总计;
- 诉讼纠错率 = (未经复议直接起诉 + 复议后起诉)·结果纠正 / 两者·总计;
- 不予公开占比 = Σ（三）不予公开 1–8·总计 / （七）总计.

A rate is None (with a Chinese note) when a cell it needs is blank or missing, or its denominator is 0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from gongkai.model import Number, Report
from gongkai.standard import cell_label

DENIED_ROWS = ("denied_state_secret", "denied_prohibited", "denied_security", "denied_third_party",
               "denied_internal", "denied_process", "denied_enforcement", "denied_query")


@dataclass(frozen=True)
class RateDef:
    key: str
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]

    @property
    def paths(self) -> tuple[str, ...]:
        return self.numerator + self.denominator


RATE_DEFS: tuple[RateDef, ...] = (
    RateDef("disclosure_rate", "实质公开率", ("requests.granted.total", "requests.partially_granted.total"),
            ("requests.total_processed.total",)),
    RateDef("review_correction_rate", "复议纠错率", ("review_litigation.review.corrected",),
            ("review_litigation.review.total",)),
    RateDef("litigation_correction_rate", "诉讼纠错率",
            ("review_litigation.litigation_direct.corrected", "review_litigation.litigation_after_review.corrected"),
            ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total")),
    RateDef("denied_share", "不予公开占比", tuple(f"requests.{r}.total" for r in DENIED_ROWS),
            ("requests.total_processed.total",)),
)
RATE_BY_KEY = {d.key: d for d in RATE_DEFS}


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    value: float | None
    numerator: Number | None
    denominator: Number | None
    note: str | None = None

    def percent(self) -> str:
        return "—" if self.value is None else f"{self.value * 100:.1f}%"


def parts(d: RateDef, get: Callable[[str], Number | None]) -> tuple[Number | None, Number | None, str | None]:
    """Numerator and denominator of one rate, or None and why (first blank/missing cell)."""
    values = {p: get(p) for p in d.paths}
    missing = [p for p, v in values.items() if v is None]
    if missing:
        return None, None, f"{cell_label(missing[0])}为空或缺失"
    num = sum(values[p] for p in d.numerator)  # type: ignore[misc]
    den = sum(values[p] for p in d.denominator)  # type: ignore[misc]
    return num, den, None


def make_rate(d: RateDef, num: Number | None, den: Number | None, note: str | None = None) -> Rate:
    if note is None and (num is None or den is None):
        note = "无可用数据"
    if note is None and den == 0:
        note = "分母为0"
    value = None if note is not None else float(num) / float(den)  # type: ignore[arg-type]
    return Rate(d.key, d.label, value, num, den, note)


def rates_from(get: Callable[[str], Number | None]) -> list[Rate]:
    out = []
    for d in RATE_DEFS:
        num, den, note = parts(d, get)
        out.append(make_rate(d, num, den, note))
    return out


def rates(report: Report) -> list[Rate]:
    """Every rate of one report."""
    return rates_from(report.value)


def rates_of_values(values: Mapping[str, Number | None]) -> list[Rate]:
    return rates_from(values.get)
