"""A small, safe filter language for choosing stored reports (`--where`).

Each condition is ``FIELD OP VALUE``; several conditions all have to hold. Values are always bound
as parameters, never pasted into SQL. Operators: ``=`` ``!=`` ``>`` ``>=`` ``<`` ``<=`` and ``~``
(contains). Fields (Chinese names in brackets):

- ``year`` (年度), ``version`` (版本), ``errors`` (错误数), ``warnings`` (警告数): numbers;
- ``agency`` (单位): ``=`` matches any known name of the agency, ``~`` a part of its name or of the
  name the report prints; ``region`` (地区), ``level`` (层级), ``template`` (格式), ``kind`` (来源类型),
  ``published`` (发布日期), ``region_code`` (行政区划代码), ``province`` (省), ``city`` (市), ``county`` (县),
  ``parent`` (所属政府): text (``region=`` with nothing after ``=`` means “not set”; ``city=淮安市`` is every
  agency of 淮安市, departments of its government included);
- ``has_errors`` (有错误): true/false (是/否, 1/0);
- ``rule`` (规则): reports with a finding of that rule (``~`` part of a rule id);
- a cell path such as ``requests.new_received.total``: compared with the cell's value;
  ``=null`` (或 ``=空``) means the cell is present but blank.

Examples: ``year=2024``, ``agency~巫峡``, ``template=2021``, ``has_errors=true``,
``requests.total_processed.total>=10``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select, true

from gongkai.store.agencies import name_key
from gongkai.store.db import StoreError
from gongkai.store.schema import agencies, agency_names, cells, findings, reports

_COND = re.compile(r"^\s*([A-Za-z_.\u4e00-\u9fff]+)\s*(!=|>=|<=|~|=|>|<)\s*(.*?)\s*$", re.S)
_CELL = re.compile(r"^(active|requests|review_litigation)\.[a-z_]+\.[a-z_]+$")
_CHINESE = {
    "年度": "year", "版本": "version", "错误数": "errors", "警告数": "warnings", "单位": "agency",
    "地区": "region", "层级": "level", "格式": "template", "来源类型": "kind", "发布日期": "published",
    "有错误": "has_errors", "规则": "rule", "行政区划代码": "region_code", "省": "province", "市": "city",
    "县": "county", "所属政府": "parent",
}
_NUMERIC = {"year": reports.c.year, "version": reports.c.version, "errors": reports.c.n_errors,
            "warnings": reports.c.n_warnings}
_TEXT = {"region": agencies.c.region, "level": agencies.c.level, "template": reports.c.template,
         "kind": reports.c.source_kind, "published": reports.c.published, "region_code": agencies.c.region_code,
         "province": agencies.c.province, "city": agencies.c.city, "county": agencies.c.county,
         "parent": agencies.c.parent}
_TRUE = {"true", "1", "yes", "是", "真"}
_FALSE = {"false", "0", "no", "否", "假"}
FIELD_NAMES = (
    "year、version、errors、warnings、agency、region、level、template、kind、published、has_errors、rule、"
    "region_code、province、city、county、parent 或单元格路径"
)


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: str

    def __str__(self) -> str:
        return f"{self.field}{self.op}{self.value}"


def parse_condition(text: str) -> Condition:
    m = _COND.match(text)
    if not m:
        raise StoreError(f"筛选条件“{text}”无法识别：应写成 字段 运算符 值，如 year=2024、agency~巫峡")
    field, op, value = m.groups()
    field = _CHINESE.get(field, field)
    if field not in _NUMERIC and field not in _TEXT and field not in ("agency", "has_errors", "rule") \
            and not _CELL.match(field):
        raise StoreError(f"筛选条件“{text}”中的字段“{field}”不存在；可用字段：{FIELD_NAMES}")
    return Condition(field, op, value)


def parse_where(texts: list[str] | None) -> list[Condition]:
    return [parse_condition(t) for t in texts or []]


def _number(c: Condition) -> float:
    try:
        return float(c.value)
    except ValueError:
        raise StoreError(f"筛选条件“{c}”需要一个数字，而不是“{c.value}”") from None


def _compare(col: Any, op: str, value: Any, c: Condition) -> ColumnElement[bool]:
    ops = {"=": col == value, "!=": col != value, ">": col > value, ">=": col >= value, "<": col < value,
           "<=": col <= value}
    if op not in ops:
        raise StoreError(f"筛选条件“{c}”：该字段不支持运算符“{op}”")
    return ops[op]


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def to_clause(c: Condition) -> ColumnElement[bool]:
    """One condition as an SQL expression over `reports` joined with `agencies` (values bound)."""
    if c.field in _NUMERIC:
        return _compare(_NUMERIC[c.field], c.op, _number(c), c)
    if c.field in _TEXT:
        col = _TEXT[c.field]
        if c.op == "~":
            return col.like(_like(c.value), escape="\\")
        if c.value == "" and c.op in ("=", "!="):
            return col.is_(None) if c.op == "=" else col.is_not(None)
        return _compare(col, c.op, c.value, c)
    if c.field == "has_errors":
        v = c.value.lower()
        if c.op not in ("=", "!=") or v not in _TRUE | _FALSE:
            raise StoreError(f"筛选条件“{c}”：has_errors 只能写 =true 或 =false")
        want = (v in _TRUE) == (c.op == "=")
        return reports.c.n_errors > 0 if want else reports.c.n_errors == 0
    if c.field == "agency":
        if c.op == "~":
            return or_(agencies.c.name.like(_like(c.value), escape="\\"),
                       reports.c.agency_printed.like(_like(c.value), escape="\\"))
        same = reports.c.agency_id.in_(select(agency_names.c.agency_id).where(agency_names.c.key == name_key(c.value)))
        if c.op == "=":
            return same
        if c.op == "!=":
            return or_(not_(same), reports.c.agency_id.is_(None))
        raise StoreError(f"筛选条件“{c}”：agency 只能用 =、!= 或 ~")
    if c.field == "rule":
        cond = findings.c.rule.like(_like(c.value), escape="\\") if c.op == "~" else findings.c.rule == c.value
        if c.op not in ("=", "~", "!="):
            raise StoreError(f"筛选条件“{c}”：rule 只能用 =、!= 或 ~")
        has = exists().where(findings.c.report_id == reports.c.id, cond)
        return not_(has) if c.op == "!=" else has
    # a cell path
    value = func.coalesce(cells.c.value_int, cells.c.value_real)
    here = [cells.c.report_id == reports.c.id, cells.c.path == c.field]
    if c.value.lower() in ("null", "空"):
        if c.op not in ("=", "!="):
            raise StoreError(f"筛选条件“{c}”：空值只能用 = 或 !=")
        blank = exists().where(*here, cells.c.value_int.is_(None), cells.c.value_real.is_(None))
        return blank if c.op == "=" else not_(blank)
    if c.op == "~":
        raise StoreError(f"筛选条件“{c}”：单元格数值不能用 ~")
    return exists().where(*here, _compare(value, c.op, _number(c), c))


def where_clauses(texts: list[str] | None) -> list[ColumnElement[bool]]:
    """Parse `--where` texts into SQL expressions (all must hold); Chinese error on any bad one."""
    out = [to_clause(c) for c in parse_where(texts)]
    return out or [true()]


def combined(texts: list[str] | None) -> ColumnElement[bool]:
    return and_(*where_clauses(texts))
