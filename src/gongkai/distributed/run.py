"""`gongkai extract/ingest --dask ADDRESS`: the pipeline mapped over a manifest on a Dask cluster.

1. The manifest: every input file, hashed on the workers (`hash_batch`), where the files are read.
2. Files already done are skipped, by content hash: for `extract`, a ledger in the output folder
   (`.gongkai-done.tsv`, one "sha256<TAB>path" line per file written); for `ingest`, the store.
3. The rest is mapped in batches (`extract_batch` writes the JSON files, `shard_batch` writes a
   shard of reports); a task whose worker dies is run again elsewhere (Dask reschedules it; an
   exception is retried `retries` times).
4. One writer, this process, takes each finished batch once: it appends the ledger, or loads the
   shard into the store in bulk and deletes it.

ADDRESS is a scheduler ("tcp://10.0.0.5:8786") or `local` / `local:N`: a LocalCluster of N worker
processes bound to 127.0.0.1, with no dashboard, so nothing but this machine is contacted.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from gongkai.pipeline import expand_paths

if TYPE_CHECKING:
    from distributed import Client

    from gongkai.store.db import Store
    from gongkai.store.ingest import IngestSummary, OnOutcome

LEDGER = ".gongkai-done.tsv"
BATCH = 32
RETRIES = 3  # Dask's retries of a task that raised
ATTEMPTS = 3  # submissions of a batch whose result could not be had
NEEDS_DASK = "分布式运行需要安装 Dask：pip install 'gongkai[dask]'"


class DistributedError(Exception):
    """The cluster could not be used (not installed, not reachable); the message is Chinese."""


@dataclass
class DistributedSummary:
    """What a distributed extract did: files written, skipped as done before, unreadable, failed."""

    files: int = 0
    written: int = 0
    skipped: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


@contextmanager
def connect(address: str) -> Iterator[Client]:
    """A Dask client for ADDRESS (`local`, `local:N`, or a scheduler address)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise DistributedError(NEEDS_DASK) from exc
    if address == "local" or address.startswith("local:"):
        n = int(address.split(":", 1)[1]) if ":" in address else (os.cpu_count() or 1)
        cluster = LocalCluster(n_workers=max(1, n), threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise DistributedError(f"无法连接 Dask 调度器 {address}：{exc}") from exc
    try:
        yield client
    finally:
        client.close()


def batches(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, max(1, n))):
        yield chunk


def manifest(client: Client, files: list[str], batch_size: int) -> dict[str, str | None]:
    """sha256 of every file (None when it cannot be read), computed on the workers."""
    from gongkai.distributed.tasks import hash_batch

    futures = client.map(hash_batch, list(batches(files, batch_size * 8)), retries=RETRIES)
    out: dict[str, str | None] = {}
    for part in client.gather(futures):
        out.update(part)
    return out


def run_batches(
    client: Client, func: Callable[..., Any], work: list[list[str]], args_for: Callable[[int], tuple[Any, ...]],
    on_failed: Callable[[list[str], str], None],
) -> Iterator[tuple[int, Any]]:
    """Map `func(work[i], *args_for(i))` over the batches; yield (i, result) once per batch, as they finish.

    A worker that dies takes its running tasks and its finished results with it: Dask runs the
    tasks again elsewhere, and a result that cannot be fetched is asked for again as a new task
    (the tasks are idempotent). A batch that still fails is split into one task per file, so that
    one file that kills its worker every time (memory, a crash in a library) fails alone; it is
    reported with its message, and the run goes on. `work` grows by those single-file batches.
    """
    from distributed import as_completed

    pending = as_completed()
    meta: dict[Any, tuple[int, int]] = {}

    def submit(i: int, attempt: int) -> None:
        fut = client.submit(func, work[i], *args_for(i), key=f"{func.__name__}-{i}-{attempt}-{uuid4().hex}",
                            retries=RETRIES, pure=False)
        meta[fut.key] = (i, attempt)
        pending.add(fut)

    for i in range(len(work)):
        submit(i, 0)
    for fut in pending:
        i, attempt = meta.pop(fut.key)
        try:
            result = fut.result()
        except Exception as exc:
            if attempt + 1 < ATTEMPTS:
                submit(i, attempt + 1)
            elif len(work[i]) > 1:
                for f in work[i]:
                    work.append([f])
                    submit(len(work) - 1, 0)
            else:
                on_failed(work[i], f"处理时出错（{type(exc).__name__}: {exc}）")
            continue
        fut.release()
        yield i, result


# ---------------------------------------------------------------- extract
def read_ledger(out: Path) -> set[tuple[str, str]]:
    """(sha256, path) of every file the ledger says was written."""
    ledger = out / LEDGER
    if not ledger.exists():
        return set()
    done = set()
    for line in ledger.read_text(encoding="utf-8").splitlines():
        sha, _, path = line.partition("\t")
        if sha and path:
            done.add((sha, path))
    return done


