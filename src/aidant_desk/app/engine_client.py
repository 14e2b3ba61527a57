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

    def submit(self, kind: str, dossier, month: str, event_id: str = "", changes: dict | None = None) -> int | None:
        if not self.is_ready:
            return None
        request = Request(self._next_id, kind, dossier, month, event_id, changes)
        self._next_id += 1
        try:
            self._conn.send(request)
        except (OSError, EOFError):
            self._died()
            return None
        was_busy = self.busy
        self._latest[kind] = request.id
        if not was_busy:
            self.busy_changed.emit(True)
        return request.id

    def _died(self) -> None:
        """The engine process is gone: say so once; what was typed stays in the form."""
        self._timer.stop()
        self.is_ready = False
        self._latest.clear()
        self.failed.emit("Le moteur de calcul s'est arrêté. Le dossier en cours est gardé : "
                         "enregistrez-le et relancez l'application.")

    def _poll(self) -> None:
        try:
            while self._conn.poll():
                self._handle(self._conn.recv())
        except (OSError, EOFError):  # end of the pipe: the process died
            self._died()
            return
        if not self._process.is_alive() and self._process.exitcode is not None:
            self._died()

    def _handle(self, reply: Reply) -> None:
        if reply.kind == "ready":
            self._on_ready(reply)
        elif self._latest.get(reply.kind) == reply.id:  # a stale reply is dropped
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
