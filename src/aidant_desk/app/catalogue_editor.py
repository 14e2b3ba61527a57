"""« Catalogue des aides locales… »: a departmental coordinator writes a local aid
(declarative conditions, scope local) without programming.

The form is generated from the folder's own schemas/aid.schema.json: one widget per
property, chosen by its type and enum, its help from the property's description.
Every change is validated as the loader validates (schema_problems, then the
cross-references) and the aid is previewed as the handout prints it. « Enregistrer »
writes aids/<id>.yaml atomically, then the whole folder must pass `rules check`.
« Exporter un paquet… » signs the folder for the desks."""
from __future__ import annotations

import copy
import json
import os
import re
import shutil
import tempfile
from datetime import date
from html import escape
from pathlib import Path

import pypdfium2
import yaml
from PIL import ImageOps
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..desk import (
    OPENFISCA_FRANCE_VERSION,
    AidResult,
    BuildHandout,
    HandoutOptions,
    InvalidData,
    SimulationResult,
    SiteSettings,
    current_month,
)
from ..desk.rules import PackRefused, build_pack, check_rules, load_catalogue, rules_dir, rules_version
from ..validation import Problem, schema_problems
from .aid_form import (
    FIELD_LABELS,
    MISSING,
    OTHER_SECTION,
    PATTERN_MESSAGES,
    PLACEHOLDERS,
    SECTIONS,
    BoolField,
    ConditionsField,
    Field,
    field_title,
    get_path,
    help_text,
    is_empty,
    make_field,
    part_rank,
    pop_path,
    put_path,
    required_objects,
    schema_leaves,
    schema_order,
    slug,
)
from .widgets import describe

TITLE = "Catalogue des aides locales"
EXPORT_TITLE = "Exporter un paquet de règles"
LOCAL_FOLDER = "catalogue-local"  # the coordinator's working copy, in the desk's data folder
VALIDATE_MS, PREVIEW_MS = 200, 450
ERROR_COLOR = "#b00020"
PREVIEW_SCALE = 2.0  # rendered sharp, then fitted to the panel
FOOTER_ROOM = 40  # points at the page's bottom: the footer, left out of the preview


