"""The office's round end to end, through the CLI, on real reports from the corpus.

A county office receives a zip of 2024 reports from the units on its roster (mixed formats, the
same file name in different folders, a duplicate, an unreadable file, a README, a nested zip with
GBK-encoded names, last year's report by mistake), runs `gongkai notice`, sends the notices, gets a
corrected report back and runs the round again with `--baseline`.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.pipeline import process_many
from gongkai.render.html import render_html

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
SEEDS = CORPUS / "seeds"
WUXIA = SEEDS / "000_e2dc6b7d4e4a258e.txt"  # 巫山县巫峡镇人民政府 2024, no errors as published
AGA = SEEDS / "001_18efddf03daaf169.txt"  # 阿戛镇 2024
BUJIANG = SEEDS / "002_816cf6285d7c44a5.txt"  # 桐柏县埠江镇 2024
XIDAGOU = SEEDS / "003_59c43b68021cf45a.txt"  # 乌苏市西大沟镇 2024: part six missing, four label variants
LOUFAN = SEEDS / "004_b3dc6a45f7c80d64.txt"  # 娄烦镇 2024
LONGGANG = CORPUS / "excerpts" / "005_shenzhen_longgang_district_dept_2024.txt"  # no agency printed; truncated
HONGZE_PDF = CORPUS / "pdf" / "002_huaian_hongze_district_2023.pdf"  # 2023: last year's report
SJZ_EDU = CORPUS / "excerpts" / "009_shijiazhuang_edu_bureau_2021.txt"  # not on the roster, 2021

REAL_UNITS = [
    ("巫山县巫峡镇人民政府", "巫峡镇", "巫山县", "乡镇", "张敏 023-57681234"),
    ("水城区阿戛镇人民政府", "阿戛镇;六盘水市水城区阿戛镇人民政府", "水城区", "乡镇", ""),
    ("桐柏县埠江镇人民政府", "埠江镇", "桐柏县", "乡镇", ""),
    ("乌苏市西大沟镇人民政府", "西大沟镇", "乌苏市", "乡镇", "李娜"),
    ("娄烦县娄烦镇人民政府", "娄烦镇", "娄烦县", "乡镇", ""),
    ("深圳市龙岗区住房和建设局", "龙岗区住房和建设局", "龙岗区", "部门", ""),
    ("淮安市洪泽区人民政府", "洪泽区", "洪泽区", "区县", ""),
    ("示范县城关镇人民政府", "城关镇", "示范县", "乡镇", ""),
]
MADE_UP = [
    f"示范县{n}"
    for n in (
        "发展和改革局",
        "教育局",
        "科学技术局",
        "工业和信息化局",
        "公安局",
        "民政局",
        "司法局",
        "财政局",
        "人力资源和社会保障局",
        "自然资源局",
        "生态环境分局",
        "住房和城乡建设局",
        "交通运输局",
        "水利局",
        "农业农村局",
        "商务局",
        "文化和旅游局",
        "卫生健康委员会",
        "退役军人事务局",
        "应急管理局",
        "审计局",
        "市场监督管理局",
        "统计局",
        "医疗保障局",
        "林业局",
        "信访局",
        "数据资源局",
        "融媒体中心",
        "青山乡人民政府",
        "白石乡人民政府",
        "红岩镇人民政府",
        "清溪镇人民政府",
        "龙泉街道办事处",
        "东城街道办事处",
    )
]
ROUND_YEAR = 2024


def _cell_after(text: str, row_label: str, new: str) -> str:
    """The report's text with the first cell of the row labelled `row_label` set to `new`."""
    i = text.index(row_label)
    j = text.index("\t0\n", i)
    return text[:j] + f"\t{new}\n" + text[j + 3 :]


def wuxia_with_errors() -> str:
    """巫峡镇's report as a unit might send it: two numbers typed wrong in table 三."""
    text = WUXIA.read_text(encoding="utf-8")
    text = _cell_after(text, "一、本年新收政府信息公开申请数量", "5")
    return _cell_after(text, "二、上年结转政府信息公开申请数量", "3")


