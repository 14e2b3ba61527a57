"""« Mettre à jour les règles… »: a signed rules pack chosen in a file dialog,
verified and installed by the desk, the outcome said in French."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..desk import StoreError
from ..desk.rules import PackRefused, install_pack

TITLE = "Mettre à jour les règles"


def update_rules(window) -> str:
    """What the counselor was told; '' when the dialog was cancelled."""
    name, _ = QFileDialog.getOpenFileName(window, TITLE, "", "Paquets de règles Aidant Desk (*.zip)")
    if not name:
        return ""
    try:
        catalogue = install_pack(window.desk.db, Path(name))
    except (PackRefused, StoreError, OSError) as error:
        text = f"{name} : {error.strerror}" if isinstance(error, OSError) and error.strerror else str(error)
        window.show_error("Règles non installées", text)
        return text
    # The window and the engine's process hold the catalogue they started with.
    text = (f"Les règles {catalogue.version} sont installées ({len(catalogue.aids)} aides). Elles s'appliqueront "
            "au prochain démarrage : fermez puis rouvrez Aidant Desk.")
    QMessageBox.information(window, TITLE, text)
    return text
