"""Writers for the export tables: CSV (UTF-8 with BOM, for Excel/WPS), XLSX, Parquet, JSON.

Numbers stay numbers and blanks stay blank: CSV and JSON write integers and decimals exactly as
stored (Python's shortest round-trip form); XLSX holds them as numbers; Parquet holds counts as
nullable 64-bit integers and decimals (money) as decimal128(38, 10) made from the printed digits.

CSV is spreadsheet-safe: a text field starting with = + - @, a tab or a carriage return is prefixed
with a single quote (OWASP CSV injection), so Excel/WPS never runs report text as a formula.
Numbers are never touched (a negative number is a number, not text).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import IO, Any

from gongkai.export.tables import Column, Table

FORMATS = ("csv", "xlsx", "parquet", "json")
_XLSX_MAX_ROWS = 1_048_576


class ExportError(Exception):
    """An export problem a user can act on (Chinese message)."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula: a leading quote when it starts like one."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_text(value: Any) -> str:
    return safe_cell(value) if isinstance(value, str) else _text(value)


def write_csv(table: Table, out: IO[str], labels: str = "key") -> int:
    """Write the table as CSV to an open text stream (formula-safe, see module docstring); returns the row count."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c.header(labels)) for c in table.columns])
    n = 0
    for row in table.rows:
        writer.writerow([_csv_text(v) for v in row])
        n += 1
    return n


def write_json(table: Table, out: IO[str], labels: str = "key") -> int:
    """Write the table as a JSON array of objects (null for blank), streamed; returns the row count."""
    keys = [c.header(labels) for c in table.columns]
    out.write("[")
    n = 0
    for row in table.rows:
        out.write(",\n" if n else "\n")
        out.write(json.dumps(dict(zip(keys, row, strict=True)), ensure_ascii=False))
        n += 1
    out.write("\n]\n")
    return n


def write_xlsx(tables: list[Table], path: Path, labels: str = "zh") -> dict[str, int]:
    """One sheet per table (宽表/长表 or wide/long), header frozen and bold, numbers as numbers.

    A table longer than an Excel sheet continues on a second sheet (长表2 …).
    """
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                            "valign": "top"})
    counts: dict[str, int] = {}
    try:
        for table in tables:
            name = table.zh if labels == "zh" else table.name
            counts[table.name] = _xlsx_table(book, head, table, name, labels)
    finally:
        book.close()
    return counts


def _xlsx_sheet(book: Any, head: Any, columns: list[Column], name: str, labels: str) -> Any:
    sheet = book.add_worksheet(name)
    for j, col in enumerate(columns):
        sheet.write_string(0, j, col.header(labels), head)
        width = 12 if col.kind in ("int", "dec", "bool") else 24
        if col.width:
            width = col.width
        elif j > 1:
            width = max(width, min(40, len(col.header(labels)) * 2))
        sheet.set_column(j, j, width)
    sheet.freeze_panes(1, 2 if len(columns) > 2 else 0)
    sheet.set_row(0, 48)
    if all(c.width for c in columns):  # a table sized for reading (发现): print landscape, header on every page
        sheet.set_landscape()
        sheet.repeat_rows(0)
    return sheet


def _xlsx_table(book: Any, head: Any, table: Table, name: str, labels: str) -> int:
    part = 1
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    wrapped = {j for j, c in enumerate(table.columns) if c.width and c.kind == "str"}
    sheet = _xlsx_sheet(book, head, table.columns, name, labels)
    i = n = 0
    for row in table.rows:
        if i + 1 >= _XLSX_MAX_ROWS:
            part += 1
            sheet = _xlsx_sheet(book, head, table.columns, f"{name}{part}", labels)
            i = 0
        i += 1
        n += 1
        if wrapped:
            lines = max(_lines(row[j], table.columns[j].width) for j in wrapped)
            if lines > 1:  # wrapped text: a row tall enough to show it (Excel's limit is 409 points)
                sheet.set_row(i, min(409, 15 * lines))
        for j, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(i, j, value)
            elif isinstance(value, int | float):
                sheet.write_number(i, j, value)
            elif j in wrapped:
                sheet.write_string(i, j, str(value), wrap)
            else:
                sheet.write_string(i, j, str(value))
    return n


def _lines(value: Any, width: int) -> int:
    """How many lines a text takes in a column `width` characters wide (a Chinese character is two)."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1, width - 2)
    return sum(max(1, -(-sum(2 if ord(ch) > 0x2E7F else 1 for ch in part) // per_line)) for part in value.split("\n"))


def _batches(rows: Iterable[list[Any]], n: int) -> Iterator[list[list[Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, n)):
        yield chunk


def write_parquet(table: Table, path: Path, labels: str = "key", batch: int = 20_000) -> int:
    """Write the table as Parquet in row groups of `batch` rows (needs the optional pyarrow)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExportError("导出 Parquet 需要 pyarrow：请安装 pip install 'gongkai[parquet]'") from None
    types = {"int": pa.int64(), "dec": pa.decimal128(38, _SCALE), "str": pa.string(), "bool": pa.bool_()}
    schema = pa.schema([
        pa.field(c.header(labels), types[c.kind], metadata={"label_zh": c.zh, "key": c.key}) for c in table.columns
    ])
    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for chunk in _batches(table.rows, batch):
            arrays = [
                pa.array([_dec(r[j]) if c.kind == "dec" else r[j] for r in chunk], type=types[c.kind])
                for j, c in enumerate(table.columns)
            ]
            writer.write_batch(pa.record_batch(arrays, schema=schema))
            n += len(chunk)
        if n == 0:
            writer.write_table(schema.empty_table())
    return n


_SCALE = 10


def _dec(v: Any) -> Decimal | None:
    """A stored number as the decimal it was printed as (shortest round-trip digits), exact at scale 10."""
    if v is None:
        return None
    d = Decimal(v) if isinstance(v, int) else Decimal(repr(float(v)))
    if d.as_tuple().exponent < -_SCALE:  # type: ignore[operator]
        raise ExportError(f"数值 {v} 的小数位超过 {_SCALE} 位，无法无损写入 Parquet")
    return d
