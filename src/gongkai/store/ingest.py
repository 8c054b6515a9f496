"""Ingest: put pipeline results into the store, once per file content, in batches, crash-safe.

Each batch is one transaction (a crash or kill loses at most the batch being written, never half a
report); each report is written inside a savepoint, so a unique-constraint race with a concurrent
ingest (same file, same new agency, same new version number) is retried against what the other
process committed. Lock timeouts and deadlocks retry the whole batch, which is safe because storing
is idempotent by content hash.

After a report is stored, the cross-year rules run against the same agency's current report of the
year before, and the current report of the year after is rechecked against it; their stored findings
(origin "cross_year") and error counts are updated. Pipeline findings are kept as they came.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, func, insert, select, update
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from gongkai.check import all_rules, check
from gongkai.model import Finding, Report
from gongkai.pipeline import Result, process_many
from gongkai.store.agencies import Alias, apply_aliases, resolve_agency
from gongkai.store.db import Store
from gongkai.store.query import current_report_id, load_report
from gongkai.store.schema import agencies, cells, findings, reports
from gongkai.store.versions import Row, cells_digest, changed_cells, describe_changes, place_new, renumber

BATCH_SIZE = 100
_RETRIES = 8


def cross_year_rule_ids() -> set[str]:
    return {r.id for r in all_rules() if r.category == "cross_year"}


@dataclass
class Outcome:
    """What happened to one input: stored | version | format | duplicate | unreadable | failed.

    `format`: the same publication as a stored report in another format (same agency, year, cells).
    """

    path: str
    status: str
    report_id: int | None = None
    version: int | None = None
    message: str = ""


@dataclass
class IngestSummary:
    stored: int = 0
    new_versions: int = 0
    other_formats: int = 0
    duplicates: int = 0
    unreadable: int = 0
    failed: int = 0
    rechecked: int = 0
    notices: list[str] = field(default_factory=list)

    def add(self, o: Outcome) -> None:
        if o.status == "stored":
            self.stored += 1
        elif o.status == "version":
            self.new_versions += 1
        elif o.status == "format":
            self.other_formats += 1
        elif o.status == "duplicate":
            self.duplicates += 1
        elif o.status == "unreadable":
            self.unreadable += 1
        else:
            self.failed += 1

    @property
    def total(self) -> int:
        return (self.stored + self.new_versions + self.other_formats + self.duplicates + self.unreadable
                + self.failed)


OnOutcome = Callable[[Outcome], None]


# ---------------------------------------------------------------- entry points
def ingest(
    store: Store,
    paths: Iterable[str | Path],
    aliases: dict[str, Alias] | None = None,
    batch_size: int = BATCH_SIZE,
    jobs: int | None = None,
    on_outcome: OnOutcome | None = None,
) -> IngestSummary:
    """Read, extract, check and store every report under `paths`; files already stored are not re-extracted."""
    summary = IngestSummary()
    if aliases:
        _write(store, lambda conn, cache: _apply_aliases(conn, aliases, cache, summary))
    from gongkai.round.collect import collect

    with collect(list(paths)) as coll:  # folders and zips; every report named by its relative path
        summary.notices.extend(f"未作为报告入库：{s.rel}（{s.reason}）" for s in coll.skipped)
        for chunk in _batched(coll.items, batch_size):
            known = _known_hashes(store, [i.path for i in chunk])
            todo = []
            for item in chunk:
                digest = known.get(item.path)
                if digest is not None and digest[1]:
                    _emit(Outcome(item.rel, "duplicate", digest[1], message="已入库（内容相同）"), summary, on_outcome)
                else:
                    todo.append(item)
            results = _process([i.path for i in todo], jobs)
            for item, res in zip(todo, results, strict=True):
                res.report.source.path = item.rel
            write_results(store, results, aliases, summary, on_outcome)
    return summary


def ingest_results(
    store: Store,
    results: Iterable[Result],
    aliases: dict[str, Alias] | None = None,
    batch_size: int = BATCH_SIZE,
    on_outcome: OnOutcome | None = None,
) -> IngestSummary:
    """Store results the caller already has (streamed, `batch_size` per transaction)."""
    summary = IngestSummary()
    for chunk in _batched(results, batch_size):
        write_results(store, chunk, aliases, summary, on_outcome)
    return summary


def write_results(
    store: Store,
    results: list[Result],
    aliases: dict[str, Alias] | None,
    summary: IngestSummary,
    on_outcome: OnOutcome | None = None,
) -> None:
    """Store one batch of results in one transaction (retried whole on lock timeouts and deadlocks)."""
    outcomes: list[Outcome] = []
    notices: list[str] = []
    rechecked = [0]

    def work(conn: Connection, cache: dict[int, Report]) -> None:
        outcomes.clear()
        notices.clear()
        rechecked[0] = 0
        for res in results:
            outcomes.append(_store_one(conn, res, aliases, cache, notices, rechecked))

    _write(store, work)
    summary.notices.extend(notices)
    summary.rechecked += rechecked[0]
    for o in outcomes:
        _emit(o, summary, on_outcome)


# ---------------------------------------------------------------- helpers
def _emit(o: Outcome, summary: IngestSummary, on_outcome: OnOutcome | None) -> None:
    summary.add(o)
    if on_outcome:
        on_outcome(o)


def _batched(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, max(1, n))):
        yield chunk


def _known_hashes(store: Store, files: list[Path]) -> dict[Path, tuple[str, int | None]]:
    """sha256 of each readable file and the id of the stored report with that content (or None)."""
    digests: dict[Path, str] = {}
    for f in files:
        try:
            digests[f] = hashlib.sha256(f.read_bytes()).hexdigest()
        except OSError:
            continue
    with store.read() as conn:
        rows = conn.execute(
            select(reports.c.sha256, reports.c.id).where(reports.c.sha256.in_(set(digests.values())))
        ).all()
    ids = {sha: rid for sha, rid in rows}
    return {f: (d, ids.get(d)) for f, d in digests.items()}


def _process(files: list[Path], jobs: int | None) -> list[Result]:
    """Every file in worker processes under the limits (time, memory), in order; `jobs` 0/None: all cores."""
    return list(process_many(files, jobs or None))


def _write(store: Store, work: Callable[[Connection, dict[int, Report]], Any]) -> None:
    """Run `work` in one write transaction, retrying it whole on lock timeouts and deadlocks."""
    for attempt in range(_RETRIES):
        cache: dict[int, Report] = {}
        try:
            with store.write() as conn:
                work(conn, cache)
            return
        except OperationalError:
            if attempt == _RETRIES - 1:
                raise
            time.sleep(min(2.0, 0.05 * 2**attempt))


def _store_one(
    conn: Connection,
    res: Result,
    aliases: dict[str, Alias] | None,
    cache: dict[int, Report],
    notices: list[str],
    rechecked: list[int],
) -> Outcome:
    path = str(res.path)
    if not res.readable or not res.report.source.sha256:
        msg = res.error.message if res.error else "无法读取"
        return Outcome(path, "unreadable", message=msg)
    for attempt in range(_RETRIES):
        savepoint = conn.begin_nested()
        try:
            outcome = _insert(conn, res.report, aliases, cache, notices, rechecked)
            savepoint.commit()
            return outcome
        except IntegrityError:
            savepoint.rollback()  # a concurrent ingest won a race; look again at what it committed
            if attempt == _RETRIES - 1:
                raise
        except DataError as exc:
            savepoint.rollback()
            return Outcome(path, "failed", message=f"无法写入数据库：{str(exc.orig).splitlines()[0]}")
    raise AssertionError("unreachable")


def _insert(
    conn: Connection,
    report: Report,
    aliases: dict[str, Alias] | None,
    cache: dict[int, Report],
    notices: list[str],
    rechecked: list[int],
) -> Outcome:
    path = report.source.path
    existing = conn.execute(select(reports.c.id).where(reports.c.sha256 == report.source.sha256)).scalar()
    if existing is not None:
        return Outcome(path, "duplicate", int(existing), message="已入库（内容相同）")
    agency_id: int | None = None
    if report.meta.agency:
        text = "\n".join(s.text for s in report.sections)
        resolution = resolve_agency(conn, report.meta.agency, aliases, report.meta.year, text)
        agency_id = resolution.agency_id
        if resolution.notice:
            notices.append(resolution.notice)
        # serialise writers of one agency (PostgreSQL; SQLite writers are serialised already)
        conn.execute(select(agencies.c.id).where(agencies.c.id == agency_id).with_for_update())
    year = report.meta.year
    values = report.cells()
    digest = cells_digest(values.items())
    top = 0
    if agency_id is not None:
        top = conn.execute(
            select(func.coalesce(func.max(reports.c.version), 0)).where(
                reports.c.agency_id == agency_id, _same_year(year))
        ).scalar_one()
    own = [f for f in report.findings if f.rule not in cross_year_rule_ids()]
    rid = conn.execute(
        insert(reports)
        .values(
            sha256=report.source.sha256,
            agency_id=agency_id,
            agency_printed=report.meta.agency,
            year=year,
            version=top + 1,
            is_current=True,
            template=report.meta.template,
            published=report.meta.published,
            source_path=path,
            source_kind=report.source.kind,
            schema_version=report.schema_version,
            n_errors=sum(f.severity == "error" for f in own),
            n_warnings=sum(f.severity == "warning" for f in own),
            n_info=sum(f.severity == "info" for f in own),
            report_json=report.model_dump_json(),  # compact; loads back to the same Report
            cells_digest=digest,
            ingested_at=datetime.now(UTC),
        )
        .returning(reports.c.id)
    ).scalar_one()
    _insert_cells(conn, rid, report)
    _insert_findings(conn, rid, own, "pipeline", 0)
    cache[rid] = report
    if agency_id is None:
        return Outcome(path, "stored", rid, 1)
    placed = None
    if top:
        new = Row(rid, digest, report.meta.published, report.source.kind, report.source.sha256, top + 1, True)
        placed = place_new(conn, agency_id, year, new)
    if year is not None:
        rechecked[0] += _cross_year_around(conn, agency_id, year, cache)
    if placed is None:
        return Outcome(path, "stored", rid, 1)
    mine, ref, twin = placed
    if twin is not None:
        return Outcome(path, "format", rid, mine.version,
                       f"第 {mine.version} 版：与第 {twin.version} 版是同一次发布的另一格式（单元格相同）")
    changes = describe_changes(changed_cells(conn, ref.id, values), ref.version) if ref is not None else ""
    state = "现行版本" if mine.is_current else "非现行（发布日期早于现行版本）"
    return Outcome(path, "version", rid, mine.version, f"第 {mine.version} 版（{state}），{changes}")


def _same_year(year: int | None) -> ColumnElement[bool]:
    return reports.c.year == year if year is not None else reports.c.year.is_(None)


def _insert_cells(conn: Connection, rid: int, report: Report) -> None:
    rows = []
    for path, value in report.cells().items():
        ev = evidence_of(report, path)
        extra: dict[str, Any] | None = None
        if ev is not None:
            extra = {k: v for k, v in ev.items() if k != "text" and v not in (None, {})}
        is_int = isinstance(value, int) and not isinstance(value, bool)
        rows.append({
            "report_id": rid,
            "path": path,
            "value_int": value if is_int else None,
            "value_real": float(value) if value is not None and not is_int else None,
            "literal": ev.get("text") if ev is not None else None,
            "evidence": extra or None,
        })
    if rows:
        conn.execute(insert(cells), rows)


def evidence_of(report: Report, path: str) -> dict[str, Any] | None:
    """A cell's evidence as a plain dict (text, origin, annotation, confidence), or None."""
    ev: Any = report.evidence.get(path)
    if ev is None:
        return None
    return dict(ev) if not hasattr(ev, "model_dump") else ev.model_dump()


