"""The main window: start screen (life events), then the form beside live results,
the before/after comparison and the earnings chart."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..desk import (Catalogue, Compare, Consent, Desk, Dossier, Explain, InvalidData, Ladder, RecheckReport, Simulate,
                    StoreError, current_month, is_month, month_label, visit_summary)
from .agenda_panel import AgendaPanel
from .catalogue_editor import open_catalogue_editor
from .chart import EarningsView
from .comparison import ComparisonView
from .engine_client import EngineClient
from .explanation_dialog import ExplanationDialog
from .form import SECTIONS, DossierForm
from .handout_dialog import HandoutDialog
from .kept_dossiers import KeepDialog, KeptDossiersPanel
from .results_panel import ResultsPanel
from .rules_update import trust_publisher, update_rules
from .runner import Operation
from .settings_dialog import SettingsDialog
from .sync_loop import SyncLoop
from .widgets import describe

ENGINE_LOADING = "Moteur de calcul en préparation…"


class StartPage(QWidget):
    event_chosen = Signal(str)  # life event id, or "" for a full check
    open_requested = Signal()
    resume_requested = Signal()
    settings_requested = Signal()

    def __init__(self, catalogue: Catalogue, desk: Desk, parent=None):
        super().__init__(parent)
        title = QLabel("<h1>Aidant Desk</h1><p>Que se passe-t-il dans la vie de la personne ?</p>")
        self.kept = KeptDossiersPanel(desk)
        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for i, event in enumerate(catalogue.life_events):
            button = describe(QPushButton(f"{event.label}\n{event.description}"), event.label, event.description)
            button.setMinimumHeight(64)
            button.clicked.connect(lambda _=False, e=event.id: self.event_chosen.emit(e))
            grid.addWidget(button, i // 2, i % 2)
            self.buttons[event.id] = button
        full = describe(QPushButton("Bilan complet des droits"), "Bilan complet des droits",
                        "Toutes les questions et toutes les aides.")
        full.setMinimumHeight(48)
        full.clicked.connect(lambda: self.event_chosen.emit(""))
        self.buttons[""] = full
        open_button = describe(QPushButton("Ouvrir un fichier…"), "Ouvrir un fichier dossier (.json)")
        open_button.clicked.connect(self.open_requested.emit)
        self.resume_banner = QWidget()
        banner = QHBoxLayout(self.resume_banner)
        self.resume_text = QLabel()
        self.resume_button = describe(QPushButton("Reprendre le dossier en cours"), "Reprendre le dossier en cours")
        self.resume_button.clicked.connect(self.resume_requested.emit)
        banner.addWidget(self.resume_text, 1)
        banner.addWidget(self.resume_button)
        self.resume_banner.setObjectName("resume")
        self.resume_banner.setStyleSheet("#resume { background: #fff4d6; border-radius: 4px; }")
        self.resume_banner.hide()
        # First start: the site's address is printed on every handout and appointment.
        self.site_banner = QWidget()
        site_row = QHBoxLayout(self.site_banner)
        site_row.addWidget(QLabel("Indiquez l'adresse de votre France Services : elle s'imprime sur les "
                                  "récapitulatifs et les rendez-vous."), 1)
        self.site_button = describe(QPushButton("Régler le poste…"), "Ouvrir les réglages du poste")
        self.site_button.clicked.connect(self.settings_requested.emit)
        site_row.addWidget(self.site_button)
        self.site_banner.setObjectName("site")
        self.site_banner.setStyleSheet("#site { background: #e8edff; border-radius: 4px; }")
        self.site_banner.hide()
        self.engine_state = QLabel(ENGINE_LOADING)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.site_banner)
        layout.addWidget(self.resume_banner)
        layout.addLayout(grid)
        row = QHBoxLayout()
        row.addWidget(full, 1)
        row.addWidget(open_button)
        layout.addLayout(row)
        layout.addWidget(self.kept, 1)
        layout.addWidget(self.engine_state)


class MainWindow(QMainWindow):
    def __init__(self, catalogue: Catalogue, engine: EngineClient, month: str | None = None,
                 desk: Desk | None = None, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.engine = engine
        self.runner = engine.runner  # one runner for all long work of the window
        self.desk = desk or Desk(catalogue=catalogue)
        self.sync_loop = SyncLoop(self.desk, self.runner, self)
        self.month = month or current_month()
        self.path: Path | None = None
        self.dossier: Dossier | None = None
        self.setWindowTitle("Aidant Desk")
        self.resize(1400, 900)

        self.start = StartPage(catalogue, self.desk)
        self.kept_id: int | None = None  # the kept dossier on screen, saved again under its id
        self.kept_name = ""
        self.form = DossierForm(catalogue)
        self.results = ResultsPanel()
        self.comparison = ComparisonView(catalogue)
        self.earnings = EarningsView()
        self.agenda_panel = AgendaPanel(self.desk)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.results, "Droits")
        self.tabs.addTab(self.comparison, "Avant / après")
        self.tabs.addTab(self.earnings, "Et si le salaire change ?")
        self.tabs.addTab(self.agenda_panel, "Rendez-vous")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(self.tabs)
        splitter.setSizes([780, 620])
        self.pages = QStackedWidget()
        self.pages.addWidget(self.start)
        self.pages.addWidget(splitter)
        self.work = splitter
        self.setCentralWidget(self.pages)
        self.engine_label = QLabel(ENGINE_LOADING)
        self.sync_label = QLabel()
        self.work_label = QLabel()  # what runs in the background now, if the person waits for it
        self.statusBar().addPermanentWidget(self.work_label)
        self.statusBar().addPermanentWidget(self.sync_label)
        self.statusBar().addPermanentWidget(self.engine_label)
        self.sync_loop.status_changed.connect(self.show_sync_status)
        self.runner.progress.connect(self.work_label.setText)
        self.runner.failed.connect(self.show_background_error)
        problem = self.desk.store_problem()
        for notice in self.desk.notices + ([f"Les comptes d'activité sont désactivés : {problem}"] if problem else []):
            self.statusBar().showMessage(notice, 15000)
        if not problem:
            self._purge_expired()

        self._actions()
        self.start.event_chosen.connect(self.start_dossier)
        self.start.open_requested.connect(self.open_dialog)
        self.start.kept.open_requested.connect(self.open_kept)
        self.start.kept.delete_requested.connect(self.ask_delete_kept)
        self.start.kept.export_requested.connect(self.export_kept)
        self.start.kept.import_requested.connect(self.import_file)
        self.start.resume_requested.connect(self.resume_autosave)
        self.start.settings_requested.connect(self.open_settings)
        self.form.changed.connect(self.dossier_changed)
        self.results.print_button.clicked.connect(self.open_handout)
        self.results.explain_requested.connect(self.explain)
        self.results.summary_requested.connect(self.copy_summary)
        self.start.kept.recheck_requested.connect(self.recheck)
        self.agenda_panel.chosen.connect(self._appointments_chosen)
        self.comparison.requested.connect(self.request_comparison)
        self.earnings.requested.connect(self.request_tab_work)
        self.tabs.currentChanged.connect(lambda _: self.request_tab_work())
        engine.ready.connect(self.engine_ready)
        engine.failed.connect(self.engine_failed)
        engine.busy_changed.connect(self._busy)
        if engine.is_ready:
            self.engine_ready(engine.version)
        self._offer_resume()
        self.ask_for_site_address()

    # --- menus and shortcuts ------------------------------------------------------------
    def _actions(self) -> None:
        menu = self.menuBar().addMenu("&Dossier")
        for text, shortcut, slot in (
            ("&Nouveau", QKeySequence.StandardKey.New, self.new_dossier),
            ("&Ouvrir un fichier…", QKeySequence.StandardKey.Open, self.open_dialog),
            ("&Enregistrer sur ce poste", QKeySequence.StandardKey.Save, self.keep),
            ("&Exporter en fichier…", QKeySequence.StandardKey.SaveAs, self.save_as),
            ("&Imprimer le récapitulatif…", QKeySequence.StandardKey.Print, self.open_handout),
        ):
            action = QAction(text, self)
            action.setShortcut(shortcut)
            action.triggered.connect(slot)
            menu.addAction(action)
        sections = self.menuBar().addMenu("&Sections")
        for i, (key, title) in enumerate(SECTIONS, start=1):
            action = QAction(title, self)
            action.setShortcut(QKeySequence(f"Alt+{i}"))
            action.triggered.connect(lambda _=False, k=key: self.form.focus_section(k))
            sections.addAction(action)
        settings = QAction("Réglages du poste…", self)
        settings.triggered.connect(self.open_settings)
        menu.addSeparator()
        menu.addAction(settings)
        rules = QAction("Mettre à jour les règles…", self)
        rules.triggered.connect(lambda: update_rules(self))
        menu.addAction(rules)
        menu.addAction("Catalogue des aides locales…", lambda: open_catalogue_editor(self))
        publisher = QAction("Accepter un éditeur de règles…", self)
        publisher.triggered.connect(lambda: trust_publisher(self))
        menu.addAction(publisher)
        activity = self.menuBar().addMenu("&Activité")
        sync = QAction("Synchroniser maintenant", self)
        sync.triggered.connect(lambda: self.sync_loop.sync(force=True))
        activity.addAction(sync)
        results = QAction("Résultats", self)
        results.setShortcut(QKeySequence("Alt+5"))
        results.triggered.connect(lambda: self.tabs.setCurrentIndex(0))
        sections.addAction(results)

    # --- engine ----------------------------------------------------------------------------
    def _ready_text(self, version: str) -> str:
        """The engine's state with the versions the results are computed under."""
        rules = f", règles {self.catalogue.version}" if self.catalogue.version else ""
        return f"Moteur prêt — openfisca-france {version}{rules}"

    def engine_ready(self, version: str) -> None:
        text = self._ready_text(version)
        self.engine_label.setText(text)
        self.start.engine_state.setText(text)
        if self.dossier is not None or self.pages.currentWidget() is self.work:
            self.dossier_changed()

    def engine_failed(self, message: str) -> None:
        self.engine_label.setText("Moteur indisponible")
        self.results.show_message(message, error=True)
        self.start.engine_state.setText(message)

    def _busy(self, busy: bool) -> None:
        if self.engine.is_ready:
            self.engine_label.setText("Calcul en cours…" if busy else self._ready_text(self.engine.version))

    def show_background_error(self, message: str) -> None:
        """Background work that failed with no place of its own to say so."""
        self.last_error = message
        self.statusBar().showMessage(message, 15000)

    def open_handout(self) -> HandoutDialog | None:
        """The handout of the results on screen, with the appointments of this visit."""
        result = self.results.result
        if result is None:
            self.statusBar().showMessage("Le récapitulatif demande des résultats : remplissez d'abord le dossier.", 8000)
            return None
        problem = self.desk.store_problem()
        if problem:
            self.show_background_error(f"Le récapitulatif ne peut pas être préparé : {problem}")
            return None
        try:  # a kept dossier's handout says the person agreed, and when
            consent_on = self.desk.dossiers.open(self.kept_id).consent.on if self.kept_id is not None else None
        except (InvalidData, StoreError):
            consent_on = None
        dialog = HandoutDialog(result, self.desk, self.engine, self.agenda_panel.on_handout, parent=self,
                               consent_on=consent_on)
        dialog.open()
        return dialog

    def open_settings(self) -> SettingsDialog | None:
        problem = self.desk.store_problem()
        if problem:
            self.show_background_error(f"Les réglages ne peuvent pas être ouverts : {problem}")
            return None
        dialog = SettingsDialog(self.desk, self)
        dialog.accepted.connect(self.agenda_panel.reload_settings)
        dialog.accepted.connect(self.sync_loop.refresh_status)
        dialog.accepted.connect(self.ask_for_site_address)
        dialog.open()
        return dialog

    def ask_for_site_address(self) -> None:
        """On the start page until the settings give the site's address."""
        self.start.site_banner.setVisible(not self.desk.store_problem() and not self.desk.site().address_given)

    def show_sync_status(self, lines: list[str]) -> None:
        """Short state in the status bar; the full French lines in its tooltip."""
        waiting = next((line for line in lines if line.startswith("Lots en attente")), "")
        self.sync_label.setText(waiting.replace("Lots en attente d'envoi", "Comptes en attente") if waiting else "")
        self.sync_label.setToolTip("\n".join(lines))
        self.sync_status_lines = lines

    # --- the dossier -----------------------------------------------------------------------
    def finish_session(self) -> None:
        """A dossier's simulation counts once, when the counselor moves on from it."""
        result = self.results.result
        if result is not None and self.dossier is not None:
            try:
                self.desk.finish_visit(result, list(self.dossier.life_events))
            except StoreError as error:
                self.show_background_error(f"Cette simulation n'a pas pu être comptée : {error}")
        self.results.result = None
        self.dossier = None
        self.agenda_panel.clear_handout()  # the next person's handout starts without them

    def _begin(self) -> None:
        """A new dossier replaces the one in progress: count the old one, and keep an
        autosaved dossier that was offered but not resumed under another name."""
        self.finish_session()
        if self._resumable is not None:
            self.desk.set_aside_in_progress()
            self._resumable = None
        self.start.resume_banner.hide()

    def start_dossier(self, event_id: str) -> None:
        self._begin()
        self.kept_id, self.kept_name = None, ""
        events = [event_id] if event_id else []
        self.path = None
        self.form.new_dossier(self.month, events, full_check=not event_id)
        if event_id:
            self.comparison.select_event(event_id)
        self.pages.setCurrentWidget(self.work)
        self.form.focus_section("foyer")

    def load_dossier(self, dossier: Dossier, path: Path | None = None) -> None:
        self._begin()
        self.kept_id, self.kept_name = None, ""
        self.path = path
        self._show_data(dossier.to_dict())
        self.setWindowTitle(f"Aidant Desk — {dossier.label or (path.name if path else 'dossier')}")

    def _show_data(self, data: dict) -> None:
        """Fill the form with dossier answers (valid or a half-typed draft) and compute."""
        events = list(data.get("life_events", []))
        self.form.load_data(data, data.get("month") or self.month)
        self.form.set_context(events, full_check=not events)
        if events:
            self.comparison.select_event(events[0])
        self.pages.setCurrentWidget(self.work)

    def current_dossier(self) -> Dossier | None:
        """The form as a valid Dossier, or None with the French problems shown."""
        problems = self.form.input_problems()
        if problems:
            self.results.show_message("Le dossier n'est pas encore calculable :<br>" + "<br>".join(problems), error=True)
            return None
        try:
            return Dossier.from_dict(self.form.to_data())
        except InvalidData as error:
            lines = "<br>".join(str(p) for p in error.problems)
            self.results.show_message(f"Le dossier n'est pas encore calculable :<br>{lines}", error=True)
            return None

    def dossier_changed(self) -> None:
        # The raw answers first: a dossier not yet valid is still worth keeping.
        self.desk.keep_in_progress(self.form.to_data())
        dossier = self.current_dossier()
        if dossier is None:
            return
        self.dossier = dossier
        if not self.engine.is_ready:
            self.results.show_message(ENGINE_LOADING)
            return
        self.engine.submit(Simulate(dossier), self.results.show_result,
                           lambda text: self.results.show_message(text, error=True), self)
        self.request_tab_work()

    def request_tab_work(self) -> None:
        """Comparison and chart are computed only when their tab is shown."""
        if self.dossier is None or not self.engine.is_ready:
            return
        if self.tabs.currentWidget() is self.comparison:
            self.request_comparison()
        elif self.tabs.currentWidget() is self.earnings:
            self.engine.submit(Ladder(self.dossier, self.earnings.chosen()), self.earnings.set_ladder,
                               self.earnings.cliffs.setText, self)

    def explain(self, aid_id: str) -> None:
        """« Comment ce montant est calculé », computed in the engine's process."""
        if self.dossier is None or not self.engine.is_ready:
            return
        self.engine.submit(Explain(self.dossier, aid_id), self._show_explanation,
                           lambda text: QMessageBox.information(self, "Comment ce montant est calculé", text), self)

    def _show_explanation(self, explanation) -> None:
        self.explanation_dialog = ExplanationDialog(explanation, self)
        self.explanation_dialog.show()

    def request_comparison(self) -> None:
        if self.dossier is None or not self.engine.is_ready:
            return
        self.engine.submit(Compare(self.dossier, self.comparison.event_id(), self.comparison.changes()),
                           self.comparison.show_comparison, self.comparison.summary.setText, self)

    # --- files -----------------------------------------------------------------------------
    def _offer_resume(self) -> None:
        saved, notice = self.desk.dossier_in_progress()
        self._resumable = saved
        if saved:
            month = saved.get("month")
            when = month_label(month) if isinstance(month, str) and is_month(month) else "mois non indiqué"
            self.start.resume_text.setText(
                f"Un dossier en cours a été retrouvé ({saved.get('label') or 'sans titre'}, {when}).")
            self.start.resume_banner.show()
        elif notice:
            self.start.resume_text.setText(notice)
            self.start.resume_button.hide()
            self.start.resume_banner.show()

    def resume_autosave(self) -> None:
        data, self._resumable = self._resumable, None
        if data:
            self.finish_session()
            self.start.resume_banner.hide()
            self.path = None
            try:
                self._show_data(data)
            except (TypeError, KeyError, AttributeError, ValueError):
                # Answers no form wrote (an old file in clear, edited by hand): kept aside, not lost.
                aside = self.desk.set_aside_in_progress()
                self.pages.setCurrentWidget(self.start)
                self.start.resume_text.setText("Le dossier en cours enregistré automatiquement n'a pas pu être "
                                               f"rouvert ; il a été mis de côté : {aside}")
                self.start.resume_button.hide()
                self.start.resume_banner.show()

    def new_dossier(self) -> None:
        self.start.kept.refresh()
        self.pages.setCurrentWidget(self.start)

    def open_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Ouvrir un dossier", "", "Dossiers Aidant Desk (*.json)")
        if name:
            self.open_path(Path(name))

    def open_path(self, path: Path) -> bool:
        try:
            dossier = self.desk.open_dossier(path)
        except InvalidData as error:
            self.show_error("Impossible d'ouvrir ce dossier", error.describe())
            return False
        self.load_dossier(dossier, path)
        return True

    def save(self) -> None:
        if self.path is None:
            self.save_as()
        else:
            self._write(self.path)

    def save_as(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Enregistrer le dossier", "dossier.json", "Dossiers Aidant Desk (*.json)")
        if name:
            self._write(Path(name))

    def _write(self, path: Path) -> None:
        self.form.flush()
        dossier = self.current_dossier()
        if dossier is None:
            self.show_error("Dossier incomplet", "Corrigez les champs signalés avant d'enregistrer ; "
                                                 "la saisie est conservée automatiquement.")
            return
        try:
            self.desk.save_dossier(dossier, path)
        except OSError as error:
            self.show_error("Enregistrement impossible", f"{path} : {error.strerror}. Choisissez un autre emplacement.")
            return
        self.path = path
        self.statusBar().showMessage(f"Dossier enregistré : {path}", 5000)

    # --- dossiers kept on the desk ---------------------------------------------------------
    def keep(self) -> KeepDialog | None:
        """Ctrl+S: keeps the dossier on the desk; the first time, asks its name and the consent."""
        self.form.flush()
        dossier = self.current_dossier()
        if dossier is None:
            self.show_error("Dossier incomplet", "Corrigez les champs signalés avant d'enregistrer ; "
                                                 "la saisie est conservée automatiquement.")
            return None
        if self.kept_id is not None:
            self._keep(dossier, self.kept_name, None)
            return None
        self.keep_dialog = KeepDialog(dossier.label or "", self)
        self.keep_dialog.accepted.connect(lambda: self._keep(dossier, *self.keep_dialog.answer()))
        self.keep_dialog.open()
        return self.keep_dialog

    def _keep(self, dossier: Dossier, name: str, consent: Consent | None) -> None:
        shelf = self.desk.dossiers
        try:
            if consent is None:  # saved again: the consent given the first time stands
                consent = shelf.open(self.kept_id).consent
            self.kept_id = shelf.save(name, dossier, consent, self.results.result, self.catalogue.fingerprint,
                                      dossier_id=self.kept_id,
                                      appointment_ids=[a.id for a in self.agenda_panel.on_handout])
        except (InvalidData, StoreError) as error:
            self.show_error("Enregistrement impossible", error.describe() if isinstance(error, InvalidData)
                            else str(error))
            return
        self.kept_name = name
        self.setWindowTitle(f"Aidant Desk — {name}")
        self.statusBar().showMessage(f"Dossier « {name} » enregistré sur ce poste (chiffré).", 5000)
        self.start.kept.refresh()

    def _appointments_chosen(self, appointments: list) -> None:
        """An appointment booked for a kept dossier's person: the list shows it as their next."""
        if self.kept_id is None or not appointments:
            return
        try:
            self.desk.dossiers.add_appointments(self.kept_id, [a.id for a in appointments])
        except StoreError as error:
            self.show_background_error(f"Le rendez-vous n'a pas pu être noté dans le dossier : {error}")
            return
        self.start.kept.refresh()

    def open_kept(self, dossier_id: int) -> None:
        try:
            opened = self.desk.dossiers.open(dossier_id)
        except (InvalidData, StoreError) as error:
            self.show_error("Impossible d'ouvrir ce dossier", error.describe() if isinstance(error, InvalidData)
                            else str(error))
            return
        self.load_dossier(opened.dossier.with_month(opened.dossier.month or self.month))
        self.kept_id, self.kept_name = dossier_id, opened.summary.name
        self.setWindowTitle(f"Aidant Desk — {opened.summary.name}")

    def ask_delete_kept(self, dossier_id: int) -> QMessageBox:
        """The right to erasure, after a confirmation the counselor reads with the person."""
        name = next((k.name for k in self.start.kept.shown if k.id == dossier_id), f"n° {dossier_id}")
        self.confirm_box = QMessageBox(QMessageBox.Icon.Question, "Supprimer le dossier",
                                       f"Effacer définitivement le dossier « {name} » de ce poste ?",
                                       QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        self.confirm_box.button(QMessageBox.StandardButton.Yes).setText("Effacer")
        self.confirm_box.button(QMessageBox.StandardButton.No).setText("Garder")
        self.confirm_box.button(QMessageBox.StandardButton.Yes).clicked.connect(lambda: self.delete_kept(dossier_id))
        self.confirm_box.open()
        return self.confirm_box

    def delete_kept(self, dossier_id: int) -> None:
        try:
            self.desk.dossiers.delete(dossier_id)
        except StoreError as error:
            self.show_error("Suppression impossible", str(error))
            return
        if self.kept_id == dossier_id:
            self.kept_id, self.kept_name = None, ""
        self.statusBar().showMessage("Dossier effacé de ce poste.", 5000)
        self.start.kept.refresh()

    def export_kept(self, dossier_id: int) -> None:
        path = self.choose_path("Exporter le dossier (sans son nom)", save=True)
        if path is None:
            return
        try:
            self.desk.dossiers.export(dossier_id, path)
        except (OSError, StoreError) as error:
            self.show_error("Export impossible", f"{path} : {getattr(error, 'strerror', None) or error}")
            return
        self.statusBar().showMessage(f"Dossier exporté : {path}", 5000)

    def import_file(self) -> KeepDialog | None:
        """A dossier file from another desk, kept here under a name, with the consent."""
        path = self.choose_path("Importer un dossier", save=False)
        if path is None:
            return None
        self.keep_dialog = KeepDialog(path.stem, self)
        self.keep_dialog.accepted.connect(lambda: self._import(path, *self.keep_dialog.answer()))
        self.keep_dialog.open()
        return self.keep_dialog

    def _import(self, path: Path, name: str, consent: Consent) -> None:
        try:
            self.desk.dossiers.import_file(path, name, consent)
        except (InvalidData, StoreError) as error:
            self.show_error("Import impossible", error.describe() if isinstance(error, InvalidData) else str(error))
            return
        self.statusBar().showMessage(f"Dossier « {name} » importé.", 5000)
        self.start.kept.refresh()

    def recheck(self) -> None:
        """« Revérifier » : every kept dossier computed again under today's rules, in the
        background, with its own store connection and engine; the list shows the progress."""
        panel = self.start.kept
        path, catalogue = self.desk.path, self.catalogue

        def work() -> RecheckReport:
            with Desk(path, catalogue=catalogue) as worker:
                return worker.recheck(progress=panel.recheck_progress.emit)

        panel.recheck_started()
        (Operation(work, "recheck", self).progress("Revérification des dossiers…")
         .success(panel.show_recheck).failure(panel.recheck_failed).run(self.runner))

    def copy_summary(self, with_name: bool) -> str:
        """The visit summary on the clipboard, for the case notes; the name only when asked."""
        result = self.results.result
        if result is None or self.dossier is None:
            self.statusBar().showMessage("Le résumé demande des résultats : remplissez d'abord le dossier.", 8000)
            return ""
        name = self.kept_name if with_name else ""
        text = visit_summary(self.dossier, result, self.agenda_panel.on_handout, catalogue=self.catalogue, name=name)
        QApplication.clipboard().setText(text)
        self.statusBar().showMessage("Résumé copié" + (" avec le nom" if name else ", sans nom")
                                     + " : collez-le dans les notes du dossier.", 5000)
        return text

    def choose_path(self, title: str, save: bool) -> Path | None:
        """The operating system's file dialog (tests stand in for it)."""
        ask = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        name, _ = ask(self, title, "", "Dossiers Aidant Desk (*.json)")
        return Path(name) if name else None

    def _purge_expired(self) -> None:
        """At each start: the dossiers and autosaves past their retention are erased."""
        try:
            dossiers, files = self.desk.purge_expired()
        except StoreError as error:
            self.show_background_error(f"La purge des dossiers anciens a échoué : {error}")
            return
        if dossiers or files:
            self.statusBar().showMessage(f"{dossiers} dossier(s) arrivé(s) au bout de leur durée de conservation "
                                         "ont été effacés.", 15000)
        self.start.kept.refresh()

    def show_error(self, title: str, text: str) -> None:
        """Errors a person can cause: a French message, never a traceback."""
        self.last_error = f"{title} : {text}"
        self.statusBar().showMessage(self.last_error, 10000)
        QMessageBox.warning(self, title, text)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.form.flush()
        self.finish_session()
        super().closeEvent(event)
