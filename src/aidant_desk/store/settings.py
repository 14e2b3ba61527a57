"""A key/value settings table: server address, device token, install secret."""
from __future__ import annotations

from sqlite_utils import Database


def get_setting(db: Database, key: str, default: str | None = None) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def set_setting(db: Database, key: str, value: str | None) -> None:
    """Store value under key; None removes the key. Joins the caller's transaction if any."""
    with db.atomic():
        if value is None:
            db.execute("DELETE FROM settings WHERE key = ?", [key])
        else:
            db.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])
