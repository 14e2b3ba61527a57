"""The France Services site this desk belongs to: what the handout prints in its
header and where desk appointments take place. Plain data: the desk keeps it in the
store's settings table."""
from __future__ import annotations

from dataclasses import dataclass


ADDRESS_PLACEHOLDER = "Adresse à renseigner dans les réglages"


@dataclass(frozen=True)
class SiteSettings:
    # A placeholder the settings show until the counselor types the site's address;
    # it is never printed.
    name: str = "France Services"
    address: str = ADDRESS_PLACEHOLDER
    phone: str = ""
    opening_hours: str = ""

    @property
    def address_given(self) -> str:
        """The site's address, or "" while it is unset (empty or the placeholder)."""
        address = self.address.strip()
        return "" if address == ADDRESS_PLACEHOLDER else address

    @property
    def place(self) -> str:
        """Where a desk appointment takes place: the site's name and address."""
        return f"{self.name}, {self.address_given}" if self.address_given else self.name

