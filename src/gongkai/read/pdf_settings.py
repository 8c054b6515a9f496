"""Settings of PDF table finding, as a checked dataclass (pdfplumber's TableSettings style)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class TableSettings:
    """Tolerances of table finding, in PDF points unless said otherwise.

    * `snap_tolerance`: rules this close to one another are snapped to one position;
    * `join_tolerance`: collinear rules with a gap this small are joined into one;
    * `edge_min_length`: shorter rules are ignored (underlines of single characters, ticks);
    * `intersection_tolerance`: how far a rule may stop short of another and still meet it;
    * `min_cells`: a ruled box with fewer cells is a frame around text, not a table;
    * `column_gap`: in tables without rules, a horizontal gap of this many character heights
      separates two cells of one line;
    * `line_overlap`: two characters share a text line when their vertical overlap is at
      least this fraction of the smaller height;
    * `text_layer_min_chars`: a page with fewer characters is treated as a scan.
    """

    snap_tolerance: float = 3.0
    join_tolerance: float = 3.0
    edge_min_length: float = 3.0
    intersection_tolerance: float = 3.0
    min_cells: int = 2
    column_gap: float = 1.2
    line_overlap: float = 0.5
    text_layer_min_chars: int = 20

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise TypeError(f"TableSettings.{f.name} must be a number, got {value!r}")
            if value < 0:
                raise ValueError(f"TableSettings.{f.name} must not be negative, got {value!r}")
        if not 0 < self.line_overlap <= 1:
            raise ValueError(f"TableSettings.line_overlap must be in (0, 1], got {self.line_overlap!r}")

    @classmethod
    def resolve(cls, settings: TableSettings | dict[str, Any] | None = None) -> TableSettings:
        """Settings from None (defaults), a dict of overrides, or an instance."""
        if settings is None:
            return cls()
        if isinstance(settings, cls):
            return settings
        if isinstance(settings, dict):
            known = {f.name for f in fields(cls)}
            unknown = set(settings) - known
            if unknown:
                raise ValueError(f"unknown TableSettings: {', '.join(sorted(unknown))}")
            return replace(cls(), **settings)
        raise TypeError(f"cannot make TableSettings from {type(settings).__name__}")
