"""The pipeline for one file and for a batch: read → extract → check, one Result per file.

No file can take a batch down:

* every stage of one file (read, extract, check) runs under a guard: any exception becomes that
  file's unreadable-file finding with a Chinese message, never an escape;
* every file is processed under explicit `Limits` (gongkai.read.limits), checked before the work
  that would exceed them;
* `process_many` runs each file in a worker process, even with one job, so a file that hangs a
  reader is cut off after `Limits.seconds` (the worker is killed and replaced) and a file that
  exhausts a worker's memory (`Limits.memory_mb`, RLIMIT_AS) becomes a finding; results come
  back in input order and are identical for any number of jobs.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing as mp
import os
import stat
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from gongkai.check import check
from gongkai.extract import extract
from gongkai.extract.trace import Trace
from gongkai.model import Finding, Meta, Report, Source
from gongkai.read import ReadError, read_bytes, supported_extensions
from gongkai.read.limits import LimitExceeded, Limits, check_mb, current, limit_message, use

NOTE_RULE = "extraction.reader_note"


@dataclass
class Result:
    """What processing one file gave: always a Report; `error` set when the file was unreadable."""

    path: Path
    report: Report
    trace: Trace = field(default_factory=Trace)
    error: ReadError | None = None

    @property
    def readable(self) -> bool:
        return self.error is None

    @property
    def name(self) -> str:
        """The file name, printable even when the name on disk is not valid UTF-8."""
        return display_path(self.path.name)


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as text that can always be printed and stored: names that are not valid UTF-8
    (surrogate-escaped by Python) are read as GB18030 when they are that, else replaced."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def default_jobs() -> int:
    """Worker processes for a batch: every core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _kind_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return {
        ".html": "html",
        ".htm": "html",
        ".shtml": "html",
        ".md": "markdown",
        ".docx": "docx",
        ".doc": "docx",
        ".wps": "docx",
        ".pdf": "pdf",
        ".png": "image",
        ".jpg": "image",
        ".jpeg": "image",
    }.get(suffix, "text")


_STAGES = {"read": "读取", "extract": "提取", "check": "核查"}


def _crash_error(stage: str, exc: BaseException) -> ReadError:
    if isinstance(exc, MemoryError):
        return ReadError("limit_memory_mb", "内存不足：" + limit_message("memory_mb"))
    if isinstance(exc, RecursionError):
        return ReadError(f"{stage}_crash", f"{_STAGES[stage]}时出错：文件结构嵌套过深，无法处理")
    detail = str(exc)[:200]
    return ReadError(f"{stage}_crash", f"{_STAGES[stage]}时出错（{type(exc).__name__}: {detail}）")


def process_bytes(data: bytes, path: str | Path, previous: Report | None = None) -> Result:
    """Read, extract and check one report given as bytes; never raises for any input."""
    p = Path(path)
    source = Source(path=display_path(path), sha256=hashlib.sha256(data).hexdigest(), kind=_kind_of(p.name))
    stage = "read"
    try:
        check_mb("file_mb", len(data))
        doc = read_bytes(data, display_path(p.name))
        source.kind = doc.kind
        _cap_notes(doc.notes)
        stage = "extract"
        report, trace = extract(doc, source)
        del doc
        stage = "check"
        report.findings = _cap_findings(check(report, trace, previous))
    except ReadError as exc:
        return _unreadable(p, source, exc)
    except (Exception, MemoryError, RecursionError) as exc:  # a bug or a hostile file must not stop a batch
        return _unreadable(p, source, _crash_error(stage, exc))
    return Result(p, report, trace)


def _cap_notes(notes: list[str]) -> None:
    bound = current().findings
    if bound and len(notes) > bound:
        dropped = len(notes) - bound
        del notes[bound:]
        notes.append(f"读取时的提示过多，另有{dropped}条未列出（{limit_message('findings', dropped + bound)}）")


