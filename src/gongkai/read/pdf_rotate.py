"""Pages whose content is drawn rotated (a landscape scan of a table, or a page turned upright by
``/Rotate 90``): the text direction comes from the characters' matrices, and the page geometry is
turned so that the text runs left to right, as the layout expects.

The check is cheap for ordinary pages: only a page whose characters do not run left to right in
bands (`looks_rotated`) has its character matrices read.
"""

from __future__ import annotations

import ctypes
import math
from collections import Counter
from collections.abc import Callable

from gongkai.read.pdf_geometry import Box, Char, Edge, PageGeometry, dedupe_chars, pdfium, pdfium_c

DOMINANT = 0.6  # share of characters that must run one way for the page to be turned that way
Point = tuple[float, float]


def looks_rotated(geo: PageGeometry, sample: int = 400) -> bool:
    """Whether the characters, in drawing order, fail to run left to right along shared bands."""
    chars = [c for c in geo.chars[:sample] if not c.text.isspace()]
    if len(chars) < 20:
        return False
    along = sum(
        1
        for a, b in zip(chars, chars[1:], strict=False)
        if abs(a.top - b.top) < 0.5 * max(a.height, 1.0) and b.x0 >= a.x0
    )
    return along < 0.4 * (len(chars) - 1)


def _turn_of(a: float, b: float) -> int:
    """The quarter turn (0, 90, 180, 270; counter-clockwise) of a text matrix's direction (a, b)."""
    return round(math.degrees(math.atan2(b, a)) / 90) % 4 * 90


def _frame(turn: int, width: float, height: float) -> tuple[Callable[[float, float], Point], float, float]:
    """The map from top-left page coordinates into the frame where text of `turn` runs left to right,
    and that frame's width and height."""
    if turn == 90:  # text runs up the page
        return (lambda x, y: (height - y, x)), height, width
    if turn == 270:  # text runs down the page
        return (lambda x, y: (y, width - x)), height, width
    return (lambda x, y: (width - x, height - y)), width, height  # upside down


def _box(points: list[Point]) -> tuple[float, float, float, float]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def upright(page: pdfium.PdfPage, geo: PageGeometry, notes: list[str]) -> PageGeometry:
    """`geo`, turned so that its text runs left to right when the page's text is drawn rotated.
    A page whose text runs several ways with none dominant gets a note and is left as it is."""
    if not looks_rotated(geo):
        return geo
    left, _bottom, _right, top = page.get_cropbox()
    raw = _raw_chars(page, left, top)
    turns = Counter(t for t, *_ in raw)
    if not turns:
        return geo
    turn, count = turns.most_common(1)[0]
    if turn == 0:
        return geo
    if count < DOMINANT * len(raw):
        notes.append(f"第{geo.number}页的文字朝多个方向排列（旋转的文字），可能读取不全，请核对该页")
        return geo
    move, width, height = _frame(turn, geo.width, geo.height)
    chars: list[Char] = []
    for t, text, corners, origin, size in raw:
        if t != turn:
            continue
        x0, _, x1, _ = _box([move(*p) for p in corners])
        _, baseline = move(*origin)
        chars.append(Char(text, x0, baseline - 0.88 * size, x1, baseline + 0.12 * size))
    edges = []
    for e in geo.edges:
        x0, y0, x1, y1 = _box([move(e.x0, e.top), move(e.x1, e.bottom)])
        edges.append(Edge("h" if y1 - y0 < x1 - x0 else "v", x0, y0, x1, y1))
    images = [Box(*_box([move(b.x0, b.top), move(b.x1, b.bottom)])) for b in geo.images]
    chars.sort(key=lambda c: (round(c.top), c.x0))
    return PageGeometry(geo.number, width, height, dedupe_chars(chars), edges, images)


def _raw_chars(page: pdfium.PdfPage, left: float, top: float) -> list[tuple[int, str, list[Point], Point, float]]:
    """(turn, text, glyph box corners, origin, font size) of each drawn character, top-left coordinates."""
    textpage = page.get_textpage()
    handle = textpage.raw
    out = []
    m = pdfium_c.FS_MATRIX()
    lft, r, b, t = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    try:
        for i in range(pdfium_c.FPDFText_CountChars(handle)):
            if pdfium_c.FPDFText_IsGenerated(handle, i) == 1:
                continue
            code = pdfium_c.FPDFText_GetUnicode(handle, i)
            if code in (0, 0xFFFE, 0xFFFF) or code < 32 or chr(code).isspace():
                continue
            if not pdfium_c.FPDFText_GetMatrix(handle, i, ctypes.byref(m)):
                continue
            if not pdfium_c.FPDFText_GetCharBox(handle, i, ctypes.byref(lft), ctypes.byref(r), ctypes.byref(b),
                                                ctypes.byref(t)):
                continue
            pdfium_c.FPDFText_GetCharOrigin(handle, i, ctypes.byref(ox), ctypes.byref(oy))
            scale = abs(m.a * m.d - m.b * m.c) ** 0.5 or 1.0
            size = pdfium_c.FPDFText_GetFontSize(handle, i) * scale
            x0, x1 = lft.value - left, r.value - left
            y0, y1 = top - t.value, top - b.value
            if not 0.5 <= size <= 200:
                size = max(abs(x1 - x0), abs(y1 - y0), 1.0)
            corners = [(x0, y0), (x1, y1)]
            out.append((_turn_of(m.a, m.b), chr(code), corners, (ox.value - left, top - oy.value), size))
    finally:
        textpage.close()
    return out
