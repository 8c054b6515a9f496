"""Throughput benchmark: reports per second and peak memory, per input format, on one core.

    python benchmarks/bench.py [--n 1000] [--formats text,html,docx,pdf]

The corpus text reports (seeds, excerpts, the PDF's text twin) are replicated to N files,
each made unique; HTML files are the same reports rendered as full web pages. Each format
runs in its own process so its peak memory (max RSS) is its own. Figures go to stdout as a
Markdown table, ready for the README.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"


def _text_sources() -> list[Path]:
    return sorted(p for folder in ("seeds", "excerpts", "pdf") for p in (CORPUS / folder).glob("*.txt"))


def make_corpus(fmt: str, n: int, folder: Path) -> list[Path]:
    """N files of the given format, each unique (a comment line with its number)."""
    sources = _text_sources()
    files: list[Path] = []
    if fmt == "text":
        texts = [p.read_text(encoding="utf-8") for p in sources]
        for i in range(n):
            p = folder / f"r{i:05d}.txt"
            p.write_text(texts[i % len(texts)] + f"\n\n（副本 {i}）\n", encoding="utf-8")
            files.append(p)
    elif fmt == "html":
        sys.path.insert(0, str(ROOT / "src"))
        from gongkai.pipeline import process_path
        from gongkai.render import render_html

        pages = [render_html(process_path(p).report, page_chrome=True) for p in sources[:6]]
        for i in range(n):
            p = folder / f"r{i:05d}.html"
            p.write_text(pages[i % len(pages)].replace("</body>", f"<!-- {i} --></body>"), encoding="utf-8")
            files.append(p)
    else:
        extra = ROOT / "benchmarks" / f"bench_{fmt}.py"
        raise SystemExit(f"no corpus builder for {fmt}; see {extra}")
    return files


def run_one(fmt: str, n: int) -> dict[str, float]:
    from gongkai.pipeline import process_many, process_path

    with tempfile.TemporaryDirectory() as tmp:
        files = make_corpus(fmt, n, Path(tmp))
        process_path(files[0])  # warm up imports and caches
        start = time.perf_counter()
        cells = 0
        for res in process_many(files):
            cells += len(res.report.cells())
        elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"format": fmt, "reports": n, "seconds": elapsed, "per_second": n / elapsed, "cells": cells,
            "peak_mib": peak_kib / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--formats", default="text,html")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.n)))
        return
    rows = []
    for fmt in args.formats.split(","):
        out = subprocess.run(
            [sys.executable, __file__, "--one", fmt, "--n", str(args.n)], capture_output=True, text=True, check=True
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("| 格式 format | 报告数 reports | 秒 seconds | 份/秒 reports/s (1 core) | 峰值内存 peak RSS (MiB) |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['format']} | {r['reports']} | {r['seconds']:.2f} | {r['per_second']:.0f} | {r['peak_mib']:.0f} |")


if __name__ == "__main__":
    main()
