"""Every text report of the real corpus extracts exactly as its hand-checked gold says."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.pipeline import process_path
from tests.conftest import corpus_source, gold_files, load_gold

TABLES = ("active", "requests", "review_litigation")


def _gold_cells(gold: dict) -> dict[str, object]:
    out = {}
    for t in TABLES:
        for row, cols in (gold.get(t) or {}).items():
            for col, v in cols.items():
                out[f"{t}.{row}.{col}"] = v
    return out


@pytest.mark.parametrize("gold_path", gold_files(".txt"), ids=lambda p: p.name.split(".")[0])
def test_cells_meta_sections_match_gold(gold_path: Path) -> None:
    gold = load_gold(gold_path)
    report = process_path(corpus_source(gold_path.name)).report
    cells = report.cells()
    for path, want in _gold_cells(gold).items():
        assert path in cells, f"{path} missing"
        got = cells[path]
        assert (got is None) == (want is None), f"{path}: want {want!r} got {got!r}"
        if want is not None:
            assert got == pytest.approx(want, abs=1e-9), f"{path}: want {want!r} got {got!r}"
    if not gold.get("partial"):
        # a full report: no cell beyond the gold's, table by table
        for t in TABLES:
            if gold.get(t) is None:
                assert getattr(report, t) is None
        assert set(cells) == set(_gold_cells(gold))
    meta = gold.get("meta", {})
    for key in ("year", "template", "published"):
        if key in meta:
            assert getattr(report.meta, key) == meta[key], key
    if "agency" in meta:
        assert report.meta.agency in meta["agency"]
    if "sections" in gold:
        assert sorted(s.no for s in report.sections) == sorted(gold["sections"])


@pytest.mark.parametrize("gold_path", gold_files(".txt"), ids=lambda p: p.name.split(".")[0])
def test_known_errors_found_and_nothing_else(gold_path: Path) -> None:
    gold = load_gold(gold_path)
    report = process_path(corpus_source(gold_path.name)).report
    errors = report.errors
    known_cells: set[str] = set()
    for known in gold.get("known_errors", []):
        cells = set(known["cells"])
        known_cells |= cells
        if known.get("strict") is False:
            continue
        assert any(cells & set(f.cells) for f in errors), f"missed {known['rule']}: {known.get('note')}"
    for f in errors:
        table_cells = [c for c in f.cells if c.split(".")[0] in TABLES]
        assert not table_cells or set(table_cells) & known_cells, f"unexpected error: {f.message}"


def test_hongze_review_totals_are_reported_with_their_numbers() -> None:
    report = process_path(corpus_source("002_huaian_hongze_district_2023.txt")).report
    found = [f for f in report.errors if f.rule == "review_litigation.sum"]
    assert [f.details for f in found] == [
        ["行政复议：结果维持(10)+结果纠正(1)+其他结果(0)+尚未审结(0)=11，但总计为0"],
        ["行政诉讼·复议后起诉：结果维持(5)+结果纠正(0)+其他结果(0)+尚未审结(0)=5，但总计为0"],
    ]
    # 行政复议: only 总计 can be the wrong cell (any other correction would make a count negative);
    # 复议后起诉: 总计 (should be 5) or 结果维持 (should be 0): the sums cannot tell, both named.
    assert [(f.suspect, f.candidates) for f in found] == [
        ("review_litigation.review.total", []),
        (None, ["review_litigation.litigation_after_review.total", "review_litigation.litigation_after_review.upheld"]),
    ]
    # The printed total stays as printed: never repaired.
    assert report.value("review_litigation.review.total") == 0
    assert report.evidence["review_litigation.review.upheld"]["text"] == "10"


def test_blank_cells_are_null_with_their_evidence() -> None:
    report = process_path(corpus_source("019_district_stats_bureau_2023_blankcells.txt")).report
    assert report.value("active.regulations.issued") is None
    assert report.evidence["active.regulations.issued"]["text"] == "/"
    assert report.value("requests.new_received.total") == 0
    assert report.value("requests.new_received.natural_person") is None
    blank = [f for f in report.findings if f.rule == "structure.blank_cells"]
    assert blank and "active.regulations.issued" in blank[0].cells
    incomplete = [f for f in report.findings if f.rule == "structure.table_incomplete"]
    assert incomplete and "截断" in incomplete[0].message


def test_every_cell_has_evidence_with_its_line() -> None:
    report = process_path(corpus_source("000_e2dc6b7d4e4a258e.txt")).report
    assert set(report.evidence) == set(report.cells())
    ev = report.evidence["active.punishment.decisions"]
    assert ev["text"] == "18"
    line = ev["origin"]["line"]
    source = corpus_source("000_e2dc6b7d4e4a258e.txt").read_text(encoding="utf-8").splitlines()
    assert source[line - 1].strip() == "18"


def test_traditional_mirror_keeps_original_text_as_evidence() -> None:
    report = process_path(corpus_source("015_tianmen_tuoshi_town_2020_trad_mirror.txt")).report
    assert report.value("active.normative_documents.made") == 34
    assert report.meta.agency in ("拖市镇", "拖市鎮")
    assert report.meta.template == "2019"
