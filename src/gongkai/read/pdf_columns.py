"""Tables without rules: find them among the text lines and cut them into rows and columns.

1. Vertical labels (``三、本年度办理结果`` one character per line) are taken out first and
   become one cell, so their characters never mix into a row.
2. Each line is cut into segments at wide gaps (and where text meets a number).
3. A table is a run of lines holding value lines (a number beside other segments), with its
   header lines above; a section heading, prose or a wide vertical gap ends it.
4. Value columns are the x-bands that the numbers of the value lines occupy; everything left
   of the first band is the label area.
5. Every value line is a row: its labels (wrapped label lines joined, a label without numbers
   on its own line attached to the nearest row), then one cell per value column (empty when
   the column has nothing), so a blank cell stays a blank cell and never shifts the others.
   A label wraps above and below its row's numbers; where a page break cuts a table, the lines
   of such a label before the first numbers of the page stay in the row (not a header row) and
   the lines after the last numbers stay in the table (not prose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gongkai.read.pdf_geometry import Char
from gongkai.read.pdf_settings import TableSettings
from gongkai.read.pdf_text import bbox_of, confidence_of, line_text

if TYPE_CHECKING:
    from gongkai.read.pdf_layout import RawCell, RawTable

VALUE = re.compile(r"^[-+]?\d[\d,，]*(?:\.\d+)?(?:万元|元|件|个|项|次|人|家)?$|^[/／\\—–－-]+$|^无$")
_CN = "[一二三四五六七八九十]{1,2}"
ENUMERATED = re.compile(rf"^(?:（{_CN}）|\({_CN}\)|{_CN}、|\d{{1,2}}[.．、])")
SECTION = re.compile(
    r"^[一二三四五六]\s*[、.．]\s*(?:总体情况|主动公开|行政机关主动公开|收到和处理|政府信息公开行政复议|因政府信息公开|"
    r"存在的主要问题|政府信息公开工作存在|其他需要报告|工作基本情况)"
)
BLOCK_TITLE = re.compile(r"^第\s*二十\s*条|^信息内容$")  # a row of its own inside table 二
_NOT_VERTICAL = set("无/／-－—0123456789.")


@dataclass
class Segment:
    chars: list[Char]
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def is_value(self) -> bool:
        return bool(VALUE.match(self.text.replace(" ", "")))

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def _segment(chars: list[Char]) -> Segment:
    x0, top, x1, bottom = bbox_of(chars)
    return Segment(chars, line_text(chars), x0, top, x1, bottom)


def split_line(line: list[Char], s: TableSettings) -> list[Segment]:
    """Cut one line at wide gaps: wider than `column_gap` heights, or far wider than the line's
    usual spacing (dense table headers), or where a label meets a number after a visible gap."""
    visible = [c for c in line if not c.text.isspace()]
    if not visible:
        return []
    gaps = sorted(max(0.0, b.x0 - a.x1) for a, b in zip(visible, visible[1:], strict=False))
    usual = gaps[len(gaps) // 4] if gaps else 0.0  # the spacing inside words, not between cells
    runs: list[list[Char]] = [[visible[0]]]
    for prev, ch in zip(visible, visible[1:], strict=False):
        h = max(min(prev.height, ch.height), 1.0)
        gap = ch.x0 - prev.x1
        digit_edge = prev.text.isdigit() != ch.text.isdigit() and ch.text not in ".,，" and prev.text not in ".,，"
        if gap > s.column_gap * h or gap > max(0.4 * h, 3 * usual + 1.0) or (digit_edge and gap > 0.25 * h):
            runs.append([ch])
        else:
            runs[-1].append(ch)
    return _rejoin_labels([_segment(r) for r in runs])


def _joins(left: Segment, right: Segment) -> bool:
    h = max(right.bottom - right.top, 1.0)
    at_digit = left.text[-1:].isdigit() or right.text[:1].isdigit()
    if at_digit and not left.is_value and not right.is_value and right.x0 - left.x1 <= 0.4 * h:
        return True  # a label cut where a digit meets text: "第711" + "号"
    return bool(re.fullmatch(r"\d{1,2}", left.text)) and right.text[:1] in ".．、" and right.x0 - left.x1 < 3


def _rejoin_labels(segments: list[Segment]) -> list[Segment]:
    """Undo a number split off inside a label (``2.其他``, ``第 711 号``): only whole values stand alone."""
    out: list[Segment] = []
    for seg in segments:
        if out and _joins(out[-1], seg):
            out[-1] = _segment(out[-1].chars + seg.chars)
        else:
            out.append(seg)
    return out


def take_vertical_labels(lines: list[list[Char]]) -> tuple[list[Segment], list[list[Char]]]:
    """Characters standing alone one per line in a narrow stack → one segment each stack."""
    lone: list[Char] = []
    for line in lines:
        visible = [c for c in line if not c.text.isspace()]
        for k, ch in enumerate(visible):
            h = max(ch.height, 1.0)
            left = visible[k - 1].x1 if k else -1e9
            right = visible[k + 1].x0 if k + 1 < len(visible) else 1e9
            if ch.x0 - left > 0.5 * h and right - ch.x1 > 0.5 * h and ch.text not in _NOT_VERTICAL:
                lone.append(ch)
    stacks: list[list[Char]] = []
    for ch in sorted(lone, key=lambda c: (round(c.cx), c.top)):
        for st in stacks:
            last = st[-1]
            if abs(last.cx - ch.cx) <= 3 and 0 < ch.top - last.top <= 3 * max(last.height, 1.0):
                st.append(ch)
                break
        else:
            stacks.append([ch])
    taken = {id(c) for st in stacks if len(st) >= 3 for c in st}
    if not taken:
        return [], lines
    verticals = []
    for st in stacks:
        if len(st) >= 3:
            x0, top, x1, bottom = bbox_of(st)
            verticals.append(Segment(st, "\n".join(c.text for c in st), x0, top, x1, bottom))
    rest = [[c for c in line if id(c) not in taken] for line in lines]
    return verticals, [line for line in rest if line]


@dataclass
class _Line:
    segments: list[Segment]
    top: float
    bottom: float

    @property
    def values(self) -> list[Segment]:
        return [g for g in self.segments if g.is_value]

    @property
    def is_data(self) -> bool:
        return bool(self.values) and len(self.segments) >= 2

    @property
    def text(self) -> str:
        return " ".join(g.text for g in self.segments)


def _regions(lines: list[_Line], width: float) -> list[tuple[int, int]]:
    """Index ranges [start, end) of lines that form tables."""
    out: list[tuple[int, int]] = []
    n = len(lines)
    i = 0
    while i < n:
        if not lines[i].is_data:
            i += 1
            continue
        start = i
        while start > 0 and _header_like(lines[start - 1], lines[start].top - lines[start - 1].bottom, width):
            start -= 1
        end = i + 1
        last_data = i
        while end < n and not SECTION.match(lines[end].text) and lines[end].top - lines[end - 1].bottom < 3 * max(
            lines[end].bottom - lines[end].top, 1
        ):
            if lines[end].is_data:
                last_data = end
            elif not _header_like(lines[end], lines[end].top - lines[end - 1].bottom, width):
                break
            end += 1
        end = last_data + 1
        data = [ln for ln in lines[start:end] if ln.is_data]
        value_left = min(g.x0 for ln in data for g in ln.values)
        while end < n and not lines[end].values and max(g.x1 for g in lines[end].segments) < value_left and all(
            _wrap_above(g, lines[start:end]) for g in lines[end].segments
        ):
            end += 1  # the last lines of a label wrapped below its numbers, at the foot of a table or page
        if len(data) >= 2 or (data and len(data[0].values) >= 5):
            out.append((start, end))
        i = end
    return out


def _header_like(line: _Line, gap: float, width: float) -> bool:
    """A short or multi-part line next to a table: header pieces, block titles, wrapped labels."""
    if SECTION.match(line.text) or gap > 3 * max(line.bottom - line.top, 1):
        return False
    if len(line.segments) >= 2:
        return True
    seg = line.segments[0]
    return (seg.x1 - seg.x0) < 0.6 * width and len(seg.text) <= 40


def _bands(values: list[Segment]) -> list[tuple[float, float]]:
    spans = sorted((g.x0, g.x1) for g in values)
    bands: list[list[float]] = []
    for x0, x1 in spans:
        if bands and x0 <= bands[-1][1] + 1.0:
            bands[-1][1] = max(bands[-1][1], x1)
        else:
            bands.append([x0, x1])
    return [(a, b) for a, b in bands]


def _band_of(seg: Segment, bands: list[tuple[float, float]]) -> int:
    best, dist = 0, float("inf")
    for k, (a, b) in enumerate(bands):
        d = 0.0 if a - 1 <= (seg.x0 + seg.x1) / 2 <= b + 1 else min(abs(seg.x0 - b), abs(seg.x1 - a))
        if d < dist:
            best, dist = k, d
    return best


def _same_column(upper: Segment, lower: Segment) -> bool:
    h = max(lower.bottom - lower.top, 1.0)
    return abs(upper.x0 - lower.x0) <= 1.5 * h or (upper.x0 <= lower.cx <= upper.x1 and lower.x0 >= upper.x0 - h)


def _wraps(upper: Segment, lower: Segment) -> bool:
    """`lower` is the next line of the label that `upper` ends: right below it and not numbered."""
    h = max(lower.bottom - lower.top, 1.0)
    return 0 <= lower.top - upper.bottom <= 0.8 * h and not ENUMERATED.match(lower.text)


def _wrap_below(upper: Segment, lines: list[_Line]) -> bool:
    """The nearest label piece below `upper` in its column, in `lines`, is the next line of its label."""
    below = [g for ln in lines for g in ln.segments if not g.is_value and g.top > upper.top and _same_column(upper, g)]
    return bool(below) and _wraps(upper, min(below, key=lambda g: g.top))


def _wrap_above(lower: Segment, lines: list[_Line]) -> bool:
    """The nearest label piece above `lower` in its column, in `lines`, is continued by `lower`."""
    above = [g for ln in lines for g in ln.segments if not g.is_value and g.top < lower.top and _same_column(g, lower)]
    return bool(above) and _wraps(max(above, key=lambda g: g.bottom), lower)


def _group_labels(pieces: list[Segment], anchored: set[int]) -> list[list[Segment]]:
    """Wrapped label lines joined: a piece continues the one above it in its column unless it is
    numbered, or both stand on lines of their own values (two rows, not one wrapped label)."""
    labels: list[list[Segment]] = []
    for seg in sorted(pieces, key=lambda g: (g.top, g.x0)):
        for lab in reversed(labels):
            last = lab[-1]
            if not _same_column(last, seg):
                continue
            both_rows = id(seg) in anchored and any(id(g) in anchored for g in lab)
            if _wraps(last, seg) and not both_rows:
                lab.append(seg)
            else:
                labels.append([seg])
            break
        else:
            labels.append([seg])
    return labels


def _cell(seg_list: list[Segment], row: int, col: int, page: int) -> RawCell:
    from gongkai.read.pdf_layout import RawCell

    box = (min(g.x0 for g in seg_list), min(g.top for g in seg_list), max(g.x1 for g in seg_list),
           max(g.bottom for g in seg_list))
    conf = confidence_of([c for g in seg_list for c in g.chars])
    return RawCell("\n".join(g.text for g in seg_list), row, col, page, box, conf)


def _merge_header(lines: list[_Line]) -> list[list[list[Segment]]]:
    """Header lines → rows of cells; a piece right under a piece of the same width continues it."""
    rows: list[list[list[Segment]]] = []
    open_cells: list[list[Segment]] = []
    for line in lines:
        row: list[list[Segment]] = []
        for seg in line.segments:
            w = seg.x1 - seg.x0
            for cell in [] if BLOCK_TITLE.match(seg.text) else open_cells:
                if BLOCK_TITLE.match(cell[-1].text):
                    continue
                last = cell[-1]
                lw = last.x1 - last.x0
                overlap = min(last.x1, seg.x1) - max(last.x0, seg.x0)
                close = 0 <= seg.top - last.bottom <= 0.8 * max(seg.bottom - seg.top, 1)
                if close and overlap >= 0.6 * min(w, lw):
                    cell.append(seg)
                    break
            else:
                row.append([seg])
        open_cells = [c for r in rows for c in r] + row
        if row:
            rows.append(row)
    return rows


def _build(lines: list[_Line], verticals: list[Segment], page: int) -> RawTable:
    from gongkai.read.pdf_layout import RawTable

    data = [ln for ln in lines if ln.is_data]
    first_data = lines.index(data[0])
    values = [g for ln in data for g in ln.values]
    bands = _bands(values)
    label_right = bands[0][0] - 1
    header = lines[:first_data]
    body = lines[first_data:]
    while header and not header[-1].values and max(g.x1 for g in header[-1].segments) <= label_right + 2 and all(
        _wrap_below(g, body) for g in header[-1].segments
    ):
        body.insert(0, header.pop())  # the first lines of a label wrapped above its numbers, at the head of a page
    # label pieces: left of the value bands; other non-data lines in the body are rows of their own
    pieces: list[Segment] = []
    own_rows: list[_Line] = []
    for ln in body:
        lab = [g for g in ln.segments if g.x1 <= label_right + 2 and not (ln.is_data and g.is_value)]
        rest = [g for g in ln.segments if g not in lab]
        if ln.is_data or not (rest or any(BLOCK_TITLE.match(g.text) for g in lab)):
            pieces.extend(lab)
        else:
            own_rows.append(ln)
    anchored = {id(g) for ln in data for g in ln.segments}
    labels = _group_labels(pieces, anchored)
    rows_by_line: dict[int, list[list[Segment]]] = {id(ln): [] for ln in data}
    for lab in labels:
        home = next((ln for ln in data if any(g in ln.segments for g in lab)), None)
        if home is None:
            cy = (lab[0].top + lab[-1].bottom) / 2
            home = min(data, key=lambda ln: abs((ln.top + ln.bottom) / 2 - cy))
        rows_by_line[id(home)].append(lab)
    for v in verticals:
        home = next((ln for ln in data if ln.bottom >= v.top), data[-1])
        rows_by_line[id(home)].insert(0, [v])
    ordered: list[tuple[float, str, _Line]] = [(ln.top, "data", ln) for ln in data]
    ordered += [(ln.top, "own", ln) for ln in own_rows]
    ordered.sort(key=lambda t: t[0])
    rows: list[list[RawCell]] = []
    for hrow in _merge_header(header):
        r = len(rows)
        rows.append([_cell(cell, r, k, page) for k, cell in enumerate(sorted(hrow, key=lambda c: c[0].x0))])
    for _, kind, ln in ordered:
        r = len(rows)
        if kind == "own":
            rows.append([_cell([g], r, k, page) for k, g in enumerate(ln.segments)])
            continue
        labs = sorted(rows_by_line[id(ln)], key=lambda lab: lab[0].x0)
        cells = [_cell(lab, r, k, page) for k, lab in enumerate(labs)]
        in_band: list[list[Segment]] = [[] for _ in bands]
        for g in ln.segments:
            if g.x1 > label_right + 2 or g.is_value:
                in_band[_band_of(g, bands)].append(g)
        for k, segs in enumerate(in_band):
            if segs:
                cells.append(_cell(segs, r, len(labs) + k, page))
            else:
                from gongkai.read.pdf_layout import RawCell

                cells.append(RawCell("", r, len(labs) + k, page, (bands[k][0], ln.top, bands[k][1], ln.bottom)))
        rows.append(cells)
    boxes = [c.bbox for row in rows for c in row]
    bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    return RawTable(rows, page, bbox, page, bbox, True)


def find_text_tables(
    lines: list[list[Char]], page: int, s: TableSettings
) -> tuple[list[RawTable], list[list[Char]]]:
    """Tables without rules among a page's text lines; returns them and the lines left as prose."""
    if not lines:
        return [], lines
    verticals, lines = take_vertical_labels(lines)
    parsed = []
    for line in lines:
        segs = split_line(line, s)
        if segs:
            parsed.append((_Line(segs, min(g.top for g in segs), max(g.bottom for g in segs)), line))
    if not parsed:
        return [], lines
    width = max(ln.segments[-1].x1 for ln, _ in parsed) - min(ln.segments[0].x0 for ln, _ in parsed)
    plines = [p[0] for p in parsed]
    tables: list[RawTable] = []
    used: set[int] = set()
    for start, end in _regions(plines, width):
        region = plines[start:end]
        top, bottom = region[0].top, region[-1].bottom
        mine = [v for v in verticals if top - 5 <= v.top and v.bottom <= bottom + 30]
        tables.append(_build(region, mine, page))
        used.update(range(start, end))
        verticals = [v for v in verticals if v not in mine]
    prose = [parsed[k][1] for k in range(len(parsed)) if k not in used]
    prose += [v.chars for v in verticals]  # stacks outside any table stay text
    return tables, prose
