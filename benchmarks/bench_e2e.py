"""End-to-end speed through the CLI on real reports, per CPU second, each figure beside its bound.

    python benchmarks/bench_e2e.py [--n 1000] [--repeat 3] [--formats text,html,docx,pdf] [--no-scaling]

Inputs (`benchmarks/inputs.py`): the corpus's text reports, and the complete ones filled into the
official template and converted by LibreOffice to DOCX, PDF and a CMS web page. Each format's
distinct files are copied to N files.

* `gongkai extract DIR --out OUT --jobs 1` runs as a child process; its CPU time (user + system,
  from getrusage of the child, start-up included) gives reports per CPU second on one core;
  the median of `--repeat` runs is shown.
* The bound of each format runs the same way over the same files, in a child process of its own:
  text: read + decode + split lines; HTML: `lxml.html.fromstring`; DOCX: unzip + lxml parse of
  word/document.xml; PDF: pypdfium2's characters with their boxes.
* Start-up: CPU time of `gongkai check` on one small report (goal ≤ 0.25 s).
* Scaling (wall time, so it shows the machine's other load): `--jobs 2` against `--jobs 1`, and
  `--dask local:2` against `--dask local:1` (cluster start included and shown separately).

Figures go to stdout as Markdown tables, ready for the README.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import inputs  # noqa: E402

GONGKAI = str(Path(sys.executable).with_name("gongkai"))
GOALS = {"text": 2000.0, "html": 350.0, "docx": 130.0, "pdf": 45.0}

BOUND_CODE = {
    "text": """
import sys
from pathlib import Path
for p in sorted(Path(sys.argv[1]).iterdir()):
    p.read_bytes().decode("utf-8", "replace").splitlines()
""",
    "html": """
import sys
from pathlib import Path
from lxml import html
for p in sorted(Path(sys.argv[1]).iterdir()):
    html.fromstring(p.read_bytes())
""",
    "docx": """
import sys, zipfile
from pathlib import Path
from lxml import etree
for p in sorted(Path(sys.argv[1]).iterdir()):
    with zipfile.ZipFile(p) as z:
        etree.fromstring(z.read("word/document.xml"))
""",
    "pdf": """
import ctypes, sys
from pathlib import Path
import pypdfium2 as pdfium
import pypdfium2.raw as c
for p in sorted(Path(sys.argv[1]).iterdir()):
    pdf = pdfium.PdfDocument(p.read_bytes())
    for page in pdf:
        tp = page.get_textpage()
        l, r, b, t = (ctypes.c_double() for _ in range(4))
        refs = [ctypes.byref(v) for v in (l, r, b, t)]
        for i in range(c.FPDFText_CountChars(tp.raw)):
            c.FPDFText_GetUnicode(tp.raw, i)
            c.FPDFText_GetCharBox(tp.raw, i, *refs)
        tp.close()
        page.close()
    pdf.close()
""",
}


def _subreaper() -> None:
    """Adopt orphaned descendants (Linux): worker processes and servers a child leaves behind are
    reaped here, so their CPU time is counted in RUSAGE_CHILDREN too."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        print("(cannot become a subreaper: CPU of orphaned worker processes is not counted)", file=sys.stderr)


