"""Ruled tables: edges → connected rule groups → grid lines → merged cells → cell text.

A chain of pure functions (pdfplumber's idea), each result kept so `gongkai debug` can
show why a table came out as it did:

1. `merge_rules`: snap and join the page's rules (pdfplumber's `merge_edges`);
2. `rule_groups`: rules that touch one another form one table candidate;
3. `grid_of`: the distinct x and y positions of a group are its grid lines; two neighbouring
   grid positions belong to one cell unless a rule separates them, so merged cells (and cells
   whose outer border is missing, as after a page break) come out whole, once, at their
   top-left position;
4. `fill`: each character goes to the cell holding its centre.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from gongkai.read.pdf_geometry import Char, Edge
from gongkai.read.pdf_settings import TableSettings
from gongkai.read.pdf_text import block_text


@dataclass
class GridCell:
    row: int
    col: int
    bbox: tuple[float, float, float, float]
    chars: list[Char] = field(default_factory=list)
    text: str = ""


@dataclass
class Grid:
    xs: list[float]
    ys: list[float]
    cells: list[GridCell]
    at: dict[tuple[int, int], GridCell]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def cell_at(self, x: float, y: float) -> GridCell | None:
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return None
        c = min(bisect_right(self.xs, x) - 1, len(self.xs) - 2)
        r = min(bisect_right(self.ys, y) - 1, len(self.ys) - 2)
        return self.at.get((r, c))


def merge_rules(edges: list[Edge], s: TableSettings) -> list[Edge]:
    long_enough = [e for e in edges if max(e.x1 - e.x0, e.bottom - e.top) >= s.edge_min_length]
    if not long_enough:
        return []
    from pdfplumber.table import merge_edges  # pdfplumber costs 0.1 s to import: only when a page has rules

    merged = merge_edges(
        [e.as_dict() for e in long_enough], s.snap_tolerance, s.snap_tolerance, s.join_tolerance, s.join_tolerance
    )
    return [Edge(d["orientation"], d["x0"], d["top"], d["x1"], d["bottom"]) for d in merged]


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def rule_groups(rules: list[Edge], tol: float) -> list[list[Edge]]:
    """Rules that meet (within `tol`) belong to one group."""
    parent = list(range(len(rules)))
    hs = [i for i, e in enumerate(rules) if e.orientation == "h"]
    vs = [i for i, e in enumerate(rules) if e.orientation == "v"]
    for i in hs:
        h = rules[i]
        for j in vs:
            v = rules[j]
            if h.x0 - tol <= v.x0 <= h.x1 + tol and v.top - tol <= h.top <= v.bottom + tol:
                parent[_find(parent, i)] = _find(parent, j)
    groups: dict[int, list[Edge]] = {}
    for i, e in enumerate(rules):
        groups.setdefault(_find(parent, i), []).append(e)
    return list(groups.values())


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def _covered(rules: list[Edge], pos: float, lo: float, hi: float, tol: float, horizontal: bool) -> bool:
    """Whether a rule at `pos` covers most of the span lo..hi."""
    need = 0.5 * (hi - lo)
    for e in rules:
        at, a, b = (e.top, e.x0, e.x1) if horizontal else (e.x0, e.top, e.bottom)
        if abs(at - pos) <= tol and min(b, hi) - max(a, lo) >= need:
            return True
    return False


def grid_of(group: list[Edge], s: TableSettings) -> Grid | None:
    """The grid of one rule group, or None when it is not a table (a frame, an underline)."""
    hs = [e for e in group if e.orientation == "h"]
    vs = [e for e in group if e.orientation == "v"]
    if len(hs) < 2 or len(vs) < 2:
        return None
    tol = s.snap_tolerance
    xs = _cluster([e.x0 for e in vs] + [min(e.x0 for e in hs), max(e.x1 for e in hs)], tol)
    ys = _cluster([e.top for e in hs] + [min(e.top for e in vs), max(e.bottom for e in vs)], tol)
    nr, nc = len(ys) - 1, len(xs) - 1
    if nr < 1 or nc < 1:
        return None
    parent = list(range(nr * nc))
    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not _covered(vs, xs[c + 1], ys[r], ys[r + 1], tol, False):
                parent[_find(parent, r * nc + c)] = _find(parent, r * nc + c + 1)
            if r + 1 < nr and not _covered(hs, ys[r + 1], xs[c], xs[c + 1], tol, True):
                parent[_find(parent, r * nc + c)] = _find(parent, (r + 1) * nc + c)
    spans: dict[int, list[int]] = {}
    for p in range(nr * nc):
        r, c = divmod(p, nc)
        span = spans.setdefault(_find(parent, p), [r, c, r, c])
        span[0], span[1] = min(span[0], r), min(span[1], c)
        span[2], span[3] = max(span[2], r), max(span[3], c)
    if len(spans) < s.min_cells:
        return None
    by_root = {
        root: GridCell(r0, c0, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])) for root, (r0, c0, r1, c1) in spans.items()
    }
    at = {divmod(p, nc): by_root[_find(parent, p)] for p in range(nr * nc)}
    cells = sorted(by_root.values(), key=lambda cell: (cell.row, cell.col))
    return Grid(xs, ys, cells, at)


def find_grids(edges: list[Edge], s: TableSettings) -> list[Grid]:
    rules = merge_rules(edges, s)
    grids = [g for g in (grid_of(grp, s) for grp in rule_groups(rules, s.intersection_tolerance)) if g]
    return sorted(grids, key=lambda g: (g.ys[0], g.xs[0]))


def fill(grids: list[Grid], chars: list[Char], s: TableSettings) -> list[Char]:
    """Put each character into the grid cell holding its centre; return the characters left over."""
    rest: list[Char] = []
    for ch in chars:
        for g in grids:
            cell = g.cell_at(ch.cx, ch.cy)
            if cell is not None:
                cell.chars.append(ch)
                break
        else:
            rest.append(ch)
    for g in grids:
        for cell in g.cells:
            cell.text = block_text(cell.chars, s.line_overlap)
    return rest
