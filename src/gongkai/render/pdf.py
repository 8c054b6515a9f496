"""PDF through LibreOffice (headless): the rendered Word files converted in one run."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = 300


class PdfUnavailable(RuntimeError):
    """LibreOffice is missing or failed; the message is Chinese, for the user."""


def office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(documents: list[bytes]) -> list[bytes]:
    """Convert .docx documents (bytes) to PDF (bytes), in order, with one LibreOffice run."""
    exe = office()
    if exe is None:
        raise PdfUnavailable(
            "生成 PDF 需要 LibreOffice，但系统中没有找到 soffice 命令；请先安装（例如 apt-get install "
            "libreoffice-writer），或改用 --format docx 生成 Word 文件后自行另存为 PDF"
        )
    with tempfile.TemporaryDirectory(prefix="gongkai-pdf-") as tmp:
        names = []
        for k, data in enumerate(documents):
            src = Path(tmp) / f"report{k:05d}.docx"
            src.write_bytes(data)
            names.append(src)
        profile = (Path(tmp) / "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
               "--outdir", tmp, *map(str, names)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=TIMEOUT + 10 * len(names), check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(f"LibreOffice 转换 PDF 失败：{exc}") from exc
        out = []
        for src in names:
            pdf = src.with_suffix(".pdf")
            if not pdf.exists():
                raise PdfUnavailable("LibreOffice 没有生成 PDF 文件（转换失败）；请改用 --format docx")
            out.append(pdf.read_bytes())
        return out