def extract_distributed(
    paths: Iterable[str | Path], out: Path, address: str, batch_size: int = BATCH,
    on_file: Callable[[dict[str, Any]], None] | None = None,
) -> DistributedSummary:
    """`gongkai extract` on a cluster: OUT/<name>.json per file, byte-identical, resumable."""
    from gongkai.distributed.tasks import extract_batch

    files = [str(p) for p in expand_paths(paths)]
    out.mkdir(parents=True, exist_ok=True)
    summary = DistributedSummary(files=len(files))
    done = read_ledger(out)
    with connect(address) as client:
        hashes = manifest(client, files, batch_size)
        todo = [f for f in files if not (hashes[f] and (hashes[f], f) in done
                                         and (out / (Path(f).name + ".json")).exists())]
        summary.skipped = len(files) - len(todo)
        work = list(batches(todo, batch_size))
        target = str(out.resolve())

        def failed(files_: list[str], message: str) -> None:
            summary.failed.extend((f, message) for f in files_)

        with open(out / LEDGER, "a", encoding="utf-8") as ledger:
            for _i, result in run_batches(client, extract_batch, work, lambda _i: (target,), failed):
                for item in result:
                    ledger.write(f"{item['sha256']}\t{item['path']}\n")
                    summary.written += 1
                    if not item["readable"]:
                        summary.unreadable.append((item["path"], item["error"]))
                    if on_file:
                        on_file(item)
                ledger.flush()
                os.fsync(ledger.fileno())
    return summary


# ---------------------------------------------------------------- ingest
def _stored_hashes(store: Store, hashes: set[str]) -> dict[str, int]:
    from sqlalchemy import select

    from gongkai.store.schema import reports

    found: dict[str, int] = {}
    with store.read() as conn:
        for chunk in batches(sorted(hashes), 500):
            rows = conn.execute(select(reports.c.sha256, reports.c.id).where(reports.c.sha256.in_(chunk))).all()
            found.update({sha: rid for sha, rid in rows})
    return found


def _merge(into: IngestSummary, part: IngestSummary) -> None:
    from dataclasses import fields

    for f in fields(into):
        if isinstance(getattr(into, f.name), int):
            setattr(into, f.name, getattr(into, f.name) + getattr(part, f.name))
    into.notices.extend(part.notices)


def ingest_distributed(
    store: Store, paths: Iterable[str | Path], address: str, aliases: dict[str, Any] | None = None,
    batch_size: int = BATCH, shards: Path | None = None, on_outcome: OnOutcome | None = None,
) -> IngestSummary:
    """`gongkai ingest` on a cluster: workers write shards, this process loads them, once each.

    Files whose content is already in the store are not sent to the cluster. Shards go to
    `shards` (default $GONGKAI_DASK_SHARDS or ./.gongkai-shards), which the workers must be able
    to write and this process to read (a shared folder when the workers are on other machines).
    """
    from gongkai.distributed.tasks import read_shard, shard_batch
    from gongkai.extract.trace import Trace
    from gongkai.model import Report
    from gongkai.pipeline import Result
    from gongkai.read.errors import ReadError
    from gongkai.store.ingest import Outcome, ingest, ingest_results

    summary = ingest(store, [], aliases)  # applies the aliases, as a plain ingest does first
    files = [str(p) for p in expand_paths(paths)]
    folder = (shards or Path(os.environ.get("GONGKAI_DASK_SHARDS", ".gongkai-shards"))).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    with connect(address) as client:
        hashes = manifest(client, files, batch_size)
        stored = _stored_hashes(store, {h for h in hashes.values() if h})
        todo = []
        for f in files:
            sha = hashes[f]
            if sha and sha in stored:
                o = Outcome(f, "duplicate", stored[sha], message="已入库（内容相同）")
                summary.add(o)
                if on_outcome:
                    on_outcome(o)
            else:
                todo.append(f)
        work = list(batches(todo, batch_size))

        def shard_name(i: int) -> str:
            return str(folder / f"shard-{os.getpid()}-{i:07d}.tsv")

        def failed(files_: list[str], message: str) -> None:
            for f in files_:
                o = Outcome(f, "failed", message=message)
                summary.add(o)
                if on_outcome:
                    on_outcome(o)

        for i, _done in run_batches(client, shard_batch, work, lambda i: (shard_name(i),), failed):
            shard = Path(shard_name(i))
            results = [
                Result(Path(s["path"]), Report.model_validate_json(rep), Trace(),
                       None if s["readable"] else ReadError("unreadable", s["error"]))
                for s, rep in read_shard(shard)
            ]
            _merge(summary, ingest_results(store, results, aliases, batch_size=batch_size, on_outcome=on_outcome))
            shard.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()  # the shard folder, when every shard was loaded
    return summary
