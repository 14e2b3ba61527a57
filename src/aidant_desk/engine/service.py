"""The engine in its own process: the GUI sends requests through a pipe and never
waits. One serial loop; when requests pile up, only the newest of each kind is
computed (a change in the form supersedes the computation it made stale)."""
from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Request:
    id: int
    kind: str  # simulate, compare, ladder
    dossier: Any  # Dossier
    month: str
    event_id: str = ""
    changes: dict | None = None


@dataclass(frozen=True)
class Reply:
    id: int
    kind: str
    value: Any = None
    error: str = ""  # French message for the counselor


STOP = "stop"


def _newest_per_kind(requests: list) -> list:
    newest: dict[str, Request] = {}
    for r in requests:
        newest[r.kind] = r
    return sorted(newest.values(), key=lambda r: r.id)


def _handle(engine, request: Request):
    from .scenarios import compare_event, earnings_ladder

    dossier = request.dossier.with_month(request.month)
    if request.kind == "simulate":
        return engine.simulate(dossier, request.month)
    if request.kind == "compare":
        return compare_event(engine, dossier, request.event_id, request.changes or {}, request.month)
    if request.kind == "ladder":
        return earnings_ladder(engine, dossier, request.month)
    raise ValueError(f"unknown request kind {request.kind}")


def serve(conn, rules_dir: str | None = None) -> None:
    """Child-process entry point: load the engine once, then answer requests."""
    from ..catalogue import load_catalogue
    from ..dossier import InvalidData
    from .core import OPENFISCA_FRANCE_VERSION, Engine

    try:
        engine = Engine(load_catalogue(rules_dir) if rules_dir else None)
        conn.send(Reply(0, "ready", OPENFISCA_FRANCE_VERSION))
    except InvalidData as error:
        conn.send(Reply(0, "ready", error=f"Le catalogue des aides est invalide.\n{error.describe()}"))
        return
    while True:
        pending = [conn.recv()]
        while conn.poll():
            pending.append(conn.recv())
        if STOP in pending:
            return
        for request in _newest_per_kind(pending):
            try:
                conn.send(Reply(request.id, request.kind, _handle(engine, request)))
            except InvalidData as error:
                conn.send(Reply(request.id, request.kind, error=error.describe()))
            except Exception:  # noqa: BLE001 - the GUI shows it; the worker keeps serving
                traceback.print_exc()
                conn.send(Reply(request.id, request.kind, error="Le calcul a échoué pour ce dossier. "
                                                              "Vérifiez les montants saisis ; rien n'est perdu."))
