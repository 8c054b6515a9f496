"""Explicit limits every file is processed under, so that no input can take a batch down.

Each limit is checked *before* the work that would exceed it; a file that exceeds one gets an
unreadable-file finding naming the limit (`LimitExceeded`), and the batch goes on.

Defaults are generous for real reports (the largest real report seen is ~60 pages, ~30 MB) and
each can be set by an environment variable ``GONGKAI_LIMIT_<NAME>`` (e.g.
``GONGKAI_LIMIT_PAGES=2000``) or in code with ``Limits(pages=2000)``; 0 turns a limit off.
The readers consult `current()`, which the pipeline sets for each file (`use`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace

from gongkai.read.errors import ReadError

ENV_PREFIX = "GONGKAI_LIMIT_"


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-file limits. Sizes in MB (2**20 bytes), times in seconds; 0 means no limit."""

    file_mb: int = 200  # bytes read from one file
    unzipped_mb: int = 200  # decompressed size of one member of a DOCX (zip)
    zip_ratio: int = 300  # decompressed / compressed size of one zip member
    table_cells: int = 200_000  # grid positions of one table (merged cells count every position they cover)
    span: int = 1000  # rowspan / colspan / gridSpan of one cell
    pages: int = 2000  # pages of a PDF
    chars: int = 20_000_000  # characters of decoded text (text, HTML)
    findings: int = 2000  # findings kept per report (and reader notes)
    image_pixels: int = 200_000_000  # pixels of one picture or frame
    frames: int = 100  # frames of a multi-frame picture (TIFF, GIF)
    seconds: int = 300  # time to process one file (read, extract, check; OCR of a scan takes longest)
    memory_mb: int = 4096  # address space of one worker process

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"限制 {f.name} 必须是非负整数，而不是 {value!r}")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: int) -> Limits:
        """Defaults, then ``GONGKAI_LIMIT_<NAME>`` variables, then `overrides`."""
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is None or not raw.strip():
                continue
            try:
                values[f.name] = int(raw.strip())
            except ValueError:
                raise ValueError(f"环境变量 {ENV_PREFIX}{f.name.upper()} 须为整数，而不是 {raw!r}") from None
        values.update(overrides)
        return cls(**values)

    def with_(self, **changes: int) -> Limits:
        return replace(self, **changes)

    @property
    def file_bytes(self) -> int:
        return self.file_mb << 20

    @property
    def unzipped_bytes(self) -> int:
        return self.unzipped_mb << 20


# name → (Chinese label, unit) for messages and the documentation table
LABELS: dict[str, tuple[str, str]] = {
    "file_mb": ("文件大小", "MB"),
    "unzipped_mb": ("压缩包内单个文件解压后大小", "MB"),
    "zip_ratio": ("压缩包内单个文件的解压倍数", "倍"),
    "table_cells": ("每个表格的单元格数", "个"),
    "span": ("单元格合并的行数或列数", "个"),
    "pages": ("PDF 页数", "页"),
    "chars": ("文本字符数", "个"),
    "findings": ("每份报告的发现条数", "条"),
    "image_pixels": ("图片像素数", "个"),
    "frames": ("图片帧数", "帧"),
    "seconds": ("每个文件的处理时间", "秒"),
    "memory_mb": ("每个处理进程的内存", "MB"),
}


class LimitExceeded(ReadError):
    """A file exceeded one of the `Limits`; the message names the limit and how to raise it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)

    @classmethod
    def of(cls, name: str, found: object | None = None, limits: Limits | None = None) -> LimitExceeded:
        return cls(f"limit_{name}", limit_message(name, found, limits))


def limit_message(name: str, found: object | None = None, limits: Limits | None = None) -> str:
    label, unit = LABELS[name]
    value = getattr(limits or current(), name)
    seen = f"（本文件{found}）" if found is not None else ""
    return (
        f"超出处理限制“{label}”：上限 {value} {unit}{seen}，已停止处理这个文件；"
        f"如确需处理，可设置环境变量 {ENV_PREFIX}{name.upper()} 调高上限"
    )


_current: Limits | None = None


def current() -> Limits:
    """The limits in force (set by `use`; else defaults and the environment)."""
    global _current
    if _current is None:
        try:
            _current = Limits.from_env()
        except ValueError as exc:
            import sys

            print(f"{exc}；已改用默认的处理限制", file=sys.stderr)
            _current = Limits()
    return _current


@contextmanager
def use(limits: Limits) -> Iterator[Limits]:
    """Put `limits` in force for the block (per process; the pipeline runs one file at a time)."""
    global _current
    old = _current
    _current = limits
    try:
        yield limits
    finally:
        _current = old


def check(name: str, found: int, limits: Limits | None = None) -> None:
    """Raise LimitExceeded when `found` is over limit `name` (a limit of 0 is no limit)."""
    bound = getattr(limits or current(), name)
    if bound and found > bound:
        raise LimitExceeded.of(name, found, limits)


def check_mb(name: str, nbytes: int, limits: Limits | None = None) -> None:
    """Like `check` for a limit in MB, given a size in bytes."""
    bound = getattr(limits or current(), name)
    if bound and nbytes > bound << 20:
        raise LimitExceeded.of(name, f"{nbytes / (1 << 20):.1f} MB", limits)
