"""`gongkai debug`: show how a file was read (boxes over a PDF page, or the blocks as a table)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gongkai.read import Paragraph, ReadError, read_path


def _print_blocks(path: Path) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable

    doc = read_path(path)
    table = RichTable(title=f"{path.name}（{doc.kind}）", show_lines=False)
    for name in ("块", "类型", "行", "列", "文字", "来源"):
        table.add_column(name)
    for k, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            table.add_row(str(k), "段落", "", "", block.text, str(block.origin.as_dict()))
            continue
        for row in block.rows:
            for cell in row:
                o = cell.origin
                conf = "" if cell.confidence is None else f" (置信度 {cell.confidence:.2f})"
                table.add_row(str(k), "表格", str(o.row), str(o.col), cell.text + conf, str(o.as_dict()))
    console = Console()
    console.print(table)
    for note in doc.notes:
        console.print(f"[yellow]读取说明：{note}[/yellow]")


def register(app: typer.Typer) -> None:
    @app.command("debug")
    def debug_cmd(
        file: Annotated[Path, typer.Argument(help="要查看的报告文件", exists=True, dir_okay=False)],
        page: Annotated[int, typer.Option("--page", "-p", help="PDF 或图片的页码（从 1 开始）")] = 1,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="输出的 PNG 图片路径")] = None,
    ) -> None:
        """查看读取结果：PDF/图片画出第 N 页找到的每个单元格框和文字；其他格式以表格列出所有段落和单元格。

        示例：gongkai debug report.pdf --page 3 -o p3.png
        """
        try:
            if file.suffix.lower() in (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"):
                from gongkai.read.debug import draw_page

                target = out or file.with_name(f"{file.stem}.p{page}.png")
                draw_page(file, page, target)
                typer.echo(f"已画出第{page}页的单元格框：{target}")
            else:
                _print_blocks(file)
        except ReadError as exc:
            typer.echo(f"无法读取 {file}：{exc.message}", err=True)
            raise typer.Exit(2) from exc
