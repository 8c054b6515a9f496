"""Notices: what each unit must fix (整改通知), as data and as Word, workbook and HTML.

`round_notices(rnd)` gives every notice of a round with its file name; the faces are in
`gongkai.notice.docx` (`notice_docx_bytes`), `.html` (`notice_fragment`, `notice_page`),
`.workbook` (`workbook_bytes`) and `notices_zip` (all Word notices in one zip, in memory).
"""

from gongkai.notice.batch import NoticeFile, notice_title, notices_zip, round_notices, safe_name
from gongkai.notice.content import CellRef, Notice, NoticeItem, build_notice, finding_view

__all__ = [
    "CellRef",
    "Notice",
    "NoticeFile",
    "NoticeItem",
    "build_notice",
    "finding_view",
    "notice_title",
    "notices_zip",
    "round_notices",
    "safe_name",
]
