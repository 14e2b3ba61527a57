"""« Mettre à jour les règles… »: a signed rules pack chosen in a file dialog,
verified and installed by the desk, the outcome said in French. And « Accepter un
éditeur de règles… »: the publisher's public key, trusted once its fingerprint is
checked with the publisher."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..desk import StoreError
from ..desk.rules import PackRefused, install_pack, key_fingerprint, public_key, trust

TITLE = "Mettre à jour les règles"
TRUST_TITLE = "Accepter un éditeur de règles"


def update_rules(window) -> str:
    """What the counselor was told; '' when the dialog was cancelled."""
    name, _ = QFileDialog.getOpenFileName(window, TITLE, "", "Paquets de règles Aidant Desk (*.zip)")
    if not name:
        return ""
    try:
        catalogue = install_pack(window.desk.db, Path(name))
    except (PackRefused, StoreError, OSError) as error:
        text = _why(name, error)
        window.show_error("Règles non installées", text)
        return text
    # The window and the engine's process hold the catalogue they started with.
    text = (f"Les règles {catalogue.version} sont installées ({len(catalogue.aids)} aides). Elles s'appliqueront "
            "au prochain démarrage : fermez puis rouvrez Aidant Desk.")
    QMessageBox.information(window, TITLE, text)
    return text


def trust_publisher(window) -> str:
    """What the counselor was told; '' when the dialog was cancelled or the key not accepted."""
    name, _ = QFileDialog.getOpenFileName(window, TRUST_TITLE, "", "Clés publiques de règles (*.pub);;Tous les fichiers (*)")
    if not name:
        return ""
    try:
        key = public_key(Path(name))
    except (PackRefused, OSError) as error:
        text = _why(name, error)
        window.show_error("Clé non acceptée", text)
        return text
    # The file may have come by e-mail: its fingerprint, read back to the publisher, proves whose it is.
    fingerprint = key_fingerprint(key)
    question = (f"Empreinte de la clé : {fingerprint}\n\nVérifiez-la avec l'éditeur des règles (par "
                "téléphone, par exemple) avant d'accepter. Ce poste installera ensuite les paquets signés par cette clé.")
    box = QMessageBox(QMessageBox.Icon.Question, TRUST_TITLE, question,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
    box.button(QMessageBox.StandardButton.Yes).setText("Accepter la clé")  # Qt's own words are English
    box.button(QMessageBox.StandardButton.No).setText("Annuler")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    if box.exec() != QMessageBox.StandardButton.Yes:
        return ""
    try:
        trust(window.desk.db, key)
    except StoreError as error:
        window.show_error("Clé non acceptée", str(error))
        return str(error)
    text = f"Clé acceptée : les paquets de règles signés par cet éditeur ({fingerprint}) peuvent être installés."
    QMessageBox.information(window, TRUST_TITLE, text)
    return text


def _why(name: str, error: Exception) -> str:
    """A refusal in French; for a file that cannot be read, the system's reason with its name."""
    return f"{name} : {error.strerror}" if isinstance(error, OSError) and error.strerror else str(error)
