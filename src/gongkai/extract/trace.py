"""What extraction saw and decided, kept for the checks and for `gongkai debug`.

Extraction never writes findings itself: it records facts here, and registered rules turn
them into findings, so every finding has a documented rule behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.read.document import Origin


@dataclass(slots=True)
class LabelVariant:
    table: str
    key: str  # row key (or "section.N")
    literal: str
    standard: str


@dataclass(slots=True)
class RowProblem:
    table: str
    key: str
    label: str
    found: int
    expected: int
    reason: str  # "too_many" | "too_few" | "truncated"
    origin: Origin | None = None


@dataclass(slots=True)
class Heading:
    no: int
    title: str
    numbered: bool
    standard: bool
    origin: Origin
    printed_no: int | None = None  # the number the report printed, when it is not the part's own


@dataclass
class Trace:
    headings: list[Heading] = field(default_factory=list)
    label_variants: list[LabelVariant] = field(default_factory=list)
    unknown_rows: list[tuple[str, str]] = field(default_factory=list)  # (table, literal label)
    row_problems: list[RowProblem] = field(default_factory=list)
    duplicate_rows: list[tuple[str, str]] = field(default_factory=list)
    missing_rows: dict[str, list[str]] = field(default_factory=dict)  # table → row keys not found
    truncated: set[str] = field(default_factory=set)  # tables cut short by the end of the file
    tables_found: set[str] = field(default_factory=set)
    table_problems: dict[str, str] = field(default_factory=dict)  # table → why it is null
    blank_cells: list[str] = field(default_factory=list)  # paths whose cell was blank or a dash
    versions: dict[str, str] = field(default_factory=dict)  # "active.一" / "requests.六" → "2021"/"2019"
    reader_notes: list[str] = field(default_factory=list)
    low_confidence: list[tuple[str, float]] = field(default_factory=list)
    narrative: list[str] = field(default_factory=list)  # paragraph texts, for narrative checks
    published_origin: str | None = None  # "signature" (落款日期) or "page" (网页发布日期) for meta.published
    read_error: tuple[str, str] | None = None  # (code, Chinese message) when the file could not be read
