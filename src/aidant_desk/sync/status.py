"""Where the desk stands with the central endpoint: settings, last outcome, and the
French lines the app and `aidant-desk sync` show."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlparse

from sqlite_utils import Database

from ..formatting import french_date
from ..store import get_setting, set_setting
from ..store.encryption import database_cipher
from .outbox import waiting_count
from .retry import BETWEEN_SYNCS

SERVER_URL = "sync.server_url"
DEVICE_TOKEN = "sync.device_token"
LAST_SUCCESS = "sync.last_success_at"
LAST_ERROR = "sync.last_error"
FAILURES = "sync.consecutive_failures"
NEXT_ATTEMPT = "sync.next_attempt_at"


class NotConfigured(Exception):
    """The desk has no server address or device token yet; the message is French."""


@dataclass(frozen=True)
class SyncStatus:
    server_url: str | None
    has_token: bool
    waiting: int
    last_success_at: datetime | None
    last_error: str | None
    next_attempt_at: datetime | None


def configure(db: Database, *, server_url: str | None = None, token: str | None = None) -> None:
    """Save the central server's address and this desk's device token."""
    if server_url is not None:
        parsed = urlparse(server_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"Adresse de serveur invalide « {server_url} » : attendu http(s)://hôte[:port]")
        set_setting(db, SERVER_URL, server_url.rstrip("/"))
    if token is not None:
        if not token.strip():
            raise ValueError("Le jeton de l'appareil est vide.")
        _save_token(db, token.strip())


def _save_token(db: Database, token: str) -> None:
    """The device token is a credential: stored encrypted with the desk's key (in the
    system keyring where there is one), never in clear."""
    set_setting(db, DEVICE_TOKEN, database_cipher(db).seal_text(token))


def _token(db: Database) -> str | None:
    stored = get_setting(db, DEVICE_TOKEN)
    if stored is None:
        return None
    token = database_cipher(db).open_text(stored)
    if token == stored:  # kept in clear by an earlier version: encrypted now
        _save_token(db, token)
    return token


def connection_settings(db: Database) -> tuple[str, str]:
    server_url, token = get_setting(db, SERVER_URL), _token(db)
    if not server_url or not token:
        raise NotConfigured("Ce poste n'est pas encore inscrit auprès du serveur central : indiquez --server ADRESSE "
                            "et --token JETON (le jeton est donné par « aidant-central site add »).")
    return server_url, token


def sync_status(db: Database) -> SyncStatus:
    return SyncStatus(
        server_url=get_setting(db, SERVER_URL),
        has_token=get_setting(db, DEVICE_TOKEN) is not None,
        waiting=waiting_count(db),
        last_success_at=_moment(get_setting(db, LAST_SUCCESS)),
        last_error=get_setting(db, LAST_ERROR),
        next_attempt_at=_moment(get_setting(db, NEXT_ATTEMPT)),
    )


def status_lines(status: SyncStatus) -> list[str]:
    """The state in French, one line per fact, for the app and the command line."""
    server = status.server_url or "non configuré"
    if status.server_url and not status.has_token:
        server += " (jeton manquant)"
    lines = [
        f"Serveur central : {server}",
        f"Dernière synchronisation réussie : {_when(status.last_success_at) if status.last_success_at else 'jamais'}",
        f"Lots en attente d'envoi : {status.waiting}",
        f"Dernière erreur : {status.last_error or 'aucune'}",
    ]
    if status.last_error and status.next_attempt_at:
        lines.append(f"Prochain essai automatique : {_when(status.next_attempt_at)}")
    return lines


def record_success(db: Database, now: datetime) -> None:
    with db.atomic():
        set_setting(db, LAST_SUCCESS, now.isoformat())
        for key in (LAST_ERROR, FAILURES, NEXT_ATTEMPT):
            set_setting(db, key, None)


def record_failure(db: Database, message: str, now: datetime) -> None:
    """Remember the error and push the next background try back, exponentially."""
    failures = int(get_setting(db, FAILURES, "0")) + 1
    with db.atomic():
        set_setting(db, LAST_ERROR, message)
        set_setting(db, FAILURES, str(failures))
        set_setting(db, NEXT_ATTEMPT, (now + timedelta(seconds=BETWEEN_SYNCS.delay(failures))).isoformat())


def due(db: Database, now: datetime) -> bool:
    """Whether the background sync may try now (it waits after failures; an explicit sync never does)."""
    next_attempt = _moment(get_setting(db, NEXT_ATTEMPT))
    return next_attempt is None or now >= next_attempt


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _when(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{french_date(local.date())} à {local:%H:%M}"
