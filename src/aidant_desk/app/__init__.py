"""The PySide6 application: the only package that imports Qt."""
from __future__ import annotations

import sys
import time
from pathlib import Path

SMOKE_TIMEOUT_S = 180
# The launch, as the process that started this one saw it (a benchmark, the bundle's
# smoke test), else this module's import: the origin of the start-up figures.
LAUNCH_CLOCK = "AIDANT_BENCH_LAUNCHED"
_IMPORTED = time.time()
CHECK_RUN_HOME = "AIDANT_DESK_CHECK_RUN_HOME"


def since_launch() -> float:
    import os

    return time.time() - float(os.environ.get(LAUNCH_CLOCK, _IMPORTED))


def _application():
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication

    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))  # dates, decimals, dialogs
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Aidant Desk")
    app.setOrganizationName("Aidant Desk")
    return app


def _window(month: str | None = None):
    from .engine_client import EngineClient

    engine = EngineClient()
    engine.start()  # first: openfisca loads in its process while the window is built
    from ..desk import Desk, default_catalogue
    from .main_window import MainWindow

    catalogue = default_catalogue()
    window = MainWindow(catalogue, engine, month, Desk(catalogue=catalogue))
    window.sync_loop.start()
    return window, engine


def run(dossier: Path | None = None) -> int:
    """Open the main window at once; the engine loads in its own process meanwhile."""
    app = _application()
    window, engine = _window()
    window.show()
    if dossier:
        window.open_path(dossier)
    app.aboutToQuit.connect(engine.stop)
    return app.exec()


def _error(message: str) -> None:
    print(f"Erreur : {message}", file=sys.stderr)


def use_check_run_home() -> None:
    """A check run, not a visit: never touch the counselor's autosave, activity counts
    or installed rules. Once per run: the launcher may have set it for the engine."""
    import os
    import tempfile

    if os.environ.get(CHECK_RUN_HOME) != os.environ.get("AIDANT_DESK_HOME"):
        os.environ["AIDANT_DESK_HOME"] = os.environ[CHECK_RUN_HOME] = tempfile.mkdtemp(prefix="aidant-desk-smoke-")


def smoke(dossier: Path, screenshot: Path, out=print) -> int:
    """Open the real window offscreen, load the dossier, wait for the results,
    save a screenshot, exit 0; non-zero with a French message on any failure."""
    from ..desk import Dossier, InvalidData, start_logging

    use_check_run_home()
    start_logging()
    try:
        loaded = Dossier.load(dossier)
    except InvalidData as error:
        _error(error.describe())
        return 2
    app = _application()
    window, engine = _window(loaded.month)
    window.show()
    window.load_dossier(loaded, dossier)
    window.form.flush()
    deadline = time.monotonic() + SMOKE_TIMEOUT_S
    failure = []
    engine.failed.connect(failure.append)
    noticed = []
    engine.ready.connect(lambda _: noticed.append(since_launch()))
    try:
        while window.results.result is None and not failure and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        if failure or window.results.result is None:
            _error(failure[0] if failure else f"pas de résultat après {SMOKE_TIMEOUT_S} s")
            return 1
        computed = since_launch()
        app.processEvents()
        if not window.grab().save(str(screenshot)):
            _error(f"impossible d'écrire la capture {screenshot}")
            return 1
        result = window.results.result
        out(f"Capture enregistrée : {screenshot} — {len(result.eligible)} aide(s) éligible(s), "
            f"{len(result.to_check)} à vérifier, openfisca-france {result.openfisca_france_version}")
        ready = since_launch() - (time.time() - engine.ready_at)
        out(f"Démarrage : moteur prêt {ready:.2f} s après le lancement (la fenêtre le sait à {noticed[0]:.2f} s), "
            f"premiers résultats à {computed:.2f} s")
        return 0
    finally:
        engine.stop()
        window.close()
