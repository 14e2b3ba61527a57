"""Writing a file whole or not at all: a crash or a full disk never leaves half a
dossier, half an autosave or half a PDF, and the previous version stays intact. What
the desk writes holds personal data: readable by the user alone (0600)."""
from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600


def write_whole(path: str | Path, data: bytes | str) -> Path:
    path = Path(path)
    partial = path.with_name(path.name + ".tmp")
    try:
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE), "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        partial.chmod(PRIVATE_FILE)  # a partial file left by a crash keeps its old mode
        partial.replace(path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise
    return path


def move_aside(path: Path, name: str) -> Path:
    """Moves `path` to `name` in its folder, or to `name` with -2, -3… before its suffix
    when that is taken: never over another file (os.link refuses an existing name, where
    a rename would replace it)."""
    target = path.with_name(name)
    counter = 1
    while True:
        try:
            os.link(path, target)
            break
        except FileExistsError:
            counter += 1
            target = path.with_name(f"{Path(name).stem}-{counter}{Path(name).suffix}")
    path.unlink()
    return target
