"""Prepare the reader's item stream for matching: simplified script, normalised labels, values."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.extract.labels import HeadingMatch, match_heading
from gongkai.extract.normalize import is_traditional, norm_label, strip_glosses, to_simplified
from gongkai.extract.values import Value, parse_value
from gongkai.read.document import Document, Origin


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
    raw_items = list(doc.items())
    sample = "".join(i.text for i in raw_items[:200])
    traditional = is_traditional(sample)
    out: list[PItem] = []
    for item in raw_items:
        text = strip_glosses(item.text) if "(" in item.text else item.text
        if traditional:
            text = to_simplified(text)
        value = parse_value(text)
        heading = None if value is not None else match_heading(text)
        out.append(
            PItem(item.text, text, norm_label(text), value, item.origin, item.row_start, item.in_table, heading,
                  item.confidence)
        )
    return out, traditional
