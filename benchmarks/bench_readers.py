"""Reader throughput on one core: DOCX reports/s, text-PDF reports/s, OCR pages/s, peak memory.

    python benchmarks/bench_readers.py [--docx 400] [--pdf 60] [--ocr 2]

Reports are generated (random consistent numbers; the official template for DOCX, the
WPS-like ruled layout for PDF, a 200 dpi noisy scan for OCR), read and extracted in this
process; each measure reports its peak traced Python memory (tracemalloc) and the process's
max RSS. Targets: DOCX ≥ 200 reports/s, text PDF ≥ 20 reports/s per core.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gongkai.extract import extract  # noqa: E402
from gongkai.model import Source  # noqa: E402
from gongkai.read import read_bytes  # noqa: E402
from tests.report_factory import PdfLayout, docx_bytes, pdf_bytes, random_report  # noqa: E402


def _measure(label: str, items: list[bytes], name: str, unit: str, per_item: int = 1) -> dict[str, float]:
    def run(data: bytes) -> None:
        doc = read_bytes(data, name)
        extract(doc, Source(path=name, sha256="", kind=doc.kind))

    run(items[0])  # warm up: imports, model loading
    t0 = time.perf_counter()
    for data in items:
        run(data)
    elapsed = time.perf_counter() - t0
    tracemalloc.start()  # a second, shorter pass for memory: tracing slows Python down several times
    for data in items[: max(1, len(items) // 10)]:
        run(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rate = len(items) * per_item / elapsed
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<10} {len(items) * per_item:>5} {unit:<8} {elapsed:8.2f} s  {rate:8.1f} {unit}/s  "
          f"peak traced {peak / 2**20:6.1f} MiB  max RSS {rss:7.1f} MiB")
    return {"rate": rate, "peak_mib": peak / 2**20, "rss_mib": rss}


def bench_read_only(label: str, items: list[bytes], name: str) -> None:
    """Reading alone (no extraction), for comparison with the reader targets."""
    read_bytes(items[0], name)
    t0 = time.perf_counter()
    for data in items:
        read_bytes(data, name)
    print(f"{label:<10} {len(items):>5} reports  read only: {len(items) / (time.perf_counter() - t0):8.1f} reports/s")


def bench_docx(n: int) -> dict[str, float]:
    rng = random.Random(1)
    items = [docx_bytes(random_report(rng)) for _ in range(n)]
    bench_read_only("docx", items, "r.docx")
    return _measure("docx", items, "r.docx", "reports")


def bench_pdf(n: int) -> dict[str, float]:
    rng = random.Random(2)
    layouts = [PdfLayout(), PdfLayout(ruled=False), PdfLayout(break_after_request_row=12, repeat_header=True)]
    items = [pdf_bytes(random_report(rng), layouts[k % len(layouts)]) for k in range(n)]
    bench_read_only("text pdf", items, "r.pdf")
    return _measure("text pdf", items, "r.pdf", "reports")


def bench_ocr(n: int) -> dict[str, float]:
    try:
        from tests.test_read_ocr import scan
    except ImportError:  # pragma: no cover
        print("ocr        skipped (tests not importable)")
        return {}
    import importlib.util

    if importlib.util.find_spec("rapidocr_onnxruntime") is None:
        print("ocr        skipped: the optional OCR extra is not installed (pip install 'gongkai[ocr]')")
        return {}
    rng = random.Random(3)
    items = [scan(pdf_bytes(random_report(rng), PdfLayout()), 200, 0.5, k) for k in range(n)]
    pages = 2  # the generated reports are two pages long
    return _measure("ocr", items, "scan.tif", "pages", per_item=pages)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docx", type=int, default=400, help="DOCX reports to read")
    ap.add_argument("--pdf", type=int, default=60, help="text PDF reports to read")
    ap.add_argument("--ocr", type=int, default=2, help="scanned reports (two pages each) to read; 0 to skip")
    args = ap.parse_args(argv)
    results: dict[str, Callable[[int], dict[str, float]]] = {"docx": bench_docx, "pdf": bench_pdf, "ocr": bench_ocr}
    for key, fn in results.items():
        n = getattr(args, key)
        if n > 0:
            fn(n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