def wuxia_resubmitted() -> str:
    """The corrected report: 本年新收 fixed, 上年结转 still wrong, and a new slip in table 四."""
    text = _cell_after(WUXIA.read_text(encoding="utf-8"), "二、上年结转政府信息公开申请数量", "3")
    i = text.rindex("审结\n\t总计\n\n")
    j = text.index("\t0\n", i)
    return text[:j] + "\t2\n" + text[j + 3 :]


class _RawName(zipfile.ZipInfo):
    """A member whose name is written as raw GBK bytes without the UTF-8 flag (as Windows zips do)."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's own name
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def _roster(path: Path) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["单位名称", "别名", "地区", "层级", "联系人"])
        for row in REAL_UNITS:
            w.writerow(row)
        for name in MADE_UP:
            w.writerow([name, "", "示范县", "部门" if not name.endswith(("政府", "处")) else "乡镇", ""])
    return path


def _aga_html() -> str:
    (res,) = list(process_many([AGA]))
    return render_html(res.report, page_chrome=True)


def build_batch(tmp: Path) -> Path:
    """The zip the office collected for the 2024 round."""
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as nz:
        info = _RawName("娄烦镇/娄烦镇2024年政府信息公开工作年度报告.txt")
        nz.writestr(info, LOUFAN.read_bytes())
        nz.writestr(_RawName("娄烦镇/说明.txt"), "补报材料".encode("gbk"))
    batch = tmp / "2024年度报告汇总.zip"
    with zipfile.ZipFile(batch, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("README.txt", "各单位报送的年度报告，按单位分文件夹存放。")
        z.writestr("巫峡镇/年报.txt", wuxia_with_errors())
        z.writestr("阿戛镇/年报.html", _aga_html())
        z.writestr("埠江镇/年报.txt", BUJIANG.read_bytes())
        z.writestr("埠江镇/年报（修改后再次报送）.txt", BUJIANG.read_bytes())
        z.writestr("西大沟镇/年报.txt", XIDAGOU.read_bytes())
        z.writestr("龙岗区住房和建设局/2024年报.txt", LONGGANG.read_bytes())
        z.writestr("洪泽区/洪泽区年报.pdf", HONGZE_PDF.read_bytes())
        z.writestr("城关镇/年报.docx", b"PK\x03\x04 this is not really a Word file")
        z.writestr("其他/石家庄市教育局2021年报.txt", SJZ_EDU.read_bytes())
        z.writestr("补报/补报材料.zip", nested.getvalue())
    return batch


def _run(args: list[str]) -> tuple[int, str]:
    res = CliRunner().invoke(app, args)
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    return res.exit_code, res.output


def _rows(ws: object) -> list[dict[str, object]]:
    rows = list(ws.iter_rows(values_only=True))  # type: ignore[attr-defined]
    head = rows[0]
    return [dict(zip(head, r, strict=True)) for r in rows[1:]]


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


@pytest.fixture(scope="module")
def first_round(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("round1")
    roster = _roster(tmp / "单位名单.csv")
    batch = build_batch(tmp)
    out = tmp / "第一轮"
    code, output = _run(
        [
            "notice",
            str(batch),
            "--roster",
            str(roster),
            "--out",
            str(out),
            "--office",
            "示范县人民政府办公室",
            "--date",
            "2025-01-20",
        ]
    )
    return {"tmp": tmp, "roster": roster, "out": out, "code": code, "output": output}


def test_round_exit_code_and_summary(first_round: dict[str, object]) -> None:
    assert first_round["code"] == 2  # 城关镇's file cannot be read
    out = str(first_round["output"])
    assert "应报 42 个单位" in out
    assert "已写出 8 份通知" in out
    assert "缺报 35" in out


def test_workbook_summary_sheet(first_round: dict[str, object]) -> None:
    out = Path(str(first_round["out"]))
    wb = openpyxl.load_workbook(out / f"核查汇总_{ROUND_YEAR}.xlsx")
    assert wb.sheetnames == ["汇总", "问题明细", "缺报与重复"]
    rows = _rows(wb["汇总"])
    assert len(rows) == 42  # every unit of the roster, in roster order
    by_unit = {r["单位"]: r for r in rows}
    assert [r["单位"] for r in rows[:8]] == [u[0] for u in REAL_UNITS]
    status = {u: by_unit[u]["状态"] for u, *_ in REAL_UNITS}
    assert status == {
        "巫山县巫峡镇人民政府": "需整改",
        "水城区阿戛镇人民政府": "通过",
        "桐柏县埠江镇人民政府": "通过",
        "乌苏市西大沟镇人民政府": "需整改",
        "娄烦县娄烦镇人民政府": "通过",
        "深圳市龙岗区住房和建设局": "需整改",
        "淮安市洪泽区人民政府": "缺报",  # sent its 2023 report instead
        "示范县城关镇人民政府": "无法读取",
    }
    assert all(by_unit[n]["状态"] == "缺报" for n in MADE_UP)
    w = by_unit["巫山县巫峡镇人民政府"]
    assert (w["错误"], w["警告"], w["年度"], w["文件"], w["地区"]) == (
        2,
        0,
        2024,
        f"{ROUND_YEAR}年度报告汇总.zip/巫峡镇/年报.txt",
        "巫山县",
    )
    assert by_unit["乌苏市西大沟镇人民政府"]["错误"] == 1 and by_unit["乌苏市西大沟镇人民政府"]["警告"] == 4
    assert by_unit["桐柏县埠江镇人民政府"]["备注"] == "重复报送 2 份"
    ws = wb["汇总"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    link = ws.cell(row=2, column=9).hyperlink
    assert link is not None
    target = link.target.replace("\\", "/")  # XlsxWriter writes Windows separators; Excel and WPS accept both
    assert target == "整改通知/整改通知_巫山县巫峡镇人民政府_2024.docx"
    assert (out / target).is_file()


def test_workbook_details_and_lists(first_round: dict[str, object]) -> None:
    out = Path(str(first_round["out"]))
    wb = openpyxl.load_workbook(out / f"核查汇总_{ROUND_YEAR}.xlsx")
    details = _rows(wb["问题明细"])
    wuxia = [r for r in details if r["单位"] == "巫山县巫峡镇人民政府"]
    # the two typed-wrong cells, each found as the root cause of the identities it breaks
    assert [r["规则编号"] for r in wuxia] == ["requests.balance", "requests.balance"]
    assert [(r["表格"], r["行"], r["列"], r["数值"], r["位置"]) for r in wuxia] == [
        ("三、收到和处理政府信息公开申请情况", "二、上年结转政府信息公开申请数量", "自然人", 3, "第93行"),
        ("三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量", "自然人", 5, "第84行"),
    ]
    advice = str(wuxia[1]["修改要求"])
    assert advice.startswith("逐列核对四个数")
    assert "参考：若其他数字无误，“一、本年新收政府信息公开申请数量·自然人”应为0" in advice
    unreadable = [r for r in details if r["级别"] == "无法读取"]
    assert [r["单位"] for r in unreadable] == ["示范县城关镇人民政府"]
    assert not any("requests." in str(r["问题"]) or "requests." in str(r["行"]) for r in details)

    lists = _rows(wb["缺报与重复"])
    kinds: dict[str, list[dict[str, object]]] = {}
    for r in lists:
        kinds.setdefault(str(r["类别"]), []).append(r)
    assert len(kinds["缺报"]) == 35
    assert "淮安市洪泽区人民政府" in {r["单位"] for r in kinds["缺报"]}
    assert [r["文件"] for r in kinds["重复报送"]] == [
        "2024年度报告汇总.zip/埠江镇/年报.txt",
        "2024年度报告汇总.zip/埠江镇/年报（修改后再次报送）.txt",
    ]
    assert [r["文件"] for r in kinds["未匹配名单的报告"]] == ["2024年度报告汇总.zip/其他/石家庄市教育局2021年报.txt"]
    assert {r["文件"] for r in kinds["其他年度的报告"]} == {
        "2024年度报告汇总.zip/其他/石家庄市教育局2021年报.txt",
        "2024年度报告汇总.zip/洪泽区/洪泽区年报.pdf",
    }
    skipped = {r["文件"]: r["说明"] for r in kinds["未读取的文件"]}
    assert skipped == {
        "2024年度报告汇总.zip/README.txt": "说明文件，不是年度报告",
        "2024年度报告汇总.zip/补报/补报材料.zip/娄烦镇/说明.txt": "说明文件，不是年度报告",
    }


def test_notice_of_unit_with_cell_errors(first_round: dict[str, object]) -> None:
    out = Path(str(first_round["out"]))
    text = _docx_text(out / "整改通知" / "整改通知_巫山县巫峡镇人民政府_2024.docx")
    assert "关于巫山县巫峡镇人民政府2024年度政府信息公开工作年度报告的整改通知" in text
    assert "存在错误 2 条、警告 0 条" in text
    assert "示范县人民政府办公室" in text and "2025年1月20日" in text and "张敏" in text
    # every finding, with its table, Chinese row and column labels, values as printed and place in the file
    assert "“二、上年结转政府信息公开申请数量·自然人”很可能有误：填写3，按所在等式推算偏多3" in text
    assert "“一、本年新收政府信息公开申请数量·自然人”很可能有误：填写5，按所在等式推算偏多5" in text
    assert "自然人列：本年新收(5)+上年结转(3)=8" in text
    assert "“本年新收”行：总计为0" in text and "“上年结转”行：总计为0" in text
    assert "最可能有误：一、本年新收政府信息公开申请数量·自然人（5）" in text
    assert "最可能有误：二、上年结转政府信息公开申请数量·自然人（3）" in text
    assert "一、本年新收政府信息公开申请数量：自然人（5）、总计（0）" in text
    assert "（七）总计：自然人（0）" in text and "四、结转下年度继续办理：自然人（0）" in text
    assert "第84行\n第90行\n第93行\n第332行\n第341行" in text  # the suspect's line first
    assert "逐列核对四个数" in text and "参考：若其他数字无误，“二、上年结转政府信息公开申请数量·自然人”应为0" in text
    assert "整改确认" in text and "日期：____年__月__日" in text
    assert "requests" not in text and "natural_person" not in text
    doc = Document(str(out / "整改通知" / "整改通知_巫山县巫峡镇人民政府_2024.docx"))
    assert [c.text for c in doc.tables[0].rows[0].cells] == [
        "序号",
        "问题",
        "表格与单元格",
        "位置",
        "修改要求",
        "整改确认",
    ]
    assert len(doc.tables[0].rows) == 3


def test_notice_of_unit_with_structural_findings_and_others(first_round: dict[str, object]) -> None:
    notices = Path(str(first_round["out"])) / "整改通知"
    text = _docx_text(notices / "整改通知_乌苏市西大沟镇人民政府_2024.docx")
    assert "存在错误 1 条、警告 4 条" in text
    assert "缺少第六部分“六、其他需要报告的事项”" in text
    assert "行标签“规范性文件”与标准不一致，应为“行政规范性文件”" in text
    assert text.count("【警告】") == 4 and text.count("【错误】") == 1
    unreadable = _docx_text(notices / "整改通知_示范县城关镇人民政府_2024.docx")
    assert "无法读取" in unreadable and "请重新报送能够正常打开的报告文件" in unreadable
    assert sorted(p.name for p in notices.iterdir()) == sorted(
        [
            "整改通知_巫山县巫峡镇人民政府_2024.docx",
            "核查结果_水城区阿戛镇人民政府_2024.docx",
            "核查结果_桐柏县埠江镇人民政府_2024.docx",
            "核查结果_桐柏县埠江镇人民政府_2024_2.docx",
            "整改通知_乌苏市西大沟镇人民政府_2024.docx",
            "核查结果_娄烦县娄烦镇人民政府_2024.docx",
            "整改通知_深圳市龙岗区住房和建设局_2024.docx",
            "整改通知_示范县城关镇人民政府_2024.docx",
        ]
    )
    dup = _docx_text(notices / "核查结果_桐柏县埠江镇人民政府_2024_2.docx")
    assert "共报送了 2 份文件（重复报送）" in dup
    with zipfile.ZipFile(Path(str(first_round["out"])) / "notices.zip") as z:
        assert sorted(z.namelist()) == sorted(p.name for p in notices.iterdir())
    html = (Path(str(first_round["out"])) / "网页版" / "整改通知_巫山县巫峡镇人民政府_2024.html").read_text(
        encoding="utf-8"
    )
    assert "最可能有误：一、本年新收政府信息公开申请数量·自然人（5）" in html and "<table" in html


def test_recheck_round(first_round: dict[str, object]) -> None:
    tmp = Path(str(first_round["tmp"]))
    resubmitted = tmp / "再次报送"
    (resubmitted / "巫峡镇").mkdir(parents=True)
    (resubmitted / "巫峡镇" / "年报.txt").write_text(wuxia_resubmitted(), encoding="utf-8")
    (resubmitted / "西大沟镇").mkdir()
    (resubmitted / "西大沟镇" / "年报.txt").write_bytes(XIDAGOU.read_bytes())
    out = tmp / "第二轮"
    baseline = Path(str(first_round["out"])) / "round.json"
    assert json.loads(baseline.read_text(encoding="utf-8"))["schema"] == "gongkai.round/1"
    code, output = _run(
        [
            "notice",
            str(resubmitted),
            "--roster",
            str(first_round["roster"]),
            "--baseline",
            str(baseline),
            "--out",
            str(out),
            "--date",
            "2025-02-10",
        ]
    )
    assert code == 1, output
    assert "复核（对照 round.json）：2 份报告，已整改 1 条" in output
    wb = openpyxl.load_workbook(out / f"核查汇总_{ROUND_YEAR}.xlsx")
    summary = {r["单位"]: r for r in _rows(wb["汇总"])}
    assert summary["巫山县巫峡镇人民政府"]["复核"] == "已整改 1 条，仍有 1 条未改，新增 1 条"
    assert summary["乌苏市西大沟镇人民政府"]["复核"] == "已整改 0 条，仍有 5 条未改"
    assert summary["桐柏县埠江镇人民政府"]["复核"] == "上一轮已通过，无需重新报送"
    assert summary["深圳市龙岗区住房和建设局"]["复核"] == "上一轮需整改，本轮未重新报送"
    assert summary["示范县城关镇人民政府"]["复核"] == "上一轮无法读取，本轮未重新报送"
    assert summary["示范县教育局"]["复核"] == "上一轮缺报，本轮仍未报送"
    details = [r for r in _rows(wb["问题明细"]) if r["单位"] == "巫山县巫峡镇人民政府"]
    states = sorted((str(r["复核状态"]), str(r["规则编号"])) for r in details)
    assert states == [
        ("仍未整改", "requests.balance"),
        ("已整改", "requests.balance"),
        ("新发现", "review_litigation.sum"),
    ]
    fixed = next(r for r in details if r["复核状态"] == "已整改")
    assert str(fixed["问题"]).startswith("“一、本年新收政府信息公开申请数量·自然人”很可能有误")
    assert str(fixed["行"]).startswith("一、本年新收政府信息公开申请数量；二、上年结转政府信息公开申请数量")
    assert fixed["位置"] == "第84行、第90行、第93行、第332行、第341行"
    assert "总计" in str(fixed["列"]) and "自然人" in str(fixed["列"])
    new = next(r for r in details if r["复核状态"] == "新发现")
    # one slip the sums cannot pin down: both candidate cells listed
    assert (new["表格"], new["行"], new["列"], new["数值"]) == ("四、政府信息公开行政复议、行政诉讼情况", "行政复议", "总计；结果维持", "0；2")
    text = _docx_text(out / "整改通知" / "整改通知_巫山县巫峡镇人民政府_2024.docx")
    assert "已整改 1 条，仍未整改 1 条，新发现 1 条" in text
    assert "【仍未整改】" in text and "【新发现】" in text
    assert "已整改1：“一、本年新收政府信息公开申请数量·自然人”很可能有误" in text


def test_check_json_is_a_baseline_too(first_round: dict[str, object]) -> None:
    """`gongkai check --format json` of the first batch serves as the baseline as well as round.json."""
    tmp = Path(str(first_round["tmp"]))
    res = CliRunner().invoke(
        app, ["check", str(tmp / f"{ROUND_YEAR}年度报告汇总.zip"), "--roster", str(first_round["roster"]), "--format", "json"]
    )
    assert res.exit_code == 2
    baseline = tmp / "第一轮核查结果.json"
    baseline.write_text(res.stdout, encoding="utf-8")
    again = tmp / "只交巫峡镇"
    (again / "巫峡镇").mkdir(parents=True)
    (again / "巫峡镇" / "年报.txt").write_text(WUXIA.read_text(encoding="utf-8"), encoding="utf-8")  # all fixed
    out = tmp / "第三轮"
    code, output = _run(["notice", str(again), "--baseline", str(baseline), "--out", str(out)])
    assert code == 0, output
    rows = _rows(openpyxl.load_workbook(out / f"核查汇总_{ROUND_YEAR}.xlsx")["汇总"])
    assert [(r["单位"], r["状态"], r["复核"]) for r in rows] == [("巫山县巫峡镇人民政府", "通过", "已整改 2 条")]
    assert sorted(p.name for p in (out / "整改通知").iterdir()) == ["核查结果_巫山县巫峡镇人民政府_2024.docx"]


def test_output_inside_the_batch_is_refused(tmp_path: Path) -> None:
    (tmp_path / "年报.txt").write_text(WUXIA.read_text(encoding="utf-8"), encoding="utf-8")
    res = CliRunner().invoke(app, ["notice", str(tmp_path), "--out", str(tmp_path / "结果")])
    assert res.exit_code == 2 and "不能放在收到的报告所在的文件夹" in res.output
    assert not (tmp_path / "结果").exists()


def test_a_second_run_replaces_the_notices(tmp_path: Path) -> None:
    batch = tmp_path / "收件"
    batch.mkdir()
    (batch / "年报.txt").write_text(wuxia_with_errors(), encoding="utf-8")
    out = tmp_path / "结果"
    assert _run(["notice", str(batch), "--out", str(out)])[0] == 1
    (batch / "年报.txt").write_text(WUXIA.read_text(encoding="utf-8"), encoding="utf-8")
    (out / "整改通知" / "我的备注.docx").write_bytes(b"kept")
    assert _run(["notice", str(batch), "--out", str(out)])[0] == 0
    assert sorted(p.name for p in (out / "整改通知").iterdir()) == ["我的备注.docx", "核查结果_巫山县巫峡镇人民政府_2024.docx"]
    assert sorted(p.name for p in (out / "网页版").iterdir()) == ["核查结果_巫山县巫峡镇人民政府_2024.html"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--roster", "__missing__.csv"], "无法读取名单文件"),
        (["--baseline", "__missing__.json"], "无法使用"),
        (["--template", "__missing__.docx"], "无法打开 Word 模板"),
        (["--date", "2025/1/20"], "日期格式不正确"),
    ],
)
def test_usage_errors_are_chinese_messages(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "年报.txt").write_text(WUXIA.read_text(encoding="utf-8"), encoding="utf-8")
    res = CliRunner().invoke(app, ["notice", str(tmp_path / "年报.txt"), "--out", str(tmp_path / "out"), *args])
    assert res.exit_code == 2, res.output
    assert message in res.output and "Traceback" not in res.output


def test_every_finding_of_the_round_is_in_its_notice(first_round: dict[str, object]) -> None:
    """Against round.json: each warning and error of each report is in its unit's Word notice, with the
    Chinese row and column of every cell it names, and never an internal key."""
    out = Path(str(first_round["out"]))
    data = json.loads((out / "round.json").read_text(encoding="utf-8"))
    notices = {p.name: _docx_text(p) for p in (out / "整改通知").iterdir()}
    checked = 0
    for f in data["files"]:
        if not f["readable"] or f["unit"] not in {u[0] for u in REAL_UNITS} or f["meta"]["year"] != ROUND_YEAR:
            continue
        text = next(t for name, t in notices.items() if f"_{f['unit']}_" in name)
        for finding in f["findings"]:
            if finding["severity"] == "info":
                continue
            assert finding["message"] in text
            for label in finding["labels"]:
                row, _, col = label.rpartition("·")
                assert row in text and col in text
            for cell in finding["cells"]:
                assert cell not in text
            checked += 1
    assert checked == 2 + 5 + 5  # 巫峡镇, 西大沟镇, 龙岗区住房和建设局
