"""The national format as data: sections, tables, rows, columns, labels and aliases."""

from gongkai.standard.format import (
    ACTIVE_BLOCKS,
    ACTIVE_ROWS,
    APPLICANT_COLUMNS,
    REQUEST_COLUMNS,
    REQUEST_GROUPS,
    REQUEST_ROW_BY_KEY,
    REQUEST_ROWS,
    RESULT_ROWS_2019,
    RESULT_ROWS_2021,
    REVIEW_CELLS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    SECTIONS,
    TABLE_TITLES,
    cell_label,
    cell_parts,
)

__all__ = [
    "ACTIVE_BLOCKS",
    "ACTIVE_ROWS",
    "APPLICANT_COLUMNS",
    "REQUEST_COLUMNS",
    "REQUEST_GROUPS",
    "REQUEST_ROW_BY_KEY",
    "REQUEST_ROWS",
    "RESULT_ROWS_2019",
    "RESULT_ROWS_2021",
    "REVIEW_CELLS",
    "REVIEW_COLUMNS",
    "REVIEW_GROUPS",
    "SECTIONS",
    "TABLE_TITLES",
    "cell_label",
    "cell_parts",
]
