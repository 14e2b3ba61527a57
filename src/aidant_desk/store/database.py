"""Opening the desk's database file: where it lives, whether it is sound, and
bringing its schema up to date.

A counselor never loses data to a bad file: a damaged or foreign file is moved
aside (never deleted), a fresh database takes its place, and a French notice says
where the old file went. Before each migration, a consistent copy of the file is
kept next to it.
"""
from __future__ import annotations

import os
import sqlite3
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterator

from sqlite_utils import Database

from ..files import PRIVATE_FILE
from ..paths import data_dir, data_home
from .migrations import MIGRATIONS

FILE_NAME = "desk.db"
# SQLite keeps these next to the database; they belong to it and move with it.
_COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")
# The primary result codes meaning "this file is not a sound SQLite database";
# anything else (locked, unreadable) must not get a file moved aside.
_SQLITE_HEADER = b"SQLite format 3\x00"
_DAMAGE = {11: "base SQLite endommagée", 26: "ce n'est pas une base SQLite"}


class StoreError(RuntimeError):
    """The database cannot be used as it is; the message is French and the file is untouched."""


# SQLite's own codes: a transaction it refuses is rolled back whole.
_SQLITE_REASONS = {
    sqlite3.SQLITE_FULL: "disque plein", sqlite3.SQLITE_READONLY: "support en lecture seule",
    sqlite3.SQLITE_IOERR: "erreur d'écriture du disque", sqlite3.SQLITE_CORRUPT: "base endommagée",
    sqlite3.SQLITE_BUSY: "base occupée par un autre programme",
}


def sqlite_problem(error: sqlite3.Error) -> str:
    """What a person reads when SQLite refuses a write: nothing written was half done."""
    reason = _SQLITE_REASONS.get(getattr(error, "sqlite_errorcode", None) or 0, "erreur de la base de données")
    return (f"la base de données du poste ne peut pas être écrite ({reason}). Ce qui était déjà enregistré est "
            "intact ; libérez de la place ou choisissez un autre emplacement, puis recommencez")


@dataclass(frozen=True)
class StoreNotice:
    """Something the counselor should be told about their data, in French."""

    message: str
    moved_to: Path


@dataclass
class OpenedDatabase:
    db: Database
    path: Path
    notices: list[StoreNotice] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)


def default_path() -> Path:
    """desk.db in the desk's data directory ($AIDANT_DESK_HOME, else the user's)."""
    return data_home() / FILE_NAME


def open_database(path: str | Path | None = None) -> OpenedDatabase:
    """Open (creating if needed) and migrate the desk database.

    The connection belongs to the calling thread: a background worker opens its own.
    """
    path = Path(path) if path else default_path()
    if path.parent == data_home():
        data_dir()  # the desk's own folder: made, or closed to others
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    notices = []
    problem = _integrity_problem(path)
    if problem:
        moved = _move_aside(path, "corrupt")
        notices.append(StoreNotice(
            f"Le fichier de données {path} est illisible ({problem}). Il a été mis de côté, sans rien "
            f"effacer, sous le nom {moved.name} ; une base neuve a été créée. Gardez ce fichier et "
            "signalez-le au support.", moved))
    _private(path)
    db = Database(sqlite3.connect(path, timeout=10))
    try:
        _refuse_newer(db, path)
        # The app and its background sync write through two connections.
        db.enable_wal()
        backups = _migrate(db, path)
    except BaseException:
        db.close()
        raise
    return OpenedDatabase(db, path, notices, backups)


@contextmanager
def command_database(path: str | Path | None = None) -> Iterator[Database]:
    """For a command-line run: open the desk database, say on stderr what was set
    aside, close it at the end. A StoreError goes up: each command has its exit code."""
    opened = open_database(path)
    for notice in opened.notices:
        print(f"Attention : {notice.message}", file=sys.stderr)
    try:
        yield opened.db
    finally:
        opened.db.close()


def schema_version(db: Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def _refuse_newer(db: Database, path: Path) -> None:
    current, known = schema_version(db), len(MIGRATIONS)
    if current > known:
        raise StoreError(
            f"La base {path} a été créée par une version plus récente d'Aidant Desk (schéma {current}, "
            f"cette version connaît le schéma {known}). Mettez Aidant Desk à jour ; le fichier n'a pas été modifié.")


KEPT_BACKUPS = 3


def _migrate(db: Database, path: Path) -> list[Path]:
    """Run the pending MIGRATIONS, each in its own transaction; return the backups made."""
    current, target = schema_version(db), len(MIGRATIONS)
    backups = []
    for version in range(current, target):
        # A file created just now holds nothing worth a copy.
        backup = _backup(db, path, version) if current else None
        if backup:
            backups.append(backup)
        step = MIGRATIONS[version]
        try:
            with write_transaction(db):
                if schema_version(db) > version:
                    continue  # another connection to the same file (app, background sync) just ran it
                step(db)
                db.execute(f"PRAGMA user_version = {version + 1}")
        except Exception as error:
            kept = f" ; copie de sécurité : {backup.name}" if backup else ""
            raise StoreError(
                f"La mise à jour de la base {path} (étape {version + 1}, {step.__name__}) a échoué : {error}. "
                f"La base est restée au schéma {version}{kept}.") from error
    _prune_backups(path, backups)
    return backups


def _prune_backups(path: Path, made: list[Path]) -> None:
    """Keep the KEPT_BACKUPS latest migration backups, and every one this run made: each
    is a whole copy of the desk's file, and the oldest serve no one after a few updates."""
    backups = sorted(path.parent.glob(f"{path.name}.backup-v*"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in backups[max(KEPT_BACKUPS, len(made)):]:
        if old not in made:
            old.unlink(missing_ok=True)


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE: take the write lock before reading, so what a transaction reads
    cannot be changed by the other connection before it writes."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.commit()


def _integrity_problem(path: Path) -> str | None:
    """Why the file is not a sound SQLite database, or None (also for a missing file)."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    with path.open("rb") as file:
        # Checked before SQLite sees the file, which could otherwise discard a journal next to it.
        if file.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
            return _DAMAGE[26]
    conn = sqlite3.connect(path, timeout=10)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as error:
        damage = _DAMAGE.get(getattr(error, "sqlite_errorcode", 0) & 0xFF)
        if damage:
            return damage
        raise
    finally:
        conn.close()
    return None if [row[0] for row in rows] == ["ok"] else _DAMAGE[11]


def _private(path: Path) -> None:
    """The database readable by the user alone (SQLite gives its -wal and -shm files the
    same mode); an existing one made open to others by an earlier version is closed."""
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE))
        path.chmod(PRIVATE_FILE)
    except OSError:
        pass  # a read-only file or folder: opening it says so, in French, as before


def _stamped(path: Path, label: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}")
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{counter}")
    return candidate


def _move_aside(path: Path, label: str) -> Path:
    target = _stamped(path, label)
    path.rename(target)
    for suffix in _COMPANION_SUFFIXES:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    return target


def _backup(db: Database, path: Path, version: int) -> Path:
    """A consistent copy (SQLite's online backup, WAL included) before a migration."""
    target = _stamped(path, f"backup-v{version}")
    _private(target)
    copy = sqlite3.connect(target)
    try:
        db.conn.backup(copy)
    finally:
        copy.close()
    return target
