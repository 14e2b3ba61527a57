"""The desk's logs: one JSON object per line in <data folder>/logs/, rotated (1 MB, five
kept), readable by the user alone. They say what happened (a sync, a re-check, the
engine's start) with counts and durations, never who it was for: no name, no date of
birth, no amount, no dossier content. tests/test_logs.py scans a whole visit's logs."""
from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from logging.handlers import RotatingFileHandler
from pathlib import Path

from .paths import data_dir

LOGS_FOLDER = "logs"
MAX_BYTES, KEPT_FILES = 1_000_000, 5
PRIVATE_FILE = 0o600
_LOGGER = "aidant_desk"


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "process": record.processName,
                 "message": record.getMessage()}
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _PrivateRotatingFile(RotatingFileHandler):
    """Every file it opens, the first and each after a rotation, is the user's alone."""

    def _open(self):
        stream = super()._open()
        os.chmod(self.baseFilename, PRIVATE_FILE)
        return stream


def start_logging(name: str = "aidant-desk", folder: Path | None = None) -> Path | None:
    """Log this process to logs/<name>.log; None (nothing logged to disk) when the data
    folder cannot be written: a read-only home must not stop the desk."""
    logger = logging.getLogger(_LOGGER)
    try:
        logs = (folder or data_dir()) / LOGS_FOLDER
        logs.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = logs / f"{name}.log"
        if any(getattr(h, "baseFilename", None) == str(path) for h in logger.handlers):
            return path  # already logging there
        handler = _PrivateRotatingFile(path, maxBytes=MAX_BYTES, backupCount=KEPT_FILES, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(JsonLines())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path
