"""Rendering: random consistent reports → DOCX / HTML / JSON → DOCX → read back exactly; the Word
tables have the official template's grid; the CLI stops on errors and says where and how to fix."""

from __future__ import annotations

import io
import re
import zipfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.model import Report
from gongkai.pipeline import process_bytes, process_path
from gongkai.render import render_docx, render_html, report_from_form, suggest, values_from_report, verify
from gongkai.render.layout import computed_paths
from gongkai.render.narrative import SUGGESTION_MARK
from tests.synth import reports

ROOT = Path(__file__).parent
TEMPLATE = ROOT / "fixtures" / "template_2021.docx"
HONGZE = ROOT / "fixtures" / "corpus" / "pdf" / "002_huaian_hongze_district_2023.pdf"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def writer_reports(
    draw: st.DrawFn, templates: tuple[str, ...] = ("2021", "2019", "mixed"), scales: tuple[int, ...] = (1, 1, 1000, 987_654)
) -> Report:
    """Consistent reports as writers fill them: zeros left blank, big numbers, fee amounts with decimals."""
    report = draw(reports(templates))
    scale = draw(st.sampled_from(scales))
    version = "2019" if report.meta.template == "2019" else "2021"
    computed = computed_paths(version)  # type: ignore[arg-type]
    for table in ("requests", "review_litigation"):
        grid = getattr(report, table)
        for row, cols in grid.items():
            for col, v in cols.items():
                path = f"{table}.{row}.{col}"
                cols[col] = v * scale if table == "requests" else v
                if cols[col] == 0 and path not in computed and draw(st.booleans()):
                    cols[col] = None  # a zero the writer left blank
    active = report.active or {}
    for cols in active.values():
        for col, v in cols.items():
            if v == 0 and draw(st.booleans()):
                cols[col] = None
    if "amount" in active.get("fees", {}) and active["fees"]["amount"] is not None:
        active["fees"]["amount"] = draw(st.sampled_from([0.01, 7730.28, 96171.6, 12.5, 3, 100000.05]))
    if "procurement" in active:
        active["procurement"]["amount"] = draw(st.sampled_from([251000, 1234.56, 0.5]))
    return report


@cache
def _one(template: str) -> Report:
    quick = settings(phases=[Phase.generate], derandomize=True, database=None)
    return find(reports((template,)), lambda r: True, settings=quick)


def one(template: str = "2021") -> Report:
    """A fixed small report (the simplest the strategy makes), a fresh copy each time."""
    return _one(template).model_copy(deep=True)


def assert_same(expected: Report, got: Report) -> None:
    assert got.cells() == expected.cells(), sorted(set(got.cells().items()) ^ set(expected.cells().items()), key=str)
    assert (got.meta.agency, got.meta.year, got.meta.published) == (
        expected.meta.agency,
        expected.meta.year,
        expected.meta.published,
    )
    assert got.meta.template == expected.meta.template
    assert [s.no for s in got.sections] == [1, 2, 3, 4, 5, 6]
    assert got.errors == [], [f.message for f in got.errors]


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    return "".join(t.text or "" for t in root.iter(f"{W}t"))


# ---------------------------------------------------------------- round trips
@SETTINGS
@given(report=writer_reports())
def test_docx_round_trip(report: Report) -> None:
    data = render_docx(report)
    assert_same(report, process_bytes(data, "r.docx").report)


@SETTINGS
@given(report=writer_reports(), chrome=st.booleans())
def test_html_round_trip_with_blanks_and_big_numbers(report: Report, chrome: bool) -> None:
    html = render_html(report, page_chrome=chrome)
    assert_same(report, process_bytes(html.encode("utf-8"), "r.html").report)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(report=writer_reports())
