"""A killed or failing ingest leaves the store consistent, a re-run completes it, and concurrent
ingests of one folder neither duplicate nor lose reports (SQLite and PostgreSQL)."""
# ruff: noqa: F811  (pytest fixtures imported from tests.store_support)

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

import gongkai.store.ingest as ingest_module
from gongkai.model import Report
from gongkai.store import Store, open_store
from gongkai.store.ingest import ingest
from gongkai.store.schema import agencies, cells, findings, reports
from tests.store_support import many_reports, store, store_url  # noqa: F401

CLI = "from gongkai.cli import main; main()"


def _cli(url: str, folder: Path, batch: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "GONGKAI_DB": url}
    return subprocess.Popen(
        [sys.executable, "-c", CLI, "ingest", str(folder), "--batch", str(batch), "--quiet"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def _n(s: Store) -> int:
    with s.read() as conn:
        return int(conn.execute(select(func.count()).select_from(reports)).scalar_one())


def assert_consistent(s: Store) -> None:
    """Every stored report is whole: its cells and pipeline findings match its JSON, its counts its findings."""
    with s.read() as conn:
        if s.dialect == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        n_cells = dict(conn.execute(select(cells.c.report_id, func.count()).group_by(cells.c.report_id)).all())
        n_find = dict(conn.execute(select(findings.c.report_id, func.count()).where(findings.c.origin == "pipeline")
                                   .group_by(findings.c.report_id)).all())
        for rid, raw, n_err in conn.execute(select(reports.c.id, reports.c.report_json, reports.c.n_errors)):
            report = Report.model_validate_json(raw)
            assert n_cells.get(rid, 0) == len(report.cells())
            assert n_find.get(rid, 0) == len(report.findings)
            stored_errors = conn.execute(select(func.count()).select_from(findings).where(
                findings.c.report_id == rid, findings.c.severity == "error")).scalar_one()
            assert stored_errors == n_err
        current = conn.execute(
            select(reports.c.agency_id, reports.c.year, func.count()).where(reports.c.is_current.is_(True))
            .group_by(reports.c.agency_id, reports.c.year).having(func.count() > 1)
        ).all()
        assert current == []


def test_sigkill_midway_leaves_whole_batches_and_a_rerun_completes(store_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    files = many_reports(folder, 400)
    s = open_store(store_url)
    proc = _cli(store_url, folder, batch=5)
    deadline = time.monotonic() + 120
    while _n(s) < 20 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored = _n(s)
    assert 20 <= stored < len(files)
    assert stored % 5 == 0  # a batch is all or nothing
    assert_consistent(s)
    summary = ingest(s, [folder])
    assert (summary.duplicates, summary.stored) == (stored, len(files) - stored)
    assert _n(s) == len(files)
    assert_consistent(s)
    s.close()


def test_a_failure_between_statements_rolls_back_the_batch(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = many_reports(tmp_path, 12)
    real = ingest_module._insert_cells
    calls = {"n": 0}

    def flaky(conn, rid, report):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 8:  # inside the second batch, after its report rows were inserted
            raise RuntimeError("injected failure")
        return real(conn, rid, report)

    monkeypatch.setattr(ingest_module, "_insert_cells", flaky)
    with pytest.raises(RuntimeError, match="injected"):
        ingest(store, files, batch_size=5)
    assert _n(store) == 5
    assert_consistent(store)
    monkeypatch.setattr(ingest_module, "_insert_cells", real)
    summary = ingest(store, files, batch_size=5)
    assert (summary.duplicates, summary.stored) == (5, 7)
    assert_consistent(store)


def test_concurrent_ingests_of_one_folder_store_each_report_once(store_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    files = many_reports(folder, 120)
    open_store(store_url).close()
    procs = [_cli(store_url, folder, batch=4) for _ in range(3)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    s = open_store(store_url)
    assert _n(s) == len(files)
    with s.read() as conn:
        assert conn.execute(select(func.count()).select_from(agencies)).scalar_one() == 30
        versions = conn.execute(select(func.max(reports.c.version))).scalar_one()
    assert versions == 1
    assert_consistent(s)
    s.close()
