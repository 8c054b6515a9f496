"""OCR (the optional `ocr` extra): scanned reports read cell by cell, every cell with a confidence.

Tests that need OCR skip when the extra (rapidocr-onnxruntime) is not installed; the
behaviour without it (a clear ReadError / note) is tested always.
"""

from __future__ import annotations

import io
import random
import socket

import pytest

from gongkai.extract import extract
from gongkai.model import Source
from gongkai.read import ReadError, Table, read_bytes
from tests.report_factory import PdfLayout, expected, has_embedded_cjk_font, pdf_bytes, random_report

FLAG = 0.9  # extraction lists cells below this confidence as low-confidence


@pytest.fixture
def ocr(monkeypatch: pytest.MonkeyPatch):
    pytest.importorskip("rapidocr_onnxruntime", reason="the optional OCR extra is not installed")
    if not has_embedded_cjk_font():
        pytest.skip("no CJK TrueType font to draw test scans (apt-get install fonts-wqy-zenhei)")

    def no_network(*args, **kwargs):
        raise AssertionError("OCR tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)  # models ship inside the package
    import gongkai.read.image as image

    return image


def scan(pdf: bytes, dpi: float, angle: float, seed: int) -> bytes:
    """A scanned copy of a PDF: pages rendered at `dpi`, turned by `angle` degrees, with noise,
    saved as one multi-page TIFF."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(pdf)
    rng = np.random.default_rng(seed)
    pages = []
    for page in doc:
        img = page.render(scale=dpi / 72).to_pil().convert("L")
        img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
        a = np.asarray(img).astype(np.int16) + rng.normal(0, 12, (img.height, img.width)).astype(np.int16)
        a[rng.random(a.shape) < 0.002] = 0  # dust
        pages.append(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).convert("RGB"))
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_deflate")
    return out.getvalue()


def test_picture_without_the_extra_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import gongkai.read.image as image

    monkeypatch.setattr(image, "ocr_available", lambda: False)
    with pytest.raises(ReadError) as err:
        read_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "scan.png")
    assert err.value.code == "needs_ocr"
    assert "pip install 'gongkai[ocr]'" in err.value.message


def test_broken_picture(ocr) -> None:
    with pytest.raises(ReadError) as err:
        read_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "scan.png")
    assert err.value.code == "bad_image"


def test_models_ship_inside_the_package(ocr) -> None:
    from pathlib import Path

    import rapidocr_onnxruntime

    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    assert sorted(p.suffix for p in models.iterdir() if p.suffix == ".onnx") == [".onnx"] * 3


SCANS = [(150, 1.0, 21), (200, -0.8, 22), (300, 0.6, 23)]


def test_scanned_reports_cell_accuracy(ocr, capsys: pytest.CaptureFixture[str]) -> None:
    """Scans at 150–300 dpi, turned ±1°, with noise: measure and print the cell accuracy."""
    total = right = flagged_wrong = 0
    unflagged: list[str] = []
    for dpi, angle, seed in SCANS:
        rep = random_report(random.Random(seed))
        data = scan(pdf_bytes(rep, PdfLayout()), dpi, angle, seed)
        doc = read_bytes(data, "scan.tif")
        assert doc.kind == "image"
        report, _ = extract(doc, Source(path="scan.tif", sha256="", kind="image"))
        exp = expected(rep)
        for table, rows in exp.items():
            got = getattr(report, table) or {}
            for row, cols in rows.items():
                for col, want in cols.items():
                    total += 1
                    path = f"{table}.{row}.{col}"
                    if got.get(row, {}).get(col, "<absent>") == want:
                        right += 1
                        continue
                    conf = (report.evidence.get(path) or {}).get("confidence")
                    if conf is not None and conf < FLAG:
                        flagged_wrong += 1
                    else:
                        unflagged.append(f"{dpi}dpi {path}: want {want} got {got.get(row, {}).get(col, '<absent>')}")
    accuracy = right / total
    with capsys.disabled():
        print(f"\nOCR cell accuracy: {right}/{total} = {accuracy:.2%}; wrong cells flagged: {flagged_wrong}, "
              f"not flagged: {len(unflagged)}")
        for line in unflagged[:20]:
            print("   ", line)
    assert accuracy >= 0.995
    assert not unflagged


def test_scanned_pdf_page_goes_through_ocr(ocr) -> None:
    """A PDF whose page is only a picture: read by OCR, cells keep page, box and confidence."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    rep = random_report(random.Random(31))
    tif = scan(pdf_bytes(rep, PdfLayout()), 200, 0.0, 31)
    picture = Image.open(io.BytesIO(tif))
    out = io.BytesIO()
    cv = canvas.Canvas(out, pagesize=(595, 842))
    for k in range(getattr(picture, "n_frames", 1)):
        picture.seek(k)
        cv.drawImage(ImageReader(picture.convert("RGB")), 0, 0, 595, 842)
        cv.showPage()
    cv.save()
    doc = read_bytes(out.getvalue(), "scanned.pdf")
    assert doc.kind == "pdf" and not doc.notes
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert tables
    cells = [c for t in tables for row in t.rows for c in row]
    assert all(c.confidence is not None and 0 <= c.confidence <= 1 for c in cells)
    assert all(c.origin.page in (1, 2) and c.origin.bbox for c in cells)
    report, _ = extract(doc, Source(path="scanned.pdf", sha256="", kind="pdf"))
    exp = expected(rep)
    assert report.active == exp["active"]


def test_pdf_with_a_picture_table_reads_text_layer_and_ocr_region(ocr) -> None:
    """Text in the text layer, table 二 as a picture: paragraphs from the layer, cells by OCR."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from tests.report_factory import cjk_font

    rep = random_report(random.Random(41))
    original = pdf_bytes(rep, PdfLayout())
    first = next(b for b in read_bytes(original, "o.pdf").blocks if isinstance(b, Table))
    x0, top, x1, bottom = first.origin.bbox  # table 二 on page 1, in points
    x0, top, x1, bottom = x0 - 4, top - 4, x1 + 4, bottom + 4
    s = 200 / 72
    full = pdfium.PdfDocument(original)[0].render(scale=s).to_pil().convert("RGB")
    picture = full.crop((int(x0 * s), int(top * s), int(x1 * s), int(bottom * s)))
    out = io.BytesIO()
    cv = canvas.Canvas(out, pagesize=(595, 842))
    cv.setFont(cjk_font(), 11)
    cv.drawString(60, 842 - top + 8, "二、主动公开政府信息情况")
    cv.drawImage(ImageReader(picture), x0, 842 - bottom, x1 - x0, bottom - top)
    cv.drawString(60, 842 - bottom - 24, "三、收到和处理政府信息公开申请情况")
    cv.showPage()
    cv.save()
    doc = read_bytes(out.getvalue(), "mixed.pdf")
    texts = [b.text for b in doc.blocks if not isinstance(b, Table)]
    assert "二、主动公开政府信息情况" in texts and "三、收到和处理政府信息公开申请情况" in texts
    report, _ = extract(doc, Source(path="mixed.pdf", sha256="", kind="pdf"))
    assert report.active == expected(rep)["active"]
