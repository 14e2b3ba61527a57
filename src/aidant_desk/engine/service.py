"""The engine in its own process, and the typed messages it exchanges with the app.

A request is a dataclass that knows how to run on the engine (`run(engine)`; the desk
sends one more, the handout's PDF); the worker answers each with an Answer or a Refusal. The app's runner sends one request at a time and
drops replies a newer request made stale, so the worker stays a plain serial loop."""
from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from typing import Any

from ..dossier import Dossier, InvalidData

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Simulate:
    """Every aid of the dossier, in its month."""

    dossier: Dossier

    def run(self, engine):
        return engine.simulate(self.dossier)


@dataclass(frozen=True)
class Compare:
    """Before and after a life event (the comparison tab)."""

    dossier: Dossier
    event_id: str
    changes: dict = field(default_factory=dict)

    def run(self, engine):
        from .scenarios import compare_event

        return compare_event(engine, self.dossier, self.event_id, self.changes)


@dataclass(frozen=True)
class Ladder:
    """Aids as the applicant's wages rise (the earnings chart), and at `chosen` wages."""

    dossier: Dossier
    chosen: float | None = None

    def run(self, engine):
        from .scenarios import earnings_ladder

        return earnings_ladder(engine, self.dossier, chosen=self.chosen)


@dataclass(frozen=True)
class Explain:
    """« Comment ce montant est calculé » for one money benefit of the dossier."""

    dossier: Dossier
    aid_id: str

    def run(self, engine):
        from .explain import explain

        return explain(engine, self.dossier, self.aid_id)


@dataclass(frozen=True)
class Stop:
    """Ends the worker."""


@dataclass(frozen=True)
class Ready:
    """The engine is loaded: openfisca-france's version, and when (time.time(), for the
    start-up figures: the window may learn it later, busy building itself)."""

    version: str
    at: float = 0.0


@dataclass(frozen=True)
class Answer:
    value: Any


@dataclass(frozen=True)
class Refusal:
    """A request the engine could not answer, or a catalogue it could not load; French."""

    message: str


Request = Simulate | Compare | Ladder | Explain
COMPUTATION_FAILED = "Le calcul a échoué pour ce dossier. Vérifiez les montants saisis ; rien n'est perdu."


def answer(engine, request: Request) -> Answer | Refusal:
    try:
        return Answer(request.run(engine))
    except InvalidData as error:
        return Refusal(error.describe())
    except Exception:  # noqa: BLE001 - the app shows the refusal; the worker keeps serving
        traceback.print_exc()
        return Refusal(COMPUTATION_FAILED)


WARM_UP_EXAMPLE = "parent_isole_deux_enfants.json"
WARM_UP_AFTER_S = 0.5  # a dossier opened with the app (--open, a resumed one) is asked for sooner


def warm_up(engine) -> None:
    """One example computed at this month while nobody waits: openfisca then reads its
    data files and this month's legislation now (about 3 s), not on the first dossier."""
    from .. import package_data
    from ..dossier import current_month

    try:
        engine.simulate(Dossier.load(package_data.examples_dir() / WARM_UP_EXAMPLE).with_month(current_month()))
    except Exception:  # a warm-up that fails costs the first dossier its seconds, nothing else
        log.exception("Préchauffage du moteur impossible")


def serve(conn, rules_dir: str | None = None) -> None:
    """Child-process entry point: load the engine once, then answer requests in turn."""
    import time

    from ..catalogue import load_catalogue
    from .core import OPENFISCA_FRANCE_VERSION, Engine

    started = time.perf_counter()

    try:
        engine = Engine(load_catalogue(rules_dir) if rules_dir else None)
    except InvalidData as error:
        conn.send(Refusal(f"Le catalogue des aides est invalide.\n{error.describe()}"))
        return
    conn.send(Ready(OPENFISCA_FRANCE_VERSION, time.time()))
    log.info("Moteur prêt en %.2f s (openfisca-france %s, règles %s)", time.perf_counter() - started,
             OPENFISCA_FRANCE_VERSION, engine.catalogue.version or "intégrées")
    if not conn.poll(WARM_UP_AFTER_S):  # no dossier at once: the counselor is typing one
        warm_up(engine)
    while not isinstance(request := conn.recv(), Stop):
        conn.send(answer(engine, request))
