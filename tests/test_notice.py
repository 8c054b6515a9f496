"""The notice's faces on their own: Word (default layout and the office's template), HTML, names, zip."""

from __future__ import annotations

import html
import io
import zipfile
from datetime import date
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.notice.batch import notices_zip, round_notices, safe_name
from gongkai.notice.content import CellRef, Notice, NoticeItem
from gongkai.notice.docx import notice_docx_bytes, xml_safe
from gongkai.notice.html import notice_fragment, notice_page
from gongkai.notice.wording import compact_locations, display_file, location_lines
from gongkai.round import Roster, run_round
from tests.test_round_e2e import XIDAGOU, wuxia_with_errors


def _round(tmp: Path, roster_csv: str | None = None):  # type: ignore[no-untyped-def]
    (tmp / "巫峡镇").mkdir()
    (tmp / "巫峡镇" / "年报.txt").write_text(wuxia_with_errors(), encoding="utf-8")
    (tmp / "西大沟镇").mkdir()
    (tmp / "西大沟镇" / "年报.txt").write_bytes(XIDAGOU.read_bytes())
    roster = Roster.parse(roster_csv.encode("utf-8")) if roster_csv else None
    return run_round([tmp], roster=roster)


def test_word_notice_default_layout(tmp_path: Path) -> None:
    rnd = _round(tmp_path)
    nf = next(n for n in round_notices(rnd, office="巫山县人民政府办公室", issued=date(2025, 1, 20)) if "巫峡镇" in n.stem)
    doc = Document(io.BytesIO(notice_docx_bytes(nf.notice)))
    body, attachment = doc.sections
    assert round(body.page_width.cm, 1) == 21.0 and round(body.top_margin.cm, 1) == 3.7
    assert attachment.page_width > attachment.page_height  # the list is on landscape pages
    title = doc.paragraphs[0]
    fonts = title.runs[0]._element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title.text == "关于巫山县巫峡镇人民政府2024年度政府信息公开工作年度报告的整改通知"
    body_run = doc.paragraphs[2].runs[0]._element.rPr.find(qn("w:rFonts"))
    assert body_run.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert "巫山县人民政府办公室" in [p.text for p in doc.paragraphs]
    assert "2025年1月20日" in [p.text for p in doc.paragraphs]
    rows = doc.tables[0].rows
    assert [c.text for c in rows[0].cells] == ["序号", "问题", "表格与单元格", "位置", "修改要求", "整改确认"]
    assert rows[2].cells[3].text == "第84行\n第90行\n第93行\n第332行\n第341行"
    assert rows[2].cells[2].text.splitlines()[:2] == [
        "三、收到和处理政府信息公开申请情况",
        "最可能有误：一、本年新收政府信息公开申请数量·自然人（5）",
    ]


def test_word_notice_on_the_office_template(tmp_path: Path) -> None:
    letterhead = Document()
    letterhead.sections[0].header.paragraphs[0].text = "示范县人民政府办公室（红头）"
    letterhead.add_paragraph("示范县人民政府办公室文件")
    template = tmp_path / "红头.docx"
    letterhead.save(str(template))
    batch = tmp_path / "batch"
    batch.mkdir()
    rnd = _round(batch)
    nf = next(n for n in round_notices(rnd) if "巫峡镇" in n.stem)
    doc = Document(io.BytesIO(notice_docx_bytes(nf.notice, template=template)))
    assert doc.sections[0].header.paragraphs[0].text == "示范县人民政府办公室（红头）"
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "示范县人民政府办公室文件"  # the template's content stays first
    assert "关于巫山县巫峡镇人民政府2024年度政府信息公开工作年度报告的整改通知" in texts
    assert len(doc.tables[0].rows) == 3


def test_html_escapes_report_text(tmp_path: Path) -> None:
    rnd = _round(tmp_path)
    nf = next(n for n in round_notices(rnd) if "巫峡镇" in n.stem)
    nf.notice.unit = "<script>alert(1)</script>镇"
    nf.notice.items[0].message = "a < b & c"
    frag = notice_fragment(nf.notice)
    assert "<script>" not in frag and "&lt;script&gt;" in frag and "a &lt; b &amp; c" in frag
    assert frag.lstrip().startswith("<article") and "<html" not in frag
    page = notice_page(nf.notice)
    assert page.startswith("<!doctype html>") and "@page" in page and "&lt;script&gt;" in page


def test_same_names_never_overwrite(tmp_path: Path) -> None:
    rnd = _round(tmp_path)
    for e in rnd.entries:  # two units that print the same name
        e.report.meta.agency = "某某镇人民政府"
    files = round_notices(rnd)
    assert len({f.stem for f in files}) == len(files) == 2
    with zipfile.ZipFile(io.BytesIO(notices_zip(files, render=lambda n: n.unit.encode()))) as z:
        assert len(z.namelist()) == 2 and all(i.flag_bits & 0x800 for i in z.infolist())


@given(st.text())
def test_safe_name_is_always_a_file_name(text: str) -> None:
    name = safe_name(text)
    assert name and len(name) <= 60
    assert not any(ch in name for ch in '\\/:*?"<>|') and not any(ord(ch) < 32 for ch in name)
    assert name not in (".", "..")


