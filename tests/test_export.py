"""Ingest → export round-trips every cell of the corpus exactly, in every format; filters are safe."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.export import findings_table, long_table, wide_table, write_csv, write_json, write_parquet, write_xlsx
from gongkai.export.tables import REPORT_COLUMNS, cell_columns, standard_paths
from gongkai.model import Number
from gongkai.pipeline import process_path
from gongkai.region import infer_in_report
from gongkai.store import Store, StoreError, open_store
from gongkai.store.filters import where_clauses
from gongkai.store.ingest import ingest
from gongkai.store.schema import reports
from tests.store_support import corpus_files

FILES = corpus_files()


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, dict[str, Any]]]:
    """The text corpus ingested once; expected cells and literals by sha256."""
    s = open_store(tmp_path_factory.mktemp("export") / "corpus.db")
    ingest(s, FILES)
    expected = {}
    for f in FILES:
        r = process_path(f).report
        expected[r.source.sha256] = (r.cells(), {p: r.evidence[p]["text"] for p in r.cells()})
    yield s, expected
    s.close()


def _parse_number(text: str) -> Number | None:
    if text == "":
        return None
    return float(text) if any(c in text for c in ".eE") or text in ("inf", "nan") else int(text)


def _sha_by_id(s: Store) -> dict[int, str]:
    with s.read() as conn:
        return dict(conn.execute(select(reports.c.id, reports.c.sha256)).all())


def _long_rows(fmt: str, s: Store, where: list[str], tmp: Path) -> list[dict[str, Any]]:
    """Export the long table and read it back as dicts with native values."""
    with s.read() as conn:
        table = long_table(conn, where_clauses(where), current_only=False)
        if fmt == "csv":
            buf = io.StringIO()
            write_csv(table, buf)
            rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
            for r in rows:
                r["value"] = _parse_number(r["value"])
                r["value_decimal"] = _parse_number(r["value_decimal"])
                r["report_id"] = int(r["report_id"])
            return rows
        if fmt == "json":
            buf = io.StringIO()
            write_json(table, buf)
            return json.loads(buf.getvalue())  # type: ignore[no-any-return]
        if fmt == "parquet":
            pq = pytest.importorskip("pyarrow.parquet")
            write_parquet(table, tmp / "long.parquet", batch=97)
            return pq.read_table(tmp / "long.parquet").to_pylist()  # type: ignore[no-any-return]
        openpyxl = pytest.importorskip("openpyxl")
        write_xlsx([table], tmp / "long.xlsx", labels="key")
        sheet = openpyxl.load_workbook(tmp / "long.xlsx", read_only=True)["long"]
        it = sheet.iter_rows(values_only=True)
        head = next(it)
        return [dict(zip(head, row, strict=True)) for row in it]


def _assert_long_exact(rows: list[dict[str, Any]], shas: dict[int, str], expected: dict[str, Any],
                       exact_types: bool) -> set[str]:
    got: dict[str, dict[str, Any]] = {}
    literal: dict[str, dict[str, Any]] = {}
    for r in rows:
        sha = shas[int(r["report_id"])]
        assert r["value"] is None or r["value_decimal"] is None
        dec = r["value_decimal"]
        value = r["value"] if dec is None else float(dec)  # parquet gives Decimal, made from the printed digits
        got.setdefault(sha, {})[r["path"]] = value
        literal.setdefault(sha, {})[r["path"]] = r["literal"] if r["literal"] is not None else ""
    for sha, values in got.items():
        want, want_lit = expected[sha]
        assert values == want  # same paths (absent stays absent), None stays None, numbers equal
        if exact_types:
            assert {p: type(v) for p, v in values.items()} == {p: type(v) for p, v in want.items()}
        assert literal[sha] == {p: t or "" for p, t in want_lit.items()}
    return set(got)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(["csv", "json", "parquet", "xlsx"]),
       year=st.sampled_from([None, 2020, 2021, 2022, 2023, 2024, 2025]))
def test_long_table_round_trips_every_cell(corpus_store: Any, tmp_path_factory: pytest.TempPathFactory,
                                           fmt: str, year: int | None) -> None:
    s, expected = corpus_store
    where = [] if year is None else [f"year={year}"]
    rows = _long_rows(fmt, s, where, tmp_path_factory.mktemp(fmt))
    seen = _assert_long_exact(rows, _sha_by_id(s), expected, exact_types=fmt in ("csv", "json"))
    with_cells = {sha for sha, (c, _) in expected.items() if c}
    if year is None:
        assert seen == with_cells  # every report that has cells, every one of its cells
    else:
        assert seen and all(expected[sha][0] for sha in seen)


def test_wide_table_round_trips_every_value(corpus_store: Any, tmp_path: Path) -> None:
    s, expected = corpus_store
    with s.read() as conn:
        buf = io.StringIO()
        write_csv(wide_table(conn, current_only=False), buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert len(rows) == len(FILES)
    for r in rows:
        want, _ = expected[r["sha256"]]
        for path, v in want.items():
            assert _parse_number(r[path]) == v and type(_parse_number(r[path])) is type(v), path
        assert all(r[p] == "" for p in r if p.count(".") == 2 and p not in want and not p.startswith("findings."))


def test_xlsx_is_clean_two_sheets_frozen_chinese_numbers(corpus_store: Any, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    s, _ = corpus_store
    with s.read() as conn:
        counts = write_xlsx([wide_table(conn, where_clauses(["agency~巫峡"])),
                             long_table(conn, where_clauses(["agency~巫峡"]))], tmp_path / "x.xlsx")
    assert counts == {"wide": 1, "long": 200}
    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert book.sheetnames == ["宽表", "长表"]
    wide, long = book["宽表"], book["长表"]
    assert wide.freeze_panes == "C2" and long.freeze_panes == "C2"
    head = [c.value for c in wide[1]]
    assert head[:3] == ["报告编号", "单位", "报告所署单位名称"]
    col = head.index("（一）予以公开·总计") + 1
    assert wide.cell(2, col).value == 0 and wide.cell(2, col).data_type == "n"
    assert wide.cell(2, head.index("单位") + 1).value == "巫山县巫峡镇人民政府"
    assert [c.value for c in long[1]] == ["报告编号", "单位", "年度", "版本", "单元格路径", "单元格", "数值（整数）",
                                          "数值（小数，如收费金额）", "原文"]


def test_chinese_labels_are_unique_for_every_standard_cell() -> None:
    cols = cell_columns(standard_paths())
    assert len({c.zh for c in cols}) == len(cols) == len(standard_paths())
    assert len({c.zh for c in REPORT_COLUMNS}) == len(REPORT_COLUMNS)


REPORTS = {f: process_path(f).report for f in FILES}
SHA = [c.key for c in REPORT_COLUMNS].index("sha256")
FILTERS: list[tuple[list[str], Any]] = [
    (["year=2024"], lambda r: r.meta.year == 2024),
    (["agency~巫峡"], lambda r: "巫峡" in (r.meta.agency or "")),
    (["template=2021"], lambda r: r.meta.template == "2021"),
    (["template=2019", "year<2021"], lambda r: r.meta.template == "2019" and (r.meta.year or 9999) < 2021),
    (["年度>=2023", "has_errors=false"], lambda r: (r.meta.year or 0) >= 2023 and not r.errors),
    (["requests.new_received.total>=20"], lambda r: (r.value("requests.new_received.total") or 0) >= 20),
    (["review_litigation.review.upheld=10"], lambda r: r.value("review_litigation.review.upheld") == 10),
    (["rule=review_litigation.sum"], lambda r: any(f.rule == "review_litigation.sum" for f in r.findings)),
    (["agency=洪泽区人民政府"], lambda r: r.meta.agency == "洪泽区人民政府"),
    (["region="], lambda r: infer_in_report(r.meta.agency or "", r.meta.year,
                                            "\n".join(x.text for x in r.sections)).region is None),
]


@pytest.mark.parametrize(("where", "keep"), FILTERS, ids=[" & ".join(w) for w, _ in FILTERS])
def test_where_filters_choose_what_the_reports_say(corpus_store: Any, where: list[str], keep: Any) -> None:
    s, _ = corpus_store
    with s.read() as conn:
        got = sorted(r[SHA] for r in wide_table(conn, where_clauses(where), current_only=False).rows)
    want = sorted(r.source.sha256 for r in REPORTS.values() if keep(r))
    assert got == want and want


def test_where_filters_real_counts(corpus_store: Any) -> None:
    s, _ = corpus_store
    with s.read() as conn:
        def n(*w: str) -> int:
            return len(list(wide_table(conn, where_clauses(list(w)), current_only=False).rows))

        assert (n("year=2024"), n("agency~巫峡"), n("agency=洪泽区"), n("year=2023", "agency~洪泽")) == (6, 1, 1, 1)
        assert (n("year=2023"), n("template=2019"), n("has_errors=true")) == (3, 4, 14)


def test_has_errors_matches_the_findings(corpus_store: Any) -> None:
    s, _ = corpus_store
    with s.read() as conn:
        n = len(list(wide_table(conn, where_clauses(["has_errors=true"]), current_only=False).rows))
    assert n == sum(1 for f in FILES if process_path(f).report.errors)


def test_filters_are_values_never_sql(corpus_store: Any) -> None:
    s, _ = corpus_store
    evil = "agency~'; DROP TABLE reports; --"
    with s.read() as conn:
        assert list(wide_table(conn, where_clauses([evil])).rows) == []
        assert conn.execute(select(func.count()).select_from(reports)).scalar_one() == len(FILES)
    for bad, msg in [("colour=red", "字段“colour”不存在"), ("year=二〇二四", "需要一个数字"),
                     ("has_errors=maybe", "has_errors"), ("year", "无法识别"), ("requests.new_received.total~1", "~")]:
        with pytest.raises(StoreError, match=msg):
            where_clauses([bad])


def test_cli_export_writes_each_format(corpus_store: Any, tmp_path: Path) -> None:
    s, _ = corpus_store
    runner = CliRunner()
    db = s.url
    for fmt in ("csv", "json", "xlsx", "parquet"):
        if fmt == "parquet":
            pytest.importorskip("pyarrow")
        out = tmp_path / f"corpus.{fmt}"
        res = runner.invoke(app, ["export", "-f", fmt, "-o", str(out), "--db", db, "-w", "year=2023"])
        assert res.exit_code == 0, res.output
        if fmt == "xlsx":
            assert out.exists()
        else:
            assert all((tmp_path / f"corpus.{t}.{fmt}").exists() for t in ("wide", "long", "findings"))
    text = (tmp_path / "corpus.wide.csv").read_bytes()
    assert text.startswith("\ufeff".encode())  # BOM: Excel/WPS read the Chinese correctly
    res = runner.invoke(app, ["export", "-f", "csv", "-o", "-", "-t", "wide", "--db", db, "-w", "agency~洪泽"])
    assert res.exit_code == 0 and res.stdout.count("\n") == 2  # header + 洪泽区 2023
    res = runner.invoke(app, ["export", "-f", "docx", "-o", str(tmp_path / "x.docx"), "--db", db])
    assert res.exit_code == 2 and "不支持的导出格式" in res.output
    assert not list(tmp_path.glob("*.part"))


# ---------------------------------------------------------------- findings, types, spreadsheet safety
def _all_findings(s: Store) -> list[tuple[int, str, str, str, list[str]]]:
    from gongkai.store.schema import findings

    with s.read() as conn:
        return [tuple(r) for r in conn.execute(  # type: ignore[misc]
            select(findings.c.report_id, findings.c.rule, findings.c.severity, findings.c.message, findings.c.cells)
            .order_by(findings.c.report_id, findings.c.seq))]


def _read_back(fmt: str, table: Any, tmp: Path) -> list[dict[str, Any]]:
    tmp.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        buf = io.StringIO()
        write_csv(table, buf)
        return list(csv.DictReader(io.StringIO(buf.getvalue())))
    if fmt == "json":
        buf = io.StringIO()
        write_json(table, buf)
        return json.loads(buf.getvalue())  # type: ignore[no-any-return]
    if fmt == "parquet":
        import pyarrow.parquet as pq

        write_parquet(table, tmp / "t.parquet")
        return pq.read_table(tmp / "t.parquet").to_pylist()  # type: ignore[no-any-return]
    import openpyxl

    write_xlsx([table], tmp / "t.xlsx", labels="key")
    rows = openpyxl.load_workbook(tmp / "t.xlsx", read_only=True)[table.name].iter_rows(values_only=True)
    head = next(rows)
    return [dict(zip(head, r, strict=True)) for r in rows]


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "xlsx"])
def test_findings_table_is_complete_in_every_format(corpus_store: Any, tmp_path: Path, fmt: str) -> None:
    s, _ = corpus_store
    stored = _all_findings(s)
    assert len(stored) > 50  # the real corpus has plenty of findings
    with s.read() as conn:
        rows = _read_back(fmt, findings_table(conn, current_only=False), tmp_path)
    assert len(rows) == len(stored)
    for row, (rid, rule, severity, message, cells) in zip(rows, stored, strict=True):
        assert int(row["report_id"]) == rid and row["rule"] == rule and row["message"] == message
        assert row["severity"] == {"error": "错误", "warning": "警告", "info": "提示"}[severity]
        assert (row["cells"] or "") == "; ".join(cells)
        assert row["status"] == "未处理"
        assert len((row["values"] or "").split("; ")) == max(1, len(cells)) or not cells


def test_findings_table_values_and_marks(corpus_store: Any, tmp_path: Path) -> None:
    """A real error of the corpus shows the values of its cells; a person's mark shows as its status."""
    from datetime import UTC, datetime

    from gongkai.model import Finding
    from gongkai.store.schema import finding_marks

    s, _ = corpus_store
    stored = _all_findings(s)
    rid, rule, severity, message, cells = next(f for f in stored if f[2] == "error" and f[4])
    shas = _sha_by_id(s)
    key = Finding(rule=rule, severity=severity, message=message, cells=cells).key  # type: ignore[arg-type]
    with s.write() as conn:
        conn.execute(finding_marks.insert().values(sha256=shas[rid], finding_key=key, status="dismissed",
                                                   reason="表格原文如此", who="测试", at=datetime.now(UTC)))
    try:
        with s.read() as conn:
            rows = [r for r in findings_table(conn, current_only=False).rows if r[0] == rid and r[4] == rule]
            report = load_report_for(conn, rid)
        row = next(r for r in rows if r[9] == "; ".join(cells))
        assert row[12:] == ["误报", "表格原文如此"]
        want = "; ".join("空" if report.value(p) is None else str(report.value(p)) for p in cells)
        assert row[11] == want
    finally:
        with s.write() as conn:
            conn.execute(finding_marks.delete())


