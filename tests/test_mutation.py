"""Mutation test of the arithmetic checks on every real report of the corpus.

Each numeric cell of tables 三 and 四 is changed (±1, a digit dropped, two digits swapped) in
the Report model and check() runs again. Asserted: every change of a cell that stands in an
identity is detected; the changed cell is named (as the suspect) whenever the sums can tell it
from every other cell; otherwise it is among the named candidates; consistent originals have no
arithmetic error. Then pairs of cells changed at once: both named in ≥ 90 % of pairs of
distinguishable cells (and of the pairs the sums can tell apart), another cell never blamed.
GONGKAI_MUTATION_PAIRS sets how many pairs are sampled (default 2000).
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from gongkai.check import check
from gongkai.check.localize import equations
from gongkai.check.registry import Context
from gongkai.extract.trace import Trace
from gongkai.model import Finding, Report
from gongkai.pipeline import process_path
from tests.conftest import GOLD, corpus_source, gold_files, load_gold

ARITHMETIC = {"requests.balance", "requests.results_sum", "requests.row_total", "review_litigation.sum"}
TABLES = ("requests", "review_litigation")


@dataclass
class Case:
    name: str
    report: Report
    trace: Trace
    known_errors: bool
    cells: list[str]  # numeric cells of tables 三 and 四 in some evaluable identity
    distinguishable: set[str]  # cells whose set of identities no other cell shares
    tangled: set[str]  # cells of identities already broken in the original


@cache
def cases() -> list[Case]:
    out = []
    for gold in gold_files():
        result = process_path(corpus_source(gold.name))
        report, trace = result.report, result.trace
        ctx = Context(report, trace)
        eqs = equations(ctx)
        signature: dict[str, frozenset[int]] = {}
        for i, e in enumerate(eqs):
            for p in e.ident.cells:
                signature[p] = signature.get(p, frozenset()) | {i}
        values = report.cells()
        cells = [p for p in signature if p.startswith(TABLES) and isinstance(values.get(p), int | float)]
        shared: dict[frozenset[int], int] = {}
        for sig in signature.values():
            shared[sig] = shared.get(sig, 0) + 1
        tangled = {p for e in eqs if e.broken for p in e.ident.cells}
        out.append(
            Case(
                gold.name.removesuffix(".gold.json"),
                report,
                trace,
                bool(load_gold(GOLD / gold.name).get("known_errors")),
                cells,
                {p for p in cells if shared[signature[p]] == 1 and p not in tangled},
                tangled,
            )
        )
    return out


def mutations(value: float) -> Iterator[int]:
    """±1, each digit dropped, each pair of adjacent digits swapped (distinct new values only)."""
    v = int(value)
    digits = str(abs(v))
    seen = {v}
    options = [v + 1, v - 1]
    options += [int(digits[:i] + digits[i + 1 :]) for i in range(len(digits)) if len(digits) > 1]
    options += [int(digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]) for i in range(len(digits) - 1)]
    for o in options:
        if o not in seen:
            seen.add(o)
            yield o


def _set(report: Report, path: str, value: float) -> None:
    table, row, col = path.split(".")
    getattr(report, table)[row][col] = value


def arithmetic(case: Case) -> list[Finding]:
    return check(case.report, case.trace, None, only=ARITHMETIC)


def named(findings: list[Finding], cell: str) -> str:
    """'suspect', 'candidate', 'cells' or '' — how a finding names the cell."""
    if any(f.suspect == cell for f in findings):
        return "suspect"
    if any(cell in f.candidates for f in findings):
        return "candidate"
    return "cells" if any(cell in f.cells for f in findings) else ""


def test_consistent_originals_have_no_arithmetic_error() -> None:
    for case in cases():
        errors = [f.message for f in arithmetic(case) if f.severity == "error"]
        assert bool(errors) == case.known_errors, (case.name, errors)


def test_every_single_cell_change_is_detected_and_named() -> None:
    total = detected = dist = dist_named = cand = cand_named = wrong = tangled = 0
    for case in cases():
        before = {f.suspect for f in arithmetic(case)}
        for cell in case.cells:
            original = case.report.value(cell)
            assert original is not None
            for new in mutations(original):
                _set(case.report, cell, new)
                found = [f for f in arithmetic(case) if f.severity == "error"]
                _set(case.report, cell, original)
                how = named(found, cell)
                total += 1
                detected += bool(how)
                assert how, (case.name, cell, original, new)
                blamed = {f.suspect for f in found} - before - {None}
                wrong += bool(blamed - {cell}) and cell not in case.tangled
                if cell in case.distinguishable:
                    dist += 1
                    dist_named += how == "suspect" and blamed == {cell}
                    assert how == "suspect" and blamed == {cell}, (case.name, cell, new, [f.message for f in found])
                elif cell in case.tangled:
                    tangled += 1  # an identity the report already breaks: detection is what can be asked
                else:
                    cand += 1
                    cand_named += how in ("suspect", "candidate")
                    assert how in ("suspect", "candidate"), (case.name, cell, new, [f.message for f in found])
    print(
        f"\nsingle changes: {total} over {sum(len(c.cells) for c in cases())} cells of {len(cases())} reports; "
        f"detected {detected}/{total} ({detected / total:.1%}); "
        f"distinguishable changes named as the suspect {dist_named}/{dist}; "
        f"others with the cell among the candidates {cand_named}/{cand}; "
        f"in identities the original already breaks {tangled} (detected); other cells blamed {wrong}"
    )
    assert detected == total and wrong == 0


def _apart(first: str, second: str, deltas: list[int]) -> bool:
    """Two changes the sums can tell apart: other row, other column, different amounts.

    Changes in one row (or column) of equal and opposite size cancel in that row's total, and
    two equal changes at opposite corners of a rectangle look exactly like the other two corners.
    """
    (_, r1, c1), (_, r2, c2) = first.split("."), second.split(".")
    return r1 != r2 and c1 != c2 and abs(deltas[0]) != abs(deltas[1])


def test_two_cells_changed_at_once_are_both_named() -> None:
    rng = random.Random(20261122)
    budget = int(os.environ.get("GONGKAI_MUTATION_PAIRS", "2000"))
    pool = [(case, cell) for case in cases() for cell in sorted(case.distinguishable)]
    by_case: dict[str, list[str]] = {}
    for case, cell in pool:
        by_case.setdefault(case.name, []).append(cell)
    pairs = apart = both = both_apart = ambiguous = wrong = 0
    while pairs < budget:
        case, first = rng.choice(pool)
        second = rng.choice(by_case[case.name])
        if second == first:
            continue
        olds = [case.report.value(first), case.report.value(second)]
        news = [rng.choice(list(mutations(float(v or 0)))) for v in olds]
        for cell, v in zip((first, second), news, strict=True):
            _set(case.report, cell, v)
        found = [f for f in arithmetic(case) if f.severity == "error"]
        for cell, v in zip((first, second), olds, strict=True):
            _set(case.report, cell, v)  # type: ignore[arg-type]
        assert found, (case.name, first, second)
        assert named(found, first) and named(found, second), (case.name, first, second, news)
        pairs += 1
        suspects = {f.suspect for f in found} - {None} - {f.suspect for f in arithmetic(case)}
        named_both = suspects == {first, second}
        both += named_both
        if _apart(first, second, [int(n - float(o or 0)) for n, o in zip(news, olds, strict=True)]):
            apart += 1
            both_apart += named_both
        if not named_both and not suspects - {first, second}:
            ambiguous += 1  # several equally small explanations: the candidates are named instead
        wrong += bool(suspects - {first, second})
    print(
        f"\npairs of distinguishable cells changed at once: {pairs}; both named {both}/{pairs} ({both / pairs:.1%}); "
        f"among pairs the sums can tell apart (other row and column, different amounts) {both_apart}/{apart} "
        f"({both_apart / apart:.1%}); left as candidates {ambiguous}; another cell blamed {wrong}"
    )
    assert both / pairs >= 0.9 and both_apart / max(apart, 1) >= 0.9
    assert wrong == 0
