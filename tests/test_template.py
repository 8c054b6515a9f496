"""The fill-in workbook: filled by a program (openpyxl, as a person would in Excel), read back exactly,
rendered to Word / HTML / PDF and read back again; protection, validation, formulas, the check row,
and the prefill from last year's report."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.model import Report
from gongkai.pipeline import process_bytes, process_path
from gongkai.read import ReadError, read_bytes
from gongkai.render import build_workbook, render_docx, render_html, template_values, values_from_report
from gongkai.render.layout import computed_paths, layouts
from gongkai.render.workbook import INFO_SHEET, TABLE_SHEETS, workbook_cells
from tests.test_render import HONGZE, assert_same, one, writer_reports

SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


def _version(report: Report) -> str:
    return "2019" if report.meta.template == "2019" else "2021"


def fill(report: Report, date_style: str = "iso", data: bytes | None = None) -> bytes:
    """A blank workbook with the report's numbers and texts typed into its input cells."""
    version = _version(report)
    wb = openpyxl.load_workbook(io.BytesIO(data or build_workbook(version)))  # type: ignore[arg-type]
    values = values_from_report(report, layouts(version))  # type: ignore[arg-type]
    computed = computed_paths(version)  # type: ignore[arg-type]
    for path, ref in workbook_cells(version).items():  # type: ignore[arg-type]
        if path in computed:
            continue
        text = values.get(path, "")
        cell = wb[ref.sheet][ref.a1]
        if path == "meta.year":
            cell.value = int(text)
        elif path == "meta.published":
            y, m, d = (int(x) for x in text.split("-"))
            cell.value = {"iso": text, "date": dt.datetime(y, m, d), "chinese": f"{y}年{m}月{d}日"}[date_style]
        elif path.startswith(("sections.", "meta.")):
            cell.value = text
        elif text:
            cell.value = float(text) if "." in text else int(text)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@SETTINGS
@given(report=writer_reports(("2021", "2019")), date_style=st.sampled_from(["iso", "date", "chinese"]))
def test_filled_workbook_reads_back_exactly(report: Report, date_style: str) -> None:
    got = process_bytes(fill(report, date_style), "填报表.xlsx").report
    assert got.source.kind == "xlsx"
    assert_same(report, got)


@SETTINGS
@given(report=writer_reports(("2021", "2019")))
def test_workbook_to_docx_and_html_read_back_exactly(report: Report) -> None:
    from_workbook = process_bytes(fill(report), "填报表.xlsx").report
    assert_same(report, process_bytes(render_docx(from_workbook), "r.docx").report)
    assert_same(report, process_bytes(render_html(from_workbook).encode("utf-8"), "r.html").report)


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@pytest.mark.parametrize("template", ["2021", "2019"])
@given(data=st.data())
def test_workbook_to_pdf_through_the_cli(template: str, data: st.DataObject, tmp_path: Path) -> None:
    """LibreOffice is slow: few examples, each through the whole path a writer takes.

    Numbers up to six digits (a unit's requests in a year); longer ones are printed smaller in Word
    and are read exactly from DOCX and HTML (tests above), but a PDF's text layer may break them.
    """
    report = data.draw(writer_reports((template,), scales=(1, 1000)))
    src = tmp_path / "填报表.xlsx"
    src.write_bytes(fill(report))
    out = tmp_path / "年报.pdf"
    res = CliRunner().invoke(app, ["render", str(src), "--format", "pdf", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert_same(report, process_path(out).report)


# ---------------------------------------------------------------- what the workbook is like
def test_inputs_unlocked_everything_else_protected() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(build_workbook("2021")))
    cells = workbook_cells("2021")
    computed = computed_paths("2021")
    for name in (INFO_SHEET, *TABLE_SHEETS.values()):
        assert wb[name].protection.sheet
    for path, ref in cells.items():
        cell = wb[ref.sheet][ref.a1]
        if path in computed:
            assert cell.protection.locked and str(cell.value).startswith("=SUM(")
        else:
            assert not cell.protection.locked, path
    table = wb[TABLE_SHEETS["requests"]]
    assert table["A4"].value == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert table["A4"].protection.locked
    assert "A4:C6" in {str(r) for r in table.merged_cells.ranges}
    assert wb["gongkai"].sheet_state == "hidden"


def test_formulas_validation_and_the_check_row() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(build_workbook("2021")))
    cells = workbook_cells("2021")
    req = wb[TABLE_SHEETS["requests"]]
    total = req[cells["requests.granted.total"].a1].value
    np = [cells[f"requests.granted.{c}"].a1 for c in ("natural_person", "other_org")]
    assert total.startswith("=SUM(" + np[0]) and total.endswith(np[1] + ")")
    seven = req[cells["requests.total_processed.natural_person"].a1].value
    assert seven.count(",") == 20  # the 21 result rows of the 2021 table, （一） to （六）3.
    rules = {(dv.type, dv.operator) for ws in wb for dv in ws.data_validations.dataValidation}
    assert ("whole", "greaterThanOrEqual") in rules and ("decimal", "greaterThanOrEqual") in rules
    fee = cells["active.fees.amount"]
    fee_rule = [dv for dv in wb[fee.sheet].data_validations.dataValidation if fee.a1 in str(dv.sqref)]
    assert fee_rule and fee_rule[0].type == "decimal"
    check_row = cells["requests.carried_forward.total"].row + 2
    assert req[f"A{check_row}"].value.startswith("核对：一＋二")
    assert '"不平衡"' in req[f"D{check_row}"].value
    red = [r for cf in req.conditional_formatting for r in cf.rules if r.formula == ['"不平衡"']]
    assert red and red[0].dxf.fill is not None


