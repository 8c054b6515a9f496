"""Distributed runs on a real Dask LocalCluster (127.0.0.1, no dashboard): byte-identical output,
every file done exactly once when a worker is killed mid-run, resumable by content hash."""

from __future__ import annotations

import os
import shutil
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster
from sqlalchemy import func, select
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.distributed import extract_distributed, ingest_distributed, read_ledger
from gongkai.distributed.run import LEDGER
from gongkai.pipeline import process_path
from gongkai.store import open_store
from gongkai.store.query import load_report, report_id_for
from gongkai.store.schema import reports
from tests.store_support import CORPUS, corpus_files


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(host="127.0.0.1", dashboard_address=None, processes=True, n_workers=2,
                      threads_per_worker=1) as c:
        yield c


def _inputs(folder: Path, copies: int = 2) -> list[Path]:
    """The corpus reports (text and the PDF), each under `copies` names: ~40 real files."""
    folder.mkdir()
    sources = [*corpus_files(), CORPUS / "pdf" / "002_huaian_hongze_district_2023.pdf"]
    out = []
    for k in range(copies):
        for src in sources:
            target = folder / f"c{k}_{src.name}"
            shutil.copy(src, target)
            out.append(target)
    return sorted(out)


def test_extract_is_byte_identical_and_done_once_when_a_worker_is_killed(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    files = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    killed: list[int] = []

    with Client(cluster.scheduler_address) as watcher:
        pids = watcher.run(os.getpid)

    def kill_once(item: dict) -> None:
        if not killed:  # mid-run: the first batch is in, the others are queued or running
            pid = sorted(pids.values())[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    summary = extract_distributed(files, out, cluster.scheduler_address, batch_size=2, on_file=kill_once)

    assert killed and summary.written == len(files) and not summary.failed and not summary.unreadable
    for f in files:  # every output is the one `gongkai extract` writes, byte for byte
        assert (out / (f.name + ".json")).read_text(encoding="utf-8") == process_path(f).report.to_json()
    ledger_paths = [ln.split("\t")[1] for ln in (out / LEDGER).read_text(encoding="utf-8").splitlines()]
    assert Counter(ledger_paths) == Counter(str(f) for f in files)  # each file exactly once
    assert {sha for sha, _ in read_ledger(out)} == {process_path(f).report.source.sha256 for f in files}

    again = extract_distributed(files, out, cluster.scheduler_address, batch_size=2)
    assert (again.skipped, again.written) == (len(files), 0)  # resumed: nothing is done twice

    changed = files[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n（更正）\n", encoding="utf-8")
    third = extract_distributed(files, out, cluster.scheduler_address, batch_size=2)
    assert (third.skipped, third.written) == (len(files) - 1, 1)  # new content at the same path is redone


def test_ingest_loads_each_report_once_through_one_writer(cluster: LocalCluster, tmp_path: Path) -> None:
    files = _inputs(tmp_path / "in", copies=2)
    store = open_store(tmp_path / "d.db")
    try:
        summary = ingest_distributed(store, files, cluster.scheduler_address, batch_size=4,
                                     shards=tmp_path / "shards")
        distinct = len({process_path(f).report.source.sha256 for f in files})
        # the PDF and its text copy are one publication: the second is stored as another format of it
        assert summary.stored + summary.new_versions + summary.other_formats == distinct
        assert summary.other_formats == 1
        assert summary.duplicates == len(files) - distinct and not summary.failed
        with store.read() as conn:
            assert conn.execute(select(func.count()).select_from(reports)).scalar() == distinct
            rid = report_id_for(conn, "巫峡镇", 2024)
            assert rid is not None
            seed = CORPUS / "seeds" / "000_e2dc6b7d4e4a258e.txt"
            assert load_report(conn, rid).cells() == process_path(seed).report.cells()
        assert not (tmp_path / "shards").exists()  # every shard loaded, then removed

        again = ingest_distributed(store, files, cluster.scheduler_address, shards=tmp_path / "shards")
        assert again.duplicates == len(files) and again.stored == 0
    finally:
        store.close()


def test_cli_extract_with_dask_option(cluster: LocalCluster, tmp_path: Path) -> None:
    files = _inputs(tmp_path / "in", copies=1)[:6]
    res = CliRunner().invoke(app, ["extract", *map(str, files), "--out", str(tmp_path / "o"),
                                   "--dask", cluster.scheduler_address])
    assert res.exit_code == 0, res.output
    assert "已写出 6 份 JSON" in res.output
    assert sorted(p.name for p in (tmp_path / "o").glob("*.json")) == sorted(f.name + ".json" for f in files)
