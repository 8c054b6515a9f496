"""`gongkai template`: the fill-in workbook (填报表) for next year's report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("template")
    def template_cmd(
        out: Annotated[Path, typer.Option("--out", "-o", help="输出的填报表（.xlsx）")],
        previous: Annotated[
            Path | None, typer.Option("--from", help="上一年度的报告（任何可读取的格式或 JSON），用来预填")
        ] = None,
        version: Annotated[str, typer.Option("--version", help="表格格式：2021（现行）或 2019（试行）")] = "2021",
    ) -> None:
        """生成年报填报表（Excel）：三张统计表按标准格式排好，只需在黄色格子填数字，合计自动计算，勾稽关系不平衡时标红。

        加 --from 上一年度报告：“上年结转”自动填入上年的“结转下年度继续办理”，
        并在“现行有效件数”旁显示上年的数字以便核对；单位名称与年度也一并预填。
        填好后用 gongkai render 生成 Word / PDF 报告。

        示例：gongkai template --out 2025年报填报表.xlsx --from 2024年报.docx
        """
        from gongkai.read import ReadError
        from gongkai.render import build_workbook, load_report, template_values

        if version not in ("2021", "2019"):
            typer.echo(f"不支持的格式版本：{version}（可用 2021、2019）", err=True)
            raise typer.Exit(2)
        last = None
        if previous is not None:
            try:
                last = load_report(previous)
            except ReadError as exc:
                typer.echo(f"无法读取上一年度报告 {previous}：{exc.message}", err=True)
                raise typer.Exit(2) from None
            forward = (last.requests or {}).get("carried_forward")
            if not forward:
                typer.echo("提示：上一年度报告中没有读到“结转下年度继续办理”，上年结转需要手工填写。", err=True)
        data = build_workbook(version, template_values(last), last)  # type: ignore[arg-type]
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(out)
        typer.echo(f"已生成填报表 {out}", err=True)