def _insert_findings(conn: Connection, rid: int, items: list[Finding], origin: str, base: int) -> None:
    if items:
        conn.execute(insert(findings), [
            {"report_id": rid, "seq": base + i, "origin": origin, "rule": f.rule, "severity": f.severity,
             "message": f.message, "cells": list(f.cells), "suspect": f.suspect, "finding_key": f.key}
            for i, f in enumerate(items)
        ])


def _update_counts(conn: Connection, rid: int) -> None:
    counts: dict[str, int] = dict(conn.execute(  # type: ignore[arg-type]
        select(findings.c.severity, func.count()).where(findings.c.report_id == rid).group_by(findings.c.severity)
    ).all())
    conn.execute(update(reports).where(reports.c.id == rid).values(
        n_errors=counts.get("error", 0), n_warnings=counts.get("warning", 0), n_info=counts.get("info", 0)
    ))


def _loaded(conn: Connection, rid: int, cache: dict[int, Report]) -> Report:
    if rid not in cache:
        cache[rid] = load_report(conn, rid, with_findings=False)
    return cache[rid]


def set_cross_year(conn: Connection, rid: int, prev_id: int | None, cache: dict[int, Report]) -> None:
    """Replace report `rid`'s cross-year findings by those against report `prev_id` (none when None)."""
    had = conn.execute(
        delete(findings).where(findings.c.report_id == rid, findings.c.origin == "cross_year")
    ).rowcount
    new: list[Finding] = []
    if prev_id is not None:
        new = check(_loaded(conn, rid, cache), None, previous=_loaded(conn, prev_id, cache),
                    only=cross_year_rule_ids())
        _insert_findings(conn, rid, new, "cross_year", 100_000)
    if had or new:
        _update_counts(conn, rid)


def _cross_year_around(conn: Connection, agency_id: int, year: int, cache: dict[int, Report]) -> int:
    """Recheck year `year` against year-1, and year+1 against `year`; returns how many later reports were rechecked."""
    now = current_report_id(conn, agency_id, year)
    if now is None:
        return 0
    set_cross_year(conn, now, current_report_id(conn, agency_id, year - 1), cache)
    after = current_report_id(conn, agency_id, year + 1)
    if after is None:
        return 0
    set_cross_year(conn, after, now, cache)
    return 1


def resequence(conn: Connection, agency_id: int, year: int | None, cache: dict[int, Report]) -> int:
    """Number an agency's versions of a year by publication (`gongkai.store.versions`), recheck cross-year."""
    ids = renumber(conn, agency_id, year)
    if year is None or not ids:
        return 0
    return _cross_year_around(conn, agency_id, year, cache)


def _apply_aliases(conn: Connection, aliases: dict[str, Alias], cache: dict[int, Report],
                   summary: IngestSummary) -> None:
    for agency_id, year in sorted(set(apply_aliases(conn, aliases)), key=lambda p: (p[0], p[1] or 0)):
        summary.rechecked += resequence(conn, agency_id, year, cache)
