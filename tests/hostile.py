"""Hostile and broken files, built small on disk, and a CLI runner that measures time and memory.

Each builder writes one file into a folder and returns its path. `run_cli` runs `gongkai` in a
fresh process and reports its exit code, output, wall time and the peak memory (max RSS) of the
command and every worker it started.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
GOOD = CORPUS / "seeds" / "002_816cf6285d7c44a5.txt"  # 桐柏县埠江镇人民政府 2024; requests.new_received.total = 1
GOOD_TOTAL = ("requests.new_received.total", 1)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float

    def payload(self) -> list[dict]:
        """The files of the round `check --format json` printed (skipped ones as unreadable entries)."""
        data = json.loads(self.stdout)
        return data["files"]

    def skipped(self) -> dict[str, str]:
        return {s["file"]: s["reason"] for s in json.loads(self.stdout)["skipped"]}


_MEASURE = """
import os, resource, subprocess, sys, time

def descendants(pid):
    out = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                for child in fh.read().split():
                    out.extend(descendants(int(child)))
    except OSError:
        pass
    return out

def tree_rss(root):
    total = 0
    for pid in descendants(root):
        try:
            with open(f"/proc/{pid}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            pass
    return total

t = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
peak = 0
import threading
out = {}
def drain(name, stream):
    out[name] = stream.read()
threads = [threading.Thread(target=drain, args=(n, s)) for n, s in (("o", p.stdout), ("e", p.stderr))]
for th in threads:
    th.start()
while p.poll() is None:
    peak = max(peak, tree_rss(p.pid))
    time.sleep(0.02)
for th in threads:
    th.join()
dt = time.monotonic() - t
peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
sys.stdout.buffer.write(out["o"])
sys.stderr.buffer.write(out["e"])
sys.stderr.write("\\n@@MEASURE %d %.3f %d\\n" % (p.returncode, dt, peak // 1024))
"""


def run_cli(*args: str | os.PathLike[str], env: dict[str, str] | None = None, timeout: float = 300,
            prefix: tuple[str, ...] = ()) -> Run:
    """`gongkai ARGS` in a new process (run through `prefix`, e.g. setpriv). Peak memory is the
    largest total resident memory of the command and all its workers together, sampled every 20 ms
    (and never below the largest single process, from getrusage)."""
    cmd = [sys.executable, "-c", _MEASURE, *prefix, sys.executable, "-c", "from gongkai.cli import main; main()"]
    cmd += [os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in args]
    full_env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent / "src"), **(env or {})}
    full_env.pop("GONGKAI_IN_PROCESS", None)
    p = subprocess.run(cmd, capture_output=True, env=full_env, timeout=timeout)
    err = p.stderr.decode("utf-8", "replace")
    head, _, tail = err.rpartition("@@MEASURE ")
    code, seconds, rss_kb = tail.split()
    return Run(int(code), p.stdout.decode("utf-8", "replace"), head, float(seconds), int(rss_kb) / 1024)


def check_json(*paths: str | os.PathLike[str], env: dict[str, str] | None = None, **kw: object) -> Run:
    return run_cli("check", "--format", "json", *paths, env=env, **kw)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------ builders
def good_copy(folder: Path, name: str = "zz_good.txt") -> Path:
    p = folder / name
    p.write_bytes(GOOD.read_bytes())
    return p


def long_number(folder: Path) -> Path:
    """A real report whose first value cell holds a number of 5,000 digits."""
    text = GOOD.read_text(encoding="utf-8")
    lines = text.split("\n")
    for i, ln in enumerate(lines):
        if ln.strip().isdigit():
            lines[i] = ln.replace(ln.strip(), "9" * 5000)
            break
    p = folder / "long_number.txt"
    p.write_text("\n".join(lines), encoding="utf-8")
    return p


def bad_name(folder: Path) -> Path:
    """A real report under a file name that is not valid UTF-8 (a GBK name, as zips from Windows give)."""
    raw = os.fsencode(folder) + b"/" + "报告".encode("gbk") + b"\xff.txt"
    with open(raw, "wb") as fh:
        fh.write(GOOD.read_bytes())
    return Path(os.fsdecode(raw))


def fifo(folder: Path) -> Path:
    p = folder / "pipe.txt"
    os.mkfifo(p)
    return p


def docx_bytes(document_xml: bytes, compresslevel: int = 6) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="x"/>')
        zf.writestr("word/document.xml", document_xml)
    return buf.getvalue()


def docx_bomb(folder: Path, mb: int = 300) -> Path:
    """A DOCX whose document.xml inflates to `mb` MB (about a thousand times its compressed size)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>'.encode())
            block = b" " * (1 << 20)
            for _ in range(mb):
                fh.write(block)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    p = folder / "bomb.docx"
    p.write_bytes(buf.getvalue())
    return p


def docx_grid_span(folder: Path, span: int = 100_000_000) -> Path:
    """A 1 KB DOCX with one table cell spanning `span` grid columns, merged downwards twice."""
    cell = (f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/><w:vMerge w:val="restart"/></w:tcPr>'
            "<w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>")
    cont = f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/><w:vMerge/></w:tcPr><w:p/></w:tc>'
    xml = (f'<w:document xmlns:w="{W}"><w:body><w:tbl><w:tr>{cell}</w:tr><w:tr>{cont}</w:tr>'
           f"<w:tr>{cont}</w:tr></w:tbl></w:body></w:document>")
    p = folder / "span.docx"
    p.write_bytes(docx_bytes(xml.encode()))
    return p


def html_spans(folder: Path, cells: int = 2600) -> Path:
    """An HTML table of `cells` cells (rows of 50), each with rowspan = colspan = 200 (about 100 KB)."""
    cell = '<td rowspan="200" colspan="200">1</td>'
    rows = "".join("<tr>" + cell * 50 + "</tr>" for _ in range(cells // 50))
    p = folder / "spans.html"
    p.write_text(f"<html><body><table>{rows}</table></body></html>", encoding="utf-8")
    return p


def pdf_page_count(folder: Path, count: int = 1_000_000) -> Path:
    """A one-page PDF whose page tree claims `count` pages."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [3 0 R] /Count {count} >>".encode(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    p = folder / "pages.pdf"
    p.write_bytes(bytes(out))
    return p


def sparse_text(folder: Path, mb: int = 300) -> Path:
    """A text file of `mb` MB that takes no room on disk (sparse)."""
    p = folder / "huge.txt"
    with open(p, "wb") as fh:
        fh.truncate(mb << 20)
    return p


def long_text(folder: Path, lines: int = 30_000) -> Path:
    """A real report followed by `lines` lines of prose (about 2.4 MB, 0.8 million characters)."""
    p = folder / "long.txt"
    filler = "（一）主动公开政府信息情况。这是一段很长的说明文字。\n" * lines
    p.write_text(GOOD.read_text(encoding="utf-8") + filler, encoding="utf-8")
    return p


def tiff_frames(folder: Path, frames: int = 150) -> Path:
    """A multi-frame TIFF of `frames` tiny frames."""
    from PIL import Image

    imgs = [Image.new("L", (8, 8), 255) for _ in range(frames)]
    p = folder / "frames.tif"
    imgs[0].save(p, save_all=True, append_images=imgs[1:])
    return p


def png_pixels(folder: Path, side: int = 30_000) -> Path:
    """A PNG header declaring `side` × `side` pixels, with no picture data behind it."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    p = folder / "pixels.png"
    p.write_bytes(data)
    return p


def corrupt_byte(folder: Path) -> Path:
    """A real report with one byte inside a multi-byte character replaced."""
    data = bytearray(GOOD.read_bytes())
    k = data.index("总体情况".encode()) + 1  # the second byte of 总
    data[k] = 0x20
    p = folder / "corrupt.txt"
    p.write_bytes(bytes(data))
    return p


def timed(fn: object, *args: object) -> tuple[object, float]:
    t = time.monotonic()
    out = fn(*args)  # type: ignore[operator]
    return out, time.monotonic() - t


def rotated_pdf(data: bytes, angle: int = 90) -> bytes:
    """`data` with every page's content drawn turned (a quarter counter-clockwise for 90 and clockwise
    for 270, on a landscape page; upside down for 180), and /Rotate `angle` so that it displays upright."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(data)
    dst = pdfium.PdfDocument.new()
    for i in range(len(src)):
        w, hgt = src[i].get_size()
        page = dst.new_page(w, hgt) if angle == 180 else dst.new_page(hgt, w)
        obj = src.page_as_xobject(i, dst).as_pageobject()
        if angle == 180:
            obj.transform(pdfium.PdfMatrix().rotate(180).translate(w, hgt))
        elif angle == 90:
            obj.transform(pdfium.PdfMatrix().rotate(90, ccw=True).translate(hgt, 0))
        else:
            obj.transform(pdfium.PdfMatrix().rotate(90, ccw=False).translate(0, w))
        page.insert_obj(obj)
        page.gen_content()
        page.set_rotation(angle)
    buf = io.BytesIO()
    dst.save(buf)
    return buf.getvalue()
