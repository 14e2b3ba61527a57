"""The desk's local store: schema version, migrations with backups, damaged files."""
import re
import sqlite3

import pytest

from aidant_desk.store import (
    MIGRATIONS, StoreError, default_path, get_setting, open_database, schema_version, set_setting,
)
from aidant_desk.store import database

TABLES = {"settings", "activity_counts", "suppressed_cells", "outbox", "appointments", "dossiers"}


def test_a_new_file_gets_every_migration_and_no_backup(tmp_path):
    opened = open_database(tmp_path / "desk.db")
    assert schema_version(opened.db) == len(MIGRATIONS) == 4
    assert TABLES <= set(opened.db.table_names())
    assert opened.notices == [] and opened.backups == []
    assert sorted(p.name for p in tmp_path.iterdir() if ".backup-" in p.name) == []


def test_reopening_changes_nothing(tmp_path):
    open_database(tmp_path / "desk.db").db.close()
    again = open_database(tmp_path / "desk.db")
    assert again.backups == [] and again.notices == []
    assert schema_version(again.db) == 4


def test_default_path_follows_aidant_desk_home(monkeypatch, tmp_path):
    monkeypatch.setenv("AIDANT_DESK_HOME", str(tmp_path / "poste"))
    assert default_path() == tmp_path / "poste" / "desk.db"
    opened = open_database()
    assert opened.path == tmp_path / "poste" / "desk.db" and opened.path.exists()


def test_default_path_without_home_is_per_user(monkeypatch, tmp_path):
    monkeypatch.delenv("AIDANT_DESK_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "aidant-desk" / "desk.db"


def test_settings_round_trip_and_removal(tmp_path):
    db = open_database(tmp_path / "desk.db").db
    assert get_setting(db, "sync.server_url") is None
    assert get_setting(db, "sync.server_url", "défaut") == "défaut"
    set_setting(db, "sync.server_url", "http://127.0.0.1:8765")
    set_setting(db, "sync.server_url", "http://127.0.0.1:9000")
    assert get_setting(db, "sync.server_url") == "http://127.0.0.1:9000"
    set_setting(db, "sync.server_url", None)
    assert get_setting(db, "sync.server_url") is None
    assert not db.conn.in_transaction  # nothing left holding the write lock


def _database_at_version_1(path):
    """A desk file as an older release left it: first migration only, with a setting."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute("INSERT INTO settings VALUES ('sync.device_token', 'jeton-ancien')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


def test_migration_backs_up_the_file_first(tmp_path):
    path = tmp_path / "desk.db"
    _database_at_version_1(path)
    opened = open_database(path)
    assert schema_version(opened.db) == 4
    assert get_setting(opened.db, "sync.device_token") == "jeton-ancien"
    backup, _, _ = opened.backups  # one before each step: v1 -> v2, v2 -> v3, v3 -> v4
    assert re.fullmatch(r"desk\.db\.backup-v1-\d{8}T\d{6}", backup.name)
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
    assert copy.execute("SELECT value FROM settings").fetchall() == [("jeton-ancien",)]
    assert copy.execute("SELECT name FROM sqlite_master WHERE name = 'outbox'").fetchall() == []


def test_migration_backups_are_pruned_to_the_last_few(tmp_path, monkeypatch):
    import os

    path = tmp_path / "desk.db"
    _database_at_version_1(path)
    older = []
    for i in range(5):  # left by five earlier updates, the oldest first
        old = tmp_path / f"desk.db.backup-v0-2025010{i + 1}T090000"
        old.write_bytes(b"ancienne copie")
        os.utime(old, (1_700_000_000 + i, 1_700_000_000 + i))
        older.append(old)
    aside = tmp_path / "desk.db.corrupt-20250101T090000"
    aside.write_bytes(b"mise de cote")
    opened = open_database(path)
    assert len(opened.backups) == 3
    kept = sorted(tmp_path.glob("desk.db.backup-v*"))
    assert kept == sorted(opened.backups)  # this run's three: the five older ones removed
    assert not any(old.exists() for old in older)
    assert aside.exists()  # a file set aside is never a backup to prune
    opened.db.close()
    by_age = sorted(kept, key=lambda p: p.stat().st_mtime_ns)

    # A later update makes one copy: it and the two latest before it are kept.
    monkeypatch.setattr(database, "MIGRATIONS", [*MIGRATIONS, lambda db: db.execute("CREATE TABLE later (id INTEGER)")])
    newest = open_database(path).backups
    assert len(newest) == 1
    assert sorted(tmp_path.glob("desk.db.backup-v*")) == sorted([*newest, *by_age[1:]])


def test_an_appended_migration_runs_once_after_a_backup(tmp_path, monkeypatch):
    path = tmp_path / "desk.db"
    open_database(path).db.close()

    def add_consents(db):
        db.execute("CREATE TABLE consents (id INTEGER PRIMARY KEY)")

    monkeypatch.setattr(database, "MIGRATIONS", [*MIGRATIONS, add_consents])
    opened = open_database(path)
    assert schema_version(opened.db) == 5 and "consents" in opened.db.table_names()
    assert [b.name.split("-")[1] for b in opened.backups] == ["v4"]
    opened.db.close()
    assert open_database(path).backups == []


def test_a_failing_migration_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "desk.db"
    first = open_database(path).db
    set_setting(first, "sync.server_url", "http://127.0.0.1:8765")
    first.close()

    def broken(db):
        db.execute("CREATE TABLE half_done (id INTEGER)")
        raise RuntimeError("disque plein")

    monkeypatch.setattr(database, "MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(StoreError, match=r"étape 5, broken.*disque plein.*schéma 4 ; copie de sécurité"):
        open_database(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchall() == []
    assert conn.execute("SELECT value FROM settings").fetchall() == [("http://127.0.0.1:8765",)]


def test_a_file_from_a_newer_release_is_refused_untouched(tmp_path):
    path = tmp_path / "desk.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="version plus récente"):
        open_database(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name] == []


def _assert_moved_aside(tmp_path, opened, original: bytes, reason: str):
    [notice] = opened.notices
    assert notice.moved_to.read_bytes() == original
    assert re.fullmatch(r"desk\.db\.corrupt-\d{8}T\d{6}", notice.moved_to.name)
    assert reason in notice.message and notice.moved_to.name in notice.message
    assert "sans rien effacer" in notice.message
    # A fresh database took its place and works.
    assert schema_version(opened.db) == 4
    set_setting(opened.db, "k", "v")
    assert get_setting(opened.db, "k") == "v"


def test_a_file_that_is_not_sqlite_is_moved_aside(tmp_path):
    path = tmp_path / "desk.db"
    original = b"Ceci n'est pas une base de donnees.\n" * 200
    path.write_bytes(original)
    _assert_moved_aside(tmp_path, open_database(path), original, "ce n'est pas une base SQLite")


def test_a_damaged_sqlite_file_is_moved_aside(tmp_path):
    path = tmp_path / "desk.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[page_size:page_size * 3] = b"\xff" * (page_size * 2)  # scribble over the tables' pages
    path.write_bytes(bytes(data))
    _assert_moved_aside(tmp_path, open_database(path), bytes(data), "base SQLite endommagée")


def test_the_journal_of_a_damaged_file_moves_with_it(tmp_path):
    path = tmp_path / "desk.db"
    path.write_bytes(b"pas une base")
    (tmp_path / "desk.db-wal").write_bytes(b"journal")
    opened = open_database(path)
    [notice] = opened.notices
    assert (tmp_path / f"{notice.moved_to.name}-wal").read_bytes() == b"journal"
