"""`gongkai ingest | compare | export | stats`: the store from the command line (thin over gongkai.store,
gongkai.analysis and gongkai.export)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from gongkai.analysis.charts import ChartError, chart_path, write_chart
from gongkai.analysis.compare import META_LABELS, Comparison, compare
from gongkai.analysis.rates import RATE_DEFS
from gongkai.analysis.stats import GROUPS, TOTALS, GroupStats, group_stats, metric_names
from gongkai.distributed.cli import DASK_HELP
from gongkai.export import (
    FORMATS,
    TABLES,
    ExportError,
    write_csv,
    write_json,
    write_parquet,
    write_xlsx,
)
from gongkai.export.tables import Table
from gongkai.model import Number, Report
from gongkai.pipeline import process_path
from gongkai.store import StoreError, open_store
from gongkai.store.agencies import load_aliases
from gongkai.store.filters import where_clauses
from gongkai.store.ingest import Outcome, ingest
from gongkai.store.query import load_report, report_id_for

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="数据库：SQLite 文件路径或 postgresql://… 地址；默认取环境变量 GONGKAI_DB，否则 ./gongkai.db"
    ),
]
WhereOption = Annotated[
    list[str] | None,
    typer.Option(
        "--where", "-w", help="筛选条件，可重复（全部满足）：year=2024、agency~巫峡、template=2021、has_errors=true"
    ),
]
_STATUS = {"stored": "入库", "version": "新版本", "format": "另一格式", "duplicate": "已存在", "unreadable": "无法读取",
           "failed": "失败"}


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(2)


@contextmanager
def _opened(db: str | None) -> Any:
    try:
        store = open_store(db)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    try:
        yield store
    except (StoreError, ExportError, ChartError) as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()


def _show(v: object) -> str:
    return "（无）" if v is None else str(v)


def _fmt(v: Number | None) -> str:
    if v is None:
        return "空"
    return str(v) if isinstance(v, int) else f"{v:g}"


# ---------------------------------------------------------------- ingest
def _ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="报告文件、文件夹（递归查找）或 .zip 压缩包", readable=False)],
    db: DbOption = None,
    aliases: Annotated[
        Path | None, typer.Option("--aliases", "-a", help="单位别名文件（CSV 或 JSON：名称,规范名称,地区,层级）")
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="并行提取的进程数（默认：全部 CPU 核心）", show_default=False)
    ] = 0,
    batch: Annotated[int, typer.Option("--batch", help="每个事务写入的报告数")] = 100,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="只输出汇总")] = False,
    dask: Annotated[str | None, typer.Option("--dask", envvar="GONGKAI_DASK", help=DASK_HELP)] = None,
) -> None:
    """把报告读取、提取、核查后存入数据库：内容相同的文件只存一次；同一报告的 PDF 与文字版等（单位、年度、单元格均相同）
    算同一次发布；同一单位同一年度单元格不同的更正版另存为新版本，并列出改动的单元格；现行版本为发布日期最晚者（而非最后入库者）；
    入库后与相邻年度做跨年度核查（上年结转、现行有效件数、大幅变化），后到的上一年度报告也会让下一年度的发现随之更新。

    退出码：有文件无法读取或写入失败为 2，否则为 0。

    示例：gongkai ingest reports/ --db corpus.db --aliases aliases.csv
    """
    try:
        alias_map = load_aliases(aliases) if aliases else None
    except StoreError as exc:
        raise _fail(str(exc)) from None
    console = Console(stderr=True, highlight=False, soft_wrap=True)

    def show(o: Outcome) -> None:
        if quiet or o.status == "stored":
            return
        style = {"version": "cyan", "format": "dim", "duplicate": "dim", "unreadable": "bold red",
                 "failed": "bold red"}[o.status]
        console.print(Text(f"[{_STATUS[o.status]}] {o.path} {o.message}".rstrip(), style=style))

    with _opened(db) as store:
        if dask:
            from gongkai.distributed.cli import ingest_on_cluster

            summary = ingest_on_cluster(store, paths, dask, alias_map, batch, show)
        else:
            summary = ingest(store, paths, alias_map, batch_size=batch, jobs=jobs, on_outcome=show)
        for notice in summary.notices:
            console.print(Text(f"[提示] {notice}", style="yellow"))
        console.print(Text(
            f"共 {summary.total} 个文件：新入库 {summary.stored} 份，新版本 {summary.new_versions} 份，"
            f"同一发布的另一格式 {summary.other_formats} 份，"
            f"已存在 {summary.duplicates} 份，无法读取 {summary.unreadable} 份，写入失败 {summary.failed} 份；"
            f"跨年度复核 {summary.rechecked} 份。数据库：{store.display_url}"
        ))
    raise typer.Exit(2 if summary.unreadable or summary.failed else 0)


# ---------------------------------------------------------------- compare
def _load_pair(files: list[Path], agency: str | None, years: tuple[int, int] | None,
               versions: tuple[int, int] | None, db: str | None) -> tuple[Report, Report, str, str]:
    if agency is None:
        if len(files) != 2:
            raise _fail("请给出两个报告文件，或用 --agency 与 --years 从数据库中选取。")
        out = []
        for f in files:
            res = process_path(f)
            if not res.readable:
                raise _fail(f"无法读取 {f}：{res.error.message if res.error else ''}")
            out.append(res.report)
        return out[0], out[1], files[0].name, files[1].name
    if files or years is None:
        raise _fail("用 --agency 时须给出 --years 年度A 年度B（不再给文件）。")
    with _opened(db) as store, store.read() as conn:
        va, vb = versions if versions else (None, None)
        ids = [report_id_for(conn, agency, years[0], va), report_id_for(conn, agency, years[1], vb)]
        a, b = (load_report(conn, i) for i in ids)
    names = [f"{y}年度" + (f"第{v}版" if v else "") for y, v in zip(years, (va, vb), strict=True)]
    return a, b, names[0], names[1]


def _print_comparison(c: Comparison) -> None:
    console = Console(highlight=False, soft_wrap=True)
    console.print(Text(f"比较：A = {c.a_name}    B = {c.b_name}", style="bold"))
    for field, a, b in c.meta:
        console.print(Text(f"  {META_LABELS.get(field, field)}：A {_show(a)}，B {_show(b)}"))
    rates = RichTable(title=Text("常用比率"))
    for col in ("指标", "A", "B", "说明"):
        rates.add_column(Text(col))
    for ra, rb in c.rates:
        notes = "；".join(x for x in (ra.note and f"A：{ra.note}", rb.note and f"B：{rb.note}") if x)
        rates.add_row(*(Text(x) for x in (ra.label, ra.percent(), rb.percent(), notes)))
    console.print(rates)
    if c.cells:
        cells = RichTable(title=Text(f"数值不同的单元格（{len(c.cells)} 个，相同 {c.same_cells} 个）"))
        for col in ("单元格", "A", "B", "B−A"):
            cells.add_column(Text(col))
        for d in c.cells:
            a = _fmt(d.a) if d.a_present else "（无此项）"
            b = _fmt(d.b) if d.b_present else "（无此项）"
            cells.add_row(*(Text(x) for x in (d.label, a, b, "" if d.delta is None else _fmt(d.delta))))
        console.print(cells)
    else:
        console.print(Text(f"全部 {c.same_cells} 个单元格数值相同。"))
    if c.layout_only:
        nos = "、".join(f"第{n}部分" for n in c.layout_only)
        console.print(Text(f"{nos}的文字只有空格或换行不同（如 PDF 与文字版），未列出。", style="dim"))
    for s in c.sections:
        console.print(Text(f"\n第{s.no}部分 {s.title} 的文字有改动：", style="bold"))
        for line in s.diff.splitlines():
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim"
            console.print(Text(line, style=style))


def _compare_cmd(
    files: Annotated[list[Path] | None, typer.Argument(help="两个报告文件（A 在前，B 在后）")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="从数据库中选取：单位名称")] = None,
    years: Annotated[tuple[int, int] | None, typer.Option("--years", help="两个年度：A B")] = None,
    versions: Annotated[
        tuple[int, int] | None, typer.Option("--versions", help="两个版本号（默认各取现行版本）")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="输出格式：text 或 json")] = "text",
    db: DbOption = None,
) -> None:
    """逐个单元格比较两份报告，给出常用比率（实质公开率、复议纠错率、诉讼纠错率、不予公开占比）和正文改动（每部分一段统一差异）。

    示例：gongkai compare --agency 巫峡镇 --years 2023 2024
    """
    a, b, an, bn = _load_pair(list(files or []), agency, years, versions, db)
    c = compare(a, b, an, bn)
    if format == "json":
        sys.stdout.write(json.dumps(c.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif format == "text":
        _print_comparison(c)
    else:
        raise _fail(f"不支持的输出格式：{format}（可用 text、json）")


# ---------------------------------------------------------------- export
def _write_one(table: Table, fmt: str, out: Path | None, labels: str) -> int:
    if out is None:
        return write_csv(table, sys.stdout, labels) if fmt == "csv" else write_json(table, sys.stdout, labels)
    tmp = out.with_name(out.name + ".part")
    try:
        if fmt == "parquet":
            n = write_parquet(table, tmp, labels)
        else:
            with open(tmp, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as fh:
                stream: IO[str] = fh
                n = write_csv(table, stream, labels) if fmt == "csv" else write_json(table, stream, labels)
        tmp.replace(out)  # never leave a half-written file under the real name
    finally:
        if tmp.exists():
            tmp.unlink()
    return n


def _export_cmd(
    format: Annotated[str, typer.Option("--format", "-f", help="csv、xlsx、parquet 或 json")],
    out: Annotated[str, typer.Option("--out", "-o", help="输出文件；csv/json 只导出一张表时可用 - 表示标准输出")],
    table: Annotated[
        str, typer.Option("--table", "-t", help="wide（每份报告一行）、long（每个单元格一行）、"
                                               "findings（每条发现一行）、sections（每部分正文一行）、both（宽表与长表）"
                                               "或 all（宽表、长表、发现表）")
    ] = "all",
    labels: Annotated[
        str | None, typer.Option("--labels", help="表头：key（英文路径）或 zh（中文）；xlsx 默认 zh，其余默认 key")
    ] = None,
    where: WhereOption = None,
    all_versions: Annotated[bool, typer.Option("--all-versions", help="包括被更正版取代的旧版本")] = False,
    db: DbOption = None,
) -> None:
    """导出数据库中的报告：宽表（每份报告一行：报告信息、各规则的发现数、每个单元格一列）、长表（报告、单元格路径、数值、原文）
    与发现表（报告、规则、级别、说明、涉及的单元格及其数值、处理状态）；--table sections 另导出正文表（每部分一行：
    合并换行后的段落与提取所得的原文）。
    xlsx 为一个文件多个工作表；csv/json/parquet 导出多张表时写成 <名>.wide.<扩展名>、<名>.long.<扩展名>、
    <名>.findings.<扩展名>。
    CSV 中以 = + - @ 开头的文字前加单引号，防止表格软件当作公式执行。

    示例：gongkai export --format xlsx --out 2024.xlsx --where year=2024 --where agency~镇
    """
    if format not in FORMATS:
        raise _fail(f"不支持的导出格式：{format}（可用 {'、'.join(FORMATS)}）")
    groups = {"both": ["wide", "long"], "all": ["wide", "long", "findings"]}
    if table not in TABLES and table not in groups:
        raise _fail(f"--table 只能是 wide、long、findings、sections、both 或 all，而不是 {table}")
    kinds = groups.get(table, [table])
    labels = labels or ("zh" if format == "xlsx" else "key")
    if labels not in ("key", "zh"):
        raise _fail(f"--labels 只能是 key 或 zh，而不是 {labels}")
    if out == "-" and (format not in ("csv", "json") or len(kinds) > 1):
        raise _fail("只有 csv/json 且只导出一张表（--table wide、long、findings 或 sections）时才能输出到标准输出。")
    if format == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise _fail("导出 Parquet 需要 pyarrow：请安装 pip install 'gongkai[parquet]'") from None
    target = None if out == "-" else Path(out)
    if target is not None and not target.parent.is_dir():
        raise _fail(f"输出文件夹不存在：{target.parent}")
    with _opened(db) as store, store.read() as conn:
        conds = where_clauses(where)
        build = TABLES
        written: list[str] = []
        if format == "xlsx":
            assert target is not None
            tmp = target.with_name(target.name + ".part")
            try:
                counts = write_xlsx([build[k](conn, conds, not all_versions) for k in kinds], tmp, labels)
                tmp.replace(target)  # never leave a half-written workbook under the real name
            finally:
                tmp.unlink(missing_ok=True)
            written = [f"{target}（{'、'.join(f'{k} {n} 行' for k, n in counts.items())}）"]
        else:
            for k in kinds:
                dest = target
                if target is not None and len(kinds) > 1:
                    dest = target.with_name(f"{target.stem}.{k}{target.suffix or '.' + format}")
                n = _write_one(build[k](conn, conds, not all_versions), format, dest, labels)
                written.append(f"{dest or '标准输出'}（{k} {n} 行）")
    typer.echo("已导出：" + "；".join(written), err=True)


# ---------------------------------------------------------------- stats
def _print_stats(stats: list[GroupStats], groups_by: list[str], include_inconsistent: bool) -> None:
    """Three narrow tables (requests, review/litigation, rates) so each fits a terminal, then the reports
    each figure leaves out. Report text is never read as markup (Text objects throughout)."""
    console = Console(highlight=False)
    n = sum(g.reports for g in stats)
    names = metric_names()
    parts = [
        (f"申请办理合计（共 {n} 份现行版本报告；括号内为计入的报告数）", [k for k, _, _ in TOTALS[:5]]),
        ("行政复议、行政诉讼合计（括号内为计入的报告数）", [k for k, _, _ in TOTALS[5:]]),
        ("比率（合并计算；括号内为计入的报告数）", [d.key for d in RATE_DEFS]),
    ]
    for title, keys in parts:
        t = RichTable(title=Text(title))
        for b in groups_by:
            t.add_column(Text(GROUPS[b][0]))
        if keys[0] == TOTALS[0][0]:
            t.add_column(Text("报告数"), justify="right")
        for k in keys:
            t.add_column(Text(names[k]), justify="right")
        for g in stats:
            cols = [Text("（未知）" if k is None else str(k)) for k in g.key]
            if keys[0] == TOTALS[0][0]:
                cols.append(Text(str(g.reports)))
            rates = {r.key: r for r in g.rates}
            for k in keys:
                value = rates[k].percent() if k in rates else _fmt(g.totals[k]) if k in g.totals else "—"
                cols.append(Text(f"{value}（{g.used.get(k, 0)}）"))
            t.add_row(*cols)
        console.print(t)
    left_out = [(g, k, e) for g in stats for k, items in g.excluded.items() for e in items]
    if not left_out:
        console.print(Text("全部报告计入全部指标。"))
        return
    policy = "（已按 --include-inconsistent 计入自相矛盾的报告，分子大于分母者除外）" if include_inconsistent else \
        "（自相矛盾的报告不计入；可用 --include-inconsistent 计入）"
    console.print(Text(f"\n未计入的报告{policy}：", style="bold"))
    reason = {"missing": "缺数", "inconsistent": "不一致"}
    by_report: dict[tuple[str, str, str], tuple[list[str], list[str]]] = {}
    for g, k, e in left_out:
        figures, details = by_report.setdefault((g.label if groups_by else "", e.label, e.reason), ([], []))
        figures.append(names[k])
        if e.detail not in details:
            details.append(e.detail)
    for (group, label, why), (figures, details) in by_report.items():
        head = f"  [{group}] " if group else "  "
        console.print(Text(f"{head}{label}，{reason[why]}，未计入：{'、'.join(figures)}"), soft_wrap=True)
        for d in details[:3]:
            console.print(Text(f"      {d}", style="dim"), soft_wrap=True)


def _stats_cmd(
    by: Annotated[
        list[str] | None, typer.Option("--by", "-b", help="分组：year、region、province、city、level、template，可重复")
    ] = None,
    where: WhereOption = None,
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="另存图表：.svg（默认；文字可选可搜索）或 .png（需中文字体，如 fonts-noto-cjk）"),
    ] = None,
    metric: Annotated[
        str, typer.Option("--metric", "-m", help="图表指标，如 new_received、disclosure_rate")
    ] = "new_received",
    format: Annotated[str, typer.Option("--format", "-f", help="输出格式：text 或 json")] = "text",
    include_inconsistent: Annotated[
        bool, typer.Option("--include-inconsistent", help="计入所需单元格有错误发现（自相矛盾）的报告")
    ] = False,
    db: DbOption = None,
) -> None:
    """按年度、地区、层级或格式分组统计现行版本报告：报告数、主要数量合计与合并计算的比率，可另存为图表（默认 SVG）。
    每个合计与比率都注明计入的报告数；所需单元格为空的报告、所需单元格自相矛盾（有错误发现，或分子大于分母）的报告不计入，
    并逐一列出。

    示例：gongkai stats --by year --by level --chart 年度.svg --metric disclosure_rate
    """
    groups_by = list(by or ["year"])
    with _opened(db) as store:
        with store.read() as conn:
            stats = group_stats(conn, groups_by, where_clauses(where), include_inconsistent)
        warning = write_chart(stats, metric, chart) if chart else None
    if format == "json":
        data = [{"group": dict(zip(groups_by, g.key, strict=True)), "reports": g.reports, "totals": g.totals,
                 "rates": {r.key: r.value for r in g.rates}, "covered": g.used,
                 "excluded": {k: [asdict(e) for e in items] for k, items in g.excluded.items()}} for g in stats]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_stats(stats, groups_by, include_inconsistent)
    if chart:
        typer.echo(f"图表已写出：{chart_path(chart)}", err=True)
    if warning:
        typer.echo(warning, err=True)


# ---------------------------------------------------------------- metadata (datasette)
def _metadata_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件（datasette 的 metadata.json）")] = Path(
        "metadata.json"),
    db: DbOption = None,
) -> None:
    """写出 datasette 可读的 metadata.json：各视图与表的说明、每一列的中文名称。
    数据库中已有视图 report_overview（每份报告一行）、cells_long（每个单元格一行）、cells_wide_2021 / cells_wide_2019
    （每种格式每份报告一行、每个单元格一列）与 findings_overview（每条发现一行，含人工标记），sqlite3、DuckDB、datasette
    均可直接查询；单元格路径的中文名称在表 cell_labels 中。

    示例：gongkai metadata --db corpus.db -o metadata.json && datasette corpus.db -m metadata.json
    """
    from gongkai.store.views import datasette_metadata

    with _opened(db) as store:
        name = Path(store.engine.url.database or "gongkai").stem
    out.write_text(json.dumps(datasette_metadata(name), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    typer.echo(f"已写出：{out}", err=True)


def register(app: typer.Typer) -> None:
    app.command("ingest")(_ingest_cmd)
    app.command("compare")(_compare_cmd)
    app.command("export")(_export_cmd)
    app.command("stats")(_stats_cmd)
    app.command("metadata")(_metadata_cmd)


__all__ = ["register"]
