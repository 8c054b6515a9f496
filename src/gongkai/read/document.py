"""The neutral document every reader produces: paragraphs and table grids, in order.

Readers for text, HTML, DOCX and PDF all emit this; extraction never looks at the source
format. Every piece keeps an `Origin` so a number can be traced back to where it stood.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple


class Origin(NamedTuple):
    """Where a piece of text stood in the source.

    `line` is 1-based (text formats); `table`, `row`, `col` are 0-based grid coordinates of
    a table cell (HTML, DOCX, PDF); `page` (1-based) and `bbox` (x0, top, x1, bottom in PDF
    points) locate it on a page.
    """

    line: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None

    def as_dict(self) -> dict[str, object]:
        if self.table is None and self.page is None and self.row is None:  # the common text case
            return {"line": self.line} if self.col is None else {"line": self.line, "col": self.col}
        out: dict[str, object] = {}
        for name, value in zip(self._fields[:5], self[:5], strict=True):
            if value is not None:
                out[name] = value
        if self.bbox is not None:
            out["bbox"] = [round(v, 1) for v in self.bbox]
        return out


@dataclass(slots=True)
class Paragraph:
    text: str
    origin: Origin


@dataclass(slots=True)
class Cell:
    """One table cell. `text` is what it literally said (whitespace kept, lines joined by \\n)."""

    text: str
    origin: Origin
    confidence: float | None = None  # OCR confidence in [0, 1]; None for a text layer


@dataclass(slots=True)
class Table:
    """A table as rows of cells.

    A merged cell appears once, at its top-left position; the positions it also covers are
    left out of `rows`, so nothing is counted twice. `rows_reliable` is False when the
    source lost its row boundaries (a plain-text flattening with one cell per line): then
    `rows` holds runs of cells, and extraction aligns them by the standard's labels.
    """

    rows: list[list[Cell]]
    origin: Origin
    rows_reliable: bool = True


Block = Paragraph | Table


@dataclass(slots=True)
class Item:
    """One element of the linear stream that extraction walks."""

    text: str
    origin: Origin
    in_table: bool
    row_start: bool
    confidence: float | None = None


@dataclass
class Document:
    """What a reader made of one file."""

    blocks: list[Block]
    kind: str  # text | markdown | html | docx | pdf | image
    notes: list[str] = field(default_factory=list)  # reader remarks that become findings

    def items(self) -> Iterator[Item]:
        """Paragraphs and table cells in reading order, with row starts marked."""
        for block in self.blocks:
            if isinstance(block, Paragraph):
                yield Item(block.text, block.origin, False, True)
            else:
                for row in block.rows:
                    first = True
                    for cell in row:
                        yield Item(cell.text, cell.origin, True, first, cell.confidence)
                        first = False

    def text_lines(self) -> Iterator[tuple[str, Origin]]:
        """Every text line (paragraphs and cells), for meta and narrative extraction."""
        for item in self.items():
            yield item.text, item.origin