def load_report_for(conn: Any, rid: int) -> Any:
    from gongkai.store.query import load_report

    return load_report(conn, rid)


def test_wide_table_counts_findings_by_rule(corpus_store: Any) -> None:
    s, _ = corpus_store
    stored = _all_findings(s)
    with s.read() as conn:
        table = wide_table(conn, current_only=False)
        keys = [c.key for c in table.columns]
        rows = list(table.rows)
    rule_cols = {k: i for i, k in enumerate(keys) if k.startswith("findings.")}
    assert {k.removeprefix("findings.") for k in rule_cols} == {f[1] for f in stored}
    for row in rows:
        for k, i in rule_cols.items():
            assert row[i] == sum(1 for f in stored if f[0] == row[0] and f[1] == k.removeprefix("findings."))
    errors = keys.index("n_errors")
    for row in rows:
        assert row[errors] == sum(1 for f in stored if f[0] == row[0] and f[2] == "error")


def test_parquet_types_counts_integer_money_decimal(corpus_store: Any, tmp_path: Path) -> None:
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    s, expected = corpus_store
    with s.read() as conn:
        write_parquet(wide_table(conn, current_only=False), tmp_path / "w.parquet")
        write_parquet(long_table(conn, current_only=False), tmp_path / "l.parquet")
    wide = pq.read_table(tmp_path / "w.parquet")
    schema = wide.schema
    assert schema.field("requests.new_received.total").type == pa.int64()
    assert schema.field("n_errors").type == pa.int64() and schema.field("year").type == pa.int64()
    assert pa.types.is_decimal(schema.field("active.fees.amount").type)
    assert all(schema.field(n).type == pa.int64() for n in schema.names if n.startswith("findings."))
    assert schema.field("requests.new_received.total").metadata[b"label_zh"].decode() == "一、本年新收政府信息公开申请数量·总计"
    fees = {r["sha256"]: r["active.fees.amount"] for r in wide.to_pylist()}
    for sha, (want, _) in expected.items():
        if "active.fees.amount" in want and want["active.fees.amount"] is not None:
            got = fees[sha]
            assert isinstance(got, decimal.Decimal) and got == decimal.Decimal(str(want["active.fees.amount"]))
    long = pq.read_table(tmp_path / "l.parquet")
    assert long.schema.field("value").type == pa.int64()
    assert pa.types.is_decimal(long.schema.field("value_decimal").type)
    ints = [v for v in long.column("value").to_pylist() if v is not None]
    assert ints and all(type(v) is int for v in ints)