def _cap_findings(findings: list[Finding]) -> list[Finding]:
    bound = current().findings
    if not bound or len(findings) <= bound:
        return findings
    kept = findings[:bound]
    kept.append(
        Finding(
            rule=NOTE_RULE,
            severity="warning",
            message=f"发现过多，另有{len(findings) - bound}条未列出；"
            + limit_message("findings", len(findings)).replace("已停止处理这个文件；", ""),
        )
    )
    return kept


def _read_file(p: Path) -> bytes:
    """The bytes of a regular file, refusing devices, pipes and files over the size limit
    before reading them (reading /dev/zero or a FIFO would never end)."""
    try:
        st = p.stat()
    except OSError as exc:
        raise ReadError("io", f"无法打开文件：{exc.strerror or exc}") from exc
    if stat.S_ISDIR(st.st_mode):
        raise ReadError("not_file", "这是一个文件夹，不是文件")
    if not stat.S_ISREG(st.st_mode):
        raise ReadError("not_file", "这不是普通文件（而是设备、管道或套接字），不予读取")
    check_mb("file_mb", st.st_size)
    bound = current().file_bytes or -1
    try:
        with open(p, "rb") as fh:
            data = fh.read(bound + 1 if bound > 0 else -1)
    except OSError as exc:
        raise ReadError("io", f"无法打开文件：{exc.strerror or exc}") from exc
    check_mb("file_mb", len(data))  # the file grew while we looked
    return data


def process_path(path: str | Path, previous: Report | None = None) -> Result:
    """Read, extract and check one file; never raises for any input."""
    p = Path(path)
    try:
        data = _read_file(p)
    except ReadError as exc:
        return _unreadable(p, Source(path=display_path(p), sha256="", kind=_kind_of(p.name)), exc)
    except (Exception, MemoryError) as exc:
        source = Source(path=display_path(p), sha256="", kind=_kind_of(p.name))
        return _unreadable(p, source, _crash_error("read", exc))
    return process_bytes(data, p, previous)


