"""Rendering throughput on one core: DOCX (official template) per second, through the library and the CLI.

    python benchmarks/bench_render.py [--n 300] [--cli 200]

Inputs are real reports: the files in examples/ are read and extracted once, and their reports
(JSON, as a writer or a pipeline would hand them over) are rendered over and over. Measured:

* library, render only: `render_docx(report)` — the bound of the writer itself;
* library, check + render: `checked(report)` (re-read of the standard form, every rule) then
  `render_docx`, which is what `gongkai render` does per report;
* CLI: `gongkai render <N JSON files> --format docx --out DIR/` in a subprocess, counted per CPU
  second of that process (user + system), start-up and imports included.

Target: ≥ 50 DOCX/s per core.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from gongkai.model import Report  # noqa: E402
from gongkai.pipeline import process_path  # noqa: E402
from gongkai.render import checked, render_docx  # noqa: E402


def real_reports() -> list[Report]:
    reports = [process_path(p).report for p in sorted((ROOT / "examples").glob("*.txt"))]
    return [r for r in reports if r.requests]


def bench_library(reports: list[Report], n: int) -> tuple[float, float]:
    render_docx(reports[0])  # warm up: the template is read once
    t0 = time.process_time()
    for k in range(n):
        render_docx(reports[k % len(reports)])
    render_only = n / (time.process_time() - t0)
    checked(reports[0])
    t0 = time.process_time()
    for k in range(n):
        render_docx(checked(reports[k % len(reports)]))
    with_check = n / (time.process_time() - t0)
    return render_only, with_check


def bench_cli(reports: list[Report], n: int) -> float:
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        inputs = []
        for k in range(n):
            p = Path(tmp) / f"r{k:04d}.json"
            p.write_text(reports[k % len(reports)].to_json(), encoding="utf-8")
            inputs.append(str(p))
        out = Path(tmp) / "out"
        exe = Path(sys.executable).with_name("gongkai")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        res = subprocess.run(
            [str(exe), "render", *inputs, "--format", "docx", "--out", str(out), "--force"],
            capture_output=True, env={**os.environ, "OMP_NUM_THREADS": "1"}, check=False,
        )
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        written = len(list(out.glob("*.docx")))
        if written != n:
            raise SystemExit(f"CLI wrote {written} of {n} files (exit {res.returncode}): {res.stderr.decode()[-500:]}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f"CLI: {n} reports, {wall:.2f} s wall, {cpu:.2f} s CPU")
        return n / cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300, help="renders through the library")
    ap.add_argument("--cli", type=int, default=200, help="reports rendered by one CLI run")
    args = ap.parse_args()
    reports = real_reports()
    print(f"{len(reports)} real reports from examples/ (rendered in turn)")
    render_only, with_check = bench_library(reports, args.n)
    print(f"library, render only     : {render_only:7.1f} DOCX/s per core")
    print(f"library, check + render  : {with_check:7.1f} DOCX/s per core")
    print(f"CLI (gongkai render, JSON): {bench_cli(reports, args.cli):7.1f} DOCX per CPU second")


if __name__ == "__main__":
    main()
