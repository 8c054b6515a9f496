"""Readers register here; the first that claims a file reads it (frictionless-style plugins)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gongkai.read.document import Document
from gongkai.read.errors import ReadError

Sniff = Callable[[str, bytes], bool]
Read = Callable[[bytes, str], Document]


@dataclass(frozen=True)
class Reader:
    """A format reader: `sniff(name, head)` says whether the file is its; `read` parses it."""

    name: str
    sniff: Sniff
    read: Read
    extensions: tuple[str, ...] = ()


_READERS: list[Reader] = []


def register(reader: Reader) -> Reader:
    _READERS.append(reader)
    return reader


def readers() -> list[Reader]:
    _load_builtin()
    return list(_READERS)


def supported_extensions() -> set[str]:
    return {ext for r in readers() for ext in r.extensions}


def read_bytes(data: bytes, name: str = "") -> Document:
    """Read one file's bytes into a Document, choosing the reader by sniffing."""
    if not data or not data.strip():
        raise ReadError("empty", "文件为空，没有可读取的内容")
    head = data[:8192]
    for reader in readers():
        if reader.sniff(name, head):
            return reader.read(data, name)
    raise ReadError("unsupported", f"不支持的文件格式：{Path(name).suffix or '未知'}")


def read_path(path: str | Path) -> Document:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ReadError("io", f"无法打开文件：{exc.strerror or exc}") from exc
    return read_bytes(data, p.name)


_loaded = False


def _load_builtin() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    # Import for their side effect of registering; order matters (binary formats first).
    import importlib

    for module in ("docx", "xlsx", "pdf", "image", "html", "text"):
        try:
            importlib.import_module(f"gongkai.read.{module}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("gongkai.read."):
                continue  # that reader is not part of this build
            _register_missing(module, exc.name or "?")


_EXTENSIONS = {
    "docx": (".docx", ".doc", ".wps"),
    "pdf": (".pdf",),
    "image": (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"),
    "xlsx": (".xlsx",),
}


def _register_missing(module: str, package: str) -> None:
    """A reader whose library is not installed still claims its files, with a clear error."""
    exts = _EXTENSIONS.get(module, ())

    def sniff(name: str, head: bytes) -> bool:
        return name.lower().endswith(exts)

    def read(data: bytes, name: str) -> Document:
        raise ReadError(
            "missing_dependency", f"读取 {Path(name).suffix} 文件需要安装 Python 包 {package}（pip install {package}）"
        )

    _READERS.append(Reader(module, sniff, read, exts))
