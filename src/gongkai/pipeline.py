"""The pipeline for one file and for a batch: read → extract → check, one Result per file."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from gongkai.check import check
from gongkai.extract import extract
from gongkai.extract.trace import Trace
from gongkai.model import Meta, Report, Source
from gongkai.read import ReadError, read_bytes, supported_extensions


@dataclass
class Result:
    """What processing one file gave: always a Report; `error` set when the file was unreadable."""

    path: Path
    report: Report
    trace: Trace
    error: ReadError | None = None

    @property
    def readable(self) -> bool:
        return self.error is None


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


def process_bytes(data: bytes, path: str | Path, previous: Report | None = None) -> Result:
    """Read, extract and check one report given as bytes."""
    p = Path(path)
    source = Source(path=str(path), sha256=hashlib.sha256(data).hexdigest(), kind=_kind_of(p.name))
    try:
        doc = read_bytes(data, p.name)
    except ReadError as exc:
        return _unreadable(p, source, exc)
    except Exception as exc:  # a reader bug must not stop a batch
        return _unreadable(p, source, ReadError("reader_crash", f"读取时出错（{type(exc).__name__}: {exc}）"))
    source.kind = doc.kind
    report, trace = extract(doc, source)
    report.findings = check(report, trace, previous)
    return Result(p, report, trace)


def process_path(path: str | Path, previous: Report | None = None) -> Result:
    """Read, extract and check one file."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        source = Source(path=str(p), sha256="", kind=_kind_of(p.name))
        return _unreadable(p, source, ReadError("io", f"无法打开文件：{exc.strerror or exc}"))
    return process_bytes(data, p, previous)


def _unreadable(path: Path, source: Source, err: ReadError) -> Result:
    """An empty report whose only finding names why the file could not be read."""
    trace = Trace(read_error=(err.code, err.message))
    report = Report(source=source, meta=Meta())
    report.findings = check(report, trace, only={"extraction.unreadable"})
    return Result(path, report, trace, err)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, plus every supported file under named folders (recursively), sorted."""
    exts = supported_extensions() | {".html", ".htm", ".shtml", ".txt"}
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = (f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            out.extend(sorted(f for f in found if f.suffix.lower() in exts))
        else:
            out.append(p)
    return out


def process_many(
    paths: Iterable[str | Path], jobs: int = 1, on_result: Callable[[Result], None] | None = None
) -> Iterator[Result]:
    """Process files in order (in parallel with jobs > 1); a bad file never stops the batch."""
    files = [Path(p) for p in paths]
    # Reports make many short-lived, acyclic objects; a larger young generation saves ~20% in batches.
    old_threshold = gc.get_threshold()
    gc.set_threshold(max(old_threshold[0], 20_000), old_threshold[1], old_threshold[2])
    try:
        yield from _process_many(files, jobs, on_result)
    finally:
        gc.set_threshold(*old_threshold)


def _process_many(files: list[Path], jobs: int, on_result: Callable[[Result], None] | None) -> Iterator[Result]:
    if jobs <= 1 or len(files) < 4:
        for f in files:
            res = process_path(f)
            if on_result:
                on_result(res)
            yield res
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for res in pool.map(process_path, files, chunksize=8):
            if on_result:
                on_result(res)
            yield res
