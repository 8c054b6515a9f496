"""The `gongkai` command: a thin layer over the library. Each module adds its commands."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="gongkai",
    help="政府信息公开工作年度报告的读取、提取与核查工具。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

# Each module exposes register(app). Optional ones (debug, store) may be absent from a build.
COMMAND_MODULES = ("check", "extract", "rules", "debug", "store")


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"gongkai.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"gongkai.cli.{name}":
                continue
            raise
        module.register(app)


_register()


def main() -> None:
    app()
