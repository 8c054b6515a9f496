"""Root causes of broken table identities: the fewest cells whose corrections explain them all.

A wrong cell shifts every identity it stands in by the same amount (its error, signed by the
side it stands on). So the search is for the smallest set of cells, one error each, that
reproduces every residual exactly and leaves the balanced identities balanced; a correction
may not make a count negative. One finding per root cause, the identities it breaks folded
under it. Where the sums cannot tell cells apart the candidates are named, never a guess.
A line (row or column) whose cells are all blank while its identities need values is one
finding, not one per identity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from gongkai.check.arithmetic import _RULE_OF_KIND, Identity, _kinds, _num, describe, evaluate
from gongkai.check.registry import Context
from gongkai.model import Finding
from gongkai.standard import cell_label

EPS = 1e-6
MAX_CELLS = 3  # largest set of wrong cells searched for
MAX_POOL_FOR_2 = 120  # cells in a tangle above which pairs are not searched (a scrambled table)
MAX_POOL_FOR_3 = 30  # cells in a tangle above which three-cell sets are not searched
_KIND_ORDER = ("balance", "results_sum", "row_total", "review")


@dataclass
class Equation:
    kind: str
    ident: Identity
    left: float
    right: float
    used: dict[str, float]

    @property
    def residual(self) -> float:
        return self.left - self.right

    @property
    def broken(self) -> bool:
        return abs(self.residual) > EPS

    def coef(self, cell: str) -> int:
        return 1 if cell in self.ident.left else -1 if cell in self.ident.right else 0

    def text(self) -> str:
        return describe(self.kind, self.ident, self.left, self.right, self.used)


def equations(ctx: Context) -> list[Equation]:
    """Every identity that can be evaluated on this report (blank cells count as 0)."""
    out = []
    for kind, ident in _kinds(ctx):
        res = evaluate(ctx, ident)
        if res is not None:
            out.append(Equation(kind, ident, *res))
    return out


def localize(ctx: Context) -> list[Finding]:
    """The arithmetic findings of a report, one per root cause (computed once per report)."""
    cached = ctx.memo.get("localize")
    if cached is None:
        cached = ctx.memo["localize"] = _localize(ctx)
    return cached  # type: ignore[return-value]


def _localize(ctx: Context) -> list[Finding]:
    eqs = equations(ctx)
    if not any(e.broken for e in eqs):
        return []
    findings, unknown = _blank_lines(ctx, eqs)
    active = [e for e in eqs if not unknown.intersection(e.ident.cells)]
    unsolved: list[Equation] = []
    for comp in _components([e for e in active if e.broken]):
        sols = solutions(ctx, comp, active)
        if sols:
            findings.extend(_explain(ctx, comp, sols))
        else:
            unsolved.extend(comp)
    if unsolved:
        # Errors that cancel in a shared identity split one tangle in two: solve the rest together.
        findings.extend(_explain(ctx, unsolved, solutions(ctx, unsolved, active)))
    return findings


# ------------------------------------------------------------------ blank lines
def _blank_lines(ctx: Context, eqs: list[Equation]) -> tuple[list[Finding], set[str]]:
    """A row or column left blank where its identities need values: one finding per line."""
    cells, blank = ctx.cells, ctx.blank
    lines: dict[tuple[str, str, str], tuple[set[str], list[Equation]]] = {}
    for e in eqs:
        if not e.broken:
            continue
        for p in e.ident.cells:
            if cells.get(p) is not None or p not in blank:
                continue
            table, row, col = p.split(".")
            # A row identity broken by a blank cell points at the cell's column, and vice versa.
            key = ("列", table, col) if e.kind in ("row_total", "review") else ("行", table, row)
            found, folded = lines.setdefault(key, (set(), []))
            found.add(p)
            if e not in folded:
                folded.append(e)
    findings: list[Finding] = []
    unknown: set[str] = set()
    for (axis, table, _name), (found, folded) in sorted(lines.items()):
        if len(found) < 2:
            continue
        order = {p: i for i, p in enumerate(cells)}
        paths = sorted(found, key=lambda p: order.get(p, 0))
        label = cell_label(paths[0]).split("·")[-1 if axis == "列" else 0]
        details = [e.text() for e in folded]
        where = "表三" if table == "requests" else "表四"
        message = (
            f"{where}“{label}”{axis}有{len(paths)}个单元格未填写（空白），而同{'行' if axis == '列' else '列'}的数字"
            f"需要它们才能平衡：{'；'.join(details)}"
        )
        unknown |= found
        findings.append(
            Finding(
                rule=_rule_for(folded),
                severity="error",
                message=message,
                cells=paths,
                candidates=paths,
                details=details,
                hint=f"请补填“{label}”{axis}（没有发生的填0），补填后再核对各等式。",
            )
        )
    return findings, unknown


# ------------------------------------------------------------------ components and solving
def _components(broken: list[Equation]) -> list[list[Equation]]:
    """Broken identities grouped when they share a cell (errors in separate tangles are solved apart)."""
    comps: list[list[Equation]] = []
    cell_sets: list[set[str]] = []
    for e in broken:
        cells = set(e.ident.cells)
        joined = [k for k, cs in enumerate(cell_sets) if cs & cells]
        comp, merged = [e], cells
        for k in reversed(joined):
            comp = comps.pop(k) + comp
            merged |= cell_sets.pop(k)
        comps.append(comp)
        cell_sets.append(merged)
    return comps


def _solve(cells: tuple[str, ...], rows: list[Equation]) -> list[float] | None:
    """Errors e (one per cell) with Σ coef·e = residual on every row, or None (none or not unique)."""
    k = len(cells)
    matrix = [[float(r.coef(c)) for c in cells] + [r.residual] for r in rows]
    pivot = 0
    for col in range(k):
        p = next((i for i in range(pivot, len(matrix)) if abs(matrix[i][col]) > EPS), None)
        if p is None:
            return None  # the rows cannot pin this cell's error down
        matrix[pivot], matrix[p] = matrix[p], matrix[pivot]
        lead = matrix[pivot][col]
        matrix[pivot] = [x / lead for x in matrix[pivot]]
        for i in range(len(matrix)):
            if i != pivot and abs(matrix[i][col]) > EPS:
                f = matrix[i][col]
                matrix[i] = [a - f * b for a, b in zip(matrix[i], matrix[pivot], strict=True)]
        pivot += 1
    if any(abs(matrix[i][k]) > EPS for i in range(pivot, len(matrix))):
        return None
    errors = [matrix[i][k] for i in range(k)]
    return errors if all(abs(x) > EPS for x in errors) else None


Solution = tuple[tuple[str, ...], list[float]]


def solutions(ctx: Context, comp: list[Equation], active: list[Equation]) -> list[Solution]:
    """All smallest sets of cells (≤ MAX_CELLS) whose errors explain the tangle `comp` exactly."""
    by_cell: dict[str, list[int]] = {}
    for i, e in enumerate(active):
        for p in e.ident.cells:
            by_cell.setdefault(p, []).append(i)
    need = {id(e) for e in comp}
    pool = sorted({p for e in comp for p in e.ident.cells})
    values = ctx.cells
    for k in range(1, MAX_CELLS + 1):
        if (k == 2 and len(pool) > MAX_POOL_FOR_2) or (k == 3 and len(pool) > MAX_POOL_FOR_3):
            break
        found: list[Solution] = []
        for cells in combinations(pool, k):
            rows_at = sorted({i for c in cells for i in by_cell.get(c, ())})
            rows = [active[i] for i in rows_at]
            if not need <= {id(r) for r in rows}:
                continue
            errors = _solve(cells, rows)
            if errors is None:
                continue
            if any(float(values.get(c) or 0) - err < -EPS for c, err in zip(cells, errors, strict=True)):
                continue  # the correction would make a count negative
            found.append((cells, errors))
        if found:
            return _prefer_negative(found, values)
    return []


def _prefer_negative(found: list[Solution], values: dict[str, float | int | None]) -> list[Solution]:
    """Among equally small explanations keep those that correct the most cells printed negative."""
    def negatives(sol: Solution) -> int:
        return sum(1 for c in sol[0] if float(values.get(c) or 0) < 0)

    best = max(negatives(s) for s in found)
    return [s for s in found if negatives(s) == best]


def _rule_for(eqs: Iterable[Equation]) -> str:
    kinds = {e.kind for e in eqs}
    return _RULE_OF_KIND[next(k for k in _KIND_ORDER if k in kinds)]


def _ordered_cells(first: Iterable[str], eqs: Iterable[Equation]) -> list[str]:
    """The named cells first, then the totals of the identities they break (short ones whole)."""
    out = list(dict.fromkeys(first))
    for e in eqs:
        out.extend(p for p in (e.ident.cells if len(e.ident.cells) <= 5 else e.ident.left) if p not in out)
    return out


def _corrected(ctx: Context, cell: str, error: float) -> str:
    return _num(float(ctx.cells.get(cell) or 0) - error)


def _amount(error: float) -> str:
    return f"偏多{_num(abs(error))}" if error > 0 else f"偏少{_num(abs(error))}"


def _explain(ctx: Context, comp: list[Equation], sols: list[Solution]) -> list[Finding]:
    if len(sols) == 1:
        cells, errors = sols[0]
        return [_single(ctx, cell, err, comp, len(cells)) for cell, err in zip(cells, errors, strict=True)]
    details = [e.text() for e in comp]
    if not sols:
        return [
            Finding(rule=_rule_for([e]), severity="error", message=e.text(), cells=list(e.ident.cells))
            for e in comp
        ]
    candidates = list(dict.fromkeys(c for cells, _ in sols for c in cells))
    size = len(sols[0][0])
    if size == 1:
        named = "、".join(f"“{cell_label(c)}”" for (c,), _ in sols)
        options = "；".join(f"“{cell_label(c)}”应为{_corrected(ctx, c, errs[0])}" for (c,), errs in sols)
        why = f"仅凭表内合计无法区分是哪一个单元格有误，可能是{named}之一"
    else:
        options = "；或".join(
            "、".join(f"“{cell_label(c)}”应为{_corrected(ctx, c, err)}" for c, err in zip(cells, errs, strict=True))
            for cells, errs in sols
        )
        why = f"至少有{size}个单元格有误，但有{len(sols)}种同样简单的改法，无法确定是哪几个"
    return [
        Finding(
            rule=_rule_for(comp),
            severity="error",
            message=f"{'；'.join(details)}。{why}",
            cells=_ordered_cells(candidates, comp),
            candidates=candidates,
            details=details,
            hint=f"若其他数字无误，可能的改法：{options}。各改法同样能使上述等式平衡，这只是按合计推算，请以原始台账为准。",
        )
    ]


def _single(ctx: Context, cell: str, error: float, comp: list[Equation], size: int) -> Finding:
    folded = [e for e in comp if e.coef(cell)]
    details = [e.text() for e in folded]
    label = cell_label(cell)
    value = _num(float(ctx.cells.get(cell) or 0))
    others = f"（本表共{size}处有误，合起来正好解释全部不平衡）" if size > 1 else ""
    message = (
        f"“{label}”很可能有误：填写{value}，按所在等式推算{_amount(error)}{others}；"
        + (f"它所在的{len(folded)}个等式都不平衡：" if len(folded) > 1 else "它所在的等式不平衡：")
        + "；".join(details)
    )
    hint = (
        f"若其他数字无误，“{label}”应为{_corrected(ctx, cell, error)}：改后上述等式全部平衡，"
        "且没有其他同样简单的改法（改其他单元格会使数字为负或破坏已平衡的等式）。这只是按合计推算，请以原始台账为准。"
    )
    return Finding(
        rule=_rule_for(folded),
        severity="error",
        message=message,
        cells=_ordered_cells([cell], folded),
        suspect=cell,
        details=details,
        hint=hint,
        delta=error,
    )
