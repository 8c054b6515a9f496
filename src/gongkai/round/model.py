"""The office's round: every report of a batch matched to its unit, the round's summary
(通过 / 需整改 / 缺报 / 无法读取, 重复报送, 未匹配), cross-year findings within the batch, and the
recheck of a resubmission against an earlier round.

One model serves every face: `gongkai check` prints it, `--format json` writes it (and reads it
back as a baseline), the notices, the workbook and the web pages are drawn from it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from gongkai.check import check_against, check_batch
from gongkai.model import Finding, Report
from gongkai.round.collect import Skipped
from gongkai.round.roster import Roster, Unit, unit_key

Status = Literal["passed", "needs_fix", "unreadable", "missing"]
STATUS_LABELS: dict[str, str] = {"passed": "通过", "needs_fix": "需整改", "unreadable": "无法读取", "missing": "缺报"}
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
ROUND_SCHEMA = "gongkai.round/1"

# (agency, year) → that unit's report of that year from elsewhere (the store), or None
PreviousLookup = Callable[[str, int], Report | None]


@dataclass
class Recheck:
    """How a resubmission compares with the unit's findings in an earlier round."""

    baseline_file: str
    fixed: list[dict[str, Any]] = field(default_factory=list)  # the earlier findings (as JSON) now gone
    remaining: list[str] = field(default_factory=list)  # Finding.key of findings still there
    new: list[str] = field(default_factory=list)  # Finding.key of findings not there before

    @property
    def label(self) -> str:
        parts = [f"已整改 {len(self.fixed)} 条"]
        if self.remaining:
            parts.append(f"仍有 {len(self.remaining)} 条未改")
        if self.new:
            parts.append(f"新增 {len(self.new)} 条")
        return "，".join(parts)

    def state(self, key: str) -> str | None:
        """'remaining' or 'new' for a current finding's key."""
        if key in self.new:
            return "new"
        if key in self.remaining:
            return "remaining"
        return None


@dataclass
class Entry:
    """One report received in the round."""

    rel: str
    report: Report
    error: tuple[str, str] | None = None  # (code, Chinese message) when unreadable
    unit: Unit | None = None  # the roster's unit, when a roster was given and matched
    recheck: Recheck | None = None
    dismissed: set[str] = field(default_factory=set)  # Finding.key marked 误报 by a person

    @property
    def unit_name(self) -> str:
        if self.unit is not None:
            return self.unit.name
        return self.report.meta.agency or f"未识别单位（{self.rel}）"

    @property
    def year(self) -> int | None:
        return self.report.meta.year

    @property
    def findings(self) -> list[Finding]:
        return [f for f in self.report.findings if f.key not in self.dismissed]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def status(self) -> Status:
        if self.error is not None:
            return "unreadable"
        return "needs_fix" if self.errors else "passed"


@dataclass
class UnitRow:
    """One line of the round's summary: a unit and the reports it sent for the round's year."""

    name: str
    unit: Unit | None
    entries: list[Entry]

    @property
    def status(self) -> Status:
        if not self.entries:
            return "missing"
        statuses = {e.status for e in self.entries}
        for s in ("unreadable", "needs_fix"):
            if s in statuses:
                return s  # type: ignore[return-value]
        return "passed"


@dataclass
class Round:
    year: int | None
    entries: list[Entry]
    skipped: list[Skipped] = field(default_factory=list)
    roster: Roster | None = None
    baseline_file: str | None = None

    # ------------------------------------------------------------------ the summary
    def in_year(self, e: Entry) -> bool:
        return self.year is None or e.year is None or e.year == self.year

    @property
    def units(self) -> list[UnitRow]:
        """Roster units in roster order (with or without reports), then units found only in reports."""
        by_name: dict[str, list[Entry]] = defaultdict(list)
        for e in self.entries:
            if self.in_year(e) and (self.roster is None or e.unit is not None):
                by_name[e.unit_name].append(e)
        rows: list[UnitRow] = []
        if self.roster is not None:
            for u in self.roster.units:
                rows.append(UnitRow(u.name, u, by_name.pop(u.name, [])))
        for name, entries in by_name.items():
            rows.append(UnitRow(name, None, entries))
        return rows

    @property
    def missing(self) -> list[Unit]:
        return [r.unit for r in self.units if r.status == "missing" and r.unit is not None]

    @property
    def duplicates(self) -> list[UnitRow]:
        """Units that sent two or more reports for the round's year (重复报送)."""
        return [r for r in self.units if len(r.entries) > 1]

    @property
    def unmatched(self) -> list[Entry]:
        """Reports matching no unit of the roster (empty without a roster)."""
        if self.roster is None:
            return []
        return [e for e in self.entries if e.unit is None]

    @property
    def other_years(self) -> list[Entry]:
        """Reports of another year than the round's (kept for the cross-year checks)."""
        return [e for e in self.entries if not self.in_year(e)]

    def counts(self) -> dict[str, int]:
        c = Counter(r.status for r in self.units)
        return {
            "units": len(self.units),
            "reports": len(self.entries),
            "passed": c["passed"],
            "needs_fix": c["needs_fix"],
            "missing": c["missing"],
            "unreadable": c["unreadable"],
            "duplicates": len(self.duplicates),
            "unmatched": len(self.unmatched),
            "skipped": len(self.skipped),
            "errors": sum(len(e.errors) for e in self.entries),
            "warnings": sum(len(e.warnings) for e in self.entries),
        }

    def entry(self, rel: str) -> Entry | None:
        return next((e for e in self.entries if e.rel == rel), None)

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        from gongkai.notice.content import finding_view

        def entry_dict(e: Entry) -> dict[str, Any]:
            return {
                "file": e.rel,
                "unit": e.unit_name,
                "matched": e.unit is not None,
                "readable": e.error is None,
                "error": None if e.error is None else {"code": e.error[0], "message": e.error[1]},
                "status": e.status,
                "status_label": STATUS_LABELS[e.status],
                "meta": e.report.meta.model_dump(),
                "source": e.report.source.model_dump(),
                "valid": not e.errors,
                "findings": [
                    finding_view(e.report, f) | {"dismissed": f.key in e.dismissed} for f in e.report.findings
                ],
                "recheck": None
                if e.recheck is None
                else {
                    "baseline_file": e.recheck.baseline_file,
                    "label": e.recheck.label,
                    "fixed": e.recheck.fixed,
                    "remaining": e.recheck.remaining,
                    "new": e.recheck.new,
                },
            }

        return {
            "schema": ROUND_SCHEMA,
            "year": self.year,
            "baseline": self.baseline_file,
            "summary": self.counts(),
            "units": [
                {
                    "unit": r.name,
                    "in_roster": r.unit is not None,
                    "status": r.status,
                    "status_label": STATUS_LABELS[r.status],
                    "files": [e.rel for e in r.entries],
                    "region": r.unit.region if r.unit else None,
                    "level": r.unit.level if r.unit else None,
                    "contact": r.unit.contact if r.unit else None,
                }
                for r in self.units
            ],
            "files": [entry_dict(e) for e in self.entries],
            "skipped": [{"file": s.rel, "reason": s.reason} for s in self.skipped],
            "missing": [u.name for u in self.missing],
            "duplicates": [{"unit": r.name, "files": [e.rel for e in r.entries]} for r in self.duplicates],
            "unmatched": [e.rel for e in self.unmatched],
            "other_years": [e.rel for e in self.other_years],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------- building
def round_year(reports: Iterable[Report]) -> int | None:
    """The year most reports are for (the round's year); the later one on a tie."""
    years = Counter(r.meta.year for r in reports if r.meta.year)
    if not years:
        return None
    return max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]


