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
    assert {"field": "year", "label": "年度", "a": 2023, "b": 2024} in data["meta"]
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


PDF = CORPUS / "pdf" / "002_huaian_hongze_district_2023.pdf"


def test_pdf_and_text_copy_differ_only_in_layout_where_the_words_agree() -> None:
    """洪泽区 2023 as PDF and as text: sections 一、五、六 differ only in line breaks and "2023 年" spacing."""
    c = compare(process_path(PDF).report, process_path(HONGZE).report, "PDF", "文字版")
    assert c.cells == [] and c.meta == []
    assert c.layout_only == [1, 5, 6]
    assert all("2023 年" not in s.diff for s in c.sections)


def test_paragraphs_join_hard_line_breaks_and_keep_headings() -> None:
    from gongkai.analysis.text import comparable, paragraphs

    raw = process_path(PDF).report.sections[0].text
    paras = paragraphs(raw)
    assert paras[0].startswith("2023年，洪泽区人民政府坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《条例》")
    assert sum(p.startswith(("（一）", "（二）", "（三）", "（四）", "（五）")) for p in paras) == 5
    assert len(paras) < len(raw.splitlines())
    assert comparable("2023 年全区受理\n申请 21 件。") == comparable("2023年全区受理申请21件。")
    assert paragraphs("一、总体情况\n（一）主动公开\n内容第一行\n第二行。\n1. 一项") == [
        "一、总体情况", "（一）主动公开", "内容第一行第二行。", "1.一项"]


def test_compare_meta_in_chinese_and_report_text_never_markup(capsys: pytest.CaptureFixture[str]) -> None:
    from gongkai.cli.store import _print_comparison

    a = process_path(SEED_000).report
    b = a.model_copy(deep=True)
    b.meta.agency = "[/]巫峡[bold]镇人民政府"
    b.meta.year = 2023
    b.sections[0].text = b.sections[0].text + "[/red]新增[link=x]一句。"
    c = compare(a, b, "[b]A", "B[/]")
    assert [m[0] for m in c.meta] == ["agency", "year"]
    _print_comparison(c)
    out = capsys.readouterr().out
    assert "单位：A 巫山县巫峡镇人民政府，B [/]巫峡[bold]镇人民政府" in out
    assert "年度：A 2024，B 2023" in out and "year：" not in out
    assert "[/red]新增[link=x]一句。" in out and "比较：A = [b]A    B = B[/]" in out


def test_cli_ingest_and_compare_names_with_brackets(tmp_path: Path) -> None:
    """File and folder names with [..] (as report files downloaded from the web have) print as written."""
    folder = tmp_path / "[bold]报告[red]"
    folder.mkdir()
    a = folder / "[red]2023[b].txt"
    a.write_bytes(variant(tmp_path, "a.txt", year=2023).read_bytes())
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(folder), "--db", str(folder / "[x].db")])
    assert res.exit_code == 0, res.output
    assert "[x].db" in res.output
    res = runner.invoke(app, ["compare", str(a), str(SEED_000)])
    assert res.exit_code == 0, res.output
    assert "A = [red]2023[b].txt" in res.stdout and "年度：A 2023，B 2024" in res.stdout
