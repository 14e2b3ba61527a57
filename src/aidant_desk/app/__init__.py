"""The PySide6 application: the only package that imports Qt."""
from __future__ import annotations

import sys
import time
from pathlib import Path

SMOKE_TIMEOUT_S = 180


def _application():
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication

    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))  # dates, decimals, dialogs
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Aidant Desk")
    app.setOrganizationName("Aidant Desk")
    return app


def _window(month: str | None = None):
    from ..desk import Desk, default_catalogue
    from .engine_client import EngineClient
    from .main_window import MainWindow

    catalogue = default_catalogue()
    engine = EngineClient()
    engine.start()
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


def smoke(dossier: Path, screenshot: Path, out=print) -> int:
    """Open the real window offscreen, load the dossier, wait for the results,
    save a screenshot, exit 0; non-zero with a French message on any failure."""
    import os
    import tempfile

    from ..desk import Dossier, InvalidData

    # A check run, not a visit: never touch the counselor's autosave or activity counts.
    os.environ["AIDANT_DESK_HOME"] = tempfile.mkdtemp(prefix="aidant-desk-smoke-")
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
    try:
        while window.results.result is None and not failure and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        if failure or window.results.result is None:
            _error(failure[0] if failure else f"pas de résultat après {SMOKE_TIMEOUT_S} s")
            return 1
        app.processEvents()
        if not window.grab().save(str(screenshot)):
            _error(f"impossible d'écrire la capture {screenshot}")
            return 1
        result = window.results.result
        out(f"Capture enregistrée : {screenshot} — {len(result.eligible)} aide(s) éligible(s), "
            f"{len(result.to_check)} à vérifier, openfisca-france {result.openfisca_france_version}")
        return 0
    finally:
        engine.stop()
        window.close()
