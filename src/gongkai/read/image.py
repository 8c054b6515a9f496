"""Pictures of reports (PNG/JPG, scanned PDF pages, tables published as images) through OCR.

OCR is the optional `ocr` extra (rapidocr-onnxruntime, onnxruntime, OpenCV): its models ship
inside the pip package, so nothing is downloaded at run time. Every OCR module is imported
lazily; without the extra, reading a picture raises ReadError("needs_ocr").

A picture is turned into the same page geometry a PDF text layer gives: ruling lines found
by image processing (`ocr_rules`) and characters spread over the boxes the OCR found, each
carrying the recognition score. The PDF layout then builds grids, text tables and
paragraphs from it, so a scanned table is read cell by cell, every cell with a confidence:

* a text box that crosses cell borders is recognised again, cell by cell;
* a cell with ink but no recognised text gets confidence 0 (flagged, never silently blank).
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import warnings
from functools import lru_cache
from typing import Any

from gongkai.read.document import Document
from gongkai.read.errors import ReadError
from gongkai.read.limits import LimitExceeded, current
from gongkai.read.limits import check as check_limit
from gongkai.read.pdf_geometry import Box, Char, Edge, PageGeometry
from gongkai.read.pdf_grid import find_grids
from gongkai.read.pdf_layout import RawBlock, RawCell, RawLine, RawTable, join_pages, layout_page, to_blocks
from gongkai.read.pdf_settings import TableSettings
from gongkai.read.registry import Reader, register

NEEDS_OCR = "读取图片（扫描件）需要 OCR 扩展，当前未安装；请运行：pip install 'gongkai[ocr]'"
INK_EMPTY = 0.004  # share of dark pixels in a cell above which "no text" is suspicious
MIN_STROKE = 20  # pixels: smaller specks of ink are scanner noise
A4_WIDTH_PT = 595.0
DECIMAL = 0.85  # confidence cap of an OCR number with a decimal point
REPAIRED = 0.6  # confidence of a number cell whose OCR text needed repair
UNREADABLE = 0.3  # a short cell read this unsurely is left empty (and flagged)
DISAGREE = 0.5  # confidence when a cell read twice gives two texts
SURE = 0.9  # a clean number read with this confidence is not read again
SHORT_CELL = 12  # cells this short (numbers, blank marks) are read again on their own
TEXT_HEIGHT = 36  # pixels: cell text is scaled to about this height before it is read again


def ocr_available() -> bool:
    """Whether the optional OCR extra is installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("rapidocr_onnxruntime", "onnxruntime", "cv2"))


@lru_cache(maxsize=1)
def _engine() -> Any:
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # before onnxruntime is imported
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


