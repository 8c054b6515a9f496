"""The round's notices and its downloads, from the notice writers (`gongkai.notice`): the Word notice,
the printable HTML notice, the round's workbook, and every notice in one zip."""

from __future__ import annotations

import io
import zipfile

from gongkai.notice.batch import NoticeFile, round_notices
from gongkai.notice.content import Notice
from gongkai.notice.docx import notice_docx_bytes
from gongkai.notice.html import notice_css, notice_fragment, notice_page
from gongkai.notice.workbook import workbook_bytes
from gongkai.round import Round

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def word(n: Notice) -> bytes:
    return notice_docx_bytes(n)


def workbook(rnd: Round, files: list[NoticeFile]) -> bytes:
    return workbook_bytes(rnd, files)


def notices_zip(rnd: Round, files: list[NoticeFile]) -> bytes:
    """Every notice as Word and as a printable page, and the round's workbook, in one zip."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            zf.writestr(f"{f.stem}.docx", word(f.notice), compress_type=zipfile.ZIP_STORED)  # compressed already
            zf.writestr(f"{f.stem}.html", notice_page(f.notice))
        zf.writestr("核查汇总.xlsx", workbook(rnd, files), compress_type=zipfile.ZIP_STORED)
    return buf.getvalue()


__all__ = ["DOCX", "XLSX", "notice_css", "notice_fragment", "notices_zip", "round_notices", "word", "workbook"]