def render_card(pdf: bytes) -> QImage:
    """The handout's first page, cut to what is printed on it (the footer left out)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=PREVIEW_SCALE).to_pil().convert("RGB")
    finally:
        document.close()
    body = image.crop((0, 0, image.width, int(image.height - FOOTER_ROOM * PREVIEW_SCALE)))
    box = ImageOps.invert(body.convert("L")).point(lambda p: 255 if p > 10 else 0).getbbox()
    if box:
        pad = int(8 * PREVIEW_SCALE)
        image = image.crop((max(box[0] - pad, 0), max(box[1] - pad, 0), min(box[2] + pad, image.width),
                            min(box[3] + pad, image.height)))
    data = image.tobytes("raw", "RGB")
    return QImage(data, image.width, image.height, 3 * image.width, QImage.Format.Format_RGB888).copy()


class CatalogueEditor(QDialog):
    """The folder's local aids on the left, the form in the middle, the handout on the right."""

    def __init__(self, rules: Path, parent=None):
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)  # a window of its own, with maximise
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.resize(1300, 720)
        self.fields: dict[str, Field] = {}
        self.path: Path | None = None  # the file being edited; None for a new aid
        self._original: dict = {}
        self._clean: dict = {}
        self._id_touched = False
        self._marked: list[QWidget] = []
        self.data: dict = {}
        self.problems: list[Problem] = []
        self.saved_problems: list[Problem] = []  # what `rules check` said at the last save
        self.preview_images: dict[bool, QImage] = {}
        self.preview_error = ""
        self._preview_dir = tempfile.TemporaryDirectory(prefix="aidant-desk-apercu-")
        self._validate_timer = QTimer(self, singleShot=True, interval=VALIDATE_MS, timeout=self.validate_now)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_MS, timeout=self.update_preview)
        self.setStyleSheet(f'*[problem="true"] {{ border: 2px solid {ERROR_COLOR}; }}')

        # left: the folder and its local aids
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        self.folder_label.setStyleSheet("color: #444;")
        self.change_folder_button = describe(QPushButton("Changer de dossier…"), "Changer de dossier de règles",
                                             "Travailler sur un autre dossier de règles (avec aids/ et schemas/).")
        self.aid_list = describe(QListWidget(), "Aides locales du dossier")
        self.aid_list.setWordWrap(True)  # a long name on two lines, never cut
        self.aid_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.new_button = describe(QPushButton("Nouvelle aide locale"), "Nouvelle aide locale")
        self.no_aid = QLabel("Aucune aide locale dans ce dossier pour l'instant.")
        self.no_aid.setWordWrap(True)
        self.no_aid.setStyleSheet("color: #444;")
        self.folder_problems = describe(QListWidget(), "Erreurs dans les fichiers du dossier")
        self.folder_problems.setWordWrap(True)
        self.folder_problems.setStyleSheet(f"color: {ERROR_COLOR};")
        self.folder_problems_label = QLabel("<b>Fichiers à corriger</b>")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 4, 4)
        left_layout.addWidget(QLabel("<b>Aides locales</b>"))
        left_layout.addWidget(self.aid_list, 3)
        left_layout.addWidget(self.no_aid)
        left_layout.addWidget(self.new_button)
        left_layout.addWidget(self.folder_problems_label)
        left_layout.addWidget(self.folder_problems, 2)
        left_layout.addWidget(self.folder_label)
        left_layout.addWidget(self.change_folder_button)

        # middle: the form, its problems, the buttons
        self.heading = QLabel()
        self.form_area = QScrollArea()
        self.form_area.setWidgetResizable(True)
        self.form_area.setFrameShape(QFrame.Shape.NoFrame)
        self.problem_label = QLabel()
        self.problem_list = describe(QListWidget(), "Ce qu'il faut corriger avant d'enregistrer")
        self.problem_list.setWordWrap(True)
        self.problem_list.setFixedHeight(104)
        self.problem_list.setStyleSheet(f"color: {ERROR_COLOR};")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.save_button = describe(QPushButton("Enregistrer"), "Enregistrer l'aide",
                                    "Écrit aids/<identifiant>.yaml dans le dossier, puis vérifie tout le dossier.")
        self.export_button = describe(QPushButton("Exporter un paquet…"), "Exporter un paquet de règles signé",
                                      "Signe le dossier avec la clé privée de l'éditeur, pour les postes.")
        close = describe(QPushButton("Fermer"), "Fermer")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(4, 4, 4, 4)
        middle_layout.addWidget(self.heading)
        middle_layout.addWidget(self.form_area, 1)
        middle_layout.addWidget(self.problem_label)
        middle_layout.addWidget(self.problem_list)
        middle_layout.addWidget(self.status)
        middle_layout.addLayout(buttons)

        # right: the handout as it will print the aid, the person's version then the counselor's
        self.preview_note = QLabel()
        self.preview_note.setWordWrap(True)
        self.preview_note.setStyleSheet("color: #8a5a00;")
        self.previews: dict[bool, QLabel] = {}
        pages = QWidget()
        pages_layout = QVBoxLayout(pages)
        pages_layout.setContentsMargins(0, 0, 0, 0)
        for full, title in ((False, "Récapitulatif de la personne"), (True, "Version complète du conseiller")):
            self.previews[full] = describe(QLabel(), f"Aperçu : {title}")
            self.previews[full].setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
            pages_layout.addWidget(QLabel(f"<i>{title}</i>"))
            pages_layout.addWidget(self.previews[full])
        pages_layout.addStretch(1)
        self.preview_area = QScrollArea()
        self.preview_area.setWidgetResizable(True)
        self.preview_area.setWidget(pages)
        self.preview_area.viewport().installEventFilter(self)  # the cards follow the panel's width
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 4, 4, 4)
        right_layout.addWidget(QLabel("<b>Aperçu sur le récapitulatif</b>"))
        right_layout.addWidget(self.preview_note)
        right_layout.addWidget(self.preview_area, 1)

        splitter = QSplitter()
        for pane in (left, middle, right):
            splitter.addWidget(pane)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([200, 640, 500])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

        self.aid_list.itemActivated.connect(self._chosen)
        self.aid_list.itemClicked.connect(self._chosen)
        self.new_button.clicked.connect(lambda: self._ask_discard() and self.new_aid())
        self.change_folder_button.clicked.connect(self.choose_folder)
        self.problem_list.itemActivated.connect(self._go_to_problem)
        self.problem_list.itemClicked.connect(self._go_to_problem)
        self.save_button.clicked.connect(self.save)
        self.export_button.clicked.connect(self.export_dialog)
        close.clicked.connect(self.close)
        self.open_folder(Path(rules))

    # --- the folder ------------------------------------------------------------------------
    def open_folder(self, folder: Path) -> None:
        """Read the folder's schema, life events and aids, and generate the form from its schema.
        OSError or ValueError, before anything changes, when the schema cannot be read."""
        schema = json.loads((folder / "schemas" / "aid.schema.json").read_text(encoding="utf-8"))
        self.folder, self.schema = folder, schema
        self.setWindowTitle(f"{TITLE} — {folder}")
        self.folder_label.setText(f"Dossier : {folder}")
        self.folder_label.setToolTip(str(folder))
        self.events = self._life_events()
        self._build_form()
        self.refresh_folder()
        self.new_aid()

    def _life_events(self) -> list[tuple[str, str, str]]:
        events = []
        for path in sorted((self.folder / "life_events").glob("*.yaml")):
            data = self._read(path)
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                events.append((data.get("order", 0), data["id"], str(data.get("label", data["id"])),
                               str(data.get("description", ""))))
        return [(i, label, text) for _, i, label, text in sorted(events, key=lambda e: (e[0] or 0, e[1]))]

    @staticmethod
    def _read(path: Path):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, OSError, UnicodeDecodeError):
            return None  # the loader's message names the file
        if isinstance(data, dict) and "last_verified" in data:
            data["last_verified"] = str(data["last_verified"])  # as the loader reads it
        return data

    def refresh_folder(self, problems: list[Problem] | None = None) -> None:
        """The local aids listed; the loader's problems with the folder's files shown."""
        self.aid_files = {p.stem: p for p in sorted((self.folder / "aids").glob("*.yaml"))}
        self.aid_list.clear()
        for stem, path in self.aid_files.items():
            data = self._read(path)
            if not isinstance(data, dict) or data.get("scope") != "local":
                continue
            item = QListWidgetItem(str(data.get("label") or stem))
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(f"aids/{path.name}")
            computation = data.get("computation")
            if not (isinstance(computation, dict) and "conditions" in computation):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(f"aids/{path.name} : calculée par openfisca-france, à modifier dans son fichier")
            self.aid_list.addItem(item)
            if self.path is not None and path == self.path:
                self.aid_list.setCurrentItem(item)
        self.no_aid.setVisible(not self.aid_list.count())
        if problems is None:
            try:
                load_catalogue(self.folder)
                problems = []
            except InvalidData as error:
                problems = error.problems
            except (OSError, ValueError) as error:  # a schema missing or not JSON
                problems = [Problem(str(self.folder), str(error))]
        self.folder_problems.clear()
        for problem in problems:
            self.folder_problems.addItem(str(problem))
        self.folder_problems.setVisible(bool(problems))
        self.folder_problems_label.setVisible(bool(problems))

    def choose_folder(self) -> None:
        if not self._ask_discard():
            return
        name = QFileDialog.getExistingDirectory(self, "Dossier des règles", str(self.folder))
        if not name:
            return
        folder = Path(name)
        if not (folder / "aids").is_dir() or not (folder / "schemas" / "aid.schema.json").is_file():
            QMessageBox.warning(self, TITLE, f"{folder} n'est pas un dossier de règles : il y faut aids/ et "
                                             "schemas/aid.schema.json (une copie du dossier rules/).")
            return
        try:
            self.open_folder(folder)
        except (OSError, ValueError) as error:
            QMessageBox.warning(self, TITLE, f"Le schéma des aides de {folder} ne peut pas être lu : {error}")

    # --- the form ---------------------------------------------------------------------------
    def _build_form(self) -> None:
        """One widget per schema property, in sections; a property the sections do not name
        (a newer schema) goes to « Autres champs »."""
        self.fields = {}
        self.required_arrays = set()
        for path, prop, required in schema_leaves(self.schema):
            made = make_field(path, prop, self.schema, self.events)
            if made is None:
                continue
            made.required = required
            self.fields[path] = made
            if required and prop.get("type") == "array":
                self.required_arrays.add(path)
        self.required_objects = required_objects(self.schema)
        self.conditions = self.fields.get("computation.conditions")
        form = QWidget()
        column = QVBoxLayout(form)
        column.setContentsMargins(0, 0, 8, 0)
        sections = [(title, [p for p in paths if p in self.fields]) for title, paths in SECTIONS]
        sections.append((OTHER_SECTION, [p for p in self.fields if all(p not in paths for _, paths in SECTIONS)]))
        for title, paths in sections:
            if not paths:
                continue
            box = QGroupBox(title)
            rows = QFormLayout(box)
            rows.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for path in paths:
                self._place(rows, self.fields[path])
            column.addWidget(box)
        note = QLabel("* obligatoire")
        note.setStyleSheet("color: #444;")
        column.addWidget(note)
        column.addStretch(1)
        old = self.form_area.takeWidget()
        if old is not None:
            old.deleteLater()
        self.form_area.setWidget(form)
        for made in self.fields.values():
            made.connect(self._changed)
        self.fields["label"].widget.textChanged.connect(self._label_changed)
        self.fields["id"].widget.textEdited.connect(self._id_edited)

    def _place(self, rows: QFormLayout, made: Field) -> None:
        name = FIELD_LABELS.get(made.path, made.path) + (" *" if made.required else "")
        describe(made.widget, FIELD_LABELS.get(made.path, made.path), help_text(made.path, made.prop))
        if isinstance(made.widget, (QLineEdit, QPlainTextEdit)) and made.path in PLACEHOLDERS:
            made.widget.setPlaceholderText(PLACEHOLDERS[made.path])
        if isinstance(made, ConditionsField):
            rows.addRow(QLabel(f"<b>{name}</b> — toutes doivent être remplies"))
            rows.addRow(made.widget)
        elif isinstance(made, BoolField):
            rows.addRow("", made.widget)
        else:
            label = QLabel(name)
            label.setBuddy(made.widget)
            label.setToolTip(help_text(made.path, made.prop))
            rows.addRow(label, made.widget)

    def _label_changed(self, text: str) -> None:
        # A new aid's identifier follows its name until the coordinator types one.
        if self.path is None and not self._id_touched:
            self.fields["id"].widget.setText(slug(text))

    def _id_edited(self, text: str) -> None:
        self._id_touched = bool(text.strip())

    def _changed(self) -> None:
        self._validate_timer.start()
        self._preview_timer.start()

    def new_aid(self) -> None:
        """An empty form, with one condition to start from and today's date."""
        self.path, self._original, self._id_touched = None, {}, False
        self._load_fields({})
        if self.conditions is not None:
            self.conditions.add_condition()
        self.fields["id"].widget.setReadOnly(False)
        self.heading.setText("<b>Nouvelle aide locale</b>")
        self.aid_list.clearSelection()
        self._settle()

    def load_aid(self, path: Path) -> bool:
        data = self._read(path)
        if not isinstance(data, dict):
            self.status.setText(f"aids/{path.name} ne peut pas être lu : voir « Fichiers à corriger ».")
            return False
        self.path, self._original, self._id_touched = path, copy.deepcopy(data), True
        self._load_fields(data)
        self.fields["id"].widget.setReadOnly(True)  # the file's name: it does not change here
        self.heading.setText(f"<b>{escape(str(data.get('label', path.stem)))}</b> — aids/{path.name}")
        self._settle()
        return True

    def _load_fields(self, data: dict) -> None:
        for made in self.fields.values():
            made.set(get_path(data, made.path))
        self.saved_problems = []
        self.status.setStyleSheet("")
        self.status.setText("")

    def _settle(self) -> None:
        """Validated and previewed now; what is on screen is the clean state."""
        self.validate_now()
        self._clean = copy.deepcopy(self.data)
        self.update_preview()

    def _chosen(self, item: QListWidgetItem) -> None:
        path = Path(item.data(Qt.ItemDataRole.UserRole))
        if path == self.path or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return
        if self._ask_discard():
            self.load_aid(path)
        else:  # the selection back on the aid being typed
            self._select_current()

    def _select_current(self) -> None:
        self.aid_list.clearSelection()
        for i in range(self.aid_list.count()):
            if self.path is not None and Path(self.aid_list.item(i).data(Qt.ItemDataRole.UserRole)) == self.path:
                self.aid_list.setCurrentRow(i)

    def is_dirty(self) -> bool:
        self.validate_now()
        return self.data != self._clean

    def _ask_discard(self) -> bool:
        """True when nothing typed is lost, or the coordinator agrees to lose it."""
        if not self.is_dirty():
            return True
        box = QMessageBox(QMessageBox.Icon.Question, TITLE, "L'aide en cours n'est pas enregistrée. "
                          "Abandonner ce qui a été saisi ?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText("Abandonner")  # Qt's own words are English
        box.button(QMessageBox.StandardButton.No).setText("Continuer la saisie")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    # --- validation -------------------------------------------------------------------------
    def build(self) -> tuple[dict, list[Problem]]:
        """The aid as it will be written (keys in the schema's order), and what the widgets
        could not read. Fields the form does not edit stay as the file has them."""
        data = copy.deepcopy(self._original)
        for path in self.fields:
            pop_path(data, path)
        problems: list[Problem] = []
        for path, made in self.fields.items():
            problems += made.problems()
            value = made.value()
            if value is None:
                before = get_path(self._original, path, MISSING)
                if before is not MISSING and is_empty(before):
                    value = before  # « automatic: false » stays in the file
                elif path in self.required_arrays:
                    value = []
            if value is not None:
                put_path(data, path, value)
        for path in self.required_objects:
            if get_path(data, path) is None:
                put_path(data, path, {})
        return schema_order(data, self.schema, self.schema), problems

    def cross_problems(self, data: dict) -> list[Problem]:
        """What the loader checks across files: the identifier and the file's name, life
        events and aids that exist in this folder."""
        problems = []
        aid_id = data.get("id")
        if isinstance(aid_id, str) and re.fullmatch(r"[a-z0-9_]+", aid_id):
            if self.path is None and aid_id in self.aid_files:
                problems.append(Problem("id", f"une aide « {aid_id} » existe déjà dans ce dossier "
                                              f"(aids/{aid_id}.yaml) : choisissez un autre identifiant"))
            if self.path is not None and aid_id != self.path.stem:
                problems.append(Problem("id", f"« {aid_id} » doit être égal au nom du fichier ({self.path.stem})"))
        known_events = {e[0] for e in self.events}
        for i, event in enumerate(data.get("life_events") or []):
            if event not in known_events:
                problems.append(Problem(f"life_events[{i}]",
                                        f"événement de vie « {event} » inconnu (voir life_events/)"))
        known_aids = set(self.aid_files) | ({aid_id} if isinstance(aid_id, str) else set())
        for i, condition in enumerate(get_path(data, "computation.conditions") or []):
            tests = condition.get("any", [condition]) if isinstance(condition, dict) else []
            for j, test in enumerate(tests):
                where = f"computation.conditions[{i}]" + (f".any[{j}]" if "any" in condition else "")
                for other in test.get("aids", ()) if isinstance(test, dict) else ():
                    if other not in known_aids:
                        problems.append(Problem(f"{where}.aids", f"aide « {other} » inconnue"))
        return problems

    def validate_now(self) -> list[Problem]:
        self._validate_timer.stop()
        data, problems = self.build()
        found = [self._worded(p) for p in schema_problems(data, self.schema)]
        # What the editor says itself is said once: a value it could not read, and a condition
        # it already explains (the schema's oneOf would add « champ inconnu » for its other form).
        own = {p.field for p in problems}
        explained = {m[0] for m in (re.match(r"computation\.conditions\[\d+\]", p.field) for p in problems) if m}
        found = [p for p in found if p.field not in own
                 and not any(p.field.startswith(prefix) for prefix in explained)]
        everything = list(dict.fromkeys(problems + found + self.cross_problems(data)))
        order = {path: i for i, path in enumerate(self._form_order())}
        everything.sort(key=lambda p: (order.get(self._field_path(p.field), len(order)), part_rank(p.field)))
        self.data, self.problems = data, everything
        self._show_problems()
        return everything

    def _worded(self, problem: Problem) -> Problem:
        prop = self.fields.get(problem.field)
        pattern = prop.prop.get("pattern") if prop else None
        if pattern in PATTERN_MESSAGES and "n'est pas une valeur au bon format" in problem.message:
            return Problem(problem.field, PATTERN_MESSAGES[pattern])
        return problem

    def _form_order(self) -> list[str]:
        ordered = [p for _, paths in SECTIONS for p in paths]
        return ordered + [p for p in self.fields if p not in ordered]

    def _field_path(self, where: str) -> str:
        base = re.sub(r"\[\d+\].*$", "", where)
        while base and base not in self.fields:
            base = base.rpartition(".")[0]
        return base

    def _target(self, where: str) -> QWidget | None:
        base = self._field_path(where)
        if not base:
            return None
        return self.fields[base].target(where[len(base):])

    def _show_problems(self) -> None:
        for widget in self._marked:
            self._mark(widget, False)
        self._marked = []
        self.problem_list.clear()
        shown = self.problems + self.saved_problems
        for problem in self.problems:
            item = QListWidgetItem(f"{field_title(problem.field)} : {problem.message}")
            item.setData(Qt.ItemDataRole.UserRole, problem.field)
            self.problem_list.addItem(item)
            widget = self._target(problem.field)
            if widget is not None and widget not in self._marked:
                self._mark(widget, True)
                self._marked.append(widget)
        for problem in self.saved_problems:
            self.problem_list.addItem(f"Vérification du dossier — {problem}")
        count = len(shown)
        self.problem_label.setText("<b>Rien à corriger</b> : l'aide peut être enregistrée." if not count else
                                   f"<b>À corriger avant d'enregistrer ({count})</b>")
        self.problem_list.setVisible(bool(count))
        self.save_button.setEnabled(not self.problems)

    @staticmethod
    def _mark(widget: QWidget, on: bool) -> None:
        widget.setProperty("problem", on)
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def _go_to_problem(self, item: QListWidgetItem) -> None:
        widget = self._target(item.data(Qt.ItemDataRole.UserRole) or "")
        if widget is not None:
            self.form_area.ensureWidgetVisible(widget)
            widget.setFocus()

    def problem_texts(self) -> list[str]:
        return [self.problem_list.item(i).text() for i in range(self.problem_list.count())]

    # --- preview ----------------------------------------------------------------------------
    def _card(self, data: dict) -> dict:
        """The aid as the handout needs it, its gaps filled: a card shows while it is typed.
        Its conditions are not printed: one that always holds stands for them."""
        card = copy.deepcopy(data)
        card["id"] = "apercu"
        for path, gap in (("label", "(nom de l'aide)"), ("description", "(description de l'aide)"),
                          ("institution", "(organisme)"), ("how_to_apply.instructions", "(démarche)"),
                          ("legal_source.label", "(texte)")):
            value = get_path(card, path)
            shortest = self.fields[path].prop.get("minLength", 1) if path in self.fields else 1
            if not isinstance(value, str) or len(value) < shortest:
                put_path(card, path, gap)
        for path in ("category", "kind", "periodicity"):
            allowed = self.fields[path].prop.get("enum", []) if path in self.fields else []
            if allowed and card.get(path) not in allowed:
                card[path] = "money" if "money" in allowed else allowed[0]
        card["life_events"] = []
        computation = card.get("computation") if isinstance(card.get("computation"), dict) else {}
        card["computation"] = {"conditions": [{"fact": "household.adults", "op": ">=", "value": 0, "fail": "-"}]}
        amount = computation.get("amount")
        if isinstance(amount, (int, float)) and not isinstance(amount, bool) and amount >= 0:
            card["computation"]["amount"] = amount
        for key in ("to_confirm", "amount_note"):
            if computation.get(key):
                card["computation"][key] = computation[key]
        for path in ("how_to_apply.online", "legal_source.url"):
            value = get_path(card, path)
            if value is not None and not (isinstance(value, str) and value.startswith("https://")):
                pop_path(card, path)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(card.get("last_verified", ""))):
            card["last_verified"] = date.today().isoformat()
        return card

    def preview_pdf(self, full: bool = False) -> bytes:
        """The real handout, for a result where this aid alone is open. Raises InvalidData
        when even the gaps filled do not make a valid aid."""
        card = self._card(self.data)
        problems = schema_problems(card, self.schema)
        if problems:
            raise InvalidData([self._worded(p) for p in problems])
        folder = Path(self._preview_dir.name)
        shutil.rmtree(folder / "aids", ignore_errors=True)
        (folder / "aids").mkdir(parents=True)
        shutil.copytree(self.folder / "schemas", folder / "schemas", dirs_exist_ok=True)
        (folder / "aids" / "apercu.yaml").write_text(yaml.safe_dump(card, allow_unicode=True, sort_keys=False),
                                                     encoding="utf-8")
        catalogue = load_catalogue(folder)
        aid = catalogue.aid("apercu")
        conditions = aid.conditions
        status = "to_check" if conditions.to_confirm else "eligible"  # as the engine decides
        result = AidResult(
            aid_id=aid.id, label=aid.label, category=aid.category, status=status, amount=conditions.amount,
            periodicity=aid.periodicity, unit="euros" if conditions.amount is not None else "eligibilite",
            reason=aid.eligible_reason or "Les conditions sont remplies.", computed_by="conditions", kind=aid.kind,
            to_confirm=conditions.to_confirm)
        simulation = SimulationResult(
            month=current_month(), aids=(result,), fiscal_reference_income=0.0, fiscal_income_estimated=False,
            openfisca_france_version=OPENFISCA_FRANCE_VERSION, openfisca_core_version="",
            rules_version=rules_version(self.folder))
        options = HandoutOptions(full=full)
        return BuildHandout(simulation, options, (), SiteSettings(), date.today()).pdf(catalogue)

    def update_preview(self) -> None:
        self._preview_timer.stop()
        if self._validate_timer.isActive():
            self.validate_now()
        try:
            images = {full: render_card(self.preview_pdf(full)) for full in (False, True)}
        except InvalidData as error:
            self.preview_error = "Aperçu en attente : " + "; ".join(
                f"{field_title(p.field)} : {p.message}" for p in error.problems[:3])
            self.preview_note.setText(self.preview_error)
            return
        except (OSError, ValueError) as error:  # a folder that cannot be read, a PDF pdfium refuses
            self.preview_error = f"Aperçu impossible : {error}"
            self.preview_note.setText(self.preview_error)
            return
        self.preview_error = ""
        self.preview_images = images
        self.preview_note.setText(self._preview_words())
        self._fit_preview()

    def _preview_words(self) -> str:
        if self.data.get("kind") in ("loan_guarantee", "bon_plan") and not get_path(self.data, "computation.to_confirm"):
            return "Un prêt, une garantie ou un bon plan n'est pas imprimé sur le récapitulatif."
        if get_path(self.data, "computation.to_confirm"):
            return ("Avec des points « à vérifier », la personne lit l'aide sur une ligne ; la version du "
                    "conseiller donne sa fiche entière.")
        return "L'aide telle qu'elle sera imprimée, si elle est la seule ouverte au dossier."

    def _fit_preview(self) -> None:
        width = max(self.preview_area.viewport().width() - 12, 200)
        for full, image in self.preview_images.items():
            self.previews[full].setPixmap(QPixmap.fromImage(image).scaledToWidth(
                min(width, image.width()), Qt.TransformationMode.SmoothTransformation))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize and watched is self.preview_area.viewport():
            self._fit_preview()
        return super().eventFilter(watched, event)

    # --- saving -----------------------------------------------------------------------------
    def save(self) -> bool:
        """aids/<id>.yaml written whole, then the folder checked like `rules check`. A refusal
        that names this file puts the folder back as it was; the form keeps what was typed."""
        if self.validate_now():
            self.status.setText("Corrigez d'abord la liste ci-dessus.")
            return False
        data = copy.deepcopy(self.data)
        target = self.folder / "aids" / f"{data['id']}.yaml"
        try:
            before = target.read_bytes() if target.exists() else None
            _write_atomic(target, yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000))
        except OSError as error:
            self._tell_error(f"Enregistrement impossible : {target} : {error.strerror or error}. "
                             "Rien n'est perdu de la saisie.")
            return False
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            check_rules(self.folder)
            problems: list[Problem] = []
        except InvalidData as error:
            problems = error.problems
        except (OSError, ValueError) as error:  # a schema gone or not JSON: said, the aid kept
            problems = [Problem(str(self.folder), str(error))]
        finally:
            self.unsetCursor()
        mine = [p for p in problems if p.field.split(" › ")[0] == target.name]
        if mine:
            try:  # the folder as it was: a desk must never be sent an aid it refuses
                if before is None:
                    target.unlink()
                else:
                    _write_atomic(target, before)
            except OSError:
                pass
            self.saved_problems = problems
            self._show_problems()
            self._tell_error("Non enregistrée : la vérification du dossier refuse cette aide (voir la liste). "
                             "Votre saisie est conservée.")
            return False
        self.path, self._original, self._id_touched = target, data, True
        self._clean = copy.deepcopy(data)
        self.fields["id"].widget.setReadOnly(True)
        self.heading.setText(f"<b>{escape(data['label'])}</b> — aids/{target.name}")
        self.saved_problems = []
        self.refresh_folder(problems)
        self._show_problems()
        if problems:
            self._tell_error(f"Enregistrée dans aids/{target.name}, mais d'autres fichiers du dossier ont des "
                             "erreurs (à gauche) : corrigez-les avant d'exporter un paquet.")
        else:
            self.status.setStyleSheet("color: #0b6e2e;")
            self.status.setText(f"Enregistrée dans aids/{target.name}. Le dossier passe la vérification.")
        return True

    def _tell_error(self, text: str) -> None:
        self.status.setStyleSheet(f"color: {ERROR_COLOR};")
        self.status.setText(text)

    # --- the pack ---------------------------------------------------------------------------
    def suggested_version(self) -> str:
        """The folder's version with its last number plus one, else this month's first."""
        current = rules_version(self.folder)
        if re.fullmatch(r"\d+(\.\d+)*", current or ""):
            *head, last = current.split(".")
            return ".".join(head + [str(int(last) + 1)])
        today = date.today()
        return f"{today.year}.{today.month}.1"

    def export_dialog(self) -> str:
        """Key, version and file asked in turn; what the coordinator was told ('' if cancelled)."""
        key, _ = QFileDialog.getOpenFileName(self, f"{EXPORT_TITLE} : clé privée de l'éditeur", "",
                                             "Clés privées de règles (*.pem);;Tous les fichiers (*)")
        if not key:
            return ""
        version, ok = QInputDialog.getText(
            self, EXPORT_TITLE, "Version du paquet (plus grande que celle des postes), par exemple 2026.12.1 :",
            QLineEdit.EchoMode.Normal, self.suggested_version())
        if not ok or not version.strip():
            return ""
        output, _ = QFileDialog.getSaveFileName(self, f"{EXPORT_TITLE} : fichier à écrire",
                                                str(Path.home() / f"regles-{version.strip()}.zip"),
                                                "Paquets de règles (*.zip)")
        if not output:
            return ""
        output = output if output.lower().endswith(".zip") else output + ".zip"
        done, text = self.export_pack(Path(key), version.strip(), Path(output))
        (QMessageBox.information if done else QMessageBox.warning)(self, EXPORT_TITLE, text)
        return text

    def export_pack(self, key: Path, version: str, output: Path) -> tuple[bool, str]:
        """The folder checked, then signed into `output`: (written, what to tell, in French)."""
        if self.is_dirty():
            return False, ("L'aide en cours n'est pas enregistrée : enregistrez-la d'abord, le paquet reprend les "
                           "fichiers du dossier.")
        if key.suffix == ".pub":
            return False, (f"{key.name} est la clé publique (celle que les postes acceptent). Choisissez la clé "
                           "privée, le fichier .pem écrit par « aidant-desk rules keygen ».")
        if not key.is_file():
            return False, f"La clé privée {key} est introuvable."
        try:
            check_rules(self.folder)
        except InvalidData as error:
            return False, ("Le dossier ne passe pas la vérification : aucun paquet n'est écrit.\n"
                           + "\n".join(f"- {p}" for p in error.problems))
        except (OSError, ValueError) as error:
            return False, f"Le dossier ne peut pas être vérifié : {error}"
        try:
            build_pack(self.folder, output, key, version)
        except PackRefused as error:
            return False, str(error)
        except OSError as error:
            if error.filename and Path(error.filename) == key:
                return False, f"La clé privée {key} ne peut pas être lue ({error.strerror or error})."
            return False, (f"Impossible d'écrire {output} ({error.strerror or error}). Choisissez un autre "
                           "dossier, où vous pouvez écrire.")
        return True, (f"Paquet {version} écrit : {output}. Installez-le sur les postes avec « Mettre à jour les "
                      "règles… » ; ils doivent avoir accepté votre clé publique.")

    # --- closing ----------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        # Asked only on screen: a window closed by code (a test, the app quitting) just closes.
        if self.isVisible() and not self._ask_discard():
            event.ignore()
            return
        self._preview_dir.cleanup()
        super().closeEvent(event)

    def reject(self) -> None:  # Escape
        self.close()


