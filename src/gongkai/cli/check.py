"""`gongkai check`: check a batch as the office's round and print each unit's correction list."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from gongkai.cli.round_options import (
    BaselineOpt,
    DbOpt,
    JobsOpt,
    PathsArg,
    RosterOpt,
    YearOpt,
    run_checked,
)

if TYPE_CHECKING:
    from gongkai.round import Entry, Round

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_NAME = {"error": "错误", "warning": "警告", "info": "提示"}


def _summary_line(e: Entry) -> Text:
    m = e.report.meta
    line = Text()
    line.append(e.rel, style="bold")
    if e.error is not None:
        line.append(f"  无法读取：{e.error[1]}", style="bold red")
        return line
    line.append(f"  单位：{m.agency or '未识别'}  年度：{m.year or '未识别'}  格式：{m.template or '未识别'}  ")
    line.append(f"错误 {len(e.errors)}", style="bold red" if e.errors else "green")
    line.append("  ")
    line.append(f"警告 {len(e.warnings)}", style="yellow" if e.warnings else "green")
    if e.unit is not None and e.unit.name != m.agency:
        line.append(f"  名单单位：{e.unit.name}", style="dim")
    if e.recheck is not None:
        line.append(f"  复核：{e.recheck.label}", style="magenta")
    return line


def print_entry(console: Console, e: Entry, show_info: bool) -> None:
    from gongkai.notice.content import cell_ref

    console.print(_summary_line(e))
    for f in e.findings:
        if f.severity == "info" and not show_info:
            continue
        t = Text("  ")
        t.append(f"[{_NAME[f.severity]}]", style=_STYLE[f.severity])
        t.append(f" {f.message}")
        t.append(f"  ({f.rule})", style="dim")
        if e.recheck is not None:
            state = e.recheck.state(f.key)
            if state:
                t.append("  仍未整改" if state == "remaining" else "  新发现", style="magenta")
        console.print(t)
        if f.cells and f.severity != "info":
            refs = [cell_ref(e.report, c) for c in f.cells[:8] if c.count(".") == 2]
            cells = "、".join(f"{r.label}（{r.location}）" if r.location else r.label for r in refs)
            more = f" 等{len(f.cells)}个" if len(f.cells) > 8 else ""
            if cells:
                console.print(Text(f"      涉及单元格：{cells}{more}", style="dim"))
    if e.recheck is not None and e.recheck.fixed:
        for old in e.recheck.fixed:
            console.print(Text(f"  [已整改] {old.get('message', '')}", style="green"))


def print_round(console: Console, rnd: Round, show_info: bool) -> None:
    from gongkai.round import STATUS_LABELS

    for e in rnd.entries:
        print_entry(console, e, show_info)
    if rnd.skipped:
        console.print(Text(f"\n未作为报告核查的文件（{len(rnd.skipped)} 个）：", style="bold"))
        for s in rnd.skipped:
            console.print(Text(f"  {s.rel}：{s.reason}"))
    if rnd.roster is not None:
        console.print(Text("\n名单核对：", style="bold"))
        missing = rnd.missing
        console.print(Text(f"  缺报（{len(missing)} 个单位）：" + ("、".join(u.name for u in missing) or "无")))
        for r in rnd.duplicates:
            console.print(Text(f"  重复报送：{r.name}：" + "、".join(e.rel for e in r.entries), style="yellow"))
        for e in rnd.unmatched:
            console.print(Text(f"  未匹配名单的报告：{e.rel}（报告中的单位：{e.report.meta.agency or '未识别'}）"))
    others = rnd.other_years
    if others:
        console.print(Text(f"\n{rnd.year} 年度以外的报告（用于跨年度核查，不计入本轮）：", style="bold"))
        for e in others:
            console.print(Text(f"  {e.rel}（{e.year} 年度）"))
    n_err = sum(len(e.errors) for e in rnd.entries)
    unreadable = sum(1 for e in rnd.entries if e.error is not None)
    ok = sum(1 for e in rnd.entries if e.error is None and not e.errors)
    console.print(f"\n共 {len(rnd.entries)} 份报告：{ok} 份无错误，错误 {n_err} 条，无法读取 {unreadable} 份。")
    c = rnd.counts()
    year = f"{rnd.year} 年度" if rnd.year else "本轮"
    parts = [f"{STATUS_LABELS[s]} {c[s]}" for s in ("passed", "needs_fix", "unreadable", "missing")]
    console.print(
        f"{year}共 {c['units']} 个单位：" + "，".join(parts) + f"；未作为报告核查的文件 {c['skipped']} 个。"
    )


def exit_code(rnd: Round, explicit: set[str]) -> int:
    if any(e.error is not None for e in rnd.entries) or any(s.rel in explicit for s in rnd.skipped):
        return 2
    if any(e.errors for e in rnd.entries):
        return 1
    return 0


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check_cmd(
        paths: PathsArg,
        format: Annotated[str, typer.Option("--format", "-f", help="输出格式：text 或 json")] = "text",
        info: Annotated[bool, typer.Option("--info/--no-info", help="是否显示“提示”级别的发现")] = True,
        jobs: JobsOpt = None,
        roster: RosterOpt = None,
        baseline: BaselineOpt = None,
        db: DbOpt = None,
        year: YearOpt = None,
    ) -> None:
        """核查一批报告：逐份列出单位、年度、格式、错误与警告，以及每条发现涉及的单元格和位置。

        给出 --roster 时按名单核对：缺报、重复报送、未匹配名单的报告。同一批中有同一单位上一年度的报告
        （或 --db 数据库中有）时，做跨年度核查。--baseline 给出上一轮的结果时，逐条标明已整改、仍未整改和新发现。
        压缩包（.zip）按文件夹读取；不是报告的文件列出原因，不计入报告。

        退出码：有错误为 1，有文件无法读取为 2，否则为 0。

        示例：gongkai check 收到的报告/ --roster 名单.csv --format json > 第一轮.json
        """
        rnd, _ = run_checked(paths, roster, baseline, jobs, year, db, progress=format != "json")
        if format == "json":
            sys.stdout.write(rnd.to_json())
        else:
            print_round(Console(highlight=False, soft_wrap=True, markup=False), rnd, info)
        raise typer.Exit(exit_code(rnd, {str(p) for p in paths}))
