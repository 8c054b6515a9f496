"""The CLI over the bundled examples: summary lines, JSON, exit codes, byte-identical extracts."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gongkai.check import all_rules
from gongkai.cli import app

EXAMPLES = Path(__file__).parents[1] / "examples"
runner = CliRunner()


def test_check_examples_prints_one_line_per_report_and_findings() -> None:
    out = runner.invoke(app, ["check", str(EXAMPLES)])
    assert out.exit_code == 1  # 003 lacks part 六
    text = out.stdout
    assert "000_e2dc6b7d4e4a258e.txt  单位：巫山县巫峡镇人民政府  年度：2024  格式：2021  错误 0  警告 0" in text
    assert "003_59c43b68021cf45a.txt  单位：乌苏市西大沟镇人民政府  年度：2024  格式：2021  错误 1  警告 4" in text
    assert "[错误] 缺少第六部分“六、其他需要报告的事项”" in text
    assert "共 5 份报告：4 份无错误，错误 1 条，无法读取 0 份。" in text


def test_check_json_is_machine_readable() -> None:
    out = runner.invoke(app, ["check", str(EXAMPLES / "002_816cf6285d7c44a5.txt"), "--format", "json"])
    assert out.exit_code == 0
    data = json.loads(out.stdout)["files"]
    assert data[0]["meta"] == {"agency": "桐柏县埠江镇人民政府", "year": 2024, "template": "2021", "published": None}
    assert data[0]["valid"] is True


def test_extract_is_byte_identical(tmp_path: Path) -> None:
    for d in ("a", "b"):
        assert runner.invoke(app, ["extract", str(EXAMPLES), "--out", str(tmp_path / d)]).exit_code == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name + ".json" for p in EXAMPLES.glob("*.txt"))
    for n in names:
        assert (tmp_path / "a" / n).read_bytes() == (tmp_path / "b" / n).read_bytes()
    doc = json.loads((tmp_path / "a" / "000_e2dc6b7d4e4a258e.txt.json").read_text(encoding="utf-8"))
    assert doc["schema_version"] == 1
    assert doc["active"]["punishment"] == {"decisions": 18}
    assert doc["evidence"]["active.punishment.decisions"]["text"] == "18"


def test_rules_lists_every_rule() -> None:
    out = runner.invoke(app, ["rules", "--format", "json"])
    ids = [r["id"] for r in json.loads(out.stdout)]
    assert ids == [r.id for r in all_rules()]
    assert "requests.balance" in ids
