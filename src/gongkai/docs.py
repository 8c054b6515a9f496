"""Documentation generated from the code: the rule registry and the CLI's own help.

`python -m gongkai.docs` rewrites docs/rules.md and docs/cli.md; a test fails when they are
out of date or when a rule or command lacks documentation.
"""

from __future__ import annotations

import sys
from pathlib import Path

_SEVERITY = {"error": "错误 error", "warning": "警告 warning", "info": "提示 info"}
_CATEGORY = {
    "extraction": "读取与提取 Extraction",
    "structure": "结构 Structure",
    "arithmetic": "勾稽关系 Arithmetic",
    "narrative": "正文与表格 Narrative vs tables",
    "dates": "日期 Dates",
    "cross_year": "跨年度 Cross-year",
}


def rules_markdown() -> str:
    from gongkai.check import all_rules

    lines = [
        "# 核查规则 Rules",
        "",
        "本页由 `python -m gongkai.docs` 根据规则注册表生成，请勿手工编辑。",
        "Generated from the rule registry by `python -m gongkai.docs`; do not edit by hand.",
        "",
    ]
    current = None
    for r in all_rules():
        if r.category != current:
            current = r.category
            lines += [f"## {_CATEGORY[current]}", ""]
        lines += [
            f"### `{r.id}`",
            "",
            f"- 级别 Severity：{_SEVERITY[r.severity]}",
            f"- 检查内容：{r.title}",
            f"- 修改建议：{r.advice}",
            "",
        ]
    return "\n".join(lines)


def command_names() -> list[str]:
    from gongkai.cli import command_names as names

    return sorted(names())


def command_help(name: str) -> str:
    import os

    from typer.testing import CliRunner

    from gongkai.cli import app

    os.environ["NO_COLOR"] = "1"
    result = CliRunner().invoke(app, [name, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})
    return "\n".join(line.rstrip() for line in result.output.strip().splitlines())


def commands_markdown() -> str:
    lines = [
        "# 命令 Commands",
        "",
        "本页由 `python -m gongkai.docs` 根据各命令的 `--help` 生成，请勿手工编辑。",
        "Generated from each command's `--help` by `python -m gongkai.docs`; do not edit by hand.",
        "",
    ]
    for name in command_names():
        lines += [f"## `gongkai {name}`", "", "```text", command_help(name), "```", ""]
    return "\n".join(lines)


def write(root: Path) -> None:
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "rules.md").write_text(rules_markdown(), encoding="utf-8")
    (root / "docs" / "cli.md").write_text(commands_markdown(), encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd())
