"""The dossier in progress, saved after every change so that a crash or a closed
window loses nothing; the app offers to resume it on the next start.

What is saved is the form's raw answers (the dossier JSON format), even while they
do not yet make a valid dossier: a half-typed dossier is still worth keeping."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from .files import write_whole
from .paths import data_dir

FILE_NAME = "dossier-en-cours.json"


def autosave_path() -> Path:
    return data_dir() / FILE_NAME


def save(data: dict) -> None:
    """A crash mid-write keeps the previous autosave whole."""
    write_whole(autosave_path(), json.dumps(data, ensure_ascii=False, indent=2))


def _stamped(label: str) -> Path:
    return autosave_path().with_name(f"dossier-{label}-{datetime.now():%Y%m%d-%H%M%S}.json")


def load() -> tuple[dict | None, str]:
    """(the saved answers or None, a French message when an unreadable file was set aside)."""
    path = autosave_path()
    if not path.exists():
        return None, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("people"), list):
            return data, ""
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        pass
    # Keep the damaged file for a person to look at; never delete what was typed.
    aside = _stamped("illisible")
    path.replace(aside)
    return None, f"Le dossier en cours enregistré automatiquement était illisible ; il a été mis de côté : {aside}"


def set_aside() -> Path | None:
    """Keep the previous dossier in progress under another name before a new one starts."""
    path = autosave_path()
    if not path.exists():
        return None
    aside = _stamped("precedent")
    path.replace(aside)
    return aside
