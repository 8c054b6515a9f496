"""Collect a batch: the files under the folders and zip archives given, each named by its path
relative to what was given, and every file that is not a report listed once with the reason.

Zip archives are read as folders, safely: member names are decoded (UTF-8 flag, else GBK),
no member may leave the archive (absolute paths, `..`, links), and sizes are bounded before and
while extracting (member count, each member's size, the total, the compression ratio, nesting).
Members are written under generated names in a private temporary folder.
"""

from __future__ import annotations

import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from gongkai.read import supported_extensions

REPORT_EXTENSIONS = frozenset(supported_extensions() | {".html", ".htm", ".shtml", ".txt"})
ARCHIVE_EXTENSIONS = frozenset({".zip"})
_OTHER_ARCHIVES = frozenset({".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz"})
_SYSTEM_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
_NOTE_STEMS = ("readme", "说明", "报送说明", "license")


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on what one archive may hold (defaults suit a county's batch of a few hundred reports)."""

    max_members: int = 5_000
    max_member_bytes: int = 200 * 1024 * 1024
    max_total_bytes: int = 2 * 1024 * 1024 * 1024
    max_ratio: int = 200  # uncompressed / compressed, for members over 1 MiB
    max_depth: int = 3  # zip inside zip inside zip


@dataclass(frozen=True)
class Item:
    """One file to be read as a report: `rel` names it for people, `path` is where its bytes are."""

    rel: str
    path: Path
    explicit: bool = False  # named by itself on the command line: read as a report whatever it holds


@dataclass(frozen=True)
class Skipped:
    """A file (or archive member) that was received but is not read as a report."""

    rel: str
    reason: str


@dataclass
class Collection:
    items: list[Item] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def tmpdir(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="gongkai-batch-")
        return Path(self._tmp.name)


def not_a_report_reason(name: str) -> str | None:
    """Why a file of this name is not read as a report (None when it should be read)."""
    lower = name.lower()
    suffix = PurePosixPath(lower).suffix
    if lower in _SYSTEM_NAMES or lower.startswith("._") or lower.startswith("~$"):
        return "系统或临时文件"
    if lower.startswith("."):
        return "隐藏文件"
    if suffix in (".md", ".txt") and PurePosixPath(lower).stem.startswith(_NOTE_STEMS):
        return "说明文件，不是年度报告"
    if suffix in _OTHER_ARCHIVES:
        return f"不支持的压缩格式（{suffix}），请解压后提交或改用 .zip"
    if suffix in ARCHIVE_EXTENSIONS or suffix in REPORT_EXTENSIONS:
        return None
    return f"不支持的文件格式（{suffix or '无扩展名'}），可读取的格式为网页、Word、PDF、文本和图片"


def _display(p: Path) -> str:
    """A path as text even when its bytes are not valid UTF-8 (shown with replacement characters)."""
    return str(p).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def collect(
    paths: list[str | Path], limits: ZipLimits | None = None, exclude: dict[Path, str] | None = None
) -> Collection:
    """Every report file under `paths`, in a stable order, with skipped files and their reasons.

    A folder's files are named relative to the folder; a file given by itself by its own name
    (as given); a zip member as `archive.zip/member/path`.
    """
    limits = limits or ZipLimits()
    out = Collection()
    leave_out = {_resolved(p): reason for p, reason in (exclude or {}).items()}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files = sorted((f for f in p.rglob("*") if not f.is_dir()), key=lambda f: _display(f.relative_to(p)))
            for f in files:
                rel = _display(f.relative_to(p))
                if any(part.startswith(".") or part == "__MACOSX" for part in f.relative_to(p).parts[:-1]):
                    out.skipped.append(Skipped(rel, "隐藏或系统文件夹中的文件"))
                    continue
                if _resolved(f) in leave_out:
                    out.skipped.append(Skipped(rel, leave_out[_resolved(f)]))
                    continue
                _add_file(out, f, rel, limits, depth=0)
        elif p.suffix.lower() in ARCHIVE_EXTENSIONS and _is_regular(p):
            # an archive given by itself stands for its folder: its members are named under its file name
            _add_file(out, p, _display(Path(p.name)), limits, depth=0)
        else:
            # a file named by itself is read as a report whatever it is: a missing, special or unreadable
            # file becomes that report's unreadable-file finding (the pipeline says why)
            out.items.append(Item(_display(p), p, explicit=True))
    return out


def _is_regular(p: Path) -> bool:
    try:
        return stat.S_ISREG(p.stat().st_mode)
    except OSError:
        return False


def _resolved(p: Path) -> Path:
    try:
        return p.resolve()
    except OSError:
        return p


def _add_file(out: Collection, path: Path, rel: str, limits: ZipLimits, depth: int) -> None:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        out.skipped.append(Skipped(rel, f"无法访问：{exc.strerror or exc}"))
        return
    if not stat.S_ISREG(mode):
        out.skipped.append(Skipped(rel, "不是普通文件（设备、管道或其他特殊文件）"))
        return
    reason = not_a_report_reason(path.name)
    if reason is not None:
        out.skipped.append(Skipped(rel, reason))
        return
    if path.suffix.lower() in ARCHIVE_EXTENSIONS:
        _add_zip(out, path, rel, limits, depth)
        return
    out.items.append(Item(rel, path))


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as the sender saw it: UTF-8 when flagged, else the bytes read as GBK (Windows)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


def _safe_parts(name: str) -> tuple[str, ...] | None:
    """The member path's parts, or None when it would leave the archive's folder."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = tuple(p for p in PurePosixPath(name).parts if p not in ("", "."))
    if any(p == ".." for p in parts):
        return None
    return parts


def _add_zip(out: Collection, path: Path, rel: str, limits: ZipLimits, depth: int) -> None:
    if depth >= limits.max_depth:
        out.skipped.append(Skipped(rel, f"压缩包嵌套超过 {limits.max_depth} 层，未读取"))
        return
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        out.skipped.append(Skipped(rel, f"压缩包已损坏或无法打开（{exc}）"))
        return
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > limits.max_members:
            n, cap = len(infos), limits.max_members
            out.skipped.append(Skipped(rel, f"压缩包内文件过多（{n} 个，上限 {cap} 个），未读取"))
            return
        total = 0
        for info in infos:
            name = member_name(info)
            mrel = f"{rel}/{name}"
            parts = _safe_parts(name)
            if parts is None:
                out.skipped.append(Skipped(mrel, "压缩包内的路径指向包外（不安全），未读取"))
                continue
            mrel = f"{rel}/{'/'.join(parts)}"
            if stat.S_ISLNK(info.external_attr >> 16):
                out.skipped.append(Skipped(mrel, "压缩包内的符号链接，未读取"))
                continue
            if any(p.startswith(".") or p == "__MACOSX" for p in parts[:-1]):
                out.skipped.append(Skipped(mrel, "隐藏或系统文件夹中的文件"))
                continue
            reason = not_a_report_reason(parts[-1])
            if reason is not None:
                out.skipped.append(Skipped(mrel, reason))
                continue
            too_big = _too_big(info, total, limits)
            if too_big:
                out.skipped.append(Skipped(mrel, too_big))
                continue
            target = out.tmpdir() / f"{len(out.items) + len(out.skipped):06d}{PurePosixPath(parts[-1]).suffix.lower()}"
            written = _extract(zf, info, target, limits.max_member_bytes)
            if written is None:
                out.skipped.append(Skipped(mrel, _over_member(limits)))
                target.unlink(missing_ok=True)
                continue
            if isinstance(written, str):
                out.skipped.append(Skipped(mrel, written))
                continue
            total += written
            if total > limits.max_total_bytes:
                target.unlink(missing_ok=True)
                cap = limits.max_total_bytes // 2**20
                out.skipped.append(Skipped(mrel, f"压缩包解压总量超过上限（{cap} MiB），其余未读取"))
                return
            if target.suffix in ARCHIVE_EXTENSIONS:
                _add_zip(out, target, mrel, limits, depth + 1)
            else:
                out.items.append(Item(mrel, target))


def _over_member(limits: ZipLimits) -> str:
    return f"解压后超过单个文件上限（{limits.max_member_bytes // 2**20} MiB），未读取"


def _too_big(info: zipfile.ZipInfo, total: int, limits: ZipLimits) -> str | None:
    if info.file_size > limits.max_member_bytes:
        return _over_member(limits)
    if info.file_size > 2**20 and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        return f"压缩比异常（超过 {limits.max_ratio} 倍，疑似压缩炸弹），未读取"
    if total + info.file_size > limits.max_total_bytes:
        return f"压缩包解压总量超过上限（{limits.max_total_bytes // 2**20} MiB），未读取"
    return None


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, cap: int) -> int | str | None:
    """Copy one member out, never more than `cap` bytes whatever its header claims; None when over."""
    written = 0
    try:
        with zf.open(info) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > cap:
                    return None
                dst.write(chunk)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError) as exc:
        target.unlink(missing_ok=True)
        return f"压缩包内文件无法解压（{exc}）"
    return written


__all__ = ["Collection", "Item", "Skipped", "ZipLimits", "collect", "member_name", "not_a_report_reason"]
