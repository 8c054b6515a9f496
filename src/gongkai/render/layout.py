"""The standard's three tables as a layout: header rows with spans, labelled rows, value cells by path.

Built once from `gongkai.standard` for each shape (2021, 2019, mixed blocks), and used by every
face that draws a table: the DOCX writer, the HTML page, the fill-in workbook and the web form.
Grid column widths (twips) are those of the official 2021 Word template.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

from gongkai.model import Report
from gongkai.standard import (
    ACTIVE_BLOCKS,
    APPLICANT_COLUMNS,
    REQUEST_COLUMNS,
    REQUEST_GROUPS,
    REQUEST_ROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    TABLE_TITLES,
)

Role = Literal["block", "head", "label", "value", "note"]
Version = Literal["2021", "2019"]

REQUEST_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True, slots=True)
class Slot:
    """One cell of a table at its top-left grid position: a printed label, or a value by cell path."""

    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    text: str = ""
    path: str | None = None
    role: Role = "label"
    align: Literal["left", "center"] = "center"


@dataclass(frozen=True)
class TableLayout:
    key: str  # active | requests | review_litigation
    title: str
    widths: tuple[int, ...]  # grid column widths in twips
    n_rows: int
    slots: tuple[Slot, ...]  # row-major

    @property
    def n_cols(self) -> int:
        return len(self.widths)

    def rows(self) -> list[list[Slot]]:
        out: list[list[Slot]] = [[] for _ in range(self.n_rows)]
        for s in self.slots:
            out[s.row].append(s)
        return out

    def value_slots(self) -> list[Slot]:
        return [s for s in self.slots if s.path is not None]

    def paths(self) -> list[str]:
        return [s.path for s in self.slots if s.path is not None]


# ------------------------------------------------------------------ table 二
def _split(total: int, parts: int) -> tuple[int, ...]:
    base, extra = divmod(total, parts)
    return tuple(base + (1 if k < extra else 0) for k in range(parts))


@cache
def active_layout(versions: tuple[tuple[str, str], ...]) -> TableLayout:
    """Table 二 with each block (by its 第二十条 item) in the given version; blocks without one are left out."""
    chosen = dict(versions)
    blocks = []
    for block in ACTIVE_BLOCKS:
        variant = next((v for v in block.variants if v.version == chosen.get(block.item)), None)
        if variant is not None:
            rows = [r for r in block.rows if r.version in ("both", variant.version)]
            blocks.append((block, variant, rows))
    counts = {len(v.columns) for _, v, _ in blocks}
    sub = 3 if counts <= {1, 3} else 6  # value grid columns: 3 fits 1 or 3 columns; 6 fits 2 as well
    widths = (2435, *_split(7305, sub))
    slots: list[Slot] = []
    r = 0
    for block, variant, rows in blocks:
        slots.append(Slot(r, 0, 1, 1 + sub, f"第二十条第（{block.item}）项", role="block", align="left"))
        r += 1
        span = sub // len(variant.columns)
        slots.append(Slot(r, 0, text="信息内容", role="head"))
        slots.extend(Slot(r, 1 + k * span, 1, span, c.label, role="head") for k, c in enumerate(variant.columns))
        r += 1
        for row in rows:
            label = "规范性文件" if row.key == "normative_documents" and variant.version == "2019" else row.label
            slots.append(Slot(r, 0, text=label, role="label"))
            slots.extend(
                Slot(r, 1 + k * span, 1, span, path=f"active.{row.key}.{c.key}", role="value")
                for k, c in enumerate(variant.columns)
            )
            r += 1
    return TableLayout("active", TABLE_TITLES["active"], widths, r, tuple(slots))


def active_versions(version: Version) -> tuple[tuple[str, str], ...]:
    return tuple((b.item, version) for b in ACTIVE_BLOCKS if any(v.version == version for v in b.variants))


# ------------------------------------------------------------------ table 三
@cache
def requests_layout(version: Version) -> TableLayout:
    rows = [r for r in REQUEST_ROWS if r.version in ("both", version)]
    widths = (754, 921, 3271, *(685,) * 7)
    slots: list[Slot] = [
        Slot(0, 0, 3, 3, REQUEST_NOTE, role="note", align="left"),
        Slot(0, 3, 1, 7, "申请人情况", role="head"),
        Slot(1, 3, 2, 1, "自然人", role="head"),
        Slot(1, 4, 1, 5, "法人或其他组织", role="head"),
        Slot(1, 9, 2, 1, "总计", role="head"),
        *(Slot(2, 4 + k, text=c.label, role="head") for k, c in enumerate(REQUEST_COLUMNS[1:6])),
    ]
    results = [r for r in rows if r.group is not None]
    groups = {g.key: g for g in REQUEST_GROUPS}
    r = 3
    for row in rows:
        if row.group is None:
            slots.append(Slot(r, 0, 1, 3, row.full_label, align="left"))
        else:
            if row is results[0]:
                slots.append(Slot(r, 0, len(results), 1, "三、本年度办理结果", align="left"))
            if row.group == "results":
                slots.append(Slot(r, 1, 1, 2, row.full_label, align="left"))
            else:
                members = [x for x in rows if x.group == row.group]
                if row is members[0]:
                    g = groups[row.group]
                    slots.append(Slot(r, 1, len(members), 1, g.number + g.label, align="left"))
                slots.append(Slot(r, 2, text=row.full_label, align="left"))
        slots.extend(
            Slot(r, 3 + k, path=f"requests.{row.key}.{c.key}", role="value") for k, c in enumerate(REQUEST_COLUMNS)
        )
        r += 1
    return TableLayout("requests", TABLE_TITLES["requests"], widths, r, tuple(slots))


# ------------------------------------------------------------------ table 四
@cache
def review_layout() -> TableLayout:
    widths = (*(649,) * 7, *(650,) * 8)
    slots: list[Slot] = [Slot(0, 0, 1, 5, "行政复议", role="head"), Slot(0, 5, 1, 10, "行政诉讼", role="head")]
    slots.extend(Slot(1, k, 2, 1, c.label, role="head") for k, c in enumerate(REVIEW_COLUMNS))
    slots.append(Slot(1, 5, 1, 5, "未经复议直接起诉", role="head"))
    slots.append(Slot(1, 10, 1, 5, "复议后起诉", role="head"))
    slots.extend(Slot(2, 5 + k, text=c.label, role="head") for k, c in enumerate(REVIEW_COLUMNS * 2))
    slots.extend(
        Slot(3, 5 * g + k, path=f"review_litigation.{group.key}.{c.key}", role="value")
        for g, group in enumerate(REVIEW_GROUPS)
        for k, c in enumerate(REVIEW_COLUMNS)
    )
    return TableLayout("review_litigation", TABLE_TITLES["review_litigation"], widths, 4, tuple(slots))


# ------------------------------------------------------------------ choosing the shape
def layouts(version: Version = "2021") -> tuple[TableLayout, TableLayout, TableLayout]:
    """The three tables of one version of the standard."""
    return active_layout(active_versions(version)), requests_layout(version), review_layout()


def _block_version(block_item: str, active: Mapping[str, Mapping[str, object]], default: Version) -> str:
    block = next(b for b in ACTIVE_BLOCKS if b.item == block_item)
    for row in block.rows:
        if row.key in active:
            cols = set(active[row.key])
            for v in block.variants:
                if cols and cols <= {c.key for c in v.columns}:
                    return v.version
    return default


def layouts_for(report: Report) -> tuple[TableLayout, TableLayout, TableLayout]:
    """The tables in the shape of the report's data: 2019 blocks stay 2019, 2021 blocks 2021."""
    default: Version = "2019" if report.meta.template == "2019" else "2021"
    active = report.active or {}
    versions = tuple(
        (b.item, v)
        for b in ACTIVE_BLOCKS
        if (v := _block_version(b.item, active, default)) and any(x.version == v for x in b.variants)
    )
    req = report.requests or {}
    old = "other" in req or (default == "2019" and not any(k.startswith("other_") for k in req))
    return active_layout(versions), requests_layout("2019" if old else "2021"), review_layout()


def computed_paths(version: Version = "2021") -> dict[str, tuple[str, ...]]:
    """Totals the standard defines as sums: {total path: the cells it adds up} (the workbook's formulas)."""
    out: dict[str, tuple[str, ...]] = {}
    req = requests_layout(version).paths()
    rows = dict.fromkeys(p.split(".")[1] for p in req)
    results = [k for k in rows if k not in ("new_received", "carried_over", "total_processed", "carried_forward")]
    for c in APPLICANT_COLUMNS:
        out[f"requests.total_processed.{c}"] = tuple(f"requests.{k}.{c}" for k in results)
    for k in rows:
        out[f"requests.{k}.total"] = tuple(f"requests.{k}.{c}" for c in APPLICANT_COLUMNS)
    for g in REVIEW_GROUPS:
        out[f"review_litigation.{g.key}.total"] = tuple(
            f"review_litigation.{g.key}.{c.key}" for c in REVIEW_COLUMNS[:4]
        )
    return out
