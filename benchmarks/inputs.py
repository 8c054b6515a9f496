"""Benchmark inputs: the real corpus reports, and the same reports written into the official template.

* text: the corpus reports (seeds, excerpts, the PDF's text twin), as published;
* DOCX: each complete corpus report (its numbers, title and prose) filled into the official blank
  template (/work/shared/spec/template_2021.docx, or the copy in tests/fixtures), then saved again
  by LibreOffice, as a real writer's file is;
* PDF: those documents exported by LibreOffice (a text layer, ruled tables, CJK fonts);
* HTML: those documents exported by LibreOffice and pasted into a CMS page (menus, sidebars,
  footer, inline styles), about 120 KB a page, as county sites publish them.

Everything is generated here, from the template and the corpus, never edited by hand.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))


def text_sources() -> list[Path]:
    """Every corpus report published as text."""
    return sorted(p for folder in ("seeds", "excerpts", "pdf") for p in (CORPUS / folder).glob("*.txt"))


def _complete_reports() -> list:
    """Corpus reports whose three tables are complete (the template needs every cell)."""
    from gongkai.pipeline import process_path
    from tests.report_factory import COLS, ROWS_2021

    out = []
    for path in text_sources():
        rep = process_path(path).report
        cells = rep.cells()
        if all(cells.get(f"requests.{r.key}.{c}") is not None for r in ROWS_2021 for c in COLS):
            out.append(rep)
    return out


def _factory_report(rep):  # type: ignore[no-untyped-def]
    """A gongkai Report as the test factory's Report (the shape `docx_bytes` fills in)."""
    from tests.report_factory import Report

    def grid(table: dict | None) -> dict:
        rows = (table or {}).items()
        return {row: {col: (v if v is not None else 0) for col, v in cols.items()} for row, cols in rows}

    return Report(grid(rep.active), grid(rep.requests), grid(rep.review_litigation),
                  agency=rep.meta.agency or "某县人民政府", year=rep.meta.year or 2023)


def template_docx(rep) -> bytes:  # type: ignore[no-untyped-def]
    """The official template filled in with one real report: its numbers, title and section prose."""
    import docx

    from tests.report_factory import docx_bytes

    d = docx.Document(io.BytesIO(docx_bytes(_factory_report(rep))))
    prose = {s.no: [ln for ln in s.text.split("\n") if ln.strip()] for s in rep.sections}
    for index, no in ((4, 1), (29, 5), (31, 6)):
        lines = prose.get(no) or ["无。"]
        para = d.paragraphs[index]
        para.text = lines[0]
        anchor = d.paragraphs[index + 1]
        for line in lines[1:]:
            anchor.insert_paragraph_before(line, para.style)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _office() -> str:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise SystemExit("the benchmark needs LibreOffice (apt-get install libreoffice-writer)")
    return office


def libreoffice_convert(docs: list[bytes], target: str) -> list[bytes]:
    """Convert DOCX documents with LibreOffice (one headless run for all); `target` is docx|pdf|html."""
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-lo-") as tmp:
        folder = Path(tmp)
        names = []
        for i, data in enumerate(docs):
            (folder / "in").mkdir(exist_ok=True)
            src = folder / "in" / f"r{i:03d}.docx"
            src.write_bytes(data)
            names.append(src)
        out = folder / "out"
        filt = {"docx": "docx:MS Word 2007 XML", "pdf": "pdf", "html": "html:HTML (StarWriter)"}[target]
        cmd = [_office(), f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
               "--convert-to", filt, "--outdir", str(out), *map(str, names)]
        subprocess.run(cmd, capture_output=True, timeout=600, check=True)
        return [(out / f"{p.stem}.{target}").read_bytes() for p in names]


_MENU = "".join(f'<li class="nav-item"><a href="/col/col{i}/index.html" style="color:#fff;font-size:15px">栏目{i}</a>'
                f'<ul class="sub">{"".join(f"<li><a href=/col/{i}/{k}.html>子栏目{i}-{k}</a></li>" for k in range(12))}'
                f"</ul></li>" for i in range(30))
_SIDE = "".join(f'<li><a href="/art/2024/{i}.html" title="关于印发某县第{i}项工作方案的通知">'
                f"关于印发某县第{i}项工作方案的通知"
                f'</a><span class="date">2024-01-{i % 28 + 1:02d}</span></li>' for i in range(60))
_FOOT = "".join(f'<a href="https://www.gov.cn/link{i}">相关链接{i}</a> ' for i in range(60))


def cms_page(body_html: str, title: str) -> str:
    """A report's HTML pasted into a county site's article page."""
    import re

    m = re.search(r"<body[^>]*>(.*)</body>", body_html, re.S | re.I)
    body = m.group(1) if m else body_html
    rule = "font-family:仿宋_GB2312;font-size:16pt;line-height:28pt"
    style = "".join(f".c{i}{{{rule};margin:0 {i}px}}" for i in range(200))
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title><style>{style}</style>'
        '<script>var _hmt=_hmt||[];(function(){var hm=document.createElement("script");})();</script></head>'
        f'<body><div class="header"><div class="logo">某县人民政府</div><ul class="nav">{_MENU}</ul></div>'
        '<div class="main"><div class="location">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>'
        f'<div class="article"><h1 class="title">{title}</h1>'
        '<div class="info">发布时间：2024-01-20 来源：县政府办</div>'
        f'<div class="TRS_Editor" id="zoom">{body}</div></div>'
        f'<div class="side"><h3>相关文章</h3><ul>{_SIDE}</ul></div></div>'
        f'<div class="footer">{_FOOT}<p>主办：某县人民政府办公室 备案号：某ICP备00000000号</p></div></body></html>'
    )


def build(folder: Path, formats: tuple[str, ...] = ("text", "docx", "pdf", "html")) -> dict[str, list[Path]]:
    """Write one file per distinct source report and format into folder; return them by format."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, list[Path]] = {}
    if "text" in formats:
        out["text"] = []
        for p in text_sources():
            target = folder / "text" / p.name
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(p.read_bytes())
            out["text"].append(target)
    office_formats = [f for f in ("docx", "pdf", "html") if f in formats]
    if office_formats:
        reports = _complete_reports()
        filled = [template_docx(r) for r in reports]
        for fmt in office_formats:
            (folder / fmt).mkdir(exist_ok=True)
            out[fmt] = []
            for i, data in enumerate(libreoffice_convert(filled, fmt)):
                if fmt == "html":
                    rep = reports[i]
                    title = f"{rep.meta.agency or ''}{rep.meta.year or ''}年政府信息公开工作年度报告"
                    data = cms_page(data.decode("utf-8", "replace"), title).encode("utf-8")
                target = folder / fmt / f"r{i:03d}.{fmt}"
                target.write_bytes(data)
                out[fmt].append(target)
    return out


if __name__ == "__main__":
    built = build(Path(sys.argv[1] if len(sys.argv) > 1 else "bench-inputs"))
    for fmt, files in built.items():
        sizes = sorted(f.stat().st_size for f in files)
        print(f"{fmt:5} {len(files):3} files, median {sizes[len(sizes) // 2] / 1024:.0f} KiB")
