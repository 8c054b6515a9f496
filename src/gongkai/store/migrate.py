"""Apply the packaged Alembic migrations on open: idempotent, and safe when several processes open at once.

The whole upgrade runs in one transaction that first takes the database's write lock (SQLite's
``BEGIN IMMEDIATE``; a transaction-scoped advisory lock on PostgreSQL), so a second process waits,
then finds the schema current and does nothing.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from gongkai.store.db import Store

_LOCK_ID = 4_640_312_021  # arbitrary, fixed: the advisory lock that serialises migrations on PostgreSQL


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "gongkai.store:migrations")
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(store: Store) -> str | None:
    with store.read() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(store: Store) -> None:
    """Bring the schema to the newest revision (a no-op when it already is)."""
    head = head_revision()
    if current_revision(store) == head:
        return
    cfg = alembic_config()
    with store.write() as conn:
        if store.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_ID})
        if MigrationContext.configure(conn).get_current_revision() == head:
            return
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
