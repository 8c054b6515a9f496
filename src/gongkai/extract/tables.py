"""Find the three statistical tables in the item stream and align their cells by label.

Rows are identified by their labels (typos and wraps tolerated), never by counting numbers
through the document. A row whose values cannot be aligned to its columns is left null and
recorded in the trace; a table cut short keeps its complete rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.extract.labels import RowMatch, match_active_row, match_block_header, match_request_label, split_numbering
from gongkai.extract.normalize import norm_label
from gongkai.extract.stream import PItem
from gongkai.extract.trace import LabelVariant, RowProblem, Trace
from gongkai.model import Evidence
from gongkai.standard import ACTIVE_BLOCKS, REQUEST_COLUMNS, REQUEST_ROWS, REVIEW_CELLS
from gongkai.standard import ACTIVE_ROWS as ACTIVE_ROWS_BY_KEY
from gongkai.standard.format import ActiveBlock, ActiveVariant

_BLOCKS = {b.item: b for b in ACTIVE_BLOCKS}
_REQUEST_KEYS = [c.key for c in REQUEST_COLUMNS]
_REVIEW_HEADER_CHARS = set("结果维持纠正其他审结尚未总计起诉复议诉讼行政直接经后")


@dataclass
class Tables:
    active: dict[str, dict[str, int | float | None]] = field(default_factory=dict)
    requests: dict[str, dict[str, int | float | None]] = field(default_factory=dict)
    review_litigation: dict[str, dict[str, int | float | None]] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)


def _is_empty(item: PItem) -> bool:
    return item.value is not None and item.value.blank and not item.raw.strip().strip("|").strip()


def _align(values: list[PItem], n: int) -> list[PItem] | None:
    """Fit the value cells after a label to n columns: surplus empty cells are padding or span."""
    vals = list(values)
    while len(vals) > n and _is_empty(vals[-1]):
        vals.pop()
    while len(vals) > n and _is_empty(vals[0]):
        vals.pop(0)
    return vals if len(vals) == n else None


class _Walker:
    def __init__(self, items: list[PItem], trace: Trace) -> None:
        self.items = items
        self.trace = trace
        self.out = Tables()
        self.consumed: set[int] = set()  # item indices that belong to a table (labels, headers, values)
        self._no_values: dict[tuple[str, str], RowProblem] = {}

    # ------------------------------------------------------------------ helpers
    def _is_label(self, item: PItem) -> bool:
        return (
            item.heading is not None
            or match_block_header(item.norm) is not None
            or match_active_row(item.norm) is not None
            or match_request_label(item.norm) is not None
            or item.norm == "信息内容"
        )

    def _collect(self, start: int) -> tuple[str, list[PItem], int]:
        """Label continuation text, then the run of value cells; returns (extra label, values, next)."""
        j = start
        extra = ""
        n = len(self.items)
        while j < n and self.items[j].value is None and not self._is_label(self.items[j]) and len(extra) < 30:
            if self.items[j].heading is not None or len(self.items[j].norm) > 30:
                break
            extra += self.items[j].norm
            j += 1
        values: list[PItem] = []
        while j < n and self.items[j].value is not None:
            values.append(self.items[j])
            j += 1
        self.consumed.update(range(start - 1, j))
        return extra, values, j

    def _store(self, table: str, row: str, cols: list[str], values: list[PItem]) -> None:
        getattr(self.out, table)[row] = {}
        for col, item in zip(cols, values, strict=True):
            self._store_cell(table, row, col, item)

    def _row(self, table: str, key: str, label: str, cols: list[str], start: int, standard: str) -> int:
        extra, values, j = self._collect(start)
        aligned = _align(values, len(cols))
        full_label = label + extra
        if norm_label(full_label) != norm_label(standard) and not (j >= len(self.items) and aligned is None):
            self.trace.label_variants.append(LabelVariant(table, key, full_label.strip(), standard))
        if key in getattr(self.out, table):
            self.trace.duplicate_rows.append((table, full_label))
            return j
        if not values and j < len(self.items):
            # A label with no values (e.g. the same words in the text above the table): decide at the end.
            self._no_values.setdefault(
                (table, key), RowProblem(table, key, full_label, 0, len(cols), "too_few", self.items[start - 1].origin)
            )
            return j
        if aligned is None:
            at_end = j >= len(self.items)
            if at_end and len(values) < len(cols):
                self.trace.truncated.add(table)
                return j
            trimmed = list(values)
            while trimmed and _is_empty(trimmed[-1]):
                trimmed.pop()
            while trimmed and _is_empty(trimmed[0]):
                trimmed.pop(0)
            found = len(trimmed) if len(values) > len(cols) else len(values)
            reason = "too_many" if found > len(cols) else "too_few"
            origin = values[0].origin if values else None
            self.trace.row_problems.append(RowProblem(table, key, full_label, found, len(cols), reason, origin))
            getattr(self.out, table)[key] = {c: None for c in cols}
            return j
        self._store(table, key, cols, aligned)
        return j

    # ------------------------------------------------------------------ walk
    def run(self) -> Tables:
        items = self.items
        i = 0
        state: str | None = None
        block: ActiveBlock | None = None
        header: list[str] = []
        in_header = False
        variant_by_block: dict[str, ActiveVariant] = {}
        seen_requests_end = False
        while i < len(items):
            it = items[i]
            if it.heading is not None:
                state = {2: "active", 3: "requests", 4: "review"}.get(it.heading.no)
                i += 1
                continue
            item_no = match_block_header(it.norm)
            if item_no is not None:
                self.consumed.add(i)
                state, block, header, in_header = "active", _BLOCKS.get(item_no), [], False
                i += 1
                continue
            if it.norm == "信息内容":
                self.consumed.add(i)
                state, header, in_header = "active", [], True
                i += 1
                continue
            active = match_active_row(it.norm) if state in (None, "active") else None
            if active is not None:
                key, item_no, exact = active
                blk = _BLOCKS[item_no]
                if block is None or block.item != item_no:
                    block, header = blk, (header if in_header else [])
                if in_header or block.item not in variant_by_block:
                    variant_by_block[block.item] = _choose_variant(block, header, items, i + 1)
                in_header = False
                variant = variant_by_block[block.item]
                self.trace.versions[f"active.{block.item}"] = variant.version
                standard = next(r.label for r in blk.rows if r.key == key)
                if key == "normative_documents" and variant.version == "2019":
                    standard = "规范性文件"
                state = "active"
                i = self._row("active", key, it.raw, [c.key for c in variant.columns], i + 1, standard)
                continue
            if state == "active" and in_header and it.value is None:
                self.consumed.add(i)
                header.append(it.norm)
                i += 1
                continue
            if "勾稽关系" in it.norm or it.norm == "申请人情况":
                self.consumed.add(i)
                state = "requests"
                i += 1
                continue
            numbered = state in (None, "active", "requests") and (state == "requests" or split_numbering(it.norm)[0])
            req = match_request_label(it.norm) if numbered else None
            if req is not None:
                state = "requests"
                i = self._request(req, it, i)
                if req.key == "carried_forward":
                    seen_requests_end = True
                continue
            if (
                state == "active"
                and it.value is None
                and it.norm
                and i + 1 < len(items)
                and items[i + 1].value is not None
                and not _is_empty(items[i + 1])
            ):
                self.trace.unknown_rows.append(("active", it.raw.strip()))
                _, _, i = self._collect(i + 1)
                continue
            after_requests = state in ("review", "requests") or seen_requests_end
            if after_requests and it.norm.startswith("行政复议") and len(it.norm) <= 12:
                i = self._review(i + 1)
                state = None
                continue
            i += 1
        self._finish_requests()
        return self.out

    def _request(self, match: RowMatch, it: PItem, i: int) -> int:
        self.consumed.add(i)
        if match.kind == "group":
            return i + 1
        if match.kind == "other_or_group":
            extra, values, _ = self._collect(i + 1)
            if not values:
                self.trace.versions["requests.六"] = "2021"
                return i + 1
            key = "other"
            self.trace.versions["requests.六"] = "2019"
        else:
            key = match.key
            row = next(r for r in REQUEST_ROWS if r.key == key)
            if row.version == "2021":
                self.trace.versions["requests.六"] = "2021"
        standard = next(r.full_label for r in REQUEST_ROWS if r.key == key)
        return self._row("requests", key, it.raw, _REQUEST_KEYS, i + 1, standard)

    def _review(self, start: int) -> int:
        items = self.items
        values: list[PItem] = []
        j = start
        while j < len(items):
            it = items[j]
            if it.heading is not None:
                break
            if it.value is not None:
                values.append(it)
                j += 1
                continue
            header_like = len(it.norm) <= 24 and set(it.norm) <= _REVIEW_HEADER_CHARS
            if header_like and all(_is_empty(v) for v in values):
                values = []
                j += 1
                continue
            break
        self.consumed.update(range(start - 1, j))
        self.trace.tables_found.add("review_litigation")
        aligned = _align(values, 15)
        if aligned is None:
            if j >= len(items) and len(values) < 15:
                self.trace.truncated.add("review_litigation")
            else:
                reason = "too_many" if len(values) > 15 else "too_few"
                self.trace.row_problems.append(
                    RowProblem("review_litigation", "*", "行政复议、行政诉讼数据行", len(values), 15, reason,
                               values[0].origin if values else None)
                )
                self.trace.table_problems["review_litigation"] = (
                    f"数据行有{len(values)}个数值，应为15个，无法与表头对齐"
                )
            return j
        for (group, col), item in zip(REVIEW_CELLS, aligned, strict=True):
            self.out.review_litigation.setdefault(group, {})
            self._store_cell("review_litigation", group, col, item)
        return j

    def _columns(self, table: str, key: str) -> list[str]:
        if table == "requests":
            return list(_REQUEST_KEYS)
        version = self.trace.versions.get(f"active.{ACTIVE_ROWS_BY_KEY[key][0].item}", "2021")
        block = ACTIVE_ROWS_BY_KEY[key][0]
        variant = next((v for v in block.variants if v.version == version), block.variants[0])
        return [c.key for c in variant.columns]

    def _store_cell(self, table: str, row: str, col: str, item: PItem) -> None:
        grid: dict[str, dict[str, int | float | None]] = getattr(self.out, table)
        v = item.value
        assert v is not None
        grid.setdefault(row, {})[col] = v.value
        path = f"{table}.{row}.{col}"
        self.out.evidence[path] = {
            "text": item.raw,
            "origin": item.origin.as_dict(),
            "annotation": v.annotation,
            "confidence": item.confidence,
        }
        if v.blank:
            self.trace.blank_cells.append(path)
        if item.confidence is not None and item.confidence < 0.9:
            self.trace.low_confidence.append((path, item.confidence))

    def _finish_requests(self) -> None:
        for (table, key), problem in self._no_values.items():
            if key not in getattr(self.out, table):
                self.trace.row_problems.append(problem)
                getattr(self.out, table)[key] = {c: None for c in self._columns(table, key)}
        req = self.out.requests
        if req:
            self.trace.tables_found.add("requests")
            # keep the standard's row order
            order = [r.key for r in REQUEST_ROWS]
            self.out.requests = {k: req[k] for k in order if k in req}
        if self.out.active:
            self.trace.tables_found.add("active")
            order = [r.key for b in ACTIVE_BLOCKS for r in b.rows]
            self.out.active = {k: self.out.active[k] for k in order if k in self.out.active}


def _choose_variant(block: ActiveBlock, header: list[str], items: list[PItem], start: int) -> ActiveVariant:
    """Pick the 2021 or 2019 columns of a block from its header text (or its value count)."""
    text = "".join(header)
    if len(block.variants) == 1:
        return block.variants[0]
    v2021, v2019 = block.variants
    if block.item == "一":
        if any(k in text for k in ("制发", "废止", "现行有效")):
            return v2021
        if any(k in text for k in ("新制作", "新公开", "对外公开", "本年新")):
            return v2019
    else:
        if any(k in text for k in ("上一年", "增/减", "增减")):
            return v2019
        if any(k in text for k in ("本年处理决定", "收费金额", "万元")):
            return v2021
    # No usable header: count the values that follow the row label.
    n = 0
    j = start
    while j < len(items) and items[j].value is not None:
        if not _is_empty(items[j]):
            n += 1
        j += 1
    if n == len(v2019.columns) and n != len(v2021.columns):
        return v2019
    return v2021


def extract_tables(items: list[PItem], trace: Trace) -> tuple[Tables, set[int]]:
    """The three tables, and the indices of the items that belong to them."""
    walker = _Walker(items, trace)
    tables = walker.run()
    return tables, walker.consumed
