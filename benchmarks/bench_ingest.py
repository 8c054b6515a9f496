"""Ingest throughput and memory: reports/s into SQLite and PostgreSQL, with RSS as the corpus grows.

Two measures per database:
- end to end: N report files on disk (the corpus's five full seed reports under generated agency
  names and years, numbers and text varied so every file hashes differently) → read, extract,
  check, store (`gongkai.store.ingest.ingest`);
- store only: N distinct reports built from a pool of extracted ones (new agency, year, hash)
  → `ingest_results`, i.e. the database side alone.
Resident memory (VmRSS) is sampled every 10% of the run: it must stay flat as N grows, since
files are streamed and every batch is committed and dropped.

Usage: python benchmarks/bench_ingest.py [--reports 10000] [--batch 200] [--pg URL] [--only sqlite|postgresql]
(--pg defaults to $GONGKAI_TEST_PG_URL; PostgreSQL is skipped when neither is set.)
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from gongkai.pipeline import Result, process_path
from gongkai.store import open_store
from gongkai.store.ingest import IngestSummary, Outcome, ingest, ingest_results

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "corpus" / "seeds"
CHARS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"
YEARS = 5


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def town(i: int) -> str:
    return "".join(CHARS[(i // 20**k) % 20] for k in (3, 2, 1, 0)) + "镇"


def write_corpus(folder: Path, n: int) -> None:
    """n distinct report files, one agency per YEARS consecutive files (so cross-year checks run)."""
    templates = []
    for seed in sorted(SEEDS.glob("*.txt")):
        agency = process_path(seed).report.meta.agency or ""
        templates.append((seed.read_text(encoding="utf-8"), agency))
    for i in range(n):
        body, agency = templates[(i // YEARS) % len(templates)]
        name, year = f"测试县{town(i // YEARS)}人民政府", 2019 + i % YEARS
        short = agency.removesuffix("人民政府")
        body = body.replace(agency, name, 1).replace(short, town(i // YEARS)).replace("2024", str(year))
        body = body.replace("。", f"（第{i}份）。", 1)
        (folder / f"{i:06d}.txt").write_text(body, encoding="utf-8")


def synthetic_results(pool: list[Result], n: int) -> Iterator[Result]:
    """n distinct results from a pool of extracted reports: other agency, year and content hash."""
    for i in range(n):
        base = pool[i % len(pool)]
        r = base.report
        meta = r.meta.model_copy(update={"agency": f"测试县{town(i // YEARS)}人民政府", "year": 2019 + i % YEARS})
        sha = hashlib.sha256(f"{r.source.sha256}/{i}".encode()).hexdigest()
        source = r.source.model_copy(update={"sha256": sha, "path": f"synthetic/{i:06d}.txt"})
        report = r.model_copy(update={"meta": meta, "source": source})  # shallow: the store never mutates it
        yield Result(Path(report.source.path), report, base.trace)


def fresh_pg(admin: str) -> tuple[str, object]:
    url = make_url(admin)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"gk_bench_{uuid.uuid4().hex[:8]}"
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


class Sampler:
    """RSS and throughput every 10% of the run."""

    def __init__(self, n: int) -> None:
        self.n, self.done = n, 0
        self.samples = [(0, rss_mb(), time.perf_counter())]

    def __call__(self, _o: Outcome) -> None:
        self.done += 1
        if self.done % max(1, self.n // 10) == 0:
            self.samples.append((self.done, rss_mb(), time.perf_counter()))

    def line(self) -> str:
        return "  ".join(f"{k:>6}:{mb:6.1f}" for k, mb, _ in self.samples)

    def rates(self) -> str:
        pairs = zip(self.samples, self.samples[1:], strict=False)
        return "  ".join(f"{b[0]:>6}:{(b[0] - a[0]) / (b[2] - a[2]):6.1f}" for a, b in pairs)


def run(label: str, url: str, n: int, batch: int, folder: Path, pool: list[Result]) -> None:
    for mode in ("end-to-end", "store-only"):
        if url.startswith("sqlite"):
            path = Path(url.removeprefix("sqlite:///"))
            for p in path.parent.glob(path.name + "*"):
                p.unlink()  # each measure starts from an empty file
        store = open_store(url)
        if store.dialect == "postgresql":
            with store.write() as conn:
                conn.execute(text("TRUNCATE reports, agencies, agency_names, cells, findings RESTART IDENTITY CASCADE"))
        sampler = Sampler(n)
        t0 = time.perf_counter()
        if mode == "end-to-end":
            summary: IngestSummary = ingest(store, [folder], batch_size=batch, on_outcome=sampler)
        else:
            summary = ingest_results(store, synthetic_results(pool, n), batch_size=batch, on_outcome=sampler)
        dt = time.perf_counter() - t0
        store.close()
        stored = summary.stored + summary.new_versions
        assert stored == n and summary.failed == 0, summary
        growth = sampler.samples[-1][1] - sampler.samples[max(1, len(sampler.samples) // 4)][1]
        print(f"{label:<11} {mode:<11} {n} reports in {dt:7.1f} s = {n / dt:7.1f} reports/s   "
              f"RSS growth over the last 3/4 of the run: {growth:+.1f} MB")
        print(f"            RSS (reports:MB) {sampler.line()}")
        print(f"            rate (reports:reports/s over the last 10%) {sampler.rates()}")
        if url.startswith("sqlite"):
            size = Path(url.removeprefix("sqlite:///")).stat().st_size
        else:
            engine = create_engine(url)
            with engine.connect() as conn:
                size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0
            engine.dispose()
        print(f"            database size: {size / 2**20:.0f} MB = {size / n / 1024:.1f} KiB per report")
        sys.stdout.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--pg", default=os.environ.get("GONGKAI_TEST_PG_URL"))
    ap.add_argument("--only", choices=("sqlite", "postgresql"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        t0 = time.perf_counter()
        write_corpus(folder, args.reports)
        pool = [process_path(p) for p in sorted(folder.iterdir())[:50]]
        print(f"wrote {args.reports} distinct report files in {time.perf_counter() - t0:.1f} s; batch {args.batch}")
        if args.only in (None, "sqlite"):
            run("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args.reports, args.batch, folder, pool)
        if args.only in (None, "postgresql"):
            if not args.pg:
                print("PostgreSQL  skipped (no --pg and no GONGKAI_TEST_PG_URL)")
                return
            url, drop = fresh_pg(args.pg)
            try:
                run("PostgreSQL", url, args.reports, args.batch, folder, pool)
            finally:
                drop()  # type: ignore[operator]


if __name__ == "__main__":
    main()