def test_display_file_and_locations() -> None:
    assert display_file("/home/office/收件/2024.zip/巫峡镇/年报.txt") == "2024.zip/巫峡镇/年报.txt"
    assert display_file("C:\\收件\\年报.pdf") == "年报.pdf"
    assert display_file("巫峡镇/年报.txt") == "巫峡镇/年报.txt"


def test_location_lines_group_consecutive_lines(tmp_path: Path) -> None:
    rnd = _round(tmp_path)
    nf = next(n for n in round_notices(rnd) if "巫峡镇" in n.stem)
    assert [location_lines(i) for i in nf.notice.items] == [  # the suspect's line first
        ["第93行", "第84行", "第99行", "第332行", "第341行"],
        ["第84行", "第90行", "第93行", "第332行", "第341行"],
    ]
    assert compact_locations(["第86行", "第84行", "第85行", "第90行", "第84行"]) == ["第84–86行", "第90行"]
    assert compact_locations(["第3页第2个表格第5行", "第72行", ""]) == ["第3页第2个表格第5行", "第72行"]


def test_unmatched_report_gets_a_note(tmp_path: Path) -> None:
    rnd = _round(tmp_path, "单位名称\n巫山县巫峡镇人民政府\n")
    files = round_notices(rnd)
    other = next(f for f in files if f.entry.unit is None)
    assert other.notice.unit == "乌苏市西大沟镇人民政府"
    assert any("未能与报送名单中的单位对应" in n for n in other.notice.notes)


_ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@given(unit=_ANY_TEXT, message=_ANY_TEXT, value=_ANY_TEXT)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_from_a_report_renders(tmp_path: Path, unit: str, message: str, value: str) -> None:
    """Whatever a report prints (control characters, markup, surrogates excluded by UTF-8) the Word and HTML
    notices are written, and the text comes back: in Word without the characters XML forbids, in HTML escaped."""
    n = Notice(unit=unit, year=2024, file="年报.txt", status="需整改", items=[
        NoticeItem(no=1, severity="error", rule="requests.row_total", rule_title="", message=message, advice="改正。",
                   cells=[CellRef("requests.granted.total", "三、收到和处理政府信息公开申请情况", "（一）予以公开", "总计", value, "第3行")])
    ], issued=date(2025, 1, 20))
    doc = Document(io.BytesIO(notice_docx_bytes(n)))
    table_text = "\n".join(c.text for row in doc.tables[0].rows for c in row.cells)
    assert xml_safe(message) in table_text and xml_safe(value) in table_text
    assert any(xml_safe(unit) in p.text for p in doc.paragraphs)
    frag = notice_fragment(n)
    assert html.escape(message, quote=False) in frag.replace("&#34;", '"').replace("&#39;", "'")


def test_pdf_report_notice_names_page_and_table() -> None:
    """The corpus PDF (洪泽区 2023): its table 四 totals are 0 while the results add up; the notice says where."""
    pdf = Path(__file__).parent / "fixtures" / "corpus" / "pdf" / "002_huaian_hongze_district_2023.pdf"
    rnd = run_round([pdf])
    (nf,) = round_notices(rnd, issued=date(2025, 1, 20))
    assert nf.stem == "整改通知_洪泽区人民政府_2023"
    doc = Document(io.BytesIO(notice_docx_bytes(nf.notice)))
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows[1:]]
    first = rows[0]
    assert "行政复议：结果维持(10)+结果纠正(1)+其他结果(0)+尚未审结(0)=11，但总计为0" in first[1]
    assert first[2].splitlines() == [
        "四、政府信息公开行政复议、行政诉讼情况",
        "最可能有误：行政复议·总计（0）",
        "行政复议：总计（0）、结果维持（10）、结果纠正（1）、其他结果（0）、尚未审结（0）",
    ]
    assert "参考：若其他数字无误，“行政复议·总计”应为11" in first[4]
    second = rows[1]  # the sums cannot tell which of two cells is wrong
    assert "可能有误（其中之一）：行政诉讼·复议后起诉·总计（0）、行政诉讼·复议后起诉·结果维持（5）" in second[2]
    assert first[3] == "第4页第3个表格第4行"
    assert any(r[3] == "第4页第2个表格第24行" and "（六）其他处理：总计（0）" in r[2] for r in rows)


def test_round_documents_in_memory(tmp_path: Path) -> None:
    """What the web face serves: the same files the CLI writes, without a disk."""
    from gongkai.notice.documents import round_documents

    rnd = _round(tmp_path)
    docs = round_documents(rnd, office="巫山县人民政府办公室", issued=date(2025, 1, 20))
    assert sorted(docs.files) == [
        "notices.zip",
        "round.json",
        "整改通知/整改通知_乌苏市西大沟镇人民政府_2024.docx",
        "整改通知/整改通知_巫山县巫峡镇人民政府_2024.docx",
        "核查汇总_2024.xlsx",
        "网页版/整改通知_乌苏市西大沟镇人民政府_2024.html",
        "网页版/整改通知_巫山县巫峡镇人民政府_2024.html",
    ]
    assert docs.workbook == "核查汇总_2024.xlsx"
    with zipfile.ZipFile(io.BytesIO(docs.files["notices.zip"])) as z:
        assert z.read("整改通知_巫山县巫峡镇人民政府_2024.docx") == docs.files["整改通知/整改通知_巫山县巫峡镇人民政府_2024.docx"]
