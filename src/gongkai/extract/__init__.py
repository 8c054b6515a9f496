"""Extract: Document → Report, by the standard's template. Facts for the checks go to a Trace."""

from __future__ import annotations

from gongkai.extract.meta import find_body_agency, find_sections, find_signature, find_title, find_year
from gongkai.extract.stream import PItem, prepare
from gongkai.extract.tables import extract_tables
from gongkai.extract.trace import Trace
from gongkai.model import Meta, Report, Source
from gongkai.read.document import Document

__all__ = ["extract", "Trace", "PItem"]


def _template(versions: dict[str, str]) -> str | None:
    kinds = set(versions.values())
    if not kinds:
        return None
    if len(kinds) == 2:
        return "mixed"
    return kinds.pop()


def extract(doc: Document, source: Source) -> tuple[Report, Trace]:
    """Build the report model from a document; never guesses: unsure values stay None."""
    trace = Trace(reader_notes=list(doc.notes))
    items, _traditional = prepare(doc)
    tables, table_items = extract_tables(items, trace)
    sections = find_sections(items, trace, table_items)
    first_heading = next((i for i, it in enumerate(items) if it.heading is not None), min(len(items), 8))
    title_agency, title_year = find_title(items, first_heading)
    sig_agency, published = find_signature(items, trace)
    agency = sig_agency or title_agency or find_body_agency(items)
    year = title_year or find_year(items)
    trace.narrative = [
        it.text
        for k, it in enumerate(items)
        if not it.in_table and it.value is None and len(it.text) > 8 and k not in table_items
    ]
    meta = Meta(agency=agency, year=year, template=_template(trace.versions), published=published)  # type: ignore[arg-type]
    report = Report.model_construct(
        source=source,
        meta=meta,
        sections=sections,
        active=tables.active or None,
        requests=tables.requests or None,
        review_litigation=tables.review_litigation or None,
        evidence=tables.evidence,
        findings=[],
        schema_version=1,
    )
    return report, trace
