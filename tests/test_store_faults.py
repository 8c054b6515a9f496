"""A store that cannot be used stops the batch with a clear Chinese message and exit code 2, never a
traceback, and nothing already stored is lost: a read-only database, a full disk (SQLite's own
SQLITE_FULL, through max_page_count), a corrupted database file."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event
from typer.testing import CliRunner

from gongkai.cli import app
from tests import hostile as h

SEEDS = sorted((h.CORPUS / "seeds").glob("*.txt"))
EXCERPTS = sorted((h.CORPUS / "excerpts").glob("*.txt"))


def _count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM reports").fetchone()[0]


def _folder(tmp_path: Path, name: str, files: list[Path]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


@pytest.fixture
def stored(tmp_path: Path) -> Iterator[Path]:
    """A store holding the seed reports."""
    db = tmp_path / "store.db"
    run = h.run_cli("ingest", _folder(tmp_path, "first", SEEDS), "--db", db)
    assert run.code == 0, run.stderr
    assert _count(db) == len(SEEDS)
    yield db


def test_read_only_database(tmp_path: Path, stored: Path) -> None:
    url = f"sqlite:///file:{stored}?mode=ro&uri=true"
    run = h.run_cli("ingest", _folder(tmp_path, "more", EXCERPTS), "--db", url)
    assert run.code == 2
    assert "Traceback" not in run.stderr
    assert "只读" in run.stderr
    assert _count(stored) == len(SEEDS)


def test_full_disk(tmp_path: Path, stored: Path) -> None:
    """SQLite says "database or disk is full" once the file may not grow: the batch stops with a message,
    the transaction that failed is rolled back, every report stored before is still there."""
    with sqlite3.connect(stored) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]

    def cap(dbapi_conn: object, _record: object) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # type: ignore[attr-defined]

    event.listen(Engine, "connect", cap)
    try:
        res = CliRunner().invoke(app, ["ingest", str(_folder(tmp_path, "more", EXCERPTS)), "--db", str(stored)])
    finally:
        event.remove(Engine, "connect", cap)
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "磁盘空间已满" in res.stderr
    assert _count(stored) == len(SEEDS)
    with sqlite3.connect(stored) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("command", [["ingest", "{folder}"], ["stats"], ["export", "--format", "xlsx", "--out", "{out}"]])
def test_corrupted_database(tmp_path: Path, stored: Path, command: list[str]) -> None:
    with open(stored, "r+b") as fh:  # overwrite the header: SQLite no longer sees a database
        fh.write(b"this is not a database any more" * 4)
    before = stored.read_bytes()
    folder = _folder(tmp_path, "more", EXCERPTS)
    args = [a.format(folder=folder, out=tmp_path / "out.xlsx") for a in command]
    run = h.run_cli(*args, "--db", stored)
    assert run.code == 2
    assert "Traceback" not in run.stderr
    assert "已损坏" in run.stderr
    assert stored.read_bytes() == before  # the damaged file is left as it was, for recovery
