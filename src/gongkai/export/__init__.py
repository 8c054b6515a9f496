"""Exports of the store: wide, long, findings and sections tables as CSV, XLSX, Parquet or JSON."""

from gongkai.export.tables import (
    TABLES,
    Column,
    Table,
    findings_table,
    long_table,
    sections_table,
    standard_paths,
    wide_table,
)
from gongkai.export.writers import FORMATS, ExportError, write_csv, write_json, write_parquet, write_xlsx

__all__ = [
    "FORMATS",
    "Column",
    "ExportError",
    "TABLES",
    "Table",
    "findings_table",
    "long_table",
    "sections_table",
    "standard_paths",
    "wide_table",
    "write_csv",
    "write_json",
    "write_parquet",
    "write_xlsx",
]