@lru_cache(maxsize=1)
def _cell_engine() -> Any:
    """A second engine for single cells: detection on the small picture as it is, not upscaled."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(det_limit_type="max", det_limit_side_len=320)


def _recognise(engine: Any, crop: Any, detect: bool = False) -> tuple[str, float]:
    """Text and score of one cell picture. With `detect`, the text is found in the picture
    first (a lone digit is read far better from a tight box than from a loose crop)."""
    if crop.size == 0 or min(crop.shape[:2]) < 4:
        return "", 1.0
    if detect:
        result, _ = engine(crop, use_cls=False)
        if not result:
            return "", 0.0
        parts = sorted(result, key=lambda r: (min(p[1] for p in r[0]) // 8, min(p[0] for p in r[0])))
        text = "".join(str(r[1]) for r in parts)
        return text.strip(), min(float(r[2]) for r in parts)
    result, _ = engine(crop, use_det=False, use_cls=False, use_rec=True)
    if not result:
        return "", 0.0
    text, score = result[0][0], float(result[0][1])
    return text.strip(), score


_BORDER_ARTIFACTS = " []|｜丨"  # a cell border read as a character at the edge of a cell
_CLEAN = re.compile(r"^(?:\d+(?:\.\d+)?|[/／—-]|无)$")
_DECIMAL = re.compile(r"^\d+\.\d+$")
_DIGITLIKE = re.compile(r"^[0-9oOD。]+[.。,，]?$")


def numeric_repair(text: str, score: float) -> tuple[str, float]:
    """Undo the OCR confusions of number cells: o, O, D or an ideographic full stop read for
    the digit 0, a trailing full stop picked up from the cell border. A repaired cell keeps a
    confidence below the flag line, so a person looks at it; so does any decimal number."""
    t = text.strip()
    if _DECIMAL.match(t):
        return t, min(score, DECIMAL)  # a speck of dust reads as a decimal point: have a person look
    if not t or not _DIGITLIKE.match(t) or t.isdigit():
        return t, score
    fixed = t.rstrip(".。,，")
    for wrong in "oOD。":
        fixed = fixed.replace(wrong, "0")
    return fixed, min(score, REPAIRED)


def _chars_of(text: str, box: tuple[float, float, float, float], score: float) -> list[Char]:
    """Spread a recognised text over its box, one Char per character."""
    x0, top, x1, bottom = box
    text = text.strip()
    if not text:
        return []
    step = (x1 - x0) / len(text)
    return [
        Char(ch, x0 + k * step, top, x0 + (k + 1) * step, bottom, score)
        for k, ch in enumerate(text)
        if not ch.isspace()
    ]


def _cells_crossed(grids: list[Any], box: tuple[float, float, float, float]) -> list[Any]:
    x0, top, x1, bottom = box
    cy = (top + bottom) / 2
    crossed = []
    for g in grids:
        if not (g.ys[0] <= cy <= g.ys[-1]):
            continue
        for cell in g.cells:
            cx0, ctop, cx1, cbottom = cell.bbox
            if ctop <= cy <= cbottom and min(x1, cx1) - max(x0, cx0) > 0.25 * min(x1 - x0, cx1 - cx0):
                crossed.append(cell)
    return crossed


def picture_geometry(rgb: Any, page: int, unit: float) -> tuple[PageGeometry, Any, Any]:
    """OCR one page picture into geometry; coordinates in points (pixels × unit). Returns the
    geometry, the deskewed picture and its ink mask (for reading cells again)."""
    import cv2
    import numpy as np

    from gongkai.read.ocr_rules import find_rules, ink_mask, rotate, skew_angle

    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    angle = skew_angle(ink_mask(gray))
    rgb = rotate(rgb, angle)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    mask = ink_mask(gray)
    clean = cv2.medianBlur(mask, 3)  # specks of scanner noise are not ink
    px = TableSettings.resolve(None)
    px_settings = TableSettings(snap_tolerance=px.snap_tolerance / unit, join_tolerance=px.join_tolerance / unit,
                                edge_min_length=px.edge_min_length / unit,
                                intersection_tolerance=px.intersection_tolerance / unit)
    edges = find_rules(mask, unit)
    grids = find_grids(edges, px_settings)
    engine = _engine()
    result, _ = engine(np.ascontiguousarray(rgb), use_cls=False)  # no 180° flips: "90" must not become "06"
    chars: list[Char] = []
    redone: set[int] = set()
    for quad, text, score in result or []:
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        box = (float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)))
        crossed = _cells_crossed(grids, box)
        if len(crossed) <= 1:
            chars.extend(_chars_of(text, box, float(score)))
            continue
        for cell in crossed:  # a box across cell borders: read each cell on its own
            if id(cell) in redone:
                continue
            redone.add(id(cell))
            cx0, ctop, cx1, cbottom = (int(round(v)) for v in cell.bbox)
            pad = 3
            crop = rgb[max(ctop + pad, 0) : max(cbottom - pad, 0), max(cx0 + pad, 0) : max(cx1 - pad, 0)]
            t, s = _recognise(engine, np.ascontiguousarray(crop))
            chars.extend(_chars_of(t, (cx0 + pad, ctop + pad, cx1 - pad, cbottom - pad), s))
    h, w = gray.shape[:2]
    scaled = [Char(c.text, c.x0 * unit, c.top * unit, c.x1 * unit, c.bottom * unit, c.confidence) for c in chars]
    scaled_edges = [Edge(e.orientation, e.x0 * unit, e.top * unit, e.x1 * unit, e.bottom * unit) for e in edges]
    return PageGeometry(page, w * unit, h * unit, scaled, scaled_edges, []), rgb, clean


def _ink_box(mask: Any, box: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
    """The box around the strokes inside a cell (borders and scanner specks left out), or None."""
    import cv2

    x0, top, x1, bottom = box
    part = mask[top:bottom, x0:x1]
    if part.size == 0 or float((part > 0).mean()) <= INK_EMPTY:
        return None
    n, _, stats, _ = cv2.connectedComponentsWithStats(part, connectivity=8)
    strokes = [st for st in stats[1:n] if st[4] >= MIN_STROKE]
    if not strokes:
        return None
    return (x0 + min(int(st[0]) for st in strokes), top + min(int(st[1]) for st in strokes),
            x0 + max(int(st[0] + st[2]) for st in strokes), top + max(int(st[1] + st[3]) for st in strokes))


def _padded(rgb: Any, ink: tuple[int, int, int, int], margin: int) -> Any:
    import numpy as np

    ix0, itop, ix1, ibottom = ink
    crop = np.full((ibottom - itop + 2 * margin, ix1 - ix0 + 2 * margin, 3), 255, dtype=np.uint8)
    crop[margin : margin + ibottom - itop, margin : margin + ix1 - ix0] = rgb[itop:ibottom, ix0:ix1]
    return crop


def _read_ink(engine: Any, rgb: Any, ink: tuple[int, int, int, int]) -> tuple[str, float]:
    """Read the strokes of one cell: recognition on a tight picture of them, scaled so the text
    stands about as tall as the recogniser's own input; when unsure, detection and recognition
    on a padded picture as well, keeping the surer reading."""
    import cv2

    height = max(ink[3] - ink[1], 1)
    crop = _padded(rgb, ink, max(2, int(0.35 * height)))
    scale = TEXT_HEIGHT / height
    if scale > 1.1:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    text, score = _recognise(engine, crop)
    if text and score >= SURE:
        return text, score
    pad = TEXT_HEIGHT // 2
    framed = cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(255, 255, 255))
    text2, score2 = _recognise(engine, framed, detect=True)
    return (text2, score2) if text2 and score2 > score else (text, score)


def reread_cells(blocks: list[RawBlock], rgb: Any, mask: Any, unit: float) -> None:
    """Read every short or empty table cell again on its own picture (page-wide detection misses
    lone digits). A cell with ink that still reads as nothing gets confidence 0."""
    engine = _cell_engine()
    h, w = mask.shape[:2]
    for b in blocks:
        if not isinstance(b, RawTable):
            continue
        for row in b.rows:
            for cell in row:
                cell.text = _tidy(cell.text)
                if cell.text:
                    cell.text, repaired = numeric_repair(cell.text, cell.confidence or 0.0)
                    cell.confidence = repaired if cell.confidence is not None else None
                sure = cell.text and (cell.confidence or 0.0) >= SURE and _CLEAN.match(cell.text)
                long = len(cell.text) > SHORT_CELL
                if sure or "\n" in cell.text or long and (cell.confidence or 0.0) >= SURE or len(cell.text) > 40:
                    continue
                x0, top, x1, bottom = (v / unit for v in cell.bbox)
                pad = 4
                inner = (int(max(x0 + pad, 0)), int(max(top + pad, 0)), int(min(x1 - pad, w)),
                         int(min(bottom - pad, h)))
                if inner[2] <= inner[0] or inner[3] <= inner[1]:
                    continue
                ink = _ink_box(mask, inner)
                if ink is None:
                    if not cell.text:
                        cell.confidence = 1.0
                    continue
                text, score = _read_ink(engine, rgb, ink)
                text, score = numeric_repair(_tidy(text), score)
                readings = [(t, sc) for t, sc in ((cell.text, cell.confidence or 0.0), (text, score)) if t]
                if not readings:
                    cell.confidence = 0.0
                    continue
                best, best_score = max(readings, key=lambda r: r[1])
                confidence = best_score
                if len(readings) == 2 and readings[0][0] != readings[1][0]:
                    confidence = min(best_score, DISAGREE)  # two readings, two texts: flag it
                if best_score <= UNREADABLE:  # garbage in a short cell: report it unread, not as text
                    best = ""
                cell.text, cell.confidence = best, confidence


def _tidy(text: str) -> str:
    """Strip what cell borders leave at the edges of a reading: bars, brackets, a stray dot."""
    text = text.strip(_BORDER_ARTIFACTS)
    if len(text) > 1 and text[0] in ".·,，" and not text[1].isdigit():
        text = text[1:]
    return text


def ocr_page_regions(picture: Any, page: int, unit: float, regions: list[Box] | None) -> list[RawBlock]:
    """Lines and tables read by OCR from a page picture (PIL image), or from some regions of it
    (boxes in points). `unit` is points per pixel."""
    import numpy as np

    rgb = np.array(picture.convert("RGB"))
    if regions is None:
        boxes = [(0, 0, rgb.shape[1], rgb.shape[0])]
    else:
        boxes = [(int(r.x0 / unit), int(r.top / unit), int(r.x1 / unit) + 1, int(r.bottom / unit) + 1)
                 for r in regions]
    out: list[RawBlock] = []
    for x0, top, x1, bottom in boxes:
        crop = np.ascontiguousarray(rgb[max(top, 0) : bottom, max(x0, 0) : x1])
        if crop.size == 0:
            continue
        geo, deskewed, mask = picture_geometry(crop, page, unit)
        blocks = layout_page(geo, TableSettings())
        reread_cells(blocks, deskewed, mask, unit)
        _shift(blocks, x0 * unit, top * unit)
        out.extend(blocks)
    return out


def _shift(blocks: list[RawBlock], dx: float, dy: float) -> None:
    def move(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        return (b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy)

    for b in blocks:
        b.bbox = move(b.bbox)
        if isinstance(b, RawTable):
            b.last_bbox = move(b.last_bbox) if b.last_bbox else None
            for row in b.rows:
                for cell in row:
                    cell.bbox = move(cell.bbox)


def _to_pixels(blocks: list[RawBlock], unit: float) -> None:
    def px(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        return (b[0] / unit, b[1] / unit, b[2] / unit, b[3] / unit)

    for b in blocks:
        b.bbox = px(b.bbox)
        if isinstance(b, RawTable):
            for row in b.rows:
                for cell in row:
                    cell.bbox = px(cell.bbox)


def read_image(data: bytes, name: str = "") -> Document:
    """Read a picture of a report page by OCR. Boxes in the Document are in the picture's pixels."""
    if not ocr_available():
        raise ReadError("needs_ocr", NEEDS_OCR)
    from PIL import Image, UnidentifiedImageError

    limits = current()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's own bomb warning: our limit below says it in Chinese
            picture = Image.open(io.BytesIO(data))
        n_frames = getattr(picture, "n_frames", 1)
        check_limit("frames", n_frames, limits)  # before any frame is decoded
        check_limit("image_pixels", picture.width * picture.height, limits)
    except Image.DecompressionBombError as exc:  # over twice Pillow's own bound: far over ours too
        raise LimitExceeded.of("image_pixels") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ReadError("bad_image", f"图片文件无法打开，可能已损坏：{exc}") from exc
    pages: list[list[RawBlock]] = []
    for k in range(n_frames):
        try:
            picture.seek(k)
            check_limit("image_pixels", picture.width * picture.height, limits)
            frame = picture.convert("RGB")
        except Image.DecompressionBombError as exc:
            raise LimitExceeded.of("image_pixels") from exc
        except (OSError, ValueError, EOFError) as exc:
            raise ReadError("bad_image", f"图片文件无法打开，可能已损坏：{exc}") from exc
        unit = A4_WIDTH_PT / max(frame.width, 1)  # lay the picture out as an A4-wide page
        blocks = ocr_page_regions(frame, k + 1, unit, None)
        _to_pixels(blocks, unit)
        pages.append(blocks)
        del frame
    return Document(to_blocks(join_pages(pages)), "image")


_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")


def _sniff(name: str, head: bytes) -> bool:
    lower = name.lower()
    return lower.endswith((".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")) or head.startswith(_MAGIC)


register(Reader("image", _sniff, read_image, (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")))

__all__ = ["RawCell", "RawLine", "ocr_available", "ocr_page_regions", "read_image"]
