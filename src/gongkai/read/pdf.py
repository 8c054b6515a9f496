"""PDF reports: the text layer read by page geometry; scanned pages and picture tables by OCR.

pdfium gives the characters with their boxes and the page's rules (`pdf_geometry`); ruled
tables become grids with merged cells (`pdf_grid`), tables without rules are split into
columns by the x-positions of their words (`pdf_columns`); the rest is one paragraph per
line (`pdf_layout`). Values are never found by counting numbers through the page: every cell
keeps its page and box, and extraction aligns cells by the standard's row labels.

A page with (almost) no text layer but a picture is a scan: with the `ocr` extra installed
it goes through OCR (`image`), else the document gets a note saying so. A page whose tables
are pictures while its text is not gets its picture regions read by OCR the same way.
"""

from __future__ import annotations

from gongkai.read.document import Document
from gongkai.read.errors import ReadError
from gongkai.read.limits import check as check_limit
from gongkai.read.pdf_geometry import Box, PageGeometry, page_geometry, pdfium, pdfium_c
from gongkai.read.pdf_layout import RawBlock, join_pages, layout_page, to_blocks
from gongkai.read.pdf_rotate import upright
from gongkai.read.pdf_settings import TableSettings
from gongkai.read.registry import Reader, register

RENDER_DPI = 200
PICTURE_SHARE = 0.25  # an image this large (share of the page) on a page without text is a scan
TABLE_PICTURE_SHARE = 0.08  # a picture this large with no text over it may be a table


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """Open PDF bytes, turning every failure into a ReadError with a Chinese message."""
    if b"%PDF" not in data[:1024]:
        raise ReadError("bad_pdf", "文件不是有效的 PDF（缺少 PDF 文件头），可能已损坏或扩展名有误")
    if b"%%EOF" not in data[-4096:]:
        raise ReadError("truncated_pdf", "PDF 文件不完整（末尾缺少结束标记），可能下载中断，请重新获取完整文件")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise ReadError("encrypted_pdf", "PDF 文件已加密，需要密码才能打开；请提供未加密的版本") from exc
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_SECURITY:
            raise ReadError("encrypted_pdf", "PDF 文件使用了不支持的加密方式，无法读取") from exc
        raise ReadError("bad_pdf", "PDF 文件已损坏，无法解析其结构") from exc


def _visible_chars(geo: PageGeometry) -> int:
    return sum(1 for c in geo.chars if not c.text.isspace())


def _picture_regions(geo: PageGeometry) -> list[Box]:
    """Large pictures with no text over them: candidates for tables published as images."""
    page_area = geo.width * geo.height
    out = []
    for img in geo.images:
        if img.area < TABLE_PICTURE_SHARE * page_area:
            continue
        inside = sum(1 for c in geo.chars if img.x0 <= c.cx <= img.x1 and img.top <= c.cy <= img.bottom)
        if inside < 5:
            out.append(img)
    return out


def _is_scan(geo: PageGeometry, s: TableSettings) -> bool:
    page_area = geo.width * geo.height
    return _visible_chars(geo) < s.text_layer_min_chars and any(
        img.area >= PICTURE_SHARE * page_area for img in geo.images
    )


def _ocr_blocks(page: pdfium.PdfPage, geo: PageGeometry, regions: list[Box] | None) -> list[RawBlock]:
    from gongkai.read.image import ocr_page_regions

    scale = RENDER_DPI / 72
    check_limit("image_pixels", int(geo.width * scale) * int(geo.height * scale))  # before rendering
    bitmap = page.render(scale=scale)
    picture = bitmap.to_pil().convert("RGB")
    return ocr_page_regions(picture, geo.number, 1 / scale, regions)


def read_pdf(data: bytes, name: str = "", settings: TableSettings | dict | None = None) -> Document:
    """Read a PDF into a Document of paragraphs and tables with page and box origins."""
    from gongkai.read.image import ocr_available

    s = TableSettings.resolve(settings)
    pdf = open_pdf(data)
    notes: list[str] = []
    pages: list[list[RawBlock]] = []
    failed = 0
    try:
        n_pages = len(pdf)
        check_limit("pages", n_pages)  # a page tree can claim a million pages
        for i in range(n_pages):
            try:
                page = pdf[i]
            except pdfium.PdfiumError:
                failed += 1
                notes.append(f"第{i + 1}页无法解析，已跳过")
                continue
            try:
                geo = upright(page, page_geometry(page, i + 1), notes)  # content drawn rotated
                if _is_scan(geo, s):
                    if ocr_available():
                        pages.append(_ocr_blocks(page, geo, None))
                    else:
                        pages.append([])
                        notes.append(
                            f"第{i + 1}页是扫描图片，没有文字层，需要 OCR 才能读取；"
                            "请安装 OCR 扩展：pip install 'gongkai[ocr]'"
                        )
                    continue
                blocks = layout_page(geo, s)
                regions = _picture_regions(geo)
                if regions:
                    if ocr_available():
                        blocks = sorted(blocks + _ocr_blocks(page, geo, regions), key=lambda b: b.top)
                    else:
                        notes.append(
                            f"第{i + 1}页有{len(regions)}张图片，表格可能以图片形式发布，需要 OCR 才能读取；"
                            "请安装 OCR 扩展：pip install 'gongkai[ocr]'"
                        )
                pages.append(blocks)
            finally:
                page.close()
    finally:
        pdf.close()
    if n_pages == 0 or failed == n_pages:
        raise ReadError("bad_pdf", "PDF 文件没有可读取的页面，可能已损坏")
    return Document(to_blocks(join_pages(pages)), "pdf", notes)


def _sniff(name: str, head: bytes) -> bool:
    return name.lower().endswith(".pdf") or b"%PDF" in head[:1024]


register(Reader("pdf", _sniff, read_pdf, (".pdf",)))
