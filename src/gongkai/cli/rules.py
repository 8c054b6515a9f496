"""`gongkai rules`: list every rule from the registry."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gongkai.check import all_rules

_NAME = {"error": "错误", "warning": "警告", "info": "提示"}


def register(app: typer.Typer) -> None:
    @app.command("rules")
    def rules_cmd(
        format: Annotated[str, typer.Option("--format", "-f", help="输出格式：text、json 或 markdown")] = "text",
    ) -> None:
        """列出全部核查规则：编号、级别、检查内容、修改建议。

        示例：gongkai rules --format markdown
        """
        rules = all_rules()
        if format == "json":
            data = [
                {"id": r.id, "severity": r.severity, "category": r.category, "title": r.title, "advice": r.advice}
                for r in rules
            ]
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            return
        if format == "markdown":
            from gongkai.docs import rules_markdown

            sys.stdout.write(rules_markdown())
            return
        table = Table(title=f"核查规则（共 {len(rules)} 条）", show_lines=True)
        for col in ("编号", "级别", "检查内容", "修改建议"):
            table.add_column(col)
        for r in rules:
            table.add_row(r.id, _NAME[r.severity], r.title, r.advice)
        Console().print(table)
