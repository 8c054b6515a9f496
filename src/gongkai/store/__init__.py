"""The store: reports, cells and findings in SQLite or PostgreSQL, with agency identity across years."""

from gongkai.store.db import DEFAULT_DB, ENV_VAR, Store, StoreError, open_store, resolve_url

__all__ = ["DEFAULT_DB", "ENV_VAR", "Store", "StoreError", "open_store", "resolve_url"]
