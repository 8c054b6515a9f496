"""Grouped stats and charts over the stored corpus."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.analysis.charts import ChartError, svg_chart, write_chart
from gongkai.analysis.stats import group_stats
from gongkai.cli import app
from gongkai.store import StoreError, open_store
from gongkai.store.agencies import load_aliases
from gongkai.store.filters import where_clauses
from gongkai.store.ingest import ingest
from tests.store_support import corpus_files


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
    assert "新收申请" in texts and "2023" in texts and "（未知）" in texts and "21" in texts
    assert len(root.findall(f"{ns}rect")) == 1 + len(groups)  # background + one bar per group
    assert write_chart(groups, "disclosure_rate", tmp_path / "r.svg") is None
    assert "19.0%" in (tmp_path / "r.svg").read_text(encoding="utf-8")
    with pytest.raises(ChartError, match="没有名为"):
        svg_chart(groups, "happiness")
    with pytest.raises(ChartError, match=".svg 或 .png"):
        write_chart(groups, "reports", tmp_path / "x.gif")


def test_png_chart(db: str, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    s = open_store(db)
    with s.read() as conn:
        groups = group_stats(conn, ["year"])
    s.close()
    write_chart(groups, "reports", tmp_path / "c.png")
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


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
