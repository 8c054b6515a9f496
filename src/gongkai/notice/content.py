"""What a correction notice (整改通知 / 问题清单) says, as data: the same content feeds the Word
notice, the round's workbook, the HTML notice and the web page.

Everything here is for a person: cells are named by the standard's Chinese table, row and column
labels and located in the file (page, line or table row); internal keys stay in `cells` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gongkai.check import RULES, all_rules
from gongkai.model import Finding, Report
from gongkai.standard import cell_label, cell_parts

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


def origin_text(origin: dict[str, Any] | None, kind: str = "") -> str:
    """Where a piece stood in the file, in words: 第3页 / 第72行 / 第2个表格第5行."""
    if not origin:
        return ""
    page, line, table, row = origin.get("page"), origin.get("line"), origin.get("table"), origin.get("row")
    parts: list[str] = []
    if page is not None:
        parts.append(f"第{page}页")
    if line is not None:
        parts.append(f"第{line}行")
    elif table is not None and row is not None:
        parts.append(f"第{int(table) + 1}个表格第{int(row) + 1}行")
        if kind == "docx" and origin.get("col") is not None:
            parts.append(f"第{int(origin['col']) + 1}列")
    return "".join(parts)


def cell_location(report: Report, path: str) -> str:
    ev = report.evidence.get(path)
    return origin_text(ev.get("origin") if ev else None, report.source.kind)


def _fmt(v: Any) -> str:
    if v is None:
        return "空"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


@dataclass
class CellRef:
    path: str  # internal key, for tools only
    table: str
    row: str
    column: str
    value: str  # the value as printed ("空" when blank)
    location: str

    @property
    def label(self) -> str:
        return f"{self.row}·{self.column}" if self.column else self.row


def cell_ref(report: Report, path: str) -> CellRef:
    table, row, col = cell_parts(path)
    ev = report.evidence.get(path)
    literal = ev.get("text") if ev else None
    if isinstance(literal, str) and literal.strip():
        value = literal.strip()
    else:
        value = _fmt(report.value(path)) if report.has(path) else "空"
    return CellRef(path, table, row, col, value, cell_location(report, path))


def finding_view(report: Report, f: Finding) -> dict[str, Any]:
    """A finding as JSON for other tools: the model's fields plus Chinese labels and locations."""
    out = f.model_dump()
    out["key"] = f.key
    out["severity_label"] = SEVERITY_LABELS[f.severity]
    refs = [cell_ref(report, c) for c in f.cells if c.count(".") == 2]
    out["labels"] = [r.label for r in refs]
    out["tables"] = sorted({r.table for r in refs if r.table})
    out["locations"] = [r.location for r in refs]
    out["values"] = [r.value for r in refs]
    rule = RULES.get(f.rule)
    out["advice"] = rule.advice if rule else ""
    return out


@dataclass
class NoticeItem:
    """One problem to fix."""

    no: int
    severity: str  # error | warning | info
    rule: str
    rule_title: str
    message: str
    advice: str
    cells: list[CellRef] = field(default_factory=list)
    suspect: CellRef | None = None
    recheck: str | None = None  # "仍未整改" / "新发现" in a recheck round
    notes: list[str] = field(default_factory=list)  # the finding's details its message does not already say
    hint: str | None = None  # a suggested correction with its reasoning (never a fact)
    candidates: list[CellRef] = field(default_factory=list)  # cells the sums cannot tell apart, one of them wrong

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    @property
    def table(self) -> str:
        return "；".join(dict.fromkeys(c.table for c in self.cells if c.table))

    @property
    def where(self) -> str:
        """The cells and where they stand, one phrase: （一）予以公开·总计（第3页）、…"""
        return "；".join(f"{c.label}（{c.location}）" if c.location else c.label for c in self.cells)


@dataclass
class Notice:
    """The correction notice for one unit's report."""

    unit: str
    year: int | None
    file: str
    status: str  # 通过 / 需整改 / 无法读取
    items: list[NoticeItem]
    agency_printed: str | None = None
    template: str | None = None
    unreadable: str | None = None  # why the file could not be read
    fixed: list[str] = field(default_factory=list)  # recheck: messages of findings fixed since the baseline
    recheck_label: str | None = None
    office: str = "政务公开办公室"
    issued: date = field(default_factory=date.today)
    contact: str | None = None
    notes: list[str] = field(default_factory=list)  # remarks for this notice (e.g. the unit sent two files)

    @property
    def errors(self) -> list[NoticeItem]:
        return [i for i in self.items if i.severity == "error"]

    @property
    def warnings(self) -> list[NoticeItem]:
        return [i for i in self.items if i.severity == "warning"]

    @property
    def title(self) -> str:
        year = f"{self.year}年度" if self.year else ""
        return f"关于{self.unit}{year}政府信息公开工作年度报告的整改通知"


def finding_notes(f: Finding) -> list[str]:
    """The identities (or sentences) folded under a finding that its message does not already say."""
    return [d for d in f.details if d and d not in f.message]


def notice_items(
    report: Report, findings: list[Finding], recheck: Any = None, with_info: bool = False
) -> list[NoticeItem]:
    all_rules()  # make sure every rule is registered
    order = {"error": 0, "warning": 1, "info": 2}
    items: list[NoticeItem] = []
    for f in sorted(findings, key=lambda f: order[f.severity]):
        if f.severity == "info" and not with_info:
            continue
        rule = RULES.get(f.rule)
        state = recheck.state(f.key) if recheck is not None else None
        items.append(
            NoticeItem(
                no=len(items) + 1,
                severity=f.severity,
                rule=f.rule,
                rule_title=rule.title if rule else f.rule,
                message=f.message,
                advice=rule.advice if rule else "",
                cells=[cell_ref(report, c) for c in f.cells if c.count(".") == 2],
                suspect=cell_ref(report, f.suspect) if f.suspect and f.suspect.count(".") == 2 else None,
                recheck={"remaining": "仍未整改", "new": "新发现"}.get(state or ""),
                notes=finding_notes(f),
                hint=f.hint,
                candidates=[cell_ref(report, c) for c in f.candidates if c.count(".") == 2],
            )
        )
    return items


def build_notice(entry: Any, office: str = "政务公开办公室", issued: date | None = None) -> Notice:
    """The notice for one round entry (`gongkai.round.Entry`)."""
    from gongkai.round.model import STATUS_LABELS

    report: Report = entry.report
    rc = entry.recheck
    return Notice(
        unit=entry.unit_name,
        year=report.meta.year,
        file=entry.rel,
        status=STATUS_LABELS[entry.status],
        items=[] if entry.error else notice_items(report, entry.findings, rc),
        agency_printed=report.meta.agency,
        template=report.meta.template,
        unreadable=entry.error[1] if entry.error else None,
        fixed=[f.get("message", "") for f in rc.fixed] if rc is not None else [],
        recheck_label=rc.label if rc is not None else None,
        office=office,
        issued=issued or date.today(),
        contact=entry.unit.contact if entry.unit is not None else None,
    )


__all__ = ["CellRef", "Notice", "NoticeItem", "build_notice", "cell_label", "cell_ref", "finding_view", "origin_text"]