def test_json_to_docx_through_the_cli(report: Report, tmp_path: Path) -> None:
    src = tmp_path / "r.json"
    src.write_text(report.to_json(), encoding="utf-8")
    out = tmp_path / "r.docx"
    res = CliRunner().invoke(app, ["render", str(src), "--format", "docx", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert_same(report, process_path(out).report)


@SETTINGS
@given(report=writer_reports())
def test_form_values_make_the_same_report(report: Report) -> None:
    version = "2019" if report.meta.template == "2019" else "2021"
    if report.meta.template == "mixed":
        return  # the form has one version; mixed reports are re-issued from files, tested above
    got = report_from_form(values_from_report(report), version)  # type: ignore[arg-type]
    assert_same(report, got)


def test_a_wrong_number_in_the_form_is_named() -> None:
    report = one()
    values = values_from_report(report)
    values["requests.granted.natural_person"] = str(int(values["requests.granted.natural_person"]) + 3)
    got = report_from_form(values)
    assert got.value("requests.granted.natural_person") == report.value("requests.granted.natural_person") + 3
    named = {c for f in got.errors for c in f.cells}
    assert "requests.granted.natural_person" in named
    # one finding for the one wrong cell (its row total and the results sum folded under it)
    assert [f.suspect for f in got.errors] == ["requests.granted.natural_person"]


# ---------------------------------------------------------------- the official template's grid
def _grids(data: bytes) -> list[tuple[list[str], list[list[tuple[int, str]]]]]:
    """Each table: its grid widths, and per row the (gridSpan, vMerge) of every w:tc."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    out = []
    for tbl in root.iter(f"{W}tbl"):
        widths = [g.get(f"{W}w") for g in tbl.find(f"{W}tblGrid")]
        rows = []
        for tr in tbl.findall(f"{W}tr"):
            cells = []
            for tc in tr.findall(f"{W}tc"):
                span = tc.find(f"{W}tcPr/{W}gridSpan")
                merge = tc.find(f"{W}tcPr/{W}vMerge")
                state = "" if merge is None else merge.get(f"{W}val") or "continue"
                cells.append((int(span.get(f"{W}val")) if span is not None else 1, state))
            rows.append(cells)
        out.append((widths, rows))
    return out


def _labels(data: bytes) -> list[list[str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    out = []
    for tbl in root.iter(f"{W}tbl"):
        texts = []
        for tc in tbl.iter(f"{W}tc"):
            t = re.sub(r"\s", "", "".join(x.text or "" for x in tc.iter(f"{W}t")))
            if t and not re.fullmatch(r"[\d.]+", t):
                texts.append(t)
        out.append(texts)
    return out


def test_docx_tables_have_the_official_grid_and_labels() -> None:
    template = TEMPLATE.read_bytes()
    ours = render_docx(one())
    assert _grids(ours) == _grids(template)
    assert _labels(ours) == _labels(template)


def test_docx_uses_the_template_styles_and_page() -> None:
    ours = zipfile.ZipFile(io.BytesIO(render_docx(one())))
    official = zipfile.ZipFile(TEMPLATE)
    for part in ("word/styles.xml", "word/fontTable.xml", "word/settings.xml", "word/theme/theme1.xml"):
        assert ours.read(part) == official.read(part)
    sect = re.search(rb"<w:sectPr.*</w:sectPr>", official.read("word/document.xml"))
    assert sect is not None and sect.group(0) in ours.read("word/document.xml")
    xml = ours.read("word/document.xml").decode("utf-8")
    assert 'w:eastAsia="宋体"' in xml and "一、总体情况" in xml and "六、其他需要报告的事项" in xml


def test_2019_data_get_the_2019_tables() -> None:
    report = one("2019")
    text = docx_text(render_docx(report))
    assert "本年新制作数量" in text and "采购总金额" in text and "第二十条第（九）项" in text
    assert "本年制发件数" not in text and "逾期不补正" not in text


@given(report=writer_reports())
@settings(max_examples=10, deadline=None)
def test_internal_keys_never_in_documents(report: Report) -> None:
    html = lxml_html.fromstring(render_html(report)).text_content()
    text = docx_text(render_docx(report))
    for key in ("natural_person", "new_received", "review_litigation", "requests.", "active.", "in_force"):
        assert key not in text and key not in html


# ---------------------------------------------------------------- checks before rendering
def test_cli_stops_on_errors_with_cell_and_fix(tmp_path: Path) -> None:
    out = tmp_path / "hongze.docx"
    res = CliRunner().invoke(app, ["render", str(HONGZE), "--format", "docx", "--out", str(out)])
    assert res.exit_code == 1
    assert not out.exists()
    assert "行政复议：结果维持(10)+结果纠正(1)+其他结果(0)+尚未审结(0)=11，但总计为0" in res.output
    assert "单元格：行政复议·总计" in res.output
    assert "改法：核对该组四项结果之和与“总计”，改正其一。" in res.output


def test_force_renders_without_claiming_to_pass(tmp_path: Path) -> None:
    out = tmp_path / "hongze.docx"
    res = CliRunner().invoke(app, ["render", str(HONGZE), "--format", "docx", "--out", str(out), "--force"])
    assert res.exit_code == 1 and out.exists()
    with zipfile.ZipFile(out) as zf:
        props = zf.read("docProps/custom.xml").decode("utf-8") + zf.read("docProps/core.xml").decode("utf-8")
    assert "未通过核查：有 2 个错误" in props and "核查无错误" not in props
    # the messy PDF re-issued in the standard form says the same numbers
    original = process_path(HONGZE).report
    again = process_path(out).report
    assert again.cells() == original.cells()
    assert again.value("review_litigation.review.upheld") == 10 and again.value("review_litigation.review.total") == 0
    assert "structure.label_variant" not in {f.rule for f in again.findings}  # labels are now the standard's
    assert {f.key for f in again.errors} == {f.key for f in original.errors}


def test_a_clean_report_says_so(tmp_path: Path) -> None:
    report = one()
    src = tmp_path / "r.json"
    src.write_text(report.to_json(), encoding="utf-8")
    out = tmp_path / "r.html"
    res = CliRunner().invoke(app, ["render", str(src), "--format", "html", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "核查无错误" in out.read_text(encoding="utf-8")


def test_bad_json_is_a_clear_message(tmp_path: Path) -> None:
    src = tmp_path / "bad.json"
    src.write_text('{"meta": {"year": "去年"}}', encoding="utf-8")
    res = CliRunner().invoke(app, ["render", str(src), "--format", "docx", "--out", str(tmp_path / "x.docx")])
    assert res.exit_code == 2
    assert "报告 JSON 不符合格式（report-schema）：meta.year" in res.output and "Traceback" not in res.output


def test_missing_tables_and_empty_sections_are_not_papered_over(tmp_path: Path) -> None:
    report = one()
    report.review_litigation = None
    report.sections[4].text = ""  # 五 empty
    report.sections[2].text = ""  # 三 may hold only its table, as in the template
    src = tmp_path / "r.json"
    src.write_text(report.to_json(), encoding="utf-8")
    res = CliRunner().invoke(app, ["render", str(src), "--out", str(tmp_path / "r.docx")])
    assert res.exit_code == 1 and not (tmp_path / "r.docx").exists()
    assert "未找到“四、政府信息公开行政复议、行政诉讼情况”统计表" in res.output
    assert "缺少第五部分“五、存在的主要问题及改进情况”" in res.output
    assert "缺少第三部分" not in res.output


def test_pdf_without_libreoffice_is_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gongkai.render.pdf as pdf

    monkeypatch.setattr(pdf, "office", lambda: None)
    src = tmp_path / "r.json"
    src.write_text(one().to_json(), encoding="utf-8")
    res = CliRunner().invoke(app, ["render", str(src), "--format", "pdf", "--out", str(tmp_path / "r.pdf")])
    assert res.exit_code == 2
    assert "生成 PDF 需要 LibreOffice" in res.output and not (tmp_path / "r.pdf").exists()


# ---------------------------------------------------------------- suggested narrative
@SETTINGS
@given(report=writer_reports(("2021",)))
def test_suggested_sentences_agree_with_the_tables(report: Report) -> None:
    lines = suggest(report)
    assert set(lines) == {2, 3, 4}
    assert f"本年新收到政府信息公开申请{int(report.value('requests.new_received.total') or 0)}件" in lines[3]
    for s in report.sections:
        if s.no in lines:
            s.text = lines[s.no]
    checked = verify(report)
    assert not [f for f in checked.findings if f.rule.startswith("narrative.")], [f.message for f in checked.findings]
    assert lines[4] in docx_text(render_docx(report))  # the writer put it in: then it is printed


def test_suggestions_are_shown_marked_and_not_inserted(tmp_path: Path) -> None:
    report = one()
    src = tmp_path / "r.json"
    src.write_text(report.to_json(), encoding="utf-8")
    out = tmp_path / "r.docx"
    res = CliRunner().invoke(app, ["render", str(src), "--out", str(out), "--suggest"])
    assert res.exit_code == 0, res.output
    assert SUGGESTION_MARK in res.output and "本年新收到政府信息公开申请" in res.output
    assert "本年新收到政府信息公开申请" not in docx_text(out.read_bytes())


# ---------------------------------------------------------------- the web 填报 form's pieces
@pytest.mark.parametrize("version", ["2021", "2019"])
def test_form_has_an_input_per_cell_and_live_totals(version: str) -> None:
    from gongkai.render import form_tables_html
    from gongkai.render.layout import layouts

    report = one(version)
    values = values_from_report(report, layouts(version))  # type: ignore[arg-type]
    page = lxml_html.fromstring(f"<form>{form_tables_html(version, values)}</form>")  # type: ignore[arg-type]
    computed = computed_paths(version)  # type: ignore[arg-type]
    inputs = {el.get("name"): el.get("value") for el in page.iter("input")}
    outputs = {el.get("name"): el.get("data-sum").split() for el in page.iter("output")}
    paths = [p for t in layouts(version) for p in t.paths()]  # type: ignore[arg-type]
    assert set(outputs) == set(computed) and set(inputs) | set(outputs) == set(paths)
    # totals add up typed cells, or totals drawn before them (the script sums in page order)
    order = [el.get("name") for el in page.iter("input", "output")]
    for path, refs in outputs.items():
        assert all(r in inputs or order.index(r) < order.index(path) for r in refs), path
    # what the form posts makes the same report
    posted = {**{k: v for k, v in values.items() if not k.startswith(("requests.", "active.", "review_"))}, **inputs}
    posted.update({path: values[path] for path in outputs})
    assert_same(report, report_from_form(posted, version))  # type: ignore[arg-type]
