"""The `--dask` option of `gongkai extract` and `gongkai ingest`: the command-line side of a distributed run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from gongkai.store.db import Store
    from gongkai.store.ingest import IngestSummary, OnOutcome

DASK_HELP = "在 Dask 集群上运行：调度器地址（如 tcp://10.0.0.5:8786），或 local / local:N（本机 N 个进程）；可续跑"


def extract_on_cluster(paths: Sequence[Path], out: Path, address: str) -> int:
    """Run `extract` on the cluster; print what happened; return the exit code."""
    from gongkai.distributed.run import DistributedError, extract_distributed

    try:
        s = extract_distributed(paths, out, address)
    except DistributedError as exc:
        typer.echo(str(exc), err=True)
        return 2
    for path, message in s.unreadable + s.failed:
        typer.echo(f"无法读取 {path}：{message}", err=True)
    typer.echo(
        f"已写出 {s.written} 份 JSON 到 {out}（此前已完成、跳过 {s.skipped} 份；无法读取 {len(s.unreadable)} 份，"
        f"处理失败 {len(s.failed)} 份）。", err=True,
    )
    return 2 if s.unreadable or s.failed else 0


def ingest_on_cluster(store: Store, paths: Sequence[Path], address: str, aliases: dict[str, Any] | None,
                      batch: int, on_outcome: OnOutcome) -> IngestSummary:
    """Run `ingest` on the cluster (this process is the one writer); exit 2 when the cluster cannot be used."""
    from gongkai.distributed.run import DistributedError, ingest_distributed

    try:
        return ingest_distributed(store, paths, address, aliases, batch_size=batch, on_outcome=on_outcome)
    except DistributedError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
