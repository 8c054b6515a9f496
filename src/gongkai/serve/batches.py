"""Uploaded batches: files kept once under their content hash, processed in the background, stored.

A batch is the list of files a person uploaded (each with the name they gave it and its sha256),
an optional roster, and what came of them: each report read, checked and ingested into the store as
soon as it is done, then the round (`gongkai.round`) over all of them, kept as `round.json`.

Layout of the data folder (nothing is ever read from outside it):
    files/<sha256><.ext>        every uploaded file or archive member, once
    batches/<id>/batch.json     the batch: items, skipped files, progress
    batches/<id>/roster.csv     the roster, when one was uploaded
    batches/<id>/round.json     the round, when done
    cache/                      page images drawn for evidence
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from gongkai.model import Report
from gongkai.round import Entry, Roster, RosterError, Round, Skipped, ZipLimits, build_round, collect
from gongkai.round.collect import ARCHIVE_EXTENSIONS, not_a_report_reason
from gongkai.round.model import round_year
from gongkai.round.run import NOT_A_REPORT, entry_of, looks_like_no_report
from gongkai.store import Store
from gongkai.store.ingest import IngestSummary, write_results
from gongkai.store.marks import dismissed_keys, marks_for

SHA_RE = re.compile(r"^[0-9a-f]{64}$")
BATCH_RE = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$")
_EXT_RE = re.compile(r"^\.[a-z0-9]{1,8}$")
_CHUNK = 1 << 20
_INGEST_EVERY = 25
_KEEP_LOADED = 4  # finished batches whose reports stay in memory


class BatchError(Exception):
    """An upload the server refuses; the message is Chinese and says why."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 100 * 2**20
    max_files: int = 2_000
    max_total_bytes: int = 1024 * 2**20

    def zip_limits(self) -> ZipLimits:
        return ZipLimits(max_members=self.max_files, max_member_bytes=self.max_file_bytes,
                         max_total_bytes=self.max_total_bytes)


@dataclass
class Item:
    rel: str
    sha256: str
    ext: str
    status: str = "pending"  # pending | done | unreadable
    error: str | None = None


@dataclass
class Batch:
    id: str
    created: float
    uploads: list[Item] = field(default_factory=list)  # as uploaded (an archive is one upload)
    items: list[Item] = field(default_factory=list)  # the report files, archives opened
    skipped: list[Skipped] = field(default_factory=list)
    roster_name: str | None = None
    state: str = "queued"  # queued | opening | checking | done | failed
    message: str = ""
    seconds: float | None = None
    entries: list[Entry] = field(default_factory=list, repr=False)
    round: Round | None = field(default=None, repr=False)
    roster: Roster | None = field(default=None, repr=False)

    STATE_LABELS = {"queued": "排队中", "opening": "正在打开文件", "checking": "正在核查", "done": "已完成",
                    "failed": "处理失败"}

    @property
    def state_label(self) -> str:
        return self.STATE_LABELS.get(self.state, self.state)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.status != "pending")

    @property
    def total(self) -> int:
        return len(self.items)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "created": self.created, "state": self.state, "message": self.message,
            "seconds": self.seconds, "roster": self.roster_name,
            "uploads": [asdict(i) for i in self.uploads], "items": [asdict(i) for i in self.items],
            "skipped": [{"rel": s.rel, "reason": s.reason} for s in self.skipped],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Batch:
        b = cls(d["id"], d["created"], [Item(**i) for i in d["uploads"]], [Item(**i) for i in d["items"]],
                [Skipped(s["rel"], s["reason"]) for s in d["skipped"]], d.get("roster"), d["state"],
                d.get("message", ""), d.get("seconds"))
        return b


def clean_name(name: str | None) -> str:
    """The name a person gave a file (a folder upload sends `folder/file`), made safe to show and log."""
    raw = (name or "").replace("\\", "/").replace("\x00", "")
    parts = [p for p in PurePosixPath(raw).parts if p not in ("", ".", "..", "/")]
    out = "/".join(parts)[-300:]
    return out or "未命名文件"


def file_ext(name: str) -> str:
    ext = PurePosixPath(name).suffix.lower()
    return ext if _EXT_RE.match(ext) else ""


def _renamed(rel: str, archive: Path, shown: str) -> str:
    """A member's name under the archive's name as uploaded (collect names it by the stored file)."""
    for prefix in (str(archive), archive.name):
        if rel.startswith(prefix + "/"):
            return shown + rel[len(prefix):]
    return f"{shown}/{rel}"


