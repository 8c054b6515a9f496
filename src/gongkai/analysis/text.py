"""Section text for reading and comparing: hard line breaks joined into paragraphs, spacing normalised.

PDF text keeps the page's line breaks ("坚持以习近平新时代中国特色社会\\n主义思想…") and often spaces
around numbers ("2023 年"); a text copy of the same report does not. For display and comparison a
line is joined to the one before unless that one ends a sentence or the line starts a heading; spaces
next to a Chinese character or punctuation are dropped. The stored section text is never changed:
it stays the evidence.
"""

from __future__ import annotations

import re
import unicodedata

_ENDS = tuple("。！？；：…!?;:")
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\([一二三四五六七八九十\d]+\)|\d+[.、．]\D|第[一二三四五六七八九十]+[章节部分条])"
)
_SPACE_NEAR_WIDE = re.compile(r"(?<=[^\x00-\x7f])[ \t\u3000\u00a0]+|[ \t\u3000\u00a0]+(?=[^\x00-\x7f])")
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")


def tidy(line: str) -> str:
    """A line without spaces next to Chinese characters or punctuation, other runs of spaces as one."""
    return _SPACES.sub(" ", _SPACE_NEAR_WIDE.sub("", line)).strip()


def paragraphs(text: str) -> list[str]:
    """The text as paragraphs: hard line breaks inside a sentence joined, blank lines and headings kept apart."""
    out: list[str] = []
    open_ = False
    for raw in text.splitlines():
        line = tidy(raw)
        if not line:
            open_ = False
            continue
        if open_ and out and not out[-1].endswith(_ENDS) and not _HEADING.match(line) and not _title(out[-1]):
            prev = out[-1]
            glue = " " if _latin(prev[-1:]) and _latin(line[:1]) else ""
            out[-1] = prev + glue + line
        else:
            out.append(line)
        open_ = True
    return out


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _title(paragraph: str) -> bool:
    """A heading standing alone ("（一）主动公开情况"): short, and starts like a heading."""
    return len(paragraph) <= 20 and bool(_HEADING.match(paragraph))


def joined(text: str) -> str:
    """The text with its paragraphs one per line."""
    return "\n".join(paragraphs(text))


def comparable(text: str) -> str:
    """What two copies of the same text agree on: paragraphs joined, spacing and full/half width folded."""
    return "".join(unicodedata.normalize("NFKC", p).replace(" ", "") for p in paragraphs(text))
