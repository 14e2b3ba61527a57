"""« Imprimer le récapitulatif »: the counselor chooses what goes on it, sees the real
PDF, then prints it through the system dialog or saves it.

The PDF is built in the engine's process (reportlab would hold Python's lock against
the window); rendering its pages and painting them for the printer run on the runner's
handout lane (pdfium lets go of the lock, and QPainter may paint a QImage or a
QPrinter off the GUI thread). The window only shows the images that come back."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdfium2
from PySide6.QtCore import QRect, Qt
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

from ..desk import Appointment, Desk, Handout, HandoutOptions, SimulationResult, amount_text, select_aids, when
from .engine_client import EngineClient
from .runner import Operation
from .widgets import describe

PREVIEW_SCALE = 1.2  # 72 dpi x 1.2: readable on screen
PRINT_DPI = 300
BAND_ROWS = 200  # rows of a 300 dpi page drawn per call: about 12 ms each
LANE = "handout"


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


def paint_pages(pdf: bytes, printer: QPrinter) -> None:
    """Each PDF page, rendered at print resolution, fitted to the printer's page.

    A page is drawn in bands: Qt keeps Python's lock for the whole of one drawImage
    (some 200 ms for a 300 dpi page), and the window must not wait that long."""
    painter = QPainter(printer)
    try:
        for i, image in enumerate(render_pages(pdf, PRINT_DPI / 72)):
            if i:
                printer.newPage()
            target = painter.viewport()
            size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(target.x(), target.y(), size.width(), size.height())
            painter.setWindow(image.rect())
            for top in range(0, image.height(), BAND_ROWS):
                band = QRect(0, top, image.width(), min(BAND_ROWS, image.height() - top))
                painter.drawImage(band, image, band)
            painter.setViewport(target)
    finally:
        painter.end()


class HandoutDialog(QDialog):
    def __init__(self, result: SimulationResult, desk: Desk, engine: EngineClient, appointments: list[Appointment],
                 counselor: str = "", parent=None, consent_on: date | None = None):
        super().__init__(parent)
        self.setWindowTitle("Imprimer le récapitulatif")
        self.resize(1100, 800)
        self.result, self.desk, self.engine, self.appointments = result, desk, engine, tuple(appointments)
        self.consent_on = consent_on  # the kept dossier's consent, printed in the footer
        self.runner = engine.runner
        self.site = desk.site()  # read once, here: the PDF is then built off the GUI thread
        self.handout: Handout | None = None
        self.handout_options: HandoutOptions | None = None  # what self.handout was built with
        self.counted = False  # one person, one handout counted, whatever is unticked in between

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
            "Rendez-vous imprimés : " + " ; ".join(f"{when(a.start)} avec {a.with_whom}" for a in appointments)
            if appointments else "Aucun rendez-vous : réservez-en un dans l'onglet « Rendez-vous » pour l'imprimer.")
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
                              beneficiary_first_name=self.first_name.text().strip(),
                              kept_with_consent_on=self.consent_on)

    def _handout(self, options: HandoutOptions, pdf: bytes | None = None) -> Handout:
        """The handout of these options: the PDF given, or built here. One person, one
        handout counted, however often it is rebuilt."""
        handout = Handout(pdf) if pdf is not None else self.desk.prepare_handout(
            self.result, options, self.appointments, site=self.site)
        handout.counted = self.counted
        return handout

    def refresh(self) -> None:
        """Build the real PDF and show its pages: the preview is what gets printed."""
        options = self.options()
        self._enable_delivery(False)
        self.status.setText("Préparation de l'aperçu…")
        request = self.desk.handout_request(self.result, options, self.appointments, self.site)
        if self.engine.submit(request, lambda pdf: self._render(options, pdf), self.status.setText, self) is None:
            # No engine process (stopped): the results on screen still deserve their handout.
            self._render(options, None)

    def _render(self, options: HandoutOptions, pdf: bytes | None) -> None:
        (Operation(lambda: self._preview(options, pdf), LANE, self).supersede(f"preview-{id(self)}")
         .success(self._show).failure(self.status.setText).run(self.runner))

    def _preview(self, options: HandoutOptions, pdf: bytes | None) -> tuple[HandoutOptions, Handout, list[QImage]]:
        handout = self._handout(options, pdf)
        return options, handout, render_pages(handout.pdf, PREVIEW_SCALE)

    def _show(self, built: tuple[HandoutOptions, Handout, list[QImage]]) -> None:
        self.handout_options, self.handout, self.preview_images = built
        while self.pages_layout.count():
            self.pages_layout.takeAt(0).widget().deleteLater()
        for image in self.preview_images:
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(image))
            page.setStyleSheet("border: 1px solid #999; background: white;")
            self.pages_layout.addWidget(page, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.status.setText(f"{len(self.preview_images)} page(s)")
        self._enable_delivery(True)

    def _enable_delivery(self, enabled: bool) -> None:
        self.print_button.setEnabled(enabled)
        self.save_button.setEnabled(enabled)

    def current_handout(self) -> Handout:
        """The handout of the options shown; built here only if the preview is not ready yet
        (the buttons wait for it; a script calling save() at once does not)."""
        options = self.options()
        if self.handout is None or self.handout_options != options:
            self.handout_options, self.handout = options, self._handout(options)
        return self.handout

    def _delivered(self, handout: Handout) -> None:
        self.desk.handout_delivered(handout)
        self.counted = True

    def save(self, path: Path) -> Path | None:
        handout = self.current_handout()
        try:
            written = self.desk.save_handout(handout, path)
        except OSError as error:
            self.status.setText(f"Enregistrement impossible : {path} ({error.strerror}). Choisissez un autre dossier.")
            return None
        self.counted = True
        return written

    def save_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Enregistrer le récapitulatif", "recapitulatif.pdf", "PDF (*.pdf)")
        if name and self.save(Path(name)):
            self.status.setText(f"Récapitulatif enregistré : {name}")

    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> Operation:
        """Paint the pages for the printer off the GUI thread; counted once it is done."""
        handout = self.current_handout()
        self._printer = printer  # alive until the painting ends
        self._enable_delivery(False)
        self.status.setText("Impression en cours…")

        def printed(_):
            self._delivered(handout)
            self._enable_delivery(True)
            self.status.setText("Récapitulatif envoyé à l'imprimante.")

        def failed(message: str):
            self._enable_delivery(True)
            self.status.setText(f"Impression impossible : {message}")

        return (Operation(lambda: paint_pages(handout.pdf, printer), LANE, self).progress("Impression du récapitulatif…")
                .success(printed).failure(failed).run(self.runner))