def _unreadable(path: Path, source: Source, err: ReadError) -> Result:
    """An empty report whose only finding names why the file could not be read."""
    trace = Trace(read_error=(err.code, err.message))
    report = Report(source=source, meta=Meta())
    report.findings = check(report, trace, only={"extraction.unreadable"})
    return Result(path, report, trace, err)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, plus every supported file under named folders (recursively), sorted.

    A folder that cannot be listed adds nothing; a file named is kept whatever it is (the
    pipeline turns an unreadable one into that file's finding)."""
    exts = supported_extensions() | {".html", ".htm", ".shtml", ".txt"}
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        try:
            is_dir = p.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            found: list[Path] = []
            for root, dirs, names in os.walk(p):  # os.walk skips folders it cannot list
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                found.extend(Path(root, n) for n in names if not n.startswith("."))
            out.extend(sorted(f for f in found if f.suffix.lower() in exts and _is_file(f)))
        else:
            out.append(p)
    return out


def _is_file(p: Path) -> bool:
    try:
        return p.is_file()
    except OSError:
        return False


def process_many(
    paths: Iterable[str | Path],
    jobs: int | None = None,
    on_result: Callable[[Result], None] | None = None,
    limits: Limits | None = None,
    keep_trace: bool = False,
) -> Iterator[Result]:
    """Process files in input order, each in a worker process under `limits`; never raises.

    `jobs` worker processes (None or 0: every core). A file that takes longer than
    `limits.seconds` is cut off (its worker is killed and replaced) and becomes an unreadable-file
    finding. Results carry the Report; the extraction trace only with `keep_trace` (it is big).
    """
    files = [Path(p) for p in paths]
    lim = limits or current()
    n_jobs = jobs or default_jobs()
    # Reports make many short-lived, acyclic objects; a larger young generation saves ~20% in batches.
    old_threshold = gc.get_threshold()
    gc.set_threshold(max(old_threshold[0], 20_000), old_threshold[1], old_threshold[2])
    try:
        for res in _process_many(files, n_jobs, lim, keep_trace):
            if on_result:
                on_result(res)
            yield res
    finally:
        gc.set_threshold(*old_threshold)


def _process_many(files: list[Path], jobs: int, limits: Limits, keep_trace: bool) -> Iterator[Result]:
    if not files:
        return
    pool = None
    if os.environ.get("GONGKAI_IN_PROCESS") != "1":  # "1" for debugging: no workers, no time limit
        try:
            pool = _Pool(min(jobs, len(files)), limits, keep_trace)
        except (OSError, RuntimeError, ValueError):
            pool = None  # no worker processes on this system: in this process, without the time limit
    if pool is None:
        with use(limits):
            for f in files:
                yield _compact(process_path(f), keep_trace)
        return
    try:
        yield from pool.run(files)
    finally:
        pool.close()


def _compact(res: Result, keep_trace: bool) -> Result:
    if not keep_trace:
        r = res.report
        # for a report with nothing found, keep one paragraph that names the subject, so that a batch can
        # tell a broken report from a file that is no report at all (a cover letter, a note)
        empty = not (r.active or r.requests or r.review_litigation or r.sections)
        hint = [p for p in res.trace.narrative if "信息公开" in p][:1] if empty else []
        res.trace = Trace(read_error=res.trace.read_error, narrative=hint)
    return res


# ----------------------------------------------------------------------------- workers
def _test_hook(spec: str, path: Path) -> None:
    """Test-only misbehaviour, chosen by $GONGKAI_TEST_HOOK = "hang:<name part>" or "eat:<name part>":
    a reader that never returns, or one that eats memory without bound, for files so named."""
    action, _, part = spec.partition(":")
    if not part or part not in path.name:
        return
    if action == "hang":
        while True:
            time.sleep(1)
    if action == "eat":
        hog = []
        while True:
            hog.append(bytearray(64 << 20))


def _limit_memory(limits: Limits) -> None:
    if not limits.memory_mb:
        return
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = limits.memory_mb << 20
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: the time limit still bounds a runaway file


def _worker_main(conn: Connection, limits: Limits, keep_trace: bool, hook: str | None) -> None:
    """One worker: receive (index, path), send back (index, Result, retire). Whatever happens in
    it, a worker ends quietly: the parent turns a worker that went away into that file's finding."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)  # its own process group: killing it also ends what it started (LibreOffice)
    _limit_memory(limits)
    with contextlib.suppress(BaseException), use(limits):
        while _serve_one(conn, keep_trace, hook):
            pass


def _serve_one(conn: Connection, keep_trace: bool, hook: str | None) -> bool:
    """Process the next file sent; False when the worker should end."""
    try:
        task = conn.recv()
    except (EOFError, OSError):
        return False
    if task is None:
        return False
    index, path = task
    retire = False
    try:
        if hook:
            _test_hook(hook, Path(path))
        res = _compact(process_path(path), keep_trace)
        retire = res.error is not None and res.error.code == "limit_memory_mb"
    except BaseException as exc:  # noqa: BLE001 - nothing may escape a worker
        p = Path(path)
        src = Source(path=display_path(p), sha256="", kind=_kind_of(p.name))
        res, retire = _unreadable(p, src, _crash_error("read", exc)), True
    try:
        conn.send((index, res, retire))
    except Exception as exc:  # the Result would not pickle (or memory ran out doing it)
        p = Path(path)
        src = Source(path=display_path(p), sha256=res.report.source.sha256, kind=res.report.source.kind)
        conn.send((index, _unreadable(p, src, _crash_error("check", exc)), True))
        return False
    return not retire


class _Worker:
    def __init__(self, ctx: Any, limits: Limits, keep_trace: bool) -> None:
        self.conn, child = ctx.Pipe()
        hook = os.environ.get("GONGKAI_TEST_HOOK")
        self.proc = ctx.Process(target=_worker_main, args=(child, limits, keep_trace, hook), daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple[int, Path] | None = None
        self.deadline = 0.0
        self.fresh = True

    def send(self, index: int, path: Path, seconds: int) -> bool:
        try:
            self.conn.send((index, path))
        except (OSError, ValueError):
            return False
        self.task = (index, path)
        self.fresh = False
        self.deadline = time.monotonic() + seconds if seconds else float("inf")
        return True

    def stop(self, kill: bool = False) -> None:
        if not kill:
            with contextlib.suppress(OSError, ValueError):
                self.conn.send(None)
            self.proc.join(timeout=2)
        if self.proc.is_alive():
            if self.proc.pid:
                with contextlib.suppress(OSError):
                    os.killpg(self.proc.pid, 9)  # the worker and any converter it started
            self.proc.kill()
            self.proc.join(timeout=5)
        self.conn.close()


class _Pool:
    """Worker processes, each running one file at a time; a worker that is killed or dies is
    replaced, and only its file is affected."""

    def __init__(self, size: int, limits: Limits, keep_trace: bool) -> None:
        self.limits = limits
        self.keep_trace = keep_trace
        self.ctx = mp.get_context("forkserver")
        self.ctx.set_forkserver_preload(["gongkai.pipeline", "gongkai.read.registry"])
        self.workers = [self._new() for _ in range(size)]

    def _new(self) -> _Worker:
        return _Worker(self.ctx, self.limits, self.keep_trace)

    def _replace(self, w: _Worker, kill: bool) -> None:
        w.stop(kill=kill)
        self.workers[self.workers.index(w)] = self._new()

    def run(self, files: list[Path]) -> Iterator[Result]:
        pending = deque(enumerate(files))
        done: dict[int, Result] = {}
        next_out = 0
        seconds = self.limits.seconds
        while next_out < len(files):
            for k in range(len(self.workers)):
                while self.workers[k].task is None and pending:
                    index, path = pending.popleft()
                    if self.workers[k].send(index, path, seconds):
                        continue
                    if self.workers[k].fresh:  # a new worker that cannot take work: give up on this file
                        done[index] = self._failed(path, "died")
                    else:  # the worker died while idle: a new one takes the file
                        pending.appendleft((index, path))
                    self._replace(self.workers[k], kill=True)
            busy = [w for w in self.workers if w.task is not None]
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic()) if busy else 0.0
            ready = wait([w.conn for w in busy], timeout=None if timeout == float("inf") else timeout)
            now = time.monotonic()
            for w in busy:
                assert w.task is not None
                index, path = w.task
                if w.conn in ready:
                    try:
                        i, res, retire = w.conn.recv()
                    except Exception:  # the worker died: killed by the system, or crashed outright
                        done[index] = self._failed(path, "died")
                        w.task = None
                        self._replace(w, kill=True)
                        continue
                    done[i] = res
                    w.task = None
                    if retire:
                        self._replace(w, kill=False)
                elif now >= w.deadline:
                    done[index] = self._failed(path, "timeout")
                    w.task = None
                    self._replace(w, kill=True)
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1

    def _failed(self, path: Path, why: str) -> Result:
        if why == "timeout":
            err: ReadError = LimitExceeded("limit_seconds", limit_message("seconds", limits=self.limits))
        else:
            err = ReadError("worker_died", "处理这个文件的进程意外退出（可能是内存耗尽或读取组件崩溃），已跳过")
        sha = ""
        with contextlib.suppress(OSError, ReadError, ValueError):
            if path.is_file() and path.stat().st_size <= self.limits.file_bytes:
                sha = hashlib.sha256(path.read_bytes()).hexdigest()
        with use(self.limits):
            return _unreadable(path, Source(path=display_path(path), sha256=sha, kind=_kind_of(path.name)), err)

    def close(self) -> None:
        for w in self.workers:
            w.stop(kill=w.task is not None)
