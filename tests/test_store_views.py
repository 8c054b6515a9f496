"""The store opened with plain SQL (sqlite3, as datasette and DuckDB would): documented views, Chinese labels."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.pipeline import process_path
from gongkai.store import Store, open_store
from gongkai.store.ingest import ingest
from gongkai.store.views import template_paths
from tests.store_support import CORPUS, corpus_files, store, store_url  # noqa: F401

HONGZE = CORPUS / "pdf" / "002_huaian_hongze_district_2023.txt"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("views") / "corpus.db"
    s = open_store(path)
    ingest(s, corpus_files())
    s.close()
    return path


def test_views_with_plain_sqlite3(db: Path) -> None:
    con = sqlite3.connect(db)
    views = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert views == {"report_overview", "cells_long", "cells_wide_2021", "cells_wide_2019", "findings_overview"}
    n_reports = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert con.execute("SELECT count(*) FROM report_overview").fetchone()[0] == n_reports == len(corpus_files())
    row = con.execute("SELECT agency, region_code, level, year, new_received, total_processed, review_total, "
                      "review_corrected FROM report_overview WHERE agency = '洪泽区人民政府'").fetchone()
    assert row == ("洪泽区人民政府", "320813", "县级", 2023, 21, 21, 0, 1)  # one 洪泽区 in the table: 淮安市
    assert con.execute("SELECT count(*) FROM cells_long").fetchone()[0] == con.execute(
        "SELECT count(*) FROM cells").fetchone()[0]
    label, value = con.execute("SELECT label, value FROM cells_long l JOIN reports r ON r.id = l.report_id "
                               "WHERE r.agency_printed = '洪泽区人民政府' AND path = 'requests.new_received.total'"
                               ).fetchone()
    assert (label, value) == ("一、本年新收政府信息公开申请数量·总计", 21)
    cols = [d[1] for d in con.execute("PRAGMA table_info(cells_wide_2021)")]
    assert cols[:5] == ["report_id", "agency", "year", "version", "is_current"]
    assert cols[5:] == template_paths("2021")
    n2021 = con.execute("SELECT count(*) FROM reports WHERE template = '2021'").fetchone()[0]
    assert con.execute("SELECT count(*) FROM cells_wide_2021").fetchone()[0] == n2021 > 0
    want = process_path(corpus_files()[0]).report
    got = con.execute('SELECT "requests.new_received.total" FROM cells_wide_2021 w JOIN reports r '
                      "ON r.id = w.report_id WHERE r.sha256 = ?", (want.source.sha256,)).fetchone()
    if want.meta.template == "2021":
        assert got == (want.value("requests.new_received.total"),)
    assert con.execute("SELECT count(*) FROM findings_overview").fetchone()[0] == con.execute(
        "SELECT count(*) FROM findings").fetchone()[0]
    assert con.execute("SELECT DISTINCT status FROM findings_overview").fetchall() == [("unmarked",)]
    con.close()


def test_findings_view_shows_a_mark(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "c.db"
    copy.write_bytes(db.read_bytes())
    con = sqlite3.connect(copy)
    sha, key = con.execute("SELECT r.sha256, f.finding_key FROM findings f JOIN reports r ON r.id = f.report_id "
                           "WHERE f.severity = 'error' LIMIT 1").fetchone()
    con.execute("INSERT INTO finding_marks (sha256, finding_key, status, reason, who, at) "
                "VALUES (?, ?, 'dismissed', '原表如此', '测试', '2026-11-22')", (sha, key))
    con.commit()
    assert con.execute("SELECT status, reason FROM findings_overview WHERE finding_key = ? AND sha256 = ?",
                       (key, sha)).fetchall() == [
        ("dismissed", "原表如此")]
    con.close()


def test_views_on_each_backend(store: Store) -> None:  # noqa: F811
    from sqlalchemy import text

    ingest(store, [HONGZE])
    with store.read() as conn:
        assert conn.execute(text("SELECT agency, new_received, fees_amount FROM report_overview")).one()[:2] == (
            "洪泽区人民政府", 21)
        assert conn.execute(text('SELECT "requests.new_received.total" FROM cells_wide_2019 UNION ALL '
                                 'SELECT "requests.new_received.total" FROM cells_wide_2021')).all() == []
        assert conn.execute(text("SELECT count(*) FROM findings_overview")).scalar_one() > 0
        assert conn.execute(text("SELECT label FROM cell_labels WHERE path = 'active.fees.amount'")).scalar_one() == \
            "行政事业性收费·本年收费金额（单位：万元）"


def test_cli_metadata_for_datasette(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "metadata.json"
    res = CliRunner().invoke(app, ["metadata", "--db", str(db), "-o", str(out)])
    assert res.exit_code == 0, res.output
    meta = json.loads(out.read_text(encoding="utf-8"))
    tables = meta["databases"]["corpus"]["tables"]
    assert tables["report_overview"]["columns"]["region_code"] == "行政区划代码"
    assert tables["cells_wide_2021"]["columns"]["requests.new_received.total"] == "一、本年新收政府信息公开申请数量·总计"
    con = sqlite3.connect(db)
    for view in ("report_overview", "cells_long", "cells_wide_2021", "findings_overview"):
        cols = [d[1] for d in con.execute(f"PRAGMA table_info({view})")]
        assert all(c in tables[view]["columns"] for c in cols), view  # every column has its Chinese label
    con.close()
