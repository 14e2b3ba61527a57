"""The GUI's handle on the engine process: requests go down a pipe, replies come
back on a timer, and only the newest reply of each kind reaches the window."""
from __future__ import annotations

import multiprocessing

from PySide6.QtCore import QObject, QTimer, Signal

from ..engine.service import STOP, Reply, Request, serve

POLL_MS = 10


class EngineClient(QObject):
    ready = Signal(str)  # openfisca-france version
    failed = Signal(str)  # French message: the engine could not start
    replied = Signal(object)  # Reply, never a stale one
    busy_changed = Signal(bool)

    def __init__(self, rules_dir: str | None = None, parent=None):
        super().__init__(parent)
        context = multiprocessing.get_context("spawn")  # no fork of a Qt process
        self._conn, child = context.Pipe()
        self._process = context.Process(target=serve, args=(child, rules_dir), daemon=True, name="aidant-desk-moteur")
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._latest: dict[str, int] = {}
        self._next_id = 1
        self.is_ready = False
        self.version = ""

    def start(self) -> None:
        self._process.start()
        self._timer.start()

    @property
    def busy(self) -> bool:
        return bool(self._latest)

    def submit(self, kind: str, dossier, month: str, event_id: str = "", changes: dict | None = None) -> int:
        request = Request(self._next_id, kind, dossier, month, event_id, changes)
        self._next_id += 1
        was_busy = self.busy
        self._latest[kind] = request.id
        self._conn.send(request)
        if not was_busy:
            self.busy_changed.emit(True)
        return request.id

    def _poll(self) -> None:
        if not self._process.is_alive() and not self._conn.poll():
            self._timer.stop()
            self.failed.emit("Le moteur de calcul s'est arrêté. Enregistrez le dossier et relancez l'application.")
            return
        while self._conn.poll():
            reply: Reply = self._conn.recv()
            if reply.kind == "ready":
                self._on_ready(reply)
            elif self._latest.get(reply.kind) == reply.id:
                del self._latest[reply.kind]
                self.replied.emit(reply)
                if not self.busy:
                    self.busy_changed.emit(False)

    def _on_ready(self, reply: Reply) -> None:
        if reply.error:
            self.failed.emit(reply.error)
            return
        self.is_ready, self.version = True, reply.value
        self.ready.emit(reply.value)

    def stop(self) -> None:
        self._timer.stop()
        if self._process.is_alive():
            try:
                self._conn.send(STOP)
            except (BrokenPipeError, OSError):
                pass
            self._process.join(timeout=2)
            if self._process.is_alive():
                self._process.terminate()
