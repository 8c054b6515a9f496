"""Exports of the store: a wide and a long table as CSV, XLSX, Parquet or JSON."""

from gongkai.export.tables import Column, Table, long_table, standard_paths, wide_table
from gongkai.export.writers import FORMATS, ExportError, write_csv, write_json, write_parquet, write_xlsx

__all__ = [
    "FORMATS",
    "Column",
    "ExportError",
    "Table",
    "long_table",
    "standard_paths",
    "wide_table",
    "write_csv",
    "write_json",
    "write_parquet",
    "write_xlsx",
]
