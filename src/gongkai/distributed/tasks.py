"""What a Dask worker runs: pure functions of a batch of file paths, writing only their own outputs.

Every task is idempotent: run twice (a retry after a worker died), it writes the same bytes to
the same names, each through a temporary file and a rename, so a half-written file is never seen.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from gongkai.pipeline import Result, process_bytes, process_path


def sha256_of(path: str) -> str | None:
    """The content hash of one file, or None when it cannot be read."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def hash_batch(paths: list[str]) -> list[tuple[str, str | None]]:
    """(path, sha256) of each file: the manifest's identities, computed where the files are read."""
    return [(p, sha256_of(p)) for p in paths]


def _atomic_write(target: Path, text: str) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)


def _result(path: str) -> Result:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError:
        return process_path(p)  # the pipeline turns the I/O error into an unreadable report
    return process_bytes(data, p)


def _summary(path: str, res: Result) -> dict[str, Any]:
    return {"path": path, "sha256": res.report.source.sha256, "readable": res.readable,
            "error": res.error.message if res.error else ""}


def extract_batch(paths: list[str], out: str) -> list[dict[str, Any]]:
    """Write OUT/<name>.json for each file (byte-identical to `gongkai extract`); return what was done."""
    done = []
    for path in paths:
        res = _result(path)
        _atomic_write(Path(out) / (Path(path).name + ".json"), res.report.to_json())
        done.append(_summary(path, res))
    return done


def shard_batch(paths: list[str], shard: str) -> list[dict[str, Any]]:
    """Write one shard for a batch, a line per file: its summary (JSON), a tab, its report (JSON)."""
    lines = []
    done = []
    for path in paths:
        res = _result(path)
        summary = _summary(path, res)
        lines.append(json.dumps(summary, ensure_ascii=False) + "\t" + res.report.model_dump_json())
        done.append(summary)
    _atomic_write(Path(shard), "\n".join(lines) + "\n")
    return done


def read_shard(shard: str | Path) -> list[tuple[dict[str, Any], str]]:
    """The (summary, report JSON) pairs of one shard."""
    out = []
    for line in Path(shard).read_text(encoding="utf-8").splitlines():
        if line:
            summary, report = line.split("\t", 1)
            out.append((json.loads(summary), report))
    return out
