"""The report model: one object per report, matching ../shared/spec/report-schema.md.

The CLI prints it, the store saves it, the web shows it and tests assert on it.
Table values are plain numbers (or None) keyed as the schema says; what each cell literally
said and where it stood is kept in `evidence`, keyed by cell path.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
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
        """Deterministic JSON (same input → byte-identical output)."""
        import json

        return json.dumps(self.model_dump(mode="json", exclude_none=False), ensure_ascii=False, indent=2) + "\n"
