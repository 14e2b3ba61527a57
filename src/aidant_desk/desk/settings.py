"""The desk's settings in the store: the France Services site (handout header, place
of desk appointments), the agenda, and the central server the counts go to."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from sqlite_utils import Database

from ..agenda import AgendaSettings, load_agenda_settings, save_agenda_settings
from ..site import SiteSettings
from ..store import get_setting, set_setting, write_transaction
from ..sync import configure, sync_status

SITE_KEY = "site"


@dataclass(frozen=True)
class DeskSettings:
    site: SiteSettings
    agenda: AgendaSettings
    server_url: str  # "" until the desk is enrolled; the device token is never read back


def load_site_settings(db: Database) -> SiteSettings:
    """The stored settings; missing keys (a newer field, a fresh desk) keep their defaults."""
    stored = json.loads(get_setting(db, SITE_KEY) or "{}")
    known = {f.name for f in fields(SiteSettings)}
    return SiteSettings(**{key: str(value) for key, value in stored.items() if key in known})


def save_site_settings(db: Database, site: SiteSettings) -> None:
    set_setting(db, SITE_KEY, json.dumps(asdict(site), ensure_ascii=False))


def load_settings(db: Database) -> DeskSettings:
    return DeskSettings(load_site_settings(db), load_agenda_settings(db), sync_status(db).server_url or "")


def save_settings(db: Database, settings: DeskSettings, token: str | None = None) -> None:
    """All or nothing: a refused server address leaves the site and agenda as they were."""
    with write_transaction(db):
        configure(db, server_url=settings.server_url or None, token=token or None)
        save_site_settings(db, settings.site)
        save_agenda_settings(db, settings.agenda)
