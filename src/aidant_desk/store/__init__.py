"""Local store: the desk's SQLite file through sqlite-utils, its schema version and
migrations, and a small key/value settings table.

Nothing here reaches the network; the sync package builds on top of it.
"""
from .database import (
    OpenedDatabase, StoreError, StoreNotice, command_database, default_path, open_database, schema_version,
    sqlite_problem,
    write_transaction,
)
from .migrations import MIGRATIONS
from .settings import get_setting, set_setting

__all__ = [
    "MIGRATIONS", "OpenedDatabase", "StoreError", "sqlite_problem", "StoreNotice", "command_database", "default_path", "open_database",
    "schema_version", "write_transaction", "get_setting", "set_setting",
]
