"""The `gongkai` command: a thin layer over the library.

Commands are declared in `COMMANDS` (name → module under `gongkai.cli`) and imported only when
invoked, so `gongkai check` never pays for the store, exports or the web server. Each module
exposes `register(app)` that adds its commands to a Typer app.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from typing import Any

import typer
from typer.core import TyperGroup

# name → module in gongkai.cli that registers it. Optional modules may be absent from a build.
COMMANDS: dict[str, str] = {
    "check": "check",
    "extract": "extract",
    "rules": "rules",
    "debug": "debug",
    "ingest": "store",
    "compare": "store",
    "export": "store",
    "stats": "store",
    "metadata": "store",
    "render": "render",
    "template": "template",
    "notice": "notice",
    "serve": "serve",
}


def _load(module_name: str) -> dict[str, Any]:
    """Import one command module and return its click commands by name."""
    module = importlib.import_module(f"gongkai.cli.{module_name}")
    sub = typer.Typer(add_completion=False, rich_markup_mode="rich")
    module.register(sub)

    @sub.callback()
    def _group() -> None:  # forces a group even when the module adds one command
        pass

    group = typer.main.get_group(sub)
    return dict(group.commands)


class LazyGroup(TyperGroup):
    """A click group that imports a command's module the first time the command is asked for."""

    _cache: dict[str, Any] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self._cache:
            try:
                self._cache.update(_load(COMMANDS[cmd_name]))
            except ModuleNotFoundError as exc:
                if exc.name == f"gongkai.cli.{COMMANDS[cmd_name]}":
                    return None
                raise
        return self._cache.get(cmd_name)


app = typer.Typer(
    name="gongkai",
    help="政府信息公开工作年度报告的读取、提取与核查工具。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    cls=LazyGroup,
)


@app.callback()
def _root() -> None:
    """政府信息公开工作年度报告的读取、提取与核查工具。"""


def command_names() -> list[str]:
    """Every command that this build provides."""
    group: Any = typer.main.get_group(app)
    return [n for n in group.list_commands(None) if group.get_command(None, n) is not None]


def main(argv: Any = None) -> None:
    """Run the command; whatever goes wrong, the user gets a Chinese message and exit code 2,
    never a traceback (``GONGKAI_DEBUG=1`` shows it)."""
    try:
        app(args=argv)
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - the last guard between a user and a traceback
        code = _fail(exc)
        if code is None:
            raise
        sys.exit(code)


def _fail(exc: BaseException) -> int | None:
    """Report an exception that escaped a command; the exit code, or None to let it through."""
    if isinstance(exc, KeyboardInterrupt):
        print("\n已中断。", file=sys.stderr)
        return 130
    if os.environ.get("GONGKAI_DEBUG") == "1":
        traceback.print_exception(exc)
    print(f"出错了：{describe_error(exc)}", file=sys.stderr)
    if os.environ.get("GONGKAI_DEBUG") != "1":
        print("（设置环境变量 GONGKAI_DEBUG=1 可显示技术细节，便于报告问题）", file=sys.stderr)
    return 2


def describe_error(exc: BaseException) -> str:
    """A Chinese sentence for an unexpected failure, naming the common environment causes."""
    import errno

    if isinstance(exc, MemoryError):
        return "内存不足，无法继续；请减少并行进程数（--jobs）或分批处理"
    if isinstance(exc, OSError):
        where = f"（{exc.filename}）" if exc.filename else ""
        if exc.errno == errno.ENOSPC:
            return f"磁盘空间已满{where}；请清理空间后重试"
        if exc.errno in (errno.EACCES, errno.EPERM):
            return f"没有权限{where}：{exc.strerror}"
        if exc.errno == errno.EROFS:
            return f"位置只读，无法写入{where}"
        return f"系统错误{where}：{exc.strerror or exc}"
    if isinstance(exc, UnicodeError):
        return f"文字编码错误：{exc}"
    name = type(exc).__name__
    if name == "StoreError":
        return str(exc)
    return f"程序内部错误（{name}: {str(exc)[:300]}）"
