"""Opening a store: URL resolution, the engine (SQLite in WAL mode or PostgreSQL), migrations on open.

SQLite runs with the driver's implicit transactions turned off and every write transaction opened
with ``BEGIN IMMEDIATE``: writers queue on the database lock (``busy_timeout``) instead of failing
half-way, and DDL is transactional, so a crash never leaves half a migration or half a batch.
Readers can ask for ``BEGIN DEFERRED`` with the execution option ``gongkai_read=True``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

DEFAULT_DB = "gongkai.db"
ENV_VAR = "GONGKAI_DB"


class StoreError(Exception):
    """A store problem a user can act on; the message is Chinese and names the database."""


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """`db` (a file path or a database URL), else $GONGKAI_DB, else ./gongkai.db → an SQLAlchemy URL."""
    raw = str(db) if db is not None else os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in raw:
        path = Path(raw).expanduser().resolve()
        if not path.parent.is_dir():
            raise StoreError(f"数据库文件所在的文件夹不存在：{path.parent}")
        return f"sqlite+pysqlite:///{path}"
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise StoreError(f"数据库地址无法识别：{raw}") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    elif url.drivername == "sqlite":
        url = url.set(drivername="sqlite+pysqlite")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(f"只支持 SQLite 文件或 PostgreSQL 地址（postgresql://…），而不是：{url.get_backend_name()}")
    return url.render_as_string(hide_password=False)


def _sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see module docstring)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 60000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA cache_size = -32768")  # 32 MB of page cache: indexes stay cached as the store grows
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        read = conn.get_execution_options().get("gongkai_read", False)
        conn.exec_driver_sql("BEGIN DEFERRED" if read else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for a resolved URL, with the SQLite settings above when it is SQLite."""
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url)
            _sqlite_hooks(engine)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise StoreError("缺少 PostgreSQL 驱动：请安装 psycopg（pip install 'gongkai[postgres]'）") from exc
    return engine


@dataclass
class Store:
    """An open database: the engine and what kind it is. Close it when done."""

    engine: Engine
    url: str

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        """What to show a person: the file of an SQLite store, else the URL without its password."""
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite" and url.database:
            return url.database
        return url.render_as_string(hide_password=True)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back on any error.
        A store that cannot be used (read-only, disk full, corrupted) raises StoreError."""
        with self._faults(), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (never takes the SQLite write lock)."""
        with self._faults(), self.engine.connect() as conn:
            conn = conn.execution_options(gongkai_read=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _faults(self) -> Iterator[None]:
        try:
            yield
        except DBAPIError as exc:
            message = fault_message(exc, self.display_url)
            if message is None:
                raise  # a lock timeout or a constraint: the caller retries or handles it
            raise StoreError(message) from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(db: str | os.PathLike[str] | None = None, migrate: bool = True) -> Store:
    """Open (creating if needed) the store and bring its schema up to date, idempotently."""
    url = resolve_url(db)
    store = Store(make_engine(url), url)
    if migrate:
        from gongkai.store.migrate import upgrade

        try:
            upgrade(store)
        except StoreError as exc:  # a fault seen inside a migration's transaction
            store.close()
            raise StoreError(f"无法打开数据库：{exc}") from exc
        except DBAPIError as exc:
            store.close()
            raise StoreError(
                "无法打开数据库："
                + (fault_message(exc, store.display_url) or f"{store.display_url}：{_short(exc)}")
            ) from exc
    return store


_FAULTS = (
    (("readonly database", "read-only", "read only"), "数据库只读，无法写入：{url}；请检查文件与所在文件夹的写权限"),
    (("database or disk is full", "no space left", "disk full", "could not extend file"),
     "磁盘空间已满，无法写入数据库 {url}；本批次未写入的报告没有入库，已入库的数据不受影响。请清理空间后重试"),
    (("file is not a database", "malformed", "not a database", "database corrupt"),
     "数据库文件已损坏或不是 gongkai 数据库：{url}；请从备份恢复，或改用新的数据库文件（原文件未做任何改动）"),
    (("disk i/o error",), "读写数据库时磁盘出错：{url}；请检查磁盘后重试"),
    (("unable to open database",), "无法打开数据库文件：{url}；请检查路径与权限"),
)


def fault_message(exc: BaseException, url: str) -> str | None:
    """A Chinese message for a store that cannot be used (read-only, full, corrupted), else None."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    for needles, message in _FAULTS:
        if any(n in text for n in needles):
            return message.format(url=url)
    return None


def _short(exc: DBAPIError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
