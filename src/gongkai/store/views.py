"""SQL views of the store, so `sqlite3`, DuckDB or datasette open it usefully without this program.

- ``report_overview``: one row per report: agency, region and level, year, version, current or not,
  format, publication date, counts of findings, and the main figures of table 三 and 四;
- ``cells_long``: one row per cell: report, agency, year, path, Chinese label, value, literal;
- ``cells_wide_2021`` / ``cells_wide_2019``: one row per report of that format, one column per cell
  of the format (column names are the cell paths);
- ``findings_overview``: one row per finding with its report and the mark a person put on it.

The Chinese label of every column is in ``datasette_metadata()`` (datasette's metadata.json) and,
for cells, in the ``cell_labels`` table this module fills (path → label).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, text

from gongkai.standard import ACTIVE_BLOCKS, REQUEST_COLUMNS, REQUEST_ROWS, REVIEW_CELLS, cell_label
from gongkai.store.schema import cell_labels

MAIN_FIGURES: tuple[tuple[str, str], ...] = (
    ("new_received", "requests.new_received.total"),
    ("carried_over", "requests.carried_over.total"),
    ("total_processed", "requests.total_processed.total"),
    ("granted", "requests.granted.total"),
    ("partially_granted", "requests.partially_granted.total"),
    ("review_total", "review_litigation.review.total"),
    ("review_corrected", "review_litigation.review.corrected"),
    ("litigation_direct_total", "review_litigation.litigation_direct.total"),
    ("litigation_after_review_total", "review_litigation.litigation_after_review.total"),
    ("fees_amount", "active.fees.amount"),
)
VIEWS = ("report_overview", "cells_long", "cells_wide_2021", "cells_wide_2019", "findings_overview")

REPORT_LABELS = {
    "report_id": "报告编号", "agency": "单位", "agency_printed": "报告所署单位名称", "region": "地区",
    "level": "层级", "year": "年度", "version": "版本", "is_current": "现行版本", "template": "格式",
    "published": "发布日期", "source_kind": "来源类型", "source_path": "来源文件", "sha256": "文件SHA-256",
    "n_errors": "错误数", "n_warnings": "警告数", "n_info": "提示数", "path": "单元格路径", "label": "单元格",
    "value": "数值", "literal": "原文", "rule": "规则", "severity": "级别", "origin": "来源", "message": "说明",
    "region_code": "行政区划代码", "province": "省", "city": "市", "county": "县（区）", "parent": "所属政府",
    "region_note": "地区说明", "name": "单位", "cells": "单元格（JSON）", "status": "处理状态", "reason": "标记理由",
    "finding_key": "发现标识", "value_int": "数值（整数）", "value_real": "数值（小数）",
}


def template_paths(template: str) -> list[str]:
    """The cell paths of one format (2021 or 2019), in the standard's order."""
    out: list[str] = []
    for block in ACTIVE_BLOCKS:
        for variant in block.variants:
            if variant.version in (template, "both"):
                out += [f"active.{row.key}.{col.key}" for row in block.rows for col in variant.columns]
    out += [f"requests.{r.key}.{c.key}" for r in REQUEST_ROWS if r.version in (template, "both")
            for c in REQUEST_COLUMNS]
    out += [f"review_litigation.{g}.{c}" for g, c in REVIEW_CELLS]
    return list(dict.fromkeys(out))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_VALUE = "COALESCE(CAST(c.value_int AS DOUBLE PRECISION), c.value_real)"


def _value(dialect: str) -> str:
    return "COALESCE(c.value_int, c.value_real)" if dialect == "sqlite" else _VALUE


def _overview(dialect: str) -> str:
    figures = ",\n".join(
        f"  (SELECT {_value(dialect)} FROM cells c WHERE c.report_id = r.id AND c.path = '{p}') AS {_q(k)}"
        for k, p in MAIN_FIGURES
    )
    return f"""CREATE VIEW report_overview AS SELECT
  r.id AS report_id, a.name AS agency, r.agency_printed, a.region, a.level, a.region_code, a.province, a.city,
  a.county, a.parent, a.region_note, r.year, r.version, r.is_current,
  r.template, r.published, r.source_kind, r.source_path, r.sha256, r.n_errors, r.n_warnings, r.n_info,
{figures}
FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id"""


