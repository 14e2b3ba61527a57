"""The dossier in progress, saved after every change so that a crash or a closed
window loses nothing; the app offers to resume it on the next start.

What is saved is the form's raw answers (the dossier JSON format), even while they
do not yet make a valid dossier: a half-typed dossier is still worth keeping. It is
encrypted with the desk's key like the kept dossiers (store.encryption); an autosave
written in clear by an earlier version is still read, and encrypted at the next save.
Files set aside (a previous dossier in progress, an unreadable one) are purged with
the kept dossiers when their retention ends."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from .dossier.model import MAX_FILE_BYTES, parse_json
from .files import move_aside, write_whole
from .paths import data_dir
from .store import StoreError
from .store.encryption import cached_cipher

FILE_NAME = "dossier-en-cours.json"
SET_ASIDE = "dossier-*-*.json"  # dossier-precedent-…, dossier-illisible-…


def autosave_path() -> Path:
    return data_dir() / FILE_NAME


def save(data: dict) -> None:
    """A crash mid-write keeps the previous autosave whole."""
    content = json.dumps(data, ensure_ascii=False).encode()
    write_whole(autosave_path(), cached_cipher(data_dir()).encrypt(content))


def read(path: Path) -> dict:
    """An autosave's answers (ValueError when it holds none)."""
    if path.stat().st_size > 2 * MAX_FILE_BYTES:  # the encrypted token is a third larger than its dossier
        raise ValueError("trop gros pour un dossier")
    raw = path.read_bytes()
    if not raw.lstrip().startswith(b"{"):  # not JSON in clear: a token of the desk's key
        try:
            raw = cached_cipher(data_dir()).decrypt(raw)
        except StoreError as error:
            raise ValueError(str(error)) from None
    data = parse_json(raw.decode("utf-8"))
    if not (isinstance(data, dict) and isinstance(data.get("people"), list)):
        raise ValueError("pas un dossier")
    return data


def _move_aside(label: str) -> Path:
    """The autosave under a dated name; two set aside in the same second both stay."""
    return move_aside(autosave_path(), f"dossier-{label}-{datetime.now():%Y%m%d-%H%M%S}.json")


def load() -> tuple[dict | None, str]:
    """(the saved answers or None, a French message when an unreadable file was set aside)."""
    path = autosave_path()
    if not path.exists():
        return None, ""
    try:
        return read(path), ""
    except (OSError, ValueError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        pass
    # Keep the damaged file for a person to look at; never delete what was typed.
    aside = _move_aside("illisible")
    return None, f"Le dossier en cours enregistré automatiquement était illisible ; il a été mis de côté : {aside}"


def set_aside() -> Path | None:
    """Keep the previous dossier in progress under another name before a new one starts."""
    path = autosave_path()
    if not path.exists():
        return None
    return _move_aside("precedent")


def purge(before: datetime) -> int:
    """Deletes the autosave and the files set aside last written before `before`; how many."""
    gone = 0
    for path in [autosave_path(), *data_dir().glob(SET_ASIDE)]:
        if path.exists() and datetime.fromtimestamp(path.stat().st_mtime, before.tzinfo) < before:
            path.unlink()
            gone += 1
    return gone
