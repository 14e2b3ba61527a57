"""The dossiers a desk keeps: named, encrypted at rest, found again, exported, deleted
on request, and purged when their retention ends.

Retention. The CNIL's référentiel on retention periods in the social and medico-social
sector (délibération n° 2023-095 of 14 September 2023) sets, for reception and social
support files, an active base of two years at most from the last contact with the
person. A France Services desk needs far less between two visits: by default a dossier
is kept 12 months after its last save (settings: 1 to 24 months), and the list warns a
week before it goes. A purge is written to the desk's log as a count, never a name.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator, Sequence

from sqlite_utils import Database

from ..dossier import Dossier, InvalidData, Problem, add_months
from ..engine.results import SimulationResult
from ..store import StoreError, get_setting, set_setting, write_transaction
from ..store.encryption import DossierCipher

log = logging.getLogger(__name__)

RETENTION_KEY = "dossiers.retention_months"
DEFAULT_RETENTION_MONTHS = 12
MOST_RETENTION_MONTHS = 24  # the CNIL référentiel's two years from the last contact
WARNING_DAYS = 7
_COLUMNS = ("id", "content", "created_at", "updated_at", "aids_found", "catalogue_fingerprint",
            "openfisca_france_version")
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM dossiers"


@dataclass(frozen=True)
class Consent:
    """The person agreed that the desk keeps their dossier, on that day."""

    given: bool
    on: date | None = None


@dataclass(frozen=True)
class KeptDossier:
    """A line of the start screen's list: what the counselor needs to find a person again."""

    id: int
    name: str
    created_at: datetime
    updated_at: datetime
    aids_found: int | None  # at the last results, None before any
    catalogue_fingerprint: str
    openfisca_france_version: str
    purge_on: date
    # The agenda's appointments booked for this person (ids only: the agenda holds them,
    # moved or cancelled there, and the list shows the next one still to come).
    appointment_ids: tuple[int, ...] = ()

    def purge_soon(self, today: date) -> bool:
        return self.purge_on - today <= timedelta(days=WARNING_DAYS)

    def outdated(self, catalogue_fingerprint: str, openfisca_france_version: str) -> bool:
        """Its last results came from other rules (or it has none): « à revérifier »."""
        return (self.catalogue_fingerprint, self.openfisca_france_version) != (catalogue_fingerprint,
                                                                                openfisca_france_version)


@dataclass(frozen=True)
class OpenedDossier:
    summary: KeptDossier
    dossier: Dossier
    consent: Consent


