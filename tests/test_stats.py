"""Grouped stats and charts over the stored corpus."""

from __future__ import annotations

import json
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gongkai.analysis.charts import ChartError, find_cjk_font, svg_chart, write_chart
from gongkai.analysis.stats import group_stats
from gongkai.cli import app
from gongkai.store import StoreError, open_store
from gongkai.store.agencies import load_aliases
from gongkai.store.filters import where_clauses
from gongkai.store.ingest import ingest
from tests.store_support import CORPUS, SEED_000, corpus_files, variant


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("stats")
    aliases = folder / "aliases.json"
    aliases.write_text(json.dumps([
        {"名称": "洪泽区人民政府", "地区": "江苏省淮安市", "层级": "区县"},
        {"name": "巫山县巫峡镇人民政府", "region": "重庆市巫山县", "level": "乡镇"},
        {"name": "阿戛镇人民政府", "region": "贵州省六盘水市", "level": "乡镇"},
    ], ensure_ascii=False), encoding="utf-8")
    s = open_store(folder / "s.db")
    ingest(s, corpus_files(), aliases=load_aliases(aliases))
    s.close()
    return str(folder / "s.db")


def test_totals_and_rates_by_year(db: str) -> None:
    s = open_store(db)
    with s.read() as conn:
        groups = {g.key: g for g in group_stats(conn, ["year"])}
    s.close()
    y2023 = groups[(2023,)]
    assert y2023.reports == 3 and y2023.totals["new_received"] == 21 and y2023.totals["denied"] == 3
    rate = {r.key: r for r in y2023.rates}
    assert rate["disclosure_rate"].value == pytest.approx(4 / 21) and y2023.used["disclosure_rate"] == 1
    y2024 = groups[(2024,)]
    assert y2024.reports == 6 and y2024.totals["new_received"] == 66 + 1  # 龙岗 excerpt 66 + 埠江镇 1
    assert (None,) in groups  # the report whose year was not found is counted, not dropped


def test_grouped_by_level_and_region_from_the_alias_file(db: str) -> None:
    s = open_store(db)
    with s.read() as conn:
        by_level = {g.key: g.reports for g in group_stats(conn, ["level"])}
        towns = group_stats(conn, ["region"], where_clauses(["level=乡镇"]))
        with pytest.raises(StoreError, match="无法按“colour”分组"):
            group_stats(conn, ["colour"])
    s.close()
    assert by_level[("乡镇",)] == 2 and by_level[("区县",)] == 1
    assert sum(by_level.values()) == len(corpus_files())
    assert [g.key for g in towns] == [("贵州省六盘水市",), ("重庆市巫山县",)]


def test_svg_chart_is_valid_and_labelled(db: str, tmp_path: Path) -> None:
    s = open_store(db)
    with s.read() as conn:
        groups = group_stats(conn, ["year"])
    s.close()
    svg = svg_chart(groups, "new_received")
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert "新收申请" in texts and "2023（2份）" in texts and "（未知）（0份）" in texts and "21" in texts
    assert len(root.findall(f"{ns}rect")) == 1 + len(groups)  # background + one bar per group
    assert write_chart(groups, "disclosure_rate", tmp_path / "r.svg") is None
    assert "19.0%" in (tmp_path / "r.svg").read_text(encoding="utf-8")
    with pytest.raises(ChartError, match="没有名为"):
        svg_chart(groups, "happiness")
    with pytest.raises(ChartError, match=r"\.svg（默认）或 \.png"):
        write_chart(groups, "reports", tmp_path / "x.gif")


