"""Where the desk keeps its local files: $AIDANT_DESK_HOME, else the user's data dir.
The folder holds personal data: it is the user's alone (0700)."""
from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FOLDER = 0o700


def data_home() -> Path:
    """Where the folder is, without making it: `--help` names it and touches no disk."""
    base = os.environ.get("AIDANT_DESK_HOME")
    return Path(base) if base else Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "aidant-desk"


def data_dir() -> Path:
    """The folder, made (or closed to others) if needed."""
    path = data_home()
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:  # made by an earlier version, or by hand, open to others
        path.chmod(PRIVATE_FOLDER)
    return path
