"""`gongkai extract`: write one JSON per input following the report schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gongkai.distributed.cli import DASK_HELP
from gongkai.pipeline import expand_paths, process_many


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract_cmd(
        paths: Annotated[list[Path], typer.Argument(help="报告文件或文件夹（递归查找）")],
        out: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹：每份报告写成 <文件名>.json")],
        jobs: Annotated[int, typer.Option("--jobs", "-j", help="并行进程数")] = 1,
        dask: Annotated[str | None, typer.Option("--dask", envvar="GONGKAI_DASK", help=DASK_HELP)] = None,
    ) -> None:
        """提取报告为 JSON（含全部发现），写到 OUT/<输入文件名>.json；相同输入得到逐字节相同的输出。

        示例：gongkai extract examples/ --out out/
        """
        if dask:
            from gongkai.distributed.cli import extract_on_cluster

            raise typer.Exit(extract_on_cluster(paths, out, dask))
        files = expand_paths(paths)
        out.mkdir(parents=True, exist_ok=True)
        unreadable = 0
        for res in process_many(files, jobs):
            target = out / (res.path.name + ".json")
            tmp = target.with_suffix(".json.tmp")
            tmp.write_text(res.report.to_json(), encoding="utf-8")
            tmp.replace(target)  # never leave a half-written file
            if not res.readable:
                unreadable += 1
                typer.echo(f"无法读取 {res.path}：{res.error.message if res.error else ''}", err=True)
        typer.echo(f"已写出 {len(files)} 份 JSON 到 {out}（无法读取 {unreadable} 份）。", err=True)
        raise typer.Exit(2 if unreadable else 0)