class Batches:
    """Every batch of one server, and the single worker that processes them one after another."""

    def __init__(self, store: Store, data_dir: Path, limits: Limits | None = None, jobs: int | None = None) -> None:
        self.store = store
        self.data_dir = data_dir
        self.limits = limits or Limits()
        self.jobs = jobs or max(1, os.cpu_count() or 1)
        self.files_dir = data_dir / "files"
        self.batches_dir = data_dir / "batches"
        self.cache_dir = data_dir / "cache"
        for d in (self.files_dir, self.batches_dir, self.cache_dir, data_dir / "incoming"):
            d.mkdir(parents=True, exist_ok=True)
        self._batches: dict[str, Batch] = {}
        self._files: dict[str, Path] = {}  # sha256 → the kept file
        self._lock = threading.Lock()
        self._queue: queue.Queue[str] = queue.Queue()
        self._worker: threading.Thread | None = None

    # ------------------------------------------------------------------ files
    def file_path(self, sha256: str) -> Path | None:
        """Where the file with this content is kept (None when it is not in the data folder)."""
        if not SHA_RE.match(sha256):
            return None
        known = self._files.get(sha256)
        if known is not None and known.is_file():
            return known
        for p in self.files_dir.glob(f"{sha256}*"):
            if p.is_file() and p.parent == self.files_dir:
                self._files[sha256] = p
                return p
        return None

    def _keep(self, source: Path, sha: str, ext: str) -> None:
        """Move a file into the data folder under its hash, unless that content is there already."""
        target = self.files_dir / f"{sha}{ext}"
        if sha in self._files or target.exists() or self.file_path(sha) is not None:
            source.unlink(missing_ok=True)
            return
        shutil.move(source, target)
        self._files[sha] = target

    def save_stream(self, stream: IO[bytes], name: str, budget: int) -> tuple[Item, int]:
        """Copy an upload into the data folder under its content hash (kept once); refuses oversize files."""
        fd, tmp_name = tempfile.mkstemp(dir=self.data_dir / "incoming")
        h = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as tmp:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if size > self.limits.max_file_bytes:
                        cap = self.limits.max_file_bytes // 2**20
                        raise BatchError(f"文件“{name}”超过单个文件上限（{cap} MiB）", 413)
                    if size > budget:
                        cap = self.limits.max_total_bytes // 2**20
                        raise BatchError(f"本批文件总量超过上限（{cap} MiB）", 413)
                    h.update(chunk)
                    tmp.write(chunk)
            sha, ext = h.hexdigest(), file_ext(name)
            self._keep(Path(tmp_name), sha, ext)
            return Item(name, sha, ext), size
        finally:
            Path(tmp_name).unlink(missing_ok=True)

    def save_bytes(self, data: bytes, name: str) -> Item:
        sha, ext = hashlib.sha256(data).hexdigest(), file_ext(name)
        if self.file_path(sha) is None:
            tmp = self.data_dir / "incoming" / f"{sha}.part"
            tmp.write_bytes(data)
            self._keep(tmp, sha, ext)
        return Item(name, sha, ext)

    def save_file(self, path: Path, name: str) -> Item:
        """Take over a file extracted from an archive (moved, not copied)."""
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
        sha, ext = h.hexdigest(), file_ext(name)
        self._keep(path, sha, ext)
        return Item(name, sha, ext)

    # ------------------------------------------------------------------ batches
    def create(self, uploads: list[Item], roster: tuple[str, bytes] | None = None) -> Batch:
        if not uploads:
            raise BatchError("没有收到文件：请选择年度报告文件、文件夹或 zip 压缩包")
        if len(uploads) > self.limits.max_files:
            raise BatchError(f"一次最多上传 {self.limits.max_files} 个文件（收到 {len(uploads)} 个）", 413)
        parsed = None
        if roster is not None:
            try:
                parsed = Roster.parse(roster[1], roster[0])
            except RosterError as exc:
                raise BatchError(str(exc)) from exc
        bid = time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(3)
        batch = Batch(bid, time.time(), uploads, roster_name=roster[0] if roster else None, roster=parsed)
        folder = self.batches_dir / bid
        folder.mkdir()
        if roster is not None:
            (folder / "roster.csv").write_bytes(roster[1])
        with self._lock:
            self._batches[bid] = batch
        self._save(batch)
        self._queue.put(bid)
        self._start_worker()
        return batch

    def get(self, bid: str) -> Batch | None:
        if not BATCH_RE.match(bid):
            return None
        with self._lock:
            if bid in self._batches:
                return self._batches[bid]
        path = self.batches_dir / bid / "batch.json"
        if not path.is_file():
            return None
        batch = Batch.from_dict(json.loads(path.read_text(encoding="utf-8")))
        if not batch.finished:
            batch.state, batch.message = "failed", "处理被中断（服务曾重启），请重新上传"
        roster_file = self.batches_dir / bid / "roster.csv"
        if roster_file.is_file():
            try:
                batch.roster = Roster.parse(roster_file.read_bytes(), batch.roster_name or "名单")
            except RosterError:
                batch.roster = None
        if batch.state == "done":
            batch.entries = self._reload_entries(batch)
            batch.round = build_round(batch.entries, batch.skipped, batch.roster)
            self.write_round(batch)  # marks may have changed while it was not loaded
        with self._lock:
            got = self._batches.setdefault(bid, batch)
        self._trim()
        return got

    def recent(self, n: int = 20) -> list[Batch]:
        """The latest batches as listed (their reports are not loaded)."""
        ids = sorted((p.name for p in self.batches_dir.iterdir() if BATCH_RE.match(p.name)), reverse=True)[:n]
        out = []
        for bid in ids:
            with self._lock:
                loaded = self._batches.get(bid)
            if loaded is not None:
                out.append(loaded)
                continue
            try:
                b = Batch.from_dict(json.loads((self.batches_dir / bid / "batch.json").read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError):
                continue
            if not b.finished:
                b.state = "failed"
            out.append(b)
        return out

    def _trim(self) -> None:
        """Keep the reports of a few finished batches in memory; others are loaded again when asked for."""
        with self._lock:
            finished = sorted((b for b in self._batches.values() if b.finished), key=lambda b: b.created)
            for b in finished[:-_KEEP_LOADED]:
                del self._batches[b.id]

    def live_round(self, batch: Batch) -> Round:
        """The round so far: the final one when done, else a summary of the reports done yet."""
        rnd = batch.round
        if rnd is None:
            entries = list(batch.entries)
            rnd = Round(round_year(e.report for e in entries if e.error is None), entries, list(batch.skipped),
                        batch.roster)
        with self.store.read() as conn:
            marks = marks_for(conn, {e.report.source.sha256 for e in rnd.entries})
        for e in rnd.entries:
            e.dismissed = dismissed_keys(marks, e.report.source.sha256)
        return rnd

    def write_round(self, batch: Batch) -> Path | None:
        if batch.round is None:
            return None
        rnd = self.live_round(batch)
        path = self.batches_dir / batch.id / "round.json"
        tmp = path.with_suffix(".part")
        tmp.write_text(rnd.to_json(), encoding="utf-8")
        os.replace(tmp, path)
        return path

    def item_shas(self, bid: str) -> list[str]:
        """The content hashes of a batch's report files (without loading its reports)."""
        with self._lock:
            loaded = self._batches.get(bid)
        if loaded is not None:
            return sorted({i.sha256 for i in loaded.items})
        path = self.batches_dir / bid / "batch.json"
        if not BATCH_RE.match(bid) or not path.is_file():
            return []
        return sorted({i["sha256"] for i in json.loads(path.read_text(encoding="utf-8"))["items"]})

    def batches_with(self, sha256: str) -> list[str]:
        with self._lock:
            loaded = list(self._batches.values())
        return [b.id for b in loaded if any(i.sha256 == sha256 for i in b.items)]

    # ------------------------------------------------------------------ processing
    def _save(self, batch: Batch) -> None:
        path = self.batches_dir / batch.id / "batch.json"
        tmp = path.with_suffix(".part")
        tmp.write_text(json.dumps(batch.to_dict(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def _start_worker(self) -> None:
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="gongkai-batches", daemon=True)
                self._worker.start()

    def _work(self) -> None:
        while True:
            bid = self._queue.get()
            batch = self._batches.get(bid)
            if batch is None:
                continue
            started = time.perf_counter()
            try:
                self._open(batch)
                self._check(batch)
                batch.state, batch.message = "done", ""
            except Exception as exc:  # no upload may stop the server; the person sees why in Chinese
                batch.state = "failed"
                batch.message = f"处理时出错（{type(exc).__name__}: {exc}），请将文件发给管理员检查"
            batch.seconds = round(time.perf_counter() - started, 3)
            self._save(batch)
            if batch.state == "done":
                self.write_round(batch)
            self._trim()

    def _open(self, batch: Batch) -> None:
        """Open archives and sort out files that are not reports; every report file gets an Item."""
        batch.state = "opening"
        items: list[Item] = []
        for up in batch.uploads:
            reason = not_a_report_reason(PurePosixPath(up.rel).name)
            if reason is not None:
                batch.skipped.append(Skipped(up.rel, reason))
                continue
            path = self.file_path(up.sha256)
            if path is None:
                batch.skipped.append(Skipped(up.rel, "文件未保存成功"))
                continue
            if up.ext not in ARCHIVE_EXTENSIONS:
                items.append(Item(up.rel, up.sha256, up.ext))
                continue
            with collect([path], self.limits.zip_limits()) as coll:
                for s in coll.skipped:
                    batch.skipped.append(Skipped(_renamed(s.rel, path, up.rel), s.reason))
                for it in coll.items:
                    items.append(self.save_file(it.path, _renamed(it.rel, path, up.rel)))
            if len(items) > self.limits.max_files:
                raise BatchError(f"本批文件过多（超过 {self.limits.max_files} 个）")
        batch.items = items
        self._save(batch)

    def _check(self, batch: Batch) -> None:
        from gongkai.pipeline import process_many
        from gongkai.store.query import load_report

        batch.state = "checking"
        stored = self._stored_ids({i.sha256 for i in batch.items})
        todo = [i for i in batch.items if i.sha256 not in stored]
        with self.store.read() as conn:
            for item in batch.items:
                if item.sha256 in stored:
                    report = load_report(conn, stored[item.sha256])
                    report.source.path = item.rel
                    self._add(batch, item, Entry(item.rel, report))
        paths = [self.files_dir / f"{i.sha256}{i.ext}" for i in todo]
        pending: list[Any] = []
        summary = IngestSummary()
        for item, res in zip(todo, process_many(paths, jobs=self.jobs), strict=True):
            if looks_like_no_report(res):
                item.status = "unreadable"
                item.error = NOT_A_REPORT
                batch.skipped.append(Skipped(item.rel, NOT_A_REPORT))
                continue
            entry = entry_of(res, item.rel)
            if res.error is None:
                pending.append(res)
            if len(pending) >= _INGEST_EVERY:
                write_results(self.store, pending, None, summary)
                pending = []
            self._add(batch, item, entry)
        if pending:
            write_results(self.store, pending, None, summary)
        batch.skipped.sort(key=lambda s: s.rel)
        batch.entries = self._reload_entries(batch, batch.entries)
        batch.round = build_round(batch.entries, batch.skipped, batch.roster)

    def _add(self, batch: Batch, item: Item, entry: Entry) -> None:
        item.status = "unreadable" if entry.error else "done"
        item.error = entry.error[1] if entry.error else None
        if batch.roster is not None:
            entry.unit = batch.roster.match(entry.report.meta.agency if entry.error is None else None, entry.rel)
        batch.entries.append(entry)

    def _stored_ids(self, shas: Iterable[str]) -> dict[str, int]:
        from sqlalchemy import select

        from gongkai.store.schema import reports

        wanted = sorted(set(shas))
        out: dict[str, int] = {}
        with self.store.read() as conn:
            for i in range(0, len(wanted), 500):
                part = wanted[i : i + 500]
                rows = conn.execute(select(reports.c.sha256, reports.c.id).where(reports.c.sha256.in_(part)))
                out.update({sha: int(rid) for sha, rid in rows})
        return out

    def _reload_entries(self, batch: Batch, have: list[Entry] | None = None) -> list[Entry]:
        """Entries in upload order with the store's findings (cross-year ones included)."""
        from gongkai.pipeline import process_many
        from gongkai.store.query import load_report, stored_findings

        by_sha = {e.report.source.sha256: e for e in (have or [])}
        stored = self._stored_ids(i.sha256 for i in batch.items)
        out: list[Entry] = []
        with self.store.read() as conn:
            for item in batch.items:
                if item.status == "unreadable" and item.error == NOT_A_REPORT:
                    continue
                have_entry = by_sha.get(item.sha256)
                if item.sha256 in stored and have_entry is not None:
                    # the report in hand, with the store's findings (cross-year ones included)
                    have_entry.report.findings = stored_findings(conn, stored[item.sha256])
                    out.append(Entry(item.rel, have_entry.report))
                elif item.sha256 in stored:
                    report: Report = load_report(conn, stored[item.sha256])
                    report.source.path = item.rel
                    out.append(Entry(item.rel, report))
                elif have_entry is not None:
                    out.append(Entry(item.rel, have_entry.report, have_entry.error))
                else:
                    path = self.files_dir / f"{item.sha256}{item.ext}"
                    # a file the store does not keep (unreadable): read again, in a worker under the time limit
                    out.append(entry_of(next(process_many([path], jobs=1)), item.rel))
        if batch.roster is not None:
            for e in out:
                e.unit = batch.roster.match(e.report.meta.agency if e.error is None else None, e.rel)
        return out

    def remove_incoming(self) -> None:
        shutil.rmtree(self.data_dir / "incoming", ignore_errors=True)
        (self.data_dir / "incoming").mkdir(exist_ok=True)


__all__ = ["Batch", "BatchError", "Batches", "Item", "Limits", "clean_name", "file_ext"]
