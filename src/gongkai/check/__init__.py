"""Check: report → findings. Each rule is small, named, registered and documented."""

from __future__ import annotations

from gongkai.check.registry import RULES, Context, Rule, all_rules, rule
from gongkai.extract.trace import Trace
from gongkai.model import Finding, Report

__all__ = ["Context", "RULES", "Rule", "all_rules", "check", "check_against", "check_batch", "rule"]

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def check(
    report: Report, trace: Trace | None = None, previous: Report | None = None, only: set[str] | None = None
) -> list[Finding]:
    """Run every registered rule (or those in `only`) and return their findings, errors first."""
    ctx = Context(report, trace or Trace(), previous)
    findings: list[Finding] = []
    for r in all_rules():
        if only is not None and r.id not in only:
            continue
        findings.extend(r.func(ctx))
    findings.sort(key=lambda f: _SEVERITY_ORDER[f.severity])
    return findings


def check_against(report: Report, previous: Report) -> list[Finding]:
    """The rules that need last year's report of the same unit (category `cross_year`).

    Used when the previous year is at hand outside the store: in the same batch or the office's round.
    """
    ctx = Context(report, Trace(), previous)
    findings: list[Finding] = []
    for r in all_rules():
        if r.category == "cross_year":
            findings.extend(r.func(ctx))
    findings.sort(key=lambda f: _SEVERITY_ORDER[f.severity])
    return findings


def check_batch(reports: list[Report]) -> dict[int, list[Finding]]:
    """Findings that need the other reports of a batch (e.g. the same report sent by two units).

    Returns {index in `reports`: extra findings}. Indexes with nothing to say are absent.
    """
    from gongkai.check.cross_year import same_reports

    all_rules()  # the registry is loaded
    return same_reports(reports)
