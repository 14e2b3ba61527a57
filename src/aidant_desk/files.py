"""Writing a file whole or not at all: a crash or a full disk never leaves half a
dossier, half an autosave or half a PDF, and the previous version stays intact."""
from __future__ import annotations

from pathlib import Path


def write_whole(path: str | Path, data: bytes | str) -> Path:
    path = Path(path)
    partial = path.with_name(path.name + ".tmp")
    try:
        partial.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        partial.replace(path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise
    return path
