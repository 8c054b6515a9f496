"""One page's geometry → lines and tables in reading order; pages joined; blocks made.

* ruled tables come from `pdf_grid`, tables without rules from `pdf_columns`;
* text outside tables becomes one paragraph per line, top to bottom; page numbers
  (``-3-``, ``第 3 页``) are dropped;
* a table that ends one page and starts the next (the same left and right edges, nothing
  but a page number between) is one table; header rows repeated after the page break are
  dropped from the continuation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.read.document import Block, Cell, Origin, Paragraph, Table
from gongkai.read.pdf_columns import find_text_tables
from gongkai.read.pdf_geometry import PageGeometry
from gongkai.read.pdf_grid import Grid, fill, find_grids
from gongkai.read.pdf_settings import TableSettings
from gongkai.read.pdf_text import bbox_of, confidence_of, group_lines, line_text
from gongkai.read.text import PAGE_NUMBER

BBox = tuple[float, float, float, float]
SAME_EDGE = 8.0  # points: tables on consecutive pages with edges this close are one table
MAX_REPEATED_HEADER = 4


@dataclass
class RawCell:
    text: str
    row: int
    col: int
    page: int
    bbox: BBox
    confidence: float | None = None


@dataclass
class RawLine:
    text: str
    page: int
    bbox: BBox
    confidence: float | None = None

    @property
    def top(self) -> float:
        return self.bbox[1]


@dataclass
class RawTable:
    rows: list[list[RawCell]]
    page: int
    bbox: BBox
    last_page: int = 0
    last_bbox: BBox | None = None
    reliable: bool = True
    grids: list[Grid] = field(default_factory=list)  # kept for debugging

    @property
    def top(self) -> float:
        return self.bbox[1]


RawBlock = RawLine | RawTable


def table_from_grid(grid: Grid, page: int) -> RawTable:
    rows: dict[int, list[RawCell]] = {}
    for cell in grid.cells:
        rows.setdefault(cell.row, []).append(
            RawCell(cell.text, cell.row, cell.col, page, cell.bbox, confidence_of(cell.chars))
        )
    ordered = [sorted(rows[r], key=lambda c: c.col) for r in sorted(rows)]
    return RawTable(ordered, page, grid.bbox, page, grid.bbox, True, [grid])


def layout_page(geo: PageGeometry, s: TableSettings) -> list[RawBlock]:
    """Lines and tables of one page with a text layer, top to bottom."""
    grids = find_grids(geo.edges, s)
    rest = fill(grids, geo.chars, s)
    blocks: list[RawBlock] = [table_from_grid(g, geo.number) for g in grids]
    lines = [ln for ln in group_lines(rest, s.line_overlap) if line_text(ln)]
    text_tables, prose = find_text_tables(lines, geo.number, s)
    blocks.extend(text_tables)
    for line in prose:
        text = line_text(line)
        if PAGE_NUMBER.match(text):
            continue
        blocks.append(RawLine(text, geo.number, bbox_of(line), confidence_of(line)))
    blocks.sort(key=lambda b: b.top)
    return blocks


def _row_texts(row: list[RawCell]) -> tuple[str, ...]:
    return tuple("".join(c.text.split()) for c in row)


def _continues(prev: RawTable, nxt: RawTable) -> bool:
    assert prev.last_bbox is not None
    return (
        nxt.page == prev.last_page + 1
        and abs(nxt.bbox[0] - prev.last_bbox[0]) <= SAME_EDGE
        and abs(nxt.bbox[2] - prev.last_bbox[2]) <= SAME_EDGE
    )


def _append(prev: RawTable, nxt: RawTable) -> None:
    rows = nxt.rows
    head = [_row_texts(r) for r in prev.rows[:MAX_REPEATED_HEADER]]
    k = 0
    while k < len(rows) and k < len(head) and _row_texts(rows[k]) == head[k] and any(head[k]):
        k += 1
    rows = rows[k:]
    offset = max((c.row for r in prev.rows for c in r), default=-1) + 1
    first = min((c.row for r in rows for c in r), default=0)
    for row in rows:
        for cell in row:
            cell.row = cell.row - first + offset
    prev.rows.extend(rows)
    prev.last_page, prev.last_bbox = nxt.page, nxt.bbox
    prev.reliable = prev.reliable and nxt.reliable
    prev.grids.extend(nxt.grids)


def join_pages(pages: list[list[RawBlock]]) -> list[RawBlock]:
    """All pages' blocks in order, with tables continued across page breaks joined."""
    out: list[RawBlock] = []
    for blocks in pages:
        for k, block in enumerate(blocks):
            prev = out[-1] if out else None
            if k == 0 and isinstance(block, RawTable) and isinstance(prev, RawTable) and _continues(prev, block):
                _append(prev, block)
            else:
                out.append(block)
    return out


def to_blocks(raw: list[RawBlock]) -> list[Block]:
    """The neutral document blocks, tables numbered in order, every piece with page and box."""
    blocks: list[Block] = []
    n = 0
    for b in raw:
        if isinstance(b, RawLine):
            blocks.append(Paragraph(b.text, Origin(page=b.page, bbox=b.bbox)))
            continue
        rows = [
            [Cell(c.text, Origin(table=n, row=c.row, col=c.col, page=c.page, bbox=c.bbox), c.confidence) for c in row]
            for row in b.rows
            if row
        ]
        blocks.append(Table(rows, Origin(table=n, page=b.page, bbox=b.bbox), b.reliable))
        n += 1
    return blocks
