"""The GUI's handle on the engine process. Every exchange with it is an operation
on the runner's "engine" lane, so the pipe is used by one thread, the window never
waits, and only the newest request of each kind gets its reply shown."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from ..desk import EngineAnswer, EngineReady, EngineRefusal, EngineRequest, EngineStop
from .. import engine_process
from .runner import Operation, Runner, WorkError

LANE = "engine"
STOPPED = "Le moteur de calcul s'est arrêté. Le dossier en cours est gardé : enregistrez-le et relancez l'application."


class EngineStopped(WorkError):
    """The engine process is gone."""

    def __init__(self):
        super().__init__(STOPPED)


class EngineClient(QObject):
    ready = Signal(str)  # openfisca-france version
    failed = Signal(str)  # French message: the engine could not start, or stopped
    busy_changed = Signal(bool)

    def __init__(self, rules_dir: str | None = None, runner: Runner | None = None, parent=None):
        super().__init__(parent)
        self.runner = runner or Runner(self)
        self.rules_dir = rules_dir
        self._process = self._conn = None  # started by start()
        self.is_ready = False
        self.version = ""
        self.ready_at = 0.0  # when the engine process said it was ready (time.time())
        self._busy = False
        self._ended = False  # stopped on purpose, or found dead: said once
        self.runner.progress.connect(lambda _: self._busy_now(self.runner.busy(LANE)))

    def start(self) -> None:
        self._process, self._conn = engine_process.take(self.rules_dir)
        Operation(self._receive, LANE).success(self._on_ready).failure(self._died).run(self.runner)

    def submit(self, request: EngineRequest, on_reply: Callable[[Any], None], on_refusal: Callable[[str], None],
               parent: QObject | None = None) -> Operation | None:
        """Compute off the GUI thread; a newer request of the same kind makes this one stale.
        `parent` is the widget the reply is for (the engine may outlive a window)."""
        if not self.is_ready:
            return None

        def replied(reply: EngineAnswer | EngineRefusal) -> None:
            if isinstance(reply, EngineRefusal):
                on_refusal(reply.message)
            else:
                on_reply(reply.value)

        def failed(message: str) -> None:
            (self._died if message == STOPPED else on_refusal)(message)

        return (Operation(lambda: self._call(request), LANE, parent).supersede(type(request).__name__)
                .success(replied).failure(failed).run(self.runner))

    def _call(self, request: EngineRequest):
        try:
            self._conn.send(request)
        except (OSError, ValueError) as error:
            raise EngineStopped() from error
        return self._receive()

    def _receive(self):
        try:
            return self._conn.recv()
        except (OSError, EOFError) as error:  # end of the pipe: the process died
            raise EngineStopped() from error

    def _on_ready(self, reply: EngineReady | EngineRefusal) -> None:
        if isinstance(reply, EngineRefusal):
            self.failed.emit(reply.message)
            return
        self.is_ready, self.version, self.ready_at = True, reply.version, reply.at
        self.ready.emit(reply.version)

    def _died(self, message: str) -> None:
        """The engine process is gone: say so once; what was typed stays in the form."""
        self.is_ready = False
        if not self._ended:
            self._ended = True
            self.failed.emit(message)

    def _busy_now(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    def stop(self) -> None:
        self._ended = True
        if self._process is not None and self._process.is_alive():
            try:
                self._conn.send(EngineStop())
            except (BrokenPipeError, OSError):
                pass
            self._process.join(timeout=2)
            if self._process.is_alive():
                self._process.terminate()

