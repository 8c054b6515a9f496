"""Any input a report can be rendered from: a report JSON, the fill-in workbook, or any report gongkai reads."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import ValidationError

from gongkai.model import Finding, Report
from gongkai.read import ReadError
from gongkai.render.values import verify

# Findings about how the source was read stay with a re-issued report: the standard rendering
# cannot show that a value was lost (a blank there is not the same as a number nobody could read).
_KEPT_PREFIXES = ("structure.", "extraction.")
_TABLE_SECTIONS = (2, 3, 4)


def load_report(path: str | Path) -> Report:
    """The report in a file. Raises ReadError (Chinese message) when it cannot be read."""
    p = Path(path)
    if p.suffix.lower() == ".json":
        try:
            data = p.read_bytes()
            raw = json.loads(data)
            if isinstance(raw, dict) and "source" not in raw:  # written by hand: where it came from is this file
                raw["source"] = {"path": str(p), "sha256": hashlib.sha256(data).hexdigest(), "kind": "json"}
            return Report.model_validate(raw)
        except OSError as exc:
            raise ReadError("io", f"无法打开文件：{exc.strerror or exc}") from exc
        except (ValidationError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            first = exc.errors()[0] if isinstance(exc, ValidationError) else None
            where = ".".join(str(x) for x in first["loc"]) + "：" if first else ""
            why = first["msg"] if first else str(exc)
            raise ReadError("bad_json", f"报告 JSON 不符合格式（report-schema）：{where}{why}") from exc
    from gongkai.pipeline import process_path

    res = process_path(p)
    if res.error is not None:
        raise res.error
    return res.report


def _content_findings(report: Report) -> list[Finding]:
    """What a standard rendering would hide: tables the report does not have, sections with no text.

    The rendering always prints the six headings and three tables; a missing table would be printed
    blank and a missing section as a bare heading. 二、三、四 may hold only their table, as in the template.
    """
    from gongkai.check import check

    sections = [s for s in report.sections if s.text.strip() or s.no in _TABLE_SECTIONS]
    probe = report.model_copy(update={"sections": sections})
    return check(probe, only={"structure.table_missing", "structure.section_missing"})


def checked(report: Report) -> Report:
    """The report as its standard rendering states it, with the checks' findings.

    Findings about reading the original (lost rows, unreadable cells) are kept as well, and so
    are missing tables and empty sections, which the standard form would otherwise paper over.
    """
    out = verify(report)
    out.source = report.source
    seen = {f.key for f in out.findings}
    original = [f for f in report.findings if f.rule.startswith(_KEPT_PREFIXES) and f.severity == "error"]
    kept: list[Finding] = []
    for f in original + _content_findings(report):
        if f.key not in seen:
            seen.add(f.key)
            kept.append(f)
    if kept:
        out.findings = kept + out.findings
    return out
