"""The desk database's schema, one ordered step at a time.

MIGRATIONS[i] takes the schema from version i to i + 1 (stored in PRAGMA
user_version). Each step runs in a transaction with the version bump, after a
backup of the file. Append new steps at the end; never edit or reorder a step that
has shipped, desks in the field have already run it.
"""
from __future__ import annotations

from typing import Callable

from sqlite_utils import Database


def create_settings(db: Database) -> None:
    db["settings"].create({"key": str, "value": str}, pk="key", not_null={"value"})


def create_activity_counts(db: Database) -> None:
    # One row per ISO week and counter; `batched` is the part already put in the
    # outbox, so a new batch carries recorded - batched and nothing is sent twice.
    db["activity_counts"].create(
        {"week": str, "metric": str, "key": str, "recorded": int, "batched": int},
        pk=("week", "metric", "key"),
        not_null={"week", "metric", "key", "recorded", "batched"},
        defaults={"key": "", "recorded": 0, "batched": 0},
    )
    # Breakdown cells below the publication threshold wait here until they reach it.
    db["suppressed_cells"].create(
        {"metric": str, "key": str, "pending": int}, pk=("metric", "key"), not_null={"metric", "key", "pending"},
    )
    # AUTOINCREMENT: a sequence number is never reused, even once the outbox is
    # empty, because each batch's idempotency key is derived from it.
    db.execute("""
        CREATE TABLE outbox (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            week TEXT NOT NULL,
            idempotency_key TEXT UNIQUE,
            body TEXT,
            created_at TEXT NOT NULL
        )""")


def create_appointments(db: Database) -> None:
    # The local agenda. Times are UTC text of fixed width, so they compare and sort
    # as text; `uid` and `sequence` let a calendar that imported the .ics follow a
    # move or a cancellation. AUTOINCREMENT: a cancelled appointment's number, which
    # the counselor may have noted, is never given to another one.
    db.execute("""
        CREATE TABLE appointments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            uid TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('desk', 'partner')),
            start_utc TEXT NOT NULL,
            end_utc TEXT NOT NULL,
            place TEXT NOT NULL,
            with_whom TEXT NOT NULL,
            what_to_bring TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            label TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),
            sequence INTEGER NOT NULL DEFAULT 0
        )""")
    db.execute("CREATE INDEX appointments_by_start ON appointments (start_utc)")


def create_dossiers(db: Database) -> None:
    # The saved dossiers. `content` is encrypted (store.encryption): the name, the
    # people, the amounts and the consent are in it and nowhere else. The columns in
    # clear say only when, how many aids and under which rules, for the list and the
    # retention purge.
    db.execute("""
        CREATE TABLE dossiers (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            content BLOB NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            aids_found INTEGER,
            catalogue_fingerprint TEXT NOT NULL DEFAULT '',
            openfisca_france_version TEXT NOT NULL DEFAULT ''
        )""")
    db.execute("CREATE INDEX dossiers_by_update ON dossiers (updated_at)")


MIGRATIONS: list[Callable[[Database], None]] = [
    create_settings,
    create_activity_counts,
    create_appointments,
    create_dossiers,
]
