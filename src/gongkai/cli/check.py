"""`gongkai check`: check reports and print each unit's correction list."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from gongkai.pipeline import Result, display_path, expand_paths, process_many
from gongkai.standard import cell_label

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_NAME = {"error": "错误", "warning": "警告", "info": "提示"}


def _summary_line(res: Result) -> Text:
    r = res.report
    m = r.meta
    line = Text()
    line.append(res.name, style="bold")
    if res.error is not None:
        line.append(f"  无法读取：{res.error.message}", style="bold red")
        return line
    line.append(
        f"  单位：{m.agency or '未识别'}  年度：{m.year or '未识别'}  格式：{m.template or '未识别'}  "
    )
    line.append(f"错误 {len(r.errors)}", style="bold red" if r.errors else "green")
    line.append("  ")
    line.append(f"警告 {len(r.warnings)}", style="yellow" if r.warnings else "green")
    return line


def print_result(console: Console, res: Result, show_info: bool) -> None:
    console.print(_summary_line(res))
    for f in res.report.findings:
        if f.severity == "info" and not show_info:
            continue
        t = Text("  ")
        t.append(f"[{_NAME[f.severity]}]", style=_STYLE[f.severity])
        t.append(f" {f.message}")
        t.append(f"  ({f.rule})", style="dim")
        console.print(t)
        if f.cells and f.severity != "info":
            cells = "、".join(cell_label(c) for c in f.cells[:8])
            more = f" 等{len(f.cells)}个" if len(f.cells) > 8 else ""
            console.print(Text(f"      涉及单元格：{cells}{more}", style="dim"))


def exit_code(results: list[Result]) -> int:
    if any(not r.readable for r in results):
        return 2
    if any(r.report.errors for r in results):
        return 1
    return 0


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check_cmd(
        paths: Annotated[list[Path], typer.Argument(help="报告文件或文件夹（递归查找）", readable=False)],
        format: Annotated[str, typer.Option("--format", "-f", help="输出格式：text 或 json")] = "text",
        info: Annotated[bool, typer.Option("--info/--no-info", help="是否显示“提示”级别的发现")] = True,
        jobs: Annotated[
            int, typer.Option("--jobs", "-j", help="并行进程数（默认：全部 CPU 核心）", show_default=False)
        ] = 0,
    ) -> None:
        """核查报告：逐份列出单位、年度、格式、错误与警告，以及每条发现涉及的单元格。

        退出码：有错误为 1，有文件无法读取为 2，否则为 0。

        示例：gongkai check examples/
        """
        files = expand_paths(paths)
        if not files:
            typer.echo("没有找到可核查的报告文件。", err=True)
            raise typer.Exit(2)
        console = Console(stderr=False, highlight=False, soft_wrap=True)
        results: list[Result] = []
        if format == "json":
            for res in process_many(files, jobs):
                results.append(res)
            payload = [
                {
                    "file": display_path(r.path),
                    "readable": r.readable,
                    "error": None if r.error is None else {"code": r.error.code, "message": r.error.message},
                    "meta": r.report.meta.model_dump(),
                    "valid": r.report.valid,
                    "findings": [f.model_dump() for f in r.report.findings],
                }
                for r in results
            ]
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        else:
            progress = Progress(
                TextColumn("核查中"), BarColumn(), MofNCompleteColumn(), console=Console(stderr=True), transient=True
            )
            with progress:
                task = progress.add_task("check", total=len(files))
                for res in process_many(files, jobs):
                    results.append(res)
                    progress.advance(task)
            for res in results:
                print_result(console, res, info)
            n_err = sum(len(r.report.errors) for r in results)
            unreadable = sum(1 for r in results if not r.readable)
            console.print(
                f"\n共 {len(results)} 份报告：{sum(1 for r in results if r.report.valid and r.readable)} 份无错误，"
                f"错误 {n_err} 条，无法读取 {unreadable} 份。"
            )
        raise typer.Exit(exit_code(results))
