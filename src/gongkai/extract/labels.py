"""Match row labels, group labels, block headers and section headings against the standard."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from gongkai.extract.normalize import norm_label, strip_annotation
from gongkai.standard import ACTIVE_BLOCKS, REQUEST_GROUPS, REQUEST_ROWS, SECTIONS

_NUMBERING = re.compile(r"^(（[一二三四五六七八九十]{1,2}）|[一二三四五六七八九十]{1,2}、|\d{1,2}\.)")
_BLOCK = re.compile(r"第二十条第?（([一二三四五六七八九十])）项?")
_HEADING = re.compile(r"^(?:([一二三四五六七八九十])\s*[、.．]|([1-6])\s*、)\s*(.+)$")
_CN = "一二三四五六七八九十"


def split_numbering(norm: str) -> tuple[str, str]:
    m = _NUMBERING.match(norm)
    if not m:
        return "", norm
    return m.group(1), norm[m.end() :]


@dataclass(frozen=True, slots=True)
class RowMatch:
    kind: str  # "row" | "group" | "other_or_group"
    key: str
    exact: bool
    standard: str  # the standard wording


_ROW_BODIES: dict[str, list[tuple[str, str]]] = {}
for _row in REQUEST_ROWS:
    if _row.key == "other":
        continue
    for _wording in (_row.label, *_row.aliases):
        _ROW_BODIES.setdefault(norm_label(_row.number), []).append((norm_label(_wording), _row.key))
_EXACT_ROWS = {
    norm_label(r.number) + norm_label(r.label): r for r in REQUEST_ROWS if r.key != "other"
}
_GROUPS = {norm_label(g.number) + norm_label(g.label): g for g in REQUEST_GROUPS}
_GROUP_BODIES = {norm_label(g.label): g for g in REQUEST_GROUPS}
_ROW_BY_KEY = {r.key: r for r in REQUEST_ROWS}


@lru_cache(maxsize=8192)
def match_request_label(norm: str) -> RowMatch | None:
    """Which row or group of table 三 a label names, tolerating typos, wraps and variants."""
    if not norm:
        return None
    if norm in _EXACT_ROWS:
        row = _EXACT_ROWS[norm]
        return RowMatch("row", row.key, True, row.full_label)
    if norm in _GROUPS:
        g = _GROUPS[norm]
        kind = "other_or_group" if g.key == "other_handling" else "group"
        return RowMatch(kind, g.key, True, g.number + g.label)
    number, body = split_numbering(norm)
    if not body or len(body) > 60:
        return None
    if number and body in _GROUP_BODIES and _GROUP_BODIES[body].number == number:
        g = _GROUP_BODIES[body]
        return RowMatch("other_or_group" if g.key == "other_handling" else "group", g.key, False, g.number + g.label)
    if number.endswith("、") and number[0] == "三" and "办理结果" in body:
        return RowMatch("group", "results", False, "三、本年度办理结果")
    candidates = _ROW_BODIES.get(number) if number else None
    if candidates is None:
        if len(body) < 4:
            return None
        candidates = [c for cs in _ROW_BODIES.values() for c in cs]
        threshold = 0.85
    else:
        threshold = 0.6
    best_key, best_score = "", 0.0
    for wording, key in candidates:
        if len(body) >= 4 and len(wording) >= 4 and (wording.startswith(body) or body.startswith(wording)):
            score = 0.95 if number else 0.9
        else:
            sm = SequenceMatcher(None, body, wording, autojunk=False)
            if sm.real_quick_ratio() < threshold or sm.quick_ratio() < threshold:
                continue
            score = sm.ratio()
        if score > best_score:
            best_key, best_score = key, score
    if best_score >= threshold:
        row = _ROW_BY_KEY[best_key]
        return RowMatch("row", best_key, False, row.full_label)
    return None


_ACTIVE_ROWS: dict[str, tuple[str, str, bool]] = {}
for _block in ACTIVE_BLOCKS:
    for _r in _block.rows:
        _ACTIVE_ROWS[norm_label(_r.label)] = (_r.key, _block.item, True)
        for _a in _r.aliases:
            _ACTIVE_ROWS[norm_label(_a)] = (_r.key, _block.item, False)


@lru_cache(maxsize=8192)
def match_active_row(norm: str) -> tuple[str, str, bool] | None:
    """(row key, block item, exact) for a row label of table 二, or None."""
    hit = _ACTIVE_ROWS.get(norm)
    if hit:
        return hit
    bare = strip_annotation(norm)
    if bare != norm and bare in _ACTIVE_ROWS:
        key, item, _ = _ACTIVE_ROWS[bare]
        return key, item, False
    return None


@lru_cache(maxsize=8192)
def match_block_header(norm: str) -> str | None:
    """The article item (一, 五, 六, 八, 九) of a 第二十条第（N）项 header."""
    m = _BLOCK.search(norm)
    return m.group(1) if m and len(norm) <= 16 else None


@dataclass(frozen=True, slots=True)
class HeadingMatch:
    no: int
    title: str
    numbered: bool
    standard: bool
    printed_no: int | None = None  # the number the report printed, when it is not the part's own


_SECTION_TITLES = {norm_label(s.title): s.no for s in SECTIONS}
for _s in SECTIONS:
    for _alias in _s.aliases:
        _SECTION_TITLES[norm_label(_alias)] = _s.no


@lru_cache(maxsize=8192)
def match_heading(text: str) -> HeadingMatch | None:
    """A section heading (一、总体情况 … 六、其他需要报告的事项), numbered or not."""
    t = text.strip().lstrip("?？#* \u3000").rstrip("*# ").strip()
    if not t or len(t) > 40 or "\n" in t.strip():
        return None
    m = _HEADING.match(t)
    if m:
        no = _CN.index(m.group(1)) + 1 if m.group(1) else int(m.group(2))
        if no > 6:
            return None
        title = m.group(3).strip().rstrip("。：:")
        norm = norm_label(title)
        section = SECTIONS[no - 1]
        if any(k in norm for k in section.keywords):
            standard = norm in (norm_label(section.title), *(norm_label(a) for a in section.aliases))
            return HeadingMatch(no, title, True, standard)
        placed = _SECTION_TITLES.get(norm)
        if placed is not None:  # misnumbered: "二、收到和处理…" is part three, placed by its title
            return HeadingMatch(placed, title, True, True, no)
        return None
    norm = norm_label(t.rstrip("。：:"))
    if norm in _SECTION_TITLES:
        return HeadingMatch(_SECTION_TITLES[norm], t.rstrip("。：:"), False, True)
    return None
