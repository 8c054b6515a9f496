"""PDF reader: the real corpus PDF exactly; generated reports in several layouts; bad files."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gongkai.extract import extract
from gongkai.model import Source
from gongkai.read import Paragraph, ReadError, Table, read_bytes, read_path
from gongkai.read.pdf_settings import TableSettings
from tests.report_factory import COLS, PdfLayout, expected, pdf_bytes, random_report

CORPUS_PDF = Path(__file__).parent / "fixtures" / "corpus" / "pdf" / "002_huaian_hongze_district_2023.pdf"
GOLD = Path(__file__).parent / "fixtures" / "corpus" / "gold" / "002_huaian_hongze_district_2023.pdf.gold.json"


def _report(data: bytes, name: str = "r.pdf"):
    doc = read_bytes(data, name)
    report, trace = extract(doc, Source(path=name, sha256="", kind=doc.kind))
    return doc, report, trace


def _cells(report) -> dict[str, object]:
    out = {}
    for table in ("active", "requests", "review_litigation"):
        for row, cols in (getattr(report, table) or {}).items():
            for col, v in cols.items():
                out[f"{table}.{row}.{col}"] = v
    return out


def _gold_cells(gold: dict) -> dict[str, object]:
    out = {}
    for table in ("active", "requests", "review_litigation"):
        for row, cols in (gold.get(table) or {}).items():
            for col, v in cols.items():
                out[f"{table}.{row}.{col}"] = v
    return out


# ------------------------------------------------------------------------------ the real report
def test_corpus_pdf_gives_exactly_the_gold_cells() -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    doc, report, trace = _report(CORPUS_PDF.read_bytes(), CORPUS_PDF.name)
    got, want = _cells(report), _gold_cells(gold)
    assert len(want) == 186
    assert got == want  # every cell, nothing more
    assert report.meta.year == gold["meta"]["year"] == 2023
    assert report.meta.agency in gold["meta"]["agency"]
    assert report.meta.template == gold["meta"]["template"]
    assert report.meta.published == gold["meta"]["published"]
    assert sorted(s.no for s in report.sections) == gold["sections"]
    assert not trace.row_problems and not doc.notes


def test_corpus_pdf_shape() -> None:
    doc = read_path(CORPUS_PDF)
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert len(tables) == 3  # table 二 and table 三 continue across page breaks and are joined
    pages = {c.origin.page for c in (c for row in tables[1].rows for c in row)}
    assert pages == {3, 4}
    for t in tables:
        for row in t.rows:
            for c in row:
                assert c.origin.page is not None and c.origin.bbox is not None
                x0, top, x1, bottom = c.origin.bbox
                assert 0 <= x0 < x1 <= 595 and 0 <= top < bottom <= 842
    vertical = [c for row in tables[1].rows for c in row if c.text.replace("\n", "") == "三、本年度办理结果"]
    assert len(vertical) == 1 and vertical[0].origin.col == 0
    assert not any("-3-" in b.text for b in doc.blocks if isinstance(b, Paragraph))  # page numbers dropped
    assert all(p.origin.page for p in doc.blocks if isinstance(p, Paragraph))
    review = tables[2]
    assert [c.text for c in review.rows[-1]] == ["10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0",
                                                 "0", "0"]


# ------------------------------------------------------------------------------ generated reports
LAYOUTS = {
    "ruled": PdfLayout(),
    "unruled": PdfLayout(ruled=False),
    "ruled_break_repeat_bold": PdfLayout(break_after_request_row=12, repeat_header=True, fake_bold=True),
    "unruled_break_repeat_bold": PdfLayout(ruled=False, break_after_request_row=9, repeat_header=True,
                                           fake_bold=True),
    "unruled_plain_labels": PdfLayout(ruled=False, vertical_label=False, font_size=10.0),
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layouts_give_the_numbers_back(name: str) -> None:
    rep = random_report(random.Random(11))
    doc, report, trace = _report(pdf_bytes(rep, LAYOUTS[name]))
    exp = expected(rep)
    assert report.active == exp["active"]
    assert report.requests == exp["requests"]
    assert report.review_litigation == exp["review_litigation"]
    assert not trace.row_problems
    assert [s.no for s in report.sections] == [1, 2, 3, 4, 5, 6]
    for path, ev in report.evidence.items():
        assert ev["origin"].get("page") and ev["origin"].get("bbox"), path


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    ruled=st.booleans(),
    vertical=st.booleans(),
    bold=st.booleans(),
    repeat=st.booleans(),
    brk=st.one_of(st.none(), st.integers(min_value=3, max_value=26)),
    size=st.sampled_from([8.0, 9.0, 10.0]),
)
@example(seed=0, ruled=False, vertical=False, bold=False, repeat=False, brk=23, size=8.0)
@example(seed=2, ruled=False, vertical=True, bold=False, repeat=True, brk=23, size=10.0)
def test_random_reports_in_random_layouts(seed, ruled, vertical, bold, repeat, brk, size) -> None:
    rep = random_report(random.Random(seed))
    lay = PdfLayout(ruled=ruled, vertical_label=vertical, fake_bold=bold, repeat_header=repeat,
                    break_after_request_row=brk, font_size=size)
    _, report, _ = _report(pdf_bytes(rep, lay))
    exp = expected(rep)
    assert report.active == exp["active"]
    assert report.requests == exp["requests"]
    assert report.review_litigation == exp["review_litigation"]


def test_page_break_inside_table_three_is_one_table() -> None:
    rep = random_report(random.Random(5))
    doc = read_bytes(pdf_bytes(rep, PdfLayout(break_after_request_row=10, repeat_header=True)), "r.pdf")
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert len(tables) == 3
    texts = [c.text for row in tables[1].rows for c in row]
    assert sum("申请人情况" in t for t in texts) == 1  # the repeated header is dropped
    rows = [c.origin.row for row in tables[1].rows for c in row]
    assert rows == sorted(rows)


def test_wrapped_labels_split_by_an_unruled_page_break_stay_in_their_rows() -> None:
    """Without rules, a row's label wraps above and below its numbers; at the foot of a page the last
    label line must not fall out of the table as prose, and at the head of the next page the first
    one must not become a header row (the （六） rows were read as the 2019 `other` row)."""
    rep = random_report(random.Random(0))
    data = pdf_bytes(rep, PdfLayout(ruled=False, vertical_label=False, break_after_request_row=23, font_size=8.0))
    doc, report, trace = _report(data)
    assert report.requests == expected(rep)["requests"]
    assert "other" not in report.requests and not trace.row_problems
    assert not any(isinstance(b, Paragraph) and "不再处理" in b.text for b in doc.blocks)
    rows = [[c.text.replace("\n", "") for c in row] for b in doc.blocks if isinstance(b, Table) for row in b.rows]
    foot = next(r for r in rows if r[0].startswith("1.申请人无正当理由"))
    assert foot[0] == "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    assert foot[1:] == [str(rep.requests["other_overdue_correction"][c]) for c in COLS]
    head = next(r for r in rows if "（六）其他处理" in r)
    assert head[:2] == ["（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"]
    assert head[2:] == [str(rep.requests["other_overdue_fee"][c]) for c in COLS]


def test_fake_bold_is_deduplicated() -> None:
    rep = random_report(random.Random(8))
    doc = read_bytes(pdf_bytes(rep, PdfLayout(fake_bold=True)), "r.pdf")
    assert any(isinstance(b, Paragraph) and b.text == "一、总体情况" for b in doc.blocks)


def test_settings_are_checked() -> None:
    assert TableSettings.resolve({"snap_tolerance": 2}).snap_tolerance == 2
    with pytest.raises(ValueError):
        TableSettings.resolve({"no_such": 1})
    with pytest.raises(ValueError):
        TableSettings(snap_tolerance=-1)
    with pytest.raises(TypeError):
        TableSettings(min_cells="2")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ bad inputs
def _encrypted_pdf() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    cv = canvas.Canvas(out, encrypt=StandardEncryption("secret", "owner", canPrint=0))
    cv.drawString(100, 700, "secret report")
    cv.showPage()
    cv.save()
    return out.getvalue()


def test_encrypted_pdf() -> None:
    with pytest.raises(ReadError) as err:
        read_bytes(_encrypted_pdf(), "secret.pdf")
    assert err.value.code == "encrypted_pdf" and "加密" in err.value.message


def test_truncated_pdf() -> None:
    data = CORPUS_PDF.read_bytes()
    with pytest.raises(ReadError) as err:
        read_bytes(data[: len(data) // 2], "cut.pdf")
    assert err.value.code == "truncated_pdf" and "不完整" in err.value.message


def test_corrupt_pdf() -> None:
    with pytest.raises(ReadError) as err:
        read_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n", "bad.pdf")
    assert err.value.code == "bad_pdf"


def test_not_a_pdf_at_all() -> None:
    with pytest.raises(ReadError) as err:
        read_bytes(b"hello, this is plain text", "fake.pdf")
    assert err.value.code == "bad_pdf"


def _scanned_pdf() -> bytes:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("RGB", (600, 800), "white")
    out = io.BytesIO()
    cv = canvas.Canvas(out, pagesize=(595, 842))
    cv.drawImage(ImageReader(img), 20, 20, 555, 800)
    cv.showPage()
    cv.save()
    return out.getvalue()


def test_scanned_page_without_ocr_gets_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    import gongkai.read.image as image

    monkeypatch.setattr(image, "ocr_available", lambda: False)
    doc = read_bytes(_scanned_pdf(), "scan.pdf")
    assert doc.blocks == []
    assert len(doc.notes) == 1
    assert "第1页" in doc.notes[0] and "扫描" in doc.notes[0] and "pip install 'gongkai[ocr]'" in doc.notes[0]
