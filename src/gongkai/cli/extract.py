"""`gongkai extract`: write one JSON per input following the report schema."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from gongkai.distributed.cli import DASK_HELP
from gongkai.pipeline import display_path, expand_paths, process_many


def write_atomic(target: Path, text: str) -> None:
    """Write `text` to `target` whole or not at all: a temporary file in the same folder,
    then renamed over the target; on any failure the temporary file is removed."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:60]}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_error(exc: OSError, out: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间已满，无法写入输出文件夹 {display_path(out)}；请清理空间后重试"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有写入输出文件夹 {display_path(out)} 的权限（或该位置只读）"
    return f"无法写入输出文件夹 {display_path(out)}：{exc.strerror or exc}"


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract_cmd(
        paths: Annotated[list[Path], typer.Argument(help="报告文件或文件夹（递归查找）", readable=False)],
        out: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹：每份报告写成 <文件名>.json")],
        jobs: Annotated[
            int, typer.Option("--jobs", "-j", help="并行进程数（默认：全部 CPU 核心）", show_default=False)
        ] = 0,
        dask: Annotated[str | None, typer.Option("--dask", envvar="GONGKAI_DASK", help=DASK_HELP)] = None,
    ) -> None:
        """提取报告为 JSON（含全部发现），写到 OUT/<输入文件名>.json；相同输入得到逐字节相同的输出。

        每个文件都在处理限制之下（大小、页数、时间等，见 GONGKAI_LIMIT_* 环境变量）；
        磁盘写满或输出文件夹不可写时给出提示并以退出码 2 结束，不留下半个文件。

        示例：gongkai extract examples/ --out out/
        """
        if dask:
            from gongkai.distributed.cli import extract_on_cluster

            raise typer.Exit(extract_on_cluster(paths, out, dask))
        files = expand_paths(paths)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            typer.echo(_write_error(exc, out), err=True)
            raise typer.Exit(2) from None
        unreadable = written = 0
        for res in process_many(files, jobs):
            target = out / (res.path.name + ".json")
            try:
                write_atomic(target, res.report.to_json())
            except OSError as exc:
                typer.echo(_write_error(exc, out), err=True)
                typer.echo(f"已写出 {written} 份 JSON，其余未写出。", err=True)
                raise typer.Exit(2) from None
            written += 1
            if not res.readable:
                unreadable += 1
                typer.echo(f"无法读取 {display_path(res.path)}：{res.error.message if res.error else ''}", err=True)
        typer.echo(f"已写出 {written} 份 JSON 到 {display_path(out)}（无法读取 {unreadable} 份）。", err=True)
        raise typer.Exit(2 if unreadable else 0)
