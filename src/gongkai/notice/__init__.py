"""Notices: what each unit must fix (整改通知), as data and as Word, workbook and HTML."""

from gongkai.notice.content import CellRef, Notice, NoticeItem, build_notice, finding_view

__all__ = ["CellRef", "Notice", "NoticeItem", "build_notice", "finding_view"]
