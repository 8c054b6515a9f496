"""`gongkai render`: a report (workbook, JSON, or any readable report) → the standard Word / HTML / PDF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from gongkai.model import Report

_SUFFIX = {"docx": ".docx", "html": ".html", "pdf": ".pdf"}


def _targets(inputs: list[Path], out: Path, fmt: str) -> list[Path]:
    if len(inputs) == 1 and out.suffix.lower() == _SUFFIX[fmt]:
        return [out]
    return [out / (p.stem + _SUFFIX[fmt]) for p in inputs]


def register(app: typer.Typer) -> None:
    @app.command("render")
    def render_cmd(
        inputs: Annotated[list[Path], typer.Argument(help="填报表（.xlsx）、报告 JSON，或任何可读取的报告文件")],
        out: Annotated[Path, typer.Option("--out", "-o", help="输出文件；输入多个文件时为输出文件夹")],
        format: Annotated[str, typer.Option("--format", "-f", help="输出格式：docx、html 或 pdf")] = "docx",
        force: Annotated[bool, typer.Option("--force", help="有错误也生成（文件属性中注明未通过核查）")] = False,
        suggest: Annotated[
            bool, typer.Option("--suggest", help="显示根据表格数字生成的建议文字（不写入报告）")
        ] = False,
    ) -> None:
        """按国家标准格式生成年报（Word / 网页 / PDF）：先核查，有错误时列出单元格和改法并停止（--force 仍生成）。

        输入可以是 gongkai template 生成并填好的填报表、报告 JSON，或任何 gongkai 能读取的报告
        （用于把格式不规范的报告重新排成标准格式）。2019 年格式的数据按 2019 年格式输出。
        PDF 需要安装 LibreOffice。退出码：有错误为 1，文件无法读取或环境缺失为 2，否则为 0。

        示例：gongkai render 2025年报填报表.xlsx --format docx --out 2025年报.docx
        """
        from rich.console import Console

        from gongkai.read import ReadError
        from gongkai.render import checked, load_report
        from gongkai.render.pdf import PdfUnavailable, docx_to_pdf

        fmt = format.lower()
        if fmt not in _SUFFIX:
            typer.echo(f"不支持的输出格式：{format}（可用 docx、html、pdf）", err=True)
            raise typer.Exit(2)
        if not inputs:
            typer.echo("请给出要生成的报告文件。", err=True)
            raise typer.Exit(2)
        targets = _targets(inputs, out, fmt)
        console = Console(stderr=True, highlight=False, soft_wrap=True)
        pending: list[tuple[Path, bytes]] = []
        code = 0
        for src, target in zip(inputs, targets, strict=True):
            try:
                report = checked(load_report(src))
            except ReadError as exc:
                console.print(f"[bold red]无法读取[/] {src}：{exc.message}")
                code = 2
                continue
            if report.errors or report.warnings:
                _print_findings(console, src, report)
            if report.errors:
                code = max(code, 1)
                if not force:
                    console.print(f"  未生成 {target.name}：请按上面的提示改正后重新生成（或加 --force 强制生成）。")
                    continue
            if suggest:
                _print_suggestions(report)
            pending.append((target, _render(report, fmt)))
        if fmt == "pdf" and pending:
            try:
                pdfs = docx_to_pdf([data for _, data in pending])
            except PdfUnavailable as exc:
                console.print(f"[bold red]{exc}[/]")
                raise typer.Exit(2) from None
            pending = [(t, pdf) for (t, _), pdf in zip(pending, pdfs, strict=True)]
        for target, data in pending:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
        if len(inputs) == 1 and pending:
            console.print(f"已生成 {pending[0][0]}")
        elif len(inputs) > 1:
            console.print(f"已生成 {len(pending)} 份（共 {len(inputs)} 份输入）到 {out}")
        raise typer.Exit(code)


def _render(report: Report, fmt: str) -> bytes:
    from gongkai.render import render_docx, render_html
    from gongkai.render.docx import check_status

    if fmt == "html":
        return render_html(report, status=check_status(report)).encode("utf-8")
    return render_docx(report)


def _print_findings(console: Console, src: Path, report: Report) -> None:
    """Errors (they stop rendering) and warnings: each with its cells (and workbook cells) and the fix."""
    from gongkai.check import RULES, all_rules
    from gongkai.render.workbook import workbook_cells
    from gongkai.standard import cell_label

    all_rules()
    places: dict[str, object] = {}
    if report.source.kind == "xlsx":
        places = dict(workbook_cells("2019" if report.meta.template == "2019" else "2021"))

    def name(path: str) -> str:
        return cell_label(path) + (f"（{places[path]}）" if path in places else "")

    console.print(f"[bold]{src}[/]：错误 {len(report.errors)} 个，警告 {len(report.warnings)} 个")
    for f in report.errors + report.warnings:
        tag = "[bold red][错误][/]" if f.severity == "error" else "[yellow][警告][/]"
        console.print(f"  {tag} {f.message}  [dim]({f.rule})[/]")
        if f.cells:
            more = f" 等{len(f.cells)}个" if len(f.cells) > 8 else ""
            console.print(f"      单元格：{'、'.join(name(c) for c in f.cells[:8])}{more}")
            if f.suspect:
                console.print(f"      最可能错的是：{name(f.suspect)}")
        if f.rule in RULES:
            console.print(f"      改法：{RULES[f.rule].advice}")


def _print_suggestions(report: Report) -> None:
    from gongkai.render.narrative import SUGGESTION_MARK, suggest
    from gongkai.render.values import CN_NUMERALS
    from gongkai.standard import SECTIONS

    lines = suggest(report)
    if not lines:
        return
    typer.echo(SUGGESTION_MARK)
    for no, text in lines.items():
        typer.echo(f"{CN_NUMERALS[no - 1]}、{SECTIONS[no - 1].title}：{text}")
