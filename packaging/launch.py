"""Entry point of the frozen app (packaging/aidant-desk.spec): the aidant-desk command, the function
pyproject.toml's [project.scripts] names (the spec checks it is still this one).

freeze_support() comes first: the window starts its engine in a multiprocessing "spawn" child
(engine_process.py), which re-runs this executable with multiprocessing's own arguments;
freeze_support() runs that child's work and exits instead of opening a window.
"""
import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from aidant_desk.launcher import main

    sys.exit(main())
