"""The notices of a round: which reports get one, their file names, and the zip of all of them.

Every report of the round's year that was received gets a notice (通过 ones a short 核查结果通知,
the others a 整改通知 listing what to fix); file names are safe on Windows and unique even when
two units carry the same name.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from gongkai.notice.content import Notice, build_notice
from gongkai.notice.wording import display_file

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_SPACES = re.compile(r"\s+")
MAX_NAME = 60


def notice_kind(n: Notice) -> str:
    """整改通知 for a report to fix or to resend, 核查结果通知 for one that passed."""
    return "核查结果通知" if n.status == "通过" else "整改通知"


def notice_title(n: Notice) -> str:
    year = f"{n.year}年度" if n.year else ""
    return f"关于{n.unit}{year}政府信息公开工作年度报告的{notice_kind(n)}"


def safe_name(text: str, limit: int = MAX_NAME) -> str:
    """A piece of a file name that every system accepts: no separators, no control characters."""
    s = _SPACES.sub("", _UNSAFE.sub("_", text)).strip("._") or "未命名"
    return s[:limit]


@dataclass
class NoticeFile:
    """One notice and the stem its files are written under (`<stem>.docx`, `<stem>.html`)."""

    stem: str
    notice: Notice
    entry: Any  # gongkai.round.Entry


def round_notices(rnd: Any, office: str = "政务公开办公室", issued: date | None = None) -> list[NoticeFile]:
    """A notice for every report of the round's year: units in roster order, then reports matching no unit."""
    entries: list[Any] = [e for row in rnd.units for e in row.entries]
    entries += [e for e in rnd.unmatched if rnd.in_year(e)]
    per_unit: dict[str, int] = {}
    for e in entries:
        per_unit[e.unit_name] = per_unit.get(e.unit_name, 0) + 1
    out: list[NoticeFile] = []
    used: set[str] = set()
    for e in entries:
        n = build_notice(e, office=office, issued=issued)
        n.file = display_file(e.rel)
        if n.year is None and e.error is not None:
            n.year = rnd.year  # an unreadable file was sent for the round's year
        if per_unit[e.unit_name] > 1:
            n.notes.append(
                f"你单位本年度共报送了 {per_unit[e.unit_name]} 份文件（重复报送），本通知针对其中的“{n.file}”。"
                "请确认以哪一份为准，并只保留一份。"
            )
        if e.unit is None and rnd.roster is not None:
            n.notes.append("该报告未能与报送名单中的单位对应，请核实报告中的单位名称是否为全称。")
        kind = "核查结果" if n.status == "通过" else "整改通知"
        stem = f"{kind}_{safe_name(e.unit_name)}_{n.year or rnd.year or '年度未识别'}"
        unique, i = stem, 2
        while unique.lower() in used:
            unique, i = f"{stem}_{i}", i + 1
        used.add(unique.lower())
        out.append(NoticeFile(unique, n, e))
    return out


def notices_zip(
    files: list[NoticeFile],
    render: Callable[[Notice], bytes] | None = None,
    suffix: str = ".docx",
    template: str | Path | None = None,
) -> bytes:
    """Every notice rendered (Word by default) in one zip, in memory, member names flagged UTF-8."""
    if render is None:
        from gongkai.notice.docx import notice_docx_bytes

        def render(n: Notice) -> bytes:
            return notice_docx_bytes(n, template=template)

    buf = io.BytesIO()
    method = zipfile.ZIP_STORED if suffix == ".docx" else zipfile.ZIP_DEFLATED  # a .docx is compressed already
    with zipfile.ZipFile(buf, "w", method) as zf:
        for nf in files:
            zf.writestr(nf.stem + suffix, render(nf.notice))  # non-ASCII names get the UTF-8 flag
    return buf.getvalue()


__all__ = ["NoticeFile", "notice_kind", "notice_title", "notices_zip", "round_notices", "safe_name"]
