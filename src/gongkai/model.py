"""The report model: one object per report, matching ../shared/spec/report-schema.md.

The CLI prints it, the store saves it, the web shows it and tests assert on it.
Table values are plain numbers (or None) keyed as the schema says; what each cell literally
said and where it stood is kept in `evidence`, keyed by cell path.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic_core import PydanticSerializationError
from typing_extensions import TypedDict

SCHEMA_VERSION = 1
Severity = Literal["error", "warning", "info"]
Number = int | float
TableValues = dict[str, dict[str, Number | None]]


class Source(BaseModel):
    path: str
    sha256: str
    kind: str


class Meta(BaseModel):
    agency: str | None = None
    year: int | None = None
    template: Literal["2021", "2019", "mixed"] | None = None
    published: str | None = None


class Section(BaseModel):
    no: int
    title: str
    text: str


class Evidence(TypedDict):
    """What a cell literally said (`text`), where (`origin`), and any note kept beside the value."""

    text: str
    origin: dict[str, Any]
    annotation: str | None
    confidence: float | None


class Finding(BaseModel):
    rule: str
    severity: Severity
    message: str
    cells: list[str] = Field(default_factory=list)
    suspect: str | None = None  # the cell most likely wrong (the root cause), when the sums single it out
    candidates: list[str] = Field(default_factory=list)  # cells the sums cannot tell apart, one of them wrong
    details: list[str] = Field(default_factory=list)  # the broken identities (or sentences) folded under it
    hint: str | None = None  # a suggested correction with its reasoning; never a fact
    delta: float | None = None  # how much the suspect cell exceeds the value that balances its identities

    @property
    def key(self) -> str:
        """A stable identity across runs of the same file: the rule and the cells (or the message)."""
        return f"{self.rule}|{','.join(sorted(self.cells)) if self.cells else self.message}"[:500]


class Report(BaseModel):
    schema_version: int = SCHEMA_VERSION
    source: Source
    meta: Meta
    sections: list[Section] = Field(default_factory=list)
    active: TableValues | None = None
    requests: TableValues | None = None
    review_litigation: TableValues | None = None
    evidence: dict[str, Evidence] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)

    # ------------------------------------------------------------------ helpers
    def value(self, path: str) -> Number | None:
        """The value of a cell path such as 'requests.new_received.total' (None if absent)."""
        table, row, col = path.split(".")
        grid = getattr(self, table)
        if not grid:
            return None
        return grid.get(row, {}).get(col)

    def has(self, path: str) -> bool:
        table, row, col = path.split(".")
        grid = getattr(self, table)
        return bool(grid) and row in grid and col in grid[row]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def cells(self) -> dict[str, Number | None]:
        """Every cell as {path: value}."""
        out: dict[str, Number | None] = {}
        for table in ("active", "requests", "review_litigation"):
            grid = getattr(self, table)
            if grid:
                for row, cols in grid.items():
                    for col, value in cols.items():
                        out[f"{table}.{row}.{col}"] = value
        return out

    def to_json(self) -> str:
        """Deterministic JSON (same input → byte-identical output).

        pydantic's Rust serializer writes what `json.dumps(..., ensure_ascii=False, indent=2)` writes
        at a tenth of the cost, except for floats that are not finite or that Python prints with an
        exponent below 1e-4 (`1e-05` against `0.00001`), and text holding a lone surrogate, which it
        refuses; a report holding either takes the slow path.
        """
        if self._plain_floats():
            try:
                return self.model_dump_json(indent=2) + "\n"
            except PydanticSerializationError:  # a lone surrogate (a broken PDF's text): json.dumps keeps it
                pass
        import json

        return json.dumps(self.model_dump(mode="json", exclude_none=False), ensure_ascii=False, indent=2) + "\n"

    def _plain_floats(self) -> bool:
        """Whether every float the report holds (cell values, confidences, numbers in origins) is plain."""
        for table in (self.active, self.requests, self.review_litigation):
            if table:
                for cols in table.values():
                    for v in cols.values():
                        if type(v) is float and not _plain_float(v):
                            return False
        for ev in self.evidence.values():
            confidence = ev.get("confidence")
            if confidence is not None and not all(_plain_float(v) for v in _floats_in(confidence)):
                return False
            for v in ev.get("origin", {}).values():
                if v is None or type(v) is int:
                    continue
                if type(v) is float:
                    if not _plain_float(v):
                        return False
                elif type(v) in (list, tuple) and all(type(x) is float or type(x) is int for x in v):  # a bbox
                    if not all(_plain_float(x) for x in v):
                        return False
                elif not all(_plain_float(x) for x in _floats_in(v)):  # anything nested
                    return False
        return True


def _floats_in(value: Any) -> Iterator[float]:
    if type(value) is float:
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _floats_in(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _floats_in(v)


def _plain_float(v: float) -> bool:
    """A float that pydantic and Python's json module print alike."""
    return v == 0.0 or 1e-4 <= abs(v) < 1e16
