"""The France Services site this desk belongs to: what the handout prints in its
header and where desk appointments take place. Kept in the store's settings table."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from sqlite_utils import Database

from .store import get_setting, set_setting

SETTING_KEY = "site"


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


def load_site_settings(db: Database) -> SiteSettings:
    """The stored settings; missing keys (a newer field, a fresh desk) keep their defaults."""
    stored = json.loads(get_setting(db, SETTING_KEY) or "{}")
    known = {f.name for f in fields(SiteSettings)}
    return SiteSettings(**{key: str(value) for key, value in stored.items() if key in known})


def save_site_settings(db: Database, site: SiteSettings) -> None:
    set_setting(db, SETTING_KEY, json.dumps(asdict(site), ensure_ascii=False))
