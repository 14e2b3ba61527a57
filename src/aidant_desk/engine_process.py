"""The engine's process, started without Qt or the engine in this process: the
launcher starts it first thing when the window is asked for, so that openfisca loads
while the CLI, Qt and the window do (about 0.8 s sooner than after them)."""
from __future__ import annotations

import importlib.machinery
import multiprocessing
import sys
from contextlib import contextmanager

_early: dict = {}  # rules folder -> (process, connection) started by the launcher, not yet taken


def spawn(rules_dir: str | None = None):
    """A new engine process and this end of its pipe."""
    context = multiprocessing.get_context("spawn")  # no fork of a Qt process
    conn, child = context.Pipe()
    process = context.Process(target=_serve, args=(child, rules_dir), daemon=True, name="aidant-desk-moteur")
    with _main_script_not_rerun():
        process.start()
    return process, conn


def start_early(rules_dir: str | None = None) -> None:
    _early[rules_dir] = spawn(rules_dir)


def take(rules_dir: str | None = None):
    """The process started early for these rules, else a new one."""
    return _early.pop(rules_dir, None) or spawn(rules_dir)


def _serve(conn, rules_dir) -> None:
    # Imported in the child only: this module stays light for the launcher.
    from .engine.service import serve
    from .logs import start_logging

    start_logging("moteur")
    serve(conn, rules_dir)


@contextmanager
def _main_script_not_rerun():
    """spawn runs the parent's main script again in the child unless __main__ has a
    module spec. From the `aidant-desk` console script it has none, and the engine
    process would import the whole CLI (0.7 s) before loading the engine, which needs
    nothing of it: a spec named __main__ tells spawn to skip it."""
    main = sys.modules["__main__"]
    if getattr(main, "__spec__", None) is not None or getattr(sys, "frozen", False):
        yield
        return
    main.__spec__ = importlib.machinery.ModuleSpec("__main__", None)
    try:
        yield
    finally:
        main.__spec__ = None
