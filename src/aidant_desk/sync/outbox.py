"""The outbox: batches written to the desk database before they are sent, and kept
until the server acknowledges them, across restarts and crashes.

Cutting batches moves everything recorded but not yet batched into one batch per ISO
week, in one transaction with the suppression state, so a crash leaves either all of
it or none of it.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from ..store import get_setting, set_setting, write_transaction
from .payload import BREAKDOWNS, HEADLINE, build_payload, encode
from .suppression import release_cells

# Random per install, never sent: keys cannot be guessed or linked to another desk.
INSTALL_SECRET = "sync.install_secret"


@dataclass(frozen=True)
class Batch:
    sequence: int
    week: str
    idempotency_key: str
    body: str


def idempotency_key(secret: bytes, sequence: int) -> str:
    return hmac.new(secret, f"batch:{sequence}".encode(), hashlib.sha256).hexdigest()


def cut_batches(db: Database, now: datetime) -> int:
    """Put every count recorded since the last cut into outbox batches; how many were made."""
    with write_transaction(db):
        rows = db.execute("SELECT week, metric, key, recorded - batched FROM activity_counts "
                          "WHERE recorded > batched").fetchall()
        if not rows:
            return 0
        by_week: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        for week, metric, key, delta in rows:
            by_week[week].append((metric, key, delta))
        pending: dict[str, dict[str, int]] = {metric: {} for metric in BREAKDOWNS}
        for metric, key, count in db.execute("SELECT metric, key, pending FROM suppressed_cells").fetchall():
            pending[metric][key] = count
        secret = _install_secret(db)
        made = 0
        # Oldest week first: a cell carried over is released in the week it reaches the threshold.
        for week in sorted(by_week):
            totals = dict.fromkeys(HEADLINE, 0)
            new: dict[str, dict[str, int]] = {metric: {} for metric in BREAKDOWNS}
            for metric, key, delta in by_week[week]:
                if metric in new:
                    new[metric][key] = delta
                else:
                    totals[metric] = delta
            cells = {}
            for metric in BREAKDOWNS:
                cells[metric], pending[metric] = release_cells(pending[metric], new[metric])
            if any(totals.values()) or any(cells.values()):
                _enqueue(db, secret, week, totals, cells, now)
                made += 1
        db.execute("UPDATE activity_counts SET batched = recorded WHERE recorded > batched")
        db.execute("DELETE FROM suppressed_cells")
        db.conn.executemany("INSERT INTO suppressed_cells (metric, key, pending) VALUES (?, ?, ?)",
                            [(metric, key, count) for metric in BREAKDOWNS for key, count in pending[metric].items()])
    return made


def pending_batches(db: Database) -> list[Batch]:
    rows = db.execute("SELECT sequence, week, idempotency_key, body FROM outbox ORDER BY sequence").fetchall()
    return [Batch(*row) for row in rows]


def waiting_count(db: Database) -> int:
    return db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]


def acknowledge(db: Database, sequence: int) -> None:
    """The server holds the batch: only now may it leave the outbox."""
    with db.atomic():
        db.execute("DELETE FROM outbox WHERE sequence = ?", [sequence])


def _install_secret(db: Database) -> bytes:
    secret = get_setting(db, INSTALL_SECRET)
    if secret is None:
        secret = secrets.token_hex(32)
        set_setting(db, INSTALL_SECRET, secret)
    return bytes.fromhex(secret)


def _enqueue(db: Database, secret: bytes, week: str, totals: dict[str, int],
             cells: dict[str, dict[str, int]], now: datetime) -> None:
    # The sequence number comes from the row itself (AUTOINCREMENT), then the key from it.
    sequence = db.execute("INSERT INTO outbox (week, created_at) VALUES (?, ?)", [week, now.isoformat()]).lastrowid
    key = idempotency_key(secret, sequence)
    payload = build_payload(idempotency_key=key, week=week, totals=totals, **cells)
    db.execute("UPDATE outbox SET idempotency_key = ?, body = ? WHERE sequence = ?", [key, encode(payload), sequence])