def build_round(
    entries: list[Entry],
    skipped: list[Skipped] | None = None,
    roster: Roster | None = None,
    year: int | None = None,
    previous_lookup: PreviousLookup | None = None,
) -> Round:
    """Match entries to units, add the findings that need other reports, and return the round."""
    for e in entries:
        if roster is not None and e.error is None:
            e.unit = roster.match(e.report.meta.agency, e.rel)
        elif roster is not None:
            e.unit = roster.match(None, e.rel)
    readable = [e for e in entries if e.error is None]
    _add_cross_year(readable, previous_lookup)
    extra = check_batch([e.report for e in readable])
    for i, found in extra.items():
        _add_findings(readable[i].report, found)
    return Round(year or round_year(e.report for e in readable), entries, list(skipped or []), roster)


def _group_key(e: Entry) -> str:
    return e.unit.name if e.unit is not None else unit_key(e.report.meta.agency or e.rel)


def _add_cross_year(entries: list[Entry], previous_lookup: PreviousLookup | None) -> None:
    by_unit_year: dict[tuple[str, int], Entry] = {}
    for e in sorted(entries, key=lambda e: e.rel):
        if e.year is not None:
            by_unit_year.setdefault((_group_key(e), e.year), e)
    for e in entries:
        if e.year is None:
            continue
        prev_entry = by_unit_year.get((_group_key(e), e.year - 1))
        previous = prev_entry.report if prev_entry is not None else None
        if previous is None and previous_lookup is not None and e.report.meta.agency:
            previous = previous_lookup(e.report.meta.agency, e.year - 1)
        if previous is not None:
            _add_findings(e.report, check_against(e.report, previous))


def _add_findings(report: Report, found: list[Finding]) -> None:
    have = {f.key for f in report.findings}
    new = [f for f in found if f.key not in have]
    if new:
        report.findings = sorted([*report.findings, *new], key=lambda f: _SEVERITY_ORDER[f.severity])


# ---------------------------------------------------------------------- recheck
def load_baseline(data: dict[str, Any]) -> dict[tuple[str, int | None], list[dict[str, Any]]]:
    """An earlier round's JSON → {(unit key, year): findings of the unit's reports}."""
    if not isinstance(data, dict) or data.get("schema") != ROUND_SCHEMA:
        raise ValueError("不是 gongkai check --format json 输出的核查结果文件")
    out: dict[tuple[str, int | None], list[dict[str, Any]]] = defaultdict(list)
    for f in data.get("files", []):
        if not f.get("readable"):
            continue
        key = (unit_key(f["unit"]), (f.get("meta") or {}).get("year"))
        out[key].extend(x for x in f.get("findings", []) if not x.get("dismissed"))
    return out


def apply_baseline(rnd: Round, data: dict[str, Any], name: str) -> None:
    """Give every readable entry whose unit and year were in the earlier round its Recheck."""
    base = load_baseline(data)
    rnd.baseline_file = name
    for e in rnd.entries:
        if e.error is not None:
            continue
        old = base.get((unit_key(e.unit_name), e.year))
        if old is None:
            continue
        old_keys = {f["key"]: f for f in old if f.get("severity") != "info"}
        now_keys = {f.key for f in e.findings if f.severity != "info"}
        e.recheck = Recheck(
            baseline_file=name,
            fixed=[f for k, f in old_keys.items() if k not in now_keys],
            remaining=sorted(k for k in now_keys if k in old_keys),
            new=sorted(k for k in now_keys if k not in old_keys),
        )
