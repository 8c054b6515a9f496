"""Publications and versions: the same report in two formats is one publication whatever the order;
"current" is the latest published; a correction is a new version with what changed; ingest stays fast
as versions of one agency-year accumulate."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from gongkai.store import Store
from gongkai.store.ingest import Outcome, ingest
from gongkai.store.query import find_agency, versions
from gongkai.store.schema import reports
from tests.store_support import CORPUS, SEED_000, set_row, store, store_url  # noqa: F401

PDF = CORPUS / "pdf" / "002_huaian_hongze_district_2023.pdf"
TXT = CORPUS / "pdf" / "002_huaian_hongze_district_2023.txt"
NEW = "一、本年新收"


def _state(s: Store, agency: str, year: int) -> list[tuple[int, bool, str]]:
    with s.read() as conn:
        return [(r["version"], r["is_current"], Path(r["source_path"]).suffix)
                for r in versions(conn, find_agency(conn, agency), year)]


def test_pdf_and_text_copy_are_one_publication_in_either_order(store_url: str, tmp_path: Path) -> None:  # noqa: F811
    from gongkai.store import open_store

    seen: list[list[tuple[int, bool, str]]] = []
    for i, order in enumerate(([PDF, TXT], [TXT, PDF])):
        s = open_store(store_url) if i == 0 else open_store(tmp_path / "second.db")
        outcomes: list[Outcome] = []
        try:
            ingest(s, order[:1])
            summary = ingest(s, order[1:], on_outcome=outcomes.append)
            assert (summary.other_formats, summary.new_versions, summary.stored) == (1, 0, 0)
            assert "同一次发布的另一格式" in outcomes[0].message
            seen.append(_state(s, "洪泽区", 2023))
        finally:
            s.close()
    # both orders: the PDF is version 1 and current, the text copy version 2 of the same publication
    assert seen[0] == seen[1] == [(1, True, ".pdf"), (2, False, ".txt")]


def _signed(tmp: Path, name: str, date: str, new: str | None = None) -> Path:
    lines = SEED_000.read_text(encoding="utf-8").split("\n")
    if new is not None:
        set_row(lines, NEW, [new, "0", "0", "0", "0", "0", new])
    out = tmp / name
    out.write_text("\n".join(lines) + f"\n\n巫山县巫峡镇人民政府\n{date}\n", encoding="utf-8")
    return out


def test_current_is_the_latest_published_not_the_latest_ingested(store: Store, tmp_path: Path) -> None:  # noqa: F811
    later = _signed(tmp_path, "corrected.txt", "2025年3月1日", new="3")
    earlier = _signed(tmp_path, "first.txt", "2025年1月20日")
    outcomes: list[Outcome] = []
    ingest(store, [later])
    summary = ingest(store, [earlier], on_outcome=outcomes.append)
    assert summary.new_versions == 1
    # the file ingested last was published first: it is version 1, and the correction stays current
    assert _state(store, "巫峡镇", 2024) == [(1, False, ".txt"), (2, True, ".txt")]
    with store.read() as conn:
        rows = versions(conn, find_agency(conn, "巫峡镇", ), 2024)
    assert [Path(r["source_path"]).name for r in rows] == ["first.txt", "corrected.txt"]
    msg = outcomes[0].message
    assert "非现行" in msg and "与第 2 版相比" in msg and "一、本年新收政府信息公开申请数量·总计" in msg


def test_a_correction_names_what_changed(store: Store, tmp_path: Path) -> None:  # noqa: F811
    first = _signed(tmp_path, "a.txt", "2025年1月20日")
    fixed = _signed(tmp_path, "b.txt", "2025年2月1日", new="3")
    outcomes: list[Outcome] = []
    ingest(store, [first])
    ingest(store, [fixed], on_outcome=outcomes.append)
    o = outcomes[0]
    assert o.status == "version" and o.version == 2
    assert o.message == ("第 2 版（现行版本），与第 1 版相比 2 个单元格不同："
                         "一、本年新收政府信息公开申请数量·自然人、一、本年新收政府信息公开申请数量·总计")
    assert _state(store, "巫峡镇", 2024) == [(1, False, ".txt"), (2, True, ".txt")]


def test_new_versions_update_only_the_rows_that_change(store: Store, tmp_path: Path) -> None:  # noqa: F811
    """The cause of the slow-down as versions accumulated: every new version rewrote every older row
    (is_current=False on all of them, each with its report JSON). Now only the previous current row
    and the new one are written."""
    files = [_signed(tmp_path, f"v{i}.txt", "2025年1月20日", new=str(i)) for i in range(1, 7)]
    ingest(store, files[:5])
    with store.write() as conn:  # mark the old rows so a rewrite would show
        conn.execute(update(reports).values(source_kind="text"))
    statements: list[str] = []
    from sqlalchemy import event

    def spy(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE REPORTS"):
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", spy)
    try:
        ingest(store, files[5:])
    finally:
        event.remove(store.engine, "before_cursor_execute", spy)
    assert len(statements) == 1  # the previous current version loses its mark; nothing else is rewritten
    with store.read() as conn:
        current = conn.execute(select(reports.c.source_path).where(reports.c.is_current.is_(True))).scalars().all()
    assert [Path(p).name for p in current] == ["v6.txt"]
