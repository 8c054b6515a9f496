"""Docs are generated from the code and must be current; every rule and command is documented."""

from __future__ import annotations

from pathlib import Path

from gongkai.check import all_rules
from gongkai.docs import command_help, command_names, commands_markdown, rules_markdown

ROOT = Path(__file__).parents[1]


def test_rules_doc_is_current() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `python -m gongkai.docs`"
    )


def test_cli_doc_is_current() -> None:
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == commands_markdown(), (
        "docs/cli.md is stale: run `python -m gongkai.docs`"
    )


def test_every_rule_is_documented() -> None:
    for r in all_rules():
        assert r.title and r.advice, r.id
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.title + r.advice), r.id
        assert f"### `{r.id}`" in rules_markdown()


def test_every_command_has_help_with_an_example() -> None:
    names = command_names()
    assert {"check", "extract", "rules"} <= set(names)
    for name in names:
        assert "示例" in command_help(name), f"gongkai {name} --help has no 示例"


def test_changelog_and_readme_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.lstrip().startswith("# gongkai")
    assert (ROOT / "CHANGELOG.md").exists()
