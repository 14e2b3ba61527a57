"""`sync_now`: cut the week's batches, send what waits in the outbox, remember how it went.

Safe to call at any time, offline included: counts stay in the outbox until the
server acknowledges them, and a batch sent twice is stored once (idempotency key).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlite_utils import Database

from .client import SendFailure, post_batch
from .outbox import Batch, acknowledge, cut_batches, pending_batches, waiting_count
from .retry import WITHIN_SYNC
from .status import connection_settings, due, record_failure, record_success

TRIES_PER_BATCH = 3


@dataclass(frozen=True)
class SyncReport:
    sent: int              # batches acknowledged by the server during this sync
    waiting: int           # batches still in the outbox
    error: str | None      # the last error, in French
    postponed: bool = False  # background sync waiting out its backoff: nothing was tried


def sync_now(db: Database, *, force: bool = True, timeout: float = 10.0,
             tries: int = TRIES_PER_BATCH, now: datetime | None = None) -> SyncReport:
    """Send every waiting batch. force=False (the background loop) respects the
    backoff after failures; "Synchroniser maintenant" and the CLI use force=True.

    Raises NotConfigured when the desk has no server address or token yet.
    """
    server_url, token = connection_settings(db)
    now = now or datetime.now(timezone.utc)
    cut_batches(db, now)
    if not force and not due(db, now):
        return SyncReport(sent=0, waiting=waiting_count(db), error=None, postponed=True)
    sent, error = 0, None
    for batch in pending_batches(db):
        try:
            _send(batch, server_url, token, timeout, tries)
        except SendFailure as failure:
            error = failure.message
            if failure.kind == SendFailure.REJECTED:
                continue
            break
        acknowledge(db, batch.sequence)
        sent += 1
    if error:
        record_failure(db, error, now)
    else:
        record_success(db, now)
    return SyncReport(sent=sent, waiting=waiting_count(db), error=error)


def _send(batch: Batch, server_url: str, token: str, timeout: float, tries: int) -> None:
    for attempt in range(1, tries + 1):
        try:
            post_batch(server_url, token, batch.body, batch.idempotency_key, timeout)
            return
        except SendFailure as failure:
            if failure.kind != SendFailure.TRANSIENT or attempt == tries:
                raise
        time.sleep(WITHIN_SYNC.delay(attempt))
