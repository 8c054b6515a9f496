"""`gongkai serve` end to end: a zip of N text reports uploaded through HTTP until the batch is checked,
stored and its findings listed, beside `gongkai check --jobs` on the same files; then a findings page
of 1,000 findings rendered.

The reports are seed 000 (a real report) under generated town names and years, with table 三's first
row changed so that every report has findings (the balance identities break), all distinct files.
Both sides run as separate processes with the same number of workers, through the command line.

Usage: python benchmarks/bench_serve.py [--reports 300] [--jobs N] [--findings 1000]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.store_support import town_name, variant  # noqa: E402

GONGKAI = str(Path(sys.executable).parent / "gongkai")


def make_reports(folder: Path, n: int, offset: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(offset, offset + n):
        name = f"测试县{town_name(i)}人民政府"
        out.append(variant(folder, f"r{i:05d}.txt", year=2020 + i % 5, agency=name,
                           rows={"一、本年新收": [str(1 + i % 7), "0", "0", "0", "0", "0", str(1 + i % 7)]}))
    return out


def zipped(files: list[Path]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            zf.write(f, f"报送/{f.name}")
    return buf.getvalue()


def proc_cpu(pid: int) -> float:
    """CPU seconds of a process and its reaped children (utime, stime, cutime, cstime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def upload(client: httpx.Client, data: bytes) -> float:
    """Seconds from the upload's first byte until the batch's findings page has listed it."""
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)  # type: ignore[union-attr]
    t0 = time.perf_counter()
    r = client.post("/upload", data={"csrf": csrf}, files={"files": ("报送.zip", data, "application/zip")})
    r.raise_for_status()
    url = str(r.url.path)
    while True:
        state = client.get(url + ".json").json()
        if state["state"] in ("done", "failed"):
            break
        time.sleep(0.2)  # a browser asks every second; a finer poll only measures the end more exactly
    assert state["state"] == "done", state["message"]
    page = client.get("/findings", params={"batch": state["id"]})
    page.raise_for_status()
    elapsed = time.perf_counter() - t0
    assert state["summary"]["reports"] == state["total"], state["summary"]
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=300)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--findings", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-serve-") as tmp:
        t = Path(tmp)
        files = make_reports(t / "reports", args.reports)
        c0, t0 = children_cpu(), time.perf_counter()
        done = subprocess.run([GONGKAI, "check", "--jobs", str(args.jobs), str(t / "reports")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        check_s, check_cpu = time.perf_counter() - t0, children_cpu() - c0
        assert done.returncode in (0, 1), done.returncode
        port = free_port()
        server = subprocess.Popen([GONGKAI, "serve", "--port", str(port), "--data", str(t / "data"),
                                   "--jobs", str(args.jobs)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600, follow_redirects=True) as client:
                deadline = time.time() + 30
                while True:
                    try:
                        client.get("/rules.json").raise_for_status()
                        break
                    except httpx.TransportError:
                        if time.time() > deadline:
                            raise
                        time.sleep(0.1)
                body = zipped(files)
                cpu0 = proc_cpu(server.pid)
                serve_s = upload(client, body)
                serve_cpu = proc_cpu(server.pid) - cpu0
                print(f"{args.reports} text reports, {args.jobs} worker(s), load average {os.getloadavg()[0]:.1f}:")
                print(f"  gongkai check --jobs {args.jobs}:                        {check_s:6.2f} s wall, "
                      f"{check_cpu:6.2f} CPU s")
                print(f"  gongkai serve, zip uploaded → checked, stored, listed: {serve_s:6.2f} s wall, "
                      f"{serve_cpu:6.2f} CPU s ({serve_s / check_s:.2f}× check wall, {serve_cpu / check_cpu:.2f}× CPU)")
                total = client.get("/findings.json").json()["total"]
                extra = args.reports
                while total < args.findings:  # more reports until the store holds enough findings
                    upload(client, zipped(make_reports(t / f"more{extra}", args.reports, offset=extra)))
                    extra += args.reports
                    total = client.get("/findings.json").json()["total"]
                times = []
                for _ in range(7):
                    t1 = time.perf_counter()
                    r = client.get("/findings")
                    times.append(time.perf_counter() - t1)
                    r.raise_for_status()
                rows = r.text.count('<tr class="sev-')
                print(f"  findings page ({rows} findings of {total}): median {statistics.median(times) * 1000:.0f} ms, "
                      f"min {min(times) * 1000:.0f} ms")
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
