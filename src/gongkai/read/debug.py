"""Draw what a reader found over the page: every table cell box, labelled with its text.

    draw_page("report.pdf", 3, "p3.png")

Cells in blue, cells read by OCR with low confidence in red, paragraphs in grey, so a
person can see at a glance why a table came out as it did (pdfplumber's debug_tablefinder).
"""

from __future__ import annotations

from pathlib import Path

from gongkai.read.document import Document, Paragraph, Table
from gongkai.read.errors import ReadError
from gongkai.read.registry import read_path

SCALE = 2.0  # rendering scale for PDF pages (144 dpi)
LOW_CONFIDENCE = 0.9
_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def _font(size: int):  # noqa: ANN202 - a Pillow font object
    from PIL import ImageFont

    for path in _FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def _background(path: Path, doc: Document, page_no: int):  # noqa: ANN202 - a Pillow image
    from PIL import Image

    if doc.kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            if not 1 <= page_no <= len(pdf):
                raise ReadError("no_page", f"没有第{page_no}页（共{len(pdf)}页）")
            return pdf[page_no - 1].render(scale=SCALE).to_pil().convert("RGB"), SCALE
        finally:
            pdf.close()
    picture = Image.open(path)
    picture.seek(page_no - 1)
    return picture.convert("RGB"), 1.0


def draw_page(path: str | Path, page_no: int, out_png: str | Path, doc: Document | None = None) -> Path:
    """Render one page of a PDF (or picture) with the boxes of every cell found on it."""
    from PIL import ImageDraw

    src = Path(path)
    doc = doc or read_path(src)
    image, scale = _background(src, doc, page_no)
    draw = ImageDraw.Draw(image, "RGBA")
    font = _font(max(10, int(7 * scale)))
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            o = block.origin
            if o.page == page_no and o.bbox:
                x0, top, x1, bottom = (v * scale for v in o.bbox)
                draw.rectangle((x0, top, x1, bottom), outline=(128, 128, 128, 160))
            continue
        assert isinstance(block, Table)
        for row in block.rows:
            for cell in row:
                o = cell.origin
                if o.page != page_no or o.bbox is None:
                    continue
                x0, top, x1, bottom = (v * scale for v in o.bbox)
                low = cell.confidence is not None and cell.confidence < LOW_CONFIDENCE
                colour = (220, 30, 30, 255) if low else (30, 90, 220, 255)
                draw.rectangle((x0, top, x1, bottom), outline=colour, width=2, fill=colour[:3] + (28,))
                label = cell.text.replace("\n", "")[:10]
                if cell.confidence is not None:
                    label += f" {cell.confidence:.2f}"
                draw.text((x0 + 2, top + 1), f"{o.row},{o.col} {label}", fill=colour, font=font)
    out = Path(out_png)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
    return out