class DossierShelf:
    def __init__(self, db: Database, cipher: DossierCipher, now: Callable[[], datetime]):
        self.db = db
        self.cipher = cipher
        self._now = now

    # --- retention -------------------------------------------------------------------
    def retention_months(self) -> int:
        stored = get_setting(self.db, RETENTION_KEY)
        return int(stored) if stored else DEFAULT_RETENTION_MONTHS

    def set_retention_months(self, months: int) -> None:
        if not 1 <= months <= MOST_RETENTION_MONTHS:
            raise InvalidData([Problem("retention_months", f"la durée de conservation va de 1 à "
                                                           f"{MOST_RETENTION_MONTHS} mois (reçu : {months})")])
        set_setting(self.db, RETENTION_KEY, str(months))

    def retention_cutoff(self) -> datetime:
        """A dossier last saved before this moment has outlived its retention."""
        return _months_before(self._utc(), self.retention_months())

    def purge(self) -> int:
        """Deletes every dossier whose retention has ended; returns how many went."""
        cutoff = self.retention_cutoff()
        with write_transaction(self.db):
            gone = self.db.execute("DELETE FROM dossiers WHERE updated_at < ?", [_text(cutoff)]).rowcount
        if gone:
            log.info("Durée de conservation de %d mois : %d dossier(s) supprimé(s).", self.retention_months(), gone)
        return gone

    # --- keeping --------------------------------------------------------------------
    def save(self, name: str, dossier: Dossier, consent: Consent, result: SimulationResult | None = None,
             catalogue_fingerprint: str = "", dossier_id: int | None = None,
             appointment_ids: Sequence[int] = ()) -> int:
        """Keeps the dossier under `name` (a new one, or `dossier_id` updated, its earlier
        appointments kept); returns its id."""
        name = name.strip()
        problems = []
        if not name:
            problems.append(Problem("name", "donnez un nom au dossier pour l'enregistrer"))
        if not consent.given:
            problems.append(Problem("consent", "la personne doit accepter que le poste garde son dossier"))
        if problems:
            raise InvalidData(problems)
        earlier = self._summary(self._row(dossier_id))[0].appointment_ids if dossier_id is not None else ()
        content = {"name": name, "dossier": dossier.to_dict(),
                   "consent": {"given": True, "on": (consent.on or self._now().date()).isoformat()},
                   "results": snapshot(result) if result else {},
                   "incomes_found": result.incomes_found if result else (),
                   "appointments": sorted({*earlier, *appointment_ids})}
        row = {**self._encrypted(content, result, catalogue_fingerprint), "updated_at": _text(self._utc())}
        with write_transaction(self.db):
            if dossier_id is None:
                row["created_at"] = row["updated_at"]
                return self.db["dossiers"].insert(row).last_pk
            self.db["dossiers"].update(dossier_id, row)
            return dossier_id

    def add_appointments(self, dossier_id: int, appointment_ids: Sequence[int]) -> None:
        """Appointments booked for a kept dossier's person, later in the visit: its last
        visit date stays."""
        row = self._row(dossier_id)
        content = json.loads(self.cipher.decrypt(row[1]))
        content["appointments"] = sorted({*content.get("appointments", ()), *appointment_ids})
        with write_transaction(self.db):
            self.db["dossiers"].update(dossier_id, {"content": self._sealed(content)})

    def _encrypted(self, content: dict, result: SimulationResult | None, catalogue_fingerprint: str) -> dict:
        return {"content": self._sealed(content),
                "aids_found": len(result.aids_found) if result else None,
                "catalogue_fingerprint": catalogue_fingerprint,
                "openfisca_france_version": result.openfisca_france_version if result else ""}

    def _sealed(self, content: dict) -> bytes:
        return self.cipher.encrypt(json.dumps(content, ensure_ascii=False).encode())

    def contents(self) -> Iterator[tuple[int, dict]]:
        """Every kept dossier's id and decrypted content (name, dossier, consent, results)."""
        for row in self.db.execute(f"{_SELECT} ORDER BY id").fetchall():
            yield row[0], json.loads(self.cipher.decrypt(row[1]))

    def replace_results(self, updates: list[tuple[int, dict, SimulationResult]], catalogue_fingerprint: str) -> None:
        """Re-checked results for many dossiers at once; their last visit date stays."""
        rows = []
        for dossier_id, content, result in updates:
            row = self._encrypted({**content, "results": snapshot(result), "incomes_found": result.incomes_found},
                                  result, catalogue_fingerprint)
            rows.append([*row.values(), dossier_id])
        if not rows:
            return
        # One statement for the batch: sqlite-utils' update() reads the table's schema back for every row.
        assignments = ", ".join(f"{column} = ?" for column in row)
        with write_transaction(self.db):
            self.db.conn.executemany(f"UPDATE dossiers SET {assignments} WHERE id = ?", rows)

    def list(self, search: str = "") -> list[KeptDossier]:
        """The kept dossiers, last visit first; `search` keeps those whose name holds it."""
        found = [self._summary(row)[0] for row in self.db.execute(
            f"{_SELECT} ORDER BY updated_at DESC, id DESC").fetchall()]
        return matching(found, search)

    def open(self, dossier_id: int) -> OpenedDossier:
        summary, content = self._summary(self._row(dossier_id))
        consent = content["consent"]
        return OpenedDossier(summary, Dossier.from_dict(content["dossier"], source=summary.name),
                             Consent(bool(consent["given"]), date.fromisoformat(consent["on"])))

    def delete(self, dossier_id: int) -> None:
        """The person's right to erasure: the dossier is gone from the store."""
        with write_transaction(self.db):
            if not self.db.execute("DELETE FROM dossiers WHERE id = ?", [dossier_id]).rowcount:
                raise StoreError(f"Le dossier n° {dossier_id} n'existe plus sur ce poste (supprimé ou purgé).")

    # --- moving between desks -------------------------------------------------------------
    def export(self, dossier_id: int, path: str | Path) -> Path:
        """The dossier as a dossier file (the JSON format every desk reads), without its name."""
        self.open(dossier_id).dossier.save(path)
        return Path(path)

    def import_file(self, path: str | Path, name: str, consent: Consent) -> int:
        """Keeps a dossier file under `name` (InvalidData, in French, for a bad file)."""
        return self.save(name, Dossier.load(path), consent)

    # --- rows -----------------------------------------------------------------------
    def _row(self, dossier_id: int) -> tuple:
        row = self.db.execute(f"{_SELECT} WHERE id = ?", [dossier_id]).fetchone()
        if row is None:
            raise StoreError(f"Le dossier n° {dossier_id} n'existe plus sur ce poste (supprimé ou purgé).")
        return row

    def _summary(self, row: tuple) -> tuple[KeptDossier, dict]:
        values = dict(zip(_COLUMNS, row))
        content = json.loads(self.cipher.decrypt(values["content"]))
        updated = _parse(values["updated_at"])
        purge_on = add_months_to_date(updated.date(), self.retention_months())
        return KeptDossier(values["id"], content["name"], _parse(values["created_at"]), updated,
                           values["aids_found"], values["catalogue_fingerprint"],
                           values["openfisca_france_version"], purge_on,
                           tuple(content.get("appointments", ()))), content

    def _utc(self) -> datetime:
        return self._now().astimezone(timezone.utc)


def matching(kept: list[KeptDossier], search: str) -> list[KeptDossier]:
    """Those whose name holds `search`, whatever the case; all of them for an empty search."""
    needle = search.casefold().strip()
    return [d for d in kept if needle in d.name.casefold()] if needle else kept


def snapshot(result: SimulationResult) -> dict:
    """What a re-check compares: each aid found or to check, with its status and amount."""
    return {a.aid_id: [a.status, a.amount] for a in result.aids if a.status in ("eligible", "to_check")}


def _text(moment: datetime) -> str:
    """UTC, fixed width: compares and sorts as text."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def add_months_to_date(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer)."""
    year_month = add_months(day.strftime("%Y-%m"), months)
    year, month = int(year_month[:4]), int(year_month[5:])
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _months_before(moment: datetime, months: int) -> datetime:
    day = add_months_to_date(moment.date(), -months)
    return moment.replace(year=day.year, month=day.month, day=day.day)
