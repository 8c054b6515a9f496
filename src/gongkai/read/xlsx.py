"""The fill-in workbook (gongkai template) read back: its values laid out as the standard report.

The workbook's hidden sheet says which cell holds which value; the values become the standard
report (render/values.py) that extraction and the checks read like any other. Totals written as
formulas are evaluated here (a workbook saved by a program other than Excel carries no computed
values); a formula that is not a plain sum is taken from Excel's saved result, or left blank with
a note. Other Excel files are not reports this reader knows.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from gongkai.read.document import Document
from gongkai.read.errors import ReadError
from gongkai.read.registry import Reader, register

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_SUM = re.compile(r"^=\s*SUM\((.*)\)\s*$", re.IGNORECASE)
_DATE = re.compile(r"^\s*(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?\s*$")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _refs(arg: str) -> list[str] | None:
    """Cell references of one SUM argument (A1 or A1:B3), or None when it is something else."""
    parts = arg.strip().upper().split(":")
    m = [_REF.match(p) for p in parts]
    if not all(m) or len(parts) > 2:
        return None
    if len(parts) == 1:
        return [parts[0].replace("$", "")]
    (c1, r1), (c2, r2) = ((x.group(1), int(x.group(2))) for x in m if x)
    from gongkai.render.workbook import column_letter

    cols = range(_col_index(c1), _col_index(c2) + 1)
    return [f"{column_letter(c - 1)}{r}" for c in cols for r in range(r1, r2 + 1)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        from gongkai.render.values import format_number

        return format_number(value)
    return str(value).strip()


def _filled(cell: Any) -> bool:
    return getattr(cell, "value", None) is not None  # read-only sheets yield EmptyCell for gaps


def _iso_date(text: str) -> str:
    m = _DATE.match(text)
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else text


class _Sheets:
    """Cell values of a workbook, with plain SUM formulas evaluated and others from the saved results."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.cells = self._load(data_only=False)
        self._saved: dict[str, dict[str, Any]] | None = None
        self.notes: list[str] = []

    def _load(self, data_only: bool) -> dict[str, dict[str, Any]]:
        """Every sheet's non-empty cells by reference (one pass over each sheet, read-only)."""
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(self._data), data_only=data_only, read_only=True)
        try:
            return {
                ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if _filled(c)}
                for ws in book.worksheets
            }
        finally:
            book.close()

    def saved_value(self, sheet: str, ref: str) -> Any:
        if self._saved is None:
            self._saved = self._load(data_only=True)
        return self._saved.get(sheet, {}).get(ref)

    def value(self, sheet: str, ref: str, depth: int = 0) -> Any:
        raw = self.cells.get(sheet, {}).get(ref)
        if not (isinstance(raw, str) and raw.startswith("=")):
            return raw
        m = _SUM.match(raw)
        refs = [r for arg in m.group(1).split(",") for r in (_refs(arg) or ["?"])] if m else ["?"]
        if "?" in refs or depth > 4:
            saved = self.saved_value(sheet, ref)
            if saved is None:
                self.notes.append(f"{sheet}!{ref} 的公式“{raw}”无法计算，且文件中没有保存计算结果，按空白处理")
            return saved
        total: int | float = 0
        for r in refs:
            v = self.value(sheet, r, depth + 1)
            if isinstance(v, int | float) and not isinstance(v, bool):
                total += v
            elif v not in (None, ""):
                self.notes.append(f"{sheet}!{ref} 的合计引用了非数字单元格 {r}（“{v}”），按空白处理")
                return None
        return total


def read_xlsx(data: bytes, name: str = "") -> Document:
    """A gongkai fill-in workbook → the standard report Document."""
    from gongkai.render.layout import layouts
    from gongkai.render.values import document_from_values
    from gongkai.render.workbook import MAP_SHEET, MARKER

    try:
        sheets = _Sheets(data)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ReadError("bad_xlsx", f"Excel 文件已损坏或无法打开：{exc}") from exc
    mapping = sheets.cells.get(MAP_SHEET, {})
    if mapping.get("A1") != MARKER:
        raise ReadError(
            "unsupported_xlsx",
            "这个 Excel 文件不是 gongkai 填报表，无法按年报读取；请用 gongkai template 生成填报表后填写",
        )
    version = str(mapping.get("B1") or "2021")
    if version not in ("2021", "2019"):
        raise ReadError("bad_xlsx", f"填报表的格式版本“{version}”无法识别")
    values: dict[str, str] = {}
    row = 2
    while (path := mapping.get(f"A{row}")) is not None:
        sheet, ref = mapping.get(f"B{row}"), mapping.get(f"C{row}")
        row += 1
        if sheet in sheets.cells and isinstance(ref, str):
            values[str(path)] = _text(sheets.value(str(sheet), ref))
    values["meta.published"] = _iso_date(values.get("meta.published", ""))
    doc = document_from_values(values, layouts(version))  # type: ignore[arg-type]
    doc.kind = "xlsx"
    doc.notes.extend(sheets.notes)
    return doc


def _sniff(name: str, head: bytes) -> bool:
    return head.startswith(b"PK") and name.lower().endswith((".xlsx", ".xlsm"))


# No extensions listed: a folder of reports is not searched for workbooks (most .xlsx beside reports are
# other tables); a workbook named on the command line is read.
register(Reader("xlsx", _sniff, read_xlsx, ()))
