"""The desk's use cases, in one place: each one happens here and is counted here.

The CLI and the app call a Desk. Below it the engine computes, the handout draws,
the agenda books and sync sends; none of them opens the store or counts. The Desk
opens the store on first need; when it cannot, every use case that needs it says
why, in French, at that moment (a simulation never needs it)."""
from __future__ import annotations

import logging
import sqlite3
import time
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Sequence

from sqlite_utils import Database

from .. import autosave
from ..agenda import PARIS, Agenda, Appointment, load_agenda_settings
from ..catalogue import Catalogue, default_catalogue
from ..dossier import Dossier, current_month
from ..engine.explain import Explanation, explain
from ..engine.replay import calculate_request
from ..engine.results import SimulationResult
from ..files import write_whole
from ..handout import HandoutOptions
from ..site import SiteSettings
from ..store import OpenedDatabase, StoreError, default_path, open_database
from ..sync import SyncReport, configure, record_appointment, record_handout, record_simulation, sync_now
from ..sync import status_lines, sync_status
from ..store.encryption import dossier_cipher
from .delivery import BuildHandout, Handout
from .dossiers import DossierShelf, KeptDossier
from .recheck import RecheckReport, recheck
from .settings import DeskSettings, load_settings, load_site_settings, save_settings

log = logging.getLogger(__name__)


