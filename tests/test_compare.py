"""Rates and comparisons on real reports, from the library and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.analysis.compare import compare, sentence_lines
from gongkai.analysis.rates import rates
from gongkai.cli import app
from gongkai.pipeline import process_path
from gongkai.store import open_store
from gongkai.store.ingest import ingest
from tests.store_support import CORPUS, SEED_000, variant

HONGZE = CORPUS / "pdf" / "002_huaian_hongze_district_2023.txt"
SHENZHEN = CORPUS / "excerpts" / "005_shenzhen_longgang_district_dept_2024.txt"


def test_rates_of_hongze_2023() -> None:
    r = {x.key: x for x in rates(process_path(HONGZE).report)}
    assert (r["disclosure_rate"].numerator, r["disclosure_rate"].denominator) == (4, 21)  # 0 予以公开 + 4 部分公开
    assert r["disclosure_rate"].value == pytest.approx(4 / 21)
    assert (r["denied_share"].numerator, r["denied_share"].denominator) == (3, 21)
    # 行政复议: 10 upheld + 1 corrected, but the printed 总计 is 0 — no rate, and why
    assert r["review_correction_rate"].value is None and r["review_correction_rate"].note == "分母为0"
    assert r["review_correction_rate"].numerator == 1
    assert r["litigation_correction_rate"].value is None


def test_a_rate_with_a_missing_cell_says_which() -> None:
    r = {x.key: x for x in rates(process_path(SHENZHEN).report)}  # an excerpt: table cut off after 予以公开 rows
    assert r["disclosure_rate"].value is None
    assert r["disclosure_rate"].note is not None and "为空或缺失" in r["disclosure_rate"].note


def test_compare_two_publications_of_one_report() -> None:
    pdf_text = process_path(HONGZE).report
    edited = pdf_text.model_copy(deep=True)
    edited.requests["granted"]["total"] = 2  # type: ignore[index]
    c = compare(pdf_text, edited, "原文", "改后")
    assert [(d.path, d.a, d.b, d.delta) for d in c.cells] == [("requests.granted.total", 0, 2, 2)]
    assert c.same_cells == len(pdf_text.cells()) - 1
    a, b = next((ra, rb) for ra, rb in c.rates if ra.key == "disclosure_rate")
    assert (a.numerator, b.numerator) == (4, 6)
    assert c.sections == []


def test_compare_section_text_as_a_unified_diff(tmp_path: Path) -> None:
    a = process_path(SEED_000).report
    b = process_path(variant(tmp_path, "b.txt", note="新增一句说明。")).report
    c = compare(a, b, "A", "B")
    assert [s.no for s in c.sections] == [1]
    assert "+新增一句说明。" in c.sections[0].diff.splitlines()
    assert c.sections[0].diff.startswith("--- A/1\n+++ B/1")
    assert sentence_lines("一句。二句；三句\n四句") == ["一句。", "二句；", "三句", "四句"]


def test_compare_cells_present_in_only_one_report() -> None:
    c = compare(process_path(SHENZHEN).report, process_path(SEED_000).report)
    only_b = [d for d in c.cells if not d.a_present]
    assert only_b and all(d.b_present for d in only_b)
    assert any(d.path == "requests.total_processed.total" for d in only_b)


def test_cli_compare_files_and_store(tmp_path: Path) -> None:
    runner = CliRunner()
    y2023 = variant(tmp_path, "y2023.txt", year=2023, rows={"（一）予以公开": ["1", "0", "0", "0", "0", "0", "1"]})
    res = runner.invoke(app, ["compare", str(y2023), str(SEED_000), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert {"field": "year", "a": 2023, "b": 2024} in data["meta"]
    cells = {d["path"]: (d["a"], d["b"], d["delta"]) for d in data["cells"]}
    assert cells["requests.granted.total"] == (1, 0, -1)
    db = tmp_path / "s.db"
    store = open_store(db)
    ingest(store, [y2023, SEED_000])
    store.close()
    res = runner.invoke(app, ["compare", "--agency", "巫峡镇", "--years", "2023", "2024", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "实质公开率" in res.stdout and "（一）予以公开·总计" in res.stdout
    res = runner.invoke(app, ["compare", "--agency", "巫峡镇", "--years", "2022", "2024", "--db", str(db)])
    assert res.exit_code == 2 and "没有“巫山县巫峡镇人民政府”2022 年度的报告" in res.output
    res = runner.invoke(app, ["compare", str(SEED_000)])
    assert res.exit_code == 2 and "两个报告文件" in res.output
