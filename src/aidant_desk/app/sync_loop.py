"""The anonymised counts leave in the background: every minute, or when the counselor
asks, on the runner's store lane (the network never blocks the window)."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from ..desk import Desk, NotConfigured
from .runner import Operation, Runner

BACKGROUND_SYNC_MS = 60_000
SENDING = "Envoi des comptes anonymes…"


class SyncLoop(QObject):
    status_changed = Signal(list)  # French lines: last sync, batches waiting, last error

    def __init__(self, desk: Desk, runner: Runner, parent=None):
        super().__init__(parent)
        self.desk, self.runner = desk, runner
        self.timer = QTimer(self)
        self.timer.setInterval(BACKGROUND_SYNC_MS)
        self.timer.timeout.connect(lambda: self.sync(force=False))

    def start(self) -> None:
        self.timer.start()
        self.refresh_status()

    def sync(self, force: bool = True) -> Operation | None:
        """Send what waits; a sync already under way is not doubled."""
        if self.runner.busy("store"):
            return None
        return (Operation(lambda: self._send(force), "store", self).progress(SENDING if force else "")
                .success(lambda _: self.refresh_status()).failure(self._failed).run(self.runner))

    def _send(self, force: bool):
        try:
            return self.desk.sync(force=force)
        except NotConfigured:
            return None  # not enrolled yet: the status lines say so

    def _failed(self, message: str) -> None:
        self.status_changed.emit([f"Synchronisation impossible : {message}"])
        self.runner.failed.emit(message)

    def refresh_status(self) -> None:
        problem = self.desk.store_problem()
        self.status_changed.emit([f"Les comptes d'activité sont désactivés : {problem}"] if problem
                                 else self.desk.sync_status_lines())
