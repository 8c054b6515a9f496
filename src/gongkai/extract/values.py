"""Cell text → value. Blank, "/", "-", "—", "无" are None; annotations and units are kept apart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_BLANK = {"", "/", "／", "-", "－", "—", "——", "–", "无", "\\", "×", "空", "N/A", "n/a"}
_NUMBER = re.compile(
    r"^\s*(?P<num>[-+－]?\d[\d,，]*(?:\.\d+)?)\s*"
    r"(?P<rest>(?:[（(【\[].*[）)】\]])?|万元|元|件|个|条|项|次|人|家|笔|份)?\s*$"
)


MAX_DIGITS = 30  # longer digit runs are not values of a report's tables


@dataclass(frozen=True, slots=True)
class Value:
    value: int | float | None
    annotation: str | None = None
    blank: bool = False  # the cell said nothing or a blank marker


def is_blank_marker(text: str) -> bool:
    return text.strip().replace(" ", "") in _BLANK


@lru_cache(maxsize=8192)
def parse_value(text: str) -> Value | None:
    """Parse a value cell; None when the text is not a value (a label, a header, prose)."""
    t = text.strip().strip("|").strip()
    if t.replace(" ", "") in _BLANK:
        return Value(None, None, True)
    m = _NUMBER.match(t)
    if not m:
        return None
    raw = m.group("num").replace(",", "").replace("，", "").replace("－", "-").lstrip("+")
    if raw.count(",") or len(raw) > MAX_DIGITS or not re.match(r"^-?\d+(\.\d+)?$", raw):
        return None  # a run of hundreds of digits is not a count (and int() refuses > 4300 digits)
    number: int | float = float(raw) if "." in raw else int(raw)
    rest = m.group("rest") or None
    return Value(number, rest)
