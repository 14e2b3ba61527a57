"""Handing the PDF to the person, saved as a file or printed. The app and the CLI
both go through Handout, so each handout counts once in the activity counts, however
many times it is saved or printed."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlite_utils import Database

from ..agenda.model import Appointment
from ..catalogue.model import Catalogue
from ..engine.results import SimulationResult
from ..site import SiteSettings
from ..sync.counters import record_handout
from .options import HandoutOptions
from .pdf import build_handout


@dataclass
class Handout:
    pdf: bytes  # what a preview shows is what is printed or saved
    counted: bool = field(default=False, init=False)

    def save(self, path: str | Path, db: Database, at: datetime) -> Path:
        """Write the file (whole or not at all), then count the handout."""
        path = Path(path)
        partial = path.with_name(path.name + ".tmp")
        partial.write_bytes(self.pdf)
        partial.replace(path)
        self.delivered(db, at)
        return path

    def delivered(self, db: Database, at: datetime) -> None:
        """The person has it: call after the print dialog is accepted (save() calls it)."""
        if not self.counted:
            record_handout(db, at)
            self.counted = True


def prepare_handout(result: SimulationResult, catalogue: Catalogue, options: HandoutOptions = HandoutOptions(),
                    site: SiteSettings = SiteSettings(), appointment: Appointment | None = None, *,
                    on: date | None = None) -> Handout:
    return Handout(build_handout(result, catalogue, options, site, appointment, on=on))
