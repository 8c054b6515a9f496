"""Page geometry from pdfium: characters with boxes, ruling edges, image boxes.

pdfium is an order of magnitude faster than a pure-Python PDF parser, so the reader takes
its raw geometry here and leaves table finding to pure functions. Coordinates are PDF
points with the origin at the top-left of the crop box (x0, top, x1, bottom), as pdfplumber
uses them.

* Characters: the loose (font) box of every character the page draws; characters pdfium
  generates (spaces, line ends it infers) are left out. Fake-bold text, where a producer draws
  each glyph twice a fraction of a point apart, is deduplicated.
* Edges: every straight, axis-parallel segment of a stroked path, and every thin filled
  rectangle (a rule drawn as a filled bar). Wide filled rectangles are backgrounds, not rules.
"""

from __future__ import annotations

import ctypes
import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any


class LazyModule:
    """A module imported on first use, so `gongkai check report.txt` never loads pdfium.

    The first attribute lookup imports it and copies its names in, so later lookups cost what
    a module's do."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        module: ModuleType = importlib.import_module(self._name)
        self.__dict__.update(vars(module))
        return getattr(module, attr)


if TYPE_CHECKING:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
else:
    pdfium = LazyModule("pypdfium2")
    pdfium_c = LazyModule("pypdfium2.raw")

THIN = 2.0  # a filled rectangle thinner than this (points) is a rule
AXIS = 0.75  # a segment whose other coordinate moves less than this is axis-parallel


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float | None = None  # OCR: the recognition score of the text this character came from

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class Edge:
    orientation: str  # "h" or "v"
    x0: float
    top: float
    x1: float
    bottom: float

    def as_dict(self) -> dict[str, object]:
        return {
            "orientation": self.orientation, "object_type": "line", "x0": self.x0, "x1": self.x1,
            "top": self.top, "bottom": self.bottom, "width": self.x1 - self.x0, "height": self.bottom - self.top,
        }


@dataclass(slots=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def area(self) -> float:
        return max(0.0, self.x1 - self.x0) * max(0.0, self.bottom - self.top)


@dataclass
class PageGeometry:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    images: list[Box] = field(default_factory=list)


Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix that applies `inner`, then `outer` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer  # noqa: N806
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _matrix_of(obj: pdfium_c.FPDF_PAGEOBJECT, sink: _Sink) -> Matrix:
    m = sink.matrix
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, sink.p_matrix):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


class _Sink:
    def __init__(self, left: float, top: float) -> None:
        self.left, self.top = left, top
        self.edges: list[Edge] = []
        self.images: list[Box] = []
        # ctypes buffers made once per page, not per object
        self.matrix = pdfium_c.FS_MATRIX()
        self.p_matrix = ctypes.byref(self.matrix)
        self.fill, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.p_fill, self.p_stroke = ctypes.byref(self.fill), ctypes.byref(self.stroke)
        self.x, self.y = ctypes.c_float(), ctypes.c_float()
        self.p_x, self.p_y = ctypes.byref(self.x), ctypes.byref(self.y)

    def point(self, x: float, y: float, m: Matrix) -> tuple[float, float]:
        a, b, c, d, e, f = m
        px, py = x * a + y * c + e, x * b + y * d + f
        return px - self.left, self.top - py

    def segment(self, p: tuple[float, float], q: tuple[float, float]) -> None:
        (x0, y0), (x1, y1) = p, q
        if abs(y1 - y0) <= AXIS and abs(x1 - x0) > AXIS:
            y = (y0 + y1) / 2
            self.edges.append(Edge("h", min(x0, x1), y, max(x0, x1), y))
        elif abs(x1 - x0) <= AXIS and abs(y1 - y0) > AXIS:
            x = (x0 + x1) / 2
            self.edges.append(Edge("v", x, min(y0, y1), x, max(y0, y1)))

    def filled(self, points: list[tuple[float, float]]) -> None:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        w, h = max(xs) - min(xs), max(ys) - min(ys)
        if h <= THIN < w:
            y = (min(ys) + max(ys)) / 2
            self.edges.append(Edge("h", min(xs), y, max(xs), y))
        elif w <= THIN < h:
            x = (min(xs) + max(xs)) / 2
            self.edges.append(Edge("v", x, min(ys), x, max(ys)))


def _path(obj: pdfium_c.FPDF_PAGEOBJECT, m: Matrix, sink: _Sink) -> None:
    fill, stroke = sink.fill, sink.stroke
    if not pdfium_c.FPDFPath_GetDrawMode(obj, sink.p_fill, sink.p_stroke):
        return
    if not fill.value and not stroke.value:
        return
    subpaths: list[list[tuple[float, float]]] = []
    x, y, p_x, p_y = sink.x, sink.y, sink.p_x, sink.p_y
    get_segment, get_point = pdfium_c.FPDFPath_GetPathSegment, pdfium_c.FPDFPathSegment_GetPoint
    get_type, get_close = pdfium_c.FPDFPathSegment_GetType, pdfium_c.FPDFPathSegment_GetClose
    moveto, bezierto = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_BEZIERTO
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = get_segment(obj, i)
        get_point(seg, p_x, p_y)
        kind = get_type(seg)
        pt = sink.point(x.value, y.value, m)
        if kind == moveto or not subpaths:
            subpaths.append([pt])
        elif kind == bezierto:
            subpaths[-1].append((float("nan"), float("nan")))  # curves break straight runs
            subpaths[-1].append(pt)
        else:
            subpaths[-1].append(pt)
        if get_close(seg) and subpaths[-1]:
            subpaths[-1].append(subpaths[-1][0])
    stroked = stroke.value
    for pts in subpaths:
        if stroked:
            for p, q in zip(pts, pts[1:], strict=False):
                if p[0] == p[0] and q[0] == q[0]:  # skip NaN markers
                    sink.segment(p, q)
        elif len(pts) >= 4 and all(p[0] == p[0] for p in pts):
            sink.filled(pts)


def _walk(objects: list[pdfium_c.FPDF_PAGEOBJECT], parent: Matrix, sink: _Sink, depth: int) -> None:
    for obj in objects:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        m = _compose(_matrix_of(obj, sink), parent)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            _path(obj, m, sink)
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            corners = [sink.point(px, py, m) for px, py in ((0, 0), (1, 0), (0, 1), (1, 1))]
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            sink.images.append(Box(min(xs), min(ys), max(xs), max(ys)))
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
            n = pdfium_c.FPDFFormObj_CountObjects(obj)
            kids = [pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(n)]
            _walk(kids, m, sink, depth + 1)


def _page_codes(raw: object, handle: object, n: int) -> list[int]:
    """Every character's code point, from one FPDFText_GetText call (per character only when
    the page text does not map one UTF-16 unit to one character)."""
    buf = ctypes.create_string_buffer(2 * (n + 1))
    written = raw.FPDFText_GetText(handle, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))  # type: ignore[attr-defined]
    units = memoryview(buf.raw[: 2 * n]).cast("H").tolist()
    if written != n + 1 or any(0xD800 <= u <= 0xDFFF for u in units):  # surrogate pairs: ask per character
        get_unicode = raw.FPDFText_GetUnicode  # type: ignore[attr-defined]
        return [get_unicode(handle, i) for i in range(n)]
    return units


def _chars(page: pdfium.PdfPage, left: float, top: float) -> list[Char]:
    """Every character the page draws, with its box.

    A character's box: x from the font box when it is sane, else the glyph box; y from the
    baseline and the font size, so every character of a line shares one band (pdfium's font
    boxes are wrong for some embedded fonts, its glyph boxes vary with the glyph's shape).
    The ctypes buffers are made once per page and the code points are fetched in bulk; only a
    space can be one pdfium generated (it generates spaces and line ends), so only spaces are
    asked whether they are.
    """
    raw = pdfium_c
    textpage = page.get_textpage()
    handle = textpage.raw
    out: list[Char] = []
    lft, r, b, t, ox, oy = (ctypes.c_double() for _ in range(6))
    p_lft, p_r, p_b, p_t, p_ox, p_oy = (ctypes.byref(v) for v in (lft, r, b, t, ox, oy))
    m = raw.FS_MATRIX()
    p_m = ctypes.byref(m)
    rect = raw.FS_RECTF()
    p_rect = ctypes.byref(rect)
    is_generated, get_box, get_origin = raw.FPDFText_IsGenerated, raw.FPDFText_GetCharBox, raw.FPDFText_GetCharOrigin
    get_matrix, get_size, get_loose = raw.FPDFText_GetMatrix, raw.FPDFText_GetFontSize, raw.FPDFText_GetLooseCharBox
    try:
        n = raw.FPDFText_CountChars(handle)
        codes = _page_codes(raw, handle, n) if n > 0 else []
        for i in range(n):
            code = codes[i]
            if code < 32 or code in (0xFFFE, 0xFFFF) or (code == 32 and is_generated(handle, i) == 1):
                continue
            if not get_box(handle, i, p_lft, p_r, p_b, p_t):
                continue
            get_origin(handle, i, p_ox, p_oy)
            scale = 1.0
            if get_matrix(handle, i, p_m):
                scale = abs(m.a * m.d - m.b * m.c) ** 0.5 or 1.0
            size = get_size(handle, i) * scale
            glyph_h = t.value - b.value
            if not 0.5 <= size <= 200 or size < 0.8 * glyph_h:
                size = max(glyph_h, 1.0)
            x0, x1 = lft.value, r.value
            cx = (x0 + x1) / 2
            if get_loose(handle, i, p_rect):
                lw = rect.right - rect.left
                if 0 < lw <= 1.5 * size and rect.left - 0.5 <= cx <= rect.right + 0.5:
                    x0, x1 = rect.left, rect.right
            baseline = top - oy.value
            if 0xD800 <= code <= 0xDFFF:  # a lone UTF-16 surrogate from a broken font: not a character
                code = 0xFFFD
            out.append(Char(chr(code), x0 - left, baseline - 0.88 * size, x1 - left, baseline + 0.12 * size))
    finally:
        textpage.close()
    return out


def dedupe_chars(chars: list[Char], tolerance: float = 1.0) -> list[Char]:
    """Drop a character drawn again at (almost) the same place: fake bold, shadows."""
    kept: dict[str, list[Char]] = {}
    out: list[Char] = []
    for ch in chars:
        if ch.text.isspace():
            out.append(ch)
            continue
        same = kept.setdefault(ch.text, [])
        if any(abs(o.x0 - ch.x0) <= tolerance and abs(o.top - ch.top) <= tolerance for o in same[-8:]):
            continue
        same.append(ch)
        out.append(ch)
    return out


def page_geometry(page: pdfium.PdfPage, number: int) -> PageGeometry:
    """Characters, ruling edges and image boxes of one page, top-left origin."""
    left, bottom, right, top = page.get_cropbox()
    sink = _Sink(left, top)
    handle = page.raw
    objects = [pdfium_c.FPDFPage_GetObject(handle, i) for i in range(pdfium_c.FPDFPage_CountObjects(handle))]
    _walk(objects, _IDENTITY, sink, 0)
    chars = dedupe_chars(_chars(page, left, top))
    return PageGeometry(number, right - left, top - bottom, chars, sink.edges, sink.images)
