"""Tables without rules (placeholder)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gongkai.read.pdf_geometry import Char
from gongkai.read.pdf_settings import TableSettings

if TYPE_CHECKING:
    from gongkai.read.pdf_layout import RawTable


def find_text_tables(
    lines: list[list[Char]], page: int, s: TableSettings
) -> tuple[list[RawTable], list[list[Char]]]:
    return [], lines