def test_prefill_from_last_years_report() -> None:
    last = process_path(HONGZE).report
    data = build_workbook("2021", template_values(last), last)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cells = workbook_cells("2021")
    info = wb[INFO_SHEET]
    assert info[cells["meta.agency"].a1].value == "洪泽区人民政府"
    assert info[cells["meta.year"].a1].value == 2024
    forward = last.requests["carried_forward"]  # type: ignore[index]
    req = wb[TABLE_SHEETS["requests"]]
    for col in ("natural_person", "business", "research", "nonprofit", "legal_service", "other_org"):
        assert req[cells[f"requests.carried_over.{col}"].a1].value == forward[col]
    active = wb[TABLE_SHEETS["active"]]
    ref = cells["active.regulations.in_force"]
    beside = active.cell(row=ref.row + 1, column=len(layouts("2021")[0].widths) + 2).value
    assert beside == last.value("active.regulations.in_force")
    header = active.cell(row=ref.row, column=len(layouts("2021")[0].widths) + 2).value
    assert header == "上年现行有效件数（2023，参考）"
    # this year's other cells stay blank for the writer
    assert req[cells["requests.new_received.natural_person"].a1].value is None


def test_template_cli(tmp_path: Path) -> None:
    out = tmp_path / "2024年报填报表.xlsx"
    res = CliRunner().invoke(app, ["template", "--out", str(out), "--from", str(HONGZE)])
    assert res.exit_code == 0, res.output
    got = process_path(out).report  # an unfilled workbook is read, and its gaps are errors, not guesses
    assert got.meta.agency == "洪泽区人民政府" and got.meta.year == 2024
    assert got.value("requests.carried_over.total") == process_path(HONGZE).report.value(
        "requests.carried_forward.total"
    )
    assert got.value("requests.new_received.natural_person") is None
    res = CliRunner().invoke(app, ["render", str(out), "--out", str(tmp_path / "x.docx")])
    # nothing filled in yet: blank cells are named with their workbook cells, and the fix
    assert "一、本年新收政府信息公开申请数量·自然人（表三 依申请公开!D7）" in res.output
    assert "改法：没有发生的事项请填写0，不要留空或填“/”。" in res.output


def test_wrong_total_typed_over_a_formula_is_kept_and_named(tmp_path: Path) -> None:
    report = one()
    wb = openpyxl.load_workbook(io.BytesIO(fill(report)))
    ref = workbook_cells("2021")["review_litigation.review.total"]
    wb[ref.sheet][ref.a1] = 999  # someone unprotected the sheet and typed over the sum
    buf = io.BytesIO()
    wb.save(buf)
    got = process_bytes(buf.getvalue(), "f.xlsx").report
    assert got.value("review_litigation.review.total") == 999
    assert any("review_litigation.review.total" in f.cells for f in got.errors)


def test_other_excel_files_are_refused_clearly() -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "不是年报"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ReadError) as err:
        read_bytes(buf.getvalue(), "x.xlsx")
    assert err.value.code == "unsupported_xlsx" and "不是 gongkai 填报表" in err.value.message
    res = process_bytes(buf.getvalue(), "x.xlsx")
    assert not res.readable and res.report.errors
