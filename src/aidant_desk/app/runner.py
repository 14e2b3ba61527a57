"""One way to run long work off the GUI thread, after Anki's QueryOp and TaskManager.

    Operation(lambda: desk.sync()).success(show).failure(tell).progress("Envoi…").run(runner)

The work runs on a serial lane (one thread each: the engine pipe, the store, the
handout), its outcome comes back to the GUI thread through a queued signal. An
operation given a `supersede` key makes the earlier ones of that key stale: one not
yet started is skipped, and the outcome of one already running is dropped. A failure
without its own handler reaches `Runner.failed` as French text, for the status bar:
nothing is swallowed."""
from __future__ import annotations

import itertools
import queue
import sqlite3
import threading
import traceback
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

from ..desk import InvalidData, StoreError, sqlite_problem

UNEXPECTED = "Une opération a échoué de façon inattendue ; rien de ce qui a été saisi n'est perdu."


class WorkError(Exception):
    """Raised by background work with a French message for the person."""


def french_message(error: BaseException) -> str:
    """What a person reads of an error raised by background work."""
    if isinstance(error, WorkError):
        return str(error)
    if isinstance(error, InvalidData):
        return error.describe()
    if isinstance(error, StoreError):
        return str(error)
    if isinstance(error, OSError):
        where = f" {error.filename}" if error.filename else ""
        return f"Lecture ou écriture impossible{where} : {error.strerror or error}."
    if isinstance(error, sqlite3.Error):
        problem = sqlite_problem(error)
        return problem[0].upper() + problem[1:] + "."
    return UNEXPECTED


class Operation:
    """Work for a lane, and what to do on the GUI thread with its outcome."""

    def __init__(self, work: Callable[[], Any], lane: str = "default", parent: QObject | None = None):
        """`parent`: the widget the outcome is for; once it is closed and deleted, the outcome is dropped."""
        self.work, self.lane, self.parent = work, lane, parent
        self.on_success: Callable[[Any], None] = lambda value: None
        self.on_failure: Callable[[str], None] | None = None
        self.label = ""
        self.key: str | None = None
        self.ticket = 0

    def success(self, handler: Callable[[Any], None]) -> "Operation":
        self.on_success = handler
        return self

    def failure(self, handler: Callable[[str], None]) -> "Operation":
        """handler(French message); without one, the runner's `failed` signal carries it."""
        self.on_failure = handler
        return self

    def progress(self, label: str) -> "Operation":
        """Shown (Runner.progress) while the work runs."""
        self.label = label
        return self

    def supersede(self, key: str) -> "Operation":
        self.key = key
        return self

    def run(self, runner: "Runner") -> "Operation":
        runner.submit(self)
        return self


class Runner(QObject):
    progress = Signal(str)  # what is running now, in French; "" when idle
    failed = Signal(str)  # a failure no operation handled, in French
    _outcome = Signal(object, bool, object)  # operation, ok, value or message

    def __init__(self, parent=None):
        super().__init__(parent)
        self._lanes: dict[str, queue.SimpleQueue] = {}
        self._newest: dict[str, int] = {}
        self._tickets = itertools.count(1)
        self._running: list[Operation] = []
        self._outcome.connect(self._finish, Qt.ConnectionType.QueuedConnection)

    def submit(self, operation: Operation) -> None:
        operation.ticket = next(self._tickets)
        if operation.key:
            self._newest[operation.key] = operation.ticket
        self._running.append(operation)
        self._announce()
        self._lane(operation.lane).put(operation)

    def busy(self, lane: str | None = None) -> bool:
        return any(lane in (None, op.lane) for op in self._running)

    def stale(self, operation: Operation) -> bool:
        return operation.key is not None and self._newest.get(operation.key) != operation.ticket

    def _lane(self, name: str) -> queue.SimpleQueue:
        if name not in self._lanes:
            self._lanes[name] = queue.SimpleQueue()
            # A daemon thread: a lane blocked on a dead pipe never holds the app open.
            threading.Thread(target=self._serve, args=(self._lanes[name],), daemon=True,
                             name=f"aidant-desk-{name}").start()
        return self._lanes[name]

    def _serve(self, lane: queue.SimpleQueue) -> None:
        while True:
            operation = lane.get()
            if self.stale(operation):
                self._outcome.emit(operation, True, None)  # skipped: a newer one of its key waits
                continue
            try:
                value, ok = operation.work(), True
            except Exception as error:  # noqa: BLE001 - handed to the GUI thread, never swallowed
                value, ok = french_message(error), False
                if value == UNEXPECTED:
                    traceback.print_exc()  # for the support: the cause, not shown to the person
            self._outcome.emit(operation, ok, value)

    @Slot(object, bool, object)
    def _finish(self, operation: Operation, ok: bool, value: Any) -> None:
        self._running.remove(operation)
        self._announce()
        if self.stale(operation) or (operation.parent is not None and not shiboken6.isValid(operation.parent)):
            return
        if ok:
            operation.on_success(value)
        elif operation.on_failure:
            operation.on_failure(value)
        else:
            self.failed.emit(value)

    def _announce(self) -> None:
        labels = [op.label for op in self._running if op.label and not self.stale(op)]
        self.progress.emit(labels[-1] if labels else "")
