"""DOCX reader: body order, merged cells once, numbers back exactly; bad files never crash."""

from __future__ import annotations

import io
import random
import zipfile

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.extract import extract
from gongkai.model import Source
from gongkai.read import Paragraph, ReadError, Table, read_bytes, read_path
from tests.report_factory import TEMPLATE, docx_bytes, expected, random_report


def _extract(data: bytes, name: str):
    doc = read_bytes(data, name)
    report, _ = extract(doc, Source(path=name, sha256="", kind=doc.kind))
    return doc, report


def test_template_grid_has_each_merged_cell_once() -> None:
    doc = read_path(TEMPLATE)
    assert doc.kind == "docx"
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert len(tables) == 3
    t1 = tables[1]
    texts = [c.text for row in t1.rows for c in row]
    assert texts.count("三、本年度办理结果") == 1
    assert texts.count("（三）不予公开") == 1
    assert texts.count("申请人情况") == 1
    first = t1.rows[0]
    assert [(c.origin.row, c.origin.col) for c in first] == [(0, 0), (0, 3)]
    results = next(c for row in t1.rows for c in row if c.text == "三、本年度办理结果")
    assert (results.origin.table, results.origin.row, results.origin.col) == (1, 5, 0)
    assert [c.text for c in t1.rows[5]][:2] == ["三、本年度办理结果", "（一）予以公开"]
    assert len(t1.rows[5]) == 2 + 7
    assert "商业\n企业" in texts  # line breaks inside a cell are kept
    review = tables[2]
    assert [c.origin.col for c in review.rows[0]] == [0, 5]
    assert len(review.rows[3]) == 15


def test_body_order_interleaves_paragraphs_and_tables() -> None:
    doc = read_path(TEMPLATE)
    kinds = ["T" if isinstance(b, Table) else b.text for b in doc.blocks]
    i2 = kinds.index("二、主动公开政府信息情况")
    i3 = kinds.index("三、收到和处理政府信息公开申请情况")
    i4 = kinds.index("四、政府信息公开行政复议、行政诉讼情况")
    assert kinds[i2 + 1] == "T" and kinds[i3 + 1] == "T" and kinds[i4 + 1] == "T"
    assert i2 < i3 < i4


def test_filled_template_gives_the_numbers_back() -> None:
    rep = random_report(random.Random(7))
    doc, report = _extract(docx_bytes(rep), "report.docx")
    exp = expected(rep)
    assert report.active == exp["active"]
    assert report.requests == exp["requests"]
    assert report.review_litigation == exp["review_litigation"]
    assert report.meta.year == 2023
    assert [s.no for s in report.sections] == [1, 2, 3, 4, 5, 6]
    ev = report.evidence["requests.granted.natural_person"]
    assert ev["origin"] == {"table": 1, "row": 5, "col": 3}


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_random_reports_round_trip(seed: int) -> None:
    rep = random_report(random.Random(seed))
    _, report = _extract(docx_bytes(rep), "r.docx")
    exp = expected(rep)
    assert report.active == exp["active"]
    assert report.requests == exp["requests"]
    assert report.review_litigation == exp["review_litigation"]


def test_sniffs_docx_without_a_name() -> None:
    doc = read_bytes(TEMPLATE.read_bytes(), "")
    assert doc.kind == "docx"


def test_zip_that_is_not_a_docx() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "不是 Word 文档")
    with pytest.raises(ReadError) as err:
        read_bytes(buf.getvalue(), "report.docx")
    assert err.value.code == "not_docx"
    assert "word/document.xml" in err.value.message


def test_truncated_docx() -> None:
    data = TEMPLATE.read_bytes()
    with pytest.raises(ReadError) as err:
        read_bytes(data[: len(data) // 2], "report.docx")
    assert err.value.code == "bad_docx"


def test_garbage_named_docx() -> None:
    with pytest.raises(ReadError) as err:
        read_bytes(bytes(range(256)) * 4, "report.docx")
    assert err.value.code == "bad_docx"


def test_broken_document_xml() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document><w:body>")
    with pytest.raises(ReadError) as err:
        read_bytes(buf.getvalue(), "report.docx")
    assert err.value.code == "bad_docx"


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "PNG")
    return out.getvalue()


def test_docx_with_picture_tables_gets_a_note() -> None:
    d = docx.Document()
    d.add_paragraph("二、主动公开政府信息情况")
    d.add_picture(io.BytesIO(_png()))
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    d.add_picture(io.BytesIO(_png()))
    out = io.BytesIO()
    d.save(out)
    doc = read_bytes(out.getvalue(), "pictures.docx")
    assert not any(isinstance(b, Table) for b in doc.blocks)
    assert any(isinstance(b, Paragraph) and b.text.startswith("三、") for b in doc.blocks)
    assert len(doc.notes) == 1 and "图片" in doc.notes[0] and "2张" in doc.notes[0]


def test_doc_without_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    import gongkai.read.docx as reader

    monkeypatch.setattr(reader.shutil, "which", lambda name: None)
    ole = reader.OLE2 + b"\x00" * 600
    for name in ("old.doc", "old.wps"):
        with pytest.raises(ReadError) as err:
            read_bytes(ole, name)
        assert err.value.code == "needs_libreoffice"
        assert "LibreOffice" in err.value.message and "apt-get install libreoffice-writer" in err.value.message


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice is not installed")
def test_doc_converted_by_libreoffice(tmp_path) -> None:
    import subprocess

    rep = random_report(random.Random(3))
    src = tmp_path / "r.docx"
    src.write_bytes(docx_bytes(rep))
    subprocess.run(["soffice", "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180)
    _, report = _extract((tmp_path / "r.doc").read_bytes(), "r.doc")
    assert report.requests == expected(rep)["requests"]


def test_vmerge_continuation_is_left_out() -> None:
    d = docx.Document()
    t = d.add_table(rows=3, cols=3)
    a = t.cell(0, 0).merge(t.cell(2, 0))
    a.text = "纵向合并"
    b = t.cell(0, 1).merge(t.cell(0, 2))
    b.text = "横向合并"
    t.cell(1, 1).text = "1"
    t.cell(2, 2).text = "2"
    out = io.BytesIO()
    d.save(out)
    table = next(b for b in read_bytes(out.getvalue(), "m.docx").blocks if isinstance(b, Table))
    grid = [[(c.origin.row, c.origin.col, c.text) for c in row] for row in table.rows]
    assert grid == [
        [(0, 0, "纵向合并"), (0, 1, "横向合并")],
        [(1, 1, "1"), (1, 2, "")],
        [(2, 1, ""), (2, 2, "2")],
    ]
