"""The France Services site this desk belongs to: what the handout prints in its
header and where desk appointments take place. Plain data: the desk keeps it in the
store's settings table."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SiteSettings:
    # Placeholders that read as such on paper, until the counselor fills in the settings.
    name: str = "France Services"
    address: str = "Adresse à renseigner dans les réglages"
    phone: str = ""
    opening_hours: str = ""

    @property
    def place(self) -> str:
        """Where a desk appointment takes place: the site's name and address."""
        return f"{self.name}, {self.address}" if self.address else self.name

