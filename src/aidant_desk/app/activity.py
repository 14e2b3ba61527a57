"""The app's side of the anonymised activity counts: record what happened at the
desk, and sync in the background (network calls never run on the GUI thread)."""
from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from ..engine import SimulationResult
from ..store import StoreError, open_database
from ..sync import NotConfigured, record_simulation, status_lines, sync_now, sync_status

BACKGROUND_SYNC_MS = 60_000


class Activity(QObject):
    """Counts a completed simulation once per dossier, and keeps the outbox moving."""

    status_changed = Signal(list)  # French lines: last sync, batches waiting, last error
    _finished = Signal()

    def __init__(self, db_path: Path | None = None, parent=None):
        super().__init__(parent)
        self.notices: list[str] = []
        try:
            opened = open_database(db_path)
        except StoreError as error:
            # The desk still works without counts; the counselor is told why.
            self.db, self.path = None, None
            self.notices.append(f"Les comptes d'activité sont désactivés : {error}")
        else:
            self.db, self.path = opened.db, opened.path
            self.notices += [n.message for n in opened.notices]
        self._syncing = threading.Lock()
        self._finished.connect(self.refresh_status)
        self.timer = QTimer(self)
        self.timer.setInterval(BACKGROUND_SYNC_MS)
        self.timer.timeout.connect(lambda: self.sync(force=False))

    def start(self) -> None:
        self.timer.start()
        self.refresh_status()

    def record(self, result: SimulationResult, life_events: list[str]) -> None:
        if self.db is None:
            return
        record_simulation(self.db, eligible_aids=[a.aid_id for a in result.eligible],
                          new_rights=bool(result.new_rights), life_events=list(life_events), at=datetime.now())

    def sync(self, force: bool = True) -> None:
        """Send what waits, in a thread with its own connection; never blocks the window."""
        if self.path is None or not self._syncing.acquire(blocking=False):
            return
        threading.Thread(target=self._sync_in_thread, args=(force,), daemon=True, name="aidant-desk-sync").start()

    def _sync_in_thread(self, force: bool) -> None:
        try:
            db = open_database(self.path).db  # a SQLite connection belongs to one thread
            try:
                sync_now(db, force=force)
            except NotConfigured:
                pass  # not enrolled yet: the status line says so
            finally:
                db.conn.close()
        except Exception:  # noqa: BLE001 - the last error is stored by sync_now; keep the app alive
            pass
        finally:
            self._syncing.release()
            self._finished.emit()

    def refresh_status(self) -> None:
        if self.db is None:
            self.status_changed.emit(self.notices[-1:])
            return
        self.status_changed.emit(status_lines(sync_status(self.db)))