class Desk:
    def __init__(self, database: str | Path | None = None, *, catalogue: Catalogue | None = None,
                 now: Callable[[], datetime] | None = None):
        self.path = Path(database) if database else default_path()
        self._catalogue = catalogue
        self._now = now or (lambda: datetime.now(PARIS))
        self._opened: OpenedDatabase | None = None
        self._store_problem = ""
        self._engine = None
        self._shelf: DossierShelf | None = None
        self.notices: list[str] = []  # what the counselor should be told about their data, in French

    # --- the store --------------------------------------------------------------------
    @property
    def db(self) -> Database:
        """The opened store (for this thread); StoreError, in French, when it cannot open."""
        if self._opened is None:
            if self._store_problem:
                raise StoreError(self._store_problem)
            try:
                self._opened = _open(self.path)
            except StoreError as error:
                self._store_problem = str(error)
                raise
            self.notices += [notice.message for notice in self._opened.notices]
        return self._opened.db

    @property
    def dossiers(self) -> DossierShelf:
        """The dossiers kept on this desk, encrypted with the desk's key."""
        if self._shelf is None:
            self._shelf = DossierShelf(self.db, dossier_cipher(self.path.parent), self._now)
        return self._shelf

    def store_problem(self) -> str:
        """'' when the store is usable, else why not (it is opened now if it was not)."""
        try:
            self.db
        except StoreError as error:
            return str(error)
        return ""

    def close(self) -> None:
        self._shelf = None
        if self._opened is not None:
            self._opened.db.close()
            self._opened = None

    def __enter__(self) -> "Desk":
        return self

    def __exit__(self, *_) -> None:
        self.close()

    # --- computing --------------------------------------------------------------------
    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            self._catalogue = default_catalogue()
        return self._catalogue

    @property
    def engine(self):
        if self._engine is None:
            from ..engine import Engine  # openfisca loads only when something is computed

            self._engine = Engine(self.catalogue)
        return self._engine

    def open_dossier(self, path: str | Path, month: str | None = None) -> Dossier:
        """The dossier file, simulated at `month`, else its own month, else this month."""
        dossier = Dossier.load(path)
        return dossier.with_month(month or dossier.month or current_month())

    def save_dossier(self, dossier: Dossier, path: str | Path) -> Path:
        dossier.save(path)
        return Path(path)

    def simulate(self, dossier: Dossier) -> SimulationResult:
        return self.engine.simulate(dossier)

    def situation(self, dossier: Dossier) -> dict:
        """The OpenFisca situation this dossier is computed on, with every aid asked for:
        a request the OpenFisca Web API's /calculate replays."""
        return calculate_request(self.engine.situation([dossier]), self.catalogue, dossier.month)

    def explain(self, dossier: Dossier, aid_id: str) -> Explanation:
        """« Comment ce montant est calculé » for a money benefit (InvalidData, in French, when not available)."""
        return explain(self.engine, dossier, aid_id)

    def finish_visit(self, result: SimulationResult, life_events: list[str]) -> None:
        """A visit's simulation counts once, when the counselor moves on from the dossier."""
        record_simulation(self.db, eligible_aids=[a.aid_id for a in result.aids_found],
                          new_rights=bool(result.new_rights), life_events=list(life_events), at=self._now())

    # --- the dossier in progress ---------------------------------------------------------
    def keep_in_progress(self, answers: dict) -> None:
        """The form's answers after every change, valid or not: a crash loses nothing."""
        autosave.save(answers)

    def dossier_in_progress(self) -> tuple[dict | None, str]:
        """The answers kept from the last session, or None and why a damaged file was set aside."""
        return autosave.load()

    def set_aside_in_progress(self) -> Path | None:
        """A new dossier starts: keep the one in progress under another name."""
        return autosave.set_aside()

    def recheck(self, progress: Callable[[int, int], None] | None = None) -> RecheckReport:
        """Every kept dossier computed again under today's rules; what changed, for whom."""
        started = time.perf_counter()
        report = recheck(self.dossiers, self.engine, self.catalogue, progress=progress)
        log.info("Revérification : %d dossier(s) calculé(s), %d avec des aides changées, %d refusé(s), en %.1f s",
                 report.checked, len(report.changed), len(report.refused), time.perf_counter() - started)
        return report

    def next_appointments(self, kept: Sequence[KeptDossier]) -> dict[int, Appointment]:
        """Each kept dossier's next appointment still to come (booked, not cancelled), by
        dossier id, as the agenda holds it now."""
        upcoming = [a for a in self.agenda().list(first_day=self._now().date()) if a.start >= self._now()]
        by_id = {a.id: a for a in upcoming}
        found = {}
        for dossier in kept:
            times = [by_id[i] for i in dossier.appointment_ids if i in by_id]
            if times:
                found[dossier.id] = min(times, key=lambda a: a.start)
        return found

    def purge_expired(self) -> tuple[int, int]:
        """The kept dossiers and the autosave files whose retention has ended, deleted:
        (dossiers, files). Run at each start."""
        shelf = self.dossiers
        return shelf.purge(), autosave.purge(shelf.retention_cutoff())

    # --- the handout ------------------------------------------------------------------
    def site(self) -> SiteSettings:
        return load_site_settings(self.db)

    def prepare_handout(self, result: SimulationResult, options: HandoutOptions = HandoutOptions(),
                        appointments: Sequence[Appointment] = (), *, site: SiteSettings | None = None,
                        on: date | None = None) -> Handout:
        """The PDF for the person. Given `site`, it touches no store: any thread may call it."""
        request = self.handout_request(result, options, appointments, site if site is not None else self.site(), on)
        return Handout(request.pdf(self.catalogue))

    def handout_request(self, result: SimulationResult, options: HandoutOptions, appointments: Sequence[Appointment],
                        site: SiteSettings, on: date | None = None) -> BuildHandout:
        """What the PDF is built from; the app has the engine's process build it."""
        return BuildHandout(result, options, tuple(appointments), site, on or self._now().date())

    def save_handout(self, handout: Handout, path: str | Path) -> Path:
        """Write the file (whole or not at all), then count the handout."""
        written = write_whole(path, handout.pdf)
        self.handout_delivered(handout)
        return written

    def handout_delivered(self, handout: Handout) -> None:
        """The person has it (saved, or the print dialog accepted): counted the first time."""
        if not handout.counted:
            record_handout(self.db, self._now())
            handout.counted = True

    # --- the agenda -------------------------------------------------------------------
    def agenda(self) -> Agenda:
        """The agenda of this desk; each booking is counted in its own transaction."""
        return Agenda(self.db, load_agenda_settings(self.db), self.site(), now=self._now,
                      on_booked=lambda appointment: record_appointment(self.db, appointment.kind, self._now()))

    # --- sync and settings ------------------------------------------------------------
    def sync(self, force: bool = True, timeout: float = 10.0) -> SyncReport:
        """Send the waiting counts. Opens its own connection: callable from a background thread."""
        opened = _open(self.path)
        try:
            report = sync_now(opened.db, force=force, timeout=timeout)
        finally:
            opened.db.close()
        if not report.postponed:
            log.info("Synchronisation : %d lot(s) envoyé(s), %d en attente%s", report.sent, report.waiting,
                     f" ; {report.error}" if report.error else "")
        return report

    def enrol(self, server_url: str | None = None, token: str | None = None) -> None:
        configure(self.db, server_url=server_url, token=token)

    def sync_status_lines(self) -> list[str]:
        return status_lines(sync_status(self.db))

    def settings(self) -> DeskSettings:
        return load_settings(self.db)

    def save_settings(self, settings: DeskSettings, token: str | None = None) -> None:
        save_settings(self.db, settings, token)


def _open(path: Path) -> OpenedDatabase:
    """open_database, with every way a file can refuse said in French."""
    try:
        return open_database(path)
    except StoreError:
        raise
    except (OSError, sqlite3.Error) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise StoreError(f"Le fichier de données {path} ne peut pas être ouvert ({reason}). Les comptes d'activité, "
                         "l'agenda et les réglages sont indisponibles ; vérifiez les droits du dossier "
                         "ou l'espace disque.") from error
