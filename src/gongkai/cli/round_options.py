"""What `check` and `notice` share: the round's options, and running a round from them with every
problem of the user's inputs (roster, baseline, store) said in Chinese with exit code 2."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from gongkai.round import Roster, Round

PathsArg = Annotated[list[Path], typer.Argument(help="报告文件、文件夹（递归查找）或 .zip 压缩包", readable=False)]
JobsOpt = Annotated[int | None, typer.Option("--jobs", "-j", help="并行进程数（默认：全部 CPU 核）")]
RosterOpt = Annotated[
    Path | None, typer.Option("--roster", help="单位名单 CSV（单位名称、别名、地区、层级、联系人）")
]
BaselineOpt = Annotated[
    str | None,
    typer.Option("--baseline", help="上一轮的核查结果（round.json、check --format json 的输出，或数据库），用于复核"),
]
DbOpt = Annotated[str | None, typer.Option("--db", help="数据库（文件或 postgresql://…），用于取上一年度报告")]
YearOpt = Annotated[int | None, typer.Option("--year", help="本轮核查的年度（默认：多数报告的年度）")]


def fail(message: str) -> typer.Exit:
    """Say what is wrong with the user's input on stderr; the caller raises the returned Exit(2)."""
    typer.echo(message, err=True)
    return typer.Exit(2)


def load_inputs(roster: Path | None, baseline: str | None) -> tuple[Roster | None, str | None, dict[str, Any] | None]:
    """The roster, and the baseline as a store reference or as an earlier round's JSON (checked now,
    before any report is read)."""
    import json

    from gongkai.round import Roster, RosterError
    from gongkai.round.model import load_baseline
    from gongkai.round.run import is_store

    try:
        units = Roster.load(roster) if roster is not None else None
    except RosterError as exc:
        raise fail(str(exc)) from None
    if baseline is None or is_store(baseline):
        return units, baseline, None
    try:
        base = json.loads(Path(baseline).read_text(encoding="utf-8"))
        load_baseline(base)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise fail(f"上一轮的核查结果无法使用（{baseline}：{exc}）") from None
    return units, None, base


def run_checked(
    paths: list[Path],
    roster: Path | None,
    baseline: str | None,
    jobs: int | None,
    year: int | None,
    db: str | None,
    progress: bool,
) -> tuple[Round, dict[str, Any] | None]:
    """Run the round (a progress bar on stderr when asked) and apply a JSON baseline; the baseline's
    data comes back for the documents that quote it."""
    from gongkai.round import apply_baseline, run_round
    from gongkai.store import StoreError

    units, store_baseline, base = load_inputs(roster, baseline)
    kwargs: dict[str, Any] = {"roster": units, "jobs": jobs, "year": year, "db": db, "baseline": store_baseline}
    try:
        rnd = _with_progress(paths, kwargs) if progress else run_round(list(paths), **kwargs)
    except StoreError as exc:  # the store (--db, --baseline) unusable: a message, not a traceback
        raise fail(str(exc)) from None
    if not rnd.entries and not rnd.skipped:
        raise fail("没有找到可核查的报告文件。")
    if base is not None:
        apply_baseline(rnd, base, Path(str(baseline)).name)
    return rnd, base


def _with_progress(paths: list[Path], kwargs: dict[str, Any]) -> Round:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from gongkai.round import run_round

    columns = (TextColumn("核查中"), BarColumn(), MofNCompleteColumn())
    bar = Progress(*columns, console=Console(stderr=True), transient=True)
    with bar:
        task = bar.add_task("check", total=None)
        return run_round(
            list(paths),
            **kwargs,
            on_total=lambda n: bar.update(task, total=n),
            on_result=lambda _e: bar.advance(task),
        )
