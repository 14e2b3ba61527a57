"""The aidant-desk command's entry point. When the window is asked for, the engine's
process is started before anything heavy is imported, so that openfisca loads while
the CLI, Qt and the window do; every other command goes straight to the CLI."""
from __future__ import annotations

import sys

WINDOW_OPTIONS = ("--open", "--smoke", "--screenshot")  # each takes a value


def opens_window(args: list[str]) -> bool:
    """No sub-command, no --help: only the window's own options."""
    i = 0
    while i < len(args):
        option = args[i].split("=", 1)[0]
        if option not in WINDOW_OPTIONS:
            return False
        i += 1 if "=" in args[i] else 2
    return True


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if opens_window(args):
        from . import engine_process
        from .app import use_check_run_home

        if any(a.split("=", 1)[0] == "--smoke" for a in args):
            use_check_run_home()  # before the engine starts: both processes read the same home
        engine_process.start_early()
    from .cli import main as cli_main

    return cli_main(args)