def test_csv_neutralises_formula_prefixes(tmp_path: Path) -> None:
    """Report text that starts like a formula is prefixed with a quote; numbers (even negative) are untouched."""
    from gongkai.export.tables import Column, Table

    evil = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "正常文字", "a=b"]
    table = Table("t", "表", [Column("text", "文字", "str"), Column("n", "数", "int")],
                  iter([[t, -5] for t in evil]))
    buf = io.StringIO()
    write_csv(table, buf)
    rows = list(csv.reader(io.StringIO(buf.getvalue())))[1:]
    assert [r[0] for r in rows] == ["'" + t for t in evil[:6]] + ["正常文字", "a=b"]
    assert all(r[1] == "-5" for r in rows)


def test_csv_export_of_a_file_named_like_a_formula(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end: a real report stored from a file named like a formula exports its name as text."""
    from tests.store_support import SEED_000

    monkeypatch.chdir(tmp_path)
    Path("=1+2.txt").write_bytes(SEED_000.read_bytes())
    s = open_store(tmp_path / "f.db")
    try:
        ingest(s, [Path("=1+2.txt")])
        with s.read() as conn:
            buf = io.StringIO()
            write_csv(wide_table(conn), buf)
        row = next(csv.DictReader(io.StringIO(buf.getvalue())))
        assert row["source_path"] == "'=1+2.txt" and row["agency"] == "巫山县巫峡镇人民政府"
    finally:
        s.close()


# ---------------------------------------------------------------- a generated corpus: many agencies, regions, levels
GENERATED = [  # (printed name, year, region code, level, parent)
    ("北京市海淀区人民政府", 2022, "110108", "县级", None),
    ("广东省人民政府", 2023, "440000", "省级", None),
    ("深圳市龙岗区教育局", 2024, "440307", "部门", "深圳市龙岗区人民政府"),
    ("长春市朝阳区人民政府", 2021, "220104", "县级", None),
    ("朝阳区人民政府", 2021, None, "县级", None),  # two 朝阳区: left ambiguous, candidates named
    ("杭州市财政局", 2024, "330100", "部门", "杭州市人民政府"),
    ("湖北省天门市拖市镇人民政府", 2020, "429006", "乡镇街道", None),
    ("城关镇人民政府", 2023, None, "乡镇街道", None),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    from tests.store_support import variant

    folder = tmp_path_factory.mktemp("generated")
    files = [variant(folder, f"g{i}.txt", year=year, agency=name) for i, (name, year, *_rest) in enumerate(GENERATED)]
    s = open_store(folder / "g.db")
    ingest(s, files)
    yield s
    s.close()


def test_generated_agencies_get_region_and_level(generated: Store) -> None:
    with generated.read() as conn:
        rows = list(wide_table(conn).rows)
    keys = [c.key for c in REPORT_COLUMNS]
    got = {r[keys.index("agency")]: r for r in rows}
    assert len(got) == len(GENERATED)
    for name, year, code, level, parent in GENERATED:
        r = got[name]
        assert (r[keys.index("year")], r[keys.index("region_code")], r[keys.index("level")],
                r[keys.index("parent")]) == (year, code, level, parent), name
    amb = got["朝阳区人民政府"]
    assert "110105 北京市朝阳区" in amb[keys.index("region_note")] and "220104" in amb[keys.index("region_note")]
    assert got["湖北省天门市拖市镇人民政府"][keys.index("region")] == "湖北省天门市"


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "xlsx"])
def test_generated_corpus_reads_back_in_each_format(generated: Store, tmp_path: Path, fmt: str) -> None:
    with generated.read() as conn:
        wide = _read_back(fmt, wide_table(conn), tmp_path)
        found = _read_back(fmt, findings_table(conn), tmp_path / "f" if fmt != "csv" else tmp_path)
    assert len(wide) == len(GENERATED)
    by_name = {r["agency"]: r for r in wide}
    codes = {name: code for name, _y, code, *_ in GENERATED}
    for name, row in by_name.items():
        assert (row["region_code"] or None) == codes[name]
        year = row["year"]
        assert (int(year) if fmt == "csv" else year) in {y for _n, y, *_ in GENERATED}
        if fmt in ("json", "parquet", "xlsx"):
            assert type(row["requests.new_received.total"]) is int and type(year) is int
    assert len(found) == len(_all_findings(generated))


def test_sections_table_joins_pdf_lines_and_keeps_the_raw_text(tmp_path: Path) -> None:
    from gongkai.export import sections_table
    from tests.store_support import CORPUS

    pdf = CORPUS / "pdf" / "002_huaian_hongze_district_2023.pdf"
    s = open_store(tmp_path / "s.db")
    try:
        ingest(s, [pdf])
        with s.read() as conn:
            rows = _read_back("csv", sections_table(conn), tmp_path)
    finally:
        s.close()
    report = process_path(pdf).report
    assert [int(r["no"]) for r in rows] == [x.no for x in report.sections]
    first = rows[0]
    assert first["raw_text"] == report.sections[0].text  # the evidence, line breaks and all
    assert first["text"].startswith("2023年，洪泽区人民政府坚持以习近平新时代中国特色社会主义思想为指导")
    assert first["text"].count("\n") < first["raw_text"].count("\n")


def test_filters_and_groups_by_inferred_region(generated: Store) -> None:
    from gongkai.analysis.stats import group_stats

    with generated.read() as conn:
        def names(*w: str) -> list[str]:
            keys = [c.key for c in REPORT_COLUMNS]
            return sorted(r[keys.index("agency")] for r in wide_table(conn, where_clauses(list(w))).rows)

        assert names("province=广东省") == ["广东省人民政府", "深圳市龙岗区教育局"]
        assert names("省=湖北省", "level=乡镇街道") == ["湖北省天门市拖市镇人民政府"]
        assert names("region_code=220104") == ["长春市朝阳区人民政府"]
        assert names("parent=杭州市人民政府") == ["杭州市财政局"]
        assert names("region_code=") == ["城关镇人民政府", "朝阳区人民政府"]  # no code: not guessed
        by_province = {g.key: g.reports for g in group_stats(conn, ["province"])}
    assert by_province == {("北京市",): 1, ("广东省",): 2, ("吉林省",): 1, ("浙江省",): 1, ("湖北省",): 1,
                           (None,): 2}
