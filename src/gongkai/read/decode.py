"""Bytes → str for text and HTML: BOMs, UTF-8, GBK/GB18030, UTF-16, by declaration or detection."""

from __future__ import annotations

import re

from gongkai.read.errors import ReadError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_GB_NAMES = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn"}


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag (first 4 KiB), normalised."""
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    if name in _GB_NAMES:
        return "gb18030"
    return name


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode `data`; return (text, encoding used). Raise ReadError when it is not text."""
    if not data.strip():
        raise ReadError("empty", "文件为空，没有可读取的内容")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), "utf-16"
    if declared:
        try:
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; fall through to detection
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _looks_like_text(text):
        return text, "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding and _looks_like_text(str(best)):
        return str(best), best.encoding
    if utf8_error.start > len(data) - 4:
        # UTF-8 cut in the middle of a character at the very end: a truncated file.
        return data[: utf8_error.start].decode("utf-8"), "utf-8"
    raise ReadError("not_text", "无法识别文件编码，文件可能不是文本（或已损坏）")


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n\f") or ch == "\ufffd")
    return bad / len(sample) < 0.01
