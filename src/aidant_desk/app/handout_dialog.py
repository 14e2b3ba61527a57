"""« Imprimer le récapitulatif »: the counselor chooses what goes on it, sees the real
PDF, then prints it through the system dialog or saves it."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pypdfium2
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..agenda import Appointment, when
from ..catalogue import Catalogue
from ..engine import SimulationResult
from ..handout import HandoutOptions, prepare_handout, select_aids
from ..report import amount_text
from ..site import SiteSettings
from .widgets import describe

PREVIEW_SCALE = 1.2  # 72 dpi x 1.2: readable on screen
PRINT_DPI = 300


def render_pages(pdf: bytes, scale: float) -> list[QImage]:
    """The PDF's pages as images (pdfium), for the preview and the printer."""
    document = pypdfium2.PdfDocument(pdf)
    images = []
    for page in document:
        bitmap = page.render(scale=scale).to_pil().convert("RGB")
        data = bitmap.tobytes("raw", "RGB")
        images.append(QImage(data, bitmap.width, bitmap.height, 3 * bitmap.width, QImage.Format.Format_RGB888).copy())
    document.close()
    return images


class HandoutDialog(QDialog):
    def __init__(self, result: SimulationResult, catalogue: Catalogue, db, site: SiteSettings,
                 appointment: Appointment | None, counselor: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle("Imprimer le récapitulatif")
        self.resize(1100, 800)
        self.result, self.catalogue, self.db, self.site, self.appointment = result, catalogue, db, site, appointment
        self.handout = None

        self.aids = describe(QListWidget(), "Aides à imprimer", "Décochez les aides à ne pas mettre sur le récapitulatif.")
        default = select_aids(result, HandoutOptions())
        for aid in default.possible + default.to_check + [a for a in result.eligible if a.already_received]:
            item = QListWidgetItem(f"{aid.label} — {amount_text(aid)}" + (" (déjà perçue)" if aid.already_received else ""))
            item.setData(Qt.ItemDataRole.UserRole, aid.aid_id)
            item.setCheckState(Qt.CheckState.Unchecked if aid.already_received else Qt.CheckState.Checked)
            self.aids.addItem(item)
        self.counselor = describe(QLineEdit(counselor), "Prénom du conseiller (en-tête)")
        self.first_name = describe(QLineEdit(), "Prénom de la personne",
                                   "Laisser vide : un récapitulatif peut se perdre. À remplir seulement avec son accord.")
        self.first_name.setPlaceholderText("non imprimé")
        self.include_received = describe(QCheckBox("Rappeler les aides déjà perçues"), "Aides déjà perçues")
        self.appointment_label = QLabel(
            f"Rendez-vous imprimé : {when(appointment.start)} avec {appointment.with_whom}" if appointment
            else "Aucun rendez-vous : réservez-en un dans l'onglet « Rendez-vous » pour l'imprimer.")
        self.appointment_label.setWordWrap(True)
        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.pages)
        self.print_button = describe(QPushButton("Imprimer…"), "Imprimer le récapitulatif")
        self.save_button = describe(QPushButton("Enregistrer en PDF…"), "Enregistrer le récapitulatif en PDF")
        close = describe(QPushButton("Fermer"), "Fermer")
        self.status = QLabel()

        left = QWidget()
        form = QFormLayout(left)
        form.addRow(QLabel("<b>Aides sur le récapitulatif</b>"))
        form.addRow(self.aids)
        form.addRow(self.include_received)
        form.addRow("Conseiller", self.counselor)
        form.addRow("Prénom de la personne", self.first_name)
        form.addRow(self.appointment_label)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setSizes([380, 720])
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for b in (self.print_button, self.save_button, close):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self.aids.itemChanged.connect(lambda *_: self.refresh())
        self.include_received.toggled.connect(lambda *_: self.refresh())
        self.counselor.editingFinished.connect(self.refresh)
        self.first_name.editingFinished.connect(self.refresh)
        self.print_button.clicked.connect(self.print_dialog)
        self.save_button.clicked.connect(self.save_dialog)
        close.clicked.connect(self.accept)
        self.refresh()

    def options(self) -> HandoutOptions:
        kept = frozenset(self.aids.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.aids.count())
                         if self.aids.item(i).checkState() == Qt.CheckState.Checked)
        return HandoutOptions(aid_ids=kept, include_received=self.include_received.isChecked(),
                              counselor=self.counselor.text().strip(),
                              beneficiary_first_name=self.first_name.text().strip())

    def refresh(self) -> None:
        """Build the real PDF and show its pages: the preview is what gets printed."""
        delivered = self.handout is not None and self.handout.counted  # one person, one handout counted
        self.handout = prepare_handout(self.result, self.catalogue, self.options(), self.site, self.appointment)
        self.handout.counted = delivered
        while self.pages_layout.count():
            self.pages_layout.takeAt(0).widget().deleteLater()
        self.preview_images = render_pages(self.handout.pdf, PREVIEW_SCALE)
        for image in self.preview_images:
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(image))
            page.setStyleSheet("border: 1px solid #999; background: white;")
            self.pages_layout.addWidget(page, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.status.setText(f"{len(self.preview_images)} page(s)")

    def save(self, path: Path) -> Path | None:
        try:
            return self.handout.save(path, self.db, datetime.now())
        except OSError as error:
            self.status.setText(f"Enregistrement impossible : {path} ({error.strerror}). Choisissez un autre dossier.")
            return None

    def save_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Enregistrer le récapitulatif", "recapitulatif.pdf", "PDF (*.pdf)")
        if name and self.save(Path(name)):
            self.status.setText(f"Récapitulatif enregistré : {name}")

    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Each PDF page, rendered at print resolution, fitted to the printer's page."""
        painter = QPainter(printer)
        for i, image in enumerate(render_pages(self.handout.pdf, PRINT_DPI / 72)):
            if i:
                printer.newPage()
            target = painter.viewport()
            size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(target.x(), target.y(), size.width(), size.height())
            painter.setWindow(image.rect())
            painter.drawImage(0, 0, image)
            painter.setViewport(target)
        painter.end()
        self.handout.delivered(self.db, datetime.now())
        self.status.setText("Récapitulatif envoyé à l'imprimante.")
