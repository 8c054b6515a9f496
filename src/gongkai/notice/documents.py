"""Every document of a round, in memory: the faces (CLI, web) only decide where they go.

Layout (the CLI writes it as is under its --out folder; the web face serves the same names):
  整改通知/<stem>.docx   one Word notice per report of the round's year
  网页版/<stem>.html     the same notice as a printable page
  notices.zip           all the Word notices
  核查汇总_<年度>.xlsx    the round's workbook (links to 整改通知/<stem>.docx)
  round.json            the round, the baseline of the next one
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from gongkai.notice.batch import NoticeFile, notices_zip, round_notices

NOTICE_DIR = "整改通知"
HTML_DIR = "网页版"
ZIP_NAME = "notices.zip"
ROUND_JSON = "round.json"
NOTICE_PREFIXES = ("整改通知_", "核查结果_")


def workbook_name(rnd: Any) -> str:
    return f"核查汇总_{rnd.year or '年度未识别'}.xlsx"


@dataclass
class RoundDocuments:
    notices: list[NoticeFile]
    files: dict[str, bytes] = field(default_factory=dict)  # relative path → content

    @property
    def workbook(self) -> str:
        return next(name for name in self.files if name.endswith(".xlsx"))


def round_documents(
    rnd: Any,
    office: str = "政务公开办公室",
    issued: date | None = None,
    template: str | Path | None = None,
    baseline: dict[str, Any] | None = None,
) -> RoundDocuments:
    """Render every notice (Word and HTML), the zip, the workbook and round.json of a round."""
    from gongkai.notice.docx import notice_docx_bytes
    from gongkai.notice.html import notice_page
    from gongkai.notice.workbook import workbook_bytes

    notices = round_notices(rnd, office=office, issued=issued)
    out = RoundDocuments(notices)
    docx: dict[int, bytes] = {}
    for nf in notices:
        docx[id(nf.notice)] = notice_docx_bytes(nf.notice, template=template, baseline=rnd.baseline_file)
        out.files[f"{NOTICE_DIR}/{nf.stem}.docx"] = docx[id(nf.notice)]
        out.files[f"{HTML_DIR}/{nf.stem}.html"] = notice_page(nf.notice, rnd.baseline_file).encode("utf-8")
    out.files[ZIP_NAME] = notices_zip(notices, render=lambda n: docx[id(n)])
    out.files[workbook_name(rnd)] = workbook_bytes(rnd, notices, NOTICE_DIR, baseline=baseline)
    out.files[ROUND_JSON] = rnd.to_json().encode("utf-8")
    return out


def write_documents(docs: RoundDocuments, folder: str | Path) -> Path:
    """Write the documents under `folder`, replacing the notices an earlier run left in its subfolders."""
    root = Path(folder)
    for sub, suffix in ((NOTICE_DIR, ".docx"), (HTML_DIR, ".html")):
        (root / sub).mkdir(parents=True, exist_ok=True)
        for old in (root / sub).iterdir():
            if old.suffix == suffix and old.name.startswith(NOTICE_PREFIXES) and old.is_file():
                old.unlink()
    for name, data in docs.files.items():
        (root / name).write_bytes(data)
    return root


__all__ = [
    "HTML_DIR",
    "NOTICE_DIR",
    "ROUND_JSON",
    "ZIP_NAME",
    "RoundDocuments",
    "round_documents",
    "workbook_name",
    "write_documents",
]
