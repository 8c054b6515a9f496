"""Characters → text lines → strings: the one place that decides where lines and spaces are."""

from __future__ import annotations

from gongkai.read.pdf_geometry import Char

SPACE_GAP = 0.5  # a gap wider than this many character heights reads as a space


def group_lines(chars: list[Char], overlap: float = 0.5) -> list[list[Char]]:
    """Characters grouped into lines (top to bottom), each sorted left to right.

    A character joins a line when it overlaps the line's vertical band by at least
    `overlap` of the smaller height; superscripts and mixed sizes stay on their line.
    """
    lines: list[tuple[float, float, list[Char]]] = []  # the band of a line's first character, its members
    for ch in sorted(chars, key=lambda c: (c.cy, c.x0)):
        h = max(ch.height, 0.1)
        if lines:
            top, bottom, members = lines[-1]
            inter = min(bottom, ch.bottom) - max(top, ch.top)
            if inter >= overlap * min(h, bottom - top):
                members.append(ch)
                continue
        lines.append((ch.top, ch.bottom, [ch]))
    return [sorted(members, key=lambda c: c.x0) for _, _, members in lines]


def line_text(line: list[Char]) -> str:
    """The text of one line, with a space where the gap between characters is wide."""
    parts: list[str] = []
    prev: Char | None = None
    for ch in line:
        if prev is not None and not ch.text.isspace() and not prev.text.isspace():
            gap = ch.x0 - prev.x1
            if gap > SPACE_GAP * max(min(ch.height, prev.height), 1.0):
                parts.append(" ")
        parts.append(ch.text)
        prev = ch
    return " ".join("".join(parts).split())


def block_text(chars: list[Char], overlap: float = 0.5) -> str:
    """Text of a cell: its lines joined by newlines."""
    lines = [line_text(line) for line in group_lines(chars, overlap)]
    return "\n".join(t for t in lines if t)


def bbox_of(chars: list[Char]) -> tuple[float, float, float, float]:
    return (min(c.x0 for c in chars), min(c.top for c in chars), max(c.x1 for c in chars), max(c.bottom for c in chars))


def confidence_of(chars: list[Char]) -> float | None:
    """The lowest OCR confidence among the characters, or None for a text layer."""
    scores = [c.confidence for c in chars if c.confidence is not None]
    return min(scores) if scores else None
