"""A handout on its way to the person: its PDF, and whether it was counted. However
often it is saved or printed, one handout counts once."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..catalogue import Catalogue
from ..engine.results import SimulationResult
from ..handout import HandoutOptions, NextAppointment, build_handout
from ..site import SiteSettings


@dataclass
class Handout:
    pdf: bytes  # what a preview shows is what is printed or saved
    counted: bool = field(default=False, init=False)


@dataclass(frozen=True)
class BuildHandout:
    """The handout's PDF, built in the engine's process (a request like the engine's
    own). reportlab keeps Python's lock for long stretches: in the window's process,
    even on another thread, that would stall the window."""

    result: SimulationResult
    options: HandoutOptions
    appointments: tuple[NextAppointment, ...]
    site: SiteSettings
    on: date

    def pdf(self, catalogue: Catalogue) -> bytes:
        return build_handout(self.result, catalogue, self.options, self.site, self.appointments, on=self.on)

    def run(self, engine) -> bytes:
        return self.pdf(engine.catalogue)
