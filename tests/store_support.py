"""Shared helpers for the store tests: a fresh SQLite or PostgreSQL store per test, real corpus files,
and edited copies of real reports (another year, another name, a corrected number)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from gongkai.store import Store, open_store

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
SEED_000 = CORPUS / "seeds" / "000_e2dc6b7d4e4a258e.txt"  # 巫山县巫峡镇人民政府 2024
PG_ENV = "GONGKAI_TEST_PG_URL"


def corpus_files() -> list[Path]:
    """Every text report of the corpus (seeds, excerpts, the PDF's text)."""
    return sorted(p for folder in ("seeds", "excerpts", "pdf") for p in (CORPUS / folder).glob("*.txt"))


def pg_admin_url() -> str:
    """The test server's URL; skipped when unset, except under CI where it must be set."""
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {PG_ENV} is not set: the PostgreSQL tests must run in CI")
        pytest.skip(f"{PG_ENV} not set (PostgreSQL tests run when it is)")
    return url


def _pg_url(admin: str, name: str) -> str:
    url = make_url(admin)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.set(database=name).render_as_string(hide_password=False)


def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh, empty database URL of one backend (an SQLite file in `folder`, or a new PostgreSQL
    database on the test server, dropped afterwards). Drive it as a fixture generator."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'store.db'}"
        return
    admin = _pg_url(pg_admin_url(), make_url(pg_admin_url()).database or "postgres")
    name = f"gk_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield _pg_url(admin, name)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL of each backend."""
    yield from fresh_database(request.param, tmp_path)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(store_url)
    yield s
    s.close()


def set_row(lines: list[str], label: str, values: list[str]) -> None:
    """Replace the value lines after a table row's label line (seed 000 puts one value per line)."""
    i = next(k for k, line in enumerate(lines) if line.strip().startswith(label))
    j = i + 1
    while not lines[j].strip():
        j += 1
    for k, v in enumerate(values):
        assert lines[j + k].strip().replace(".", "").isdigit(), lines[j + k]
        lines[j + k] = "\t" + v
    return None


def variant(
    tmp: Path,
    name: str,
    *,
    year: int | None = None,
    agency: str | None = None,
    rows: dict[str, list[str]] | None = None,
    note: str | None = None,
    source: Path = SEED_000,
) -> Path:
    """A copy of a real report with its year, its name, some table rows or its text changed."""
    body = source.read_text(encoding="utf-8")
    if year is not None:
        body = body.replace("2024", str(year))
    if agency is not None:
        body = body.replace("巫山县巫峡镇人民政府", agency, 1)
    lines = body.split("\n")
    for label, values in (rows or {}).items():
        set_row(lines, label, values)
    body = "\n".join(lines)
    if note:
        body = body.replace("扎实推进政务公开各项工作。", "扎实推进政务公开各项工作。" + note, 1)
    out = tmp / name
    out.write_text(body, encoding="utf-8")
    return out


def town_name(i: int) -> str:
    """A distinct Chinese town name for index i (three characters of 20 + 镇)."""
    chars = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"
    return "".join(chars[(i // 20**k) % 20] for k in (2, 1, 0)) + "镇"


def many_reports(tmp: Path, n: int, years: int = 4) -> list[Path]:
    """`n` distinct real-shaped reports: seed 000 under other towns' names and years, numbers varied."""
    base = SEED_000.read_text(encoding="utf-8")
    out = []
    for i in range(n):
        town, year = town_name(i // years), 2020 + i % years
        body = base.replace("巫山县巫峡镇人民政府", f"测试县{town}人民政府", 1).replace("巫峡镇", town)
        body = body.replace("2024", str(year)).replace("主动公开信息110条", f"主动公开信息{100 + i}条")
        p = tmp / f"r{i:05d}.txt"
        p.write_text(body, encoding="utf-8")
        out.append(p)
    return out
