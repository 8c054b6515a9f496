"""The rule registry: every check is a small named function with its documentation.

`gongkai rules` and docs/rules.md are generated from this registry, and a test fails when a
rule has no title or advice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from gongkai.extract.trace import Trace
from gongkai.model import Finding, Report, Severity


@dataclass
class Context:
    """What a rule sees: the report, what extraction recorded, and last year's report if known."""

    report: Report
    trace: Trace = field(default_factory=Trace)
    previous: Report | None = None
    _cells: dict[str, float | int | None] | None = field(default=None, repr=False)
    _blank: set[str] | None = field(default=None, repr=False)
    memo: dict[str, object] = field(default_factory=dict, repr=False)  # per-report caches of rules

    @property
    def cells(self) -> dict[str, float | int | None]:
        """Every cell of the report as {path: value}, computed once."""
        if self._cells is None:
            self._cells = self.report.cells()
        return self._cells

    @property
    def blank(self) -> set[str]:
        if self._blank is None:
            self._blank = set(self.trace.blank_cells)
        return self._blank


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    category: str  # arithmetic | structure | narrative | dates | cross_year | extraction
    title: str  # what it checks (Chinese)
    advice: str  # what the writer should do (Chinese)
    func: Callable[[Context], Iterable[Finding]]

    def finding(self, message: str, cells: Iterable[str] = (), severity: Severity | None = None) -> Finding:
        return Finding(rule=self.id, severity=severity or self.severity, message=message, cells=list(cells))


RULES: dict[str, Rule] = {}


def rule(
    id: str, severity: Severity, category: str, title: str, advice: str
) -> Callable[[Callable[[Rule, Context], Iterable[Finding]]], Rule]:
    """Register a check. The function receives its Rule (to build findings) and the Context."""

    def wrap(func: Callable[[Rule, Context], Iterable[Finding]]) -> Rule:
        if id in RULES:
            raise ValueError(f"duplicate rule id {id}")
        holder: dict[str, Rule] = {}
        r = Rule(id, severity, category, title, advice, lambda ctx: func(holder["rule"], ctx))
        holder["rule"] = r
        RULES[id] = r
        return r

    return wrap


def all_rules() -> list[Rule]:
    _load()
    return sorted(RULES.values(), key=lambda r: (_CATEGORY_ORDER.index(r.category), r.id))


_CATEGORY_ORDER = ["extraction", "structure", "arithmetic", "narrative", "dates", "cross_year"]


def _load() -> None:
    from gongkai.check import arithmetic, cross_year, dates, narrative, structure  # noqa: F401
