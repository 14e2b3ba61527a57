"""A handout on its way to the person: its PDF, and whether it was counted. However
often it is saved or printed, one handout counts once."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Handout:
    pdf: bytes  # what a preview shows is what is printed or saved
    counted: bool = field(default=False, init=False)


def write_whole(path: str | Path, data: bytes) -> Path:
    """Write the file whole or not at all: a full disk never leaves half a PDF."""
    path = Path(path)
    partial = path.with_name(path.name + ".tmp")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise
    return path
