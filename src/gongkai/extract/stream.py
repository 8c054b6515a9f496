"""Prepare the reader's item stream for matching: simplified script, normalised labels, values."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from gongkai.extract.labels import HeadingMatch, match_heading
from gongkai.extract.normalize import is_traditional, norm_label, strip_glosses, to_simplified
from gongkai.extract.values import Value, parse_value
from gongkai.read.document import Document, Origin, Paragraph


@dataclass(slots=True)
class PItem:
    raw: str  # what the source said, kept as evidence
    text: str  # simplified script, glosses removed
    norm: str  # matching key
    value: Value | None
    origin: Origin
    row_start: bool
    in_table: bool
    heading: HeadingMatch | None
    confidence: float | None = None


def prepare(doc: Document) -> tuple[list[PItem], bool]:
    """Items ready for extraction, and whether the source was in traditional script."""
    sample: list[str] = []
    for block in doc.blocks[:200]:
        if isinstance(block, Paragraph):
            sample.append(block.text)
        else:
            sample.extend(c.text for row in block.rows[:20] for c in row)
    traditional = is_traditional("".join(sample))
    out: list[PItem] = []
    append = out.append
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            text, norm, value, heading = _analyse(block.text, traditional)
            append(PItem(block.text, text, norm, value, block.origin, True, False, heading, None))
            continue
        for row in block.rows:
            first = True
            for cell in row:
                text, norm, value, heading = _analyse(cell.text, traditional)
                append(PItem(cell.text, text, norm, value, cell.origin, first, True, heading, cell.confidence))
                first = False
    return out, traditional


@lru_cache(maxsize=32768)
def _analyse(raw: str, traditional: bool) -> tuple[str, str, Value | None, HeadingMatch | None]:
    """Simplified text, matching key, value and heading of a cell text (cells repeat a lot: cached)."""
    text = strip_glosses(raw) if "(" in raw else raw
    if traditional:
        text = to_simplified(text)
    value = parse_value(text)
    heading = None if value is not None else match_heading(text)
    return text, norm_label(text), value, heading
