"""Ruling lines and skew of a page picture (numpy + OpenCV, both part of the `ocr` extra).

* `deskew`: the median angle of the long, nearly horizontal lines (table rules, text
  baselines drawn as rules) is the page's skew; the picture is turned back by it.
* `find_rules`: morphological opening with long thin kernels keeps only horizontal and
  vertical strokes longer than any character; each connected piece becomes an Edge, in
  pixels, for the same grid builder the PDF text layer uses.
"""

from __future__ import annotations

import math
from typing import Any

from gongkai.read.pdf_geometry import Edge

H_RULE_PT = 18.0  # points: a horizontal stroke this long is a rule, not part of a character
V_RULE_PT = 12.0  # points: the same for vertical strokes (rows are at least this tall)
MAX_SKEW = 5.0  # degrees; a larger angle is not a scan's skew but a rotated page or a diagonal


def _cv2() -> Any:
    import cv2

    return cv2


def ink_mask(gray: Any) -> Any:
    """Dark strokes as 255 on 0, robust to uneven scans (adaptive threshold)."""
    cv2 = _cv2()
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)


def skew_angle(mask: Any) -> float:
    """Degrees to rotate the picture counter-clockwise so its long lines are level."""
    cv2 = _cv2()
    small = cv2.resize(mask, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    h, w = small.shape[:2]
    lines = cv2.HoughLinesP(small, 1, math.pi / 1800, threshold=max(80, w // 6), minLineLength=w // 4, maxLineGap=6)
    if lines is None:
        return 0.0
    angles = []
    for x1, y1, x2, y2 in lines.reshape(-1, 4):
        if x2 == x1:
            continue
        a = math.degrees(math.atan2(y2 - y1, x2 - x1))
        if abs(a) <= MAX_SKEW:
            angles.append(a)
    if not angles:
        return 0.0
    angles.sort()
    return angles[len(angles) // 2]


def rotate(rgb: Any, angle: float) -> Any:
    if abs(angle) < 0.05:
        return rgb
    cv2 = _cv2()
    h, w = rgb.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def find_rules(mask: Any, unit: float) -> list[Edge]:
    """Horizontal and vertical rules of a binary picture, in pixels (`unit` points per pixel:
    the kernels are longer than any character of body text, wherever the picture was cut)."""
    cv2 = _cv2()
    out: list[Edge] = []
    h_len, v_len = max(20, int(H_RULE_PT / unit)), max(15, int(V_RULE_PT / unit))
    for orient, ksize in (("h", (h_len, 1)), ("v", (1, v_len))):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, ksize)
        lines = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        lines = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
        n, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        for k in range(1, n):
            x, y, bw, bh, _area = stats[k]
            if orient == "h" and bw >= ksize[0] and bh <= max(12, bw // 8):
                out.append(Edge("h", float(x), y + bh / 2, float(x + bw), y + bh / 2))
            elif orient == "v" and bh >= ksize[1] and bw <= max(12, bh // 8):
                out.append(Edge("v", x + bw / 2, float(y), x + bw / 2, float(y + bh)))
    return out
