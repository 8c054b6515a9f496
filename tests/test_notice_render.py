"""The notice and the workbook as an office opens them: converted by LibreOffice (apt: libreoffice-writer,
libreoffice-calc, poppler-utils), the pages have the right size and the text a person reads."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

from gongkai.notice.documents import round_documents, write_documents
from gongkai.round import run_round
from tests.test_round_e2e import XIDAGOU, wuxia_with_errors


def _to_pdf(tmp: Path, files: list[Path]) -> list[Path]:
    profile = tmp / "lo-profile"  # a private profile: other LibreOffice instances may run at the same time
    subprocess.run(
        ["libreoffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp / "pdf"), *map(str, files)],
        check=True, capture_output=True, timeout=180,
    )
    return [tmp / "pdf" / (f.stem + ".pdf") for f in files]


def _pages(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-l", "99", str(pdf)], check=True, capture_output=True, text=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def test_notice_and_workbook_render_in_libreoffice(tmp_path: Path) -> None:
    batch = tmp_path / "收件"
    (batch / "巫峡镇").mkdir(parents=True)
    (batch / "巫峡镇" / "年报.txt").write_text(wuxia_with_errors(), encoding="utf-8")
    (batch / "西大沟镇").mkdir()
    (batch / "西大沟镇" / "年报.txt").write_bytes(XIDAGOU.read_bytes())
    rnd = run_round([batch])
    out = write_documents(round_documents(rnd, office="巫山县人民政府办公室", issued=date(2025, 1, 20)), tmp_path / "out")
    notice_pdf, book_pdf = _to_pdf(
        tmp_path, [out / "整改通知" / "整改通知_巫山县巫峡镇人民政府_2024.docx", out / "核查汇总_2024.xlsx"]
    )
    pages = _pages(notice_pdf)
    a4 = (595.3, 841.9)
    assert abs(pages[0][0] - a4[0]) < 2 and abs(pages[0][1] - a4[1]) < 2  # the letter: A4 portrait
    assert all(w > h for w, h in pages[1:]) and len(pages) >= 2  # the list: landscape
    text = re.sub(r"\s+", "", _text(notice_pdf))
    assert "关于巫山县巫峡镇人民政府2024年度政府信息公开工作年度报告的整改通知" in text
    assert "附件：问题清单" in text and "巫山县人民政府办公室" in text and "2025年1月20日" in text
    assert "最可能有误" in text and "第332行" in text and "整改确认" in text  # table cells interleave in text
    assert "requests" not in text
    book = re.sub(r"\s+", "", _text(book_pdf))
    assert "2024年度政府信息公开工作年度报告核查汇总（汇总）" in book
    assert "巫山县巫峡镇人民政府" in book and "需整改" in book and "缺少第六部分" in book