def _long(dialect: str) -> str:
    return f"""CREATE VIEW cells_long AS SELECT
  r.id AS report_id, a.name AS agency, r.year, r.version, r.is_current, r.template, c.path,
  l.label, c.value_int, c.value_real, {_value(dialect)} AS value, c.literal
FROM cells c JOIN reports r ON r.id = c.report_id LEFT JOIN agencies a ON a.id = r.agency_id
LEFT JOIN cell_labels l ON l.path = c.path"""


def _wide(template: str, dialect: str) -> str:
    cols = ",\n".join(f"  MAX(CASE WHEN c.path = '{p}' THEN {_value(dialect)} END) AS {_q(p)}"
                      for p in template_paths(template))
    return f"""CREATE VIEW cells_wide_{template} AS SELECT
  r.id AS report_id, MAX(a.name) AS agency, MAX(r.year) AS year, MAX(r.version) AS version,
  MAX(CASE WHEN r.is_current THEN 1 ELSE 0 END) AS is_current,
{cols}
FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id LEFT JOIN cells c ON c.report_id = r.id
WHERE r.template = '{template}'
GROUP BY r.id"""


def _findings() -> str:
    return """CREATE VIEW findings_overview AS SELECT
  f.report_id, r.sha256, a.name AS agency, r.year, r.version, r.is_current, f.rule, f.severity, f.origin, f.message,
  f.cells, COALESCE(m.status, 'unmarked') AS status, m.reason, f.finding_key
FROM findings f JOIN reports r ON r.id = f.report_id LEFT JOIN agencies a ON a.id = r.agency_id
LEFT JOIN finding_marks m ON m.sha256 = r.sha256 AND m.finding_key = f.finding_key"""


def create_views(conn: Connection) -> None:
    """(Re)create the views and fill the cell label table."""
    dialect = conn.dialect.name
    drop_views(conn)
    conn.execute(text("DELETE FROM cell_labels"))
    paths = list(dict.fromkeys(template_paths("2021") + template_paths("2019")))
    conn.execute(insert(cell_labels), [{"path": p, "label": cell_label(p)} for p in paths])
    for sql in (_overview(dialect), _long(dialect), _wide("2021", dialect), _wide("2019", dialect), _findings()):
        conn.execute(text(sql))


def drop_views(conn: Connection) -> None:
    for v in VIEWS:
        conn.execute(text(f"DROP VIEW IF EXISTS {v}"))


def datasette_metadata(database: str = "gongkai", title: str = "政府信息公开工作年度报告") -> dict[str, Any]:
    """datasette's metadata.json: a title, a description and the Chinese label of every column."""
    cell_cols = {p: cell_label(p) for p in dict.fromkeys(template_paths("2021") + template_paths("2019"))}
    figures = {k: cell_label(p) for k, p in MAIN_FIGURES}
    tables: dict[str, Any] = {
        "report_overview": {"description": "每份报告一行：单位、地区、层级、年度、版本、发现数与主要数字",
                            "columns": {**REPORT_LABELS, **figures}},
        "cells_long": {"description": "每个单元格一行（数值、原文）", "columns": REPORT_LABELS},
        "cells_wide_2021": {"description": "2021 年格式的报告，每个单元格一列",
                            "columns": {**REPORT_LABELS, **cell_cols}},
        "cells_wide_2019": {"description": "2019 年格式的报告，每个单元格一列",
                            "columns": {**REPORT_LABELS, **cell_cols}},
        "findings_overview": {"description": "每条发现一行，含人工标记"
                                             "（confirmed 已确认 / dismissed 误报 / fixed 已整改）",
                              "columns": REPORT_LABELS},
        "reports": {"description": "报告（每个文件一行；report_json 为完整提取结果）", "columns": REPORT_LABELS},
        "cells": {"description": "单元格（value_int 整数、value_real 小数、literal 原文、evidence 依据）"},
        "findings": {"description": "核查发现", "columns": REPORT_LABELS},
        "agencies": {"description": "单位", "columns": REPORT_LABELS},
        "cell_labels": {"description": "单元格路径与中文名称"},
    }
    return {"title": title, "description": "gongkai 报告库：视图 report_overview、cells_long、cells_wide_2021、"
            "cells_wide_2019、findings_overview", "databases": {database: {"tables": tables}}}