def test_png_chart(db: str, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    s = open_store(db)
    with s.read() as conn:
        groups = group_stats(conn, ["year"])
    s.close()
    font = find_cjk_font()  # .ci/run installs fonts-noto-cjk and fonts-wqy-zenhei
    assert font is not None and any(k in font.name.lower() for k in ("wqy", "notosanscjk", "sourcehan"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would be an error: no empty boxes
        assert write_chart(groups, "reports", tmp_path / "c.png") is None
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    import matplotlib

    assert matplotlib.rcParams["font.sans-serif"][0] in ("WenQuanYi Zen Hei", "Noto Sans CJK JP", "Noto Sans CJK SC")


def test_chart_defaults_to_svg_and_png_without_font_says_what_to_install(
        db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai.analysis import charts

    s = open_store(db)
    with s.read() as conn:
        groups = group_stats(conn, ["year"])
    s.close()
    assert write_chart(groups, "reports", tmp_path / "plain") is None
    assert (tmp_path / "plain.svg").read_text(encoding="utf-8").startswith("<svg")
    monkeypatch.setattr(charts, "find_cjk_font", lambda: None)
    warning = write_chart(groups, "reports", tmp_path / "nofont.png")
    assert warning is not None and "fonts-noto-cjk" in warning and (tmp_path / "nofont.png").exists()


def test_cli_stats(db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["stats", "--db", db, "--by", "year", "--format", "json", "-w", "year>=2023"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [d["group"]["year"] for d in data] == [2023, 2024, 2025]
    assert data[0]["totals"]["new_received"] == 21 and data[0]["rates"]["disclosure_rate"] == pytest.approx(4 / 21)
    res = runner.invoke(app, ["stats", "--db", db, "--by", "level", "--chart", str(tmp_path / "l.svg"), "-m", "reports"])
    assert res.exit_code == 0, res.output
    assert "乡镇" in res.stdout and (tmp_path / "l.svg").exists()
    res = runner.invoke(app, ["stats", "--db", db, "--by", "colour"])
    assert res.exit_code == 2 and "无法按" in res.output


# ---------------------------------------------------------------- coverage and exclusions, checked by hand
HONGZE = CORPUS / "pdf" / "002_huaian_hongze_district_2023.txt"
SHENZHEN = CORPUS / "excerpts" / "005_shenzhen_longgang_district_dept_2024.txt"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Three reports: 洪泽区 2023 (prints 复议总计 0 with 纠正 1), a consistent town, an excerpt with blanks."""
    folder = tmp_path_factory.mktemp("small")
    town = variant(folder, "dachang.txt", year=2023, agency="巫山县大昌镇人民政府", rows={
        "一、本年新收": ["4", "0", "0", "0", "0", "0", "4"], "（一）予以公开": ["3", "0", "0", "0", "0", "0", "3"],
        "（二）部分公开": ["1", "0", "0", "0", "0", "0", "1"], "（七）总计": ["4", "0", "0", "0", "0", "0", "4"]})
    town.write_text(town.read_text(encoding="utf-8").replace(
        "本年度我镇未收到公众关于政府信息公开的申请。", "本年度我镇收到政府信息公开申请4件。"), encoding="utf-8")
    s = open_store(folder / "small.db")
    ingest(s, [HONGZE, town, SHENZHEN])
    s.close()
    return str(folder / "small.db")


def _one(db: str, include: bool = False) -> Any:
    s = open_store(db)
    with s.read() as conn:
        (g,) = group_stats(conn, [], include_inconsistent=include)
    s.close()
    return g


def test_totals_say_what_they_cover_and_leave_out_by_hand(small: str) -> None:
    g = _one(small)
    assert g.reports == 3
    # by hand: 洪泽 21/21/0/4/3, 大昌 4/4/3/1/0, 深圳 excerpt 66/—/3/17/— (table cut off)
    assert g.totals == {"new_received": 91, "total_processed": 25, "granted": 6, "partially_granted": 22,
                        "denied": 3, "review": 0, "review_corrected": 0, "litigation": 0, "litigation_corrected": 0}
    assert g.used == {"new_received": 3, "total_processed": 2, "granted": 3, "partially_granted": 3, "denied": 2,
                      "review": 1, "review_corrected": 1, "litigation": 1, "litigation_corrected": 1,
                      "disclosure_rate": 2, "review_correction_rate": 1, "litigation_correction_rate": 1,
                      "denied_share": 2}
    why = {k: sorted((e.label.rsplit("（编号", 1)[0], e.reason) for e in v) for k, v in g.excluded.items()}
    assert why["review"] == [("洪泽区人民政府 2023 年度", "inconsistent"), ("（未知） 2024 年度", "missing")]
    assert why["total_processed"] == [("（未知） 2024 年度", "missing")]
    assert "new_received" not in why
    rates = {r.key: r for r in g.rates}
    assert rates["disclosure_rate"].value == pytest.approx(8 / 25)  # (0+4 + 3+1) / (21 + 4)
    assert rates["denied_share"].value == pytest.approx(3 / 25)
    # 复议纠错率: 洪泽 is left out (its own 总计 0 contradicts 纠正 1), 大昌 0/0 → no rate, never 100%
    assert rates["review_correction_rate"].value is None and rates["review_correction_rate"].note == "分母为0"


def test_include_inconsistent_counts_them_but_never_divides_by_a_contradicted_total(small: str) -> None:
    g = _one(small, include=True)
    assert (g.totals["review"], g.totals["review_corrected"], g.used["review"]) == (0, 1, 2)
    assert g.used["review_correction_rate"] == 1
    (left,) = [e for e in g.excluded["review_correction_rate"] if e.reason == "inconsistent"]
    assert "分子 1 大于分母 0" in left.detail and left.label.startswith("洪泽区人民政府 2023 年度")


def test_cli_stats_lists_excluded_reports_and_covers(small: str) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["stats", "--by", "year", "--db", small])
    assert res.exit_code == 0, res.output
    assert "未计入的报告（自相矛盾的报告不计入；可用 --include-inconsistent 计入）" in res.stdout
    assert "洪泽区人民政府 2023 年度（编号 1），不一致，未计入：行政复议、复议纠正" in res.stdout
    res = runner.invoke(app, ["stats", "--by", "year", "--db", small, "--format", "json", "--include-inconsistent"])
    data = {d["group"]["year"]: d for d in json.loads(res.stdout)}
    assert data[2023]["covered"]["review"] == 2 and data[2023]["totals"]["review_corrected"] == 1
    assert data[2024]["excluded"]["total_processed"][0]["reason"] == "missing"


def test_cli_stats_never_reads_report_text_as_markup(tmp_path: Path) -> None:
    """A region written with [/] or [bold] (as an alias file may) prints as written."""
    aliases = tmp_path / "a.csv"
    aliases.write_text("名称,地区,层级\n巫山县巫峡镇人民政府,[/]重庆[bold]巫山,[red]乡镇\n", encoding="utf-8")
    db = tmp_path / "m.db"
    s = open_store(db)
    ingest(s, [SEED_000], aliases=load_aliases(aliases))
    s.close()
    res = CliRunner().invoke(app, ["stats", "--by", "region", "--by", "level", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "[/]重庆[bold]巫山" in res.stdout and "[red]乡镇" in res.stdout
