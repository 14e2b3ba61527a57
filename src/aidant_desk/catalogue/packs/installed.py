"""The packs installed on this desk, under <desk home>/rules-packs: one folder per
install, and the `current` file naming the active one and the one before it.

The switch is the atomic replace of `current`, written after the new folder is
complete and on disk: a power cut leaves the old catalogue or the new one, never half."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from ... import package_data
from .archive import VERSION_FILE, Pack, PackRefused, version_key

POINTER = "current"


def packs_root() -> Path:
    # The desk's home as paths.data_dir() finds it: the catalogue layer may not import the store's paths.
    base = os.environ.get("AIDANT_DESK_HOME")
    home = Path(base) if base else Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "aidant-desk"
    return home / "rules-packs"


def rules_version(rules: Path) -> str:
    """The catalogue's version written in its folder, '' when it has none."""
    try:
        return (rules / VERSION_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _pointer() -> dict:
    try:
        return json.loads((packs_root() / POINTER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _rules_of(name: str) -> Path | None:
    rules = packs_root() / name / "rules" if name else None
    return rules if rules is not None and rules.is_dir() else None


def installed_rules() -> Path | None:
    """The active pack's rules folder; None when the desk uses the rules shipped with it."""
    return _rules_of(_pointer().get("current", ""))


def installed_version() -> str:
    """The version a new pack must exceed: the active pack's, else the shipped rules' own (maybe '')."""
    return rules_version(installed_rules() or package_data.rules_dir())


def install(pack: Pack, check: Callable[[Path], object]) -> str:
    """Write the pack in a new folder, run `check` on it, then switch to it. Returns the
    version replaced ('' for the shipped rules). Any refusal leaves the active catalogue as it was."""
    current = installed_version()
    if current and version_key(pack.version) <= version_key(current):
        raise PackRefused(f"Les règles {pack.version} ne sont pas plus récentes que celles installées ({current}) : "
                          "rien n'a été changé.")
    root = packs_root()
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{pack.version}-", dir=root))
    try:
        for name, data in pack.files.items():
            target = folder / "rules" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        for written in {folder, *(p for p in folder.rglob("*") if p.is_dir())}:
            _sync_folder(written)
        check(folder / "rules")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _switch({"current": folder.name, "previous": _pointer().get("current", "")})
    return current


def rollback() -> str:
    """Back to the catalogue active before the last install; returns its version ('' for the shipped rules)."""
    pointer = _pointer()
    if not pointer.get("current"):
        raise PackRefused("Aucun paquet de règles n'est installé : le poste utilise déjà les règles intégrées.")
    previous = pointer.get("previous", "")
    if previous and _rules_of(previous) is None:
        raise PackRefused("Les règles précédentes ne sont plus sur ce poste : retour impossible.")
    _switch({"current": previous, "previous": ""})
    return installed_version()


def _switch(pointer: dict) -> None:
    root = packs_root()
    handle, partial = tempfile.mkstemp(prefix=f".{POINTER}-", dir=root)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(pointer, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, root / POINTER)
    _sync_folder(root)
    # Only the active folder and the one to roll back to are kept; leftovers of a cut install go too.
    for entry in root.iterdir():
        if entry.name != POINTER and entry.name not in pointer.values():
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def _sync_folder(folder: Path) -> None:
    """The rename itself on disk (POSIX; Windows has no folder handle to flush)."""
    if os.name != "nt":
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
