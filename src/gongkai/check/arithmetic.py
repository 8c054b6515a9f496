"""Arithmetic identities of tables 三 and 四, and which cell is most likely wrong."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

from gongkai.check.registry import Context, Rule, rule
from gongkai.model import Finding
from gongkai.standard import (
    APPLICANT_COLUMNS,
    REQUEST_COLUMNS,
    REQUEST_ROW_BY_KEY,
    RESULT_ROWS_2019,
    RESULT_ROWS_2021,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    cell_label,
)

_COL_LABEL = {c.key: c.label for c in REQUEST_COLUMNS}
_ROOT_CAUSE = (
    "。一个填错的单元格只报告一次：指出它、所差数额及它破坏的各个等式；"
    "合计无法区分时列出候选单元格；整行或整列未填写报告为一条"
)


@dataclass(frozen=True)
class Identity:
    """sum(left) == sum(right), over cell paths."""

    left: tuple[str, ...]
    right: tuple[str, ...]
    scope: str  # Chinese: where it applies, e.g. "自然人列"

    @cached_property
    def cells(self) -> tuple[str, ...]:
        return self.left + self.right


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def evaluate(ctx: Context, ident: Identity) -> tuple[float, float, dict[str, float]] | None:
    """(left sum, right sum, values used) or None when a cell is absent or unreadable."""
    blank = ctx.blank
    cells = ctx.cells
    used: dict[str, float] = {}
    for path in ident.cells:
        if path not in cells:
            return None
        v = cells[path]
        if v is None:
            if path not in blank:
                return None  # not blank: the value could not be read; no verdict
            v = 0
        used[path] = float(v)
    return sum(used[p] for p in ident.left), sum(used[p] for p in ident.right), used


def _describe(side: tuple[str, ...], used: dict[str, float], names: dict[str, str]) -> str:
    return "+".join(f"{names.get(p, cell_label(p))}({_num(used[p])})" for p in side)


_SHORT = {
    "new_received": "本年新收",
    "carried_over": "上年结转",
    "total_processed": "办理结果总计",
    "carried_forward": "结转下年度",
}


def _row_short(path: str) -> str:
    key = path.split(".")[1]
    if key in _SHORT:
        return _SHORT[key]
    row = REQUEST_ROW_BY_KEY.get(key)
    if row is None:
        return path
    label = row.label if len(row.label) <= 8 else row.label[:8] + "…"
    return f"{row.number}{label}"


def request_identities(ctx: Context) -> dict[str, list[Identity]]:
    cached = ctx.memo.get("request_identities")
    if cached is None:
        cached = ctx.memo["request_identities"] = _request_identities(ctx)
    return cached  # type: ignore[return-value]


def _request_identities(ctx: Context) -> dict[str, list[Identity]]:
    return _identities_for_rows(tuple(ctx.report.requests or {}))


@lru_cache(maxsize=256)
def _identities_for_rows(req: tuple[str, ...]) -> dict[str, list[Identity]]:
    """The identities of table 三 for a given set of rows (shared: Identity is immutable)."""
    results = RESULT_ROWS_2019 if "other" in req else RESULT_ROWS_2021
    out: dict[str, list[Identity]] = {"balance": [], "row_total": [], "results_sum": []}
    for col in (c.key for c in REQUEST_COLUMNS):
        scope = f"{_COL_LABEL[col]}列"
        out["balance"].append(
            Identity(
                (f"requests.new_received.{col}", f"requests.carried_over.{col}"),
                (f"requests.total_processed.{col}", f"requests.carried_forward.{col}"),
                scope,
            )
        )
        out["results_sum"].append(
            Identity((f"requests.total_processed.{col}",), tuple(f"requests.{r}.{col}" for r in results), scope)
        )
    for row in req:
        out["row_total"].append(
            Identity(
                (f"requests.{row}.total",),
                tuple(f"requests.{row}.{c}" for c in APPLICANT_COLUMNS),
                f"“{_row_short(f'requests.{row}.total')}”行",
            )
        )
    return out


def review_identities() -> list[Identity]:
    idents = []
    for g in REVIEW_GROUPS:
        parts = tuple(f"review_litigation.{g.key}.{c.key}" for c in REVIEW_COLUMNS if c.key != "total")
        idents.append(Identity((f"review_litigation.{g.key}.total",), parts, g.label))
    return idents


def all_identities(ctx: Context) -> list[Identity]:
    groups = request_identities(ctx)
    return [i for v in groups.values() for i in v] + review_identities()


def _kinds(ctx: Context) -> list[tuple[str, Identity]]:
    groups = request_identities(ctx)
    return [(k, i) for k in ("balance", "results_sum", "row_total") for i in groups[k]] + [
        ("review", i) for i in review_identities()
    ]


_TEMPLATES = {
    "balance": "{scope}：{left}={lsum}，但{right}={rsum}，两者应相等",
    "row_total": "{scope}：总计为{lsum}，但六类申请人之和{right}={rsum}",
    "results_sum": "{scope}：（七）总计为{lsum}，但各项办理结果之和为{rsum}",
    "review": "{scope}：{right}={rsum}，但总计为{lsum}",
}
_RULE_OF_KIND = {
    "balance": "requests.balance",
    "results_sum": "requests.results_sum",
    "row_total": "requests.row_total",
    "review": "review_litigation.sum",
}


def describe(kind: str, ident: Identity, left: float, right: float, used: dict[str, float]) -> str:
    """One identity as the writer reads it, with the numbers the report printed."""
    names = {p: _row_short(p) for p in ident.cells} if ident.scope.endswith("列") else {
        p: cell_label(p).split("·")[-1] for p in ident.cells
    }
    return _TEMPLATES[kind].format(
        scope=ident.scope,
        left=_describe(ident.left, used, names),
        lsum=_num(left),
        right=_describe(ident.right, used, names),
        rsum=_num(right),
    )


def _emit(ctx: Context, kind: str) -> Iterator[Finding]:
    """The root-cause findings of `localize` whose leading identity is of this kind."""
    from gongkai.check.localize import localize

    rule_id = _RULE_OF_KIND[kind]
    for f in localize(ctx):
        if f.rule == rule_id:
            yield f.model_copy()


@rule(
    "requests.balance",
    "error",
    "arithmetic",
    "表三每一列：本年新收 + 上年结转 = 办理结果总计 + 结转下年度继续办理（表内注明的勾稽关系）"
    + _ROOT_CAUSE,
    "逐列核对四个数：新收与上年结转之和应等于（七）总计与结转下年度之和；改正录错的数字。",
)
def requests_balance(r: Rule, ctx: Context) -> Iterator[Finding]:
    yield from _emit(ctx, "balance")


@rule(
    "requests.row_total",
    "error",
    "arithmetic",
    "表三每一行：总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他"
    + _ROOT_CAUSE,
    "核对该行六类申请人的数字与“总计”列，改正其一。",
)
def requests_row_total(r: Rule, ctx: Context) -> Iterator[Finding]:
    yield from _emit(ctx, "row_total")


@rule(
    "requests.results_sum",
    "error",
    "arithmetic",
    "表三每一列：（七）总计 = （一）至（六）各项办理结果之和"
    + _ROOT_CAUSE,
    "把（一）至（六）各项（含各小项）逐一相加，与（七）总计比对，改正漏填或多填的数字。",
)
def requests_results_sum(r: Rule, ctx: Context) -> Iterator[Finding]:
    yield from _emit(ctx, "results_sum")


@rule(
    "review_litigation.sum",
    "error",
    "arithmetic",
    "表四行政复议、未经复议直接起诉、复议后起诉三组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结"
    + _ROOT_CAUSE,
    "核对该组四项结果之和与“总计”，改正其一。",
)
def review_sum(r: Rule, ctx: Context) -> Iterator[Finding]:
    yield from _emit(ctx, "review")