def _reap_all() -> None:
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def child(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one child process and every process it started, from getrusage
    of the children (descendants included: this process is their subreaper)."""
    _reap_all()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
    _reap_all()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:4])} … failed ({proc.returncode}): {proc.stderr.decode()[-800:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def median_of(runs: int, cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    results = [child(cmd, env) for _ in range(runs)]
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def replicate(files: list[Path], n: int, folder: Path) -> Path:
    """N copies of the distinct files, round robin, each under its own name."""
    folder.mkdir(parents=True)
    for i in range(n):
        src = files[i % len(files)]
        shutil.copy(src, folder / f"r{i:05d}_{src.name}")
    return folder


def extract_cmd(folder: Path, out: Path, *extra: str) -> list[str]:
    return [GONGKAI, "extract", str(folder), "--out", str(out), *extra]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000, help="files per format")
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure (the median is shown)")
    ap.add_argument("--formats", default="text,html,docx,pdf")
    ap.add_argument("--no-scaling", action="store_true", help="skip the --jobs and Dask scaling runs")
    ap.add_argument("--keep", type=Path, help="build the inputs in this folder and keep them")
    args = ap.parse_args(argv)
    _subreaper()
    formats = tuple(args.formats.split(","))
    tmp = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    base = args.keep or tmp
    try:
        built = inputs.build(base / "distinct", formats)
        print(f"# gongkai end to end, {args.n} files per format, median of {args.repeat} runs, "
              f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}\n")
        print("| format | distinct files | median size | reports / CPU s | bound / CPU s | ratio to bound "
              "| goal | ratio to goal |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        folders: dict[str, Path] = {}
        for fmt in formats:
            folder = replicate(built[fmt], args.n, base / "many" / fmt)
            folders[fmt] = folder
            out = base / "out" / fmt
            cpu, _ = median_of(args.repeat, extract_cmd(folder, out, "--jobs", "1"))
            bound_cpu, _ = median_of(args.repeat, [sys.executable, "-c", BOUND_CODE[fmt], str(folder)])
            rate, bound = args.n / cpu, args.n / bound_cpu
            size = statistics.median(p.stat().st_size for p in built[fmt]) / 1024
            print(f"| {fmt} | {len(built[fmt])} | {size:.0f} KiB | {rate:,.0f} | {bound:,.0f} | {rate / bound:.2f} "
                  f"| {GOALS[fmt]:,.0f} | {rate / GOALS[fmt]:.2f} |")

        one = built[formats[0]][0]
        start_cpu, _ = median_of(max(5, args.repeat), [GONGKAI, "check", str(one)])
        bare_cpu, _ = median_of(max(5, args.repeat), [sys.executable, "-c", "import pydantic, typer, lxml.etree"])
        print(f"\nStart-up: `gongkai check` of one report: {start_cpu:.3f} CPU s (goal ≤ 0.25 s; "
              f"bound: Python importing pydantic, typer and lxml: {bare_cpu:.3f} s; ratio {start_cpu / bare_cpu:.2f})")

        if not args.no_scaling:
            fmt = "html" if "html" in folders else formats[0]
            folder = folders[fmt]
            print(f"\nScaling on {args.n} {fmt} files (wall seconds; the machine's other load shows here):\n")
            print("| run | wall s | speed-up |")
            print("|---|---:|---:|")
            _, w1 = median_of(args.repeat, extract_cmd(folder, base / "out" / "j1", "--jobs", "1"))
            _, w2 = median_of(args.repeat, extract_cmd(folder, base / "out" / "j2", "--jobs", "2"))
            print(f"| --jobs 1 | {w1:.2f} | 1.00 |")
            print(f"| --jobs 2 | {w2:.2f} | {w1 / w2:.2f} |")
            startup = _dask_start_seconds()
            d1 = statistics.median(
                child(extract_cmd(folder, base / "out" / f"d1_{k}", "--dask", "local:1"))[1] for k in range(2))
            d2 = statistics.median(
                child(extract_cmd(folder, base / "out" / f"d2_{k}", "--dask", "local:2"))[1] for k in range(2))
            print(f"| --dask local:1 | {d1:.2f} | {w1 / d1:.2f} |")
            print(f"| --dask local:2 | {d2:.2f} | {w1 / d2:.2f} |")
            print(f"\nDask: starting a 2-worker LocalCluster and connecting takes {startup:.1f} s wall of the above; "
                  f"without it, local:2 against local:1 is {(d1 - startup) / max(d2 - startup, 1e-9):.2f}×.")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _dask_start_seconds() -> float:
    code = ("import time; t=time.perf_counter()\n"
            "from gongkai.distributed.run import connect\n"
            "with connect('local:2') as c: c.submit(abs, -1).result()\n"
            "print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    raise SystemExit(main())