def _write_atomic(target: Path, data: str | bytes) -> None:
    """A temporary file in the same folder, then renamed over the target: whole or not at all.
    Its hidden name is never read as an aid, nor packed."""
    handle, partial = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".tmp", dir=target.parent)
    try:
        os.chmod(partial, 0o644)  # open data, readable like the other rule files (mkstemp makes it 0600)
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def working_copy(data_dir: Path) -> tuple[Path, bool]:
    """The coordinator's copy of the active catalogue in the desk's data folder, made the
    first time; (folder, made now)."""
    folder = data_dir / LOCAL_FOLDER
    if folder.exists():
        return folder, False
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(rules_dir(), folder, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    return folder, True


def open_catalogue_editor(window) -> CatalogueEditor | None:
    """« Catalogue des aides locales… » from the main window, on the desk's working copy."""
    opened = window.findChild(CatalogueEditor)
    if opened is not None and opened.isVisible():  # one editor: a second would not see the first's typing
        opened.raise_()
        opened.activateWindow()
        return opened
    try:
        folder, made = working_copy(window.desk.path.parent)
        editor = CatalogueEditor(folder, parent=window)
    except (OSError, ValueError) as error:
        window.show_error(TITLE, f"Le catalogue local ne peut pas être ouvert : {error}")
        return None
    if made:
        editor.status.setText(f"Copie de travail du catalogue créée : {folder}")
    editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    editor.show()
    return editor
