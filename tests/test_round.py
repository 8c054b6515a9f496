"""The office's round on real reports: collecting a batch (folders, zips, files that are not reports),
matching a roster, cross-year findings within a batch, and the recheck of a resubmission."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.round import Roster, RosterError, collect, run_round
from gongkai.round.collect import ZipLimits, member_name

EXAMPLES = Path(__file__).parents[1] / "examples"
SEED = {p.name[:3]: p for p in EXAMPLES.glob("*.txt")}
runner = CliRunner()


def _text(key: str) -> str:
    return SEED[key].read_text(encoding="utf-8")


def _gbk_zip(path: Path, members: dict[str, bytes]) -> None:
    """A zip as Windows tools write it: member names in GBK bytes, without the UTF-8 flag."""
    placeholders = {}
    for name in members:
        gbk = name.encode("gbk")
        placeholders[name] = ("Q" * (len(gbk) - 4)) + name[-4:]  # same byte length, ASCII
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(placeholders[name], data)
    raw = path.read_bytes()
    for name, ph in placeholders.items():
        raw = raw.replace(ph.encode("ascii"), name.encode("gbk"))
    path.write_bytes(raw)


def test_collect_names_files_relative_and_lists_what_is_not_a_report(tmp_path: Path) -> None:
    batch = tmp_path / "收到"
    for unit, key in (("巫峡镇", "000"), ("阿戛镇", "001")):
        (batch / unit).mkdir(parents=True)
        (batch / unit / "年报.txt").write_text(_text(key), encoding="utf-8")
    (batch / "README.md").write_text("说明", encoding="utf-8")
    (batch / "报表.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (batch / "合集.rar").write_bytes(b"Rar!")
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("娄烦镇/年报.txt", _text("004"))
    with zipfile.ZipFile(batch / "第二批.zip", "w") as zf:
        zf.writestr("埠江镇/年报.txt", _text("002").encode("utf-8"))
        zf.writestr("../../evil.txt", "x")
        zf.writestr("/etc/passwd.txt", "x")
        zf.writestr("__MACOSX/埠江镇/._年报.txt", "x")
        zf.write(inner, "嵌套/inner.zip")
    os.mkfifo(batch / "管道.txt")

    with collect([batch]) as coll:
        rels = [i.rel for i in coll.items]
        assert rels == [
            "巫峡镇/年报.txt",
            "第二批.zip/埠江镇/年报.txt",
            "第二批.zip/嵌套/inner.zip/娄烦镇/年报.txt",
            "阿戛镇/年报.txt",
        ] or sorted(rels) == sorted(
            ["巫峡镇/年报.txt", "阿戛镇/年报.txt", "第二批.zip/埠江镇/年报.txt", "第二批.zip/嵌套/inner.zip/娄烦镇/年报.txt"]
        )
        reasons = {s.rel: s.reason for s in coll.skipped}
        tmp = coll.tmpdir()
        assert all(i.path.is_file() for i in coll.items)
        assert all(tmp in i.path.parents for i in coll.items if ".zip/" in i.rel)
    assert reasons["README.md"] == "说明文件，不是年度报告"
    assert reasons["报表.xls"].startswith("不支持的文件格式（.xls）")
    assert reasons["合集.rar"].startswith("不支持的压缩格式（.rar）")
    assert reasons["管道.txt"].startswith("不是普通文件")
    assert reasons["第二批.zip/../../evil.txt"] == "压缩包内的路径指向包外（不安全），未读取"
    assert reasons["第二批.zip//etc/passwd.txt"] == "压缩包内的路径指向包外（不安全），未读取"
    assert reasons["第二批.zip/__MACOSX/埠江镇/._年报.txt"] == "隐藏或系统文件夹中的文件"
    assert not (tmp_path / "evil.txt").exists()
    assert not tmp.exists()  # the extracted members are removed with the collection


def test_zip_member_names_in_gbk_are_decoded(tmp_path: Path) -> None:
    z = tmp_path / "batch.zip"
    _gbk_zip(z, {"巫峡镇年报.txt": _text("000").encode("utf-8")})
    with zipfile.ZipFile(z) as zf:
        info = zf.infolist()[0]
        assert not info.flag_bits & 0x800
        assert member_name(info).startswith("巫峡镇年报")
    rnd = run_round([z], jobs=1)
    assert rnd.entries[0].rel.startswith("batch.zip/巫峡镇年报")
    assert rnd.entries[0].report.meta.agency == "巫山县巫峡镇人民政府"


def test_zip_bombs_and_oversized_members_are_refused_before_extracting(tmp_path: Path) -> None:
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.txt", b"0" * (8 * 2**20))  # 8 MiB of zeros compress ~1000:1
        zf.writestr("ok.txt", _text("000"))
    with collect([z]) as coll:
        reasons = {s.rel: s.reason for s in coll.skipped}
        assert [i.rel for i in coll.items] == ["bomb.zip/ok.txt"]
    assert reasons["bomb.zip/bomb.txt"] == "压缩比异常（超过 200 倍，疑似压缩炸弹），未读取"
    with collect([z], ZipLimits(max_member_bytes=1024, max_ratio=10**9)) as coll:
        reasons = {s.rel: s.reason for s in coll.skipped}
    assert reasons["bomb.zip/bomb.txt"] == "解压后超过单个文件上限（0 MiB），未读取"
    with collect([z], ZipLimits(max_depth=0)) as coll:
        assert [s.reason for s in coll.skipped] == ["压缩包嵌套超过 0 层，未读取"]


def _roster(tmp_path: Path, rows: list[str], encoding: str = "utf-8-sig") -> Path:
    p = tmp_path / "名单.csv"
    p.write_text("单位名称,别名,地区,层级,联系人\n" + "\n".join(rows) + "\n", encoding=encoding)
    return p


def test_roster_matches_by_printed_name_alias_and_folder(tmp_path: Path) -> None:
    roster = Roster.load(
        _roster(
            tmp_path,
            [
                "巫山县巫峡镇人民政府,,重庆市巫山县,乡镇,张三",
                "阿戛镇,六枝特区阿戛镇|阿戛镇政府,贵州省六盘水市,乡镇,",
                "桐柏县埠江镇,,河南省南阳市,乡镇,",
                "某某县统计局,,,部门,",
            ],
            encoding="gbk",
        )
    )
    assert [u.name for u in roster.units][:2] == ["巫山县巫峡镇人民政府", "阿戛镇"]
    assert roster.match("巫山县巫峡镇人民政府").name == "巫山县巫峡镇人民政府"  # type: ignore[union-attr]
    assert roster.match("阿戛镇人民政府").name == "阿戛镇"  # type: ignore[union-attr]
    assert roster.match("河南省桐柏县埠江镇人民政府").name == "桐柏县埠江镇"  # type: ignore[union-attr]
    assert roster.match(None, "某某县统计局/年报.pdf").name == "某某县统计局"  # type: ignore[union-attr]
    assert roster.match("娄烦镇人民政府", "娄烦镇/年报.txt") is None
    with pytest.raises(RosterError, match="单位名称"):
        Roster.parse("名字,地区\n甲,乙\n".encode())
    with pytest.raises(RosterError, match="重复"):
        Roster.parse("单位名称,别名\n甲镇,乙镇\n乙镇人民政府,\n".encode())


def test_round_with_roster_lists_missing_duplicates_and_unmatched(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    for folder, key in (("巫峡镇", "000"), ("巫峡镇/重报", "000"), ("阿戛镇", "001"), ("娄烦镇", "004")):
        (batch / folder).mkdir(parents=True, exist_ok=True)
        (batch / folder / "年报.txt").write_text(_text(key), encoding="utf-8")
    (batch / "巫峡镇" / "重报" / "年报.txt").write_text(_text("000") + "\n", encoding="utf-8")
    (batch / "坏文件单位.pdf").write_bytes(b"%PDF-1.7 broken")
    _roster(tmp_path, ["巫山县巫峡镇人民政府,,,,", "阿戛镇,,,,", "桐柏县埠江镇,,,,", "坏文件单位,,,,"])
    out = runner.invoke(app, ["check", str(batch), "--roster", str(tmp_path / "名单.csv"), "-f", "json", "-j", "1"])
    assert out.exit_code == 2, out.output  # one file cannot be read
    data = json.loads(out.stdout)
    units = {u["unit"]: u for u in data["units"]}
    assert units["巫山县巫峡镇人民政府"]["files"] == ["巫峡镇/年报.txt", "巫峡镇/重报/年报.txt"]
    assert units["桐柏县埠江镇"]["status_label"] == "缺报"
    assert units["坏文件单位"]["status_label"] == "无法读取"
    assert data["missing"] == ["桐柏县埠江镇"]
    assert data["duplicates"] == [{"unit": "巫山县巫峡镇人民政府", "files": ["巫峡镇/年报.txt", "巫峡镇/重报/年报.txt"]}]
    assert data["unmatched"] == ["娄烦镇/年报.txt"]
    assert data["summary"]["units"] == 4 and data["summary"]["reports"] == 5

    text = runner.invoke(app, ["check", str(batch), "--roster", str(tmp_path / "名单.csv"), "-j", "1"]).stdout
    assert "缺报（1 个单位）：桐柏县埠江镇" in text
    assert "重复报送：巫山县巫峡镇人民政府：巫峡镇/年报.txt、巫峡镇/重报/年报.txt" in text
    assert "未匹配名单的报告：娄烦镇/年报.txt（报告中的单位：娄烦镇人民政府）" in text
    assert "2024 年度共 4 个单位：通过 2，需整改 0，无法读取 1，缺报 1" in text


def test_cross_year_rules_run_when_last_year_is_in_the_same_batch(tmp_path: Path) -> None:
    lines = _text("000").split("\n")
    label = lines.index("\t四、结转下年度继续办理")
    lines[label + 1] = "\t1"  # last year: one request of a natural person carried forward
    last_year = "\n".join(lines).replace("2024", "2023")
    (tmp_path / "2023.txt").write_text(last_year, encoding="utf-8")
    (tmp_path / "2024.txt").write_text(_text("000"), encoding="utf-8")
    data = json.loads(runner.invoke(app, ["check", str(tmp_path), "-f", "json", "-j", "1"]).stdout)
    files = {f["file"]: f for f in data["files"]}
    carry = [f for f in files["2024.txt"]["findings"] if f["rule"] == "cross_year.carry_over"]
    assert len(carry) == 1
    assert carry[0]["message"] == "二、上年结转政府信息公开申请数量·自然人为0，但2023年度报告的结转下年度继续办理为1"
    assert carry[0]["labels"] == ["二、上年结转政府信息公开申请数量·自然人"]
    assert carry[0]["locations"] == ["第93行"]
    assert data["year"] == 2024 and data["other_years"] == ["2023.txt"]


def test_findings_in_json_carry_chinese_labels_and_locations(tmp_path: Path) -> None:
    text = _text("002").replace("本年新收政府信息公开申请数量\n\t1", "本年新收政府信息公开申请数量\n\t2", 1)
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    data = json.loads(runner.invoke(app, ["check", str(tmp_path / "r.txt"), "-f", "json", "-j", "1"]).stdout)
    f = data["files"][0]
    assert f["file"] == str(tmp_path / "r.txt")
    errors = [x for x in f["findings"] if x["severity"] == "error"]
    assert errors, f["findings"]
    for x in errors:
        assert x["labels"] and all("." not in label for label in x["labels"])
        assert all(loc.startswith("第") and loc.endswith("行") for loc in x["locations"])
        assert x["advice"]


def test_recheck_says_what_was_fixed_what_remains_and_what_is_new(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "西大沟镇.txt").write_text(_text("003"), encoding="utf-8")
    (first / "埠江镇.txt").write_text(_text("002"), encoding="utf-8")
    out = runner.invoke(app, ["check", str(first), "-f", "json", "-j", "1"])
    assert out.exit_code == 1
    (tmp_path / "round1.json").write_text(out.stdout, encoding="utf-8")
    before = {f["file"]: f for f in json.loads(out.stdout)["files"]}
    assert [x["rule"] for x in before["西大沟镇.txt"]["findings"] if x["severity"] == "error"] == [
        "structure.section_missing"
    ]
    # 西大沟镇 adds its part 六 (fixed); 埠江镇 breaks a sum (new)
    (second / "西大沟镇.txt").write_text(_text("003").rstrip() + "\n六、其他需要报告的事项\n无。\n", encoding="utf-8")
    broken = _text("002").replace("本年新收政府信息公开申请数量\n\t1", "本年新收政府信息公开申请数量\n\t2", 1)
    (second / "埠江镇.txt").write_text(broken, encoding="utf-8")
    out = runner.invoke(app, ["check", str(second), "--baseline", str(tmp_path / "round1.json"), "-f", "json", "-j", "1"])
    after = {f["file"]: f for f in json.loads(out.stdout)["files"]}
    rc = after["西大沟镇.txt"]["recheck"]
    assert [x["rule"] for x in rc["fixed"]] == ["structure.section_missing"]
    assert rc["new"] == [] and rc["label"].startswith("已整改 1 条")
    rc2 = after["埠江镇.txt"]["recheck"]
    assert rc2["fixed"] == [] and rc2["new"] and all(k.startswith("requests.") for k in rc2["new"])
    text = runner.invoke(app, ["check", str(second), "--baseline", str(tmp_path / "round1.json"), "-j", "1"]).stdout
    assert "[已整改] 缺少第六部分“六、其他需要报告的事项”" in text
    assert "新发现" in text


def test_baseline_that_is_not_a_round_is_refused(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text("[]", encoding="utf-8")
    out = runner.invoke(app, ["check", str(SEED["000"]), "--baseline", str(tmp_path / "b.json")])
    assert out.exit_code == 2
    assert "上一轮的核查结果无法使用" in out.output


def test_store_gives_last_year_and_the_baseline(tmp_path: Path) -> None:
    db = tmp_path / "round.db"
    first = tmp_path / "first"
    first.mkdir()
    lines = _text("000").split("\n")
    lines[lines.index("\t四、结转下年度继续办理") + 1] = "\t1"
    (first / "2023.txt").write_text("\n".join(lines).replace("2024", "2023"), encoding="utf-8")
    (first / "西大沟镇.txt").write_text(_text("003"), encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(first), "--db", str(db)]).exit_code in (0, 1)
    second = tmp_path / "second"
    second.mkdir()
    (second / "巫峡镇2024.txt").write_text(_text("000"), encoding="utf-8")
    (second / "西大沟镇.txt").write_text(_text("003").rstrip() + "\n六、其他需要报告的事项\n无。\n", encoding="utf-8")
    out = runner.invoke(app, ["check", str(second), "--db", str(db), "--baseline", str(db), "-f", "json", "-j", "1"])
    files = {f["file"]: f for f in json.loads(out.stdout)["files"]}
    rules = [f["rule"] for f in files["巫峡镇2024.txt"]["findings"]]
    assert rules.count("cross_year.carry_over") == 1
    assert "cross_year.copied_text" in rules  # last year's text is this year's with the year changed
    rc = files["西大沟镇.txt"]["recheck"]
    assert [x["rule"] for x in rc["fixed"]] == ["structure.section_missing"] and rc["baseline_file"] == str(db)
    assert files["巫峡镇2024.txt"]["recheck"] is None  # the store holds no 2024 report of 巫峡镇
