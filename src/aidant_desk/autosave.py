"""The dossier in progress, saved after every change so that a crash or a closed
window loses nothing; the app offers to resume it on the next start."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from .dossier import Dossier, InvalidData
from .paths import data_dir

FILE_NAME = "dossier-en-cours.json"


def autosave_path() -> Path:
    return data_dir() / FILE_NAME


def save(dossier: Dossier) -> None:
    dossier.save(autosave_path())


def load() -> tuple[Dossier | None, str]:
    """(the saved dossier or None, a French message when a damaged file was set aside)."""
    path = autosave_path()
    if not path.exists():
        return None, ""
    try:
        return Dossier.load(path), ""
    except InvalidData:
        # Keep the damaged file for a person to look at; never delete what was typed.
        aside = path.with_name(f"dossier-en-cours-illisible-{datetime.now():%Y%m%d-%H%M%S}.json")
        path.replace(aside)
        return None, f"Le dossier en cours enregistré automatiquement était illisible ; il a été mis de côté : {aside}"


def clear() -> None:
    autosave_path().unlink(missing_ok=True)
