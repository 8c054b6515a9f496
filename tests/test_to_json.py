"""`Report.to_json` through pydantic's serializer writes what `json.dumps(indent=2)` wrote, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.model import Finding, Meta, Report, Source
from gongkai.pipeline import process_path

CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def reference(report: Report) -> str:
    """The encoder `to_json` used before: Python's json module, pure-Python because of the indent."""
    return json.dumps(report.model_dump(mode="json", exclude_none=False), ensure_ascii=False, indent=2) + "\n"


def test_every_corpus_report_is_byte_identical() -> None:
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".txt", ".pdf"))
    assert len(files) >= 19
    for f in files:
        report = process_path(f).report
        assert report.to_json() == reference(report), f


numbers = st.one_of(
    st.none(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e-5, 1e-4, 0.0001, 1.5e-7, 1e16, 1e15, 123456789.123, -0.0, 0.1, 3.0]),
)
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(
    cells=st.dictionaries(st.sampled_from(["new_received", "granted", "total_processed"]),
                          st.dictionaries(st.sampled_from(["natural_person", "total"]), numbers), max_size=3),
    confidence=numbers,
    bbox=st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=4, max_size=4),
    text=texts,
    message=texts,
)
def test_any_report_is_byte_identical(cells: dict, confidence: float | None, bbox: list[float], text: str,
                                      message: str) -> None:
    report = Report(
        source=Source(path=f"报告/{text}.txt", sha256="0" * 64, kind="pdf"),
        meta=Meta(agency=text or None, year=2024),
        requests=cells or None,
        evidence={"requests.granted.total": {"text": text, "origin": {"page": 1, "bbox": bbox},
                                             "annotation": message, "confidence": confidence}},
        findings=[Finding(rule="arithmetic.row_sum", severity="error", message=message, cells=[text])],
    )
    assert report.to_json() == reference(report)


def test_lone_surrogates_from_a_broken_pdf_are_kept_as_before() -> None:
    """pdfium can hand out a lone UTF-16 surrogate as a character; the old encoder kept it in the text."""
    report = Report(source=Source(path="a.pdf", sha256="0" * 64, kind="pdf"), meta=Meta(agency="\ud9e1镇"),
                    findings=[Finding(rule="r", severity="info", message="\udcce")])
    assert report.to_json() == reference(report)
    assert "\ud9e1" in report.to_json()
