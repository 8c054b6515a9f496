"""Comparing two reports: meta, every cell, the quoted rates, and a unified diff per changed section.

Section text is compared as paragraphs with spacing normalised (`gongkai.analysis.text`): a PDF and
its text copy differ in line breaks and in "2023 年" vs "2023年", which is not a change of wording.
Sections that differ only so are listed in `layout_only`, not diffed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from gongkai.analysis.rates import Rate, rates
from gongkai.analysis.text import comparable, joined
from gongkai.export.tables import order_paths
from gongkai.model import Number, Report
from gongkai.standard import SECTIONS, cell_label

_SENTENCE_END = re.compile(r"(?<=[。；！？])")
META_LABELS = {"agency": "单位", "year": "年度", "template": "格式", "published": "发布日期"}


@dataclass(frozen=True)
class CellDiff:
    path: str
    label: str
    a: Number | None
    b: Number | None
    a_present: bool
    b_present: bool

    @property
    def delta(self) -> Number | None:
        if self.a is None or self.b is None:
            return None
        return self.b - self.a


@dataclass(frozen=True)
class SectionDiff:
    no: int
    title: str
    diff: str  # unified diff, one sentence per line


@dataclass
class Comparison:
    a_name: str
    b_name: str
    meta: list[tuple[str, Any, Any]] = field(default_factory=list)
    cells: list[CellDiff] = field(default_factory=list)
    rates: list[tuple[Rate, Rate]] = field(default_factory=list)
    sections: list[SectionDiff] = field(default_factory=list)
    layout_only: list[int] = field(default_factory=list)  # sections differing only in spacing / line breaks
    same_cells: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a_name,
            "b": self.b_name,
            "meta": [{"field": f, "label": META_LABELS.get(f, f), "a": a, "b": b} for f, a, b in self.meta],
            "cells": [{**asdict(c), "delta": c.delta} for c in self.cells],
            "same_cells": self.same_cells,
            "rates": [{"key": ra.key, "label": ra.label, "a": asdict(ra), "b": asdict(rb)} for ra, rb in self.rates],
            "sections": [asdict(s) for s in self.sections],
            "layout_only_sections": self.layout_only,
        }


def sentence_lines(text: str) -> list[str]:
    """Text as lines, one sentence per line, so a diff shows which sentence changed."""
    out: list[str] = []
    for line in text.splitlines():
        out.extend(s for s in _SENTENCE_END.split(line.strip()) if s)
    return out


def _same(a: Number | None, b: Number | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a == b)


def compare(a: Report, b: Report, a_name: str = "A", b_name: str = "B") -> Comparison:
    """Everything that differs between report `a` and report `b` (b − a for numbers)."""
    out = Comparison(a_name, b_name)
    for key in ("agency", "year", "template", "published"):
        va, vb = getattr(a.meta, key), getattr(b.meta, key)
        if va != vb:
            out.meta.append((key, va, vb))
    ca, cb = a.cells(), b.cells()
    for path in order_paths(set(ca) | set(cb)):
        va, vb = ca.get(path), cb.get(path)
        if (path in ca) == (path in cb) and _same(va, vb):
            out.same_cells += 1
            continue
        out.cells.append(CellDiff(path, cell_label(path), va, vb, path in ca, path in cb))
    out.rates = list(zip(rates(a), rates(b), strict=True))
    sa = {s.no: s for s in a.sections}
    sb = {s.no: s for s in b.sections}
    for no in sorted(set(sa) | set(sb)):
        ta = sa[no].text if no in sa else ""
        tb = sb[no].text if no in sb else ""
        if ta == tb:
            continue
        if comparable(ta) == comparable(tb):
            out.layout_only.append(no)
            continue
        title = (sb.get(no) or sa[no]).title or next(s.title for s in SECTIONS if s.no == no)
        diff = "\n".join(
            difflib.unified_diff(sentence_lines(joined(ta)), sentence_lines(joined(tb)), f"{a_name}/{no}",
                                 f"{b_name}/{no}", lineterm="", n=1)
        )
        out.sections.append(SectionDiff(no, title, diff))
    return out
