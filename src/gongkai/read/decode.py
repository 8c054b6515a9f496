"""Bytes → str for text and HTML: BOMs, UTF-8, GBK/GB18030, UTF-16, by declaration or detection."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gongkai.read.errors import ReadError
from gongkai.read.limits import check as check_limit

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


@dataclass
class Decoded:
    """Decoded text, the encoding used, and notes (characters that had to be replaced)."""

    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)


def decode_text(data: bytes, declared: str | None = None) -> Decoded:
    """Decode `data` under the character limit, tolerating a few bad bytes.

    A file that is clearly one encoding apart from a few corrupted bytes is decoded with those
    replaced by U+FFFD, and a note says how many characters were replaced and on which lines.
    """
    check_limit("chars", len(data) // 4)  # no encoding takes more than 4 bytes a character
    decoded = _utf8_with_few_bad_bytes(data, declared)
    if decoded is None:
        try:
            decoded = Decoded(*decode_bytes(data, declared))
        except ReadError:
            decoded = _tolerant(data, "gb18030")
            if decoded is None:
                raise
    check_limit("chars", len(decoded.text))
    return decoded


def _utf8_with_few_bad_bytes(data: bytes, declared: str | None) -> Decoded | None:
    """UTF-8 with a few corrupted bytes (not a file that is simply another encoding)."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return None
    if declared and declared.replace("-", "").replace("_", "") not in ("utf8",):
        try:
            data.decode(declared)
            return None  # the declaration holds
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        if exc.start > len(data) - 4:
            return None  # cut at the very end: a truncated file, handled by decode_bytes
    return _tolerant(data, "utf-8")


def _tolerant(data: bytes, encoding: str) -> Decoded | None:
    """`data` in `encoding` with a few replaced characters, when that is clearly what the file is."""
    text = data.decode(encoding, "replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode(encoding))
    if replaced <= 0 or replaced > max(16, len(text) // 100):
        return None
    others = len(text) - len(text.encode("ascii", "ignore")) - replaced  # well-formed non-ASCII characters
    if others < 10 * replaced:  # not clearly this encoding: another one, or not text at all
        return None
    if not _looks_like_text(text.replace("\ufffd", "")):
        return None
    lines: list[int] = []
    line, pos = 1, 0
    while len(lines) < 5 and (hit := text.find("\ufffd", pos)) >= 0:
        line += text.count("\n", pos, hit)
        if not lines or lines[-1] != line:
            lines.append(line)
        pos = hit
        pos += 1
    where = "、".join(f"第{n}行" for n in lines) + ("等" if replaced > len(lines) else "")
    name = "UTF-8" if encoding == "utf-8" else "GB18030（GBK）"
    note = (
        f"文件中有{replaced}个字符已损坏，无法按 {name} 解码（{where}），已替换为“\ufffd”；"
        f"其余内容按 {name} 读取，请核对这些位置"
    )
    return Decoded(text, encoding, [note])


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
