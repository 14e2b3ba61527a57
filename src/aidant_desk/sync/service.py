"""`sync_now`: cut the week's batches, send what waits in the outbox, remember how it went.

Safe to call at any time, offline included: counts stay in the outbox until the
server acknowledges them, and a batch sent twice is stored once (idempotency key).

When the server asks to wait (429 or 503 with Retry-After), the next try waits at
least that long: within a sync if the wait is short, else the sync stops there and
the background sync is not due again before it is over.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlite_utils import Database

from ..store import get_setting, set_setting
from .client import SendFailure, post_batch
from .outbox import Batch, acknowledge, cut_batches, pending_batches, waiting_count
from .retry import WITHIN_SYNC
from .status import NEXT_ATTEMPT, connection_settings, due, record_failure, record_success

TRIES_PER_BATCH = 3
# The longest Retry-After waited out within a sync (the counselor may be waiting);
# a longer one ends the sync, and the background sync waits it out.
WAIT_WITHIN_SYNC = 5.0


@dataclass(frozen=True)
class SyncReport:
    sent: int              # batches acknowledged by the server during this sync
    waiting: int           # batches still in the outbox
    error: str | None      # the last error, in French
    postponed: bool = False  # background sync waiting out its backoff: nothing was tried


def sync_now(db: Database, *, force: bool = True, timeout: float = 10.0,
             tries: int = TRIES_PER_BATCH, now: datetime | None = None,
             sleep: Callable[[float], None] = time.sleep) -> SyncReport:
    """Send every waiting batch. force=False (the background loop) respects the
    backoff after failures and the server's Retry-After; "Synchroniser maintenant"
    and the CLI use force=True. sleep waits between tries of a batch (tests pass a
    fake one).

    Raises NotConfigured when the desk has no server address or token yet.
    """
    server_url, token = connection_settings(db)
    now = now or datetime.now(timezone.utc)
    started = time.monotonic()
    cut_batches(db, now)
    if not force and not due(db, now):
        return SyncReport(sent=0, waiting=waiting_count(db), error=None, postponed=True)
    sent, error, wait_until = 0, None, None
    for batch in pending_batches(db):
        try:
            _send(batch, server_url, token, timeout, tries, sleep)
        except SendFailure as failure:
            error = failure.message
            if failure.retry_after is not None:
                # From when it was said, not from the start of the sync.
                wait_until = now + timedelta(seconds=time.monotonic() - started + failure.retry_after)
            if failure.kind == SendFailure.REJECTED:
                continue
            break
        acknowledge(db, batch.sequence)
        sent += 1
    if error:
        record_failure(db, error, now)
        if wait_until is not None:
            _not_before(db, wait_until)
    else:
        record_success(db, now)
    return SyncReport(sent=sent, waiting=waiting_count(db), error=error)


def _send(batch: Batch, server_url: str, token: str, timeout: float, tries: int,
          sleep: Callable[[float], None] = time.sleep) -> None:
    for attempt in range(1, tries + 1):
        try:
            post_batch(server_url, token, batch.body, batch.idempotency_key, timeout)
            return
        except SendFailure as failure:
            if failure.kind != SendFailure.TRANSIENT or attempt == tries:
                raise
            if failure.retry_after is not None and failure.retry_after > WAIT_WITHIN_SYNC:
                raise  # too long to keep the counselor waiting: the background sync will wait it out
            delay = max(WITHIN_SYNC.delay(attempt), failure.retry_after or 0.0)
        sleep(delay)


def _not_before(db: Database, moment: datetime) -> None:
    """The next background try no sooner than moment (the backoff may already say later)."""
    planned = get_setting(db, NEXT_ATTEMPT)
    if planned is None or datetime.fromisoformat(planned) < moment:
        set_setting(db, NEXT_ATTEMPT, moment.isoformat())
