"""Run a round end to end: collect → read, extract, check every file → match, summarise, recheck."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gongkai.model import Report
from gongkai.pipeline import Result, process_many
from gongkai.round.collect import Collection, Skipped, ZipLimits, collect
from gongkai.round.model import Entry, PreviousLookup, Round, apply_baseline, build_round
from gongkai.round.roster import Roster

NOT_A_REPORT = "未找到年度报告的章节或表格，也未提到政府信息公开，不作为年度报告核查"


def looks_like_no_report(res: Result) -> bool:
    """A readable file in which nothing of an annual report was found (a note, a cover letter…)."""
    r = res.report
    if res.error is not None or r.active or r.requests or r.review_litigation or r.sections or r.meta.year:
        return False
    return not any("信息公开" in p for p in res.trace.narrative)


def entry_of(res: Result, rel: str) -> Entry:
    res.report.source.path = rel
    err = None if res.error is None else (res.error.code, res.error.message)
    return Entry(rel=rel, report=res.report, error=err)


def store_lookup(db: str) -> PreviousLookup:
    """Previous-year reports from a store (`--db`): the current version of the same agency's year."""
    from gongkai.store import StoreError, open_store
    from gongkai.store.query import current_report_id, find_agency, load_report

    store = open_store(db)

    def lookup(agency: str, year: int) -> Report | None:
        with store.read() as conn:
            try:
                agency_id = find_agency(conn, agency)
            except StoreError:
                return None
            rid = current_report_id(conn, agency_id, year)
            return load_report(conn, rid, with_findings=False) if rid is not None else None

    return lookup


def is_store(ref: str | Path) -> bool:
    """Whether a --baseline names a store (a database URL or an SQLite file) rather than a round's JSON."""
    text = str(ref)
    return "://" in text or Path(text).suffix.lower() in (".db", ".sqlite", ".sqlite3")


def baseline_from_store(db: str, entries: list[Entry]) -> dict[str, Any]:
    """An earlier round as the store knows it: for each unit and year of this round, the findings of the
    stored current report (when it is another file than the one just received)."""
    from gongkai.notice.content import finding_view
    from gongkai.round.model import ROUND_SCHEMA
    from gongkai.store import StoreError, open_store
    from gongkai.store.query import current_report_id, find_agency, load_report

    files: list[dict[str, Any]] = []
    store = open_store(db)
    try:
        with store.read() as conn:
            for e in entries:
                agency, year = e.report.meta.agency, e.report.meta.year
                if e.error is not None or not agency or year is None:
                    continue
                try:
                    rid = current_report_id(conn, find_agency(conn, agency), year)
                except StoreError:
                    continue
                if rid is None:
                    continue
                old = load_report(conn, rid)
                if old.source.sha256 == e.report.source.sha256:
                    continue
                files.append(
                    {
                        "unit": e.unit_name,
                        "readable": True,
                        "meta": old.meta.model_dump(),
                        "findings": [finding_view(old, f) for f in old.findings],
                    }
                )
    finally:
        store.close()
    return {"schema": ROUND_SCHEMA, "files": files}


def run_round(
    paths: list[str | Path],
    roster: Roster | None = None,
    jobs: int | None = None,
    year: int | None = None,
    baseline: str | Path | None = None,
    db: str | None = None,
    zip_limits: ZipLimits | None = None,
    on_result: Callable[[Entry], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Round:
    """Process a batch as the office's round. Nothing here raises for a bad report file."""
    exclude = {roster.source: "本轮使用的单位名单"} if roster is not None and roster.source else None
    with collect(list(paths), zip_limits, exclude) as coll:
        if on_total is not None:
            on_total(len(coll.items))
        entries, skipped = process_collection(coll, jobs, on_result)
    rnd = build_round(entries, skipped, roster, year, store_lookup(db) if db else None)
    if baseline is not None and is_store(baseline):
        apply_baseline(rnd, baseline_from_store(str(baseline), rnd.entries), str(baseline))
    elif baseline is not None:
        data = json.loads(Path(baseline).read_text(encoding="utf-8"))
        apply_baseline(rnd, data, Path(baseline).name)
    return rnd


def process_collection(
    coll: Collection, jobs: int | None = None, on_result: Callable[[Entry], None] | None = None
) -> tuple[list[Entry], list[Skipped]]:
    entries: list[Entry] = []
    skipped = list(coll.skipped)
    kwargs: dict[str, Any] = {} if jobs is None else {"jobs": jobs}
    for item, res in zip(coll.items, process_many([i.path for i in coll.items], **kwargs), strict=True):
        if not item.explicit and looks_like_no_report(res):
            skipped.append(Skipped(item.rel, NOT_A_REPORT))
            continue
        e = entry_of(res, item.rel)
        entries.append(e)
        if on_result is not None:
            on_result(e)
    skipped.sort(key=lambda s: s.rel)
    return entries, skipped
