"""Where the desk keeps its local files: $AIDANT_DESK_HOME, else the user's data dir."""
from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    base = os.environ.get("AIDANT_DESK_HOME")
    path = Path(base) if base else Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "aidant-desk"
    path.mkdir(parents=True, exist_ok=True)
    return path
