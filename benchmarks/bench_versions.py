"""Ingest speed as versions of one agency-year accumulate (issue: 103 → 57 reports/s).

N corrected versions of one real report (seed 000, one table number changed per version, so every
version is a different publication) are stored one by one into a fresh SQLite store through
`ingest_results`; the rate (wall clock, where SQLite's writes show,
and CPU seconds of this process, which other load on the machine does not skew) over each tenth of the
run shows whether storing slows as versions pile up.
Also N versions of N/5 agencies for comparison.

Usage: python benchmarks/bench_versions.py [--versions 600] [--batch 20]
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from gongkai.pipeline import Result, process_path
from gongkai.store import open_store
from gongkai.store.ingest import Outcome, ingest_results

SEED = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "corpus" / "seeds" / "000_e2dc6b7d4e4a258e.txt"


def _now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def versions(base: Result, n: int, agencies: int) -> Iterator[Result]:
    r = base.report
    for i in range(n):
        requests = {k: dict(v) for k, v in (r.requests or {}).items()}
        requests["new_received"]["natural_person"] = i  # a different cell: a correction, not a copy
        meta = r.meta.model_copy(update={"agency": f"测试县第{i % agencies}镇人民政府"})
        sha = hashlib.sha256(f"{r.source.sha256}/{i}".encode()).hexdigest()
        source = r.source.model_copy(update={"sha256": sha, "path": f"v/{i:05d}.txt"})
        yield Result(Path(source.path), r.model_copy(update={"requests": requests, "meta": meta, "source": source}),
                     base.trace)


def measure(n: int, agencies: int, batch: int) -> str:
    base = process_path(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "v.db")
        marks = [(0, _now())]
        done = [0]

        def on(_o: Outcome) -> None:
            done[0] += 1
            if done[0] % max(1, n // 10) == 0:
                marks.append((done[0], _now()))

        t0 = _now()
        ingest_results(store, versions(base, n, agencies), batch_size=batch, on_outcome=on)
        t1 = _now()
        store.close()
    out = [f"{n} versions of {agencies} agency-year(s): {n / (t1[0] - t0[0]):6.1f} reports/s wall, "
           f"{n / (t1[1] - t0[1]):6.1f} per CPU second"]
    for k, clock in ((0, "wall"), (1, "CPU")):
        rates = "  ".join(f"{b[0]:>5}:{(b[0] - a[0]) / (b[1][k] - a[1][k]):6.1f}"
                          for a, b in zip(marks, marks[1:], strict=False))
        out.append(f"    per tenth ({clock}): {rates}")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--versions", type=int, default=600)
    ap.add_argument("--batch", type=int, default=20)
    args = ap.parse_args()
    print(measure(args.versions, 1, args.batch))
    print(measure(args.versions, max(1, args.versions // 5), args.batch))


if __name__ == "__main__":
    main()
